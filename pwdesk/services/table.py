"""A week's case audits as one flat table (CSV or XLSX), and the same table read back.

This is how an authority brings past Practice Weeks in from spreadsheets and how a QA officer
fixes grades in bulk. An import checks every row before it changes anything: either the whole
table goes in, in one transaction, or nothing does and every problem is listed.
"""

from __future__ import annotations

import csv
import io
import math
import re
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk.domain.answers import answer_problems, missing_required, note_of, value_of
from pwdesk.domain.cells import csv_text, from_csv_text, has_xlsx_unsafe
from pwdesk.domain.dates import parse_date
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.grades import NOT_APPLICABLE_ID, GradeScale
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import (
    YES_NO_ANSWERS,
    FormTemplate,
    Item,
    ItemRole,
    ItemType,
    TemplateKind,
)
from pwdesk.services.assessments import existing_case_audit
from pwdesk.services.common import put
from pwdesk.services.files import write_atomically
from pwdesk.services.templates import TemplateCatalogue, UnknownTemplate, catalogue
from pwdesk.services.weeks import week_id_in
from pwdesk.store.database import Database
from pwdesk.store.models import (
    Assessment,
    Auditor,
    Child,
    PracticeWeek,
    Practitioner,
    RecordVersion,
)
from pwdesk.store.records import save_version

FIXED_COLUMNS = (
    "record_id",
    "week",
    "template",
    "template_version",
    "case_reference",
    "practitioner",
    "practitioner_team",
    "senior_leader",
    "date",
    "status",
)
"""The columns every table starts with; the template's items follow."""

REQUIRED_COLUMNS = ("record_id", "week", "template", "case_reference", "status")
"""Without these an import cannot tell which record a row is; the other columns may be left out."""

EVIDENCE_SUFFIX = ".evidence"
FORMATS = (".csv", ".xlsx")
_CASE_AUDIT = TemplateKind.CASE_AUDIT.value
_YES_NO_WORDS = dict(YES_NO_ANSWERS)
_YES_NO_READ = {"yes": "yes", "y": "yes", "partly": "partly", "no": "no", "n": "no"}
_ROLE_TEXTS = (ItemRole.STRENGTHS, ItemRole.DEVELOPMENT, ItemRole.REFLECTION)
_OTHER_TYPES = (ItemType.YES_NO, ItemType.DATE, ItemType.NUMBER, ItemType.CHOICE, ItemType.TEXT)
_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")
# Characters an XLSX file cannot hold (control characters other than tab and line breaks).


class TableError(PwdeskError):
    """A table cannot be read, written or imported; ``problems`` has one sentence for each fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class TableExport:
    """What ``pwdesk table export`` wrote."""

    week: str
    out: str
    rows: int
    columns: int


@dataclass(frozen=True)
class TableImport:
    """What ``pwdesk table import`` did: rows read, audits created, updated and left alone."""

    rows: int
    created: int
    updated: int
    unchanged: int


# --- columns ----------------------------------------------------------------------------------

Part = Literal["value", "note"]


@dataclass(frozen=True)
class _Column:
    """A template column: which item it holds, and whether its value or its note (evidence)."""

    header: str
    item: Item
    part: Part


def _template_columns(template: FormTemplate) -> tuple[list[_Column], ...]:
    """A template's columns in four groups: aspects, overall, texts by role, the other items."""
    aspects: list[_Column] = []
    for item in template.aspects():
        aspects.append(_Column(item.id, item, "value"))
        aspects.append(_Column(item.id + EVIDENCE_SUFFIX, item, "note"))
    overall = [_Column(template.overall.id, template.overall, "value")]
    texts = [
        _Column(item.id, item, "value")
        for item in (template.with_role(role) for role in _ROLE_TEXTS)
        if item is not None
    ]
    taken = {column.item.id for column in (*aspects, *overall, *texts)}
    others = [
        _Column(item.id, item, "value")
        for item in template.items()
        if item.type in _OTHER_TYPES and item.id not in taken
    ]
    for column in (*aspects, *overall, *texts, *others):
        if column.header in FIXED_COLUMNS:
            raise TableError(
                [
                    f"The form {template.id} version {template.version} has an item called "
                    f"'{column.header}', which the table already uses for its own column."
                ]
            )
    return aspects, overall, texts, others


def _columns_by_header(template: FormTemplate) -> dict[str, _Column]:
    return {column.header: column for group in _template_columns(template) for column in group}


def _headers_for(templates: Iterable[FormTemplate]) -> list[str]:
    """The table's headers for records filled in with these templates, group by group."""
    groups: list[dict[str, None]] = [{}, {}, {}, {}]
    for template in templates:
        for merged, group in zip(groups, _template_columns(template), strict=True):
            merged.update(dict.fromkeys(column.header for column in group))
    return [*FIXED_COLUMNS, *(header for group in groups for header in group)]


# --- export -----------------------------------------------------------------------------------


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise TableError(
            [
                f"A table is a .csv or .xlsx file; {path.name} is neither "
                "(give the file one of those endings)."
            ]
        )
    return suffix


def _grade_cell(scale: GradeScale, value: Any) -> Any:
    if isinstance(value, str) and scale.knows(value):
        return scale.grade(value).label
    return value


def _number_cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _item_cell(template: FormTemplate, column: _Column, answers: Mapping[str, Any]) -> Any:
    """What one answer looks like in the table (dates as date objects, numbers as numbers)."""
    item = column.item
    if column.part == "note":
        return note_of(answers, item.id)
    value = value_of(answers, item.id)
    if value is None:
        return None
    if item.type is ItemType.GRADE:
        return _grade_cell(template.scale, value)
    if item.type is ItemType.YES_NO:
        return _YES_NO_WORDS.get(value, value)
    if item.type is ItemType.DATE:
        return parse_date(value) or value
    if item.type is ItemType.NUMBER:
        return _number_cell(value)
    if item.type is ItemType.CHOICE:
        return next((option.label for option in item.options if option.id == value), value)
    return value


def _export_rows(
    db: Database, templates: TemplateCatalogue, week_code: str
) -> tuple[list[str], list[list[Any]]]:
    with db.read() as session:
        week_id = week_id_in(session, week_code)
        default_template = session.scalar(
            select(PracticeWeek.case_audit_template).where(PracticeWeek.id == week_id)
        )
        rows = session.execute(
            select(
                Assessment.id,
                Assessment.template_id,
                Assessment.template_version,
                Assessment.held_on,
                Assessment.status,
                Assessment.answers,
                Child.case_reference,
                Practitioner.name.label("practitioner"),
                Practitioner.team.label("practitioner_team"),
                Auditor.name.label("auditor"),
            )
            .outerjoin(Child, Assessment.child_id == Child.id)
            .outerjoin(Practitioner, Assessment.practitioner_id == Practitioner.id)
            .outerjoin(Auditor, Assessment.auditor_id == Auditor.id)
            .where(
                Assessment.week_id == week_id,
                Assessment.kind == _CASE_AUDIT,
                Assessment.deleted.is_(False),
            )
        ).all()
    rows = sorted(rows, key=lambda r: (r.held_on or date.max, r.case_reference or "", r.id))
    used = [templates.get(r.template_id, r.template_version) for r in rows]
    if not used and default_template:
        used = [templates.get(default_template)]
    headers = _headers_for(dict.fromkeys(used))
    table: list[list[Any]] = []
    for row, template in zip(rows, used, strict=False):
        by_header = _columns_by_header(template)
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
            _item_cell(template, by_header[h], row.answers) if h in by_header else None
            for h in headers[len(FIXED_COLUMNS) :]
        ]
        table.append(fixed + items)
    return headers, table


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(value) if isinstance(value, str) else str(value)


def _csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # Excel's dialect: commas, quotes where needed, CRLF
    writer.writerow(headers)
    writer.writerows([_csv_text(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8


def _xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from pwdesk.reports.cells import put_cell

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Case audits"
    bold = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=1, column=index, value=header).font = bold
    widths = [len(header) for header in headers]
    for row_number, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            if isinstance(value, str) and has_xlsx_unsafe(value):
                raise TableError(
                    [
                        f"Record {row[0]} holds a control character in its {headers[index - 1]} "
                        "column, which an XLSX file cannot store; export to CSV instead."
                    ]
                )
            cell = put_cell(sheet, row_number, index, value)  # text stays text, never a formula
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            longest = max((len(line) for line in _csv_text(value).splitlines()), default=0)
            widths[index - 1] = max(widths[index - 1], longest)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def audit_rows(db: Database, week_code: str) -> tuple[list[str], list[list[Any]]]:
    """A week's case audits as a table: the headers, then one row per audit."""
    return _export_rows(db, catalogue(db), week_code)


def export_table(db: Database, week_code: str, out: Path) -> TableExport:
    """Write a week's case audits to ``out``, a .csv or .xlsx file, one row per audit."""
    suffix = _format_of(out)
    headers, rows = audit_rows(db, week_code)
    data = _csv_bytes(headers, rows) if suffix == ".csv" else _xlsx_bytes(headers, rows)
    write_atomically(data, out)
    return TableExport(week=week_code, out=str(out), rows=len(rows), columns=len(headers))


# --- reading a file ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TableRows:
    """A table as read: its header cells and its rows, each with the row number people see."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def _read_csv(path: Path) -> list[list[Any]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            [f"{path.name} is not UTF-8 text; in Excel, save it as 'CSV UTF-8'."]
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel saves ';'-separated CSV where the decimal mark is a comma.
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[from_csv_text(cell) for cell in row] for row in rows]
    except csv.Error as error:
        raise TableError([f"{path.name} is not a readable CSV file: {error}."]) from None


def _read_xlsx(path: Path) -> list[list[Any]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError):
        raise TableError([f"{path.name} is not an XLSX workbook that can be read."]) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs record a wrong size; read what is there
        return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(path: Path) -> TableRows:
    """The header and the non-blank rows of a .csv or .xlsx table."""
    suffix = _format_of(path)
    if not path.is_file():
        raise TableError([f"There is no file {path}."])
    try:
        cells = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except OSError as error:
        raise TableError([f"{path} cannot be read: {error.strerror}."]) from None
    if not cells or all(_blank(value) for value in cells[0]):
        raise TableError([f"{path.name} has no header row: row 1 must name the columns."])
    header = cells[0]
    while header and _blank(header[-1]):
        header = header[:-1]
    headers = ["" if value is None else str(value).strip() for value in header]
    rows = [
        (number, row)
        for number, row in enumerate(cells[1:], start=2)
        if not all(_blank(value) for value in row)
    ]
    return TableRows(headers, rows)


# --- reading cells ----------------------------------------------------------------------------


def cell_text(value: Any) -> str:
    """A cell as text, whatever type the spreadsheet gave it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _either(words: Sequence[str], last: str = "or") -> str:
    """Words as a list people read: "a, b or c" (or "a, b and c")."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} {last} {words[-1]}"


def _grade_names(scale: GradeScale) -> dict[str, str]:
    """Every way a grade may be written, case-folded, to its id."""
    names: dict[str, str] = {}
    for grade in scale.choices:
        for name in (grade.id, grade.label, grade.short):
            if name:
                names.setdefault(name.casefold(), grade.id)
    for name in ("not applicable", "not seen", "n/a", "na"):
        names.setdefault(name, NOT_APPLICABLE_ID)
    return names


class _RowReader:
    """Reads the cells of one row, collecting one sentence per problem."""

    def __init__(self, number: int, cells: Mapping[str, Any], problems: list[str]) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems

    def problem(self, header: str, what: str) -> None:
        self.problems.append(f"Row {self.number}, column {header}: {what}.")

    def has(self, header: str) -> bool:
        return header in self.cells

    def text(self, header: str) -> str:
        return cell_text(self.cells.get(header)).strip()

    def raw_text(self, header: str) -> str | None:
        """Free text kept exactly as typed; None when the cell is blank."""
        text = cell_text(self.cells.get(header))
        return text if text.strip() else None

    def whole_number(self, header: str) -> int | None:
        value = self.number_value(header)
        if value is not None and (not isinstance(value, int) or value < 1):
            self.problem(header, f"'{self.text(header)}' is not a version number (1, 2, ...)")
            return None
        return value

    def number_value(self, header: str) -> int | float | None:
        value = self.cells.get(header)
        if isinstance(value, bool) or _blank(value):
            if isinstance(value, bool):
                self.problem(header, f"'{self.text(header)}' is not a number")
            return None
        number: float
        if isinstance(value, int):
            return value
        if isinstance(value, float):
            number = value
        else:
            text = self.text(header)
            if _WHOLE_NUMBER.match(text):
                return int(text)
            try:
                number = float(text)
            except ValueError:
                self.problem(header, f"'{text}' is not a number")
                return None
        if not math.isfinite(number):
            self.problem(header, f"'{self.text(header)}' is not a number")
            return None
        return int(number) if number.is_integer() else number

    def date_value(self, header: str) -> date | None:
        value = self.cells.get(header)
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = self.text(header)
        if not text:
            return None
        day = parse_date(text)
        if day is None:
            self.problem(header, f"'{text}' is not a date written as YYYY-MM-DD (like 2018-09-17)")
        return day

    def grade(self, header: str, scale: GradeScale) -> str | None:
        text = self.text(header)
        if not text:
            return None
        grade_id = _grade_names(scale).get(text.casefold())
        if grade_id is None:
            labels = [grade.label for grade in scale.choices]
            self.problem(header, f"'{text}' is not a grade (use {_either(labels)})")
        return grade_id

    def yes_no(self, header: str) -> str | None:
        text = self.text(header)
        if not text:
            return None
        answer = _YES_NO_READ.get(text.casefold())
        if answer is None:
            self.problem(header, f"'{text}' is not Yes, Partly or No")
        return answer

    def choice(self, header: str, item: Item) -> str | None:
        text = self.text(header)
        if not text:
            return None
        for option in item.options:
            if text.casefold() in (option.id.casefold(), option.label.casefold()):
                return option.id
        labels = [option.label for option in item.options]
        self.problem(header, f"'{text}' is not one of the options ({_either(labels)})")
        return None

    def item_value(self, column: _Column, template: FormTemplate) -> Any:
        item = column.item
        if column.part == "note":
            return self.raw_text(column.header) or ""
        if item.type is ItemType.GRADE:
            return self.grade(column.header, template.scale)
        if item.type is ItemType.YES_NO:
            return self.yes_no(column.header)
        if item.type is ItemType.DATE:
            day = self.date_value(column.header)
            return None if day is None else day.isoformat()
        if item.type is ItemType.NUMBER:
            return self.number_value(column.header)
        if item.type is ItemType.CHOICE:
            return self.choice(column.header, item)
        return self.raw_text(column.header)


# --- checking rows ----------------------------------------------------------------------------


def _key(text: str) -> str:
    return " ".join(text.split()).casefold()


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
    children: dict[str, list[str]]  # case reference -> ids
    practitioners: list[tuple[str, str, str]]  # id, name key, team key
    auditors: dict[str, list[str]]  # name key -> ids

    @classmethod
    def load(cls, session: Session) -> _Lookups:
        weeks = {
            code: week_id
            for code, week_id in session.execute(
                select(PracticeWeek.code, PracticeWeek.id).where(PracticeWeek.deleted.is_(False))
            )
        }
        children: dict[str, list[str]] = {}
        for child_id, reference in session.execute(
            select(Child.id, Child.case_reference).where(Child.deleted.is_(False))
        ):
            children.setdefault(reference.strip(), []).append(child_id)
        practitioners = [
            (practitioner_id, _key(name), _key(team))
            for practitioner_id, name, team in session.execute(
                select(Practitioner.id, Practitioner.name, Practitioner.team).where(
                    Practitioner.deleted.is_(False)
                )
            )
        ]
        auditors: dict[str, list[str]] = {}
        for auditor_id, name in session.execute(
            select(Auditor.id, Auditor.name).where(Auditor.deleted.is_(False))
        ):
            auditors.setdefault(_key(name), []).append(auditor_id)
        return cls(weeks, children, practitioners, auditors)


@dataclass(frozen=True)
class _Plan:
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


class _Checker:
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
            known.update(_columns_by_header(template))
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
                    index < len(values) and not _blank(values[index])
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
                    f"{_either(REQUIRED_COLUMNS, 'and')}."
                )

    def current_record(self, row: _RowReader) -> tuple[str, Assessment | None] | None:
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
        if record.kind != _CASE_AUDIT:
            row.problem("record_id", f"record {given} is an observation, not a case audit")
            return None
        return record_id, record

    def week_of(self, row: _RowReader, current: Assessment | None) -> str | None:
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

    def template_of(self, row: _RowReader, current: Assessment | None) -> FormTemplate | None:
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

    def child_of(self, row: _RowReader) -> str | None:
        reference = row.text("case_reference")
        if not reference:
            row.problem("case_reference", "a case audit needs the case reference of the child")
            return None
        ids = self.lookups.children.get(reference, [])
        if not ids:
            row.problem(
                "case_reference",
                f"there is no child with case reference {reference} (add the child first)",
            )
            return None
        if len(ids) > 1:
            row.problem("case_reference", f"more than one child has case reference {reference}")
            return None
        return ids[0]

    def practitioner_of(self, row: _RowReader) -> str | None:
        name, team = row.text("practitioner"), row.text("practitioner_team")
        if not name:
            if team:
                row.problem("practitioner", f"a team ({team}) is given but no practitioner")
            return None
        named = [p for p in self.lookups.practitioners if p[1] == _key(name)]
        if team:
            named = [p for p in named if p[2] == _key(team)]
        elif len(named) > 1:  # no team given: one with no team recorded is the one meant
            named = [p for p in named if not p[2]] or named
        if not named:
            who = f"{name} of the team {team}" if team else name
            row.problem("practitioner", f"there is no practitioner {who} (add them first)")
            return None
        if len(named) > 1:
            row.problem(
                "practitioner_team",
                f"more than one practitioner is called {name}; give the team to say which",
            )
            return None
        return named[0][0]

    def auditor_of(self, row: _RowReader) -> str | None:
        name = row.text("senior_leader")
        if not name:
            return None
        ids = self.lookups.auditors.get(_key(name), [])
        if not ids:
            row.problem("senior_leader", f"there is no senior leader {name} (add them first)")
            return None
        if len(ids) > 1:
            row.problem("senior_leader", f"more than one senior leader is called {name}")
            return None
        return ids[0]

    def status_of(self, row: _RowReader) -> Status | None:
        text = row.text("status")
        try:
            return Status(text.casefold())
        except ValueError:
            shown = f"'{text}' is not a status" if text else "the status is missing"
            row.problem("status", f"{shown} (use draft or completed)")
            return None

    def answers_of(
        self, row: _RowReader, template: FormTemplate, current: Assessment | None
    ) -> dict[str, Any]:
        """The record's answers with the row's cells put in; columns left out keep theirs."""
        answers: dict[str, Any] = {} if current is None else dict(current.answers)
        columns = _columns_by_header(template)
        grades = {item.id: item for item in template.items() if item.type is ItemType.GRADE}
        for header in self.sheet.headers:
            column = columns.get(header)
            item_id = header.removesuffix(EVIDENCE_SUFFIX)
            if column is None and header.endswith(EVIDENCE_SUFFIX) and item_id in grades:
                column = _Column(header, grades[item_id], "note")
            if column is not None:
                _set_answer(answers, column.item.id, column.part, row.item_value(column, template))
            elif (
                header not in FIXED_COLUMNS
                and (self.known_headers is None or header in self.known_headers)
                and not _blank(row.cells.get(header))
            ):
                row.problem(
                    header,
                    f"the form {template.id} version {template.version} has no item {header}; "
                    "leave the cell empty",
                )
        return answers

    def refuse_second_audit(self, row: _RowReader, week_id: str, child_id: str) -> None:
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

    def check(self, number: int, values: list[Any]) -> _Plan | None:
        """Check one row; its plan, or None when it has problems (they are collected)."""
        headers = self.sheet.headers
        before = len(self.problems)
        if any(not _blank(value) for value in values[len(headers) :]):
            self.problems.append(
                f"Row {number}: there are values right of the last column with a heading; "
                "delete them or give their column a heading."
            )
        cells = {h: values[i] if i < len(values) else None for i, h in enumerate(headers) if h}
        row = _RowReader(number, cells, self.problems)
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
            return _Plan(record_id, None, fields, changed=True)
        changed = any(getattr(current, name) != value for name, value in fields.items())
        return _Plan(record_id, current.head, fields, changed)


def _check_table(db: Database, sheet: TableRows) -> list[_Plan]:
    templates = catalogue(db)
    with db.read() as session:
        checker = _Checker(db, session, templates, sheet)
        checker.check_headers()
        if checker.problems:
            raise TableError(checker.problems)
        plans = [checker.check(number, values) for number, values in sheet.rows]
    if checker.problems:
        raise TableError(checker.problems)
    return [plan for plan in plans if plan is not None]


def _apply(session: Session, db: Database, plan: _Plan) -> None:
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
