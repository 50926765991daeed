"""The searchable chooser: a combo box of people or children the user can type into to find one."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from pwdesk.gui.editor_state import Choice


def searchable_chooser(choices: Sequence[Choice], name: str, none_label: str | None) -> QComboBox:
    """A combo box the user can type into to find an entry; ``none_label`` offers "none"."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setAccessibleName(name)
    if none_label is not None:
        combo.addItem(none_label, None)
    for choice in choices:
        combo.addItem(choice.label, choice.id)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)
    line = combo.lineEdit()
    assert line is not None  # the combo is editable
    line.setPlaceholderText(f"Type to search {name.lower()}…")
    if none_label is None:
        combo.setCurrentIndex(-1)  # nothing chosen until the user chooses
    combo.setMinimumWidth(260)
    return combo


def select_id(combo: QComboBox, record_id: str | None) -> None:
    """Choose the entry of ``record_id``; else "none" where offered, or nothing."""
    index = combo.findData(record_id)
    combo.setCurrentIndex(index if index >= 0 else (0 if combo.itemData(0) is None else -1))


def chosen_id(combo: QComboBox) -> str | None:
    """The record id of the entry chosen in a searchable chooser, if one really is."""
    # What was typed must match an entry; a half-typed search chooses nothing.
    index = combo.findText(combo.currentText(), Qt.MatchFlag.MatchExactly)
    data = combo.itemData(index) if index >= 0 else None
    return str(data) if data else None
