"""Export: a laptop writes its week to a signed, encrypted ``.pwx`` package for the QA officer.

The dialog only gathers choices and shows the outcome; :mod:`pwdesk.services.export` writes the
package in the background, and errors a user can cause come back as one sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.package_files import (
    FIELD_WIDTH,
    PACKAGE_FILTER,
    PACKAGE_SUFFIX,
    PROGRESS_DELAY_MS,
    documents_folder,
    remember,
    remembered,
)
from pwdesk.gui.screen import fit_to_screen
from pwdesk.gui.tasks import Task, run_with_progress
from pwdesk.gui.widgets import buddy, combo, line, say, sentence, with_button
from pwdesk.services.export import ExportResult, export_package
from pwdesk.services.keys import recipient_key
from pwdesk.services.weeks import WeekSummary
from pwdesk.store.database import Database

MIN_PASSPHRASE = 10


def suggested_package_name(week_code: str | None, device_name: str) -> str:
    """A package's file name that says what it holds and where it came from."""
    device = re.sub(r"[^A-Za-z0-9]+", "-", device_name).strip("-").lower() or "device"
    return f"pwdesk-{week_code or 'every-week'}-{device}{PACKAGE_SUFFIX}"


class ExportDialog(QDialog):
    """Write a week's records (or every week's) to a signed, encrypted ``.pwx`` package.

    ``exported`` carries the ExportResult once the package is written.
    """

    exported = Signal(object)

    def __init__(
        self,
        db: Database,
        weeks: Sequence[WeekSummary],
        current: WeekSummary | None = None,
        parent: QWidget | None = None,
        settings: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.task: Task | None = None
        self.exported_result: ExportResult | None = None
        self.setWindowTitle("Export a package")
        self._device = db.setting("device_name", db.identity.device_name)
        choices = [(f"{week.code} — {week.title}", week.code) for week in weeks]
        self.week_box = combo("Week to export", [*choices, ("Every week", "")])
        if current is not None:
            self.week_box.setCurrentIndex(self.week_box.findData(current.code))
        who = self._build_recipient()
        self._build_output()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = self._build_buttons()
        self._build_layout(who, buttons)
        fit_to_screen(self, 620, self.sizeHint().height())
        self._mode_changed()

    def _build_recipient(self) -> QGroupBox:
        """Who can open the package: the QA officer's key, or whoever has the passphrase."""
        self.to_key = QRadioButton("The QA officer's public &key")
        self.to_key.setAccessibleName("Open with the QA officer's public key")
        self.to_passphrase = QRadioButton("A &passphrase")
        self.to_passphrase.setAccessibleName("Open with a passphrase")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.to_key)
        self.modes.addButton(self.to_passphrase)
        self.key_path = line(
            "QA officer's public key file", "The .pub file the QA officer gave", width=FIELD_WIDTH
        )
        self.key_browse = QPushButton("&Browse…")
        self.key_browse.clicked.connect(self._browse_key)
        self.passphrase = line(
            "Package passphrase",
            f"At least {MIN_PASSPHRASE} characters",
            secret=True,
            width=FIELD_WIDTH,
        )
        self.passphrase_again = line(
            "Package passphrase again", "The same again", secret=True, width=FIELD_WIDTH
        )
        self.key_path.setText(remembered(self.settings, "export/public_key"))
        self.to_key.setChecked(True)
        self.to_key.toggled.connect(self._mode_changed)
        who = QGroupBox("Who can open it")
        who_layout = QFormLayout(who)
        who_layout.addRow(self.to_key)
        who_layout.addRow(
            buddy("Key &file:", self.key_path), with_button(self.key_path, self.key_browse)
        )
        who_layout.addRow(self.to_passphrase)
        who_layout.addRow("Passphrase:", self.passphrase)
        who_layout.addRow("Again:", self.passphrase_again)
        hint = QLabel(
            "With a passphrase, tell the QA officer the passphrase by another route than the file."
        )
        hint.setObjectName("muted")
        hint.setWordWrap(True)
        who_layout.addRow(hint)
        return who

    def _build_output(self) -> None:
        """Where the package goes: a name that follows the week until the user types one."""
        self.out_path = line("Package file", "Where to save the .pwx file", width=FIELD_WIDTH)
        self.out_browse = QPushButton("B&rowse…")
        self.out_browse.clicked.connect(self._browse_out)
        folder = Path(remembered(self.settings, "export/folder") or documents_folder())
        self._suggested = str(folder / self._suggested_name())
        self.out_path.setText(self._suggested)
        self.week_box.currentIndexChanged.connect(self._week_changed)

    def _build_buttons(self) -> QDialogButtonBox:
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("E&xport", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)
        return buttons

    def _build_layout(self, who: QGroupBox, buttons: QDialogButtonBox) -> None:
        form = QFormLayout()
        form.addRow("&Week:", self.week_box)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "A package holds the week's records with their whole history, signed by this "
            "device and encrypted. Take it to the QA officer, who merges it."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(who)
        save_form = QFormLayout()
        save_form.addRow(
            buddy("&Save to:", self.out_path), with_button(self.out_path, self.out_browse)
        )
        layout.addLayout(save_form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    # --- choosing ----------------------------------------------------------------------------

    def week_code(self) -> str | None:
        """The week chosen, or None for every week."""
        return str(self.week_box.currentData() or "") or None

    def _suggested_name(self) -> str:
        return suggested_package_name(self.week_code(), self._device)

    def _week_changed(self) -> None:
        # Follow the week only while the user has not typed a name of their own.
        if self.out_path.text() == self._suggested:
            self._suggested = str(Path(self._suggested).with_name(self._suggested_name()))
            self.out_path.setText(self._suggested)

    def _mode_changed(self) -> None:
        by_key = self.to_key.isChecked()
        for widget in (self.key_path, self.key_browse):
            widget.setEnabled(by_key)
        for widget in (self.passphrase, self.passphrase_again):
            widget.setEnabled(not by_key)

    def _browse_key(self) -> None:
        path = self.choose_public_key()
        if path:
            self.key_path.setText(path)

    def choose_public_key(self) -> str:
        """Ask for the QA officer's public key file ("" if the user cancels)."""
        path, _ = QFileDialog.getOpenFileName(
            self, "The QA officer's public key", self.key_path.text(), "Public keys (*.pub)"
        )
        return path

    def _browse_out(self) -> None:
        path = self.choose_output()
        if path:
            self.out_path.setText(path)

    def choose_output(self) -> str:
        """Ask where to save the package ("" if the user cancels)."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Save the package", self.out_path.text(), PACKAGE_FILTER
        )
        return path

    def _target(self) -> Path:
        text = self.out_path.text().strip()
        if not text:
            raise PwdeskError("Choose where to save the package.")
        out = Path(text).expanduser()
        if out.suffix.lower() != PACKAGE_SUFFIX:
            out = out.with_name(out.name + PACKAGE_SUFFIX)
        if not out.parent.is_dir():
            raise PwdeskError(f"The folder {out.parent} does not exist.")
        return out

    def _secret(self) -> str:
        secret = self.passphrase.text()
        if len(secret) < MIN_PASSPHRASE:
            raise PwdeskError(f"The package passphrase needs at least {MIN_PASSPHRASE} characters.")
        if secret != self.passphrase_again.text():
            raise PwdeskError("The two passphrases differ; type the same one twice.")
        return secret

    # --- exporting ---------------------------------------------------------------------------

    def export(self) -> Task | None:
        """Check the choices, then write the package in the background."""
        if self.task is not None:
            return None
        try:
            out = self._target()
            if self.to_key.isChecked():
                recipient, secret = recipient_key(self.key_path.text()), None
            else:
                recipient, secret = None, self._secret()
        except PwdeskError as error:
            say(self.message, str(error), "error")
            return None
        db, week = self.db, self.week_code()
        say(self.message, "Writing the package…", "busy")
        self.export_button.setEnabled(False)
        self.task = run_with_progress(
            self,
            "Writing the package…",
            lambda: export_package(db, out, week_code=week, passphrase=secret, recipient=recipient),
            self._exported,
            self._failed,
            on_cancel=self._cancelled,
            discard=lambda result: Path(result.out).unlink(missing_ok=True),
            delay_ms=PROGRESS_DELAY_MS,
        )
        if recipient is not None:
            remember(self.settings, "export/public_key", self.key_path.text().strip())
        remember(self.settings, "export/folder", str(out.parent))
        return self.task

    def _exported(self, result: ExportResult) -> None:
        self.task = None
        self.exported_result = result
        self.export_button.setEnabled(True)
        self.out_path.setText(result.out)
        noun = "record" if result.records == 1 else "records"
        say(self.message, f"Wrote {result.records} {noun} to {result.out}.", "muted")
        self.close_button.setFocus()
        self.exported.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        say(self.message, sentence(error, "The package could not be written"), "error")

    def _cancelled(self) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        say(self.message, "Export cancelled; no package was kept.", "muted")
