"""The Conflicts page as the QA officer meets it after merging two laptops that changed the same
audits: devices by their names, an honest count of what differs, and a pane that clears once a
record is resolved."""

from __future__ import annotations

import shutil
import uuid
from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.services.assessments import draft_of, list_records, save_assessment
from pwdesk.services.conflict_view import answers_summary, answers_that_differ, load_conflicts
from pwdesk.services.conflicts import list_conflicts
from pwdesk.services.export import export_package
from pwdesk.services.merge import merge_packages
from pwdesk.store.database import Database, open_database
from tests.conftest import PASSPHRASE

SECRET = "otter chalk river 42"
LAPTOPS = ("Alice", "Bob")
CHANGED = ("placement-stability", "child-seen-alone")


def laptop(path: Path, user: str) -> Database:
    """A copy of a database opened as a laptop of its own: a new device id, and a name."""
    copy = open_database(path, PASSPHRASE, user=user)
    copy.set_setting("device_id", str(uuid.uuid4()))
    copy.set_setting("device_name", f"{user}'s laptop")
    copy.close()
    return open_database(path, PASSPHRASE, user=user)


@pytest.fixture
def two_conflicts(demo_path: Path, tmp_path: Path, db: Database) -> list[str]:
    """Alice and Bob each rewrite the same notes of the same two audits their own way; both
    packages are merged into ``db``, the QA store. Gives the two audits' ids."""
    packages, records = [], []
    for name in LAPTOPS:
        copy = tmp_path / f"{name.lower()}.db"
        shutil.copyfile(demo_path, copy)
        device = laptop(copy, name)
        try:
            audits = [r.id for r in list_records(device, "2018-09") if r.kind == "case-audit"]
            records = audits[:2]
            for record_id in records:
                draft, _ = draft_of(device, record_id)
                answers = {key: dict(value) for key, value in draft.answers.items()}
                for item in CHANGED:
                    answers.setdefault(item, {})["note"] = f"{name}'s note on {item}."
                save_assessment(device, record_id, replace(draft, answers=answers))
            packages.append(tmp_path / f"{name.lower()}.pwx")
            export_package(device, packages[-1], week_code="2018-09", passphrase=SECRET)
        finally:
            device.close()
    merge_packages(db, packages, passphrase=SECRET, trust_new=True)
    assert {c.record_id for c in list_conflicts(db)} == set(records)
    return records


@pytest.fixture
def conflicts_window(
    qtbot: QtBot, db: Database, tmp_path: Path, two_conflicts: list[str]
) -> MainWindow:
    """The QA store's main window on its Conflicts page, after the merge."""
    main = MainWindow(db, settings_file(tmp_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.refreshed, timeout=20_000):
        main.show()
    main.show_conflicts()
    return main


def test_versions_name_the_devices_they_were_made_on(conflicts_window: MainWindow) -> None:
    page = conflicts_window.conflicts_page
    comparison = page.comparison
    assert comparison is not None
    headings = comparison.findChildren(type(page.message))
    texts = " ".join(label.text() for label in headings)
    assert "on Alice's laptop" in texts
    assert "on Bob's laptop" in texts
    for version in comparison.versions:
        assert version.device_id[:8] not in texts  # a name, not an id
    titles = [
        page.model.headerData(column, Qt.Orientation.Horizontal)
        for column in range(page.model.columnCount())
    ]
    devices = page.model.index(0, titles.index("On")).data()
    assert devices in ("Alice's laptop, Bob's laptop", "Bob's laptop, Alice's laptop")


def test_the_answers_summary_counts_only_answers_that_read_differently(
    conflicts_window: MainWindow, db: Database
) -> None:
    page = conflicts_window.conflicts_page
    comparison = page.comparison
    assert comparison is not None
    assert set(comparison.choices) == {f"answers.{item}" for item in CHANGED}
    cell = comparison.cells[("answers", comparison.versions[0].id)]
    total = len(comparison.versions[0].content["answers"])
    assert cell.text() == (
        f"2 of {total} answers differ between the versions: 2 changed in more than one "
        "(choose above)."
    )
    assert cell.toolTip().count("≠") == 2  # only the differing answers are listed
    assert f"… and {total - 2} other answers, the same in every version." in cell.toolTip()

    # An answer left empty reads as no answer at all: it does not count as a difference.
    assert answers_that_differ([{"a": {"value": None, "note": ""}}, {}]) == set()
    assert answers_summary([{"a": {"value": "good"}}, {"a": {"value": "good"}}], set()) == (
        "1 answer, the same in every version."
    )
    view = load_conflicts(db)
    assert set(view.devices.values()) >= {"Alice's laptop", "Bob's laptop", "test-laptop"}


def test_after_a_resolution_the_pane_clears_until_the_next_record_is_chosen(
    qtbot: QtBot, conflicts_window: MainWindow, db: Database, two_conflicts: list[str]
) -> None:
    page = conflicts_window.conflicts_page
    assert page.comparison is not None
    first = page.comparison.conflict.record_id
    take = page.comparison.take_buttons[page.comparison.versions[0].id]
    qtbot.mouseClick(take, Qt.MouseButton.LeftButton)
    with (
        qtbot.waitSignal(conflicts_window.refreshed, timeout=20_000),
        qtbot.waitSignal(page.resolved, timeout=10_000),
    ):
        qtbot.mouseClick(page.resolve_button, Qt.MouseButton.LeftButton)
    # The window has reloaded since: still nothing shown, and nothing to resolve.
    assert [c.record_id for c in list_conflicts(db)] == [r for r in two_conflicts if r != first]
    assert page.comparison is None
    assert not page.resolve_button.isEnabled()
    assert not page.table.selectionModel().hasSelection()
    assert page.area.widget().findChildren(type(page.resolve_button)) == []
    assert page.message.text() == "Resolved: the record now holds the values you kept."
    assert page.model.rowCount() == 1

    page.table.selectRow(0)  # the QA officer picks the next record
    assert page.comparison is not None
    assert page.comparison.conflict.record_id != first
    assert page.resolve_button.isEnabled()
    assert page.message.text() == ""
