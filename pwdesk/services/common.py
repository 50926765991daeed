"""What every service shares: its errors and the one way a record is created or changed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import ancestors
from pwdesk.services.checks import (
    MAX_PROBLEMS,
    Cited,
    Forms,
    as_typed,
    merge_check,
    record_problems,
)
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment, Auditor, Child, Practitioner, Versioned
from pwdesk.store.records import (
    History,
    add_version,
    checked_content,
    content_columns,
    content_of,
    current_heads,
    save_version,
    settle_heads,
)

RecordT = TypeVar("RecordT", bound=Versioned)


class NotFound(PwdeskError):
    """The record asked for does not exist (or was deleted)."""


class InvalidRecord(PwdeskError):
    """What was typed cannot be saved as it is; the message says what to change."""


@dataclass(frozen=True)
class Saved:
    """The outcome of a save: the record's id, and the new version if anything changed.

    A save based on a version that was no longer current is merged with what changed since:
    ``outcome`` is then ``merged`` (both sets of changes combined) or ``conflict`` (``conflicts``
    names the fields and answers both sides changed; both versions are kept).
    """

    id: str
    version: str | None
    outcome: str = "saved"
    conflicts: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the save made a new version."""
        return self.version is not None

    @property
    def concurrent(self) -> bool:
        """Whether the record had changed elsewhere since the version this save was based on."""
        return self.outcome in ("merged", "conflict")


def concurrency_message(saved: Saved, labels: Mapping[str, str] | None = None) -> str:
    """One sentence telling the user what happened to a save made over someone else's change."""
    if saved.outcome == "merged":
        return (
            "This record had changed elsewhere since you opened it; your changes and those "
            "were combined."
        )
    if saved.outcome == "conflict":
        names = [
            (labels or {}).get(name.partition(".")[2] or name, name) for name in saved.conflicts
        ]
        return (
            "This record had changed elsewhere since you opened it, in the same places as your "
            f"changes ({'; '.join(names)}); both versions are kept for the QA officer to choose."
        )
    return ""


def get_live(session: Session, model: type[RecordT], record_id: str) -> RecordT:
    """A record that exists and is not deleted, or NotFound."""
    record = session.get(model, record_id)
    if record is None or record.deleted:
        raise NotFound(f"There is no {model.RECORD_TYPE} with id {record_id}.")
    return record


def check_people(
    session: Session, child_id: str | None, practitioner_id: str | None, auditor_id: str | None
) -> None:
    """Every child, practitioner and senior leader a record names exists and is not deleted, or
    NotFound (None names nobody)."""
    for model, record_id in (
        (Child, child_id),
        (Practitioner, practitioner_id),
        (Auditor, auditor_id),
    ):
        if record_id is not None:
            get_live(session, model, record_id)


def _new_record(db: Database, model: type[RecordT], fields: Mapping[str, Any]) -> RecordT:
    record = model()
    record.id = db.new_id()
    for column in content_columns(model):  # defaults now, so the first version holds them
        default = column.default
        if default is not None and default.is_scalar and column.key not in fields:
            setattr(record, column.key, default.arg)  # type: ignore[attr-defined]
    return record


def local_forms(session: Session, db: Database) -> Forms:
    """The forms a local save's rules look up, a moderation's audit read in this transaction."""

    def of_assessment(assessment_id: str) -> Cited | None:
        audit = session.get(Assessment, assessment_id)
        return None if audit is None else (audit.template_id, audit.template_version, audit.kind)

    return Forms(db, of_assessment)


def check_rules(
    session: Session, db: Database, model: type[Versioned], content: Mapping[str, Any]
) -> None:
    """Refuse content that breaks a record's rules (services.checks) with their first sentences:
    a local save is held to exactly what a merge demands of a package."""
    problems = record_problems(model, checked_content(model, content), local_forms(session, db))
    if problems:
        raise InvalidRecord(" ".join(problems[:MAX_PROBLEMS]))


def put(
    session: Session,
    db: Database,
    model: type[RecordT],
    record_id: str | None,
    fields: Mapping[str, Any],
    *,
    base: str | None = None,
    deleted: bool = False,
) -> Saved:
    """Create a record (``record_id`` None) or set its fields, cutting a version if it changed.

    ``base`` is the version the change was made from (the one an editor opened). When that is no
    longer the record's only current version, the change becomes a version of its own, child of
    ``base``, merged with the current versions as a merge would: nothing is overwritten.
    """
    fields = as_typed(model, fields)
    if record_id is None:
        record = _new_record(db, model, fields)
        session.add(record)
    else:
        found = session.get(model, record_id) if base is not None else None
        # A change made from a version the user saw reaches even a record deleted meanwhile:
        # the merge below then keeps both as a conflict instead of losing the change.
        record = found if found is not None else get_live(session, model, record_id)
        if base is not None:
            heads = current_heads(session, record)
            if heads != {base}:
                return _put_over(session, db, record, heads, base, fields, deleted)
    for name, value in fields.items():
        setattr(record, name, value)
    if not deleted:
        check_rules(session, db, model, content_of(record))
    version = save_version(session, db, record, deleted=deleted)
    session.flush()
    return Saved(record.id, version)


def _put_over(
    session: Session,
    db: Database,
    record: RecordT,
    heads: set[str],
    base: str,
    fields: Mapping[str, Any],
    deleted: bool,
) -> Saved:
    """A change made from ``base`` while the record moved on to ``heads``: merge the two."""
    history = History(session, record.id)
    if base not in history:
        raise InvalidRecord(
            f"This change to a {record.RECORD_TYPE} record was based on a version this database "
            "does not have; open the record again."
        )
    stored = history.version(base)
    content = dict(stored.content)
    content.update({k: v.isoformat() if isinstance(v, dt.date) else v for k, v in fields.items()})
    if not deleted:  # the same checks as a save from the current head
        check_rules(session, db, type(record), content)
    if content == stored.content and deleted == stored.deleted:
        return Saved(record.id, None)  # nothing changed; what came since stays as it is
    mine = add_version(session, db, record.RECORD_TYPE, record.id, content, [base], deleted=deleted)
    # Only a version stored before can already be a head or behind one: the same change had
    # arrived from elsewhere.
    if mine in history and any(
        mine == h or mine in ancestors(h, history.parents_of) for h in heads
    ):
        return Saved(record.id, None)
    db.log(session, "update", record_type=record.RECORD_TYPE, record_id=record.id, version_id=mine)
    behind_mine = {base} | ancestors(base, history.parents_of)
    kept = {h for h in heads if h not in behind_mine} | {mine}
    settled = settle_heads(session, db, record, kept, check=merge_check(db))
    session.flush()
    # In a conflict the record shows one head meanwhile; the save's own version is ``mine``.
    version = mine if settled.outcome == "conflict" else settled.head
    return Saved(record.id, version, settled.outcome, settled.conflicts)


def delete(
    session: Session, db: Database, model: type[RecordT], record_id: str, *, base: str | None = None
) -> Saved:
    """Mark a record deleted with a tombstone version; it stays for history and references."""
    record = get_live(session, model, record_id)
    if base is not None:
        return put(session, db, model, record_id, {}, base=base, deleted=True)
    return Saved(record.id, save_version(session, db, record, deleted=True))
