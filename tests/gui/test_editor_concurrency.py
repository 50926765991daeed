"""The real editor never loses an edit made elsewhere: a record that moves on while it is open
is merged on Save, a recovered draft too, an action's status survives, and a keep that fails
stays on screen until one succeeds."""

from __future__ import annotations

import os
import shutil
import stat
import sys
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QMessageBox, QPlainTextEdit, QPushButton
from pytestqt.qtbot import QtBot
from sqlalchemy import text

import pwdesk.store.database as database_module
from pwdesk.domain.answers import answer
from pwdesk.domain.statuses import ActionStatus
from pwdesk.gui.conflicts_page import ConflictsPage
from pwdesk.gui.draft_keeper import KEEP_RETRY_MS
from pwdesk.gui.editor_state import state_from_payload
from pwdesk.gui.failures import FailureHandler
from pwdesk.gui.form.grade_picker import GradePicker
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.record_editor import RecordEditor
from pwdesk.services.actions import (
    ActionDetails,
    AgreedAction,
    record_actions,
    save_action,
    set_action_status,
    set_record_actions,
)
from pwdesk.services.assessments import RecordRow, list_records, open_record, save_assessment
from pwdesk.services.conflicts import list_conflicts
from pwdesk.services.drafts import kept_drafts
from pwdesk.services.error_log import LOG_NAME
from pwdesk.services.export import export_package
from pwdesk.services.merge import merge_packages
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database, open_database
from tests.conftest import PASSPHRASE
from tests.gui.conftest import open_editor

SECRET = "laptop package passphrase"
WEEK = "2018-09"


@pytest.fixture
def window(demo_window: MainWindow) -> MainWindow:
    return demo_window


@pytest.fixture
def audit(demo_db: Database) -> RecordRow:
    """A completed case audit with at least one agreed action."""
    return next(
        row
        for row in list_records(demo_db, WEEK)
        if row.kind == "case-audit" and record_actions(demo_db, row.id)
    )


def grade(editor: RecordEditor, item_id: str, grade_id: str) -> None:
    picker = editor.form.editor_for(item_id)
    assert isinstance(picker, GradePicker)
    picker.set_grade(grade_id)


def other_grade(current: str) -> str:
    return "inadequate" if current != "inadequate" else "outstanding"


def a_laptops_change(
    demo_template: Path, folder: Path, record_id: str, changes: dict[str, str]
) -> Path:
    """A laptop with a copy of the demo regrades some answers of a record; its package."""
    path = folder / "laptop.db"
    shutil.copyfile(demo_template, path)
    laptop = open_database(path, PASSPHRASE, user="Laptop Leader")
    laptop.set_setting("device_id", str(uuid.uuid4()))  # a device of its own
    laptop.close()
    laptop = open_database(path, PASSPHRASE, user="Laptop Leader")
    try:
        opened = open_record(laptop, record_id)
        answers = {key: dict(value) for key, value in opened.draft.answers.items()}
        for item, value in changes.items():
            answers[item] = answer(value, "Changed on the laptop.")
        draft = replace(opened.draft, answers=answers)
        save_assessment(laptop, record_id, draft)
        package = folder / "laptop.pwx"
        export_package(laptop, package, week_code=WEEK, passphrase=SECRET)
    finally:
        laptop.close()
    return package


def test_save_after_a_merge_moved_the_open_record_keeps_both_edits(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    demo_template: Path,
    audit: RecordRow,
    tmp_path: Path,
) -> None:
    before = open_record(demo_db, audit.id)
    recording = other_grade(before.draft.answers["recording"]["value"])
    supervision = other_grade(before.draft.answers["supervision"]["value"])
    package = a_laptops_change(demo_template, tmp_path, audit.id, {"recording": recording})
    editor = open_editor(qtbot, window, audit.id)
    assert editor.current_state().payload()["base_version"] == before.version  # kept in drafts
    grade(editor, "supervision", supervision)
    result = merge_packages(demo_db, [package], passphrase=SECRET, trust_new=True)
    assert result.updated == 1  # the record fast-forwarded under the open editor
    assert editor.save()
    assert "were combined" in editor.state_line.text()
    now = open_record(demo_db, audit.id).draft.answers
    assert now["recording"]["value"] == recording  # the laptop's
    assert now["supervision"]["value"] == supervision  # the editor's
    assert list_conflicts(demo_db) == []
    # The editor shows the combined record, so its next save undoes nothing.
    assert editor.form.answers()["recording"]["value"] == recording
    grade(editor, "supervision", other_grade(supervision))
    assert editor.save()
    assert open_record(demo_db, audit.id).draft.answers["recording"]["value"] == recording
    editor.close()


def test_save_over_the_same_answer_changed_by_a_merge_is_a_conflict_on_that_answer(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    demo_template: Path,
    audit: RecordRow,
    tmp_path: Path,
) -> None:
    before = open_record(demo_db, audit.id).draft.answers["recording"]["value"]
    theirs = other_grade(before)
    package = a_laptops_change(demo_template, tmp_path, audit.id, {"recording": theirs})
    editor = open_editor(qtbot, window, audit.id)
    mine = next(g for g in ("good", "requires-improvement") if g not in (before, theirs))
    grade(editor, "recording", mine)
    merge_packages(demo_db, [package], passphrase=SECRET, trust_new=True)
    assert editor.save()
    assert "Quality of recording" in editor.state_line.text()
    assert "both versions are kept" in editor.state_line.text()
    [conflict] = list_conflicts(demo_db)
    assert [clash.name for clash in conflict.fields] == ["answers.recording"]
    [clash] = conflict.fields
    assert {value["value"] for _, value in clash.values} == {mine, theirs}
    # The editor goes on from its own version, whichever the record shows meanwhile.
    [own] = [v for v in conflict.versions if v.content["answers"]["recording"]["value"] == mine]
    assert editor.base_version == own.id
    editor.close()


def test_a_recovered_draft_saved_over_a_changed_record_keeps_both(
    qtbot: QtBot, window: MainWindow, demo_db: Database, audit: RecordRow
) -> None:
    opened = open_record(demo_db, audit.id)
    editor = open_editor(qtbot, window, audit.id)
    box = next(
        b
        for b in editor.form.findChildren(QPlainTextEdit)
        if "Stability of the placement" in b.accessibleName()
    )
    qtbot.keyClicks(box, " The carers have applied for a special guardianship order.")
    editor.keep_now().result(timeout=10)
    [kept] = kept_drafts(demo_db)
    payload = kept.payload
    # The window goes away without saving (as in a crash); the draft stays in the buffer.
    editor.hide()
    window.editors.clear()
    assert payload["base_version"] == opened.version
    # Meanwhile the record changes elsewhere.
    changed = open_record(demo_db, audit.id).draft
    regraded = other_grade(changed.answers["supervision"]["value"])
    answers = {**changed.answers, "supervision": answer(regraded, "Seen in the file.")}
    save_assessment(demo_db, audit.id, replace(changed, answers=answers))
    template = catalogue(demo_db).get(payload["template_id"], payload["template_version"])
    state = state_from_payload(kept.key, payload, template)
    recovered = RecordEditor(demo_db, state, window.people())
    qtbot.addWidget(recovered)
    assert recovered.save()
    now = open_record(demo_db, audit.id).draft.answers
    assert now["supervision"]["value"] == regraded
    assert "special guardianship order." in now["placement-stability"]["note"]
    assert kept_drafts(demo_db) == []
    editor._dirty = False  # the crashed window must not save when the test tears it down
    recovered.close()


def test_an_action_marked_done_stays_done_after_its_record_is_saved_and_printed(
    qtbot: QtBot, window: MainWindow, demo_db: Database, audit: RecordRow
) -> None:
    editor = open_editor(qtbot, window, audit.id)
    action = record_actions(demo_db, audit.id)[0]
    # The action is marked done on the Actions page while the record is open.
    set_action_status(demo_db, action.id, ActionStatus.DONE, base=action.version)
    box = next(b for b in editor.form.findChildren(QPlainTextEdit) if b.isEnabled())
    qtbot.keyClicks(box, " Checked again.")
    assert editor.save()
    assert {a.id: a.status for a in record_actions(demo_db, audit.id)}[action.id] == "done"
    assert editor.feedback_pdf() is not None  # printing saves first
    assert {a.id: a.status for a in record_actions(demo_db, audit.id)}[action.id] == "done"
    set_action_status(demo_db, action.id, ActionStatus.DONE)
    editor.close()
    assert {a.id: a.status for a in record_actions(demo_db, audit.id)}[action.id] == "done"


def answer_box(window: MainWindow, button_text: str) -> None:
    def click() -> None:
        box = window.second_audit_box
        [button] = [b for b in box.buttons() if b.text() == button_text]
        assert isinstance(button, QPushButton)
        button.click()

    QTimer.singleShot(0, click)


def test_starting_a_second_audit_of_a_child_offers_the_existing_one(
    qtbot: QtBot, window: MainWindow, demo_db: Database, audit: RecordRow
) -> None:
    from pwdesk.domain.templates import TemplateKind

    def new_dialog() -> object:
        dialog = window.new_record_dialog(TemplateKind.CASE_AUDIT)
        assert dialog is not None
        qtbot.addWidget(dialog)
        assert audit.case_reference is not None
        qtbot.keyClicks(dialog.child.lineEdit(), audit.case_reference)
        dialog._start()
        return dialog

    answer_box(window, "&Open the existing audit")
    opened = window.start_record(new_dialog())  # type: ignore[arg-type]
    assert opened is not None
    qtbot.addWidget(opened)
    assert opened.record_id == audit.id
    assert "already has a case audit" in window.second_audit_box.text()

    answer_box(window, "Start a &second audit")
    second = window.start_record(new_dialog())  # type: ignore[arg-type]
    assert second is not None
    qtbot.addWidget(second)
    assert second.record_id is None
    assert second.second_audit
    assert second.save()
    audits = [r for r in list_records(demo_db, WEEK) if r.case_reference == audit.case_reference]
    assert len(audits) == 2
    second.close()
    opened.close()


@pytest.fixture
def quick_busy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A short busy timeout, so a locked database fails a keep in a moment, not ten seconds."""
    monkeypatch.setattr(database_module, "BUSY_TIMEOUT_MS", 200)


def audit_editor(qtbot: QtBot, db: Database, tmp_path: Path) -> tuple[RecordRow, RecordEditor]:
    """A case audit of the demo week, open in its editor from the main window."""
    record = next(r for r in list_records(db, WEEK) if r.kind == "case-audit")
    main = MainWindow(db, settings_file(tmp_path))
    qtbot.addWidget(main)
    editor = main.open_record(record.id)
    qtbot.addWidget(editor)
    return record, editor


def type_and_fail_to_keep(qtbot: QtBot, editor: RecordEditor, typed: str) -> None:
    """Type into the first evidence box while the database is held, and see the keep fail."""
    box = next(b for b in editor.form.findChildren(QPlainTextEdit) if b.isEnabled())
    with qtbot.waitSignal(editor.keep_failed, timeout=10_000):
        qtbot.keyClicks(box, typed)
        editor.keep_now()


def hold_the_database(path: Path) -> Callable[[], None]:
    """Another connection takes the write lock, as a merge does; returns what lets it go."""
    import sqlcipher3.dbapi2 as sqlcipher

    holder = sqlcipher.connect(str(path), isolation_level=None)
    quoted = PASSPHRASE.replace("'", "''")
    holder.execute(f"PRAGMA key = '{quoted}'")
    holder.execute("BEGIN IMMEDIATE")

    def release() -> None:
        holder.rollback()
        holder.close()

    return release


def test_a_failed_keep_stays_on_screen_and_is_retried_until_one_succeeds(
    qtbot: QtBot, quick_busy: None, demo_path: Path, tmp_path: Path
) -> None:
    db = open_database(demo_path, PASSPHRASE)
    try:
        _, editor = audit_editor(qtbot, db, tmp_path)
        release = hold_the_database(demo_path)
        type_and_fail_to_keep(qtbot, editor, " Typed while the database was busy.")
        qtbot.waitUntil(editor.keep_warning.isVisible, timeout=5_000)
        assert "not kept yet" in editor.keep_warning.text()
        assert "the database is busy: a merge is running" in editor.keep_warning.text()
        # A later message (a kept-typing note) never hides it: it stays until a keep succeeds.
        qtbot.wait(500)
        assert editor.keep_warning.isVisible()
        release()
        with qtbot.waitSignal(editor.draft_kept, timeout=15_000):
            pass  # the retry succeeds by itself
        assert not editor.keep_warning.isVisible()
        [kept] = kept_drafts(db)
        assert any(
            "Typed while the database was busy." in str(value.get("note", ""))
            for value in kept.payload["answers"].values()
        )
        editor.close()
    finally:
        db.close()


def test_a_save_while_a_merge_holds_the_database_keeps_the_typing_and_says_why(
    qtbot: QtBot,
    quick_busy: None,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    db = open_database(demo_path, PASSPHRASE)
    try:
        record, editor = audit_editor(qtbot, db, tmp_path)
        before = open_record(db, record.id).version
        merging = open_database(demo_path, PASSPHRASE)
        try:
            with merging.write() as session:  # a merge's one long transaction
                session.execute(text("UPDATE setting SET value = value WHERE key = 'device_id'"))
                box = next(b for b in editor.form.findChildren(QPlainTextEdit) if b.isEnabled())
                qtbot.keyClicks(box, " Typed during the merge.")
                assert editor.save() is False
        finally:
            merging.close()
        [said] = warnings
        assert said.startswith("The database is busy: a merge is running; try again in a moment.")
        assert "Your typing stays in this window" in said
        assert "Typed during the merge." in box.toPlainText()
        assert open_record(db, record.id).version == before
        with qtbot.waitSignal(editor.draft_kept, timeout=15_000):
            pass  # the keep is retried once the merge is over
        assert editor.save() is True
        assert any(
            "Typed during the merge." in str(value.get("note", ""))
            for value in open_record(db, record.id).draft.answers.values()
        )
        editor.close()
    finally:
        db.close()


def test_an_uncaught_exception_is_one_sentence_and_a_log_without_its_message(
    qtbot: QtBot, tmp_path: Path
) -> None:
    handler = FailureHandler(tmp_path / "logs")
    secret = "CR999111 said her carer shouts"
    try:
        raise ValueError(secret)
    except ValueError:
        kind, error, tb = sys.exc_info()
        assert kind is not None
        assert error is not None
        handler(kind, error, tb)
    box = handler.last_box
    assert isinstance(box, QMessageBox)
    qtbot.addWidget(box)
    assert box.text().startswith("Something went wrong in pwdesk; your saved work")
    log = tmp_path / "logs" / LOG_NAME
    text = log.read_text(encoding="utf-8")
    assert "builtins.ValueError" in text
    assert "test_an_uncaught_exception_is_one_sentence_and_a_log_without_its_message" in text
    assert "CR999111" not in text
    assert "carer" not in text
    if os.name == "posix":
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
    box.close()


def test_a_save_that_changes_nothing_over_a_merged_record_shows_the_merge(
    qtbot: QtBot,
    window: MainWindow,
    demo_db: Database,
    demo_template: Path,
    audit: RecordRow,
    tmp_path: Path,
) -> None:
    before = open_record(demo_db, audit.id)
    theirs = other_grade(before.draft.answers["recording"]["value"])
    package = a_laptops_change(demo_template, tmp_path, audit.id, {"recording": theirs})
    editor = open_editor(qtbot, window, audit.id)
    merge_packages(demo_db, [package], passphrase=SECRET, trust_new=True)
    assert editor.save()  # as Print does, before anything was typed
    assert editor.form.answers()["recording"]["value"] == theirs  # the form took the merge up
    grade(editor, "supervision", other_grade(before.draft.answers["supervision"]["value"]))
    assert editor.save()
    assert open_record(demo_db, audit.id).draft.answers["recording"]["value"] == theirs
    editor.close()


def test_an_action_agreed_elsewhere_while_the_editor_is_open_survives_its_save(
    qtbot: QtBot, window: MainWindow, demo_db: Database, audit: RecordRow
) -> None:
    editor = open_editor(qtbot, window, audit.id)
    week_id = open_record(demo_db, audit.id).draft.week_id
    added = save_action(
        demo_db, None, ActionDetails(week_id, "Arrived from a laptop", assessment_id=audit.id)
    )
    supervision = open_record(demo_db, audit.id).draft.answers["supervision"]["value"]
    grade(editor, "supervision", other_grade(supervision))
    assert editor.save()
    assert added.id in {a.id for a in record_actions(demo_db, audit.id)}
    assert "Arrived from a laptop" in [line.description for line in editor.form.action_lines()]
    assert editor.save()  # and the next save keeps it too, now that the form shows it
    assert added.id in {a.id for a in record_actions(demo_db, audit.id)}
    editor.close()


def test_an_action_edited_in_the_editor_but_deleted_elsewhere_is_a_conflict(
    qtbot: QtBot, window: MainWindow, demo_db: Database, audit: RecordRow
) -> None:
    editor = open_editor(qtbot, window, audit.id)
    [line, *others] = editor.form.action_lines()
    set_record_actions(
        demo_db,
        audit.id,
        [AgreedAction(o.description, o.owner, o.due_on, o.action_id) for o in others],
    )  # deleted elsewhere
    editor.form.set_action_lines(
        [replace(line, description=line.description + " (by May)"), *others]
    )
    assert editor.save()
    assert line.action_id is not None
    [conflict] = [c for c in list_conflicts(demo_db) if c.record_id == line.action_id]
    assert [clash.name for clash in conflict.fields] == ["deleted"]
    editor.close()
    # The QA officer keeps the record, with the edit, from the Conflicts view.
    page = ConflictsPage(demo_db)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    page.select(line.action_id)
    comparison = page.comparison
    assert comparison is not None
    assert set(comparison.choices) == {"deleted"}
    kept = next(v for v in comparison.versions if not v.deleted)
    assert comparison.cells[("deleted", kept.id)].text().endswith("Keeps the record")
    chooser = comparison.choices["deleted"]
    chooser.setCurrentIndex(chooser.findData(kept.id))
    assert page.resolve() is not None
    descriptions = [a.description for a in record_actions(demo_db, audit.id)]
    assert line.description + " (by May)" in descriptions


def test_an_editor_closed_while_the_database_is_busy_retries_no_more_once_closed(
    qtbot: QtBot,
    quick_busy: None,
    demo_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warnings.append(text))
    db = open_database(demo_path, PASSPHRASE)
    try:
        _, editor = audit_editor(qtbot, db, tmp_path)
        release = hold_the_database(demo_path)
        type_and_fail_to_keep(qtbot, editor, " Typed just before closing.")
        kept_after_close: list[bool] = []
        editor.draft_kept.connect(lambda: kept_after_close.append(True))
        editor.close()  # the save fails too: the database is still busy
        [said] = warnings
        assert said.startswith("The database is busy")
        assert "busy" in warnings[0]
        release()
        qtbot.wait(KEEP_RETRY_MS + 1_000)  # a retry left running would fire, and fail, by now
        assert kept_after_close == []
        assert not editor.isVisible()
    finally:
        db.close()
