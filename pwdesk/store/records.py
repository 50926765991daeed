"""Versioned saves: turn a record's current state into content, and cut a version when it changed.

Content is plain JSON data: every column of the record but ``id``, ``head`` and ``deleted``,
with dates as ISO text. The same functions serve local edits and, later, merges.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, Date, Integer, delete, select
from sqlalchemy.orm import Session

from pwdesk.domain.dates import parse_date
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import (
    DELETED_FIELD,
    FieldsMerge,
    check_plain,
    merge_heads,
    version_id,
)
from pwdesk.store.database import Database
from pwdesk.store.models import ConflictHead, RecordVersion, Versioned

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
    if expected is int and not -(2**31) <= value < 2**31:  # every database's INTEGER
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


def add_version(
    session: Session,
    db: Database,
    record_type: str,
    record_id: str,
    content: dict[str, Any],
    parents: list[str],
    *,
    deleted: bool = False,
) -> str:
    """Store a version of a record (once: a version already stored is left as it is); its id."""
    new_id = version_id(record_type, record_id, content, parents, deleted=deleted)
    with session.no_autoflush:  # the record itself may still lack its head
        stored = session.get(RecordVersion, new_id)
    if stored is None:
        session.add(
            RecordVersion(
                id=new_id,
                record_type=record_type,
                record_id=record_id,
                parents=sorted(set(parents)),
                content=content,
                deleted=deleted,
                device_id=db.identity.device_id,
                author=db.identity.user,
                created_at=db.clock(),
            )
        )
    return new_id


def save_version(
    session: Session,
    db: Database,
    record: Versioned,
    *,
    deleted: bool = False,
    parents: list[str] | None = None,
    action: str | None = None,
) -> str | None:
    """Cut a new version if the record's content (or tombstone flag) changed; None if not.

    The record must already be in ``session``. The new version's parent is the record's head,
    or ``parents`` when given (a merge or a conflict's resolution descends from every concurrent
    head, and is always cut). Each version is logged in the audit log, as ``action`` if given.
    """
    content = content_of(record)
    head: str | None = record.head
    if head is not None and parents is None:
        current = session.get(RecordVersion, head)
        if current is not None and current.content == content and current.deleted == deleted:
            return None
    if parents is None:
        parents = [head] if head is not None else []
    new_id = add_version(
        session, db, record.RECORD_TYPE, record.id, content, parents, deleted=deleted
    )
    record.head = new_id
    record.deleted = deleted
    if action is None:
        action = "delete" if deleted else ("create" if head is None else "update")
        if len(parents) > 1:
            action = "resolve"
    db.log(session, action, record_type=record.RECORD_TYPE, record_id=record.id, version_id=new_id)
    return new_id


# --- several current versions -------------------------------------------------------------------


class History:
    """Every stored version of one record, for walking its ancestry and merging its heads."""

    def __init__(self, session: Session, record_id: str) -> None:
        session.flush()
        self._versions = {
            v.id: v
            for v in session.scalars(
                select(RecordVersion).where(RecordVersion.record_id == record_id)
            )
        }

    def __contains__(self, version: str) -> bool:
        return version in self._versions

    def parents_of(self, version: str) -> tuple[str, ...]:
        """A version's parents (none for a version this database lacks)."""
        found = self._versions.get(version)
        return tuple(found.parents) if found is not None else ()

    def fields_of(self, version: str) -> dict[str, Any]:
        """A version's content with its tombstone flag, as the three-way merge compares them."""
        found = self._versions[version]
        return {**found.content, DELETED_FIELD: found.deleted}

    def version(self, version: str) -> RecordVersion:
        """One stored version."""
        return self._versions[version]


@dataclass(frozen=True)
class Settled:
    """How a record's current versions were settled.

    ``outcome`` is ``single`` (one head), ``merged`` (concurrent heads combined into a merge
    version) or ``conflict`` (``conflicts`` names the fields and answers changed differently).
    """

    head: str
    outcome: str
    conflicts: tuple[str, ...] = ()


def current_heads(session: Session, record: Versioned) -> set[str]:
    """Every current version of a record: its conflict's heads, or its one head."""
    heads = set(
        session.scalars(select(ConflictHead.version_id).where(ConflictHead.record_id == record.id))
    )
    return heads or {record.head}


def show_version(session: Session, record: Versioned, version: str) -> None:
    """Make a record's row hold a stored version's content."""
    if record.head == version:
        return
    stored = session.get(RecordVersion, version)
    if stored is None:
        raise ContentError(f"A {record.RECORD_TYPE} record names a version this database lacks.")
    apply_content(record, stored.content)
    record.head = version
    record.deleted = stored.deleted


MergeCheck = Callable[[type[Versioned], dict[str, Any]], list[str]]
"""Given a record type and merged content, the fields to keep as clashing (none if it is fine)."""


def merged_heads(
    history: History,
    model: type[Versioned],
    heads: set[str],
    check: MergeCheck | None = None,
) -> FieldsMerge:
    """The three-way merge of a record's heads, with the fields a ``check`` of the combined
    content says must be decided added to its clashes."""
    merged = merge_heads(heads, history.parents_of, history.fields_of, model.MERGE_BY_KEY)
    if merged.conflicts or check is None or merged.values.get(DELETED_FIELD):
        return merged
    content = {k: v for k, v in merged.values.items() if k != DELETED_FIELD}
    return FieldsMerge(merged.values, tuple(check(model, content)))


def settle_heads(
    session: Session,
    db: Database,
    record: Versioned,
    heads: set[str],
    *,
    clear: bool = True,
    check: MergeCheck | None = None,
) -> Settled:
    """Give a record the current versions ``heads``, merging them where they do not clash.

    One head: the record shows it. Several: their fields and answers are merged three ways
    against their common ancestors; with no clash the result is a merge version whose parents
    are every head, the same on any machine. Otherwise every head is kept as a conflict and the
    record shows the first of them meanwhile. ``clear`` False means the record is known to have
    no conflict rows yet (a merge removes them in batches). ``check`` names the fields to keep
    as clashing when the combined content would break the rules of its record type.
    """
    if clear:
        session.execute(delete(ConflictHead).where(ConflictHead.record_id == record.id))
    if len(heads) == 1:
        (head,) = heads
        show_version(session, record, head)
        return Settled(head, "single")
    model = type(record)
    history = History(session, record.id)
    merged = merged_heads(history, model, heads, check)
    if merged.conflicts:
        shown = min(heads)  # a fixed choice, so the order of merges never matters
        show_version(session, record, shown)
        session.add_all(
            ConflictHead(record_id=record.id, version_id=h, record_type=record.RECORD_TYPE)
            for h in sorted(heads)
        )
        session.flush()
        return Settled(shown, "conflict", merged.conflicts)
    values = dict(merged.values)
    deleted = bool(values.pop(DELETED_FIELD, False))
    apply_content(record, values)
    new = save_version(session, db, record, deleted=deleted, parents=sorted(heads), action="merge")
    assert new is not None
    return Settled(new, "merged")
