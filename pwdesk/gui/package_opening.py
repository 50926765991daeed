"""How the merge dialog opens packages: with the passphrase they were exported with, or with the
QA officer's private key file and its own passphrase."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QPushButton,
    QRadioButton,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.package_files import FIELD_WIDTH, remembered
from pwdesk.gui.widgets import buddy, line, with_button


@dataclass(frozen=True)
class Opening:
    """What opens the packages: their passphrase, or the QA officer's key file and its own."""

    passphrase: str | None = None
    key_file: Path | None = None
    key_passphrase: str = ""


class PackageOpening(QGroupBox):
    """The choice of passphrase or private key, with the fields each needs."""

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__("Open them with")
        self.with_passphrase = QRadioButton("The packa&ge passphrase")
        self.with_passphrase.setAccessibleName("Open with the package passphrase")
        self.with_key = QRadioButton("The QA officer's private &key")
        self.with_key.setAccessibleName("Open with the QA officer's private key")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.with_passphrase)
        self.modes.addButton(self.with_key)
        self.passphrase = line("Package passphrase", secret=True, width=FIELD_WIDTH)
        self.key_path = line("QA officer's private key file", "The .key file", width=FIELD_WIDTH)
        self.key_browse = QPushButton("&Browse…")
        self.key_browse.clicked.connect(self._browse_key)
        self.key_passphrase = line("Private key passphrase", secret=True, width=FIELD_WIDTH)
        remembered_key = remembered(settings, "merge/private_key")
        self.key_path.setText(remembered_key)
        (self.with_key if remembered_key else self.with_passphrase).setChecked(True)
        self.with_key.toggled.connect(self._mode_changed)
        layout = QFormLayout(self)
        layout.addRow(self.with_passphrase)
        layout.addRow("Passphrase:", self.passphrase)
        layout.addRow(self.with_key)
        layout.addRow(
            buddy("Key &file:", self.key_path), with_button(self.key_path, self.key_browse)
        )
        layout.addRow("Key passphrase:", self.key_passphrase)
        self._mode_changed()

    def _mode_changed(self) -> None:
        by_key = self.with_key.isChecked()
        self.passphrase.setEnabled(not by_key)
        for widget in (self.key_path, self.key_browse, self.key_passphrase):
            widget.setEnabled(by_key)

    def _browse_key(self) -> None:
        path = self.choose_private_key()
        if path:
            self.key_path.setText(path)

    def choose_private_key(self) -> str:
        """Ask for the QA officer's private key file ("" if the user cancels)."""
        path, _ = QFileDialog.getOpenFileName(
            self.window(),
            "The QA officer's private key",
            self.key_path.text(),
            "Private keys (*.key)",
        )
        return path

    def opening(self) -> Opening:
        """What the user chose to open the packages with; PwdeskError says what is missing."""
        if self.with_key.isChecked():
            key_text = self.key_path.text().strip()
            if not key_text:
                raise PwdeskError("Choose the QA officer's private key file (.key).")
            return Opening(None, Path(key_text).expanduser(), self.key_passphrase.text())
        secret = self.passphrase.text()
        if not secret:
            raise PwdeskError("Type the passphrase the packages were exported with.")
        return Opening(secret)
