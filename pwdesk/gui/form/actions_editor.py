"""The agreed-actions table: what will be done, by whom, by when."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.dates import read_typed_date
from pwdesk.gui.theme import ERROR_ON_LIGHT, error_text

ERROR = ERROR_ON_LIGHT  # the red of a value that will not be kept, on a light theme

ACTION_COLUMN = 0
OWNER_COLUMN = 1
DUE_COLUMN = 2
_HEADERS = ("Action", "Owner", "Due date")
_DATE_HINT = "Write the due date as 31/10/2018, 31 Oct 2018 or 2018-10-31."
_VISIBLE_ROWS = (3, 10)  # the table grows with its rows between these, then scrolls

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ActionLine:
    """One agreed action as the form shows it; ``action_id`` is None until the action is saved."""

    description: str
    owner: str
    due_on: date | None
    action_id: str | None = None
    base: str | None = None  # the action's version the form holds, the base of its next save


@dataclass
class _Row:
    """A row as typed: the due date stays text so a half-typed date is not lost."""

    description: str = ""
    owner: str = ""
    due_text: str = ""
    action_id: str | None = None
    base: str | None = None

    def cell(self, column: int) -> str:
        return (self.description, self.owner, self.due_text)[column]

    def is_blank(self) -> bool:
        return not (self.description.strip() or self.owner.strip() or self.due_text.strip())

    def has_bad_date(self) -> bool:
        text = self.due_text.strip()
        return bool(text) and read_typed_date(text) is None


class ActionsModel(QAbstractTableModel):
    """Rows of agreed actions with the columns Action, Owner and Due date, all editable text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: list[_Row] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        """The number of rows, blank ones included."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Three: action, owner and due date."""
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles, and row numbers down the side."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _HEADERS[section] if 0 <= section < len(_HEADERS) else None
        return str(section + 1)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The typed text; an unreadable due date is red with a tooltip saying why."""
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.cell(column)
        bad_date = column == DUE_COLUMN and row.has_bad_date()
        if role == Qt.ItemDataRole.ForegroundRole and bad_date:
            return QColor(error_text())
        if role == Qt.ItemDataRole.ToolTipRole:
            if bad_date:
                return f"“{row.due_text.strip()}” is not a date. {_DATE_HINT}"
            return row.cell(column) or None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Every cell can be selected and edited."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Store typed text; dataChanged is emitted only when the text really changes."""
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        text = "" if value is None else str(value)
        row = self._rows[index.row()]
        if row.cell(index.column()) == text:
            return True
        if index.column() == ACTION_COLUMN:
            row.description = text
        elif index.column() == OWNER_COLUMN:
            row.owner = text
        else:
            row.due_text = text
        self.dataChanged.emit(index, index, [])
        return True

    def insertRows(self, row: int, count: int, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        """Insert blank rows."""
        if parent.isValid() or count < 1 or not 0 <= row <= len(self._rows):
            return False
        self.beginInsertRows(QModelIndex(), row, row + count - 1)
        self._rows[row:row] = [_Row() for _ in range(count)]
        self.endInsertRows()
        return True

    def removeRows(self, row: int, count: int, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008
        """Remove rows."""
        if parent.isValid() or count < 1 or row < 0 or row + count > len(self._rows):
            return False
        self.beginRemoveRows(QModelIndex(), row, row + count - 1)
        del self._rows[row : row + count]
        self.endRemoveRows()
        return True

    def lines(self) -> list[ActionLine]:
        """The rows that hold anything, trimmed; an unreadable due date becomes None."""
        return [
            ActionLine(
                row.description.strip(),
                row.owner.strip(),
                read_typed_date(row.due_text),
                row.action_id,
                row.base,
            )
            for row in self._rows
            if not row.is_blank()
        ]

    def set_lines(self, lines: list[ActionLine]) -> None:
        """Replace every row (a model reset, not an edit)."""
        self.beginResetModel()
        self._rows = [
            _Row(
                line.description,
                line.owner,
                line.due_on.isoformat() if line.due_on else "",
                line.action_id,
                line.base,
            )
            for line in lines
        ]
        self.endResetModel()

    def problems(self) -> list[str]:
        """One sentence for each row whose due date cannot be read."""
        return [
            f"Row {number}: “{row.due_text.strip()}” is not a date, so no due date will be kept. "
            f"{_DATE_HINT}"
            for number, row in enumerate(self._rows, start=1)
            if row.has_bad_date()
        ]


class _CellDelegate(QStyledItemDelegate):
    """Plain line editors named for their column, with a date pattern hint in the due column."""

    def createEditor(
        self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            editor.setAccessibleName(_HEADERS[index.column()])
            if index.column() == DUE_COLUMN:
                editor.setPlaceholderText("31/10/2018")
        return editor


class _ActionsView(QTableView):
    """The table: Tab while editing goes to the next cell, but from the last cell (and Shift+Tab
    from the first) it leaves the table, so the keyboard is never trapped in it."""

    def closeEditor(self, editor: QWidget, hint: QAbstractItemDelegate.EndEditHint) -> None:
        index, model = self.currentIndex(), self.model()
        last = index.row() == model.rowCount() - 1 and index.column() == model.columnCount() - 1
        first = index.row() == 0 and index.column() == 0
        leaving = (hint == QAbstractItemDelegate.EndEditHint.EditNextItem and last) or (
            hint == QAbstractItemDelegate.EndEditHint.EditPreviousItem and first
        )
        if not leaving:
            super().closeEditor(editor, hint)
            return
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.SubmitModelCache)
        forward = hint == QAbstractItemDelegate.EndEditHint.EditNextItem
        self.focusNextPrevChild(forward)


class ActionsEditor(QWidget):
    """The agreed-actions table with Add action and Remove action buttons.

    Keyboard: Tab reaches the table, then the buttons; in the table the arrows move between
    cells, typing or F2 edits a cell, Tab while editing moves to the next cell (from the last
    cell, out of the table) and Enter ends editing. Add action opens the new row's first cell
    for typing.
    """

    changed = Signal()
    """Emitted on every edit by the user, never by set_action_lines."""

    def __init__(
        self, accessible_name: str = "Agreed actions", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._model = ActionsModel(self)
        self._view = _ActionsView(self)
        self._view.setModel(self._model)
        self._view.setItemDelegate(_CellDelegate(self._view))
        self._view.setAccessibleName(accessible_name)
        self._view.setAccessibleDescription(
            "Agreed actions. Arrow keys move between cells, typing or F2 edits a cell, "
            "Enter ends editing. Due dates are written like 31/10/2018 or 31 Oct 2018."
        )
        # Tab leaves the table rather than walking its cells, so the form stays one tab chain.
        self._view.setTabKeyNavigation(False)
        self._view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self._view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self._view.setWordWrap(False)
        self._view.verticalHeader().setVisible(False)
        header = self._view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        header.setSectionResizeMode(ACTION_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(OWNER_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(DUE_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        metrics = self.fontMetrics()
        header.resizeSection(OWNER_COLUMN, metrics.horizontalAdvance("M") * 14)
        header.resizeSection(DUE_COLUMN, metrics.horizontalAdvance("30 Sept 2018") + 40)

        self._problems = QLabel(self)
        self._problems.setWordWrap(True)
        self._problems.setStyleSheet(f"color: {error_text()};")
        self._problems.hide()

        self._add = QPushButton("Add action", self)
        self._add.setAccessibleName("Add action")
        self._remove = QPushButton("Remove action", self)
        self._remove.setAccessibleName("Remove action")
        self._remove.setToolTip("Remove the action in the selected row")
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self._add)
        buttons.addWidget(self._remove)
        buttons.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self._view)
        layout.addWidget(self._problems)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self._view, self._add)
        QWidget.setTabOrder(self._add, self._remove)

        self._add.clicked.connect(self.add_action)
        self._remove.clicked.connect(self.remove_action)
        self._model.dataChanged.connect(self._edited)
        for signal in (self._model.modelReset, self._model.rowsInserted, self._model.rowsRemoved):
            signal.connect(self._rows_changed)
        self._rows_changed()

    def action_lines(self) -> list[ActionLine]:
        """The actions typed, blank rows left out; an unreadable due date is None."""
        return self._model.lines()

    def set_action_lines(self, lines: list[ActionLine]) -> None:
        """Show these actions, replacing any; does not emit changed."""
        self._model.set_lines(lines)
        if lines:
            # A current cell for Remove action to act on, without a loud selection.
            self._view.selectionModel().setCurrentIndex(
                self._model.index(0, ACTION_COLUMN), QItemSelectionModel.SelectionFlag.NoUpdate
            )

    def inputs(self) -> list[QWidget]:
        """The widgets Tab visits, in order: the table, Add action, Remove action.

        Remove action is disabled, and so skipped by Tab, while the table is empty.
        """
        return [self._view, self._add, self._remove]

    def table(self) -> QTableView:
        """The table view, the first input of the editor."""
        return self._view

    def add_action(self) -> None:
        """Add a blank row at the end and start typing its action."""
        row = self._model.rowCount()
        self._model.insertRows(row, 1)
        index = self._model.index(row, ACTION_COLUMN)
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)
        self._view.setCurrentIndex(index)
        self._view.edit(index)
        self.changed.emit()

    def remove_action(self) -> None:
        """Remove the row holding the current cell."""
        row = self._view.currentIndex().row()
        if row < 0:
            return
        self._model.removeRows(row, 1)
        remaining = self._model.rowCount()
        if remaining:
            self._view.setCurrentIndex(self._model.index(min(row, remaining - 1), ACTION_COLUMN))
        else:
            self._add.setFocus(Qt.FocusReason.OtherFocusReason)
        self.changed.emit()

    def _edited(self) -> None:
        self._show_problems()
        self.changed.emit()

    def _rows_changed(self) -> None:
        self._remove.setEnabled(self._model.rowCount() > 0)
        self._show_problems()
        low, high = _VISIBLE_ROWS
        rows = min(max(self._model.rowCount(), low), high)
        header_height = self._view.horizontalHeader().sizeHint().height()
        row_height = self._view.verticalHeader().defaultSectionSize()
        frame = 2 * self._view.frameWidth()
        self._view.setFixedHeight(header_height + rows * row_height + frame)

    def _show_problems(self) -> None:
        problems = self._model.problems()
        self._problems.setText("\n".join(problems))
        self._problems.setVisible(bool(problems))
