"""The merge history: every package merged into this database, when, from where, and by whom."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from pwdesk.gui.list_page import ListPage
from pwdesk.gui.models import Column, RowTableModel
from pwdesk.gui.screen import fit_to_screen
from pwdesk.services.signers import MergeRecord, merge_history
from pwdesk.store.database import Database


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
        fit_to_screen(self, 820, 420)
        self.refresh()

    def refresh(self) -> None:
        """Read the history again."""
        self.model.set_rows(merge_history(self.db))

    def history(self) -> list[MergeRecord]:
        """The lines shown, newest first."""
        return [self.model.row_at(row) for row in range(self.model.rowCount())]
