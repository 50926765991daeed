"""The Word report, read back with python-docx: structure, accessibility and sameness."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pytest
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from pwdesk.domain.grades import NOT_APPLICABLE_ID, OFSTED_FOUR_POINT
from pwdesk.palette import MUTED, contrast_ratio
from pwdesk.reports.blocks import (
    Cell,
    Chart,
    Contents,
    Cover,
    Heading,
    PageBreak,
    Para,
    ReportDocument,
    Table,
    cell,
)
from pwdesk.reports.word import CONTENTS_HINT, render_docx

AWKWARD = 'Tom & Jerry <said> "it\'s > 5%" & more'  # XML-special characters, as typed


def _grades_table(caption: str) -> Table:
    return Table(
        caption=caption,
        header=("Aspect", "Outstanding", "Good", "Good or better"),
        rows=(
            (
                Cell(("Voice of the child", "seen and heard")),
                cell("3", fill="#1F4E9A", ink="#FFFFFF"),
                cell("5", fill="#6FA8DC", ink="#000000"),
                cell("80%", strong=True),
            ),
            (cell(AWKWARD), cell("0"), cell("2"), cell("100%")),
        ),
        align=("left", "right", "right", "centre"),
        weights=(3, 1, 1, 1),
    )


def sample_document(title: str = "Practice Week summary – Test Authority") -> ReportDocument:
    """A report using every kind of block, with fictional data only."""
    chart = Chart(
        title="Grades by aspect",
        description="Voice of the child: 3 outstanding, 5 good. Planning: 2 good.",
        rows=(
            ("Voice of the child", {"outstanding": 3, "good": 5}),
            ("Planning", {"good": 2, NOT_APPLICABLE_ID: 1}),
        ),
        scale=OFSTED_FOUR_POINT,
        table=_grades_table("Table 2: grades by aspect (figures for the chart)"),
    )
    return ReportDocument(
        title=title,
        cover=Cover(
            authority="Test Authority",
            title="Children's Social Care Practice Week summary",
            week_title="Spring Practice Week",
            theme="Theme: Voice of the child",
            dates="3 to 7 March 2025",
            purpose="A report to the scrutiny sub-committee.",
            prepared="Prepared on 10 March 2025 with pwdesk.",
            marking="Protective marking: OFFICIAL-SENSITIVE",
        ),
        blocks=(
            Contents(),
            PageBreak(),
            Heading("1. Executive summary"),
            Para("Twelve case audits were completed, including CR-0001 and CR-0002."),
            Para(AWKWARD, "strong"),
            Para("Figures are rounded to the nearest whole number.", "muted"),
            Heading("Findings in brief", level=2),
            _grades_table("Table 1: grades overall"),
            Heading("2. Grades by aspect", new_page=True),
            chart,
            Heading("Deeper than allowed", level=3),
        ),
    )


def _read(data: bytes) -> Document:
    return docx.Document(io.BytesIO(data))


def _style(paragraph: Paragraph) -> str:
    return paragraph.style.name if paragraph.style is not None else ""


@pytest.fixture(scope="module")
def report() -> bytes:
    return render_docx(sample_document())


def test_headings_are_word_styles_in_order_with_no_level_skipped(report: bytes) -> None:
    word = _read(report)
    styles = [_style(p) for p in word.paragraphs if _style(p).startswith("Heading")]
    assert styles == ["Heading 1", "Heading 2", "Heading 1", "Heading 2"]
    assert _style(word.paragraphs[1]) == "Title"
    assert word.paragraphs[1].text == "Children's Social Care Practice Week summary"


def test_page_breaks_fall_before_the_paragraph_that_starts_a_page(report: bytes) -> None:
    word = _read(report)
    starts = [p.text for p in word.paragraphs if p.paragraph_format.page_break_before]
    assert starts == ["Contents", "1. Executive summary", "2. Grades by aspect"]
    assert 'w:br w:type="page"' not in word.element.xml  # no empty line atop a page


def test_every_table_has_a_caption_and_a_repeating_header_row(report: bytes) -> None:
    word = _read(report)
    assert len(word.tables) == 2
    captions = [p.text for p in word.paragraphs if _style(p) == "Caption"]
    assert "Table 1: grades overall" in captions
    for table in word.tables:
        assert table.style is not None
        assert table.style.name == "Table Grid"
        first = table.rows[0]._tr
        assert first.trPr is not None
        assert first.trPr.find(qn("w:tblHeader")) is not None
        assert all(row._tr.trPr is None for row in table.rows[1:])
        assert table._tbl.tblPr.find(qn("w:tblCaption")) is not None


def test_numeric_columns_are_aligned_header_cells_included(report: bytes) -> None:
    table = _read(report).tables[0]
    for row in table.rows:
        alignments = [c.paragraphs[0].alignment for c in row.cells]
        assert alignments == [
            WD_ALIGN_PARAGRAPH.LEFT,
            WD_ALIGN_PARAGRAPH.RIGHT,
            WD_ALIGN_PARAGRAPH.RIGHT,
            WD_ALIGN_PARAGRAPH.CENTER,
        ]
    assert all(run.bold for c in table.rows[0].cells for run in c.paragraphs[0].runs)


def test_cells_keep_their_colours_lines_and_widths(report: bytes) -> None:
    table = _read(report).tables[0]
    outstanding = table.cell(1, 1)
    properties = outstanding._tc.tcPr
    assert properties is not None
    shading = properties.find(qn("w:shd"))
    assert shading.get(qn("w:fill")) == "1F4E9A"
    assert outstanding.paragraphs[0].runs[0].font.color.rgb == docx.shared.RGBColor(255, 255, 255)
    assert [p.text for p in table.cell(1, 0).paragraphs] == ["Voice of the child", "seen and heard"]
    widths = [column.width for column in table.columns]
    twip = 635  # Word keeps widths in twentieths of a point
    assert widths[0] == pytest.approx(3 * widths[1], abs=3 * twip)
    assert sum(widths) == pytest.approx(docx.shared.Mm(170), abs=len(widths) * twip)


def test_every_picture_has_alt_text(report: bytes) -> None:
    word = _read(report)
    assert len(word.inline_shapes) == 1
    for shape in word.inline_shapes:
        doc_pr = shape._inline.docPr
        assert doc_pr.get("descr").startswith("Voice of the child: 3 outstanding")
        assert doc_pr.get("title") == "Grades by aspect"
        assert shape.width == docx.shared.Mm(170)


def test_the_language_is_set_for_proofing_and_readers(report: bytes) -> None:
    word = _read(report)
    assert word.core_properties.language == "en-GB"
    defaults = word.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert lang.get(qn("w:val")) == "en-GB"
    names = zipfile.ZipFile(io.BytesIO(report)).namelist()
    assert "word/stylesWithEffects.xml" not in names  # Word 2010 would read its en-US instead
    assert "docProps/thumbnail.jpeg" not in names


def test_core_properties_describe_the_report(report: bytes) -> None:
    properties = _read(report).core_properties
    assert properties.title == "Practice Week summary – Test Authority"
    assert properties.subject == "Practice Week summary"
    assert properties.keywords == "Practice Week, children's social care"
    assert properties.author == "Test Authority"
    assert properties.created is None  # no clock unless the caller gives the time
    prepared = datetime(2025, 3, 10, 9, 30, tzinfo=UTC)
    dated = _read(render_docx(sample_document(), created=prepared))
    assert dated.core_properties.created == prepared
    assert dated.core_properties.modified == prepared


def test_contents_is_a_toc_field_already_listing_the_main_headings(report: bytes) -> None:
    word = _read(report)
    body = word.element.xml
    assert 'TOC \\o "1-1" \\h \\z \\u' in body
    entries = [p.text for p in word.paragraphs if _style(p) == "toc 1"]
    assert entries == ["1. Executive summary", "2. Grades by aspect"]
    assert CONTENTS_HINT in [p.text for p in word.paragraphs]
    assert body.count('w:fldCharType="begin"') == body.count('w:fldCharType="end"')


def test_marking_and_page_numbers_on_every_page(report: bytes) -> None:
    section = _read(report).sections[0]
    assert "OFFICIAL-SENSITIVE" in section.header.paragraphs[0].text
    assert "OFFICIAL-SENSITIVE" in section.footer.paragraphs[0].text
    footer = section.footer._element.xml
    assert " PAGE " in footer
    assert " NUMPAGES " in footer


def test_tones_muted_in_readable_grey_and_strong_in_bold(report: bytes) -> None:
    word = _read(report)
    by_text = {p.text: p for p in word.paragraphs}
    assert by_text[AWKWARD].runs[0].bold
    muted = by_text["Figures are rounded to the nearest whole number."].runs[0]
    assert str(muted.font.color.rgb) == MUTED.lstrip("#").upper()
    assert contrast_ratio(MUTED, "#FFFFFF") >= 4.5


def test_user_text_with_xml_characters_survives_and_nothing_is_cut_short(report: bytes) -> None:
    word = _read(report)
    texts = [p.text for p in word.paragraphs]
    texts += [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert AWKWARD in texts
    assert texts.count(AWKWARD) == 3  # the paragraph and a cell of each table
    everything = "".join(
        zipfile.ZipFile(io.BytesIO(report)).read(name).decode("utf-8")
        for name in zipfile.ZipFile(io.BytesIO(report)).namelist()
        if name.endswith(".xml")
    )
    assert "…" not in everything


def test_control_characters_pasted_into_text_are_dropped() -> None:
    document = sample_document(title="Test\x0bAuthority\x00 report")
    word = _read(render_docx(document))
    assert word.core_properties.title == "TestAuthority report"


def _document_xml_in_a_new_process() -> bytes:
    program = (
        "import sys, io, zipfile\n"
        "from tests.reports.test_docx_report import sample_document\n"
        "from pwdesk.reports.word import render_docx\n"
        "data = render_docx(sample_document())\n"
        "sys.stdout.buffer.write(data)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        capture_output=True,
        check=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    return done.stdout


def test_two_runs_in_separate_processes_give_identical_files(report: bytes) -> None:
    first, second = _document_xml_in_a_new_process(), _document_xml_in_a_new_process()
    parts = zipfile.ZipFile(io.BytesIO(first)), zipfile.ZipFile(io.BytesIO(second))
    assert parts[0].read("word/document.xml") == parts[1].read("word/document.xml")
    assert first == second
    assert first == report
