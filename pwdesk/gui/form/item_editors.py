"""The inputs of each item type of the assessment form, and how each reads and shows an answer.

Every input has an accessible name and takes part in the form's Tab order; every edit is passed
on to the form, which decides whether the user made it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QColor, QDoubleValidator, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.answers import answer
from pwdesk.domain.dates import read_typed_date
from pwdesk.domain.grades import GradeScale
from pwdesk.domain.templates import YES_NO_ANSWERS, Item, ItemType
from pwdesk.gui.form.actions_editor import ActionsEditor
from pwdesk.gui.form.grade_picker import GradePicker
from pwdesk.gui.theme import error_text

Entry = Mapping[str, Any]
EVIDENCE_LINES = 3
TEXT_LINES = 5
DATE_HINT = "Write the date as 17/09/2018, 17 Sep 2018 or 2018-09-17."


def _text_box(name: str, lines: int, placeholder: str = "") -> QPlainTextEdit:
    """A plain text box ``lines`` high in which Tab moves on, as elsewhere in the form."""
    box = QPlainTextEdit()
    box.setTabChangesFocus(True)
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    margins = box.contentsMargins()
    height = (
        lines * box.fontMetrics().lineSpacing()
        + 2 * int(box.document().documentMargin())
        + margins.top()
        + margins.bottom()
        + 4
    )
    box.setFixedHeight(height)
    return box


class _Combo(QComboBox):
    """A combo box that lets the wheel scroll the form unless the box has the keyboard."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName(name)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def wheelEvent(self, event: QWheelEvent) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()

    def select_data(self, value: Any) -> None:
        """Show the entry holding ``value`` (the blank entry if none does)."""
        index = self.findData(value) if isinstance(value, str) else -1
        self.setCurrentIndex(max(index, 0))


class ItemEditor:
    """The inputs of one item and how they read and show its stored answer."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        self.item = item
        self.on_change = on_change
        self.widget = QWidget()
        self.layout = QHBoxLayout(self.widget)
        self.layout.setContentsMargins(0, 0, 0, 0)
        self.layout.setSpacing(8)

    def inputs(self) -> list[QWidget]:
        """The widgets Tab visits, in order."""
        raise NotImplementedError

    def answer(self) -> dict[str, Any] | None:
        """The stored form of what is typed, or None when the item is unanswered."""
        raise NotImplementedError

    def set_answer(self, entry: Entry | None) -> None:
        """Show a stored answer (None clears)."""
        raise NotImplementedError

    def changed(self, *_: object) -> None:
        """Tell the form about an edit (it decides whether the user made it)."""
        self.on_change()


def _note(entry: Entry | None) -> str:
    note = entry.get("note", "") if entry else ""
    return note if isinstance(note, str) else ""


def _value(entry: Entry | None) -> Any:
    return entry.get("value") if entry else None


class GradeEditor(ItemEditor):
    """A grade picker and the evidence behind the grade."""

    def __init__(self, item: Item, on_change: Callable[[], None], scale: GradeScale) -> None:
        super().__init__(item, on_change)
        self.scale = scale
        self.picker = GradePicker(scale, item.label)
        self.evidence = _text_box(
            f"{item.label} — evidence", EVIDENCE_LINES, "Evidence for the grade"
        )
        column = QVBoxLayout()
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.picker)
        row.addStretch(1)
        column.addLayout(row)
        column.addWidget(self.evidence)
        self.layout.addLayout(column)
        self.picker.grade_changed.connect(self.changed)
        self.evidence.textChanged.connect(self.changed)

    def inputs(self) -> list[QWidget]:
        return [self.picker, self.evidence]

    def answer(self) -> dict[str, Any] | None:
        grade = self.picker.grade()
        note = self.evidence.toPlainText()
        if grade is None and not note.strip():
            return None
        return answer(grade, note if note.strip() else "")

    def set_answer(self, entry: Entry | None) -> None:
        value = _value(entry)
        known = isinstance(value, str) and self.scale.knows(value)
        self.picker.set_grade(value if known else None)
        self.evidence.setPlainText(_note(entry))


class YesNoEditor(ItemEditor):
    """Yes, partly or no, with an optional comment."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        super().__init__(item, on_change)
        self.combo = _Combo(item.label)
        self.combo.addItem("", None)
        for answer_id, words in YES_NO_ANSWERS:
            self.combo.addItem(words, answer_id)
        self.combo.setMinimumWidth(self.combo.fontMetrics().horizontalAdvance("Partly") + 60)
        self.comment = QLineEdit()
        self.comment.setAccessibleName(f"{item.label} — comment")
        self.comment.setPlaceholderText("Comment (optional)")
        self.layout.addWidget(self.combo)
        self.layout.addWidget(self.comment, 1)
        self.combo.currentIndexChanged.connect(self.changed)
        self.comment.textChanged.connect(self.changed)

    def inputs(self) -> list[QWidget]:
        return [self.combo, self.comment]

    def answer(self) -> dict[str, Any] | None:
        value = self.combo.currentData()
        note = self.comment.text()
        if value is None and not note.strip():
            return None
        return answer(value, note if note.strip() else "")

    def set_answer(self, entry: Entry | None) -> None:
        self.combo.select_data(_value(entry))
        self.comment.setText(_note(entry))


class DateEditor(ItemEditor):
    """A date typed as 18/09/2018, 18 Sep 2018, 18 September 2018 or 2018-09-18 (kept as
    2018-09-18); anything else is kept as typed, shown red with words saying why, and not
    answered."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        super().__init__(item, on_change)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(item.label)
        self.edit.setPlaceholderText("18/09/2018")
        self.edit.setMaxLength(40)
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("28 September 2018") + 28)
        self.problem = QLabel(f"Not a date. {DATE_HINT}")
        self.problem.setStyleSheet(f"color: {error_text()};")
        self.problem.hide()
        self.layout.addWidget(self.edit)
        self.layout.addWidget(self.problem, 1)
        self.plain_palette = self.edit.palette()
        self.edit.textChanged.connect(self.validate)
        self.edit.textChanged.connect(self.changed)

    def inputs(self) -> list[QWidget]:
        return [self.edit]

    def is_valid(self) -> bool:
        """Whether the text is empty or a real date."""
        text = self.edit.text().strip()
        return not text or read_typed_date(text) is not None

    def validate(self) -> None:
        """Colour the text red, and say why, while it is not a date."""
        valid = self.is_valid()
        palette = QPalette(self.plain_palette)
        if not valid:
            palette.setColor(QPalette.ColorRole.Text, QColor(error_text()))
        self.edit.setPalette(palette)
        self.edit.setToolTip("" if valid else f"Not a date. {DATE_HINT}")
        self.problem.setVisible(not valid)

    def answer(self) -> dict[str, Any] | None:
        day = read_typed_date(self.edit.text())
        return answer(day.isoformat()) if day is not None else None

    def set_answer(self, entry: Entry | None) -> None:
        value = _value(entry)
        self.edit.setText(value if isinstance(value, str) else "")


class NumberEditor(ItemEditor):
    """A number, whole or decimal, written with a full stop."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        super().__init__(item, on_change)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(item.label)
        validator = QDoubleValidator(self.edit)
        validator.setNotation(QDoubleValidator.Notation.StandardNotation)
        locale = QLocale.c()
        locale.setNumberOptions(QLocale.NumberOption.RejectGroupSeparator)
        validator.setLocale(locale)
        self.edit.setValidator(validator)
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("0") * 10 + 20)
        self.layout.addWidget(self.edit)
        self.layout.addStretch(1)
        self.edit.textChanged.connect(self.changed)

    def inputs(self) -> list[QWidget]:
        return [self.edit]

    def answer(self) -> dict[str, Any] | None:
        try:
            number = float(self.edit.text().strip())
        except ValueError:
            return None
        if not math.isfinite(number):
            return None
        return answer(int(number) if number.is_integer() else number)

    def set_answer(self, entry: Entry | None) -> None:
        value = _value(entry)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.edit.setText("")
        elif isinstance(value, float) and value.is_integer():
            self.edit.setText(str(int(value)))
        else:
            self.edit.setText(str(value))


class ChoiceEditor(ItemEditor):
    """One of the item's options."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        super().__init__(item, on_change)
        self.combo = _Combo(item.label)
        self.combo.addItem("", None)
        for option in item.options:
            self.combo.addItem(option.label, option.id)
        self.layout.addWidget(self.combo)
        self.layout.addStretch(1)
        self.combo.currentIndexChanged.connect(self.changed)

    def inputs(self) -> list[QWidget]:
        return [self.combo]

    def answer(self) -> dict[str, Any] | None:
        value = self.combo.currentData()
        return answer(value) if isinstance(value, str) else None

    def set_answer(self, entry: Entry | None) -> None:
        self.combo.select_data(_value(entry))


class TextEditor(ItemEditor):
    """Free text."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        super().__init__(item, on_change)
        self.box = _text_box(item.label, TEXT_LINES)
        self.layout.addWidget(self.box)
        self.box.textChanged.connect(self.changed)

    def inputs(self) -> list[QWidget]:
        return [self.box]

    def answer(self) -> dict[str, Any] | None:
        text = self.box.toPlainText()
        return answer(text) if text.strip() else None

    def set_answer(self, entry: Entry | None) -> None:
        value = _value(entry)
        self.box.setPlainText(value if isinstance(value, str) else "")


class ActionsItemEditor(ItemEditor):
    """The agreed-actions table; its lines are action records, not an answer."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        super().__init__(item, on_change)
        self.editor = ActionsEditor(item.label)
        self.layout.addWidget(self.editor)
        self.editor.changed.connect(self.changed)

    def inputs(self) -> list[QWidget]:
        return self.editor.inputs()

    def answer(self) -> dict[str, Any] | None:
        return None

    def set_answer(self, entry: Entry | None) -> None:
        pass


def item_editor(item: Item, on_change: Callable[[], None], scale: GradeScale) -> ItemEditor:
    """The editor for an item of any type; ``scale`` grades the grade items."""
    kind = item.type
    if kind is ItemType.GRADE:
        return GradeEditor(item, on_change, scale)
    if kind is ItemType.YES_NO:
        return YesNoEditor(item, on_change)
    if kind is ItemType.DATE:
        return DateEditor(item, on_change)
    if kind is ItemType.NUMBER:
        return NumberEditor(item, on_change)
    if kind is ItemType.CHOICE:
        return ChoiceEditor(item, on_change)
    if kind is ItemType.TEXT:
        return TextEditor(item, on_change)
    return ActionsItemEditor(item, on_change)
