"""A searchable, sortable list: the one widget behind every list view."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pwdesk.gui.models import ROW_ID_ROLE, SORT_ROLE, RowTableModel
from pwdesk.gui.natural_filter import NaturalFilter


class RowTable(QTableView):
    """A table that opens the current row on Enter as well as on double-click."""

    open_requested = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex())
            return
        super().keyPressEvent(event)


class SearchBox(QLineEdit):
    """The filter box: Down moves into the list below."""

    move_down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Down:
            self.move_down.emit()
            return
        super().keyPressEvent(event)


class ListPage(QWidget):
    """A search box over a sortable table; Enter or double-click opens a row.

    ``opened`` carries the id of the row to open.
    """

    opened = Signal(str)

    def __init__(self, model: RowTableModel, name: str, empty_text: str) -> None:
        super().__init__()
        self.model = model
        self.proxy = NaturalFilter(self)  # "sian" finds Siân
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)

        self.search = SearchBox()
        self.search.setPlaceholderText(f"Search {name.lower()}…")
        self.search.setAccessibleName(f"Search {name.lower()}")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)

        self.table = RowTable()
        self.table.setModel(self.proxy)
        self.table.setAccessibleName(name)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list, as in the rest of a form
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setResizeContentsPrecision(100)  # measure 100 rows, not thousands
        self.table.doubleClicked.connect(self._open)
        self.table.open_requested.connect(self._open)
        self.search.move_down.connect(self._enter_table)

        self.count = QLabel()
        self.count.setObjectName("muted")
        self.empty_text = empty_text

        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.setFocusProxy(self.search)
        model.modelReset.connect(self._count)
        self._count()

    def _filter(self, text: str) -> None:
        self.proxy.search(text)
        self._count()

    def _count(self) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.count.setText(self.empty_text)
        elif shown == total:
            self.count.setText(f"{total} shown")
        else:
            self.count.setText(f"{shown} of {total} shown")

    def _enter_table(self) -> None:
        self.table.setFocus()
        if not self.table.currentIndex().isValid() and self.proxy.rowCount():
            self.table.selectRow(0)  # current and selected, so what acts on the selection sees it

    def _open(self, index: QModelIndex) -> None:
        row_id = self.proxy.data(index, ROW_ID_ROLE)
        if row_id:
            self.opened.emit(str(row_id))

    def visible_ids(self) -> list[str]:
        """The ids of the rows shown, in their current order."""
        return [
            str(self.proxy.data(self.proxy.index(row, 0), ROW_ID_ROLE))
            for row in range(self.proxy.rowCount())
        ]
