"""The Actions tab: every week's agreed actions, overdue first, marked done by keyboard."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.models import RowTableModel
from pwdesk.services.actions import ActionRow, list_all_actions
from pwdesk.store.database import Database

# The demo's March actions fell due in April; September's fall due on 5 Oct, 19 Oct and 2 Nov.
TODAY = date(2018, 10, 20)


@pytest.fixture
def window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> MainWindow:
    main = MainWindow(demo_db, settings_file(tmp_path), today=lambda: TODAY)
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.refreshed, timeout=10_000):
        main.show()
    main.tabs.setCurrentWidget(main.actions_tab)
    with qtbot.waitActive(main):
        main.activateWindow()
    return main


def shown_rows(window: MainWindow) -> list[ActionRow]:
    model = window.actions_page.model
    by_id = {row.id: row for row in (model.row_at(i) for i in range(model.rowCount()))}
    return [by_id[action_id] for action_id in window.actions_page.visible_ids()]


def column(model: RowTableModel, title: str) -> int:
    titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    return titles.index(title)


def test_every_weeks_actions_are_listed_overdue_first(
    window: MainWindow, demo_db: Database
) -> None:
    rows = shown_rows(window)
    assert [row.id for row in rows] == [row.id for row in list_all_actions(demo_db, TODAY)]
    assert {row.week_code for row in rows} == {"2018-03", "2018-09"}
    overdue = [row.overdue for row in rows]
    assert overdue[0]
    assert not overdue[-1]
    assert overdue == sorted(overdue, reverse=True)  # every overdue row before the rest
    assert all(row.case_reference for row in rows)  # the demo's actions come from audits
    assert {row.status for row in rows} >= {"open", "done"}

    model, proxy = window.actions_page.model, window.actions_page.proxy
    status = column(model, "Status")
    first, last = proxy.index(0, status), proxy.index(proxy.rowCount() - 1, status)
    assert proxy.data(first) == "Overdue"  # in words, and in colour
    assert proxy.data(first, Qt.ItemDataRole.BackgroundRole) is not None
    assert proxy.data(last) in {"Done", "Dropped"}
    assert proxy.data(last, Qt.ItemDataRole.BackgroundRole) is None
    child = column(model, "Child")
    assert proxy.data(proxy.index(0, child)) == rows[0].case_reference
    assert proxy.data(proxy.index(0, column(model, "Week"))) == rows[0].week_code

    window.actions_page.search.setText("overdue")  # the words are searchable too
    assert window.actions_page.visible_ids() == [row.id for row in rows if row.overdue]


def test_the_selected_action_is_marked_done_by_keyboard(
    qtbot: QtBot, window: MainWindow, demo_db: Database
) -> None:
    page = window.actions_page
    assert not window.mark_done.isEnabled()  # nothing selected yet
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)  # into the list, on its first row
    action = window.selected_action()
    assert action is not None
    assert action.overdue
    assert window.mark_done.isEnabled()

    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.AltModifier)  # Mark do&ne

    [saved] = [row for row in list_all_actions(demo_db, TODAY) if row.id == action.id]
    assert (saved.status, saved.overdue) == ("done", False)
    rows = shown_rows(window)
    [shown] = [row for row in rows if row.id == action.id]
    assert shown.status == "done"
    assert rows.index(shown) > max(
        i for i, row in enumerate(rows) if not row.overdue and row.status == "open"
    )
    # Still selected, with the focus back on the list, so the next key acts on the same action.
    selected = window.selected_action()
    assert selected is not None
    assert selected.id == action.id
    assert page.table.selectionModel().isRowSelected(page.table.currentIndex().row())
    assert QApplication.focusWidget() is page.table
    assert not window.mark_done.isEnabled()
    assert window.mark_in_progress.isEnabled()
    assert window.mark_dropped.isEnabled()


def test_tab_moves_from_the_list_to_the_buttons(qtbot: QtBot, window: MainWindow) -> None:
    page = window.actions_page
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.mark_done
    with qtbot.waitSignal(window.refreshed, timeout=10_000):
        qtbot.keyClick(window.mark_done, Qt.Key.Key_Space)
    selected = window.selected_action()
    assert selected is not None
    assert selected.status == "done"


def test_enter_opens_the_record_the_action_was_agreed_on(qtbot: QtBot, window: MainWindow) -> None:
    page = window.actions_page
    page.search.setFocus()
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    action = window.selected_action()
    assert action is not None
    assert action.assessment_id is not None
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    editor = window.editors[action.assessment_id]
    qtbot.addWidget(editor)
    editor.close()


def test_the_loaded_model_passes_the_model_tester(
    qtmodeltester: ModelTester, window: MainWindow
) -> None:
    assert window.actions_page.model.rowCount() > 0
    qtmodeltester.check(window.actions_page.model, force_py=True)
