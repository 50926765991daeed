"""The dialogs the main window's commands open: the QA officer's set-up, allocation and
moderation, export and merge, settings and About.

One dialog of each kind is kept (tests and the window reach it); a new one lets the previous go
unless it is still at work.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMessageBox

from pwdesk import __version__
from pwdesk.domain.statuses import Status
from pwdesk.gui.allocation_dialog import AllocationDialog
from pwdesk.gui.moderation_dialog import ModerationDialog
from pwdesk.gui.settings_dialog import SettingsDialog
from pwdesk.gui.week_setup_dialog import WeekSetupDialog
from pwdesk.services.settings import InvalidSettings, load_settings, save_settings
from pwdesk.services.signers import whoami

if TYPE_CHECKING:  # export and merge load cryptography and the checks only when opened
    from pwdesk.gui.export_dialog import ExportDialog
    from pwdesk.gui.main_window import MainWindow
    from pwdesk.gui.merge_dialog import MergeDialog
    from pwdesk.gui.merge_history import MergeHistoryDialog

DialogT = TypeVar("DialogT", bound=QDialog)


class WindowDialogs(QObject):
    """The dialogs of one main window, which they open over and follow with a refresh."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.week_setup_dialog: WeekSetupDialog | None = None
        self.allocation_dialog: AllocationDialog | None = None
        self.moderation_dialog: ModerationDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.merge_dialog: MergeDialog | None = None
        self.history_dialog: MergeHistoryDialog | None = None

    # --- the QA officer's work ----------------------------------------------------------------

    def new_week_setup_dialog(self) -> WeekSetupDialog:
        """The dialog that sets up a week, its cohorts and its case list."""
        window = self.window
        dialog = WeekSetupDialog(window.db, window)
        dialog.finished.connect(lambda _: window.load_weeks())
        self.week_setup_dialog = _replace(self.week_setup_dialog, dialog)
        return dialog

    def set_up_week(self) -> None:
        """Set up a new Practice Week (the QA officer's store only)."""
        if self.window.is_qa_store:
            self.new_week_setup_dialog().open()

    def new_allocation_dialog(self) -> AllocationDialog | None:
        """The dialog that allocates the week in focus (None without a week)."""
        window = self.window
        if window.week is None:
            return None
        dialog = AllocationDialog(window.db, window.week.code, window)
        dialog.finished.connect(lambda _: window.refresh())
        self.allocation_dialog = _replace(self.allocation_dialog, dialog)
        return dialog

    def allocate(self) -> None:
        """Allocate audits and observations of the week in focus."""
        dialog = self.new_allocation_dialog() if self.window.is_qa_store else None
        if dialog is not None:
            dialog.open()

    def new_moderation_dialog(self) -> ModerationDialog | None:
        """The dialog moderating the audit selected in Case audits, if it is a completed one."""
        window = self.window
        row = window.selected_audit()
        if row is None or row.status != Status.COMPLETED:
            window.tabs.setCurrentWidget(window.audits)
            window.statusBar().showMessage("Select a completed case audit to moderate.")
            return None
        dialog = ModerationDialog(window.db, row.id, window)
        dialog.finished.connect(lambda _: window.refresh())
        self.moderation_dialog = _replace(self.moderation_dialog, dialog)
        return dialog

    def moderate_selected(self) -> None:
        """Moderate the completed case audit selected in Case audits."""
        dialog = self.new_moderation_dialog() if self.window.is_qa_store else None
        if dialog is not None:
            dialog.open()

    # --- export and merge ---------------------------------------------------------------------

    def new_export_dialog(self) -> ExportDialog:
        """The dialog that writes a package, set to the week in focus."""
        from pwdesk.gui.export_dialog import ExportDialog

        window = self.window
        dialog = ExportDialog(window.db, window.weeks, window.week, window, window.settings)
        self.export_dialog = _replace(self.export_dialog, dialog)
        return dialog

    def export(self) -> None:
        """Write this device's work to a package for the QA officer."""
        self.new_export_dialog().open()

    def new_merge_dialog(self) -> MergeDialog:
        """The dialog that merges packages; the window follows what it changes."""
        from pwdesk.gui.merge_dialog import MergeDialog

        window = self.window
        dialog = MergeDialog(window.db, window, window.settings)
        dialog.merged.connect(window.exchanged)
        dialog.show_conflicts.connect(window.show_conflicts)
        self.merge_dialog = _replace(self.merge_dialog, dialog)
        return dialog

    def merge(self) -> None:
        """Merge packages from the laptops into this database."""
        self.new_merge_dialog().open()

    def new_history_dialog(self) -> MergeHistoryDialog:
        """The dialog listing every package merged here."""
        from pwdesk.gui.merge_history import MergeHistoryDialog

        dialog = MergeHistoryDialog(self.window.db, self.window)
        self.history_dialog = _replace(self.history_dialog, dialog)
        return dialog

    def show_merge_history(self) -> None:
        """Show the packages merged into this database and the devices that signed them."""
        self.new_history_dialog().open()

    # --- settings and About -------------------------------------------------------------------

    def edit_settings(self) -> None:
        """Change the authority, your name and role, the device name."""
        window = self.window
        dialog = SettingsDialog(load_settings(window.db), window)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            try:
                save_settings(window.db, dialog.settings())
            except InvalidSettings as refused:
                QMessageBox.warning(window, "Settings not saved", f"{refused} Nothing was saved.")
                return
            window.apply_role()
            window.refresh()

    def about(self) -> None:
        """Version and what pwdesk is."""
        me = whoami(self.window.db)
        QMessageBox.about(
            self.window,
            "About pwdesk",
            f"pwdesk {__version__}\n\nPractice Week audits, observations, feedback and reports "
            f"for children's social care.\n\nThis device: {me.device_name} (id {me.device_id})"
            f"\nKey fingerprint: {me.fingerprint}\n\nBefore trusting this device's packages, "
            "the QA officer compares this fingerprint with the one pwdesk shows them.",
        )


def _replace(old: QDialog | None, new: DialogT) -> DialogT:
    """Let go of the previous dialog of a kind (unless it is still at work) for a new one."""
    if old is not None and old.isHidden() and getattr(old, "task", None) is None:
        old.deleteLater()
    return new
