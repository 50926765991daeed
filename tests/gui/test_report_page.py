"""The Reports view: the narrative is typed and kept with the week; the report builds off the
GUI thread and previews with every page."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt
from PySide6.QtPrintSupport import QPrintPreviewWidget
from pytestqt.qtbot import QtBot

from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.services.weeks import find_week, week_narrative
from pwdesk.store.database import Database
from tests.gui.conftest import type_text


def test_the_narrative_is_typed_saved_and_in_the_report(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    window = MainWindow(demo_db, settings_file(tmp_path))
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        window.show()
    page = window.report_page
    assert page.week is not None
    assert page.week.code == "2018-09"
    assert "emerging signs" in page.summary.toPlainText()
    page.recommendations.selectAll()
    type_text(page.recommendations, "1. Track every plan monthly, led by the Head of Service.")
    with qtbot.waitSignal(page.built, timeout=30_000) as built:
        page.preview()
    week = find_week(demo_db, "2018-09")
    assert week_narrative(demo_db, week.id).recommendations.startswith(
        "1. Track every plan monthly"
    )
    pdf = built.args[0]
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Track every plan monthly" in " ".join(text.split())
    dialog = page.preview_dialog
    assert dialog is not None
    preview = dialog.findChild(QPrintPreviewWidget)
    assert preview is not None
    qtbot.waitUntil(lambda: preview.pageCount() == len(reader.pages), timeout=30_000)
    dialog.close()
    window.close()


def test_switching_week_keeps_the_words_typed(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    window = MainWindow(demo_db, settings_file(tmp_path))
    qtbot.addWidget(window)
    page = window.report_page
    page.findings.clear()
    type_text(page.findings, "Supervision improved in two teams.")
    window.week_box.setCurrentIndex(1)  # the earlier week
    assert page.week is not None
    assert page.week.code == "2018-03"
    september = find_week(demo_db, "2018-09")
    assert week_narrative(demo_db, september.id).findings == "Supervision improved in two teams."
    window.close()


def test_the_page_speaks_the_report_services_word_for_the_week_before() -> None:
    from pwdesk.gui import report_page
    from pwdesk.services import report

    assert report_page.AUTO == report.AUTO


def test_the_report_is_saved_in_the_format_its_name_ends_in(
    qtbot: QtBot, demo_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pwdesk.gui import report_page

    window = MainWindow(demo_db, settings_file(tmp_path))
    qtbot.addWidget(window)
    page = window.report_page
    for name, start in (("summary.html", b"<!DOCTYPE html>"), ("summary.docx", b"PK")):
        target = tmp_path / name
        monkeypatch.setattr(report_page, "choose_report_path", lambda _p, _n, t=target: t)
        assert page.export_button.text() == "Save report &as…"
        qtbot.mouseClick(page.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(target.exists, timeout=30_000)
        assert target.read_bytes().startswith(start)
        assert page.state.text() == f"Saved the report to {target}."
    html = (tmp_path / "summary.html").read_text(encoding="utf-8")
    assert '<html lang="en-GB"' in html
    window.close()
