"""The composition root of the desktop application: builds the objects and wires them."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from pwdesk import __version__
from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.failures import install_failure_handler
from pwdesk.gui.main_window import MainWindow, settings_file
from pwdesk.gui.system_libraries import missing_libraries_sentence
from pwdesk.gui.theme import themed_style
from pwdesk.gui.unlock import CreateDatabaseDialog, UnlockDialog
from pwdesk.resources import resource_path
from pwdesk.services.locations import config_folder, default_database_path, log_folder
from pwdesk.services.stores import open_store, shown_location


class SystemLibraryMissing(PwdeskError):
    """A system library the desktop window needs is not installed."""


def application() -> QApplication:
    """The one QApplication, named and styled."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv)
    app.setApplicationName("pwdesk")
    app.setApplicationDisplayName("pwdesk")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons", "pwdesk.png"))))
    style = resource_path("style.qss")
    if style.is_file():
        app.setStyleSheet(themed_style(style.read_text(encoding="utf-8")))
    return app


def server_window(url: str, settings_folder: Path | None = None) -> MainWindow:
    """The main window on a store kept on a database server; its login is in the URL."""
    db = open_store(None, None, url)
    where = f"Database on a server: {shown_location(url)}"
    return MainWindow(db, settings_file(settings_folder or config_folder()), location=where)


def _run_on_server(app: QApplication, url: str) -> int:
    try:
        window = server_window(url)
    except PwdeskError as error:
        QMessageBox.critical(None, "pwdesk", str(error))
        return 2
    window.show()
    QTimer.singleShot(0, window.offer_recovery)
    try:
        return app.exec()
    finally:
        window.db.close()


def run(db_path: Path | None = None, url: str | None = None) -> int:
    """Open (or on first run create) the database, then show the main window until it closes.

    With ``url`` the store is on a database server: no passphrase is asked for, since the
    server's own login is in the URL.
    """
    missing = missing_libraries_sentence()
    if missing is not None:  # Qt's X11 plugin would abort with a message naming no library
        raise SystemLibraryMissing(missing)
    app = application()
    install_failure_handler(log_folder())
    if url is not None:
        return _run_on_server(app, url)
    path = db_path or default_database_path()
    dialog: CreateDatabaseDialog | UnlockDialog
    dialog = UnlockDialog(path) if path.exists() else CreateDatabaseDialog(path)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.database is None:
        return 0
    db = dialog.database
    window = MainWindow(db, settings_file(config_folder()), location=f"Encrypted database: {path}")
    window.show()
    QTimer.singleShot(0, window.offer_recovery)
    try:
        return app.exec()
    finally:
        db.close()
