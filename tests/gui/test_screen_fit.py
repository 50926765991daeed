"""Every window and dialog fits a 1366x768 council laptop screen, its buttons in sight.

The GUI tests run on an offscreen screen of that size (conftest.py). Each window is opened the
way its command opens it, shown, and measured: the whole frame must lie on the screen's free
area, and every button outside a scrolling area must be on screen and not covered or cut off.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QDialog, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import TemplateKind
from pwdesk.gui.main_window import MainWindow
from pwdesk.gui.printing import PdfPreview
from pwdesk.gui.recovery import RecoveryDialog
from pwdesk.gui.screen import fits_on_screen
from pwdesk.gui.settings_dialog import SettingsDialog
from pwdesk.gui.unlock import CreateDatabaseDialog, UnlockDialog
from pwdesk.services.drafts import kept_drafts
from pwdesk.services.feedback import feedback_pdf
from pwdesk.services.settings import load_settings
from tests.gui.conftest import open_editor
from tests.gui.mnemonics import duplicate_mnemonics

Opener = Callable[[QtBot, MainWindow, Path], QWidget | None]


def _completed_audit(window: MainWindow) -> str:
    model = window.audits.model
    rows = [model.row_at(index) for index in range(model.rowCount())]
    return str(next(row.id for row in rows if row.status == Status.COMPLETED))


def _editor(qtbot: QtBot, window: MainWindow, _: Path) -> QWidget:
    return open_editor(qtbot, window, _completed_audit(window))


def _observation(qtbot: QtBot, window: MainWindow, _: Path) -> QWidget:
    return open_editor(qtbot, window, window.observations.visible_ids()[0])


def _preview(qtbot: QtBot, window: MainWindow, _: Path) -> QWidget:
    return PdfPreview(window, feedback_pdf(window.db, _completed_audit(window)), "CR000001")


def _moderation(qtbot: QtBot, window: MainWindow, _: Path) -> QWidget | None:
    window.tabs.setCurrentWidget(window.audits)
    completed = _completed_audit(window)
    window.audits.table.selectRow(window.audits.visible_ids().index(completed))
    return window.dialogs.new_moderation_dialog()


def _recovery(qtbot: QtBot, window: MainWindow, _: Path) -> QWidget:
    editor = open_editor(qtbot, window, _completed_audit(window))
    editor._keeper.keep_now().result()
    return RecoveryDialog(kept_drafts(window.db), {}, window)


OPENERS: dict[str, Opener] = {
    "main window": lambda qtbot, window, _: window,
    "audit editor": _editor,
    "observation editor": _observation,
    "print preview": _preview,
    "new audit": lambda qtbot, window, _: window.new_record_dialog(TemplateKind.CASE_AUDIT),
    "new observation": lambda qtbot, window, _: window.new_record_dialog(TemplateKind.OBSERVATION),
    "set up a week": lambda qtbot, window, _: window.dialogs.new_week_setup_dialog(),
    "allocate": lambda qtbot, window, _: window.dialogs.new_allocation_dialog(),
    "moderate": _moderation,
    "export": lambda qtbot, window, _: window.dialogs.new_export_dialog(),
    "merge": lambda qtbot, window, _: window.dialogs.new_merge_dialog(),
    "merge history": lambda qtbot, window, _: window.dialogs.new_history_dialog(),
    "settings": lambda qtbot, window, _: SettingsDialog(load_settings(window.db), window),
    "recovery": _recovery,
    "keyboard shortcuts": lambda qtbot, window, _: window.show_shortcuts(),
    "unlock": lambda qtbot, window, folder: UnlockDialog(folder / "pwdesk.db"),
    "create a database": lambda qtbot, window, folder: CreateDatabaseDialog(folder / "new.db"),
}


def _outside_scrolling(button: QWidget, top: QWidget) -> bool:
    """Whether a button is part of the window's fixed frame rather than of scrolled content."""
    parent = button.parentWidget()
    while parent is not None and parent is not top:
        if isinstance(parent, QAbstractScrollArea):
            return False
        parent = parent.parentWidget()
    return True


def _global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


@pytest.mark.parametrize("name", sorted(OPENERS))
def test_the_window_fits_a_laptop_screen_with_its_buttons_in_sight(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, name: str
) -> None:
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert (screen.width(), screen.height()) == (1366, 768)
    widget = OPENERS[name](qtbot, demo_window, tmp_path)
    assert widget is not None
    if widget is not demo_window:
        qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)

    assert fits_on_screen(widget), f"{name}: {widget.frameGeometry()} is not within {screen}"
    buttons = [
        button
        for button in widget.findChildren(QAbstractButton)
        if button.isVisibleTo(widget) and _outside_scrolling(button, widget)
    ]
    if isinstance(widget, QDialog) or name.endswith("editor"):
        assert buttons, f"{name} shows no buttons"
    for button in buttons:
        where = _global_rect(button)
        assert screen.contains(where), f"{name}: {button.text()!r} at {where} is off screen"
        shown = button.visibleRegion().boundingRect()
        assert shown.size() == button.size(), f"{name}: {button.text()!r} is cut off"


@pytest.mark.parametrize("name", sorted(set(OPENERS) - {"main window"}))  # tab by tab elsewhere
def test_no_two_controls_of_the_window_share_an_access_key(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, name: str
) -> None:
    widget = OPENERS[name](qtbot, demo_window, tmp_path)
    assert widget is not None
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    assert duplicate_mnemonics(widget) == {}, name


# Windows rather than dialogs, and Qt's print preview, whose Print is a toolbar button (Ctrl+P).
NOT_DIALOGS = {"main window", "audit editor", "observation editor", "print preview"}


@pytest.mark.parametrize("name", sorted(set(OPENERS) - NOT_DIALOGS))
def test_enter_in_the_dialog_has_a_default_button_to_press(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path, name: str
) -> None:
    widget = OPENERS[name](qtbot, demo_window, tmp_path)
    assert isinstance(widget, QDialog)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    defaults = [b for b in widget.findChildren(QPushButton) if b.isDefault() and b.isVisible()]
    assert len(defaults) == 1, (name, [b.text() for b in defaults])


def test_the_print_preview_prints_with_ctrl_p(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path
) -> None:
    preview = _preview(qtbot, demo_window, tmp_path)
    assert isinstance(preview, PdfPreview)
    qtbot.addWidget(preview)
    assert preview.print_action.shortcut() == QKeySequence(QKeySequence.StandardKey.Print)
