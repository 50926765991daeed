"""The report's figures as a spreadsheet: summary tables, then one sheet per list of records.

Built from the same ReportContent as the PDF, so the workbook and the report never disagree.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pwdesk.domain.analysis import WeekStats
from pwdesk.palette import grade_colours
from pwdesk.reports.cells import put_cell
from pwdesk.reports.summary.content import ReportContent, WeekInfo

HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)


@dataclass(frozen=True)
class Sheet:
    """A list of records as a sheet: one header row, then one row per record."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _percent(value: float | None) -> float | None:
    return None if value is None else value / 100


def _table(
    sheet: Worksheet, top: int, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Write a table at row ``top``; returns the row after it."""
    for column, header in enumerate(headers, start=1):
        cell = put_cell(sheet, top, column, header)
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = put_cell(sheet, top + offset, column, value)
            if isinstance(value, float) and headers[column - 1].endswith("%"):
                cell.number_format = "0.0%"
    return top + len(rows) + 2


def _titled_table(
    sheet: Worksheet,
    row: int,
    title: str,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
) -> int:
    """A table under a title at row ``row``; returns the row after it."""
    put_cell(sheet, row, 1, title).font = TITLE_FONT
    return _table(sheet, row + 1, headers, rows)


def _facts(sheet: Worksheet, content: ReportContent) -> int:
    """The title and the week's facts, a label and a value a row; returns the next free row."""
    stats = content.stats
    week = content.week
    authority = content.authority or "Children's Social Care"
    put_cell(sheet, 1, 1, f"{authority}: Practice Week summary").font = TITLE_FONT
    facts: list[tuple[str, str | int]] = [
        ("Week", f"{week.code} {week.title}"),
        ("Theme", week.theme),
        ("Dates", f"{week.starts_on.isoformat()} to {week.ends_on.isoformat()}"),
        ("Children audited", stats.children),
        ("Case audits", stats.audits),
        ("Observations", stats.observations_total),
        ("Senior leaders", stats.senior_leaders),
        ("Drafts not counted", stats.drafts),
    ]
    row = 3
    for label, value in facts:
        put_cell(sheet, row, 1, label).font = HEADER_FONT
        put_cell(sheet, row, 2, value)
        row += 1
    return row + 1


def _grades_per_aspect(sheet: Worksheet, row: int, stats: WeekStats) -> int:
    """Counts per grade for each aspect and overall, the grade headers in the grade's colour."""
    scale = stats.scale
    aspect_rows = [
        [a.label, *[a.counts.get(g.id, 0) for g in scale.choices], _percent(a.good_or_better_pct)]
        for a in (*stats.aspects, stats.overall)
    ]
    headers = ["Aspect", *[grade.label for grade in scale.choices], "Good or better %"]
    after = _titled_table(sheet, row, "Grades per aspect", headers, aspect_rows)
    for column, grade in enumerate(scale.choices, start=2):
        fill, _ = grade_colours(grade.id, scale.ids)
        sheet.cell(row=row + 1, column=column).fill = PatternFill("solid", fgColor=fill.lstrip("#"))
    return after


def _changes(sheet: Worksheet, row: int, content: ReportContent, compared: WeekInfo) -> int:
    """Good or better per aspect in the week compared with and in this one."""
    changes = [
        [c.label, _percent(c.previous), _percent(c.current), _percent(c.change)]
        for c in content.changes
    ]
    headers = [
        "Aspect",
        f"{compared.code} good or better %",
        f"{content.week.code} good or better %",
        "Change %",
    ]
    return _titled_table(sheet, row, f"Change since {compared.code}", headers, changes)


def _by_cohort(sheet: Worksheet, row: int, stats: WeekStats) -> int:
    """Good or better per aspect and overall, a column a cohort."""
    headers = ["Aspect", *[f"{c.name} %" for c in stats.by_cohort]]
    cohort_rows = [
        [aspect.label, *[_percent(c.aspects[i].good_or_better_pct) for c in stats.by_cohort]]
        for i, aspect in enumerate(stats.aspects)
    ]
    cohort_rows.append(
        ["Overall grade", *[_percent(c.overall.good_or_better_pct) for c in stats.by_cohort]]
    )
    return _titled_table(sheet, row, "Good or better by cohort", headers, cohort_rows)


def _observations(sheet: Worksheet, row: int, stats: WeekStats) -> None:
    """How many observations of each kind, and their overall grades."""
    choices = stats.scale.choices
    observation_rows = [
        [
            stats.observation_labels[kind],
            count,
            *[stats.observation_overall.get(kind, {}).get(g.id, 0) for g in choices],
        ]
        for kind, count in stats.observations.items()
    ]
    headers = ["Kind", "Observations", *[f"Overall: {g.label}" for g in choices]]
    _titled_table(sheet, row, "Observations by kind", headers, observation_rows)


def _summary(book: Workbook, content: ReportContent) -> None:
    """The first sheet: the week's facts, then the report's tables one under another."""
    sheet = book.active
    assert sheet is not None
    sheet.title = "Summary"
    stats = content.stats
    row = _facts(sheet, content)
    row = _grades_per_aspect(sheet, row, stats)
    if content.compared_week is not None:
        row = _changes(sheet, row, content, content.compared_week)
    if stats.by_cohort:
        row = _by_cohort(sheet, row, stats)
    _observations(sheet, row, stats)
    sheet.column_dimensions["A"].width = 60
    for column in range(2, 12):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    sheet.freeze_panes = "A2"


def _list_sheet(book: Workbook, data: Sheet) -> None:
    sheet = book.create_sheet(data.title)
    _table(sheet, 1, data.headers, data.rows)
    sheet.freeze_panes = "A2"
    for column, header in enumerate(data.headers, start=1):
        longest = max([len(str(header))] + [len(str(r[column - 1] or "")) for r in data.rows[:200]])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(10, longest + 2), 60)


def workbook_bytes(content: ReportContent, sheets: Sequence[Sheet]) -> bytes:
    """The workbook: a Summary sheet from the report's content, then the given sheets."""
    book = Workbook()
    _summary(book, content)
    for data in sheets:
        _list_sheet(book, data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
