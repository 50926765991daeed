"""The audits table's columns and how each item type is written into a cell and read from one:
export and import share them, so the two cannot drift apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from pwdesk.domain.answers import note_of, value_of
from pwdesk.domain.dates import parse_date
from pwdesk.domain.grades import NOT_APPLICABLE_ID, GradeScale
from pwdesk.domain.templates import (
    YES_NO_ANSWERS,
    FormTemplate,
    Item,
    ItemRole,
    ItemType,
    TemplateKind,
)
from pwdesk.domain.wording import listed
from pwdesk.services.sheets import TableError, blank, cell_text

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


REQUIRED_COLUMNS = ("record_id", "week", "template", "case_reference", "status")


EVIDENCE_SUFFIX = ".evidence"


CASE_AUDIT = TemplateKind.CASE_AUDIT.value


_YES_NO_WORDS = dict(YES_NO_ANSWERS)


_YES_NO_READ = {"yes": "yes", "y": "yes", "partly": "partly", "no": "no", "n": "no"}


_ROLE_TEXTS = (ItemRole.STRENGTHS, ItemRole.DEVELOPMENT, ItemRole.REFLECTION)


_OTHER_TYPES = (ItemType.YES_NO, ItemType.DATE, ItemType.NUMBER, ItemType.CHOICE, ItemType.TEXT)


_WHOLE_NUMBER = re.compile(r"^[+-]?\d+$")


Part = Literal["value", "note"]


@dataclass(frozen=True)
class Column:
    """A template column: which item it holds, and whether its value or its note (evidence)."""

    header: str
    item: Item
    part: Part


def _template_columns(template: FormTemplate) -> tuple[list[Column], ...]:
    """A template's columns in four groups: aspects, overall, texts by role, the other items."""
    aspects: list[Column] = []
    for item in template.aspects():
        aspects.append(Column(item.id, item, "value"))
        aspects.append(Column(item.id + EVIDENCE_SUFFIX, item, "note"))
    overall = [Column(template.overall.id, template.overall, "value")]
    texts = [
        Column(item.id, item, "value")
        for item in (template.with_role(role) for role in _ROLE_TEXTS)
        if item is not None
    ]
    taken = {column.item.id for column in (*aspects, *overall, *texts)}
    others = [
        Column(item.id, item, "value")
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


def columns_by_header(template: FormTemplate) -> dict[str, Column]:
    """A template's item columns by their header text."""
    return {column.header: column for group in _template_columns(template) for column in group}


def headers_for(templates: Iterable[FormTemplate]) -> list[str]:
    """The table's headers for records filled in with these templates, group by group."""
    groups: list[dict[str, None]] = [{}, {}, {}, {}]
    for template in templates:
        for merged, group in zip(groups, _template_columns(template), strict=True):
            merged.update(dict.fromkeys(column.header for column in group))
    return [*FIXED_COLUMNS, *(header for group in groups for header in group)]


class RowReader:
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
        if isinstance(value, bool) or blank(value):
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


# --- one codec per item type: how its answer is written into a cell and read back -------------


class _Codec:
    """Free text: written and read exactly as typed."""

    def cell(self, item: Item, scale: GradeScale, value: Any) -> Any:
        return value

    def read(self, row: RowReader, header: str, item: Item, scale: GradeScale) -> Any:
        return row.raw_text(header)


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


class _GradeCodec(_Codec):
    """A grade: its label in the cell; its id, label or short name read back."""

    def cell(self, item: Item, scale: GradeScale, value: Any) -> Any:
        if isinstance(value, str) and scale.knows(value):
            return scale.grade(value).label
        return value

    def read(self, row: RowReader, header: str, item: Item, scale: GradeScale) -> Any:
        text = row.text(header)
        if not text:
            return None
        grade_id = _grade_names(scale).get(text.casefold())
        if grade_id is None:
            labels = [grade.label for grade in scale.choices]
            row.problem(header, f"'{text}' is not a grade (use {listed(labels, 'or')})")
        return grade_id


class _YesNoCodec(_Codec):
    """Yes, Partly or No (or Y and N) in the cell."""

    def cell(self, item: Item, scale: GradeScale, value: Any) -> Any:
        return _YES_NO_WORDS.get(value, value)

    def read(self, row: RowReader, header: str, item: Item, scale: GradeScale) -> Any:
        text = row.text(header)
        if not text:
            return None
        answer = _YES_NO_READ.get(text.casefold())
        if answer is None:
            row.problem(header, f"'{text}' is not Yes, Partly or No")
        return answer


class _DateCodec(_Codec):
    """A date object in the cell, so a spreadsheet shows and sorts it as a date."""

    def cell(self, item: Item, scale: GradeScale, value: Any) -> Any:
        return parse_date(value) or value

    def read(self, row: RowReader, header: str, item: Item, scale: GradeScale) -> Any:
        day = row.date_value(header)
        return None if day is None else day.isoformat()


class _NumberCodec(_Codec):
    """A number in the cell: whole numbers without a decimal point."""

    def cell(self, item: Item, scale: GradeScale, value: Any) -> Any:
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def read(self, row: RowReader, header: str, item: Item, scale: GradeScale) -> Any:
        return row.number_value(header)


class _ChoiceCodec(_Codec):
    """An option's label in the cell; its id or label read back."""

    def cell(self, item: Item, scale: GradeScale, value: Any) -> Any:
        return next((option.label for option in item.options if option.id == value), value)

    def read(self, row: RowReader, header: str, item: Item, scale: GradeScale) -> Any:
        text = row.text(header)
        if not text:
            return None
        for option in item.options:
            if text.casefold() in (option.id.casefold(), option.label.casefold()):
                return option.id
        labels = [option.label for option in item.options]
        row.problem(header, f"'{text}' is not one of the options ({listed(labels, 'or')})")
        return None


_TEXT = _Codec()
CODECS: dict[ItemType, _Codec] = {
    ItemType.GRADE: _GradeCodec(),
    ItemType.YES_NO: _YesNoCodec(),
    ItemType.DATE: _DateCodec(),
    ItemType.NUMBER: _NumberCodec(),
    ItemType.CHOICE: _ChoiceCodec(),
}


def item_cell(template: FormTemplate, column: Column, answers: Mapping[str, Any]) -> Any:
    """What one answer looks like in the table (dates as date objects, numbers as numbers)."""
    item = column.item
    if column.part == "note":
        return note_of(answers, item.id)
    value = value_of(answers, item.id)
    if value is None:
        return None
    return CODECS.get(item.type, _TEXT).cell(item, template.scale, value)


def item_value(row: RowReader, column: Column, template: FormTemplate) -> Any:
    """The answer one cell of a row gives, or None with the row's problem noted."""
    if column.part == "note":
        return row.raw_text(column.header) or ""
    return CODECS.get(column.item.type, _TEXT).read(row, column.header, column.item, template.scale)
