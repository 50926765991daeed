"""The audit log: append-only, one row per change, and never a child's details."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
import sqlalchemy.exc
from sqlalchemy import func, select

from pwdesk.services.common import delete
from pwdesk.services.people import (
    ChildDetails,
    PractitionerDetails,
    add_child,
    add_practitioner,
    update_child,
)
from pwdesk.store.database import Database
from pwdesk.store.models import AuditLogEntry, Child, RecordVersion

REFERENCE = "CR-2210-7731"
BORN = date(2010, 3, 14)
IN_CARE = date(2017, 6, 2)
MOVED = date(2017, 8, 29)


def _raw_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql("SELECT * FROM audit_log")]


@dataclass(frozen=True)
class Entry:
    """One audit-log row, read out of its session."""

    action: str
    record_type: str | None
    record_id: str | None
    version_id: str | None
    device_id: str
    user: str
    at: datetime


def _entries(db: Database) -> list[Entry]:
    with db.read() as session:
        return [
            Entry(e.action, e.record_type, e.record_id, e.version_id, e.device_id, e.user, e.at)
            for e in session.scalars(select(AuditLogEntry).order_by(AuditLogEntry.id))
        ]


def _versions(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(RecordVersion)) or 0


@pytest.mark.file_only
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_log SET user = 'someone else'",
        "UPDATE audit_log SET detail = '' WHERE id = 1",
        "DELETE FROM audit_log",
        "DELETE FROM audit_log WHERE id = 1",
        "INSERT INTO audit_log (id, at, device_id, user, action, detail) "
        "VALUES (1, '2000-01-01 00:00:00', 'forged', 'mallory', 'init', '') "
        "ON CONFLICT (id) DO UPDATE SET user = 'mallory'",
    ],
)
def test_audit_log_refuses_changes(db: Database, statement: str) -> None:
    add_child(db, ChildDetails(REFERENCE))
    before = _raw_rows(db)
    assert len(before) >= 2
    with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"), db.engine.begin() as c:
        c.exec_driver_sql(statement)
    assert _raw_rows(db) == before


def test_audit_log_refuses_orm_delete(db: Database) -> None:
    before = _raw_rows(db)
    with pytest.raises(sqlalchemy.exc.DatabaseError, match="append-only"), db.write() as session:
        session.delete(session.scalars(select(AuditLogEntry)).first())
    assert _raw_rows(db) == before


def test_audit_log_refuses_insert_or_replace(db: Database) -> None:
    before = _raw_rows(db)
    with pytest.raises(sqlalchemy.exc.DatabaseError), db.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT OR REPLACE INTO audit_log (id, at, device_id, user, action, detail) "
            "VALUES (1, '2000-01-01 00:00:00', 'forged', 'mallory', 'init', 'forged')"
        )
    assert _raw_rows(db) == before


def _check_entry(db: Database, entry: Entry, action: str, child: str, version: str) -> None:
    assert entry.action == action
    assert entry.record_type == Child.RECORD_TYPE
    assert entry.record_id == child
    assert entry.version_id == version
    assert entry.device_id == db.identity.device_id
    assert entry.user == db.identity.user == "Test Auditor"
    assert entry.at.tzinfo is not None


def test_each_change_adds_one_row(db: Database) -> None:
    start = len(_entries(db))

    created = add_child(db, ChildDetails(REFERENCE, date_of_birth=BORN))
    assert created.version is not None
    entries = _entries(db)
    assert len(entries) == start + 1
    _check_entry(db, entries[-1], "create", created.id, created.version)

    updated = update_child(db, created.id, ChildDetails(REFERENCE, BORN, entered_care=IN_CARE))
    assert updated.version is not None
    entries = _entries(db)
    assert len(entries) == start + 2
    _check_entry(db, entries[-1], "update", created.id, updated.version)

    with db.write() as session:
        removed = delete(session, db, Child, created.id)
    assert removed.version is not None
    entries = _entries(db)
    assert len(entries) == start + 3
    _check_entry(db, entries[-1], "delete", created.id, removed.version)


def test_save_without_change_adds_nothing(db: Database) -> None:
    details = ChildDetails(REFERENCE, date_of_birth=BORN, team="Permanence")
    created = add_child(db, details)
    rows, versions = _raw_rows(db), _versions(db)

    again = update_child(db, created.id, details)
    assert again.id == created.id
    assert again.version is None
    assert not again.changed
    # Whitespace around the reference is trimmed, so this is no change either.
    padded = update_child(db, created.id, ChildDetails(f"  {REFERENCE} ", BORN, team="Permanence"))
    assert not padded.changed
    assert _raw_rows(db) == rows
    assert _versions(db) == versions


def test_existing_practitioner_adds_nothing(db: Database) -> None:
    first = add_practitioner(db, PractitionerDetails("Zoë Brennan", "Permanence"))
    rows, versions = _raw_rows(db), _versions(db)
    second = add_practitioner(db, PractitionerDetails(" Zoë Brennan ", "Permanence"))
    assert second == type(second)(first.id, None)
    assert _raw_rows(db) == rows
    assert _versions(db) == versions


def test_audit_log_never_holds_child_details(db: Database) -> None:
    created = add_child(
        db,
        ChildDetails(
            REFERENCE,
            date_of_birth=BORN,
            entered_care=IN_CARE,
            legal_status="Care order (s31)",
            placement_type="Kinship foster care",
        ),
    )
    update_child(db, created.id, ChildDetails(REFERENCE, BORN, entered_care=MOVED))
    with db.write() as session:
        delete(session, db, Child, created.id)

    rows = _raw_rows(db)
    assert len(rows) >= 4  # init, create, update, delete
    forbidden = [REFERENCE, "2210-7731"]
    for day in (BORN, IN_CARE, MOVED):
        forbidden += [day.isoformat(), day.strftime("%d/%m/%Y"), day.strftime("%Y%m%d")]
    for row in rows:
        for value in row:
            text = str(value)
            for secret in forbidden:
                assert secret not in text, f"audit log column holds {secret!r}: {row}"
