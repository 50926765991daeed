"""A week's case audits as one flat table (CSV or XLSX): how an authority takes its Practice Weeks
into a spreadsheet, and a QA officer prepares grades to fix in bulk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from pwdesk.domain.answers import value_of
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import FormTemplate, ItemType
from pwdesk.services.assessments import records_of_week, week_moderations
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
from pwdesk.store.models import Assessment, Child, PracticeWeek

MODERATED_COLUMN = "moderated"  # yes or no, after the fixed columns, in the report's workbook


@dataclass(frozen=True)
class TableExport:
    """What ``pwdesk table export`` wrote."""

    week: str
    out: str
    rows: int
    columns: int


def _grades_that_count(answers: Mapping[str, Any], moderated: Mapping[str, Any]) -> dict[str, Any]:
    """The answers with each moderated grade in place of the auditor's, evidence kept."""
    counted = dict(answers)
    for item_id, value in moderated.items():
        counted[item_id] = {**dict(answers.get(item_id) or {}), "value": str(value["grade"])}
    return counted


def _export_rows(
    db: Database, templates: TemplateCatalogue, week_code: str, *, moderated: bool = False
) -> tuple[list[str], list[list[Any]]]:
    """The headers and rows of audit_rows."""
    with db.read() as session:
        week_id = week_id_in(session, week_code)
        default_template = session.scalar(
            select(PracticeWeek.case_audit_template).where(PracticeWeek.id == week_id)
        )
        query = records_of_week(week_id).where(Assessment.kind == CASE_AUDIT)
        rows = session.execute(query).all()
        moderations = week_moderations(session, week_id) if moderated else {}
    rows = sorted(rows, key=lambda r: (r.held_on or date.max, r.case_reference or "", r.id))
    used = [templates.get(r.template_id, r.template_version) for r in rows]
    if not used and default_template:
        used = [templates.get(default_template)]
    headers = headers_for(dict.fromkeys(used))
    item_headers = headers[len(FIXED_COLUMNS) :]
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
        if moderated:
            fixed.append("yes" if row.id in moderations else "no")
        answers = _grades_that_count(row.answers, moderations.get(row.id, {}))
        items = [
            item_cell(template, by_header[h], answers) if h in by_header else None
            for h in item_headers
        ]
        table.append(fixed + items)
    if moderated:
        headers = [*FIXED_COLUMNS, MODERATED_COLUMN, *item_headers]
    return headers, table


def audit_rows(
    db: Database, week_code: str, *, moderated: bool = False
) -> tuple[list[str], list[list[Any]]]:
    """A week's case audits as a table: the headers, then one row per audit.

    As the auditors left them by default (what ``table import`` reads back); with ``moderated``
    each moderated grade in place of the auditor's, and a "moderated" column (yes or no), as the
    report's figures count them.
    """
    return _export_rows(db, catalogue(db), week_code, moderated=moderated)


@dataclass(frozen=True)
class ModeratedGradeRow:
    """One grade a moderator reviewed: whose audit, which item, both grades and the reason."""

    record_id: str
    case_reference: str | None
    item: str
    auditor_grade: str | None
    moderator_grade: str
    reason: str

    @property
    def agreed(self) -> bool:
        """Whether the moderator gave the auditor's grade."""
        return self.auditor_grade == self.moderator_grade


def _grade_label(template: FormTemplate, grade: Any) -> str | None:
    if isinstance(grade, str) and template.scale.knows(grade):
        return template.scale.grade(grade).label
    return None if grade is None else str(grade)


def moderated_grades(db: Database, week_code: str) -> list[ModeratedGradeRow]:
    """Every grade reviewed in the moderation of a week's completed case audits, by case
    reference and then in the form's order, grades as their labels."""
    templates = catalogue(db)
    with db.read() as session:
        week_id = week_id_in(session, week_code)
        rows = session.execute(
            select(
                Assessment.id,
                Assessment.template_id,
                Assessment.template_version,
                Assessment.answers,
                Child.case_reference,
            )
            .outerjoin(Child, Assessment.child_id == Child.id)
            .where(
                Assessment.week_id == week_id,
                Assessment.kind == CASE_AUDIT,
                Assessment.status == Status.COMPLETED,
                Assessment.deleted.is_(False),
            )
        ).all()
        moderations = week_moderations(session, week_id)
    listed: list[ModeratedGradeRow] = []
    for row in sorted(rows, key=lambda r: (r.case_reference or "", r.id)):
        grades = moderations.get(row.id, {})
        template = templates.get(row.template_id, row.template_version)
        for item in template.items():
            if item.type != ItemType.GRADE or item.id not in grades:
                continue
            listed.append(
                ModeratedGradeRow(
                    record_id=row.id,
                    case_reference=row.case_reference,
                    item=item.label,
                    auditor_grade=_grade_label(template, value_of(row.answers, item.id)),
                    moderator_grade=_grade_label(template, grades[item.id]["grade"]) or "",
                    reason=str(grades[item.id].get("reason", "")),
                )
            )
    return listed


def export_table(db: Database, week_code: str, out: Path) -> TableExport:
    """Write a week's case audits to ``out``, a .csv or .xlsx file, one row per audit."""
    suffix = format_of(out)
    headers, rows = audit_rows(db, week_code)
    data = csv_bytes(headers, rows) if suffix == ".csv" else xlsx_bytes(headers, rows)
    write_atomically(data, out)
    return TableExport(week=week_code, out=str(out), rows=len(rows), columns=len(headers))
