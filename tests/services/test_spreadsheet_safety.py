"""No spreadsheet pwdesk writes can run a formula, and no character in free text crashes it."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from pwdesk.domain.answers import answer
from pwdesk.domain.cells import csv_text, from_csv_text
from pwdesk.services.actions import ActionDetails, save_action
from pwdesk.services.assessments import list_records, open_record, save_assessment
from pwdesk.services.common import InvalidRecord
from pwdesk.services.report import report_workbook
from pwdesk.services.settings import load_settings, save_settings
from pwdesk.services.sheets import TableError
from pwdesk.services.table_export import export_table
from pwdesk.services.table_import import TableImport, import_table
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment
from pwdesk.store.records import save_version

HOSTILE = {
    "placement-stability": '=HYPERLINK("https://example.invalid/x","Open the plan")',
    "supervision": "+1 visit a month",
    "recording": "@SUM(A1:A9)",
    "childs-voice": "-2 visits missed",
}
WEEK = "2018-09"


def plant(db: Database, control: bool) -> str:
    record = next(r.id for r in list_records(db, WEEK) if r.kind == "case-audit")
    opened = open_record(db, record)
    answers = {key: dict(value) for key, value in opened.draft.answers.items()}
    for item, text in HOSTILE.items():
        answers[item] = answer(answers[item]["value"], text)
    save_assessment(db, record, replace(opened.draft, answers=answers))
    save_action(db, None, ActionDetails(opened.draft.week_id, "=cmd|' /C calc'!A0", "@owner"))
    if control:
        stored_before_the_rules(db, record, "strengths", "Settled\x07 with carers\x1b.")
    return record


def stored_before_the_rules(db: Database, record_id: str, item: str, text: str) -> None:
    """A control character no save accepts now, as a store written by an earlier release may
    hold it: set at the store layer, below the rules."""
    with db.write() as session:
        audit = session.get(Assessment, record_id)
        assert audit is not None
        audit.answers = {**audit.answers, item: answer(text)}
        save_version(session, db, audit)


def test_a_save_refuses_a_control_character(demo_db: Database) -> None:
    record = next(r.id for r in list_records(demo_db, WEEK) if r.kind == "case-audit")
    opened = open_record(demo_db, record)
    answers = {**opened.draft.answers, "strengths": answer("Settled\x07 with carers.")}
    with pytest.raises(InvalidRecord, match="control character"):
        save_assessment(demo_db, record, replace(opened.draft, answers=answers))
    assert open_record(demo_db, record).version == opened.version


def no_formulas(data: bytes) -> list[str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def test_the_csv_table_neutralises_formulas_and_reads_back_unchanged(
    demo_db: Database, tmp_path: Path
) -> None:
    plant(demo_db, control=True)
    out = tmp_path / "audits.csv"
    export_table(demo_db, WEEK, out)
    cells = [cell for row in csv.reader(io.StringIO(out.read_text("utf-8-sig"))) for cell in row]
    for text in HOSTILE.values():
        assert "'" + text in cells  # shown as text by Excel and LibreOffice
        assert text not in cells
    assert "Settled\x07 with carers\x1b." in cells
    assert import_table(demo_db, out) == TableImport(42, 0, 0, 42)  # the apostrophes come off


def test_the_xlsx_table_stores_text_as_text_and_refuses_a_control_character(
    demo_db: Database, tmp_path: Path
) -> None:
    plant(demo_db, control=False)
    out = tmp_path / "audits.xlsx"
    export_table(demo_db, WEEK, out)
    texts = no_formulas(out.read_bytes())
    assert set(HOSTILE.values()) <= set(texts)
    assert import_table(demo_db, out) == TableImport(42, 0, 0, 42)
    plant(demo_db, control=True)
    with pytest.raises(TableError, match="control character"):
        export_table(demo_db, WEEK, tmp_path / "again.xlsx")


def test_the_report_workbook_has_no_formula_and_survives_control_characters(
    demo_db: Database,
) -> None:
    plant(demo_db, control=True)
    texts = no_formulas(report_workbook(demo_db, WEEK))
    assert "=cmd|' /C calc'!A0" in texts
    assert HOSTILE["placement-stability"] in texts
    assert any(text == "Settled\ufffd with carers\ufffd." for text in texts)


def test_an_authority_name_that_looks_like_a_formula_is_shown_as_its_title(
    demo_db: Database,
) -> None:
    settings = load_settings(demo_db)
    save_settings(demo_db, replace(settings, authority_name="=1+2 Borough Council"))
    texts = no_formulas(report_workbook(demo_db, WEEK))
    assert "=1+2 Borough Council: Practice Week summary" in texts


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx"])
def test_every_formula_start_is_neutralised_and_taken_off_again(text: str) -> None:
    assert csv_text(text) == "'" + text
    assert from_csv_text(csv_text(text)) == text
    assert csv_text("Plain words") == from_csv_text("Plain words") == "Plain words"
    assert from_csv_text("'quoted on purpose") == "'quoted on purpose"


@pytest.mark.parametrize("text", ["'-- see file", "'quoted", "''=twice", "'", "'+"])
def test_text_that_begins_with_an_apostrophe_reads_back_exactly(text: str) -> None:
    assert from_csv_text(csv_text(text)) == text
