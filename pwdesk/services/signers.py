"""Trust: which devices' packages a merge obeys, this store's own fingerprint, and the history
of merges and their signers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk.domain.errors import PwdeskError
from pwdesk.exchange.checking import CheckedPackage
from pwdesk.exchange.package import (
    fingerprint,
)
from pwdesk.services.common import NotFound
from pwdesk.services.export import signing_key
from pwdesk.store.database import Database
from pwdesk.store.models import (
    MergeLogEntry,
    Signer,
)


@dataclass(frozen=True)
class SignerInfo:
    """A device that signed a package: its name and id as the package gives them, and the
    fingerprint of its key, which the QA officer compares with the one the device shows."""

    device_name: str
    device_id: str
    fingerprint: str

    def describe(self) -> str:
        """The device in words, as a refusal or a confirmation names it."""
        name = self.device_name or "an unnamed device"
        return f"{name} (device id {self.device_id}, key {self.fingerprint})"

    def as_json(self) -> dict[str, str]:
        """The device as ``--json`` prints it."""
        return {
            "device": self.device_name,
            "device_id": self.device_id,
            "fingerprint": self.fingerprint,
        }


class UntrustedSigner(PwdeskError):
    """A package is signed by a key this database does not trust yet: nothing was merged."""

    def __init__(self, strangers: Sequence[SignerInfo]) -> None:
        self.strangers = tuple(strangers)
        named = "; ".join(signer.describe() for signer in strangers)
        many = len(strangers) > 1
        super().__init__(
            f"Nothing was merged: {'these devices are' if many else 'this device is'} not "
            f"trusted yet: {named}; compare the fingerprint with the one 'pwdesk whoami' shows "
            "on that device, then merge again with --trust-new."
        )


class ImpostorSigner(PwdeskError):
    """A package claims a device id that this database trusts under another key."""


def own_public_key(db: Database, *, make: bool = True) -> str | None:
    """The hex public key this database signs its packages with; one is made if it has none,
    unless ``make`` is False (then None: it has signed nothing yet)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if not make and not db.setting("signing_key"):
        return None
    raw = signing_key(db).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return raw.hex()


def whoami(db: Database) -> SignerInfo:
    """This database as other databases see its packages: device name, id and key fingerprint
    (shown by ``pwdesk whoami`` and the About box, to compare before trusting it)."""
    key = own_public_key(db)
    assert key is not None
    return SignerInfo(db.identity.device_name, db.identity.device_id, fingerprint(key))


def admit_signers(
    session: Session,
    db: Database,
    packages: Sequence[CheckedPackage],
    *,
    trust_new: bool,
    record: bool = True,
) -> list[SignerInfo]:
    """Refuse the merge unless every package's signer is trusted; the signers newly trusted.

    - This database's own key is always trusted.
    - A device id is pinned to the first key trusted for it: another key claiming it is refused
      whatever ``trust_new`` says (ImpostorSigner).
    - An unknown key is refused (UntrustedSigner) unless ``trust_new``, or unless this is a
      laptop that trusts no one yet: its first set-up package is trusted on first use, which
      pins the QA store's key.

    With ``record`` False it only refuses, writing nothing: a merge asks that first, so that a
    stranger's package is refused as a stranger's before its content is examined.
    """
    own = own_public_key(db, make=False)  # never a write inside this transaction
    known = {signer.public_key: signer for signer in session.scalars(select(Signer))}
    pinned = {s.device_id: s.public_key for s in known.values() if s.trusted and s.device_id}
    if own is not None:
        pinned[db.identity.device_id] = own
    first_use = db.setting("role", "qa") == "laptop" and not any(s.trusted for s in known.values())
    strangers: dict[str, SignerInfo] = {}
    claimed: dict[str, str] = {}
    for package in packages:
        key = package.opened.signer
        header = package.opened.header
        info = SignerInfo(
            str(header.get("device_name", ""))[:200],
            str(header.get("device_id", ""))[:36],
            fingerprint(key),
        )
        holder = pinned.get(info.device_id) or claimed.setdefault(info.device_id, key)
        if key != own and holder != key:
            raise ImpostorSigner(
                f"{package.name} was refused: it claims to come from device id "
                f"{info.device_id}, which this database knows by another key "
                f"({fingerprint(holder)}), and is signed by {info.fingerprint}."
            )
        if key == own or (key in known and known[key].trusted):
            continue
        strangers.setdefault(key, info)
    if strangers and not (trust_new or first_use):
        raise UntrustedSigner(list(strangers.values()))
    if not record:  # only asked whether the merge may go on: nothing is written
        return list(strangers.values())
    for key, info in strangers.items():
        signer = known.get(key)
        if signer is None:
            signer = Signer(public_key=key, device_name=info.device_name, first_seen=db.clock())
            session.add(signer)
        signer.trusted = True
        signer.device_id = info.device_id
        db.log(session, "trust", detail=f"signer {info.fingerprint} of device {info.device_id}")
    session.flush()
    return list(strangers.values())


@dataclass(frozen=True)
class MergeRecord:
    """A line of the merge history."""

    merged_at: datetime
    file_name: str
    device: str
    signer: str
    trusted: bool
    records: int


def merge_history(db: Database) -> list[MergeRecord]:
    """Every package merged into this database, newest first."""
    with db.read() as session:
        trusted = {s.public_key: s.trusted for s in session.scalars(select(Signer))}
        entries = session.scalars(select(MergeLogEntry).order_by(MergeLogEntry.id.desc())).all()
        return [
            MergeRecord(
                e.merged_at,
                e.file_name,
                e.device_name,
                fingerprint(e.signer),
                trusted.get(e.signer, False),
                int(e.counts.get("records", 0)),
            )
            for e in entries
        ]


def trust_signer(db: Database, fingerprint_text: str) -> str:
    """Mark a device's signing key as trusted, found by its fingerprint; returns its device."""
    wanted = fingerprint_text.replace(" ", "").lower()
    with db.write() as session:
        for signer in session.scalars(select(Signer)):
            if (
                fingerprint(signer.public_key).replace(" ", "").startswith(wanted)
                and len(wanted) >= 8
            ):
                signer.trusted = True
                db.log(session, "trust", detail=f"signer {fingerprint(signer.public_key)}")
                return signer.device_name
    raise NotFound(f"No device seen in a merge has the fingerprint {fingerprint_text}.")
