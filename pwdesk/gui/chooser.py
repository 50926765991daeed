"""The searchable chooser: a combo box of people or children the user can type into to find one.

Typing matches anywhere in an entry, whatever its accents, case or spacing (domain.names): "sian"
finds Siân Ellis, as search does in every list.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter

from pwdesk.domain.names import natural_key
from pwdesk.gui.editor_state import Choice
from pwdesk.gui.natural_filter import NaturalFilter


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
    line = combo.lineEdit()
    assert line is not None  # the combo is editable
    # The proxy does the matching, so the completer shows whatever the proxy lets through.
    matches = NaturalFilter(combo)
    matches.setSourceModel(combo.model())
    completer = QCompleter(matches, combo)
    completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
    combo.setCompleter(completer)
    line.textEdited.connect(lambda text: _search(completer, matches, text))
    line.setPlaceholderText(f"Type to search {name.lower()}…")
    if none_label is None:
        combo.setCurrentIndex(-1)  # nothing chosen until the user chooses
    combo.setMinimumWidth(260)
    return combo


def _search(completer: QCompleter, matches: NaturalFilter, text: str) -> None:
    matches.search(text)
    if text and matches.rowCount():
        completer.complete()


def select_id(combo: QComboBox, record_id: str | None) -> None:
    """Choose the entry of ``record_id``; else "none" where offered, or nothing."""
    index = combo.findData(record_id)
    combo.setCurrentIndex(index if index >= 0 else (0 if combo.itemData(0) is None else -1))


def chosen_id(combo: QComboBox) -> str | None:
    """The record id of the entry chosen in a searchable chooser, if one really is.

    What was typed must be a whole entry, accents, case and spacing aside; a half-typed search,
    or text two entries share, chooses nothing.
    """
    index = combo.findText(combo.currentText(), Qt.MatchFlag.MatchExactly)
    if index < 0:
        typed = natural_key(combo.currentText())
        same = [i for i in range(combo.count()) if natural_key(combo.itemText(i)) == typed]
        index = same[0] if len(same) == 1 else -1
    data = combo.itemData(index) if index >= 0 else None
    return str(data) if data else None
