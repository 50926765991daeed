"""The searchable chooser finds a name whatever its accents, case or spacing."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from pwdesk.gui.chooser import chosen_id, searchable_chooser
from pwdesk.gui.editor_state import Choice
from tests.gui.conftest import type_text

PEOPLE = [
    Choice("Siân Ellis (Permanence)", "p-1"),
    Choice("Zoë Adams (Assessment)", "p-2"),
    Choice("Sean Ellison (Permanence)", "p-3"),
]


def test_typing_without_accents_offers_the_accented_name(qtbot: QtBot) -> None:
    combo = searchable_chooser(PEOPLE, "Practitioner", None)
    qtbot.addWidget(combo)
    combo.show()
    line = combo.lineEdit()
    assert line is not None
    line.setFocus()
    type_text(line, "sian")
    completer = combo.completer()
    assert completer is not None
    popup = completer.popup()
    assert popup is not None
    offered = [popup.model().index(row, 0).data() for row in range(popup.model().rowCount())]
    assert offered == ["Siân Ellis (Permanence)"]
    popup.hide()
    QApplication.processEvents()


def test_a_whole_name_typed_without_accents_chooses_that_person(qtbot: QtBot) -> None:
    combo = searchable_chooser(PEOPLE, "Practitioner", None)
    qtbot.addWidget(combo)
    combo.setEditText("ZOE  ADAMS (assessment)")
    assert chosen_id(combo) == "p-2"
    combo.setEditText("Ellis")
    assert chosen_id(combo) is None  # half a name chooses nobody
