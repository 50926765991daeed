"""Export: every record of a week (or of the database) with its whole history, in a signed and
encrypted ``.pwx`` package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk import __version__
from pwdesk.domain.errors import PwdeskError
from pwdesk.exchange.keys import new_signing_key, signing_key_from_hex
from pwdesk.exchange.package import (
    seal,
)
from pwdesk.services.files import write_atomically
from pwdesk.services.weeks import week_id_in
from pwdesk.store.database import Database
from pwdesk.store.models import (
    MODELS,
    VERSIONED_MODELS,
    Action,
    Allocation,
    Assessment,
    Auditor,
    Child,
    Cohort,
    CohortMember,
    ConflictHead,
    Moderation,
    Practitioner,
    RecordVersion,
    StoredTemplate,
    Versioned,
)

_CHUNK = 500


# --- the device's signing key --------------------------------------------------------------


def signing_key(db: Database) -> Ed25519PrivateKey:
    """This database's Ed25519 signing key, made the first time it is needed."""
    stored = db.setting("signing_key")
    if not stored:
        stored = new_signing_key()
        db.set_setting("signing_key", stored)
    return signing_key_from_hex(stored)


# --- export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    out: str
    week: str | None
    records: int
    versions: int
    counts: dict[str, int]


def _week_record_ids(session: Session, week_id: str) -> dict[type[Versioned], set[str]]:
    """Every record a week's package needs: the week and all its records refer to."""
    ids: dict[type[Versioned], set[str]] = {model: set() for model in VERSIONED_MODELS}
    ids[MODELS["week"]].add(week_id)
    cohorts = set(session.scalars(select(Cohort.id).where(Cohort.week_id == week_id)))
    ids[Cohort] = cohorts
    for member_id, child_id in session.execute(
        select(CohortMember.id, CohortMember.child_id).where(CohortMember.cohort_id.in_(cohorts))
    ):
        ids[CohortMember].add(member_id)
        ids[Child].add(child_id)
    for record_id, audited_child, practitioner_id, auditor_id in session.execute(
        select(
            Assessment.id, Assessment.child_id, Assessment.practitioner_id, Assessment.auditor_id
        ).where(Assessment.week_id == week_id)
    ):
        ids[Assessment].add(record_id)
        links: tuple[tuple[type[Versioned], str | None], ...] = (
            (Child, audited_child),
            (Practitioner, practitioner_id),
            (Auditor, auditor_id),
        )
        for model, linked in links:
            if linked:
                ids[model].add(linked)
    ids[Action] = set(session.scalars(select(Action.id).where(Action.week_id == week_id)))
    ids[Allocation] = set(
        session.scalars(select(Allocation.id).where(Allocation.week_id == week_id))
    )
    for allocated in session.scalars(
        select(Allocation.child_id).where(
            Allocation.week_id == week_id, Allocation.child_id.is_not(None)
        )
    ):
        if allocated:
            ids[Child].add(allocated)
    ids[Moderation] = set(
        session.scalars(
            select(Moderation.id)
            .join(Assessment, Moderation.assessment_id == Assessment.id)
            .where(Assessment.week_id == week_id)
        )
    )
    # Every practitioner and senior leader travels with a week, so laptops can name them.
    ids[Practitioner] |= set(session.scalars(select(Practitioner.id)))
    ids[Auditor] |= set(session.scalars(select(Auditor.id)))
    return ids


def _record_entries(
    session: Session, ids: Mapping[type[Versioned], set[str]]
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for model in VERSIONED_MODELS:
        wanted = sorted(ids.get(model, set()))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            heads = {
                rid: head
                for rid, head in session.execute(
                    select(model.id, model.head).where(model.id.in_(chunk))
                )
            }
            conflicts: dict[str, list[str]] = {}
            for rid, vid in session.execute(
                select(ConflictHead.record_id, ConflictHead.version_id).where(
                    ConflictHead.record_id.in_(chunk)
                )
            ):
                conflicts.setdefault(rid, []).append(vid)
            versions: dict[str, list[dict[str, Any]]] = {}
            for version in session.scalars(
                select(RecordVersion).where(RecordVersion.record_id.in_(chunk))
            ):
                versions.setdefault(version.record_id, []).append(
                    {
                        "id": version.id,
                        "parents": list(version.parents),
                        "content": version.content,
                        "deleted": version.deleted,
                        "device_id": version.device_id,
                        "author": version.author,
                        "created_at": version.created_at.isoformat(),
                    }
                )
            for rid in chunk:
                if rid in heads:
                    entries.append(
                        {
                            "type": model.RECORD_TYPE,
                            "id": rid,
                            "heads": sorted(conflicts.get(rid, [heads[rid]])),
                            "versions": sorted(versions.get(rid, []), key=_version_key),
                        }
                    )
    return entries


def _version_key(version: dict[str, Any]) -> str:
    return str(version["id"])


def export_package(
    db: Database,
    out: Path,
    *,
    week_code: str | None = None,
    passphrase: str | None = None,
    recipient: X25519PublicKey | None = None,
) -> ExportResult:
    """Write every record of a week (or of the database) with its history to a ``.pwx`` file."""
    if (passphrase is None) == (recipient is None):
        raise PwdeskError("Give either a recipient's public key or a package passphrase.")
    if passphrase is not None and len(passphrase) < 10:
        raise PwdeskError("The package passphrase needs at least 10 characters.")
    key = signing_key(db)
    with db.read() as session:
        if week_code is not None:
            ids = _week_record_ids(session, week_id_in(session, week_code))
        else:
            ids = {model: set(session.scalars(select(model.id))) for model in VERSIONED_MODELS}
        records = _record_entries(session, ids)
        templates = [
            {"id": t.template_id, "version": t.version, "source": t.source}
            for t in session.scalars(select(StoredTemplate).order_by(StoredTemplate.template_id))
        ]
    counts: dict[str, int] = {}
    for entry in records:
        counts[entry["type"]] = counts.get(entry["type"], 0) + 1
    now = db.clock()
    header = {
        "created_at": now.isoformat(),
        "device_id": db.identity.device_id,
        "device_name": db.identity.device_name,
        "pwdesk": __version__,
        "week": week_code,
        "counts": counts,
    }
    payload = {"kind": "pwdesk-records", "templates": templates, "records": records}
    data = seal(payload, header, key, passphrase=passphrase, recipient=recipient)
    write_atomically(data, out)
    with db.write() as session:
        db.log(session, "export", detail=f"{out.name}: {len(records)} records")
    return ExportResult(
        out=str(out),
        week=week_code,
        records=len(records),
        versions=sum(len(entry["versions"]) for entry in records),
        counts=counts,
    )
