"""What every service shares: its errors and the one way a record is created or changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from pwdesk.domain.errors import PwdeskError
from pwdesk.store.database import Database
from pwdesk.store.models import Versioned
from pwdesk.store.records import content_columns, save_version

RecordT = TypeVar("RecordT", bound=Versioned)


class NotFound(PwdeskError):
    """The record asked for does not exist (or was deleted)."""


class InvalidRecord(PwdeskError):
    """What was typed cannot be saved as it is; the message says what to change."""


@dataclass(frozen=True)
class Saved:
    """The outcome of a save: the record's id, and the new version if anything changed."""

    id: str
    version: str | None

    @property
    def changed(self) -> bool:
        """Whether the save made a new version."""
        return self.version is not None


def get_live(session: Session, model: type[RecordT], record_id: str) -> RecordT:
    """A record that exists and is not deleted, or NotFound."""
    record = session.get(model, record_id)
    if record is None or record.deleted:
        raise NotFound(f"There is no {model.RECORD_TYPE} with id {record_id}.")
    return record


def put(
    session: Session,
    db: Database,
    model: type[RecordT],
    record_id: str | None,
    fields: Mapping[str, Any],
) -> Saved:
    """Create a record (``record_id`` None) or set its fields, cutting a version if it changed."""
    if record_id is None:
        record = model()
        record.id = db.new_id()
        for column in content_columns(model):  # defaults now, so the first version holds them
            default = column.default
            if default is not None and default.is_scalar and column.key not in fields:
                setattr(record, column.key, default.arg)  # type: ignore[attr-defined]
        session.add(record)
    else:
        record = get_live(session, model, record_id)
    for name, value in fields.items():
        setattr(record, name, value)
    version = save_version(session, db, record)
    session.flush()
    return Saved(record.id, version)


def delete(session: Session, db: Database, model: type[RecordT], record_id: str) -> Saved:
    """Mark a record deleted with a tombstone version; it stays for history and references."""
    record = get_live(session, model, record_id)
    return Saved(record.id, save_version(session, db, record, deleted=True))
