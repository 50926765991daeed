"""The settings of one database: the authority, the user, the device, the protective marking."""

from __future__ import annotations

from dataclasses import dataclass, replace

from pwdesk.store.database import Database

DEFAULT_MARKING = "OFFICIAL-SENSITIVE"


@dataclass(frozen=True)
class AppSettings:
    """What a user sets once: who they are, where they work, how documents are marked."""

    authority_name: str = ""
    user_name: str = ""
    user_role: str = ""
    device_name: str = ""
    protective_marking: str = DEFAULT_MARKING
    logo_path: str = ""  # an image file printed at the top of documents, if set
    role: str = "qa"  # "qa" on the QA officer's store, "laptop" on a senior leader's laptop


_KEYS = {
    "authority_name": "authority_name",
    "user_name": "user_name",
    "user_role": "user_role",
    "device_name": "device_name",
    "protective_marking": "protective_marking",
    "logo_path": "logo_path",
    "role": "role",
}
ROLES = ("qa", "laptop")


def load_settings(db: Database) -> AppSettings:
    """The settings as stored, with the identity's user and device as defaults."""
    role = db.setting("role", "qa")
    return AppSettings(
        authority_name=db.setting("authority_name"),
        user_name=db.setting("user_name", db.identity.user),
        user_role=db.setting("user_role"),
        device_name=db.setting("device_name", db.identity.device_name),
        protective_marking=db.setting("protective_marking", DEFAULT_MARKING) or DEFAULT_MARKING,
        logo_path=db.setting("logo_path"),
        role=role if role in ROLES else "qa",
    )


def save_settings(db: Database, settings: AppSettings) -> None:
    """Store every changed setting; the user and device names apply to saves from now on."""
    current = load_settings(db)
    for field, key in _KEYS.items():
        value = str(getattr(settings, field)).strip()
        if value != getattr(current, field):
            db.set_setting(key, value)
    db.identity = replace(
        db.identity,
        user=settings.user_name.strip() or db.identity.user,
        device_name=settings.device_name.strip() or db.identity.device_name,
    )
