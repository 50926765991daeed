"""The XLSX workbook: read back and checked against ``pwdesk stats`` and the records."""

from __future__ import annotations

import io
from collections import Counter
from fractions import Fraction
from typing import Any

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

from pwdesk.services.assessments import draft_of, list_records
from pwdesk.services.moderation import ModeratedGrade, moderate
from pwdesk.services.report import report_workbook
from pwdesk.services.stats import stats_json, week_audit_template, week_stats
from pwdesk.services.table_export import audit_rows
from pwdesk.services.weeks import find_week
from pwdesk.store.database import Database

SHOWN_DECIMALS = {"0.0%": 3, "+0.0;-0.0;0.0": 1, "0.00": 2}  # 32.5% is stored as 0.325


def rows_of(sheet: Any) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def table_under(rows: list[list[Any]], title: str) -> tuple[list[Any], list[list[Any]]]:
    """The headers and rows of the table under ``title``, down to the first empty row."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == title)
    body: list[list[Any]] = []
    for row in rows[start + 2 :]:
        if not row or row[0] is None:
            break
        body.append(row)
    return rows[start + 1], body


def workbook(db: Database, week: str = "2018-09") -> Workbook:
    return load_workbook(io.BytesIO(report_workbook(db, week)))


def other_grade(grade: str) -> str:
    return "inadequate" if grade != "inadequate" else "good"


def moderate_some(db: Database) -> dict[str, dict[str, str]]:
    """Moderate four completed audits: each overall grade changed, one supervision grade
    changed and one agreed; the moderated grade ids by record and item."""
    audits = [r for r in list_records(db, "2018-09") if r.kind == "case-audit"]
    chosen = [r.id for r in audits if r.status == "completed"][:4]
    moderated: dict[str, dict[str, str]] = {}
    for n, record in enumerate(chosen):
        answers = draft_of(db, record)[0].answers
        grades = {"overall": ModeratedGrade(other_grade(answers["overall"]["value"]), "Fictional")}
        supervision = answers["supervision"]["value"]
        if n == 0:
            grades["supervision"] = ModeratedGrade(other_grade(supervision), "Not in the file")
        elif n == 1:
            grades["supervision"] = ModeratedGrade(supervision)
        moderate(db, record, grades, moderator="Fictional Moderator")
        moderated[record] = {item: grade.grade for item, grade in grades.items()}
    return moderated


def test_the_workbook_holds_the_summary_and_every_record(demo_db: Database) -> None:
    book = workbook(demo_db)
    assert book.sheetnames == ["Summary", "Moderation", "Case audits", "Observations", "Actions"]
    figures = stats_json(*week_stats(demo_db, "2018-09"))
    summary = rows_of(book["Summary"])
    facts = {row[0]: row[1] for row in summary if row and row[0] and row[1] is not None}
    assert facts["Children audited"] == figures["children"]
    assert facts["Case audits"] == figures["audits"]
    assert facts["Observations"] == figures["observations"]["total"]
    _, aspect_rows = table_under(summary, "Grades per aspect")
    by_label = {row[0]: row for row in aspect_rows}
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
        assert entry["overall"] == record.overall_grade  # nothing moderated in the demo
        assert entry["moderated"] == "no"
    observations = rows_of(book["Observations"])[1:]
    assert len(observations) == figures["observations"]["total"]
    assert len(rows_of(book["Actions"])) > 1
    moderation = rows_of(book["Moderation"])
    assert ["No audits of this week have been moderated."] in [row[:1] for row in moderation]


def test_the_comparison_and_cohorts_are_in_the_summary(demo_db: Database) -> None:
    book = workbook(demo_db)
    summary = rows_of(book["Summary"])
    text = [row[0] for row in summary if row and row[0]]
    assert "Change since 2018-03" in text
    assert "Good or better by cohort" in text
    headers, changes = table_under(summary, "Change since 2018-03")
    assert headers[1:4] == [
        "2018-03 good or better %",
        "2018-09 good or better %",
        "Change (points)",
    ]
    for _, before, now, change in (row[:4] for row in changes):
        if change is None:
            continue
        assert change == round((now - before) * 100, 1)  # points, as shown: 3.2, not 0.032
    earlier = workbook(demo_db, "2018-03")
    assert not any(
        str(row[0]).startswith("Change since") for row in rows_of(earlier["Summary"]) if row
    )


def test_the_case_audits_recount_to_the_summary_with_moderated_grades(demo_db: Database) -> None:
    moderated = moderate_some(demo_db)
    book = workbook(demo_db)
    template = week_audit_template(demo_db, find_week(demo_db, "2018-09"))
    audits = rows_of(book["Case audits"])
    headers, body = audits[0], [dict(zip(audits[0], row, strict=True)) for row in audits[1:]]
    assert "moderated" in headers
    label = {grade.id: grade.label for grade in template.scale.choices}
    for entry in body:
        grades = moderated.get(entry["record_id"])
        assert entry["moderated"] == ("yes" if grades else "no")
        for item_id, grade_id in (grades or {}).items():
            assert entry[item_id] == label[grade_id]  # the moderator's grade, not the auditor's

    grade_headers, aspect_rows = table_under(rows_of(book["Summary"]), "Grades per aspect")
    summary = {row[0]: row for row in aspect_rows}
    completed = [entry for entry in body if entry["status"] == "completed"]
    good = {label[g] for g in template.scale.ids if template.scale.is_good_or_better(g)}
    real = {label[g] for g in template.scale.ids}
    for item in (*template.aspects(), template.overall):
        recount = Counter(entry[item.id] for entry in completed if entry[item.id] is not None)
        row = summary[item.label]
        shown = dict(zip(grade_headers[1:-1], row[1:-1], strict=True))
        assert shown == {grade: recount.get(grade, 0) for grade in shown}, item.id
        graded = sum(n for grade, n in recount.items() if grade in real)
        share = Fraction(sum(n for grade, n in recount.items() if grade in good), graded)
        assert abs(row[-1] - share) <= Fraction(1, 2000), item.id  # 0.0% shows a tenth

    plain_headers, plain_rows = audit_rows(demo_db, "2018-09")  # table export: the auditor's own
    assert "moderated" not in plain_headers
    plain = {row[0]: dict(zip(plain_headers, row, strict=True)) for row in plain_rows}
    for record_id, grades in moderated.items():
        auditor = draft_of(demo_db, record_id)[0].answers
        for item_id in grades:
            assert plain[record_id][item_id] == label[auditor[item_id]["value"]]


def test_the_moderation_sheet_agrees_with_stats(demo_db: Database) -> None:
    moderated = moderate_some(demo_db)
    figures = stats_json(*week_stats(demo_db, "2018-09"))["moderation"]
    assert figures["pairs"] == 4 + 2 == sum(map(sum, figures["grade_pairs"]["rows"]))
    assert figures["small"] is True
    assert figures["grade_pairs"]["grades"][0] == "Outstanding"
    sheet = rows_of(workbook(demo_db)["Moderation"])
    headers, agreement = table_under(sheet, "Agreement with each grade reviewed")
    assert headers[:3] == ["Grade reviewed", "Pairs", "Agreed"]
    items = [item for item in figures["items"] if item["moderated"]]
    assert [row[0] for row in agreement] == [item["label"] for item in items] + [
        "All grades reviewed"
    ]

    def shown(row: list[Any]) -> list[Any]:
        pcts = [None if v is None else round(v * 100, 1) for v in row[3:5]]
        return [row[1], row[2], *pcts, *row[5:9]]

    for row, item in zip(agreement, items, strict=False):
        assert shown(row) == [
            item["moderated"],
            item["agreed"],
            item["agreement_pct"],
            item["within_one_pct"],
            item["weighted_kappa"],
            item["gwet_ac2"],
            item["kappa"],
            "yes" if item["small"] else "no",
        ]
    assert shown(agreement[-1])[:4] == [
        figures["pairs"],
        sum(item["agreed"] for item in items),
        figures["exact_pct"],
        figures["within_one_pct"],
    ]
    assert agreement[-1][5] == figures["weighted_kappa"]
    pair_headers, pairs = table_under(sheet, "Grades given by auditor and moderator")
    grades = figures["grade_pairs"]["grades"]
    assert pair_headers[1 : len(grades) + 1] == grades
    assert [row[1 : len(grades) + 1] for row in pairs[:-1]] == figures["grade_pairs"]["rows"]
    assert pairs[-1][len(grades) + 1] == figures["pairs"]
    _, listed = table_under(sheet, "Each grade reviewed")
    assert len(listed) == sum(len(grades) for grades in moderated.values())
    changed = [row for row in listed if row[5] == "no"]
    assert len(changed) == 5
    assert all(row[6] for row in changed)  # each with its reason


def test_every_figure_is_stored_as_shown(demo_db: Database) -> None:
    moderate_some(demo_db)
    book = workbook(demo_db)
    seen = Counter[str]()
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, bool) or not isinstance(cell.value, int | float):
                    continue
                if cell.number_format == "General":  # whole counts, or numbers as answered
                    continue
                places = SHOWN_DECIMALS[cell.number_format]
                seen[cell.number_format] += 1
                text = repr(float(cell.value))
                decimals = text.split(".")[1].rstrip("0") if "e" not in text else text
                assert len(decimals) <= places, (sheet.title, cell.coordinate, cell.value)
    assert {"0.0%", "+0.0;-0.0;0.0", "0.00"} <= set(seen)
