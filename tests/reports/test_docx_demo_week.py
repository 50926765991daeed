"""The demo week's report as Word, read back with python-docx: the same headings as the PDF in
Word's styles, every table's header row marked, every chart a picture with alt text, the
language set, and the figures those of ``pwdesk stats``."""

from __future__ import annotations

import io

import docx
import pytest
from docx.document import Document
from docx.oxml.ns import qn

from pwdesk.services.report import report_docx
from pwdesk.services.stats import stats_json, week_stats
from pwdesk.store.database import Database
from tests.reports.test_summary_report import SECTIONS


@pytest.fixture
def word(demo_db: Database) -> Document:
    return docx.Document(io.BytesIO(report_docx(demo_db, "2018-09")))


def styles_of(word: Document) -> list[tuple[str, str]]:
    return [(p.style.name if p.style else "", p.text) for p in word.paragraphs]


def test_the_sections_are_heading_1_in_order_with_heading_2_inside(word: Document) -> None:
    headings = [(s, t) for s, t in styles_of(word) if s.startswith("Heading")]
    main = [t for s, t in headings if s == "Heading 1"]
    assert main == [f"{n}. {title}" for n, title in enumerate(SECTIONS, start=1)]
    assert headings[0][0] == "Heading 1"  # no Heading 2 before the first section
    assert {s for s, _ in headings} == {"Heading 1", "Heading 2"}
    assert ("Title", "Children's Social Care Practice Week summary") in styles_of(word)


def test_every_table_has_a_marked_header_row_and_every_picture_alt_text(word: Document) -> None:
    assert len(word.tables) >= 10
    for table in word.tables:
        properties = table.rows[0]._tr.trPr
        assert properties is not None
        assert properties.find(qn("w:tblHeader")) is not None
    assert len(word.inline_shapes) == 3  # overall, per aspect, observations
    for shape in word.inline_shapes:
        assert shape._inline.docPr.get("descr")
        assert shape._inline.docPr.get("title")


def test_the_language_and_title_are_set(word: Document) -> None:
    assert word.core_properties.language == "en-GB"
    assert word.core_properties.title == (
        "Children's Social Care Practice Week summary, Practice Week September 2018"
    )


def test_the_figures_are_those_of_stats(demo_db: Database, word: Document) -> None:
    figures = stats_json(*week_stats(demo_db, "2018-09"))
    aspects = next(
        table
        for table in word.tables
        if table._tbl.tblPr.find(qn("w:tblCaption")).get(qn("w:val"))
        == "Grades per aspect of practice: the figures"
    )
    rows = {row.cells[0].text: [cell.text for cell in row.cells[1:]] for row in aspects.rows}
    for aspect in figures["aspects"]:
        counts = [str(n) for n in aspect["counts"].values()]
        assert rows[aspect["label"]] == [*counts, f"{aspect['good_or_better_pct']:.1f}%"]
    text = " ".join(p.text for p in word.paragraphs)
    assert f"{figures['overall_good_or_better_pct']:.1f}% of the cases graded" in text
