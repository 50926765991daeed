"""The audits table read back: every row checked before anything changes, then the whole table in
one transaction, or nothing and every problem listed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from pwdesk.services.common import put
from pwdesk.services.sheets import TableError, TableRows, read_sheet
from pwdesk.services.table_checks import Plan, RowChecker
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment
from pwdesk.store.records import save_version


@dataclass(frozen=True)
class TableImport:
    """What ``pwdesk table import`` did: rows read, audits created, updated and left alone."""

    rows: int
    created: int
    updated: int
    unchanged: int


def _check_table(db: Database, sheet: TableRows) -> list[Plan]:
    templates = catalogue(db)
    with db.read() as session:
        checker = RowChecker(db, session, templates, sheet)
        checker.check_headers()
        if checker.problems:
            raise TableError(checker.problems)
        plans = [checker.check(number, values) for number, values in sheet.rows]
    if checker.problems:
        raise TableError(checker.problems)
    return [plan for plan in plans if plan is not None]


def _apply(session: Session, db: Database, plan: Plan) -> None:
    """Create or change one record exactly as checked; refuse if it changed in the meantime."""
    record = session.get(Assessment, plan.record_id)
    if (None if record is None else record.head) != plan.head:
        raise TableError(
            [
                f"Record {plan.record_id} changed while the table was being checked; "
                "nothing was imported, so import the table again."
            ]
        )
    if record is not None:
        put(session, db, Assessment, plan.record_id, plan.fields, base=plan.head)
        return
    # A new record keeps the id the table gives it, so importing the same file twice is harmless.
    record = Assessment()
    record.id = plan.record_id
    session.add(record)
    for name, value in plan.fields.items():
        setattr(record, name, value)
    save_version(session, db, record)
    session.flush()


def import_table(db: Database, path: Path) -> TableImport:
    """Import a table of case audits: every row is checked first, then all go in together.

    A row with an empty or unknown record_id creates an audit; a changed row makes one new
    version; an unchanged row changes nothing. TableError lists every problem, and then nothing
    is changed at all.
    """
    sheet = read_sheet(path)
    plans = _check_table(db, sheet)
    created = sum(1 for plan in plans if plan.head is None)
    updated = sum(1 for plan in plans if plan.head is not None and plan.changed)
    if created or updated:
        with db.write() as session:
            for plan in plans:
                if plan.changed:
                    _apply(session, db, plan)
            db.log(session, "table-import", detail=f"{created} created, {updated} updated")
    return TableImport(
        rows=len(sheet.rows),
        created=created,
        updated=updated,
        unchanged=len(plans) - created - updated,
    )
