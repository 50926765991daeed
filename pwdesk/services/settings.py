"""The settings of one database: the authority, the user, the device, the protective marking."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, replace
from pathlib import Path

from pwdesk.domain.errors import PwdeskError
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
# The longest each printed setting may be: it goes on every page's header, footer and cover.
LONGEST = {"authority_name": 120, "protective_marking": 40, "user_name": 120, "user_role": 120}
IMAGE_STARTS = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")  # PNG, JPEG


# Control characters, line and paragraph separators, surrogates and private-use characters have
# no place on a printed page; nor do the controls that reverse a line's direction (a name would
# print backwards). Joiners (as in emoji and Persian) and soft hyphens are text, and are kept.
REFUSED = frozenset({"Cc", "Cs", "Co", "Zl", "Zp"})
DIRECTION_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class InvalidSettings(PwdeskError):
    """A setting cannot be stored as given; the message says which and why."""


def _check_text(field: str, value: str) -> None:
    words = field.replace("_", " ")
    if any(unicodedata.category(ch) in REFUSED or ch in DIRECTION_CONTROLS for ch in value):
        raise InvalidSettings(f"The {words} must be one line of plain text.")
    if len(value) > LONGEST.get(field, 200):
        raise InvalidSettings(f"The {words} can be at most {LONGEST[field]} characters long.")


def check_settings(settings: AppSettings, fields: Collection[str] = tuple(_KEYS)) -> None:
    """Refuse settings that would spoil every printed page: a line break or control character,
    a name too long for the page header, a logo that is not a PNG or JPEG file, an unknown role.

    Only ``fields`` are checked (every one by default), so a value stored long ago never
    blocks a change to another setting.
    """
    for field in ("authority_name", "protective_marking", "user_name", "user_role"):
        if field in fields:
            _check_text(field, getattr(settings, field).strip())
    if "protective_marking" in fields and not settings.protective_marking.strip():
        raise InvalidSettings("The protective marking cannot be empty: documents print it.")
    if "role" in fields and settings.role not in ROLES:
        raise InvalidSettings(f"The role must be qa or laptop, not {settings.role!r}.")
    if "logo_path" in fields and settings.logo_path.strip():
        logo = Path(settings.logo_path.strip()).expanduser()
        try:
            with logo.open("rb") as file:
                start = file.read(8)
        except OSError:
            raise InvalidSettings(f"The logo {logo.name} cannot be read.") from None
        if not start.startswith(IMAGE_STARTS):
            raise InvalidSettings(f"The logo {logo.name} is not a PNG or JPEG image.")


def load_settings(db: Database) -> AppSettings:
    """The settings as stored, with the identity's user and device as defaults."""
    stored = db.settings(_KEYS.values())  # one query
    role = stored.get("role", "qa")
    return AppSettings(
        authority_name=stored.get("authority_name", ""),
        user_name=stored.get("user_name", db.identity.user),
        user_role=stored.get("user_role", ""),
        device_name=stored.get("device_name", db.identity.device_name),
        protective_marking=stored.get("protective_marking", DEFAULT_MARKING) or DEFAULT_MARKING,
        logo_path=stored.get("logo_path", ""),
        role=role if role in ROLES else "qa",
    )


def save_settings(db: Database, settings: AppSettings) -> None:
    """Store every changed setting; the user and device names apply to saves from now on.

    Settings that fail check_settings are refused, and nothing is stored.
    """
    current = load_settings(db)
    changed = {
        field: str(getattr(settings, field)).strip()
        for field in _KEYS
        if str(getattr(settings, field)).strip() != getattr(current, field)
    }
    check_settings(settings, changed)
    for field, value in changed.items():
        db.set_setting(_KEYS[field], value)
    db.identity = replace(
        db.identity,
        user=settings.user_name.strip() or db.identity.user,
        device_name=settings.device_name.strip() or db.identity.device_name,
    )
