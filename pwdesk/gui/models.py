"""Item models for the lists: plain rows in, so ``data()`` never touches the database.

One small table model class, configured per list by named columns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from pwdesk.domain.names import natural_key
from pwdesk.domain.statuses import ActionStatus, Status
from pwdesk.palette import grade_colours
from pwdesk.services.actions import ActionRow
from pwdesk.services.assessments import RecordRow

SORT_ROLE = Qt.ItemDataRole.UserRole
ROW_ID_ROLE = Qt.ItemDataRole.UserRole + 1

Index = QModelIndex | QPersistentModelIndex

# Fill and text for a cell that needs attention (an overdue action): amber with black text, bold,
# and always alongside words that say why, never colour alone.
WARNING_COLOURS = ("#FDD98B", "#000000")


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return f"{value.day} {value:%b %Y}"
    if isinstance(value, tuple | list):
        return "; ".join(str(item) for item in value)
    return str(value)


def _sort_key(value: object) -> object:
    # One comparable type per column whatever the values: text, with dates as ISO text.
    if isinstance(value, date):
        return value.isoformat()
    # Accents do not send a name after Z: "Siân" sorts with "Sian", before "Simon".
    return f"{natural_key(_text(value))}\0{_text(value)}"


@dataclass(frozen=True)
class Column:
    """One column: its title, how to read a row, and optionally the grade it shows."""

    title: str
    value: Callable[[Any], object]
    grade: Callable[[Any], str | None] | None = None
    emphasis: Callable[[Any], bool] | None = None  # shown in italics when true (e.g. drafts)
    warning: Callable[[Any], bool] | None = None  # bold on amber when true (e.g. overdue)


class RowTableModel(QAbstractTableModel):
    """Rows of plain data shown through named columns; sortable by SORT_ROLE."""

    def __init__(self, columns: Sequence[Column], row_id: Callable[[Any], str]) -> None:
        super().__init__()
        self._columns = tuple(columns)
        self._row_id = row_id
        self._rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Any:
        """The plain row behind a model row."""
        return self._rows[row]

    def row_ids(self) -> list[str]:
        """The ids of every row, in model order."""
        return [self._row_id(row) for row in self._rows]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        if not (0 <= index.column() < len(self._columns)):
            return None
        row, column = self._rows[index.row()], self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _text(column.value(row))
        if role == SORT_ROLE:
            return _sort_key(column.value(row))
        if role == ROW_ID_ROLE:
            return self._row_id(row)
        if column.warning and column.warning(row):
            return _warning_data(role)
        if role == Qt.ItemDataRole.FontRole and column.emphasis and column.emphasis(row):
            font = QFont()
            font.setItalic(True)
            return font
        grade = column.grade(row) if column.grade else None
        if grade and role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(grade_colours(grade)[0]))
        if grade and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(grade_colours(grade)[1]))
        return None


def _warning_data(role: int) -> Any:
    if role == Qt.ItemDataRole.BackgroundRole:
        return QBrush(QColor(WARNING_COLOURS[0]))
    if role == Qt.ItemDataRole.ForegroundRole:
        return QBrush(QColor(WARNING_COLOURS[1]))
    if role == Qt.ItemDataRole.FontRole:
        font = QFont()
        font.setBold(True)
        return font
    return None


def _is_draft(row: RecordRow) -> bool:
    return row.status == Status.DRAFT


def _status_text(row: RecordRow) -> str:
    """ "Draft", "Completed", or "Completed, moderated" once a QA officer has moderated it."""
    status = row.status.capitalize()
    return f"{status}, moderated" if row.moderated else status


def record_model(*, observations: bool) -> RowTableModel:
    """Audits (or observations) of a week: who, when, status and overall grade."""
    columns = [
        Column("Date", lambda r: r.held_on),
        Column("Child", lambda r: r.case_reference),
        Column("Practitioner", lambda r: r.practitioner),
        Column("Senior leader", lambda r: r.auditor),
        Column("Overall grade", lambda r: r.overall_grade, grade=lambda r: r.overall_grade_id),
        Column("Status", _status_text, emphasis=_is_draft),
    ]
    if observations:
        columns.insert(1, Column("Observation", lambda r: r.observation_label))
    return RowTableModel(columns, lambda r: r.id)


def children_model() -> RowTableModel:
    """Children of a week by case reference: cohorts, dates, whether audited."""
    return RowTableModel(
        [
            Column("Case reference", lambda r: r.case_reference),
            Column("Cohorts", lambda r: r.cohorts),
            Column("Date of birth", lambda r: r.date_of_birth),
            Column("Entered care", lambda r: r.entered_care),
            Column("Legal status", lambda r: r.legal_status),
            Column("Placement", lambda r: r.placement_type),
            Column("Audited", lambda r: "Yes" if r.audited else "Not yet"),
        ],
        lambda r: r.id,
    )


def people_model() -> RowTableModel:
    """Practitioners: name, team, role."""
    return RowTableModel(
        [
            Column("Name", lambda r: r.name),
            Column("Team", lambda r: r.team),
            Column("Role", lambda r: r.role),
        ],
        lambda r: r.id,
    )


def _action_status(row: ActionRow) -> str:
    status = row.status.replace("-", " ")
    if not row.overdue:
        return status.capitalize()
    return "Overdue" if row.status == ActionStatus.OPEN else f"Overdue ({status})"


def actions_model() -> RowTableModel:
    """Agreed actions of every week: by when, which week and child, what, who, how it stands.

    An overdue action says "Overdue" in its status, on a warning colour.
    """
    return RowTableModel(
        [
            Column("Due", lambda r: r.due_on),
            Column("Week", lambda r: r.week_code),
            Column("Child", lambda r: r.case_reference),
            Column("Action", lambda r: r.description),
            Column("Owner", lambda r: r.owner),
            Column("Status", _action_status, warning=lambda r: r.overdue),
        ],
        lambda r: r.id,
    )
