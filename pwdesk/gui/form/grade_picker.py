"""A row of grade buttons that behaves as one keyboard control: one tab stop, digits to pick."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QSizePolicy, QWidget

from pwdesk.domain.grades import NOT_APPLICABLE_ID, GradeScale
from pwdesk.palette import ACCENT, grade_colours

_FOCUS_MARGIN = 4  # room around the buttons for the focus frame
_TICK = "\N{CHECK MARK} "  # the picked grade is marked by a tick as well as by its fill
_BUTTON_CHROME = 36  # the style sheet's padding and borders, with a little air


class GradePicker(QWidget):
    """Exclusive grade buttons, best first then Not applicable, each with its words and colour.

    Keys: 1..N pick the Nth grade (1 is the best), 0 picks Not applicable, Delete or Backspace
    clears, Left and Right move between grades.
    """

    grade_changed = Signal(object)
    """The grade id picked, or None when cleared; emitted only when the grade changes."""

    def __init__(
        self, scale: GradeScale, accessible_name: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._scale = scale
        self._grade: str | None = None
        self._buttons: dict[str, QPushButton] = {}
        # Not exclusive: an exclusive group cannot be cleared, and the picker can be.
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)
        self._group.idClicked.connect(self._clicked)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(_FOCUS_MARGIN, _FOCUS_MARGIN, _FOCUS_MARGIN, _FOCUS_MARGIN)
        layout.setSpacing(6)
        bold = self.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        width = 0
        for position, grade in enumerate(scale.choices):
            key = "0" if grade.id == NOT_APPLICABLE_ID else str(position + 1)
            button = QPushButton(grade.abbreviation, self)
            button.setCheckable(True)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setToolTip(f"{grade.label} (key {key})")
            button.setAccessibleName(grade.label)
            button.setStyleSheet(_button_style(*grade_colours(grade.id, scale.ids)))
            self._group.addButton(button, position)
            layout.addWidget(button)
            self._buttons[grade.id] = button
            width = max(width, metrics.horizontalAdvance(_TICK + grade.abbreviation))
        for button in self._buttons.values():
            # Equal widths, wide enough for the picked (bold, ticked) text, make the row read as
            # one scale and keep it from shifting when a grade is picked.
            button.setMinimumWidth(width + _BUTTON_CHROME)
        self.setAccessibleName(accessible_name)
        self._describe()

    def grade(self) -> str | None:
        """The grade id picked, or None."""
        return self._grade

    def set_grade(self, grade_id: str | None) -> None:
        """Pick a grade (None clears); emits grade_changed only if the grade changes.

        Raises KeyError for an id that is not a grade of the scale.
        """
        if grade_id is not None and not self._scale.knows(grade_id):
            raise KeyError(grade_id)
        for button_id, button in self._buttons.items():
            picked = button_id == grade_id
            button.setChecked(picked)
            words = self._scale.grade(button_id).abbreviation
            button.setText(_TICK + words if picked else words)
        if grade_id == self._grade:
            return
        self._grade = grade_id
        self._describe()
        self.grade_changed.emit(grade_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Digits pick, Delete clears, Left and Right step; other keys go to the parent."""
        key = event.key()
        ids = [grade.id for grade in self._scale.choices]
        real = len(self._scale.grades)
        if Qt.Key.Key_1 <= key <= Qt.Key.Key_9 and key - Qt.Key.Key_1 < real:
            self.set_grade(ids[key - Qt.Key.Key_1])
        elif key == Qt.Key.Key_0:
            self.set_grade(NOT_APPLICABLE_ID)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.set_grade(None)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            step = 1 if key == Qt.Key.Key_Right else -1
            if self._grade is None:
                self.set_grade(ids[0] if step > 0 else ids[-1])
            else:
                position = min(max(ids.index(self._grade) + step, 0), len(ids) - 1)
                self.set_grade(ids[position])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw a focus frame around the buttons while the picker has the keyboard."""
        super().paintEvent(event)
        if not self.hasFocus():
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(ACCENT), 2))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 4, 4)

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Show the focus frame."""
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        """Hide the focus frame."""
        super().focusOutEvent(event)
        self.update()

    def _clicked(self, position: int) -> None:
        # A click on the picked grade keeps it (Delete clears), so a stray click loses nothing.
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        self.set_grade(self._scale.choices[position].id)

    def _describe(self) -> None:
        keys = ", ".join(
            f"{number} for {grade.label}" for number, grade in enumerate(self._scale.grades, 1)
        )
        picked = self._scale.grade(self._grade).label if self._grade else "No grade"
        self.setAccessibleDescription(
            f"{picked} picked. Press {keys}, 0 for Not applicable, Delete to clear; "
            "Left and Right move between grades."
        )


def _button_style(fill: str, text: str) -> str:
    """A button in the theme's input colours, bordered, with the grade's colour as a stripe;
    filled with that colour (its words in the grade's text colour) when picked."""
    return (
        "QPushButton { background: palette(base); color: palette(text);"
        " border: 1px solid palette(mid);"
        f" border-left: 6px solid {fill}; padding: 4px 10px; }}"
        f" QPushButton:hover {{ border-color: {fill}; }}"
        f" QPushButton:checked {{ background: {fill}; color: {text}; border: 1px solid {fill};"
        f" border-left: 6px solid {fill}; font-weight: bold; }}"
    )
