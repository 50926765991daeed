"""Starting pwdesk: create the encrypted database on first run, unlock it on later runs."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.tasks import Task, run_with_progress
from pwdesk.services.settings import load_settings, save_settings
from pwdesk.services.stores import create_store, open_store
from pwdesk.store.database import Database

MINIMUM_LENGTH = 10


def passphrase_strength(passphrase: str) -> tuple[int, str]:
    """A rough strength (0 weak, 1 fair, 2 strong) and a hint in words.

    Length matters most: a few unrelated words beat a short jumble of symbols.
    """
    length = len(passphrase)
    kinds = sum(
        any(ch in group for ch in passphrase)
        for group in (string.ascii_lowercase, string.ascii_uppercase, string.digits)
    ) + any(not ch.isalnum() for ch in passphrase)
    if length < MINIMUM_LENGTH:
        return (
            0,
            f"Too short: use at least {MINIMUM_LENGTH} characters; "
            "a few unrelated words work well.",
        )
    if length >= 20 or (length >= 14 and kinds >= 3):
        return 2, "Strong."
    return 1, "Fair: a longer passphrase (four or five unrelated words) is stronger."


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    field.setMinimumWidth(320)
    return field


class _PassphraseDialog(QDialog):
    """What both dialogs share: a message line, OK/Cancel, and a background open."""

    def __init__(self, path: Path, title: str, action: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.path = path
        self.database: Database | None = None
        self.task: Task | None = None
        self.setWindowTitle(title)
        self.form = QFormLayout()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("error")
        self.message.setAccessibleName("Message")
        # Room for a three-line sentence from the start, so an error is never cut off.
        self.message.setMinimumHeight(self.message.fontMetrics().lineSpacing() * 3 + 4)
        self.setMinimumWidth(480)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(action)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel(self._intro())
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def _intro(self) -> str:
        raise NotImplementedError

    def _submit(self) -> None:
        raise NotImplementedError

    def _run(self, job: Callable[[], Database], busy: str) -> None:
        self.message.setObjectName("busy")
        self.message.setText(busy)
        self.ok_button.setEnabled(False)
        self.task = run_with_progress(
            self,
            busy,
            job,
            self._opened,
            self._failed,
            on_cancel=self._cancelled,
            discard=lambda database: database.close(),
        )

    def _cancelled(self) -> None:
        self.ok_button.setEnabled(True)
        self.show_error("Cancelled.")

    def _opened(self, database: Database) -> None:
        self.database = database
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.show_error(
            str(error) if isinstance(error, PwdeskError) else f"Unexpected error: {error}"
        )

    def show_error(self, text: str) -> None:
        """Show one sentence saying what went wrong."""
        self.message.setObjectName("error")
        self.message.setText(text)


class CreateDatabaseDialog(_PassphraseDialog):
    """First run: choose the passphrase (twice) that encrypts the new database."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(path, "Create your pwdesk database", "Create", parent)
        self.passphrase = _password_field("Passphrase")
        self.again = _password_field("Passphrase again")
        self.strength = QLabel()
        self.strength.setAccessibleName("Passphrase strength")
        self.form.addRow("&Passphrase:", self.passphrase)
        self.form.addRow("", self.strength)
        self.form.addRow("&Again:", self.again)
        # Most databases are a senior leader's laptop; the QA officer's store is made once.
        self.role = QComboBox()
        self.role.setAccessibleName("This database is")
        self.role.addItem("A senior leader's laptop", "laptop")
        self.role.addItem("The QA officer's store (sets up weeks, merges every laptop)", "qa")
        self.form.addRow("&This database is:", self.role)
        self.passphrase.textChanged.connect(self._rate)
        self._rate("")

    def _intro(self) -> str:
        return (
            f"pwdesk keeps its records encrypted in {self.path}. Choose a passphrase: without it "
            "nobody, including you, can open the records. Write it down somewhere safe."
        )

    def _rate(self, text: str) -> None:
        level, hint = passphrase_strength(text)
        # The strong hint already says "Strong."; prefixing the level would say it twice.
        label = ("Weak", "Fair", "")[level]
        self.strength.setText(f"{label} — {hint}" if text and label else hint)
        self.strength.setObjectName(("weak", "fair", "strong")[level])
        self.strength.style().unpolish(self.strength)
        self.strength.style().polish(self.strength)

    def _submit(self) -> None:
        passphrase = self.passphrase.text()
        if len(passphrase) < MINIMUM_LENGTH:
            self.show_error(f"The passphrase needs at least {MINIMUM_LENGTH} characters.")
            self.passphrase.setFocus()
        elif passphrase != self.again.text():
            self.show_error("The two passphrases differ; type them again.")
            self.again.clear()
            self.again.setFocus()
        else:
            path, role = self.path, str(self.role.currentData())
            self._run(lambda: _created(path, passphrase, role), "Creating the database…")


def _created(path: Path, passphrase: str, role: str) -> Database:
    """A new database at ``path`` for ``role`` ("laptop" or "qa")."""
    db = create_store(path, passphrase)
    save_settings(db, replace(load_settings(db), role=role))
    return db


class UnlockDialog(_PassphraseDialog):
    """Later runs: the passphrase unlocks the database; a wrong one says so and lets you retry."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(path, "Unlock pwdesk", "Unlock", parent)
        self.passphrase = _password_field("Passphrase")
        self.form.addRow("&Passphrase:", self.passphrase)
        self.passphrase.setFocus(Qt.FocusReason.OtherFocusReason)

    def _intro(self) -> str:
        return f"Type the passphrase of {self.path.name} to unlock your records."

    def _submit(self) -> None:
        path, passphrase = self.path, self.passphrase.text()
        if not passphrase:
            self.show_error("Type the passphrase first.")
            return
        self._run(lambda: open_store(path, passphrase), "Unlocking…")

    def _failed(self, error: BaseException) -> None:
        super()._failed(error)
        self.passphrase.selectAll()
        self.passphrase.setFocus()
