"""A week's case audits as a flat CSV or XLSX table and back: round trips, fixes, past weeks."""

from __future__ import annotations

import csv
import uuid
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import func, select

from pwdesk.domain.statuses import Status
from pwdesk.services.assessments import draft_of, list_records
from pwdesk.services.people import ChildDetails, add_child, list_auditors, list_practitioners
from pwdesk.services.sheets import TableError
from pwdesk.services.table_columns import FIXED_COLUMNS
from pwdesk.services.table_export import export_table
from pwdesk.services.table_import import TableImport, import_table
from pwdesk.services.weeks import WeekDetails, create_week
from pwdesk.store.database import Database
from pwdesk.store.models import AuditLogEntry, RecordVersion

WEEK = "2018-09"
GRADE_WORDS = (
    "Outstanding, Good, Requires improvement to be good, Inadequate or Not applicable / not seen"
)


def read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream))


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows(rows)


def first_sheet(workbook: openpyxl.Workbook) -> Worksheet:
    sheet = workbook.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet


def versions_of(db: Database, record_id: str) -> int:
    with db.read() as session:
        count = session.scalar(
            select(func.count())
            .select_from(RecordVersion)
            .where(RecordVersion.record_id == record_id)
        )
    return count or 0


def everything(db: Database) -> tuple[list[Any], int]:
    """Every record version and the length of the audit log: what an import may change."""
    with db.read() as session:
        versions = session.execute(
            select(RecordVersion.id, RecordVersion.record_id, RecordVersion.content).order_by(
                RecordVersion.id
            )
        ).all()
        log = session.scalar(select(func.count()).select_from(AuditLogEntry))
    return [tuple(row) for row in versions], log or 0


@pytest.fixture
def exported(demo_db: Database, tmp_path: Path) -> Path:
    path = tmp_path / "audits.csv"
    export_table(demo_db, WEEK, path)
    return path


def test_the_export_has_a_row_per_case_audit_in_the_documented_columns(
    demo_db: Database, exported: Path
) -> None:
    assert exported.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    header, *rows = read_csv(exported)
    assert tuple(header[: len(FIXED_COLUMNS)]) == FIXED_COLUMNS
    assert header[10:14] == [
        "plan-by-second-review",
        "plan-by-second-review.evidence",
        "options-considered",
        "options-considered.evidence",
    ]
    texts = header.index("overall")
    assert header[texts : texts + 4] == [
        "overall",
        "strengths",
        "areas-for-development",
        "practitioner-reflection",
    ]
    assert {"child-seen", "last-visit", "placement-moves", "placement-type"} <= set(header)
    assert "agreed-actions" not in header
    audits = [r for r in list_records(demo_db, WEEK) if r.kind == "case-audit"]
    assert sorted(row[0] for row in rows) == sorted(r.id for r in audits)
    first = dict(zip(header, rows[0], strict=True))
    assert first["week"] == WEEK
    assert first["status"] == "completed"
    assert first["template_version"] == "1"
    assert first["placement-stability"] in {
        "Outstanding",
        "Good",
        "Requires improvement to be good",
        "Inadequate",
        "Not applicable / not seen",
    }
    assert first["child-seen"] in {"Yes", "Partly", "No"}
    assert date.fromisoformat(first["date"])


def test_an_unchanged_table_changes_nothing(demo_db: Database, exported: Path) -> None:
    before = everything(demo_db)
    assert import_table(demo_db, exported) == TableImport(
        rows=42, created=0, updated=0, unchanged=42
    )
    assert everything(demo_db) == before


def test_a_grade_fixed_in_the_csv_makes_exactly_one_new_version(
    demo_db: Database, exported: Path
) -> None:
    header, *rows = read_csv(exported)
    column = header.index("placement-stability")
    row = rows[5]
    record_id = row[0]
    row[column] = "Inadequate" if row[column] != "Inadequate" else "Outstanding"
    row[header.index("placement-stability.evidence")] = (
        "Moved twice since the review; carers näive."
    )
    write_csv(exported, [header, *rows])
    before = versions_of(demo_db, record_id)

    assert import_table(demo_db, exported) == TableImport(42, 0, 1, 41)

    assert versions_of(demo_db, record_id) == before + 1
    draft, status = draft_of(demo_db, record_id)
    expected = "inadequate" if row[column] == "Inadequate" else "outstanding"
    assert draft.answers["placement-stability"] == {
        "value": expected,
        "note": "Moved twice since the review; carers näive.",
    }
    assert status is Status.COMPLETED
    again = everything(demo_db)
    assert import_table(demo_db, exported) == TableImport(42, 0, 0, 42)
    assert everything(demo_db) == again


def test_a_grade_fixed_in_the_xlsx_makes_exactly_one_new_version(
    demo_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "audits.xlsx"
    assert export_table(demo_db, WEEK, path).rows == 42
    workbook = openpyxl.load_workbook(path)
    sheet = first_sheet(workbook)
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert 10 <= sheet.column_dimensions["K"].width <= 60
    assert isinstance(sheet.cell(row=2, column=header.index("date") + 1).value, datetime)
    overall = header.index("overall") + 1
    record_id = str(sheet.cell(row=3, column=1).value)
    was = draft_of(demo_db, record_id)[0].answers["overall"]["value"]
    sheet.cell(row=3, column=overall, value="RI" if was != "requires-improvement" else "good")
    workbook.save(path)
    before = versions_of(demo_db, record_id)

    assert import_table(demo_db, path) == TableImport(42, 0, 1, 41)

    assert versions_of(demo_db, record_id) == before + 1
    now = draft_of(demo_db, record_id)[0].answers["overall"]["value"]
    assert now == ("requires-improvement" if was != "requires-improvement" else "good")
    row = next(r for r in list_records(demo_db, WEEK) if r.id == record_id)
    assert row.overall_grade_id == now
    again = everything(demo_db)
    assert import_table(demo_db, path) == TableImport(42, 0, 0, 42)
    assert everything(demo_db) == again


def test_an_unchanged_xlsx_changes_nothing(demo_db: Database, tmp_path: Path) -> None:
    path = tmp_path / "audits.xlsx"
    export_table(demo_db, WEEK, path)
    before = everything(demo_db)
    assert import_table(demo_db, path).unchanged == 42
    assert everything(demo_db) == before


def test_spreadsheet_cell_types_are_read_as_what_they_mean(
    demo_db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "audits.xlsx"
    export_table(demo_db, WEEK, path)
    workbook = openpyxl.load_workbook(path)
    sheet = first_sheet(workbook)
    header = [cell.value for cell in sheet[1]]
    record_id = str(sheet.cell(row=2, column=1).value)

    def put(column: str, value: Any) -> None:
        sheet.cell(row=2, column=header.index(column) + 1, value=value)

    put("placement-moves", 3.0)
    put("last-visit", datetime(2018, 9, 3, 0, 0))
    put("date", "2018-09-20")
    put("child-seen", "partly")
    put("placement-type", "kinship-care")
    workbook.save(path)

    assert import_table(demo_db, path).updated == 1

    draft, _ = draft_of(demo_db, record_id)
    assert draft.held_on == date(2018, 9, 20)
    assert draft.answers["placement-moves"]["value"] == 3
    assert isinstance(draft.answers["placement-moves"]["value"], int)
    assert draft.answers["last-visit"]["value"] == "2018-09-03"
    assert draft.answers["child-seen"]["value"] == "partly"
    assert draft.answers["placement-type"]["value"] == "kinship-care"


def test_three_bad_cells_give_three_precise_sentences_and_change_nothing(
    demo_db: Database, exported: Path
) -> None:
    header, *rows = read_csv(exported)
    rows[0][header.index("placement-stability")] = "Goodish"
    rows[3][header.index("date")] = "31/02/2018"
    rows[6][header.index("status")] = "finished"
    rows[7][header.index("recording")] = "Inadequate"  # a good change, refused with the rest
    write_csv(exported, [header, *rows])
    before = everything(demo_db)

    with pytest.raises(TableError) as refused:
        import_table(demo_db, exported)

    assert refused.value.problems == [
        f"Row 2, column placement-stability: 'Goodish' is not a grade (use {GRADE_WORDS}).",
        "Row 5, column date: '31/02/2018' is not a date written as YYYY-MM-DD (like 2018-09-17).",
        "Row 8, column status: 'finished' is not a status (use draft or completed).",
    ]
    assert everything(demo_db) == before


def test_unknown_people_weeks_forms_and_values_are_each_named(
    demo_db: Database, exported: Path
) -> None:
    header, *rows = read_csv(exported)
    observation = next(r for r in list_records(demo_db, WEEK) if r.kind == "observation")
    edits = {
        0: ("case_reference", "CR999999"),
        1: ("week", "2019-03"),
        2: ("practitioner", "Nobody Known"),
        3: ("senior_leader", "Ghost Leader"),
        4: ("template", "no-such-form"),
        5: ("record_id", observation.id),
        6: ("child-seen", "maybe"),
        7: ("placement-moves", "two"),
        8: ("placement-type", "Tent"),
        9: ("overall", ""),
        10: ("template_version", "7"),
    }
    for index, (column, value) in edits.items():
        rows[index][header.index(column)] = value
    write_csv(exported, [header, *rows])

    with pytest.raises(TableError) as refused:
        import_table(demo_db, exported)

    problems = refused.value.problems
    assert len(problems) == len(edits)
    assert problems[0] == (
        "Row 2, column case_reference: there is no child with case reference CR999999 "
        "(add the child first)."
    )
    assert problems[1].startswith(
        "Row 3, column week: there is no Practice Week with the code 2019-03 "
        "(this database has: 2018-03, 2018-09"
    )
    assert problems[2].startswith("Row 4, column practitioner: there is no practitioner Nobody")
    assert problems[3] == (
        "Row 5, column senior_leader: "
        "there is no senior leader called Ghost Leader (add them first)."
    )
    assert problems[4] == "Row 6, column template: there is no form template no-such-form."
    assert problems[5] == (
        f"Row 7, column record_id: record {observation.id} is an observation, not a case audit."
    )
    assert problems[6] == "Row 8, column child-seen: 'maybe' is not Yes, Partly or No."
    assert problems[7] == "Row 9, column placement-moves: 'two' is not a number."
    assert problems[8].startswith("Row 10, column placement-type: 'Tent' is not one of the options")
    assert problems[9] == (
        "Row 11, column overall: the audit is completed, so 'Overall grade for the case' needs "
        "an answer (or set the status to draft)."
    )
    assert problems[10] == (
        "Row 12, column template_version: the form permanency-case-audit has no version 7."
    )


def test_a_record_of_another_week_cannot_be_moved(demo_db: Database, exported: Path) -> None:
    header, *rows = read_csv(exported)
    rows[0][header.index("week")] = "2018-03"
    write_csv(exported, [header, *rows])
    with pytest.raises(TableError) as refused:
        import_table(demo_db, exported)
    assert refused.value.problems == [
        f"Row 2, column week: record {rows[0][0]} belongs to Practice Week 2018-09, not 2018-03; "
        "an import cannot move it."
    ]


def test_missing_headings_are_named_and_no_row_is_read(demo_db: Database, exported: Path) -> None:
    header, *rows = read_csv(exported)
    keep = [i for i, name in enumerate(header) if name not in {"week", "status"}]
    write_csv(exported, [[row[i] for i in keep] for row in [header, *rows]])
    with pytest.raises(TableError) as refused:
        import_table(demo_db, exported)
    needed = "record_id, week, template, case_reference and status"
    assert refused.value.problems == [
        f"Row 1: there is no column week; a table needs the columns {needed}.",
        f"Row 1: there is no column status; a table needs the columns {needed}.",
    ]


def test_an_unknown_heading_is_named(demo_db: Database, exported: Path) -> None:
    header, *rows = read_csv(exported)
    header[header.index("recording")] = "recordings"
    write_csv(exported, [header, *rows])
    with pytest.raises(TableError) as refused:
        import_table(demo_db, exported)
    assert refused.value.problems == [
        "Row 1, column recordings: no form named in the table has an item recordings."
    ]


def test_a_table_that_is_not_csv_or_xlsx_is_refused(demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(TableError, match=r"a\.ods is neither"):
        export_table(demo_db, WEEK, tmp_path / "a.ods")
    assert not (tmp_path / "a.ods").exists()
    (tmp_path / "b.txt").write_text("record_id\n", encoding="utf-8")
    with pytest.raises(TableError, match=r"b\.txt is neither"):
        import_table(demo_db, tmp_path / "b.txt")


def test_a_past_week_is_brought_in_from_a_spreadsheet(demo_db: Database, tmp_path: Path) -> None:
    create_week(
        demo_db, WeekDetails("2017-09", "September 2017", date(2017, 9, 18), date(2017, 9, 22))
    )
    for reference in ("CR201701", "CR201702"):
        add_child(demo_db, ChildDetails(reference, date(2010, 1, 1)))
    worker = list_practitioners(demo_db)[0]
    leader = list_auditors(demo_db)[0]
    kept_id = str(uuid.uuid4())
    template = "permanency-case-audit"
    aspects = [
        "plan-by-second-review",
        "options-considered",
        "parallel-planning",
        "plan-implementation",
        "plan-tracking",
        "placement-stability",
        "placement-matching",
        "purposeful-visits",
        "childs-voice",
        "direct-work",
        "assessment-quality",
        "care-plan-quality",
        "management-oversight",
        "supervision",
        "partnership-working",
        "recording",
        "knowledge-of-child",
    ]
    header = [
        "record_id",
        "week",
        "template",
        "case_reference",
        "practitioner",
        "practitioner_team",
        "senior_leader",
        "date",
        "status",
        *aspects,
        "placement-stability.evidence",
        "overall",
        "strengths",
        "areas-for-development",
    ]
    grades = ["RI", "n/a", "good", "Outstanding", "requires-improvement", "INADEQUATE"]
    complete = [
        kept_id,
        "2017-09",
        template,
        "CR201701",
        worker.name,
        worker.team,
        leader.name,
        "2017-09-19",
        "Completed",
        *(grades[i % len(grades)] for i in range(len(aspects))),
        "Settled with the same carers for two years; Siân's café visits help.",
        "Good",
        "Carers and school work together.",
        "Life story work has not started.",
    ]
    draft = ["", "2017-09", template, "CR201702", "", "", "", "", "draft"]
    draft += ["Good"] + [""] * (len(header) - len(draft) - 1)
    path = tmp_path / "2017.csv"
    write_csv(path, [header, complete, draft])

    assert import_table(demo_db, path) == TableImport(2, 2, 0, 0)

    records = {r.case_reference: r for r in list_records(demo_db, "2017-09")}
    assert set(records) == {"CR201701", "CR201702"}
    assert records["CR201701"].id == kept_id
    assert records["CR201701"].status == "completed"
    assert records["CR201701"].overall_grade == "Good"
    assert records["CR201701"].practitioner == worker.name
    answers, _ = draft_of(demo_db, kept_id)
    assert answers.held_on == date(2017, 9, 19)
    assert answers.answers["plan-by-second-review"] == {"value": "requires-improvement"}
    assert answers.answers["options-considered"] == {"value": "not-applicable"}
    assert answers.answers["placement-stability"]["note"].endswith("Siân's café visits help.")
    assert answers.answers["strengths"] == {"value": "Carers and school work together."}
    assert records["CR201702"].status == "draft"
    assert versions_of(demo_db, records["CR201702"].id) == 1

    # The same file again: the kept id finds its record, and the row without an id would be a
    # second audit of CR201702, which is refused, naming the audit it already has.
    with pytest.raises(TableError, match=f"record {records['CR201702'].id}"):
        import_table(demo_db, path)
    # And the week's own export goes back in without a change.
    out = tmp_path / "2017-out.xlsx"
    assert export_table(demo_db, "2017-09", out).rows == 2
    before = everything(demo_db)
    assert import_table(demo_db, out) == TableImport(2, 0, 0, 2)
    assert everything(demo_db) == before


def test_a_completed_new_row_needs_every_required_answer(demo_db: Database, tmp_path: Path) -> None:
    child = "CR880002"  # not audited yet this week
    add_child(demo_db, ChildDetails(child, date(2012, 1, 1), date(2016, 1, 1)))
    path = tmp_path / "one.csv"
    write_csv(
        path,
        [
            ["record_id", "week", "template", "case_reference", "status", "overall"],
            ["", WEEK, "permanency-case-audit", child, "completed", "Good"],
        ],
    )
    with pytest.raises(TableError) as refused:
        import_table(demo_db, path)
    problems = refused.value.problems
    assert len(problems) == 19  # 17 aspects, strengths and areas for development
    assert problems[0] == (
        "Row 2, column plan-by-second-review: the audit is completed, so 'A permanence plan was "
        "agreed by the second looked-after review' needs an answer (or set the status to draft)."
    )


def test_xlsx_keeps_text_that_looks_like_a_formula_as_text(
    demo_db: Database, tmp_path: Path
) -> None:
    csv_path, xlsx_path = tmp_path / "a.csv", tmp_path / "a.xlsx"
    export_table(demo_db, WEEK, csv_path)
    header, *rows = read_csv(csv_path)
    rows[0][header.index("recording.evidence")] = "=1+1 records are behind; café notes (Siân)."
    write_csv(csv_path, [header, *rows])
    assert import_table(demo_db, csv_path).updated == 1
    export_table(demo_db, WEEK, xlsx_path)
    before = everything(demo_db)
    assert import_table(demo_db, xlsx_path).unchanged == 42
    assert everything(demo_db) == before
    draft, _ = draft_of(demo_db, rows[0][0])
    assert draft.answers["recording"]["note"] == "=1+1 records are behind; café notes (Siân)."


def test_a_new_row_for_a_child_already_audited_is_refused_naming_the_record(
    demo_db: Database, exported: Path
) -> None:
    header, *rows = read_csv(exported)
    existing = rows[4][0]
    reference = rows[4][header.index("case_reference")]
    mistyped = [*rows[4]]
    mistyped[0] = str(uuid.uuid4())  # a mistyped id reads as a new record
    cleared = [*rows[4]]
    cleared[0] = ""
    write_csv(exported, [header, *rows, mistyped, cleared])
    before = everything(demo_db)

    with pytest.raises(TableError) as refused:
        import_table(demo_db, exported)

    problem = (
        f"column record_id: {reference} already has a case audit this week, record {existing}; "
        "give that id in record_id to change it."
    )
    assert refused.value.problems == [f"Row 44, {problem}", f"Row 45, {problem}"]
    assert everything(demo_db) == before


def test_two_new_rows_for_one_child_are_refused(demo_db: Database, tmp_path: Path) -> None:
    week = create_week(
        demo_db, WeekDetails("2019-03", "March 2019", date(2019, 3, 11), date(2019, 3, 15))
    )
    assert week.id
    add_child(demo_db, ChildDetails("CR880001", date(2012, 1, 1), date(2016, 1, 1)))
    table = tmp_path / "new.csv"
    row = ["", "2019-03", "permanency-case-audit", "CR880001", "draft"]
    write_csv(table, [["record_id", "week", "template", "case_reference", "status"], row, row])
    before = everything(demo_db)
    with pytest.raises(TableError) as refused:
        import_table(demo_db, table)
    assert refused.value.problems == [
        "Row 3, column case_reference: row 2 already adds a case audit of CR880001 this week; "
        "give each child one row."
    ]
    assert everything(demo_db) == before
