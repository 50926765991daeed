"""A week's case audits as one flat table (CSV or XLSX): how an authority takes its Practice Weeks
into a spreadsheet, and a QA officer prepares grades to fix in bulk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from pwdesk.services.assessments import records_of_week
from pwdesk.services.files import write_atomically
from pwdesk.services.sheets import csv_bytes, format_of, xlsx_bytes
from pwdesk.services.table_columns import (
    CASE_AUDIT,
    FIXED_COLUMNS,
    columns_by_header,
    headers_for,
    item_cell,
)
from pwdesk.services.templates import TemplateCatalogue, catalogue
from pwdesk.services.weeks import week_id_in
from pwdesk.store.database import Database
from pwdesk.store.models import (
    Assessment,
    PracticeWeek,
)


@dataclass(frozen=True)
class TableExport:
    """What ``pwdesk table export`` wrote."""

    week: str
    out: str
    rows: int
    columns: int


def _export_rows(
    db: Database, templates: TemplateCatalogue, week_code: str
) -> tuple[list[str], list[list[Any]]]:
    with db.read() as session:
        week_id = week_id_in(session, week_code)
        default_template = session.scalar(
            select(PracticeWeek.case_audit_template).where(PracticeWeek.id == week_id)
        )
        query = records_of_week(week_id).where(Assessment.kind == CASE_AUDIT)
        rows = session.execute(query).all()
    rows = sorted(rows, key=lambda r: (r.held_on or date.max, r.case_reference or "", r.id))
    used = [templates.get(r.template_id, r.template_version) for r in rows]
    if not used and default_template:
        used = [templates.get(default_template)]
    headers = headers_for(dict.fromkeys(used))
    table: list[list[Any]] = []
    for row, template in zip(rows, used, strict=False):
        by_header = columns_by_header(template)
        fixed = [
            row.id,
            week_code,
            row.template_id,
            row.template_version,
            row.case_reference,
            row.practitioner,
            row.practitioner_team or None,
            row.auditor,
            row.held_on,
            row.status,
        ]
        items = [
            item_cell(template, by_header[h], row.answers) if h in by_header else None
            for h in headers[len(FIXED_COLUMNS) :]
        ]
        table.append(fixed + items)
    return headers, table


def audit_rows(db: Database, week_code: str) -> tuple[list[str], list[list[Any]]]:
    """A week's case audits as a table: the headers, then one row per audit."""
    return _export_rows(db, catalogue(db), week_code)


def export_table(db: Database, week_code: str, out: Path) -> TableExport:
    """Write a week's case audits to ``out``, a .csv or .xlsx file, one row per audit."""
    suffix = format_of(out)
    headers, rows = audit_rows(db, week_code)
    data = csv_bytes(headers, rows) if suffix == ".csv" else xlsx_bytes(headers, rows)
    write_atomically(data, out)
    return TableExport(week=week_code, out=str(out), rows=len(rows), columns=len(headers))
