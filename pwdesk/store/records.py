"""Versioned saves: turn a record's current state into content, and cut a version when it changed.

Content is plain JSON data: every column of the record but ``id``, ``head`` and ``deleted``,
with dates as ISO text. The same functions serve local edits and, later, merges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Column, Date, Integer
from sqlalchemy.orm import Session

from pwdesk.domain.dates import parse_date
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import check_plain, version_id
from pwdesk.store.database import Database
from pwdesk.store.models import RecordVersion, Versioned

_RECORD_COLUMNS = frozenset({"id", "head", "deleted"})


class ContentError(PwdeskError):
    """Record content does not fit its record type (a missing field, a wrong type)."""


def content_columns(model: type[Versioned]) -> list[Column[Any]]:
    """The columns that make up a record type's versioned content, in table order."""
    table = model.__table__  # type: ignore[attr-defined]
    return [column for column in table.columns if column.key not in _RECORD_COLUMNS]


def content_of(record: Versioned) -> dict[str, Any]:
    """The record's current state as plain data, ready to hash and to travel."""
    content: dict[str, Any] = {}
    for column in content_columns(type(record)):
        value = getattr(record, column.key)
        content[column.key] = value.isoformat() if isinstance(value, dt.date) else value
    check_plain(content)
    return content


def _convert(column: Column[Any], value: Any, where: str) -> Any:
    if value is None:
        if not column.nullable:
            raise ContentError(f"{where} is empty but must have a value.")
        return None
    if isinstance(column.type, Date):
        day = parse_date(value)
        if day is None:
            raise ContentError(f"{where} is not a date like 2018-09-17.")
        return day
    expected = int if isinstance(column.type, Integer) else column.type.python_type
    if expected is int and isinstance(value, bool):
        raise ContentError(f"{where} must be a whole number.")
    if not isinstance(value, expected):
        raise ContentError(f"{where} has the wrong type ({type(value).__name__}).")
    if expected is int and not -(2**63) <= value < 2**63:
        raise ContentError(f"{where} is too large a number to store.")
    if isinstance(value, list | dict):
        try:
            check_plain(value, where)
        except ValueError as error:
            raise ContentError(f"{error}.") from None
    return value


def checked_content(model: type[Versioned], content: Mapping[str, Any]) -> dict[str, Any]:
    """Content checked field by field (presence, type, range) and converted to column values.

    Raises ContentError naming the field. Touches no record, so packages can be checked whole
    before anything is written.
    """
    columns = content_columns(model)
    names = {column.key for column in columns}
    extra = sorted(set(content) - names)
    if extra:
        raise ContentError(f"A {model.RECORD_TYPE} record has unknown fields: {', '.join(extra)}.")
    values = {}
    for column in columns:
        if column.key not in content:
            raise ContentError(f"A {model.RECORD_TYPE} record lacks the field '{column.key}'.")
        where = f"Field '{column.key}' of a {model.RECORD_TYPE} record"
        values[column.key] = _convert(column, content[column.key], where)
    return values


def apply_content(record: Versioned, content: Mapping[str, Any]) -> None:
    """Set a record's columns from content, checking every field's presence and type."""
    for name, value in checked_content(type(record), content).items():
        setattr(record, name, value)


def save_version(
    session: Session,
    db: Database,
    record: Versioned,
    *,
    deleted: bool = False,
    parents: list[str] | None = None,
) -> str | None:
    """Cut a new version if the record's content (or tombstone flag) changed; None if not.

    The record must already be in ``session``. The new version's parent is the record's head,
    or ``parents`` when given (a conflict's resolution descends from every concurrent head, and
    is always cut). Each version is logged in the audit log.
    """
    content = content_of(record)
    head: str | None = record.head
    if head is not None and parents is None:
        current = session.get(RecordVersion, head)
        if current is not None and current.content == content and current.deleted == deleted:
            return None
    if parents is None:
        parents = [head] if head is not None else []
    new_id = version_id(record.RECORD_TYPE, record.id, content, parents, deleted=deleted)
    session.add(
        RecordVersion(
            id=new_id,
            record_type=record.RECORD_TYPE,
            record_id=record.id,
            parents=parents,
            content=content,
            deleted=deleted,
            device_id=db.identity.device_id,
            author=db.identity.user,
            created_at=db.clock(),
        )
    )
    record.head = new_id
    record.deleted = deleted
    action = "delete" if deleted else ("create" if head is None else "update")
    if len(parents) > 1:
        action = "resolve"
    db.log(session, action, record_type=record.RECORD_TYPE, record_id=record.id, version_id=new_id)
    return new_id
