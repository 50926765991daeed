"""My list: the audits and observations allocated to the senior leader using this laptop."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from pwdesk.gui.list_page import ListPage
from pwdesk.gui.models import Column, RowTableModel
from pwdesk.services.allocation import AllocationRow, list_allocations
from pwdesk.services.people import list_auditors
from pwdesk.services.settings import load_settings
from pwdesk.store.database import Database


def allocations_model() -> RowTableModel:
    """Allocations of a week: what, which child, which practitioner, when, done or not."""
    return RowTableModel(
        [
            Column("What", lambda r: r.what),
            Column("Child", lambda r: r.case_reference),
            Column("Practitioner", lambda r: r.practitioner),
            Column("Senior leader", lambda r: r.senior_leader),
            Column("Planned", lambda r: r.planned_on),
            Column("Status", _status, emphasis=lambda r: not r.done),
        ],
        lambda r: r.id,
    )


def _status(row: AllocationRow) -> str:
    return "Done" if row.done else "To do"


class TodoPage(QWidget):
    """The work allocated to the user named in Settings, or every allocation (with a note saying
    why) when that name is not a senior leader's. Enter (or a double-click) on a row emits
    ``allocation_opened`` with it, for the window to start or open that work."""

    allocation_opened = Signal(object)  # the AllocationRow

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list_page = ListPage(allocations_model(), "My list", "Nothing allocated yet.")
        self.model = self.list_page.model
        self.search = self.list_page.search  # Ctrl+F
        self.list_page.opened.connect(self._open)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.list_page, 1)
        self.setFocusProxy(self.list_page)

    def _open(self, allocation_id: str) -> None:
        ids = self.model.row_ids()
        if allocation_id in ids:
            self.allocation_opened.emit(self.model.row_at(ids.index(allocation_id)))

    def show_week(self, code: str | None) -> None:
        """Show the allocations of the week with this code (none without a week)."""
        if code is None:
            self.model.set_rows([])
            self.note.setText("There is no Practice Week yet.")
            return
        name = load_settings(self.db).user_name
        leader = next((a.id for a in list_auditors(self.db) if a.name == name), None)
        if leader is not None:
            self.model.set_rows(list_allocations(self.db, code, leader))
            self.note.setText(f"Allocated to {name} in {code}.")
        else:
            self.model.set_rows(list_allocations(self.db, code))
            self.note.setText(
                f"{name or 'The user in Settings'} is not a senior leader here, so this is "
                f"every allocation in {code}."
            )
