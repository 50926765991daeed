"""Small builders for the widgets every window uses, so that each looks and reads the same.

Every field gets an accessible name, every label that shows what someone typed is plain text,
and every message label takes its colour from the application's style sheet by kind.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.date_field import DateField
from pwdesk.gui.list_page import ListPage
from pwdesk.gui.models import RowTableModel

ERROR_INK = "#A4262C"


class DateNotRead(PwdeskError):
    """A date field holds text that is not a date."""


def line(name: str, placeholder: str = "", *, secret: bool = False, width: int = 0) -> QLineEdit:
    """A one-line field named ``name`` for screen readers, optionally masked or of a least width."""
    field = QLineEdit()
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    if width:
        field.setMinimumWidth(width)
    if secret:
        field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


def with_button(field: QWidget, button: QPushButton) -> QHBoxLayout:
    """A field that takes the row's spare width, with a button beside it."""
    row = QHBoxLayout()
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


def buddy(text: str, field: QWidget) -> QLabel:
    """A label whose mnemonic moves the focus to ``field``."""
    label = QLabel(text)
    label.setBuddy(field)
    return label


def plain_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A label that shows names as typed: never read as rich text."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def error_label() -> QLabel:
    """A wrapping, selectable label for one sentence of what went wrong."""
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("error")
    label.setStyleSheet(f"color: {ERROR_INK};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def say(label: QLabel, text: str, kind: str) -> None:
    """Show a line in a message label styled by kind ("error", "muted", "busy")."""
    label.setObjectName(kind)
    label.style().unpolish(label)
    label.style().polish(label)
    label.setText(text)


def sentence(error: BaseException, what: str) -> str:
    """An error as one sentence: ours say it themselves; anything else gets a preamble."""
    if isinstance(error, PwdeskError):
        return str(error)
    return f"{what}: {error}"


def date_edit(name: str, day: date | None = None) -> DateField:
    """A date field that reads 18/09/2018, 18 Sep 2018 and 2018-09-18, with a calendar."""
    return DateField(name, day or date.today())


def set_day(edit: DateField, day: date) -> None:
    """Show ``day`` in a date field."""
    edit.set_day(day)


def day_of(edit: DateField) -> date:
    """The date a date field reads as; DateNotRead, in one sentence, if it cannot be read."""
    day = edit.day()
    if day is None:
        raise DateNotRead(edit.problem() or f"{edit.name}: not a date.")
    return day


def combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    """A drop-down of (text, data) pairs."""
    box = QComboBox()
    box.setAccessibleName(name)
    for text, data in items:
        box.addItem(text, data)
    return box


def table(model: RowTableModel, name: str) -> QTableView:
    """A read-only table of whole rows, left by Tab like any other field."""
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    return view


def current_row(page: ListPage) -> Any:
    """The plain row at a list's current row, whatever its sorting and search; None if none."""
    current = page.table.currentIndex()
    if not current.isValid():
        return None
    return page.model.row_at(page.proxy.mapToSource(current).row())


def scaled_font(font: QFont, factor: float, weight: QFont.Weight | None = None) -> QFont:
    """A copy of ``font``, ``factor`` times the size, optionally in another weight."""
    scaled = QFont(font)
    scaled.setPointSizeF(font.pointSizeF() * factor)
    if weight is not None:
        scaled.setWeight(weight)
    return scaled


def muted(colour: QColor) -> QColor:
    """Secondary text: the text colour, softened, so it follows light and dark palettes."""
    softer = QColor(colour)
    softer.setAlphaF(0.68)
    return softer


def muted_palette(widget: QWidget) -> QPalette:
    """The widget's palette with its text muted."""
    palette = QPalette(widget.palette())
    palette.setColor(
        QPalette.ColorRole.WindowText, muted(palette.color(QPalette.ColorRole.WindowText))
    )
    return palette
