"""The Actions tab: every week's agreed actions, overdue first, marked done, in progress or
dropped with a button (or its Alt key) while the list keeps the focus and the selection."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from pwdesk.domain.statuses import ActionStatus
from pwdesk.gui.list_page import ListPage
from pwdesk.gui.models import actions_model
from pwdesk.gui.widgets import current_row
from pwdesk.services.actions import ActionRow, set_action_status
from pwdesk.services.common import NotFound
from pwdesk.store.database import Database


class ActionsTab(QWidget):
    """Every week's agreed actions, with buttons to mark the selected one.

    ``record_opened`` asks for the audit or observation an opened action was agreed in;
    ``message`` is a line for the status bar; ``changed`` asks for the lists to be reloaded.
    """

    record_opened = Signal(str)
    message = Signal(str)
    changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self._keep_action: str | None = None
        self.page = ListPage(actions_model(), "Agreed actions", "No agreed actions yet.")
        table = self.page.table
        # Keep the order the service gives (overdue first) until a column header is clicked.
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setTabKeyNavigation(False)  # Tab moves on to the buttons, not across cells
        self.page.opened.connect(self._open_action)
        buttons = self._build_buttons()

        table.selectionModel().currentChanged.connect(self._update_mark_buttons)
        self.page.proxy.modelReset.connect(self._update_mark_buttons)
        self.page.proxy.layoutChanged.connect(self._update_mark_buttons)
        self.page.proxy.rowsRemoved.connect(self._update_mark_buttons)
        self._update_mark_buttons()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.page, 1)
        layout.addLayout(buttons)
        self.setFocusProxy(self.page)

    def _build_buttons(self) -> QHBoxLayout:
        self.mark_done = QPushButton("Mark do&ne")
        self.mark_in_progress = QPushButton("Mark &in progress")
        self.mark_dropped = QPushButton("Mark dr&opped")
        self._mark_buttons = {
            ActionStatus.DONE: self.mark_done,
            ActionStatus.IN_PROGRESS: self.mark_in_progress,
            ActionStatus.DROPPED: self.mark_dropped,
        }
        buttons = QHBoxLayout()
        for status, button in self._mark_buttons.items():
            words = status.value.replace("-", " ")
            button.setToolTip(f"Mark the selected action {words}")
            button.setAccessibleDescription(f"Marks the selected action {words}")
            button.clicked.connect(lambda _=False, status=status: self.mark_action(status))
            buttons.addWidget(button)
        buttons.addStretch(1)
        return buttons

    def show_actions(self, rows: list[ActionRow]) -> None:
        """Show these actions, the one just marked still selected."""
        self.page.model.set_rows(rows)
        self._reselect_action()

    def selected_action(self) -> ActionRow | None:
        """The action at the list's current row, if any: the one Enter would open."""
        row: ActionRow | None = current_row(self.page)
        return row

    def mark_action(self, status: ActionStatus) -> None:
        """Set the selected action's status, then reload the lists with it still selected."""
        row = self.selected_action()
        if row is None:
            return
        try:
            saved = set_action_status(self.db, row.id, status, base=row.version)
        except NotFound:
            self.message.emit("That action has been deleted meanwhile.")
            self.changed.emit()
            return
        if saved.changed:
            # Back to the list with the action still selected: the buttons are briefly disabled
            # while the lists reload, which would otherwise send the focus somewhere unexpected.
            self.page.table.setFocus()
            self._keep_action = row.id
            self.changed.emit()

    def _open_action(self, action_id: str) -> None:
        model = self.page.model
        ids = model.row_ids()
        if action_id not in ids:
            return
        row: ActionRow = model.row_at(ids.index(action_id))
        if row.assessment_id:
            self.record_opened.emit(row.assessment_id)
        else:
            self.message.emit(
                "This action was agreed for the whole week, not in an audit or observation."
            )

    def _update_mark_buttons(self) -> None:
        row = self.selected_action()
        for status, button in self._mark_buttons.items():
            button.setEnabled(row is not None and row.status != status)

    def _reselect_action(self) -> None:
        action_id, self._keep_action = self._keep_action, None
        page = self.page
        ids = page.model.row_ids()
        if action_id is None or action_id not in ids:
            return
        index = page.proxy.mapFromSource(page.model.index(ids.index(action_id), 0))
        if index.isValid():
            page.table.setCurrentIndex(index)
            page.table.selectRow(index.row())
