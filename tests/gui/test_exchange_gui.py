"""Export and merge through the real dialogs: a week leaves one laptop as a package and arrives in
another database; a merge can be cancelled mid-way with nothing changed; signers are trusted from
the summary; and a conflict is resolved field by field on the Conflicts page."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTableView,
    QWidget,
)
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from pwdesk.exchange.checking import read_package
from pwdesk.exchange.keys import load_private_key, new_key_pair
from pwdesk.exchange.package import fingerprint, read_header
from pwdesk.gui import merge_dialog
from pwdesk.gui.conflicts_page import ConflictsPage, conflicts_model
from pwdesk.gui.export_dialog import ExportDialog
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.merge_dialog import MergeDialog
from pwdesk.gui.merge_history import merge_history_model
from pwdesk.gui.merge_summary import COUNT_ROWS
from pwdesk.gui.version_comparison import KEPT
from pwdesk.resources import resource_path
from pwdesk.services.assessments import draft_of, list_records, save_assessment
from pwdesk.services.conflicts import list_conflicts
from pwdesk.services.export import export_package
from pwdesk.services.merge import canonical_dump, merge_packages
from pwdesk.services.signers import merge_history
from pwdesk.services.weeks import list_weeks
from pwdesk.store.database import Database, create_database, open_database
from tests.conftest import PASSPHRASE

PACKAGE_SECRET = "otter chalk river 42"
KEY_SECRET = "the QA officer's own key"
LEFT = Qt.MouseButton.LeftButton


def shown(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    qtbot.waitExposed(widget)


def assert_inputs_are_named(widget: QWidget) -> None:
    """Every input has an accessible name (buttons are named by their text)."""
    inputs = [
        child
        for kind in (QLineEdit, QComboBox, QRadioButton, QListWidget, QTableView)
        for child in widget.findChildren(kind)
    ]
    assert inputs
    for child in inputs:
        assert child.accessibleName(), child


def choose(qtbot: QtBot, option: QRadioButton) -> None:
    """Click a radio button on its indicator, where a user clicks (its row is wider)."""
    qtbot.mouseClick(option, LEFT, pos=QPoint(8, option.height() // 2))
    assert option.isChecked()


def screenshot(widget: QWidget, path: str) -> None:
    """Save what the user sees, in the application's own style sheet."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    app.setStyleSheet(resource_path("style.qss").read_text(encoding="utf-8"))
    try:
        QApplication.processEvents()
        assert widget.grab().save(path)
    finally:
        app.setStyleSheet("")


def export_through_dialog(qtbot: QtBot, db: Database, week_code: str, out: Path) -> ExportDialog:
    weeks = list_weeks(db)
    dialog = ExportDialog(db, weeks, next(w for w in weeks if w.code == week_code))
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    choose(qtbot, dialog.to_passphrase)
    qtbot.keyClicks(dialog.passphrase, PACKAGE_SECRET)
    qtbot.keyClicks(dialog.passphrase_again, PACKAGE_SECRET)
    dialog.out_path.clear()
    qtbot.keyClicks(dialog.out_path, str(out))
    with qtbot.waitSignal(dialog.exported, timeout=20_000):
        qtbot.mouseClick(dialog.export_button, LEFT)
    return dialog


def merge_through_dialog(qtbot: QtBot, dialog: MergeDialog, packages: list[Path]) -> None:
    """Merge as a QA officer would the first time: refused, the devices listed, then trusted."""
    shown(qtbot, dialog)
    dialog.add_files(packages)
    choose(qtbot, dialog.with_passphrase)
    qtbot.keyClicks(dialog.passphrase, PACKAGE_SECRET)
    qtbot.mouseClick(dialog.merge_button, LEFT)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert dialog.message.text().startswith("Nothing was merged: not trusted yet:")
    assert dialog.trust_button.isVisible()
    with qtbot.waitSignal(dialog.merged, timeout=30_000):
        qtbot.mouseClick(dialog.trust_button, LEFT)
    assert not dialog.trust_button.isVisible()


def own_device(path: Path, user: str) -> Database:
    """A copy of a database opened as a device of its own (a new device id)."""
    copy = open_database(path, PASSPHRASE, user=user)
    copy.set_setting("device_id", str(uuid.uuid4()))
    copy.close()
    return open_database(path, PASSPHRASE, user=user)


@pytest.fixture
def window(qtbot: QtBot, db: Database, tmp_path: Path) -> MainWindow:
    """A main window on a fresh, empty database (the QA officer's, say)."""
    main = MainWindow(db, settings_file(tmp_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.refreshed, timeout=10_000):
        main.show()
    return main


@pytest.fixture
def week_package(demo_db: Database, tmp_path: Path) -> Path:
    """The demo's September week as a passphrase package."""
    out = tmp_path / "september.pwx"
    export_package(demo_db, out, week_code="2018-09", passphrase=PACKAGE_SECRET)
    return out


# --- export ----------------------------------------------------------------------------------


def test_a_week_exported_through_the_dialog_opens_with_its_passphrase(
    qtbot: QtBot, demo_db: Database, tmp_path: Path
) -> None:
    out = tmp_path / "to-qa.pwx"
    dialog = export_through_dialog(qtbot, demo_db, "2018-09", out)
    result = dialog.exported_result
    assert result is not None
    assert dialog.message.text() == f"Wrote {result.records} records to {out}."
    package = read_package(out, passphrase=PACKAGE_SECRET)
    assert len(package.records) == result.records > 200
    assert package.opened.header["week"] == "2018-09"
    assert package.opened.header["device_name"] == "demo-laptop"


def test_the_export_dialog_suggests_a_name_that_follows_the_week(
    qtbot: QtBot, demo_db: Database
) -> None:
    weeks = list_weeks(demo_db)
    dialog = ExportDialog(demo_db, weeks, weeks[0])
    qtbot.addWidget(dialog)
    assert Path(dialog.out_path.text()).name == "pwdesk-2018-09-demo-laptop.pwx"
    dialog.week_box.setCurrentIndex(dialog.week_box.findText("Every week"))
    assert dialog.week_code() is None
    assert Path(dialog.out_path.text()).name == "pwdesk-every-week-demo-laptop.pwx"
    assert_inputs_are_named(dialog)


@pytest.mark.parametrize(
    ("setup", "sentence"),
    [
        (
            lambda d, tmp: (d.to_passphrase.setChecked(True), d.passphrase.setText("short")),
            "The package passphrase needs at least 10 characters.",
        ),
        (
            lambda d, tmp: (
                d.to_passphrase.setChecked(True),
                d.passphrase.setText(PACKAGE_SECRET),
                d.passphrase_again.setText(PACKAGE_SECRET + "!"),
            ),
            "The two passphrases differ; type the same one twice.",
        ),
        (
            lambda d, tmp: d.key_path.setText(""),
            "Choose the QA officer's public key file (.pub).",
        ),
        (
            lambda d, tmp: (
                (tmp / "qa.pub").write_text("not a key"),
                d.key_path.setText(str(tmp / "qa.pub")),
            ),
            "qa.pub is not a pwdesk public key file.",
        ),
        (
            lambda d, tmp: d.out_path.setText(str(tmp / "nowhere" / "x.pwx")),
            "The folder {tmp}/nowhere does not exist.",
        ),
    ],
)
def test_export_problems_are_one_sentence_in_the_dialog(
    qtbot: QtBot,
    demo_db: Database,
    tmp_path: Path,
    setup: Callable[[ExportDialog, Path], Any],
    sentence: str,
) -> None:
    dialog = ExportDialog(demo_db, list_weeks(demo_db))
    qtbot.addWidget(dialog)
    dialog.out_path.setText(str(tmp_path / "out.pwx"))
    setup(dialog, tmp_path)
    assert dialog.export() is None
    assert dialog.message.text() == sentence.format(tmp=tmp_path)
    assert not (tmp_path / "out.pwx").exists()


# --- merge -----------------------------------------------------------------------------------


def test_a_merge_through_the_dialog_counts_as_the_service_does_and_brings_the_week(
    qtbot: QtBot,
    window: MainWindow,
    db: Database,
    demo_db: Database,
    tmp_path: Path,
    qtmodeltester: ModelTester,
) -> None:
    package = tmp_path / "september.pwx"
    export_through_dialog(qtbot, demo_db, "2018-09", package)
    elsewhere = create_database(tmp_path / "elsewhere.db", PASSPHRASE, device_name="elsewhere")
    try:
        expected = merge_packages(
            elsewhere, [package], passphrase=PACKAGE_SECRET, trust_new=True
        ).as_json()
    finally:
        elsewhere.close()
    assert window.weeks == []

    dialog = window.new_merge_dialog()
    with qtbot.waitSignal(window.refreshed, timeout=30_000):
        merge_through_dialog(qtbot, dialog, [package])
    assert dialog.summary.isVisible()
    for key, _title, _meaning in COUNT_ROWS:
        assert int(dialog.count_labels[key].text()) == expected[key], key
    assert expected["new"] > 200
    [signer] = expected["signers"]
    assert dialog.signer_labels[signer["fingerprint"]].text() == (
        f"demo-laptop — key {signer['fingerprint']}: ✓ trusted"
    )
    # a device's name comes from whoever made the package: it is shown, never read as markup
    assert dialog.signer_labels[signer["fingerprint"]].textFormat() == Qt.TextFormat.PlainText
    assert not dialog.conflicts_button.isVisible()

    assert [week.code for week in window.weeks] == ["2018-09"]
    assert window.week_box.currentText().startswith("2018-09")
    assert window.audits.model.rowCount() == len(
        [r for r in list_records(db, "2018-09") if r.kind == "case-audit"]
    )

    history = window.new_history_dialog()
    qtbot.addWidget(history)
    [line] = history.history()
    assert (line.file_name, line.device, line.trusted) == ("september.pwx", "demo-laptop", True)
    qtmodeltester.check(history.model, force_py=True)


def test_an_untrusted_signer_is_listed_and_merged_only_when_trusted(
    qtbot: QtBot, db: Database, week_package: Path
) -> None:
    before = canonical_dump(db)
    dialog = MergeDialog(db)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    dialog.add_files([week_package])
    qtbot.keyClicks(dialog.passphrase, PACKAGE_SECRET)
    qtbot.mouseClick(dialog.merge_button, LEFT)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    signer = fingerprint(read_header(week_package.read_bytes())[0]["signer"])
    assert "demo-laptop" in dialog.message.text()
    assert signer in dialog.message.text()
    assert dialog.trust_button.isVisible()
    assert canonical_dump(db) == before  # refused: nothing changed
    with qtbot.waitSignal(dialog.merged, timeout=30_000):
        qtbot.mouseClick(dialog.trust_button, LEFT)
    assert dialog.signer_labels[signer].text().endswith(f"key {signer}: ✓ trusted")
    assert dialog.trust_buttons == {}
    assert [m.trusted for m in merge_history(db)] == [True]


def test_enter_after_choosing_packages_merges_instead_of_opening_the_picker_again(
    qtbot: QtBot, db: Database, week_package: Path
) -> None:
    dialog = MergeDialog(db)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    pickers: list[str] = []

    def picker() -> list[str]:
        pickers.append("opened")
        return [str(week_package)]

    # The operating system's file picker would block the test: stand in for it, and count.
    setattr(dialog.packages, "choose_files", picker)  # noqa: B010 - mypy refuses a method assign
    qtbot.keyClick(dialog.packages.add_button, Qt.Key.Key_Space)  # Add files… from the keys
    assert pickers == ["opened"]
    assert dialog.paths() == [week_package]
    qtbot.keyClicks(dialog.passphrase, PACKAGE_SECRET)
    dialog.packages.add_button.setFocus()  # where the focus is when the picker closes
    assert dialog.merge_button.isDefault()

    qtbot.keyClick(dialog.packages.add_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.task is None, timeout=30_000)
    assert pickers == ["opened"]  # not opened again
    assert dialog.message.text().startswith("Nothing was merged: not trusted yet:")
    with qtbot.waitSignal(dialog.merged, timeout=30_000):
        qtbot.keyClick(dialog.trust_button, Qt.Key.Key_Return)  # focused after the refusal
    assert [m.trusted for m in merge_history(db)] == [True]


def test_enter_does_nothing_while_there_is_nothing_to_merge(qtbot: QtBot, db: Database) -> None:
    dialog = MergeDialog(db)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    assert dialog.merge_button.isDefault()
    assert not dialog.merge_button.isEnabled()
    qtbot.keyClick(dialog.passphrase, Qt.Key.Key_Return)
    assert dialog.task is None
    assert dialog.isVisible()
    assert dialog.message.text() == ""


def test_a_package_for_the_qa_officers_key_merges_with_the_private_key(
    qtbot: QtBot, db: Database, demo_db: Database, tmp_path: Path
) -> None:
    private_pem, public_pem = new_key_pair(KEY_SECRET)
    (tmp_path / "qa.key").write_bytes(private_pem)
    (tmp_path / "qa.pub").write_bytes(public_pem)
    export = ExportDialog(demo_db, list_weeks(demo_db))
    qtbot.addWidget(export)
    shown(qtbot, export)
    assert export.to_key.isChecked()  # the QA officer's key is the usual way
    qtbot.keyClicks(export.key_path, str(tmp_path / "qa.pub"))
    export.out_path.setText(str(tmp_path / "for-qa"))  # .pwx is added
    with qtbot.waitSignal(export.exported, timeout=20_000):
        qtbot.mouseClick(export.export_button, LEFT)
    package = tmp_path / "for-qa.pwx"
    assert package.is_file()

    dialog = MergeDialog(db)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    dialog.add_files([package])
    choose(qtbot, dialog.with_key)
    assert not dialog.passphrase.isEnabled()
    qtbot.keyClicks(dialog.key_path, str(tmp_path / "qa.key"))
    qtbot.keyClicks(dialog.key_passphrase, "not the key passphrase")
    dialog.merge()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
    assert dialog.message.text() == (
        "The passphrase does not unlock qa.key, or the file was changed. Nothing was changed."
    )
    dialog.key_passphrase.clear()
    qtbot.keyClicks(dialog.key_passphrase, KEY_SECRET)
    qtbot.mouseClick(dialog.merge_button, LEFT)
    qtbot.waitUntil(dialog.trust_button.isVisible, timeout=30_000)  # a new device: trust it
    with qtbot.waitSignal(dialog.merged, timeout=30_000):
        qtbot.mouseClick(dialog.trust_button, LEFT)
    assert dialog.outcome is not None
    opened = read_package(package, private_key=load_private_key(tmp_path / "qa.key", KEY_SECRET))
    assert dialog.outcome.result.new == len(opened.records) > 0


def test_a_wrong_passphrase_is_one_sentence_and_changes_nothing(
    qtbot: QtBot, db: Database, week_package: Path
) -> None:
    before = canonical_dump(db)
    dialog = MergeDialog(db)
    qtbot.addWidget(dialog)
    shown(qtbot, dialog)
    dialog.add_files([week_package, week_package])  # listed once
    assert dialog.paths() == [week_package]
    qtbot.keyClicks(dialog.passphrase, "not the passphrase")
    dialog.merge()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
    message = dialog.message.text()
    assert message.startswith("september.pwx: ")
    assert message.endswith(" Nothing was changed.")
    assert "Traceback" not in message
    assert not dialog.summary.isVisible()
    assert canonical_dump(db) == before


def test_cancel_stops_a_merge_in_progress_and_nothing_changes(
    qtbot: QtBot,
    db: Database,
    demo_db: Database,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    packages = []
    for code in ("2018-09", "2018-03"):
        packages.append(tmp_path / f"{code}.pwx")
        export_package(demo_db, packages[-1], week_code=code, passphrase=PACKAGE_SECRET)
    reached, release = threading.Event(), threading.Event()
    steps: list[str] = []

    def held_merge(*args: Any, progress: Any = None, **kwargs: Any) -> Any:
        # The real merge, held at its first step until the test has pressed Cancel.
        def step(done: int, total: int, what: str) -> None:
            steps.append(what)
            progress(done, total, what)
            if len(steps) == 1:
                reached.set()
                release.wait(20)

        return merge_packages(*args, progress=step, **kwargs)

    monkeypatch.setattr(merge_dialog, "merge_packages", held_merge)
    before = canonical_dump(db)
    dialog = MergeDialog(db)
    qtbot.addWidget(dialog)
    merged: list[bool] = []
    dialog.merged.connect(lambda: merged.append(True))
    shown(qtbot, dialog)
    dialog.add_files(packages)
    qtbot.keyClicks(dialog.passphrase, PACKAGE_SECRET)
    qtbot.mouseClick(dialog.merge_button, LEFT)
    assert reached.wait(10)
    progress = dialog.progress
    assert progress is not None
    qtbot.waitUntil(progress.isVisible, timeout=5000)
    assert progress.labelText() == "Checking 2018-09.pwx…"
    assert not dialog.merge_button.isEnabled()
    [cancel] = progress.findChildren(QPushButton)
    qtbot.mouseClick(cancel, LEFT)
    assert dialog.message.text() == "Cancelling the merge…"
    release.set()
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)
    assert dialog.message.text() == "The merge was cancelled; nothing was changed."
    assert steps == ["Checking 2018-09.pwx"]  # it stopped at the next step
    assert merged == []
    assert not dialog.summary.isVisible()
    assert canonical_dump(db) == before
    assert merge_history(db) == []
    assert dialog.merge_button.isEnabled()


# --- conflicts -------------------------------------------------------------------------------


@pytest.fixture
def rival_packages(demo_path: Path, tmp_path: Path) -> tuple[Path, Path, str]:
    """Two laptops with copies of one database both change the same audit, then export.

    Alice moves the date and rewrites an evidence note; Bob rewrites the same note his own way.
    They clash on that answer alone. Gives both packages and the audit.
    """
    packages = []
    record_id = ""
    for name, change in (("Alice", "date"), ("Bob", "note")):
        copy = tmp_path / f"{name.lower()}.db"
        shutil.copyfile(demo_path, copy)
        laptop = own_device(copy, name)
        try:
            record_id = next(
                r.id for r in list_records(laptop, "2018-09") if r.kind == "case-audit"
            )
            draft, _ = draft_of(laptop, record_id)
            answers = {key: dict(value) for key, value in draft.answers.items()}
            answers["placement-stability"]["note"] = f"{name}'s note: carers now permanent."
            draft = replace(draft, answers=answers)
            if change == "date":
                draft = replace(draft, held_on=date(2018, 9, 20))
            save_assessment(laptop, record_id, draft)
            packages.append(tmp_path / f"{name.lower()}.pwx")
            export_package(laptop, packages[-1], week_code="2018-09", passphrase=PACKAGE_SECRET)
        finally:
            laptop.close()
    return packages[0], packages[1], record_id


def test_a_conflict_is_resolved_taking_one_field_from_each_version(
    qtbot: QtBot,
    window: MainWindow,
    db: Database,
    demo_db: Database,
    rival_packages: tuple[Path, Path, str],
    qtmodeltester: ModelTester,
) -> None:
    alice_package, bob_package, record_id = rival_packages
    original, _ = draft_of(demo_db, record_id)
    dialog = window.new_merge_dialog()
    with qtbot.waitSignal(window.refreshed, timeout=30_000):
        merge_through_dialog(qtbot, dialog, [alice_package, bob_package])
    assert dialog.outcome is not None
    assert dialog.outcome.in_conflict == 1
    assert dialog.waiting.text().startswith("1 record is in conflict")
    assert_inputs_are_named(dialog)
    assert dialog.conflicts_button.isVisible()
    assert dialog.trust_buttons == {}  # both devices were trusted to merge
    dialog.resize(680, dialog.sizeHint().height())
    screenshot(dialog, "/tmp/merge.png")

    qtbot.mouseClick(dialog.conflicts_button, LEFT)
    page = window.conflicts_page
    assert window.tabs.currentWidget() is page
    assert window.tabs.tabText(window.tabs.indexOf(page)) == "Conf&licts (1)"
    assert page.model.row_ids() == [record_id]
    qtmodeltester.check(page.model, force_py=True)
    assert_inputs_are_named(page)

    comparison = page.comparison
    assert comparison is not None
    assert comparison.differing == ["answers.placement-stability"]
    alice = next(v for v in comparison.versions if v.author == "Alice")
    bob = next(v for v in comparison.versions if v.author == "Bob")
    clash = "answers.placement-stability"
    assert "Bob's note" in comparison.cells[(clash, bob.id)].text()
    assert "Alice's note" in comparison.cells[(clash, alice.id)].text()
    assert comparison.cells[("held_on", alice.id)].text().endswith("20 Sep 2018")
    assert comparison.cells[("status", alice.id)].text() == "Completed"
    assert comparison.cells[("kind", alice.id)].text() == "Case audit"
    assert set(comparison.choices) == {clash}  # the date changed on one side: combined

    qtbot.mouseClick(comparison.take_buttons[bob.id], LEFT)
    assert comparison.chosen_answers() == {"placement-stability": bob.id}
    assert comparison.take_buttons[bob.id].text() == f"{KEPT} Keeping this version whole"
    chooser = comparison.choices[clash]
    chooser.setCurrentIndex(chooser.findData(alice.id))
    chooser.setCurrentIndex(chooser.findData(bob.id))
    assert comparison.chosen_answers() == {"placement-stability": bob.id}
    assert comparison.cells[(clash, bob.id)].text().startswith(f"{KEPT} kept")
    assert not comparison.cells[(clash, alice.id)].text().startswith(KEPT)
    bob_number = comparison.versions.index(bob) + 1
    assert comparison.take_buttons[bob.id].text() == f"Take version {bob_number} whole"
    window.resize(1200, 820)
    screenshot(window, "/tmp/conflicts.png")

    with qtbot.waitSignal(page.resolved, timeout=10_000) as resolved:
        qtbot.mouseClick(page.resolve_button, LEFT)
    assert resolved.args == [record_id]
    assert list_conflicts(db) == []
    draft, _ = draft_of(db, record_id)
    assert draft.held_on == date(2018, 9, 20)
    assert draft.answers["placement-stability"]["note"] == "Bob's note: carers now permanent."
    assert draft.answers["placement-stability"]["value"] == original.answers[
        "placement-stability"
    ].get("value")
    assert page.model.rowCount() == 0
    assert page.empty.isVisible()
    assert page.comparison is None
    assert not page.resolve_button.isEnabled()
    assert page.message.text() == "Resolved: the record now holds the values you kept."
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        pass  # the window follows the resolution
    assert window.tabs.tabText(window.tabs.indexOf(page)) == "Conf&licts"
    assert page.message.text() == "Resolved: the record now holds the values you kept."


def test_a_conflict_that_arrives_in_one_merge_is_counted_as_one(
    qtbot: QtBot, db: Database, rival_packages: tuple[Path, Path, str]
) -> None:
    dialog = MergeDialog(db)
    qtbot.addWidget(dialog)
    merge_through_dialog(qtbot, dialog, list(rival_packages[:2]))
    assert len(list_conflicts(db)) == 1
    assert dialog.count_labels["conflicts"].text() == "1"


def test_a_resolution_is_refused_when_a_version_arrived_after_it_was_shown(
    qtbot: QtBot, db: Database, demo_path: Path, rival_packages: tuple[Path, Path, str]
) -> None:
    alice_package, bob_package, record_id = rival_packages
    merge_packages(db, [alice_package, bob_package], passphrase=PACKAGE_SECRET, trust_new=True)
    page = ConflictsPage(db)
    qtbot.addWidget(page)
    shown(qtbot, page)
    page.refresh()
    assert page.comparison is not None
    assert len(page.comparison.versions) == 2
    # A third laptop's version of the same note arrives while the QA officer is looking.
    copy = demo_path.with_name("carol.db")
    shutil.copyfile(demo_path, copy)
    carol = own_device(copy, "Carol")
    try:
        draft, _ = draft_of(carol, record_id)
        answers = {key: dict(value) for key, value in draft.answers.items()}
        answers["placement-stability"]["note"] = "Carol's note: a review is booked."
        save_assessment(carol, record_id, replace(draft, answers=answers))
        carol_package = demo_path.with_name("carol.pwx")
        export_package(carol, carol_package, week_code="2018-09", passphrase=PACKAGE_SECRET)
    finally:
        carol.close()
    merge_packages(db, [carol_package], passphrase=PACKAGE_SECRET, trust_new=True)

    qtbot.mouseClick(page.resolve_button, LEFT)
    assert "arrived after the conflict was shown" in page.message.text()
    [conflict] = list_conflicts(db)
    assert len(conflict.versions) == 3  # nothing was superseded
    assert page.comparison is not None
    assert len(page.comparison.versions) == 3  # and the page shows them all now
    with qtbot.waitSignal(page.resolved, timeout=10_000):
        qtbot.mouseClick(page.resolve_button, LEFT)
    assert list_conflicts(db) == []


def test_the_conflicts_page_shows_none_when_there_are_none(qtbot: QtBot, db: Database) -> None:
    page = ConflictsPage(db)
    qtbot.addWidget(page)
    shown(qtbot, page)
    page.refresh()
    assert page.model.rowCount() == 0
    assert page.empty.isVisible()
    assert not page.resolve_button.isEnabled()
    assert page.resolve() is None


def test_empty_models_pass_the_model_tester(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(conflicts_model(), force_py=True)
    qtmodeltester.check(merge_history_model(), force_py=True)


def test_the_exchange_actions_have_shortcuts_of_their_own(window: MainWindow) -> None:
    actions = window.findChildren(QAction)
    shortcuts = [a.shortcut().toString() for a in actions if not a.shortcut().isEmpty()]
    assert len(shortcuts) == len(set(shortcuts))
    texts = {a.text(): a.shortcut().toString() for a in actions if a.text()}
    assert texts["E&xport…"] == "Ctrl+Shift+E"
    assert texts["&Merge…"] == "Ctrl+Shift+M"
    assert texts["Merge &history…"] == "Ctrl+Shift+H"
    tabs = [window.tabs.tabText(i) for i in range(window.tabs.count())]
    assert "Conf&licts" in tabs
    # The actions' own letters work inside their menu (test_keyboard_and_lists walks them);
    # the tabs' and the menu titles' are live together.
    titles = [action.text() for action in window.menuBar().actions() if action.isVisible()]
    mnemonics = [t[t.index("&") + 1].lower() for t in (*tabs, *titles) if "&" in t]
    assert len(mnemonics) == len(set(mnemonics))
