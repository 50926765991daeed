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

from pwdesk.domain.analysis import SMALL_NUMBER, AgreementResult, ModerationStats, WeekStats
from pwdesk.domain.wording import count_was, date_range, half_up
from pwdesk.palette import grade_colours
from pwdesk.reports.cells import put_cell
from pwdesk.reports.summary.content import ReportContent, WeekInfo

HEADER_FONT = Font(bold=True)
TITLE_FONT = Font(bold=True, size=13)

# Each figure is stored as the number shown and given the format that shows it, chosen by its
# column's heading: "... %" a percentage (stored as a fraction, 32.5% as 0.325), "... (points)"
# a change in percentage points, "... kappa" or "... AC2" an agreement coefficient.
PERCENT_FORMAT = "0.0%"
POINTS_FORMAT = "+0.0;-0.0;0.0"
COEFFICIENT_FORMAT = "0.00"

MODERATED_GRADE_HEADERS = (
    "record_id",
    "case_reference",
    "Grade reviewed",
    "Auditor's grade",
    "Moderator's grade",
    "Agreed",
    "Reason",
)


@dataclass(frozen=True)
class Sheet:
    """A list of records as a sheet: one header row, then one row per record."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _percent(value: float | None) -> float | None:
    """A percentage to one decimal place as the fraction a "0.0%" cell shows (32.5 as 0.325)."""
    return None if value is None else round(value / 100, 3)


def _number_format(header: str) -> str | None:
    """The number format of a column, from its heading; None for plain numbers."""
    if header.endswith("%"):
        return PERCENT_FORMAT
    if header.endswith("(points)"):
        return POINTS_FORMAT
    if header.endswith(("kappa", "AC2")):
        return COEFFICIENT_FORMAT
    return None


def _table(
    sheet: Worksheet, top: int, headers: Sequence[str], rows: Sequence[Sequence[Any]]
) -> int:
    """Write a table at row ``top``; returns the row after it."""
    for column, header in enumerate(headers, start=1):
        cell = put_cell(sheet, top, column, header)
        cell.font = HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    formats = [_number_format(header) for header in headers]
    for offset, values in enumerate(rows, start=1):
        for column, value in enumerate(values, start=1):
            cell = put_cell(sheet, top + offset, column, value)
            number_format = formats[column - 1]
            if number_format and isinstance(value, float):
                cell.number_format = number_format
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
        ("Dates", date_range(week.starts_on, week.ends_on)),
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
        [
            c.label,
            _percent(c.previous),
            _percent(c.current),
            None if c.change is None else half_up(c.change, 1),
        ]
        for c in content.changes
    ]
    headers = [
        "Aspect",
        f"{compared.code} good or better %",
        f"{content.week.code} good or better %",
        "Change (points)",
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


def _agreement_row(result: AgreementResult) -> list[Any]:
    return [
        result.label,
        result.moderated,
        result.agreed,
        _percent(result.agreement_pct),
        _percent(result.within_one_pct),
        result.weighted_kappa,
        result.gwet_ac2,
        result.kappa,
        "yes" if result.small else "no",
    ]


def _agreement(sheet: Worksheet, row: int, moderation: ModerationStats) -> int:
    """Agreement per item reviewed, then over every grade reviewed."""
    headers = [
        "Grade reviewed",
        "Pairs",
        "Agreed",
        "Exact agreement %",
        "Within one grade %",
        "Weighted kappa",
        "Gwet's AC2",
        "Cohen's kappa",
        f"Fewer than {SMALL_NUMBER} pairs",
    ]
    rows = [_agreement_row(item) for item in moderation.items if item.moderated]
    rows.append(_agreement_row(moderation.pooled))
    after = _titled_table(sheet, row, "Agreement with each grade reviewed", headers, rows)
    for column in range(1, len(headers) + 1):  # the row over every grade, in bold
        sheet.cell(row=row + 1 + len(rows), column=column).font = HEADER_FONT
    return after


def _grade_pairs(sheet: Worksheet, row: int, stats: WeekStats, moderation: ModerationStats) -> int:
    """Every pair of grades counted: the auditor's grade down, the moderator's across."""
    labels = [stats.scale.grade(grade_id).label for grade_id in moderation.grade_ids]
    table = moderation.grade_pairs
    rows: list[list[Any]] = [
        [label, *counts, sum(counts)] for label, counts in zip(labels, table, strict=True)
    ]
    across = [sum(column) for column in zip(*table, strict=True)] if table else []
    rows.append(["Total", *across, sum(across)])
    headers = ["Auditor's grade (down), moderator's (across)", *labels, "Total"]
    return _titled_table(sheet, row, "Grades given by auditor and moderator", headers, rows)


def _moderation(book: Workbook, content: ReportContent, moderated: Sequence[Sequence[Any]]) -> None:
    """The Moderation sheet: agreement per item and overall, the grade pairs, each grade."""
    sheet = book.create_sheet("Moderation")
    put_cell(sheet, 1, 1, "Moderation: agreement between auditor and moderator").font = TITLE_FONT
    moderation = content.stats.moderation
    sheet.column_dimensions["A"].width = 48
    for column in range(2, 10):
        sheet.column_dimensions[get_column_letter(column)].width = 16
    if moderation is None:
        put_cell(sheet, 3, 1, "No audits of this week have been moderated.")
        return
    put_cell(
        sheet,
        2,
        1,
        f"{count_was(moderation.audits, 'audit', start=True)} moderated. Each figure is over the "
        "pairs of grades where auditor and moderator both gave a grade of the scale (Not "
        f"applicable left out); read a figure over fewer than {SMALL_NUMBER} pairs with care. "
        "Weighted kappa and AC2 use linear weights: a near miss earns part of the credit of "
        "an exact match, opposite ends of the scale none.",
    )
    row = _agreement(sheet, 4, moderation)
    row = _grade_pairs(sheet, row, content.stats, moderation)
    _titled_table(sheet, row, "Each grade reviewed", MODERATED_GRADE_HEADERS, moderated)


def _list_sheet(book: Workbook, data: Sheet) -> None:
    sheet = book.create_sheet(data.title)
    _table(sheet, 1, data.headers, data.rows)
    sheet.freeze_panes = "A2"
    for column, header in enumerate(data.headers, start=1):
        longest = max([len(str(header))] + [len(str(r[column - 1] or "")) for r in data.rows[:200]])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(10, longest + 2), 60)


def workbook_bytes(
    content: ReportContent,
    sheets: Sequence[Sheet],
    moderated: Sequence[Sequence[Any]] = (),
) -> bytes:
    """The workbook: a Summary sheet from the report's content, a Moderation sheet (with
    ``moderated``, one row per grade reviewed, as MODERATED_GRADE_HEADERS), then the sheets."""
    book = Workbook()
    _summary(book, content)
    _moderation(book, content, moderated)
    for data in sheets:
        _list_sheet(book, data)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
