"""The senior leader's day, driven through real widgets: audit by keyboard, validate, complete,
find, reopen; and typing recovered after the process is killed mid-sentence."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from pwdesk.domain.answers import missing_required
from pwdesk.domain.templates import TemplateKind
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.record_editor import RecordEditor
from pwdesk.gui.recovery import RecoveryDialog
from pwdesk.gui.screen import fits_on_screen
from pwdesk.services.assessments import list_records
from pwdesk.services.drafts import kept_drafts
from pwdesk.services.people import AuditorDetails, ChildDetails, PractitionerDetails
from pwdesk.services.settings import AppSettings, save_settings
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import WeekDetails, create_week
from pwdesk.store.database import Database, open_database
from tests.conftest import PASSPHRASE
from tests.gui.conftest import type_text
from tests.helpers import add_cast


@pytest.fixture
def week_db(db: Database) -> Database:
    """A database with one week, two children, a practitioner and the user as senior leader."""
    create_week(
        db, WeekDetails("2019-03", "Practice Week March 2019", date(2019, 3, 11), date(2019, 3, 15))
    )
    add_cast(
        db,
        [
            ChildDetails("CR200001", date(2012, 4, 1), date(2017, 1, 9)),
            ChildDetails("CR200002", date(2014, 8, 3), date(2018, 12, 1)),
        ],
        [PractitionerDetails("Élodie Marchetti", "Care Planning")],
        [AuditorDetails("Gareth Lumley", "Service Manager")],
    )
    save_settings(db, AppSettings(user_name="Gareth Lumley", authority_name="Fictional Borough"))
    return db


@pytest.fixture
def window(qtbot: QtBot, week_db: Database, tmp_path: Path) -> MainWindow:
    main = MainWindow(week_db, settings_file(tmp_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.refreshed, timeout=10_000):  # the lists load off the GUI thread
        main.show()
    return main


def start_audit(qtbot: QtBot, window: MainWindow, reference: str) -> RecordEditor:
    dialog = window.new_record_dialog(TemplateKind.CASE_AUDIT)
    assert dialog is not None
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.child.lineEdit(), reference)
    qtbot.keyClicks(dialog.practitioner.lineEdit(), "Élodie"[1:])  # search by part of a name
    dialog.practitioner.setCurrentIndex(
        dialog.practitioner.findText("Élodie Marchetti (Care Planning)")
    )
    dialog._start()
    assert dialog.result() == dialog.DialogCode.Accepted
    editor = window.start_record(dialog)
    assert editor is not None
    qtbot.addWidget(editor)
    with qtbot.waitActive(editor):
        editor.activateWindow()
    return editor


def grade_by_keyboard(
    qtbot: QtBot, editor: RecordEditor, item_id: str, key: Qt.Key, evidence: str
) -> None:
    picker = editor.form.editor_for(item_id)
    picker.setFocus()
    qtbot.keyClick(picker, key)
    qtbot.keyClick(picker, Qt.Key.Key_Tab)
    box = QApplication.focusWidget()
    assert box is not None
    assert "evidence" in box.accessibleName().lower()
    type_text(box, evidence)


def test_an_audit_is_typed_graded_validated_completed_found_and_reopened(
    qtbot: QtBot, window: MainWindow, week_db: Database
) -> None:
    editor = start_audit(qtbot, window, "CR200001")
    template = editor.template
    grade_by_keyboard(
        qtbot,
        editor,
        "placement-stability",
        Qt.Key.Key_1,
        "Settled with the same carers since 2017; Zoë says she feels at home.",
    )

    assert not editor.complete()
    assert "Not completed" in editor.state_line.text()
    assert editor.missing.text().startswith("1 of 20 required items answered — next missing")
    assert "strengths" in editor.form.marked_missing()
    assert "placement-stability" not in editor.form.marked_missing()
    qtbot.keyClick(editor, Qt.Key.Key_F8)  # to the first item still to answer
    first_missing = missing_required(template, editor.form.answers())[0]
    focused = QApplication.focusWidget()
    jumped_to = editor.form.editor_for(first_missing.id)
    assert focused is not None
    assert focused is jumped_to or jumped_to.isAncestorOf(focused)

    for item in template.aspects():
        if item.id != "placement-stability":
            editor.form.editor_for(item.id).setFocus()
            qtbot.keyClick(editor.form.editor_for(item.id), Qt.Key.Key_2)
    for item_id, text in (
        ("strengths", "Knows the child well."),
        ("areas-for-development", "Start life story work."),
    ):
        box = editor.form.editor_for(item_id)
        box.setFocus()
        type_text(box, text)
    assert "strengths" not in editor.form.marked_missing()  # its badge went as it was answered
    overall = editor.form.editor_for("overall")
    overall.setFocus()
    qtbot.keyClick(overall, Qt.Key.Key_2)
    assert editor.form.marked_missing() == []
    assert editor.missing.text() == "All 20 required items are answered."

    with qtbot.waitSignal(editor.saved, timeout=5000):
        qtbot.keyClick(editor, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    record_id = editor.record_id
    assert record_id is not None
    assert kept_drafts(week_db) == []

    [row] = [r for r in list_records(week_db, "2019-03") if r.id == record_id]
    assert (row.status, row.overall_grade, row.case_reference) == ("completed", "Good", "CR200001")
    qtbot.waitUntil(lambda: record_id in window.audits.visible_ids(), timeout=10_000)
    editor.close()

    window.audits.search.setText("CR200001")
    assert window.audits.visible_ids() == [record_id]
    reopened = window.open_record(record_id)
    qtbot.addWidget(reopened)
    answers = reopened.form.answers()
    assert answers["placement-stability"] == {
        "value": "outstanding",
        "note": "Settled with the same carers since 2017; Zoë says she feels at home.",
    }
    assert reopened.status.value == "completed"
    reopened.close()


def test_typing_is_kept_within_a_second_without_cutting_a_version(
    qtbot: QtBot, window: MainWindow, week_db: Database
) -> None:
    editor = start_audit(qtbot, window, "CR200002")
    grade_by_keyboard(
        qtbot, editor, "childs-voice", Qt.Key.Key_3, "Wishes recorded in the child's words"
    )
    qtbot.waitUntil(lambda: len(kept_drafts(week_db)) == 1, timeout=3000)
    assert "child's words" in str(kept_drafts(week_db)[0].payload)
    assert list_records(week_db, "2019-03") == []  # no version per keystroke
    with qtbot.waitSignal(editor.closed):
        editor.close()
    [row] = list_records(week_db, "2019-03")
    assert row.status == "draft"
    assert kept_drafts(week_db) == []


def test_the_window_remembers_its_size_and_week(
    qtbot: QtBot, week_db: Database, tmp_path: Path
) -> None:
    first = MainWindow(week_db, settings_file(tmp_path))
    qtbot.addWidget(first)
    first.show()
    first.resize(640, 480)  # within the offscreen screen, which restoreGeometry respects
    first.close()
    second = MainWindow(week_db, settings_file(tmp_path))
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (640, 480)
    assert second.week is not None
    assert second.week.code == "2019-03"


def test_every_input_of_the_form_has_an_accessible_name(qtbot: QtBot, window: MainWindow) -> None:
    editor = start_audit(qtbot, window, "CR200001")
    template = catalogue().get("permanency-case-audit")
    for item in template.items():
        assert editor.form.editor_for(item.id).accessibleName()
    for widget in (editor.child, editor.practitioner, editor.auditor, editor.held_on):
        assert widget.accessibleName()
    editor.close()


@pytest.mark.slow
def test_typing_survives_the_process_being_killed(
    qtbot: QtBot, week_db: Database, db_path: Path, tmp_path: Path
) -> None:
    week_db.close()
    evidence = "Visits are planned with the foster carer and the child is seen alone"
    typist = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("crash_typist.py")), str(db_path), evidence],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PWDESK_PASSPHRASE": PASSPHRASE, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert typist.stdout is not None
    line = typist.stdout.readline().strip()
    typist.send_signal(signal.SIGKILL)
    typist.wait(timeout=10)
    typist.stdout.close()
    assert line == "kept"

    db = open_database(db_path, PASSPHRASE)
    try:
        main = MainWindow(db, settings_file(tmp_path))
        qtbot.addWidget(main)
        dialog = main.offer_recovery()
        assert dialog is not None
        assert "Case discussion audit" in dialog.list.item(0).text()
        assert f"Stability of the placement: good — {evidence}" in dialog.preview.toPlainText()
        assert fits_on_screen(dialog)
        qtbot.mouseClick(dialog.recover_button, Qt.MouseButton.LeftButton)
        assert dialog.choice == RecoveryDialog.RECOVER
        [editor] = list(main.editors.values())
        qtbot.addWidget(editor)
        assert editor.form.answers()["placement-stability"] == {"value": "good", "note": evidence}
        assert editor.dirty
        with qtbot.waitSignal(editor.closed):
            editor.close()
        assert kept_drafts(db) == []
        [row] = list_records(db, "2019-03")
        assert row.status == "draft"
    finally:
        db.close()


def test_a_date_that_cannot_be_read_is_refused_on_save_and_kept_typing_is_not_lost(
    qtbot: QtBot, window: MainWindow, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    dialog = window.new_record_dialog(TemplateKind.CASE_AUDIT)
    assert dialog is not None
    editor = window.start_record(dialog)
    assert editor is not None
    qtbot.addWidget(editor)
    strengths = editor.form.editor_for("strengths")
    strengths.setFocus()
    type_text(strengths, "Knows the child well.")
    editor.held_on.edit.clear()
    type_text(editor.held_on.edit, "11 Marc 2019")
    editor.held_on.edit.editingFinished.emit()
    assert editor.held_on.edit.text() == "11 Marc 2019"  # never silently another date
    assert editor.held_on.note.isVisibleTo(editor)

    editor.keep_now().result()  # the typing is kept whatever the date field holds
    (kept,) = [draft for draft in kept_drafts(db) if draft.key == editor.draft_key]
    assert "Knows the child well." in str(kept.payload)
    assert not editor.save()
    assert len(warnings) == 1
    assert "“11 Marc 2019” is not a date" in warnings[0]

    editor.held_on.edit.clear()
    type_text(editor.held_on.edit, "11 Mar 2019")
    assert editor.held_on.day() == date(2019, 3, 11)
