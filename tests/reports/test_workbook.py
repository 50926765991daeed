"""The XLSX workbook: read back and checked against ``pwdesk stats`` and the records."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import load_workbook

from pwdesk.services.assessments import list_records
from pwdesk.services.report import report_workbook
from pwdesk.services.stats import stats_json, week_stats
from pwdesk.store.database import Database


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_holds_the_summary_and_every_record(demo_db: Database) -> None:
    book = load_workbook(io.BytesIO(report_workbook(demo_db, "2018-09")))
    assert book.sheetnames == ["Summary", "Case audits", "Observations", "Actions"]
    figures = stats_json(*week_stats(demo_db, "2018-09"))
    summary = rows_of(book["Summary"])
    facts = {row[0]: row[1] for row in summary if row and row[0] and row[1] is not None}
    assert facts["Children audited"] == figures["children"]
    assert facts["Case audits"] == figures["audits"]
    assert facts["Observations"] == figures["observations"]["total"]
    by_label: dict[Any, list[Any]] = {}
    for row in summary:  # the first table names each aspect first; later tables repeat them
        if row and row[0]:
            by_label.setdefault(row[0], row)
    for aspect in figures["aspects"]:
        row = by_label[aspect["label"]]
        assert row[1:6] == list(aspect["counts"].values())
        assert round(row[6] * 100, 1) == aspect["good_or_better_pct"]

    audits = rows_of(book["Case audits"])
    headers, body = audits[0], audits[1:]
    assert len(body) == 42
    records = {r.id: r for r in list_records(demo_db, "2018-09")}
    for row in body:
        entry = dict(zip(headers, row, strict=True))
        record = records[entry["record_id"]]
        assert entry["case_reference"] == record.case_reference
        assert entry["overall"] == record.overall_grade
    observations = rows_of(book["Observations"])[1:]
    assert len(observations) == figures["observations"]["total"]
    assert len(rows_of(book["Actions"])) > 1


def test_the_comparison_and_cohorts_are_in_the_summary(demo_db: Database) -> None:
    book = load_workbook(io.BytesIO(report_workbook(demo_db, "2018-09")))
    text = [row[0] for row in rows_of(book["Summary"]) if row and row[0]]
    assert "Change since 2018-03" in text
    assert "Good or better by cohort" in text
    earlier = load_workbook(io.BytesIO(report_workbook(demo_db, "2018-03")))
    assert not any(
        str(row[0]).startswith("Change since") for row in rows_of(earlier["Summary"]) if row
    )
