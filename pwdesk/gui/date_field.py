"""A date typed as people write it, with a calendar beside it, that never changes what was typed.

Qt's QDateEdit reads keystrokes against its display format, so "18 Sep 2018" typed over a
field could become 18 Dec 2018, and a half-typed year became the current one. This field keeps
the text as typed, reads it when the typing stops (domain.dates.read_typed_date), shows a date
it read in one form (18 Sep 2018), and says plainly when it cannot read it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.dates import read_typed_date, short_date

SHOWN_FORM = "18 Sep 2018"
HOW_TO_TYPE = "type it as 18/09/2018 or 18 Sep 2018"


class DateField(QWidget):
    """A date: typed in any common form or picked from a calendar; unreadable text is flagged."""

    dateChanged = Signal()  # noqa: N815 - named like QDateEdit's, which this field replaces
    edited = Signal()  # the text changed in any way, read or not

    def __init__(self, name: str, day: date | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._day: date | None = None
        self._range: tuple[date, date, str] | None = None
        self.edit = QLineEdit()
        self.setAccessibleName(name)
        self.edit.setAccessibleName(name)
        self.edit.setPlaceholderText(SHOWN_FORM)
        self.edit.setToolTip("Type a date such as 18/09/2018 or 18 Sep 2018 (Alt+Down: calendar)")
        self.edit.installEventFilter(self)
        self.calendar_button = QToolButton()
        self.calendar_button.setArrowType(Qt.ArrowType.DownArrow)
        self.calendar_button.setAccessibleName(f"{name}: choose from a calendar")
        self.calendar_button.setToolTip("Choose from a calendar (Alt+Down)")
        self.calendar_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.calendar_button.clicked.connect(self.show_calendar)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setAccessibleName(f"{name}: problem")
        self.note.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.calendar_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addLayout(row)
        column.addWidget(self.note)
        self.setFocusProxy(self.edit)
        self.edit.textChanged.connect(self._typed)
        self.edit.editingFinished.connect(self._tidy)
        if day is not None:
            self.set_day(day)

    def day(self) -> date | None:
        """The date the text reads as, or None if it is empty or cannot be read."""
        return self._day

    def text(self) -> str:
        """What is in the field, as typed."""
        return self.edit.text()

    def problem(self) -> str | None:
        """Why the text is not a date, in one sentence; None when it is one."""
        text = self.edit.text().strip()
        if self._day is not None:
            return None
        if not text:
            return f"{self.name}: no date is given; {HOW_TO_TYPE}."
        return f"{self.name}: “{text}” is not a date pwdesk can read; {HOW_TO_TYPE}."

    def set_day(self, day: date) -> None:
        """Show ``day``."""
        self.edit.setText(short_date(day))

    def expect_within(self, first: date, last: date, what: str) -> None:
        """Warn (without refusing) when the date falls outside first..last, e.g. the week."""
        self._range = (first, last, what)
        self._show_note()

    def show_calendar(self) -> None:
        """A calendar below the field; choosing a day puts it in the field."""
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.setAccessibleName(f"{self.name}: calendar")
        calendar.setGridVisible(True)
        start = self._day or date.today()
        calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        calendar.clicked.connect(lambda picked: self._picked(calendar, picked))
        calendar.activated.connect(lambda picked: self._picked(calendar, picked))
        calendar.move(self.mapToGlobal(self.edit.geometry().bottomLeft()))
        calendar.show()
        calendar.setFocus()

    def _picked(self, calendar: QCalendarWidget, picked: QDate) -> None:
        self.set_day(date(picked.year(), picked.month(), picked.day()))
        calendar.close()
        self.edit.setFocus()

    def eventFilter(self, watched: object, event: object) -> bool:
        """Alt+Down or F4 in the text opens the calendar, as in a drop-down."""
        if watched is self.edit and isinstance(event, QKeyEvent):
            opens = event.key() == Qt.Key.Key_F4 or (
                event.key() == Qt.Key.Key_Down
                and event.modifiers() & Qt.KeyboardModifier.AltModifier
            )
            if opens and event.type() == QKeyEvent.Type.KeyPress:
                self.show_calendar()
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _typed(self, text: str) -> None:
        before = self._day
        self._day = read_typed_date(text)
        self.edited.emit()
        if self._day != before:
            self.dateChanged.emit()
        # While typing, only a date that has become readable clears an earlier complaint.
        if self._day is not None or not text.strip():
            self._show_note()

    def _tidy(self) -> None:
        """When the typing stops: a date read is shown in one form; text not read is flagged."""
        if self._day is not None and self.edit.text() != short_date(self._day):
            self.edit.setText(short_date(self._day))
        self._show_note()

    def _show_note(self) -> None:
        text = self.edit.text().strip()
        if text and self._day is None:
            self._note(f"Not a date pwdesk can read: {HOW_TO_TYPE}.", "error")
        elif self._day is not None and self._range is not None:
            first, last, what = self._range
            if not first <= self._day <= last:
                span = f"{short_date(first)} to {short_date(last)}"
                self._note(f"This date is outside {what} ({span}).", "warning")
                return
            self._note("", "")
        else:
            self._note("", "")

    def _note(self, text: str, kind: str) -> None:
        self.note.setText(text)
        self.note.setObjectName(kind)
        self.note.style().unpolish(self.note)
        self.note.style().polish(self.note)
        self.note.setVisible(bool(text))
        self.edit.setProperty("invalid", kind == "error")
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
