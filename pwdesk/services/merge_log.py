"""The merge log: every package given to a merge, in order, whether merged or seen again.

A package merged before (the same file, byte for byte, signed by the same device) is recognised
here from the log, its signature checked, and skipped without unpacking its content again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk.exchange.checking import CheckedPackage
from pwdesk.exchange.package import PackageError, fingerprint, verified_signer
from pwdesk.store.database import Database
from pwdesk.store.models import MergeLogEntry, Signer

if TYPE_CHECKING:
    from pwdesk.services.merge import MergeResult


@dataclass(frozen=True)
class SeenAgain:
    """A package merged before, given again: recognised by the merge log and skipped."""

    name: str
    sha256: str
    signer: str
    device: str
    records: int


@dataclass(frozen=True)
class Logged:
    """A line of the merge log: the file's digest, who signed it, and how many records."""

    sha256: str
    signer: str
    device: str
    records: int


def merged_before(db: Database) -> dict[str, list[Logged]]:
    """The log of every package file merged into ``db`` before, by the file's digest."""
    with db.read() as session:
        rows = session.execute(
            select(
                MergeLogEntry.sha256,
                MergeLogEntry.signer,
                MergeLogEntry.device_name,
                MergeLogEntry.counts,
            ).order_by(MergeLogEntry.id)
        ).all()
    known: dict[str, list[Logged]] = {}
    for digest, signer, device, counts in rows:
        records = int(counts.get("records", 0)) if isinstance(counts, dict) else 0
        known.setdefault(digest, []).append(Logged(digest, signer, device, records))
    return known


def already_merged(
    path: Path,
    data: bytes,
    logged: dict[str, list[Logged]],
    passphrase: str | None,
    private_key: X25519PrivateKey | None,
) -> SeenAgain | None:
    """``data`` as a package merged before (the same file, byte for byte, whose signature still
    checks out as the signer's logged then), or None. Its content is not unpacked again."""
    digest = hashlib.sha256(data).hexdigest()
    earlier = logged.get(digest)
    if not earlier:
        return None
    try:
        signer = verified_signer(data, passphrase=passphrase, private_key=private_key)
    except PackageError as error:
        raise PackageError(f"{path.name}: {error}") from None
    entry = next((line for line in earlier if line.signer == signer), None)
    if entry is None:
        return None
    return SeenAgain(path.name, digest, signer, entry.device, entry.records)


def log_packages(
    session: Session,
    db: Database,
    in_order: Sequence[CheckedPackage | SeenAgain],
    result: MergeResult,
) -> None:
    """Every package given, in order, in the merge log: those merged and those seen again."""
    for package in in_order:
        if isinstance(package, SeenAgain):
            _log_again(session, db, package, result)
        else:
            _log_package(session, db, package, result)


def _log_again(session: Session, db: Database, again: SeenAgain, result: MergeResult) -> None:
    signer = session.get(Signer, again.signer)
    entry = {
        "fingerprint": fingerprint(again.signer),
        "device": again.device,
        "trusted": bool(signer is not None and signer.trusted),
    }
    if entry not in result.signers:
        result.signers.append(entry)
    session.add(
        MergeLogEntry(
            merged_at=db.clock(),
            file_name=again.name,
            sha256=again.sha256,
            signer=again.signer,
            device_name=again.device,
            counts={"records": again.records, "already_merged": True},
        )
    )
    db.log(
        session,
        "merge",
        detail=f"{again.name} sha256 {again.sha256[:16]} from {again.device}: merged before, "
        "skipped",
    )


def _log_package(
    session: Session, db: Database, package: CheckedPackage, result: MergeResult
) -> None:
    header = package.opened.header
    device = str(header.get("device_name", ""))
    signer = session.get(Signer, package.opened.signer)
    if signer is None:
        signer = Signer(
            public_key=package.opened.signer,
            device_name=device,
            first_seen=db.clock(),
            trusted=False,
        )
        session.add(signer)
    entry = {
        "fingerprint": fingerprint(package.opened.signer),
        "device": device,
        "trusted": bool(signer.trusted),
    }
    if entry not in result.signers:
        result.signers.append(entry)
    counts = {"records": len(package.records)}
    session.add(
        MergeLogEntry(
            merged_at=db.clock(),
            file_name=package.name,
            sha256=package.opened.sha256,
            signer=package.opened.signer,
            device_name=device,
            counts=counts,
        )
    )
    db.log(
        session,
        "merge",
        detail=f"{package.name} sha256 {package.opened.sha256[:16]} "
        f"from {device}: {len(package.records)} records",
    )
