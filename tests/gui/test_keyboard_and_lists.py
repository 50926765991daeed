"""The main window by keyboard: its menu bar, unique access keys on every tab, Ctrl+F, the list
of shortcuts, work started with Enter from My list and Children, and search that ignores
accents."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QTabBar, QTableView, QToolBar
from pytestqt.qtbot import QtBot

from pwdesk.gui.chooser import chosen_id
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.record_editor import RecordEditor
from pwdesk.gui.screen import fits_on_screen
from pwdesk.services.allocation import allocate_audit
from pwdesk.services.people import AuditorDetails, ChildDetails, PractitionerDetails
from pwdesk.services.settings import AppSettings, save_settings
from pwdesk.services.weeks import (
    CohortDetails,
    WeekDetails,
    add_cohort,
    create_week,
    place_children,
)
from pwdesk.store.database import Database
from tests.gui.mnemonics import letter_of, mnemonics
from tests.helpers import Cast, add_cast

PLANNED = date(2019, 3, 13)


@pytest.fixture
def cast(db: Database) -> Cast:
    """A week with two children, three practitioners (one accented) and the user as leader;
    the first child's audit allocated to the user, with its practitioner and day."""
    week = create_week(
        db, WeekDetails("2019-03", "Practice Week March 2019", date(2019, 3, 11), date(2019, 3, 15))
    )
    people = add_cast(
        db,
        [
            ChildDetails("CR300001", date(2012, 4, 1), date(2017, 1, 9)),
            ChildDetails("CR300002", date(2014, 8, 3), date(2018, 12, 1)),
        ],
        [
            PractitionerDetails("Zara Quinlan", "Fostering"),
            PractitionerDetails("Siân Pritchard", "Care Planning"),
            PractitionerDetails("Simon Hale", "Front Door"),
        ],
        [AuditorDetails("Gareth Lumley", "Service Manager")],
    )
    cohort = add_cohort(db, week.id, CohortDetails("Children in care"))
    place_children(db, cohort.id, people.children)
    save_settings(db, AppSettings(user_name="Gareth Lumley", authority_name="Fictional Borough"))
    allocate_audit(
        db, "2019-03", people.children[0], people.leaders[0], people.practitioners[1], PLANNED
    )
    return people


@pytest.fixture
def window(qtbot: QtBot, db: Database, cast: Cast, tmp_path: Path) -> MainWindow:
    main = MainWindow(db, settings_file(tmp_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.refreshed, timeout=10_000):
        main.show()
    with qtbot.waitActive(main):
        main.activateWindow()
    return main


def _new_editor(qtbot: QtBot, window: MainWindow, before: set[RecordEditor]) -> RecordEditor:
    qtbot.waitUntil(lambda: len(set(window.editors.values()) - before) == 1)
    (editor,) = set(window.editors.values()) - before
    qtbot.addWidget(editor)
    return editor


def _press_enter_on_first_row(qtbot: QtBot, page_table: QTableView) -> None:
    page_table.setFocus()
    page_table.selectRow(0)
    qtbot.keyClick(page_table, Qt.Key.Key_Return)


def test_the_menu_bar_holds_every_command_with_settings_about_and_the_shortcuts(
    window: MainWindow,
) -> None:
    menus = {
        menu.title(): [a.text() for a in menu.actions() if not a.isSeparator()]
        for menu in window.menuBar().findChildren(QMenu)
        if menu.title() and menu.menuAction().isVisible()  # not the bar's "»" overflow menu
    }
    assert list(menus) == ["&File", "&Edit", "&View", "&Week", "&Help"]
    assert "&Settings…" in menus["&File"]
    assert "&Merge…" in menus["&File"]
    assert menus["&Edit"] == ["&Find"]
    assert "Set up a &week…" in menus["&Week"]
    assert menus["&Help"] == ["&Keyboard shortcuts", "&About pwdesk"]
    for title, texts in menus.items():  # letters repeat across menus, never inside one
        letters = [letter_of(text) for text in texts if letter_of(text)]
        assert len(letters) == len(set(letters)), title


def test_a_laptop_has_no_week_menu(window: MainWindow, db: Database) -> None:
    save_settings(db, AppSettings(user_name="Gareth Lumley", role="laptop"))
    window.apply_role()
    titles = [action.text() for action in window.menuBar().actions() if action.isVisible()]
    assert titles == ["&File", "&Edit", "&View", "&Help"]


def test_no_two_controls_share_an_access_key_on_any_tab(window: MainWindow) -> None:
    bar = window.tabs.findChild(QTabBar)
    assert bar is not None
    always = [a.text() for a in window.menuBar().actions() if a.isVisible()]
    always += [bar.tabText(index) for index in range(bar.count())]
    toolbar = window.findChild(QToolBar)
    assert toolbar is not None
    always += [label.text() for label in toolbar.findChildren(QLabel) if label.buddy()]
    assert "Practice wee&k: " in always
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        page = window.tabs.widget(index)
        assert page is not None
        texts = always + [text for _, text in mnemonics(page)]
        letters = [letter for text in texts if (letter := letter_of(text))]
        repeated = sorted({letter for letter in letters if letters.count(letter) > 1})
        assert repeated == [], (bar.tabText(index), repeated, texts)


def test_ctrl_f_goes_to_the_search_box_of_the_list_in_front(
    qtbot: QtBot, window: MainWindow
) -> None:
    for page in (window.audits, window.practitioners, window.todo_page):
        window.tabs.setCurrentWidget(page)
        window.tabs.setFocus()
        qtbot.keyClick(window.tabs, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is page.search
    window.tabs.setCurrentWidget(window.dashboard)
    window.focus_search()
    assert "no search box" in window.statusBar().currentMessage()


def test_the_keyboard_shortcuts_list_every_key_and_fits_the_screen(
    qtbot: QtBot, window: MainWindow
) -> None:
    dialog = window.show_shortcuts()
    qtbot.addWidget(dialog)
    table = dialog.table
    cells = [(table.item(row, 0), table.item(row, 1)) for row in range(table.rowCount())]
    rows = {keys.text(): meaning.text() for keys, meaning in cells if keys and meaning}
    assert rows["Ctrl+F"] == "Find"
    assert rows["Ctrl+Shift+M"] == "Merge"
    assert rows["F8"].startswith("Go to the next required item")
    assert fits_on_screen(dialog)


def test_enter_on_my_list_starts_the_allocated_audit_filled_in_then_opens_it(
    qtbot: QtBot, window: MainWindow, cast: Cast
) -> None:
    window.tabs.setCurrentWidget(window.todo_page)
    _press_enter_on_first_row(qtbot, window.todo_page.list_page.table)
    editor = _new_editor(qtbot, window, set())
    assert chosen_id(editor.child) == cast.children[0]
    assert chosen_id(editor.practitioner) == cast.practitioners[1]
    assert chosen_id(editor.auditor) == cast.leaders[0]
    assert editor.held_on.day() == PLANNED
    assert editor.save()
    saved = editor.record_id
    editor.close()

    _press_enter_on_first_row(qtbot, window.todo_page.list_page.table)
    again = _new_editor(qtbot, window, set())
    assert again.record_id == saved  # the child's audit, not a second one


def test_enter_on_children_starts_an_audit_dated_within_the_week(
    qtbot: QtBot, window: MainWindow, cast: Cast
) -> None:
    window.tabs.setCurrentWidget(window.children_page)
    window.children_page.proxy.sort(0)
    table = window.children_page.table
    table.setFocus()
    table.selectRow(1)  # CR300002: nothing allocated
    qtbot.keyClick(table, Qt.Key.Key_Return)
    editor = _new_editor(qtbot, window, set())
    assert chosen_id(editor.child) == cast.children[1]
    assert chosen_id(editor.auditor) == cast.leaders[0]  # the user, a senior leader here
    # Today is long after this week, so the new audit takes the week's last day, not today.
    assert editor.held_on.day() == date(2019, 3, 15)
    assert editor.held_on.note.text() == ""

    editor.held_on.edit.clear()
    qtbot.keyClicks(editor.held_on.edit, "20 Mar 2019")
    assert editor.held_on.day() == date(2019, 3, 20)
    assert editor.held_on.note.text() == (
        "This date is outside Practice Week 2019-03 (11 Mar 2019 to 15 Mar 2019)."
    )
    assert editor.save()  # warned about, never refused


def test_list_search_ignores_accents_and_sorting_keeps_accented_names_in_place(
    qtbot: QtBot, window: MainWindow
) -> None:
    page = window.practitioners
    window.tabs.setCurrentWidget(page)
    page.proxy.sort(0)
    names = [page.proxy.index(row, 0).data() for row in range(page.proxy.rowCount())]
    assert names == ["Siân Pritchard", "Simon Hale", "Zara Quinlan"]
    qtbot.keyClicks(page.search, "sian")
    assert [page.proxy.index(row, 0).data() for row in range(page.proxy.rowCount())] == [
        "Siân Pritchard"
    ]
    page.search.clear()
    qtbot.keyClicks(page.search, "PRITCHARD  ")
    assert page.proxy.rowCount() == 1
