"""The main window's toolbar: the Practice Week chooser, then the window's commands in groups."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QLabel, QToolBar


def command(parent: QObject, text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
    """An action run by ``shortcut`` too, which its tooltip names."""
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(shortcut))
    action.setToolTip(f"{text.replace('&', '')} ({shortcut})")
    action.triggered.connect(slot)
    return action


class MainToolbar(QToolBar):
    """The week chooser (``week_box``, reached with Alt+K), then each group of commands after a
    separator."""

    def __init__(self, groups: Sequence[Sequence[QAction]]) -> None:
        super().__init__("Main")
        self.setObjectName("main-toolbar")
        self.setMovable(False)
        self.week_box = QComboBox()
        self.week_box.setAccessibleName("Practice Week")
        self.week_box.setMinimumWidth(320)
        week_label = QLabel("Practice wee&k: ")
        week_label.setBuddy(self.week_box)
        self.addWidget(week_label)
        self.addWidget(self.week_box)
        for group in groups:
            self.addSeparator()
            for action in group:
                self.addAction(action)
