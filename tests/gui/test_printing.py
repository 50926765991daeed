"""Printing feedback sheets: the preview shows the PDF's pages, the printer gets the same pages,
drafts say DRAFT, and Save PDF writes a file a reader opens."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewWidget
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from pwdesk.domain.statuses import Status
from pwdesk.gui import printing
from pwdesk.gui.editor_state import EditorState
from pwdesk.gui.main_window import MainWindow
from pwdesk.gui.printing import page_images, pdf_file_name, render_pdf, save_pdf
from pwdesk.gui.record_editor import RecordEditor
from pwdesk.palette import grade_colours
from pwdesk.services.assessments import RecordRow, draft_of, list_records
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database
from tests.gui.conftest import open_editor

A4_POINTS = (595.28, 841.89)

# Fictional evidence, long enough to push the sheet onto a second page.
LONG_EVIDENCE = " ".join(
    f"Visit {n}: the social worker saw the child alone at the carers' home, talked through the "
    "plan for the coming months, and recorded the child's wishes in their own words."
    for n in range(1, 21)
)


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


@pytest.fixture
def audit(demo_db: Database) -> RecordRow:
    """A completed case audit of Practice Week September 2018."""
    return next(
        row
        for row in list_records(demo_db, "2018-09")
        if row.kind == "case-audit" and row.status == Status.COMPLETED
    )


def pages_of(pdf: bytes | Path) -> PdfReader:
    return PdfReader(BytesIO(pdf) if isinstance(pdf, bytes) else pdf)


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pages_of(pdf).pages)


def evidence_box(editor: RecordEditor, item_id: str) -> QPlainTextEdit:
    label = editor.template.item(item_id).label
    [box] = [
        box
        for box in editor.form.findChildren(QPlainTextEdit)
        if box.accessibleName() == f"{label} — evidence"
    ]
    return box


def preview_pages(qtbot: QtBot, editor: RecordEditor) -> int:
    dialog = editor.open_print_preview()
    assert dialog is not None
    preview = dialog.findChild(QPrintPreviewWidget)
    assert preview is not None
    qtbot.waitUntil(lambda: preview.pageCount() > 0, timeout=5000)
    count = preview.pageCount()
    dialog.close()
    return count


def test_the_preview_shows_the_pages_of_the_sheet(
    qtbot: QtBot, window: MainWindow, audit: RecordRow
) -> None:
    editor = open_editor(qtbot, window, audit.id)
    pdf = editor.feedback_pdf()
    assert pdf is not None
    assert len(pages_of(pdf).pages) == 1

    dialog = editor.open_print_preview()
    assert dialog is not None
    assert dialog.isVisible()
    assert dialog.windowTitle() == f"Feedback sheet — {audit.case_reference}"
    preview = dialog.findChild(QPrintPreviewWidget)
    assert preview is not None
    qtbot.waitUntil(lambda: preview.pageCount() > 0, timeout=5000)
    assert preview.pageCount() == 1
    layout = dialog.sheet_printer.pageLayout()
    assert layout.pageSize().id() == layout.pageSize().PageSizeId.A4
    dialog.close()
    editor.close()


def test_printing_to_a_pdf_printer_makes_one_a4_page(
    qtbot: QtBot, window: MainWindow, audit: RecordRow, tmp_path: Path
) -> None:
    editor = open_editor(qtbot, window, audit.id)
    pdf = editor.feedback_pdf()
    assert pdf is not None
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))

    assert render_pdf(pdf, printer) == 1

    printed = pages_of(tmp_path / "printed.pdf")
    [page] = printed.pages
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
        A4_POINTS, abs=1.5
    )
    editor.close()


def test_long_evidence_runs_onto_a_second_page(
    qtbot: QtBot, window: MainWindow, audit: RecordRow
) -> None:
    editor = open_editor(qtbot, window, audit.id)
    box = evidence_box(editor, "placement-stability")
    box.setPlainText(LONG_EVIDENCE[:-100])
    qtbot.keyClicks(box, LONG_EVIDENCE[-100:])  # the end typed, as a user would
    pdf = editor.feedback_pdf()
    assert pdf is not None
    assert len(pages_of(pdf).pages) == 2
    assert "Page 2 of 2" in text_of(pdf)

    assert preview_pages(qtbot, editor) == 2
    editor.close()


def test_a_draft_sheet_says_draft_and_a_completed_one_does_not(
    qtbot: QtBot, window: MainWindow, demo_db: Database, audit: RecordRow
) -> None:
    completed = open_editor(qtbot, window, audit.id)
    completed_pdf = completed.feedback_pdf()
    assert completed_pdf is not None
    assert "DRAFT" not in text_of(completed_pdf)
    completed.close()

    # A second audit of the same child, chosen deliberately, saved but not completed: a draft,
    # which can still print.
    draft, _ = draft_of(demo_db, audit.id)
    template = catalogue(demo_db).get(draft.template_id, draft.template_version)
    answers = {key: value for key, value in draft.answers.items() if key != "overall"}
    state = EditorState(template, replace(draft, answers=answers), second_audit=True)
    editor = RecordEditor(demo_db, state, window.people())
    qtbot.addWidget(editor)
    draft_pdf = editor.feedback_pdf()
    assert draft_pdf is not None
    assert editor.status is Status.DRAFT
    assert editor.record_id is not None
    assert "DRAFT" in text_of(draft_pdf)
    assert preview_pages(qtbot, editor) == 1
    editor.close()


def test_nothing_prints_when_the_record_cannot_be_saved(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    audit: RecordRow,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, title, _text: warnings.append(title)
    )
    draft, _ = draft_of(demo_db, audit.id)
    template = catalogue(demo_db).get(draft.template_id, draft.template_version)
    editor = RecordEditor(
        demo_db, EditorState(template, replace(draft, child_id=None)), window.people()
    )
    qtbot.addWidget(editor)

    assert editor.open_print_preview() is None  # a case audit must name the child
    assert editor.save_feedback_pdf() is None
    assert warnings == ["Not saved", "Not saved"]
    editor.close()


def test_save_pdf_writes_a_readable_file(
    qtbot: QtBot,
    window: MainWindow,
    audit: RecordRow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    editor = open_editor(qtbot, window, audit.id)
    assert audit.held_on is not None
    name = f"feedback-{audit.case_reference}-{audit.held_on.isoformat()}.pdf"
    assert editor.feedback_file_name() == name
    offered: list[str] = []

    titles: list[str] = []

    def choose(_parent: object, suggested: str, title: str) -> Path:
        offered.append(suggested)
        titles.append(title)
        return tmp_path / "for Kwame"  # typed without the extension

    monkeypatch.setattr(printing, "choose_pdf_path", choose)
    qtbot.mouseClick(editor.pdf_button, Qt.MouseButton.LeftButton)
    assert offered == [name]
    assert titles == ["Save the feedback sheet as PDF"]
    written = tmp_path / "for Kwame.pdf"
    [page] = pages_of(written).pages
    assert audit.case_reference is not None
    assert audit.case_reference in page.extract_text()
    assert "for Kwame.pdf" in editor.state_line.text()

    monkeypatch.setattr(printing, "choose_pdf_path", lambda _parent, _name, _title: None)
    assert editor.save_feedback_pdf() is None  # cancelled
    editor.close()

    pdf = (tmp_path / "for Kwame.pdf").read_bytes()
    assert save_pdf(pdf, tmp_path / "copy.pdf") == tmp_path / "copy.pdf"
    assert len(pages_of(tmp_path / "copy.pdf").pages) == 1


def test_file_names_are_safe_and_say_whose_sheet_it_is() -> None:
    assert pdf_file_name(None, "home-visit-observation", None) == (
        "feedback-home-visit-observation.pdf"
    )
    assert pdf_file_name("CR/17 43", "x", None) == "feedback-CR-17-43.pdf"


def test_the_rendered_page_shows_text_and_grade_colours(
    qtbot: QtBot, window: MainWindow, audit: RecordRow
) -> None:
    editor = open_editor(qtbot, window, audit.id)
    pdf = editor.feedback_pdf()
    editor.close()
    assert pdf is not None
    [image] = list(page_images(pdf, 72))
    assert (image.width(), image.height()) == pytest.approx(A4_POINTS, abs=1.5)
    colours = {
        image.pixel(x, y) & 0xFFFFFF
        for y in range(0, image.height(), 2)
        for x in range(0, image.width(), 2)
    }
    dark = [c for c in colours if QColor(c).lightness() < 80]
    assert dark, "no text on the page"
    assert audit.overall_grade_id is not None
    fill, _ = grade_colours(audit.overall_grade_id)
    assert QColor(fill).rgb() & 0xFFFFFF in colours
