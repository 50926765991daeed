"""The rows of an audits table checked against the database before anything changes.

Each row becomes a plan (create a record, change it, or leave it alone) or problems that name
its row and column; the table import applies the plans only when no row has a problem.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk.domain.answers import answer_problems, missing_required, note_of, value_of
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import FormTemplate, ItemType, TemplateKind
from pwdesk.domain.wording import listed
from pwdesk.services.assessments import existing_case_audit
from pwdesk.services.lookup import Directory, ManyMatch, NoMatch
from pwdesk.services.sheets import TableRows, blank, cell_text
from pwdesk.services.table_columns import (
    CASE_AUDIT,
    EVIDENCE_SUFFIX,
    FIXED_COLUMNS,
    REQUIRED_COLUMNS,
    Column,
    Part,
    RowReader,
    columns_by_header,
    item_value,
)
from pwdesk.services.templates import TemplateCatalogue, UnknownTemplate
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment, PracticeWeek, RecordVersion


def _letter(index: int) -> str:
    """The spreadsheet letter of a 0-based column index: A, B, ..., Z, AA, ..."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@dataclass(frozen=True)
class _Lookups:
    """What rows are matched against, read once in the checking transaction."""

    weeks: dict[str, str]  # code -> id
    people: Directory

    @classmethod
    def load(cls, session: Session) -> _Lookups:
        weeks = {
            code: week_id
            for code, week_id in session.execute(
                select(PracticeWeek.code, PracticeWeek.id).where(PracticeWeek.deleted.is_(False))
            )
        }
        return cls(weeks, Directory.load(session))


@dataclass(frozen=True)
class Plan:
    """What one row will do: create a record, change it, or leave it as it is."""

    record_id: str
    head: str | None  # the version the row was checked against; None for a new record
    fields: dict[str, Any]
    changed: bool


def _well_formed_uuid(text: str) -> str | None:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return None


def _set_answer(answers: dict[str, Any], item_id: str, part: Part, new: Any) -> None:
    """Put a value or a note into the answers, leaving the entry alone if it says the same."""
    entry = dict(answers.get(item_id) or {})
    if part == "note":
        if note_of(answers, item_id).strip() == new.strip():
            return
        entry["note"] = new
        if not new:
            del entry["note"]
    else:
        old = value_of(answers, item_id)
        if isinstance(old, str) and not old.strip():
            old = None
        if old == new:
            return
        entry["value"] = new
    if entry.get("value") is None and not entry.get("note"):
        answers.pop(item_id, None)
    else:
        entry.setdefault("value", None)
        answers[item_id] = entry


class RowChecker:
    """Checks every row of a table against the database, collecting every problem."""

    def __init__(
        self, db: Database, session: Session, templates: TemplateCatalogue, sheet: TableRows
    ) -> None:
        self.db = db
        self.session = session
        self.templates = templates
        self.sheet = sheet
        self.problems: list[str] = []
        self.lookups = _Lookups.load(session)
        self.seen_ids: dict[str, int] = {}
        self.new_audits: dict[tuple[str, str], int] = {}  # (week, child) -> the row adding it
        self.known_headers = self._known_headers()

    def _known_headers(self) -> set[str] | None:
        """Every heading a template named in the table has; None if no row names a known one."""
        named = set()
        for _, values in self.sheet.rows:
            for index, header in enumerate(self.sheet.headers):
                if header == "template" and index < len(values):
                    named.add(cell_text(values[index]).strip())
        forms = [info for info in self.templates.infos() if info.id in named]
        if not forms:
            return None
        known = set(FIXED_COLUMNS)
        for info in forms:
            template = self.templates.get(info.id, info.version)
            known.update(columns_by_header(template))
            known.update(
                item.id + EVIDENCE_SUFFIX
                for item in template.items()
                if item.type is ItemType.GRADE
            )
        return known

    def check_headers(self) -> None:
        """Headings missing, repeated, blank over values, or naming no column of the table."""
        seen: set[str] = set()
        for index, header in enumerate(self.sheet.headers):
            if not header:
                if any(
                    index < len(values) and not blank(values[index])
                    for _, values in self.sheet.rows
                ):
                    self.problems.append(
                        f"Row 1: column {_letter(index)} holds values but has no heading; "
                        "name it or delete it."
                    )
            elif header in seen:
                self.problems.append(f"Row 1, column {header}: the heading appears more than once.")
            elif self.known_headers is not None and header not in self.known_headers:
                self.problems.append(
                    f"Row 1, column {header}: no form named in the table has an item {header}."
                )
            seen.add(header)
        for name in REQUIRED_COLUMNS:
            if name not in seen:
                self.problems.append(
                    f"Row 1: there is no column {name}; a table needs the columns "
                    f"{listed(REQUIRED_COLUMNS)}."
                )

    def current_record(self, row: RowReader) -> tuple[str, Assessment | None] | None:
        """The row's record id and its record if it exists; None if the id cannot be used."""
        given = row.text("record_id")
        record_id = _well_formed_uuid(given) if given else None
        if record_id is None:
            return self.db.new_id(), None
        earlier = self.seen_ids.setdefault(record_id, row.number)
        if earlier != row.number:
            row.problem("record_id", f"record {given} is on row {earlier} too; give each one row")
            return None
        record = self.session.get(Assessment, record_id)
        if record is None:
            other = self.session.scalar(
                select(RecordVersion.record_type)
                .where(RecordVersion.record_id == record_id)
                .limit(1)
            )
            if other is not None:
                row.problem("record_id", f"{given} is the id of a {other} record, not of an audit")
                return None
            return record_id, None
        if record.deleted:
            row.problem("record_id", f"record {given} was deleted; clear the cell to add it anew")
            return None
        if record.kind != CASE_AUDIT:
            row.problem("record_id", f"record {given} is an observation, not a case audit")
            return None
        return record_id, record

    def week_of(self, row: RowReader, current: Assessment | None) -> str | None:
        code = row.text("week")
        if not code:
            row.problem("week", "the Practice Week's code is missing (such as 2018-09)")
            return None
        week_id = self.lookups.weeks.get(code)
        if week_id is None:
            known = ", ".join(sorted(self.lookups.weeks)) or "none yet"
            row.problem(
                "week",
                f"there is no Practice Week with the code {code} (this database has: {known})",
            )
            return None
        if current is not None and current.week_id != week_id:
            other = next((c for c, i in self.lookups.weeks.items() if i == current.week_id), "")
            row.problem(
                "week",
                f"record {current.id} belongs to Practice Week {other or 'another'}, not {code}; "
                "an import cannot move it",
            )
            return None
        return week_id

    def template_of(self, row: RowReader, current: Assessment | None) -> FormTemplate | None:
        template_id = row.text("template")
        if not template_id:
            row.problem("template", "the form's id is missing (such as permanency-case-audit)")
            return None
        try:
            self.templates.get(template_id)
        except UnknownTemplate:
            row.problem("template", f"there is no form template {template_id}")
            return None
        version = row.whole_number("template_version") if row.has("template_version") else None
        if version is None and current is not None and current.template_id == template_id:
            version = current.template_version
        try:
            template = self.templates.get(template_id, version)
        except UnknownTemplate:
            row.problem("template_version", f"the form {template_id} has no version {version}")
            return None
        if template.kind is not TemplateKind.CASE_AUDIT:
            row.problem(
                "template", f"{template_id} is an observation form; the table holds case audits"
            )
            return None
        if current is not None and template.key != (current.template_id, current.template_version):
            row.problem(
                "template" if template.id != current.template_id else "template_version",
                f"record {current.id} was filled in with {current.template_id} version "
                f"{current.template_version}; an import cannot move it to another form",
            )
            return None
        return template

    def child_of(self, row: RowReader) -> str | None:
        reference = row.text("case_reference")
        if not reference:
            row.problem("case_reference", "a case audit needs the case reference of the child")
            return None
        return self._found(row, "case_reference", lambda: self.lookups.people.child(reference))

    def practitioner_of(self, row: RowReader) -> str | None:
        name, team = row.text("practitioner"), row.text("practitioner_team")
        if not name:
            if team:
                row.problem("practitioner", f"a team ({team}) is given but no practitioner")
            return None
        return self._found(
            row,
            "practitioner",
            lambda: self.lookups.people.practitioner(name, team),
            ambiguous="practitioner_team",
        )

    def auditor_of(self, row: RowReader) -> str | None:
        name = row.text("senior_leader")
        if not name:
            return None
        return self._found(row, "senior_leader", lambda: self.lookups.people.auditor(name))

    @staticmethod
    def _found(
        row: RowReader, column: str, find: Callable[[], str], ambiguous: str | None = None
    ) -> str | None:
        """The id ``find`` gives, or None with the row's problem in the column it concerns."""
        try:
            return find()
        except NoMatch as error:
            row.problem(column, error.phrase)
        except ManyMatch as error:
            row.problem(ambiguous or column, error.phrase)
        return None

    def status_of(self, row: RowReader) -> Status | None:
        text = row.text("status")
        try:
            return Status(text.casefold())
        except ValueError:
            shown = f"'{text}' is not a status" if text else "the status is missing"
            row.problem("status", f"{shown} (use draft or completed)")
            return None

    def answers_of(
        self, row: RowReader, template: FormTemplate, current: Assessment | None
    ) -> dict[str, Any]:
        """The record's answers with the row's cells put in; columns left out keep theirs."""
        answers: dict[str, Any] = {} if current is None else dict(current.answers)
        columns = columns_by_header(template)
        grades = {item.id: item for item in template.items() if item.type is ItemType.GRADE}
        for header in self.sheet.headers:
            column = columns.get(header)
            item_id = header.removesuffix(EVIDENCE_SUFFIX)
            if column is None and header.endswith(EVIDENCE_SUFFIX) and item_id in grades:
                column = Column(header, grades[item_id], "note")
            if column is not None:
                _set_answer(answers, column.item.id, column.part, item_value(row, column, template))
            elif (
                header not in FIXED_COLUMNS
                and (self.known_headers is None or header in self.known_headers)
                and not blank(row.cells.get(header))
            ):
                row.problem(
                    header,
                    f"the form {template.id} version {template.version} has no item {header}; "
                    "leave the cell empty",
                )
        return answers

    def refuse_second_audit(self, row: RowReader, week_id: str, child_id: str) -> None:
        """A new row for a child who has a case audit this week (here or higher in the table)
        is refused, naming the record to change instead: most likely its id was mistyped."""
        existing = existing_case_audit(self.session, week_id, child_id)
        earlier = self.new_audits.setdefault((week_id, child_id), row.number)
        reference = row.text("case_reference")
        if existing is not None:
            row.problem(
                "record_id",
                f"{reference} already has a case audit this week, record {existing}; "
                "give that id in record_id to change it",
            )
        elif earlier != row.number:
            row.problem(
                "case_reference",
                f"row {earlier} already adds a case audit of {reference} this week; "
                "give each child one row",
            )

    def check(self, number: int, values: list[Any]) -> Plan | None:
        """Check one row; its plan, or None when it has problems (they are collected)."""
        headers = self.sheet.headers
        before = len(self.problems)
        if any(not blank(value) for value in values[len(headers) :]):
            self.problems.append(
                f"Row {number}: there are values right of the last column with a heading; "
                "delete them or give their column a heading."
            )
        cells = {h: values[i] if i < len(values) else None for i, h in enumerate(headers) if h}
        row = RowReader(number, cells, self.problems)
        found = self.current_record(row)
        record_id, current = found if found is not None else ("", None)
        week_id = self.week_of(row, current)
        template = self.template_of(row, current)
        child_id = self.child_of(row)
        practitioner_id = (
            self.practitioner_of(row)
            if row.has("practitioner")
            else (current.practitioner_id if current else None)
        )
        auditor_id = (
            self.auditor_of(row)
            if row.has("senior_leader")
            else (current.auditor_id if current else None)
        )
        held_on = (
            row.date_value("date") if row.has("date") else (current.held_on if current else None)
        )
        status = self.status_of(row)
        if template is None:
            return None
        answers = self.answers_of(row, template, current)
        if len(self.problems) > before or status is None or week_id is None:
            return None
        self.problems.extend(f"Row {number}: {s}" for s in answer_problems(template, answers))
        if status is Status.COMPLETED:
            for item in missing_required(template, answers):
                row.problem(
                    item.id,
                    f"the audit is completed, so '{item.label}' needs an answer "
                    "(or set the status to draft)",
                )
        if current is None and child_id is not None:
            self.refuse_second_audit(row, week_id, child_id)
        if len(self.problems) > before:
            return None
        fields: dict[str, Any] = {
            "week_id": week_id,
            "kind": template.kind.value,
            "template_id": template.id,
            "template_version": template.version,
            "child_id": child_id,
            "practitioner_id": practitioner_id,
            "auditor_id": auditor_id,
            "held_on": held_on,
            "status": status.value,
            "answers": answers,
        }
        if current is None:
            return Plan(record_id, None, fields, changed=True)
        changed = any(getattr(current, name) != value for name, value in fields.items())
        return Plan(record_id, current.head, fields, changed)
