"""Merge: the QA officer merges the laptops' ``.pwx`` packages into this database.

The dialog only gathers choices and shows outcomes; :mod:`pwdesk.services.merge` does the work
in the background, all in one transaction or none, and errors a user can cause come back as one
sentence in the dialog.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.merge_summary import MergeSummary
from pwdesk.gui.package_files import PROGRESS_DELAY_MS, remember
from pwdesk.gui.package_list import PackageList
from pwdesk.gui.package_opening import Opening, PackageOpening
from pwdesk.gui.tasks import Task
from pwdesk.gui.widgets import buddy, say, sentence
from pwdesk.services.conflicts import list_conflicts
from pwdesk.services.keys import unlock_qa_key
from pwdesk.services.merge import MergeCancelled, MergeResult, merge_packages
from pwdesk.services.signers import UntrustedSigner, trust_signer
from pwdesk.store.database import Database


@dataclass(frozen=True)
class MergeOutcome:
    """A merge's result, and how many records wait in conflict after it (from any merge)."""

    result: MergeResult
    in_conflict: int
    key_hint: str = ""  # the key file needs re-protecting: how to


class _Relay(QObject):
    """Carries the merge's progress from its thread to the dialog on the GUI thread."""

    moved = Signal(int, int, str)


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
        self.packages = PackageList(settings)
        self.files = self.packages.files
        self.packages.changed.connect(self._files_changed)
        self.how = PackageOpening(settings)
        # Its fields, for whoever fills the dialog in (the tests do).
        self.with_passphrase, self.with_key = self.how.with_passphrase, self.how.with_key
        self.passphrase, self.key_path = self.how.passphrase, self.how.key_path
        self.key_passphrase = self.how.key_passphrase
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.summary = MergeSummary()
        self.summary.trust_requested.connect(self.trust)
        self.summary.conflicts_button.clicked.connect(self._show_conflicts)
        buttons = self._build_buttons()
        files_label = buddy("&Packages:", self.files)
        layout = QVBoxLayout(self)
        layout.addWidget(files_label)
        layout.addWidget(self.packages)
        layout.addWidget(self.how)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())
        self._make_merge_the_default()
        self._files_changed()

    def _make_merge_the_default(self) -> None:
        # A dialog's push buttons are "auto default": the one last focused takes Enter. After the
        # file picker closes, focus is back on Add files…, so Enter opened the picker again
        # instead of merging. Merge takes Enter (and Trust and merge, once it is offered and
        # focused); the others still answer Space and their Alt keys.
        for button in self.findChildren(QPushButton):
            button.setAutoDefault(button in (self.merge_button, self.trust_button))
        self.merge_button.setDefault(True)

    def _build_buttons(self) -> QDialogButtonBox:
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
        buttons.accepted.connect(self.merge)
        buttons.rejected.connect(self.reject)
        return buttons

    # --- the summary's widgets, as the summary holds them --------------------------------------

    @property
    def count_labels(self) -> dict[str, QLabel]:
        """The count shown for each of COUNT_ROWS, by key."""
        return self.summary.count_labels

    @property
    def signer_labels(self) -> dict[str, QLabel]:
        """The line shown for each signer, by fingerprint."""
        return self.summary.signer_labels

    @property
    def trust_buttons(self) -> dict[str, QPushButton]:
        """The Trust button of each signer not trusted yet, by fingerprint."""
        return self.summary.trust_buttons

    @property
    def waiting(self) -> QLabel:
        """The line saying how many records wait in conflict."""
        return self.summary.waiting

    @property
    def conflicts_button(self) -> QPushButton:
        """Show conflicts: the way to the records waiting in conflict."""
        return self.summary.conflicts_button

    # --- choosing --------------------------------------------------------------------------

    def paths(self) -> list[Path]:
        """The packages to merge, in list order."""
        return self.packages.paths()

    def add_files(self, paths: Sequence[Path | str]) -> None:
        """Add packages to the list (each once)."""
        self.packages.add_files(paths)

    def _files_changed(self) -> None:
        self.merge_button.setEnabled(self.files.count() > 0 and self.task is None)

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
        try:
            opening = self.how.opening()
        except PwdeskError as error:
            say(self.message, str(error), "error")
            return None
        self._stop.clear()
        job = self._job(paths, opening, trust_new)
        self.summary.hide()
        say(self.message, "Merging…", "busy")
        self._open_progress()
        # The result always arrives, even after Cancel: it says whether the merge was written.
        self.task = Task(job, self)
        self.task.succeeded.connect(self._merged)
        self.task.failed.connect(self._failed)
        self._files_changed()
        self.task.start()
        if opening.key_file is not None:
            remember(self.settings, "merge/private_key", str(opening.key_file))
        remember(self.settings, "merge/folder", str(paths[0].parent))
        return self.task

    def _job(
        self, paths: list[Path], opening: Opening, trust_new: bool
    ) -> Callable[[], MergeOutcome]:
        """The merge as it runs off the GUI thread: unlock the key, merge, count the conflicts."""
        db, stop, relay = self.db, self._stop, self._relay

        def job() -> MergeOutcome:
            key_file = opening.key_file
            key = unlock_qa_key(key_file, opening.key_passphrase) if key_file else None
            result = merge_packages(
                db,
                paths,
                passphrase=opening.passphrase,
                private_key=key.key if key else None,
                progress=relay.moved.emit,
                cancelled=stop.is_set,
                trust_new=trust_new,
            )
            return MergeOutcome(result, len(list_conflicts(db)), key.hint if key else "")

        return job

    def _open_progress(self) -> None:
        self.progress = QProgressDialog("Opening the packages…", "Cancel", 0, 0, self)
        self.progress.setWindowTitle("Merging packages")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(PROGRESS_DELAY_MS)
        self.progress.setAutoClose(False)
        self.progress.setAutoReset(False)
        self.progress.canceled.connect(self.cancel)

    def cancel(self) -> None:
        """Ask the merge to stop; it stops before anything is written, if it can."""
        if self.task is None:
            return
        self._stop.set()
        self._close_progress()
        say(self.message, "Cancelling the merge…", "busy")

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
            say(
                self.message,
                "The merge had finished before it could be cancelled; this is what it did.",
                "muted",
            )
        else:
            count = outcome.result.packages
            merged = f"Merged {count} package{'s' if count > 1 else ''}."
            say(self.message, f"{merged} {outcome.key_hint}".strip(), "muted")
        self.merged.emit()

    def _failed(self, error: BaseException) -> None:
        self._done()
        if isinstance(error, MergeCancelled):
            say(self.message, "The merge was cancelled; nothing was changed.", "muted")
            return
        if isinstance(error, UntrustedSigner):
            devices = "; ".join(signer.describe() for signer in error.strangers)
            say(
                self.message,
                f"Nothing was merged: not trusted yet: {devices}. Compare each fingerprint "
                "with the one that device shows in its About box (F1), then trust and merge.",
                "error",
            )
            self.trust_button.show()
            self.trust_button.setFocus()
            return
        say(
            self.message,
            sentence(error, "The packages could not be merged") + " Nothing was changed.",
            "error",
        )

    def reject(self) -> None:
        # Closing mid-merge cancels it; the dialog stays until the merge says how it ended.
        if self.task is not None:
            self.cancel()
            return
        super().reject()

    # --- after the merge -------------------------------------------------------------------

    def show_summary(self, outcome: MergeOutcome) -> None:
        """Show what a merge did: counts, signers (with Trust), possible duplicates, and the
        way to the records waiting in conflict."""
        self.summary.show_merge(outcome.result, outcome.in_conflict)
        self.adjustSize()

    def trust(self, fingerprint: str) -> None:
        """Trust a signer's key (after checking its fingerprint with its holder)."""
        try:
            device = trust_signer(self.db, fingerprint)
        except PwdeskError as error:
            say(self.message, str(error), "error")
            return
        self.summary.mark_trusted(fingerprint, device)
        say(self.message, f"Trusted the key of {device or 'the device'}.", "muted")

    def _show_conflicts(self) -> None:
        self.show_conflicts.emit()
        self.accept()
