"""GUI tests run offscreen on a 1366x768 laptop screen; pytest-qt fails any Qt warning."""

from __future__ import annotations

import os
from pathlib import Path

# The council laptop the windows must fit (laptop-screen.json); offscreen's own is 800x800.
os.environ["QT_QPA_PLATFORM"] = (
    f"offscreen:configfile={Path(__file__).with_name('laptop-screen.json')}"
    if os.environ.get("QT_QPA_PLATFORM", "offscreen") == "offscreen"
    else os.environ["QT_QPA_PLATFORM"]
)

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.record_editor import RecordEditor
from pwdesk.store.database import Database


def type_text(widget: QWidget, text: str) -> None:
    """Type like a user, accented letters included (QTest.keyClicks handles ASCII only)."""
    for character in text:
        if character.isascii():
            QTest.keyClicks(widget, character)
            continue
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            event = QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, character)
            QApplication.sendEvent(widget, event)


@pytest.fixture
def demo_window(qtbot: QtBot, demo_db: Database, tmp_path: Path) -> MainWindow:
    """The main window on the demo database, shown and filled."""
    main = MainWindow(demo_db, settings_file(tmp_path))
    qtbot.addWidget(main)
    with qtbot.waitSignal(main.refreshed, timeout=10_000):
        main.show()
    return main


def open_editor(qtbot: QtBot, window: MainWindow, record_id: str) -> RecordEditor:
    """A saved record opened from the main window, as a double-click opens it."""
    editor = window.open_record(record_id)
    qtbot.addWidget(editor)
    return editor
