"""Every list's item model passes Qt's model tester and sorts and filters as a user expects."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from pwdesk.gui.list_page import ListPage
from pwdesk.gui.models import (
    ROW_ID_ROLE,
    RowTableModel,
    actions_model,
    children_model,
    people_model,
    record_model,
)
from pwdesk.services.actions import list_actions
from pwdesk.services.assessments import list_records
from pwdesk.services.people import list_children, list_practitioners
from pwdesk.store.database import Database


def filled_models(db: Database) -> list[RowTableModel]:
    records = list_records(db, "2018-09")
    audits, observations = record_model(observations=False), record_model(observations=True)
    audits.set_rows([r for r in records if r.kind == "case-audit"])
    observations.set_rows([r for r in records if r.kind == "observation"])
    children, people, actions = children_model(), people_model(), actions_model()
    children.set_rows(list_children(db, "2018-09"))
    people.set_rows(list_practitioners(db))
    actions.set_rows(list_actions(db, "2018-09"))
    return [audits, observations, children, people, actions]


def test_every_model_passes_the_model_tester(qtmodeltester: ModelTester, demo_db: Database) -> None:
    for model in filled_models(demo_db):
        assert model.rowCount() > 0
        qtmodeltester.check(model, force_py=True)


def test_an_empty_model_passes_too(qtmodeltester: ModelTester) -> None:
    qtmodeltester.check(record_model(observations=False), force_py=True)


def test_grades_show_colour_and_words(demo_db: Database) -> None:
    audits = filled_models(demo_db)[0]
    overall = [
        audits.headerData(c, Qt.Orientation.Horizontal) for c in range(audits.columnCount())
    ].index("Overall grade")
    index = audits.index(0, overall)
    assert audits.data(index) in {
        "Outstanding",
        "Good",
        "Requires improvement to be good",
        "Inadequate",
    }
    assert audits.data(index, Qt.ItemDataRole.BackgroundRole) is not None
    assert audits.data(index, Qt.ItemDataRole.ForegroundRole) is not None


def test_the_search_box_filters_and_enter_opens(qtbot: QtBot, demo_db: Database) -> None:
    audits = filled_models(demo_db)[0]
    page = ListPage(audits, "Case audits", "none")
    qtbot.addWidget(page)
    with qtbot.waitActive(page):
        page.show()
        page.activateWindow()
    reference = audits.row_at(5).case_reference
    qtbot.keyClicks(page.search, reference.lower())
    assert page.proxy.rowCount() == 1
    assert page.count.text() == f"1 of {audits.rowCount()} shown"
    qtbot.keyClick(page.search, Qt.Key.Key_Down)
    assert QApplication.focusWidget() is page.table, QApplication.focusWidget()
    with qtbot.waitSignal(page.opened) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [audits.row_at(5).id]


def test_sorting_by_date_uses_the_date_not_its_words(qtbot: QtBot, demo_db: Database) -> None:
    actions = filled_models(demo_db)[4]
    page = ListPage(actions, "Actions", "none")
    qtbot.addWidget(page)
    page.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    rows = {row.id: row for row in (actions.row_at(i) for i in range(actions.rowCount()))}
    dues = [rows[row_id].due_on or date.max for row_id in page.visible_ids()]
    assert dues == sorted(dues)
    ids = [page.proxy.data(page.proxy.index(i, 0), ROW_ID_ROLE) for i in range(3)]
    assert ids == page.visible_ids()[:3]
