"""The last line of defence: an exception no code caught is told in one sentence and logged.

A windowed bundle has no stderr, so an exception in a slot would otherwise vanish. The log
holds no message text (see pwdesk.services.error_log), and the dialog tells the user that what
they typed is kept (drafts are kept as they type, apart from this).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from pwdesk.services.error_log import log_failure

ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], None]


class FailureHandler:
    """sys.excepthook for the GUI: log where it failed, then say so in one sentence."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.last_box: QMessageBox | None = None

    def __call__(
        self, kind: type[BaseException], error: BaseException, tb: TracebackType | None
    ) -> None:
        try:
            path = log_failure(self.folder, kind, tb, datetime.now(UTC))
            where = f" The details are in {path}."
        except OSError:
            where = " The error log could not be written."
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        parent: QWidget | None = QApplication.activeWindow()
        box = QMessageBox(parent)
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("Something went wrong")
        box.setText(
            "Something went wrong in pwdesk; your saved work and kept typing are safe." + where
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.open()  # never a nested event loop inside whatever failed
        self.last_box = box


def install_failure_handler(folder: Path) -> FailureHandler:
    """Route every uncaught exception to a FailureHandler logging into ``folder``."""
    handler = FailureHandler(folder)
    sys.excepthook = handler
    return handler
