"""Export and merge: a laptop writes its week to a ``.pwx`` package; the QA officer merges them.

The dialogs only gather choices and show outcomes; the work is done by
:mod:`pwdesk.services.merge` in the background, and errors a user can cause come back as one
sentence in the dialog.
"""

from __future__ import annotations

import html
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.exchange.keys import load_public_key, unlock_private_key, weak_key_hint
from pwdesk.gui.list_page import ListPage
from pwdesk.gui.models import Column, RowTableModel
from pwdesk.gui.tasks import Task, run_with_progress
from pwdesk.services.conflicts import list_conflicts
from pwdesk.services.export import ExportResult, export_package
from pwdesk.services.merge import MergeCancelled, MergeResult, merge_packages
from pwdesk.services.signers import MergeRecord, UntrustedSigner, merge_history, trust_signer
from pwdesk.services.weeks import WeekSummary
from pwdesk.store.database import Database

PACKAGE_SUFFIX = ".pwx"
PACKAGE_FILTER = "pwdesk packages (*.pwx)"
MIN_PASSPHRASE = 10
PROGRESS_DELAY_MS = 400


def _documents_folder() -> Path:
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(folder) if folder and Path(folder).is_dir() else Path.home()


def suggested_package_name(week_code: str | None, device_name: str) -> str:
    """A package's file name that says what it holds and where it came from."""
    device = re.sub(r"[^A-Za-z0-9]+", "-", device_name).strip("-").lower() or "device"
    return f"pwdesk-{week_code or 'every-week'}-{device}{PACKAGE_SUFFIX}"


def _line(name: str, placeholder: str = "", *, secret: bool = False) -> QLineEdit:
    line = QLineEdit()
    line.setAccessibleName(name)
    line.setPlaceholderText(placeholder)
    line.setMinimumWidth(320)
    if secret:
        line.setEchoMode(QLineEdit.EchoMode.Password)
    return line


def _with_button(line: QLineEdit, button: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(line, 1)
    row.addWidget(button)
    return row


def _buddy(text: str, field: QWidget) -> QLabel:
    """A label whose mnemonic moves the focus to ``field``."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def _say(label: QLabel, text: str, kind: str) -> None:
    """Show a line in a message label styled by kind ("error", "muted", "busy")."""
    label.setObjectName(kind)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)


def _sentence(error: BaseException, what: str) -> str:
    """An error as one sentence: ours say it themselves; anything else gets a preamble."""
    if isinstance(error, PwdeskError):
        return str(error)
    return f"{what}: {error}"


# --- export ----------------------------------------------------------------------------------


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

        self.week_box = QComboBox()
        self.week_box.setAccessibleName("Week to export")
        for week in weeks:
            self.week_box.addItem(f"{week.code} — {week.title}", week.code)
        self.week_box.addItem("Every week", "")
        if current is not None:
            self.week_box.setCurrentIndex(self.week_box.findData(current.code))

        self.to_key = QRadioButton("The QA officer's public &key")
        self.to_key.setAccessibleName("Open with the QA officer's public key")
        self.to_passphrase = QRadioButton("A &passphrase")
        self.to_passphrase.setAccessibleName("Open with a passphrase")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.to_key)
        self.modes.addButton(self.to_passphrase)
        self.key_path = _line("QA officer's public key file", "The .pub file the QA officer gave")
        self.key_browse = QPushButton("&Browse…")
        self.key_browse.clicked.connect(self._browse_key)
        self.passphrase = _line(
            "Package passphrase", f"At least {MIN_PASSPHRASE} characters", secret=True
        )
        self.passphrase_again = _line("Package passphrase again", "The same again", secret=True)

        self.out_path = _line("Package file", "Where to save the .pwx file")
        self.out_browse = QPushButton("B&rowse…")
        self.out_browse.clicked.connect(self._browse_out)
        folder = Path(self._remembered("export/folder") or _documents_folder())
        self._suggested = str(folder / self._suggested_name())
        self.out_path.setText(self._suggested)
        self.week_box.currentIndexChanged.connect(self._week_changed)

        remembered_key = self._remembered("export/public_key")
        self.key_path.setText(remembered_key)
        self.to_key.setChecked(True)
        self.to_key.toggled.connect(self._mode_changed)

        who = QGroupBox("Who can open it")
        who_layout = QFormLayout(who)
        who_layout.addRow(self.to_key)
        who_layout.addRow(
            _buddy("Key &file:", self.key_path), _with_button(self.key_path, self.key_browse)
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

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton("E&xport", QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.setDefault(True)
        buttons.accepted.connect(self.export)
        buttons.rejected.connect(self.reject)

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
        save_label = QLabel("&Save to:")
        save_label.setBuddy(self.out_path)
        save_form.addRow(save_label, _with_button(self.out_path, self.out_browse))
        layout.addLayout(save_form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.resize(620, self.sizeHint().height())
        self._mode_changed()

    def _remembered(self, key: str) -> str:
        value = self.settings.value(key, "") if self.settings is not None else ""
        return value if isinstance(value, str) else ""

    def _remember(self, key: str, value: str) -> None:
        if self.settings is not None:
            self.settings.setValue(key, value)

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

    def export(self) -> Task | None:
        """Check the choices, then write the package in the background."""
        if self.task is not None:
            return None
        try:
            out = self._target()
            if self.to_key.isChecked():
                key_text = self.key_path.text().strip()
                if not key_text:
                    raise PwdeskError("Choose the QA officer's public key file (.pub).")
                recipient, secret = load_public_key(Path(key_text).expanduser()), None
            else:
                recipient, secret = None, self._secret()
        except PwdeskError as error:
            _say(self.message, str(error), "error")
            return None
        db, week = self.db, self.week_code()
        _say(self.message, "Writing the package…", "busy")
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
            self._remember("export/public_key", self.key_path.text().strip())
        self._remember("export/folder", str(out.parent))
        return self.task

    def _exported(self, result: ExportResult) -> None:
        self.task = None
        self.exported_result = result
        self.export_button.setEnabled(True)
        self.out_path.setText(result.out)
        noun = "record" if result.records == 1 else "records"
        _say(self.message, f"Wrote {result.records} {noun} to {result.out}.", "muted")
        self.close_button.setFocus()
        self.exported.emit(result)

    def _failed(self, error: BaseException) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        _say(self.message, _sentence(error, "The package could not be written"), "error")

    def _cancelled(self) -> None:
        self.task = None
        self.export_button.setEnabled(True)
        _say(self.message, "Export cancelled; no package was kept.", "muted")


# --- merge -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MergeOutcome:
    """A merge's result, and how many records wait in conflict after it (from any merge)."""

    result: MergeResult
    in_conflict: int
    key_hint: str = ""  # the key file needs re-protecting: how to


class _Relay(QObject):
    """Carries the merge's progress from its thread to the dialog on the GUI thread."""

    moved = Signal(int, int, str)


COUNT_ROWS = (
    ("packages", "Packages", "merged in one go"),
    ("new", "New", "records this database did not have"),
    ("updated", "Updated", "records moved on to a later version"),
    ("unchanged", "Unchanged", "records this database already had"),
    ("stale", "Stale", "older versions of records that have moved on here (nothing lost)"),
    ("merged", "Combined", "changed on several devices, in different answers: both kept"),
    ("conflicts", "In conflict", "the same answer changed differently on two devices"),
)


class MergeDialog(QDialog):
    """Merge packages from the laptops into this database, all in one transaction or none.

    ``merged`` follows a merge that changed the database; ``show_conflicts`` asks the main
    window to show the records in conflict.
    """

    merged = Signal()
    show_conflicts = Signal()

    def __init__(
        self, db: Database, parent: QWidget | None = None, settings: QSettings | None = None
    ) -> None:
        super().__init__(parent)
        self.db = db
        self.settings = settings
        self.task: Task | None = None
        self.progress: QProgressDialog | None = None
        self.outcome: MergeOutcome | None = None
        self._stop = threading.Event()
        self._relay = _Relay(self)
        self._relay.moved.connect(self._progressed)
        self.setWindowTitle("Merge packages")

        self.files = QListWidget()
        self.files.setAccessibleName("Packages to merge")
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.files.setMinimumHeight(70)
        self.files.setMaximumHeight(120)
        self.add_button = QPushButton("&Add files…")
        self.add_button.clicked.connect(self._browse_files)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.files.itemSelectionChanged.connect(self._files_changed)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(self.add_button)
        file_buttons.addWidget(self.remove_button)
        file_buttons.addStretch(1)
        file_row = QHBoxLayout()
        file_row.addWidget(self.files, 1)
        file_row.addLayout(file_buttons)

        self.with_passphrase = QRadioButton("The package pass&phrase")
        self.with_passphrase.setAccessibleName("Open with the package passphrase")
        self.with_key = QRadioButton("The QA officer's private &key")
        self.with_key.setAccessibleName("Open with the QA officer's private key")
        self.modes = QButtonGroup(self)
        self.modes.addButton(self.with_passphrase)
        self.modes.addButton(self.with_key)
        self.passphrase = _line("Package passphrase", secret=True)
        self.key_path = _line("QA officer's private key file", "The .key file")
        self.key_browse = QPushButton("&Browse…")
        self.key_browse.clicked.connect(self._browse_key)
        self.key_passphrase = _line("Private key passphrase", secret=True)
        remembered_key = self._remembered("merge/private_key")
        self.key_path.setText(remembered_key)
        (self.with_key if remembered_key else self.with_passphrase).setChecked(True)
        self.with_key.toggled.connect(self._mode_changed)
        how = QGroupBox("Open them with")
        how_layout = QFormLayout(how)
        how_layout.addRow(self.with_passphrase)
        how_layout.addRow("Passphrase:", self.passphrase)
        how_layout.addRow(self.with_key)
        how_layout.addRow(
            _buddy("Key &file:", self.key_path), _with_button(self.key_path, self.key_browse)
        )
        how_layout.addRow("Key passphrase:", self.key_passphrase)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.summary = self._summary_box()
        buttons = QDialogButtonBox()
        self.merge_button = buttons.addButton("&Merge", QDialogButtonBox.ButtonRole.AcceptRole)
        self.trust_button = buttons.addButton(
            "&Trust and merge", QDialogButtonBox.ButtonRole.ActionRole
        )
        self.trust_button.setToolTip(
            "Trust the devices listed above from now on, and merge their packages"
        )
        self.trust_button.clicked.connect(self.trust_and_merge)
        self.trust_button.hide()
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.merge_button.setDefault(True)
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)

        files_label = QLabel("&Packages:")
        files_label.setBuddy(self.files)
        layout = QVBoxLayout(self)
        layout.addWidget(files_label)
        layout.addLayout(file_row)
        layout.addWidget(how)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())
        self._mode_changed()
        self._files_changed()

    def _summary_box(self) -> QGroupBox:
        box = QGroupBox("What the merge did")
        layout = QVBoxLayout(box)
        grid = QGridLayout()
        grid.setHorizontalSpacing(12)
        self.count_labels: dict[str, QLabel] = {}
        for row, (key, title, meaning) in enumerate(COUNT_ROWS):
            count = QLabel("0")
            count.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            count.setAccessibleName(title)
            self.count_labels[key] = count
            explained = QLabel(meaning)
            explained.setObjectName("muted")
            grid.addWidget(QLabel(f"<b>{title}</b>"), row, 0)
            grid.addWidget(count, row, 1)
            grid.addWidget(explained, row, 2)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.signers_heading = QLabel("<b>Signed by</b>")
        layout.addWidget(self.signers_heading)
        self.signers_layout = QGridLayout()
        self.signers_layout.setColumnStretch(0, 1)
        layout.addLayout(self.signers_layout)
        self.signer_labels: dict[str, QLabel] = {}
        self.trust_buttons: dict[str, QPushButton] = {}
        self.trust_hint = QLabel(
            "Trust a device's key once you have checked its fingerprint with the person who "
            "holds the laptop."
        )
        self.trust_hint.setObjectName("muted")
        self.trust_hint.setWordWrap(True)
        layout.addWidget(self.trust_hint)
        self.duplicates = QLabel()
        self.duplicates.setWordWrap(True)
        layout.addWidget(self.duplicates)
        self.waiting = QLabel()
        self.waiting.setWordWrap(True)
        self.conflicts_button = QPushButton("Show &conflicts")
        self.conflicts_button.clicked.connect(self._show_conflicts)
        conflicts_row = QHBoxLayout()
        conflicts_row.addWidget(self.waiting, 1)
        conflicts_row.addWidget(self.conflicts_button)
        layout.addLayout(conflicts_row)
        box.hide()
        return box

    def _remembered(self, key: str) -> str:
        value = self.settings.value(key, "") if self.settings is not None else ""
        return value if isinstance(value, str) else ""

    # --- choosing --------------------------------------------------------------------------

    def paths(self) -> list[Path]:
        """The packages to merge, in list order."""
        return [
            Path(str(self.files.item(row).data(Qt.ItemDataRole.UserRole)))
            for row in range(self.files.count())
        ]

    def add_files(self, paths: Sequence[Path | str]) -> None:
        """Add packages to the list (each once)."""
        present = set(self.paths())
        for path in paths:
            resolved = Path(path).expanduser()
            if resolved in present:
                continue
            present.add(resolved)
            item = QListWidgetItem(resolved.name)
            item.setData(Qt.ItemDataRole.UserRole, str(resolved))
            item.setToolTip(str(resolved))
            self.files.addItem(item)
        self._files_changed()

    def remove_selected(self) -> None:
        """Take the selected packages off the list."""
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._files_changed()

    def _browse_files(self) -> None:
        self.add_files(self.choose_files())

    def choose_files(self) -> list[str]:
        """Ask for package files (none if the user cancels)."""
        folder = self._remembered("merge/folder") or str(_documents_folder())
        paths, _ = QFileDialog.getOpenFileNames(self, "Packages to merge", folder, PACKAGE_FILTER)
        return paths

    def _browse_key(self) -> None:
        path = self.choose_private_key()
        if path:
            self.key_path.setText(path)

    def choose_private_key(self) -> str:
        """Ask for the QA officer's private key file ("" if the user cancels)."""
        path, _ = QFileDialog.getOpenFileName(
            self, "The QA officer's private key", self.key_path.text(), "Private keys (*.key)"
        )
        return path

    def _files_changed(self) -> None:
        self.remove_button.setEnabled(bool(self.files.selectedItems()))
        self.merge_button.setEnabled(self.files.count() > 0 and self.task is None)

    def _mode_changed(self) -> None:
        by_key = self.with_key.isChecked()
        self.passphrase.setEnabled(not by_key)
        for widget in (self.key_path, self.key_browse, self.key_passphrase):
            widget.setEnabled(by_key)

    # --- merging ---------------------------------------------------------------------------

    def trust_and_merge(self) -> Task | None:
        """Merge again, trusting the devices the refusal listed (their fingerprints compared)."""
        self.trust_button.hide()
        return self.merge(trust_new=True)

    def merge(self, *, trust_new: bool = False) -> Task | None:
        """Merge the listed packages in the background, with progress and a Cancel that works.

        Packages signed by devices not trusted yet are refused; the dialog then lists them with
        their fingerprints and offers "Trust and merge", which calls this with ``trust_new``.
        """
        paths = self.paths()
        if self.task is not None or not paths:
            return None
        if self.with_key.isChecked():
            key_text, key_secret = self.key_path.text().strip(), self.key_passphrase.text()
            if not key_text:
                _say(self.message, "Choose the QA officer's private key file (.key).", "error")
                return None
            key_file: Path | None = Path(key_text).expanduser()
            secret = None
        else:
            key_file, key_secret, secret = None, "", self.passphrase.text()
            if not secret:
                _say(self.message, "Type the passphrase the packages were exported with.", "error")
                return None
        db, stop, relay = self.db, self._stop, self._relay
        stop.clear()

        def job() -> MergeOutcome:
            unlocked = unlock_private_key(key_file, key_secret) if key_file else None
            private_key = unlocked.key if unlocked else None
            hint = weak_key_hint(key_file) if unlocked and key_file and unlocked.weak else ""
            result = merge_packages(
                db,
                paths,
                passphrase=secret,
                private_key=private_key,
                progress=relay.moved.emit,
                cancelled=stop.is_set,
                trust_new=trust_new,
            )
            return MergeOutcome(result, len(list_conflicts(db)), hint)

        self.summary.hide()
        _say(self.message, "Merging…", "busy")
        self.progress = QProgressDialog("Opening the packages…", "Cancel", 0, 0, self)
        self.progress.setWindowTitle("Merging packages")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(PROGRESS_DELAY_MS)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)
        # The result always arrives, even after Cancel: it says whether the merge was written.
        self.task = Task(job, self)
        self.task.succeeded.connect(self._merged)
        self.task.failed.connect(self._failed)
        self._files_changed()
        self.task.start()
        if key_file is not None and self.settings is not None:
            self.settings.setValue("merge/private_key", str(key_file))
        if self.settings is not None:
            self.settings.setValue("merge/folder", str(paths[0].parent))
        return self.task

    def cancel(self) -> None:
        """Ask the merge to stop; it stops before anything is written, if it can."""
        if self.task is None:
            return
        self._stop.set()
        self._close_progress()
        _say(self.message, "Cancelling the merge…", "busy")

    def _progressed(self, done: int, total: int, what: str) -> None:
        if self.progress is None or self._stop.is_set():
            return
        self.progress.setMaximum(max(total, 1))
        self.progress.setLabelText(f"{what}…")
        self.progress.setValue(done)

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.canceled.disconnect(self.cancel)
            self.progress.hide()
            self.progress.deleteLater()
            self.progress = None

    def _done(self) -> None:
        self.task = None
        self._close_progress()
        self._files_changed()

    def _merged(self, outcome: MergeOutcome) -> None:
        too_late = self._stop.is_set()
        self._done()
        self.outcome = outcome
        self.show_summary(outcome)
        if too_late:
            _say(
                self.message,
                "The merge had finished before it could be cancelled; this is what it did.",
                "muted",
            )
        else:
            count = outcome.result.packages
            merged = f"Merged {count} package{'s' if count > 1 else ''}."
            _say(self.message, f"{merged} {outcome.key_hint}".strip(), "muted")
        self.merged.emit()

    def _failed(self, error: BaseException) -> None:
        self._done()
        if isinstance(error, MergeCancelled):
            _say(self.message, "The merge was cancelled; nothing was changed.", "muted")
            return
        if isinstance(error, UntrustedSigner):
            devices = "; ".join(signer.describe() for signer in error.strangers)
            _say(
                self.message,
                f"Nothing was merged: not trusted yet: {devices}. Compare each fingerprint "
                "with the one that device shows in its About box (F1), then trust and merge.",
                "error",
            )
            self.trust_button.show()
            self.trust_button.setFocus()
            return
        _say(
            self.message,
            _sentence(error, "The packages could not be merged") + " Nothing was changed.",
            "error",
        )

    def reject(self) -> None:
        # Closing mid-merge cancels it; the dialog stays until the merge says how it ended.
        if self.task is not None:
            self.cancel()
            return
        super().reject()

    # --- the summary -----------------------------------------------------------------------

    def show_summary(self, outcome: MergeOutcome) -> None:
        """Show what a merge did: counts, signers (with Trust), possible duplicates, and the
        way to the records waiting in conflict."""
        result = outcome.result
        counts: dict[str, Any] = result.as_json()
        for key, label in self.count_labels.items():
            label.setText(str(counts[key]))
        while self.signers_layout.count():
            item = self.signers_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.signer_labels.clear()
        self.trust_buttons.clear()
        for row, signer in enumerate(result.signers):
            fingerprint = str(signer["fingerprint"])
            label = QLabel()
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.signer_labels[fingerprint] = label
            self.signers_layout.addWidget(label, row, 0)
            if not signer["trusted"]:
                button = QPushButton("Trust")
                button.setAccessibleName(f"Trust the key {fingerprint}")
                button.clicked.connect(lambda _=False, f=fingerprint: self.trust(f))
                self.trust_buttons[fingerprint] = button
                self.signers_layout.addWidget(button, row, 1)
            self._show_signer(fingerprint, str(signer["device"]), bool(signer["trusted"]))
        self.signers_heading.setVisible(bool(result.signers))
        self.trust_hint.setVisible(bool(self.trust_buttons))
        if result.possible_duplicates:
            lines = "".join(f"<li>{html.escape(line)}</li>" for line in result.possible_duplicates)
            self.duplicates.setText(
                "<b>Possible duplicates</b> (never joined automatically; check them):"
                f"<ul style='margin-top:2px'>{lines}</ul>"
            )
        self.duplicates.setVisible(bool(result.possible_duplicates))
        waiting = outcome.in_conflict
        self.waiting.setText(
            f"{waiting} record{' is' if waiting == 1 else 's are'} in conflict in this database, "
            "waiting for you to choose what to keep."
        )
        self.waiting.setVisible(waiting > 0)
        self.conflicts_button.setVisible(waiting > 0)
        self.summary.show()
        self.adjustSize()

    def _show_signer(self, fingerprint: str, device: str, trusted: bool) -> None:
        state = "✓ trusted" if trusted else "not yet trusted"
        label = self.signer_labels[fingerprint]
        label.setText(f"{device or 'A device'} — key {fingerprint}: {state}")

    def trust(self, fingerprint: str) -> None:
        """Trust a signer's key (after checking its fingerprint with its holder)."""
        try:
            device = trust_signer(self.db, fingerprint)
        except PwdeskError as error:
            _say(self.message, str(error), "error")
            return
        button = self.trust_buttons.pop(fingerprint, None)
        if button is not None:
            button.hide()
            button.deleteLater()
        self._show_signer(fingerprint, device, True)
        self.trust_hint.setVisible(bool(self.trust_buttons))
        _say(self.message, f"Trusted the key of {device or 'the device'}.", "muted")

    def _show_conflicts(self) -> None:
        self.show_conflicts.emit()
        self.accept()


# --- history ---------------------------------------------------------------------------------


def merge_history_model() -> RowTableModel:
    """Packages merged into this database: when, which file, from which device, trusted."""
    return RowTableModel(
        [
            Column("Merged", lambda m: m.merged_at.astimezone().strftime("%Y-%m-%d %H:%M")),
            Column("File", lambda m: m.file_name),
            Column("Device", lambda m: m.device),
            Column("Key", lambda m: m.signer),
            Column("Trusted", lambda m: "Yes" if m.trusted else "Not yet"),
            Column("Records", lambda m: m.records),
        ],
        lambda m: f"{m.merged_at.isoformat()} {m.file_name}",
    )


class MergeHistoryDialog(QDialog):
    """Every package merged into this database, newest first."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Merge history")
        self.db = db
        self.page = ListPage(merge_history_model(), "Merge history", "No packages merged yet.")
        self.model = self.page.model
        self.page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.page, 1)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self.refresh()

    def refresh(self) -> None:
        """Read the history again."""
        self.model.set_rows(merge_history(self.db))

    def history(self) -> list[MergeRecord]:
        """The lines shown, newest first."""
        return [self.model.row_at(row) for row in range(self.model.rowCount())]
