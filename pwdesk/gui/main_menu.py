"""The main window's menu bar (File, Edit, View, Week, Help) and the list of keyboard shortcuts.

Every command of the toolbar is in a menu too, so nothing hides behind the toolbar's "»" on a
narrow screen, and Help > Keyboard shortcuts lists every key pwdesk answers to.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QMenuBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pwdesk.gui.screen import fit_to_screen

# Keys that belong to a form or a list rather than to a command of the main window.
FORM_KEYS: tuple[tuple[str, str], ...] = (
    ("Audit or observation form", ""),
    ("1, 2, 3, 4", "Grade the focused item Outstanding, Good, Requires improvement, Inadequate"),
    ("F8", "Go to the next required item not yet answered"),
    ("Ctrl+S", "Save the record"),
    ("Ctrl+Enter", "Mark the record completed"),
    ("Ctrl+P", "Print the feedback sheet"),
    ("Ctrl+W", "Close the form (your typing is kept)"),
    ("Alt+Down or F4", "Open the calendar of a date field"),
    ("Lists", ""),
    ("Down", "From the search box into the list"),
    ("Enter", "Open the selected row (on My list and Children: start or open the audit)"),
    ("Ctrl+Tab, Ctrl+Shift+Tab", "Next or previous tab"),
    ("Tab, Shift+Tab", "Leave a list or table for the next or previous control"),
)


def build_menu_bar(
    bar: QMenuBar,
    menus: Sequence[tuple[str, Sequence[QAction | None]]],
) -> list[QMenu]:
    """Fill ``bar`` with one menu per (title, actions), None being a separator; the menus."""
    made = []
    for title, actions in menus:
        menu = bar.addMenu(title)
        made.append(menu)
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
    return made


def shortcut_rows(actions: Sequence[QAction]) -> list[tuple[str, str]]:
    """(keys, what they do) for the window's commands, then the form's and the lists' keys."""
    rows = [("Main window", "")]
    for action in actions:
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if keys:
            rows.append((keys, action.text().replace("&", "").rstrip("…")))
    return rows + list(FORM_KEYS)


class ShortcutsDialog(QDialog):
    """Every key pwdesk answers to, in one table; Close (or Escape) closes it."""

    def __init__(self, rows: Sequence[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = QTableWidget(len(rows), 2)
        self.table.setHorizontalHeaderLabels(["Keys", "What they do"])
        self.table.setAccessibleName("Keyboard shortcuts")
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for Close
        for row, (keys, meaning) in enumerate(rows):
            key_item = QTableWidgetItem(keys)
            if not meaning:  # a heading row
                font = key_item.font()
                font.setBold(True)
                key_item.setFont(font)
            self.table.setItem(row, 0, key_item)
            self.table.setItem(row, 1, QTableWidgetItem(meaning))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The underlined letter of a menu, tab or button is Alt+letter."))
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        fit_to_screen(self, 760, 620)
