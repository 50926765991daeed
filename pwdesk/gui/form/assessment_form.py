"""The assessment form: one scrolling widget built from any form template.

Senior leaders type into it while talking with a social worker, so every input is reachable by
keyboard in form order, and every edit is announced (``changed``) for the caller to autosave.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Collection, Mapping
from itertools import pairwise
from typing import Any

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QColor, QDoubleValidator, QFont, QPalette, QWheelEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.answers import answer
from pwdesk.domain.dates import parse_date
from pwdesk.domain.grades import GradeScale
from pwdesk.domain.templates import YES_NO_ANSWERS, FormTemplate, Item, ItemType, Section
from pwdesk.gui.form.actions_editor import ERROR, ActionLine, ActionsEditor
from pwdesk.gui.form.grade_picker import GradePicker
from pwdesk.palette import ACCENT, INK, MUTED, RULE

Entry = Mapping[str, Any]
_PAGE_WIDTH = 980  # beyond this, lines of text get too long to read comfortably
_EVIDENCE_LINES = 3
_TEXT_LINES = 5
_DATE_HINT = "Write the date as YYYY-MM-DD, for example 2018-09-17."


def _scaled(font: QFont, factor: float, weight: QFont.Weight | None = None) -> QFont:
    """A copy of ``font``, ``factor`` times the size, optionally in another weight."""
    scaled = QFont(font)
    scaled.setPointSizeF(font.pointSizeF() * factor)
    if weight is not None:
        scaled.setWeight(weight)
    return scaled


def _muted_label(text: str, font: QFont) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setFont(font)
    label.setStyleSheet(f"color: {MUTED};")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


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


class _Editor:
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


class _GradeEditor(_Editor):
    """A grade picker and the evidence behind the grade."""

    def __init__(self, item: Item, on_change: Callable[[], None], scale: GradeScale) -> None:
        super().__init__(item, on_change)
        self.scale = scale
        self.picker = GradePicker(scale, item.label)
        self.evidence = _text_box(
            f"{item.label} — evidence", _EVIDENCE_LINES, "Evidence for the grade"
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


class _YesNoEditor(_Editor):
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


class _DateEditor(_Editor):
    """A date typed as YYYY-MM-DD; anything else is shown red with words saying why."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        super().__init__(item, on_change)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(item.label)
        self.edit.setPlaceholderText("YYYY-MM-DD")
        self.edit.setMaxLength(10)
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("YYYY-MM-DD") + 28)
        self.problem = QLabel(f"Not a date. {_DATE_HINT}")
        self.problem.setStyleSheet(f"color: {ERROR};")
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
        return not text or parse_date(text) is not None

    def validate(self) -> None:
        """Colour the text red, and say why, while it is not a date."""
        valid = self.is_valid()
        palette = QPalette(self.plain_palette)
        if not valid:
            palette.setColor(QPalette.ColorRole.Text, QColor(ERROR))
        self.edit.setPalette(palette)
        self.edit.setToolTip("" if valid else f"Not a date. {_DATE_HINT}")
        self.problem.setVisible(not valid)

    def answer(self) -> dict[str, Any] | None:
        text = self.edit.text().strip()
        return answer(text) if text and parse_date(text) is not None else None

    def set_answer(self, entry: Entry | None) -> None:
        value = _value(entry)
        self.edit.setText(value if isinstance(value, str) else "")


class _NumberEditor(_Editor):
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


class _ChoiceEditor(_Editor):
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


class _TextEditor(_Editor):
    """Free text."""

    def __init__(self, item: Item, on_change: Callable[[], None]) -> None:
        super().__init__(item, on_change)
        self.box = _text_box(item.label, _TEXT_LINES)
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


class _ActionsItemEditor(_Editor):
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


class _ItemView:
    """One item on the page: its label (which can be marked missing) and its editor."""

    def __init__(self, block: QWidget, label: QLabel, editor: _Editor) -> None:
        self.block = block
        self.label = label
        self.editor = editor
        self.missing = False
        self.mark_missing(False)

    def mark_missing(self, missing: bool) -> None:
        """Show the label in red with a Required badge after it, or plainly."""
        self.missing = missing
        item = self.editor.item
        text = html.escape(f"{item.label} *" if item.required else item.label)
        if missing:
            # The badge is part of the label's text so that it follows the last word, however
            # the label wraps.
            text += (
                f'&nbsp;&nbsp;<span style="background-color: {ERROR}; color: #FFFFFF;">'
                "&nbsp;Required&nbsp;</span>"
            )
        self.label.setText(text)
        self.label.setStyleSheet(f"color: {ERROR if missing else INK};")


class AssessmentForm(QScrollArea):
    """An audit or observation form built from its template, section by section.

    Every input is reachable with Tab in form order; a grade picker takes digits (1 is the best
    grade, 0 Not applicable). ``changed`` fires on each edit by the user, for autosave.
    """

    changed = Signal()
    """Emitted on every edit by the user; never by set_answers or set_action_lines."""

    def __init__(self, template: FormTemplate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._template = template
        self._loading = False
        self._items: dict[str, _ItemView] = {}
        self._actions: ActionsEditor | None = None
        base = self.font()
        self._fonts = {
            "title": _scaled(base, 1.5, QFont.Weight.Bold),
            "section": _scaled(base, 1.25, QFont.Weight.Bold),
            "label": _scaled(base, 1.0, QFont.Weight.DemiBold),
            "small": _scaled(base, 0.92),
        }

        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidgetResizable(True)
        self.setAccessibleName(template.title)

        page = QWidget()
        page.setMaximumWidth(_PAGE_WIDTH)
        page.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        column = QVBoxLayout(page)
        column.setContentsMargins(28, 24, 28, 32)
        column.setSpacing(0)
        self._add_heading(column)
        for section in template.sections:
            column.addSpacing(28)
            column.addWidget(self._section_widget(section))
        column.addStretch(1)

        holder = QWidget()
        outer = QHBoxLayout(holder)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(page, 1, Qt.AlignmentFlag.AlignHCenter)
        self.setWidget(holder)

        # Tab follows the form, input by input, whatever order the widgets were made in.
        chain = [widget for view in self._items.values() for widget in view.editor.inputs()]
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    @property
    def template(self) -> FormTemplate:
        """The template the form was built from."""
        return self._template

    def answers(self) -> dict[str, dict[str, Any]]:
        """What is typed, in the stored form, for the answered items only."""
        result: dict[str, dict[str, Any]] = {}
        for item_id, view in self._items.items():
            entry = view.editor.answer()
            if entry is not None:
                result[item_id] = entry
        return result

    def set_answers(self, answers: Mapping[str, Mapping[str, Any]]) -> None:
        """Fill every editor from stored answers (items not in ``answers`` are cleared).

        Does not emit changed. Values that do not fit an item are shown as unanswered.
        """
        self._loading = True
        try:
            for item_id, view in self._items.items():
                view.editor.set_answer(answers.get(item_id))
        finally:
            self._loading = False

    def action_lines(self) -> list[ActionLine]:
        """The agreed actions typed (blank rows left out); [] if the form has no actions table."""
        return self._actions.action_lines() if self._actions else []

    def set_action_lines(self, lines: list[ActionLine]) -> None:
        """Show these agreed actions; does not emit changed.

        Raises ValueError when there are lines but the form has no actions table.
        """
        if self._actions is None:
            if lines:
                raise ValueError(f"The form {self._template.id} has no agreed-actions table.")
            return
        self._loading = True
        try:
            self._actions.set_action_lines(lines)
        finally:
            self._loading = False

    def show_missing(self, item_ids: Collection[str]) -> None:
        """Mark these items' labels as missing (red, with a Required badge); unmark the rest."""
        wanted = set(item_ids)
        for item_id, view in self._items.items():
            view.mark_missing(item_id in wanted)

    def marked_missing(self) -> list[str]:
        """The items marked by show_missing, in form order."""
        return [item_id for item_id, view in self._items.items() if view.missing]

    def focus_item(self, item_id: str) -> None:
        """Scroll to an item and put the keyboard in its first input; KeyError if unknown."""
        view = self._items[item_id]
        self.ensureWidgetVisible(view.block, 0, 24)
        editor = self.editor_for(item_id)
        self.ensureWidgetVisible(editor, 0, 24)
        editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def editor_for(self, item_id: str) -> QWidget:
        """The first input of an item; KeyError if the form has no such item."""
        return self._items[item_id].editor.inputs()[0]

    def _user_edit(self) -> None:
        if not self._loading:
            self.changed.emit()

    def _add_heading(self, column: QVBoxLayout) -> None:
        title = QLabel(self._template.title)
        title.setFont(self._fonts["title"])
        title.setWordWrap(True)
        title.setStyleSheet(f"color: {INK};")
        column.addWidget(title)
        if self._template.description:
            column.addSpacing(6)
            column.addWidget(_muted_label(self._template.description, self.font()))
        column.addSpacing(4)
        column.addWidget(_muted_label("Items marked * are required.", self._fonts["small"]))

    def _section_widget(self, section: Section) -> QWidget:
        box = QWidget()
        box.setAccessibleName(section.title)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        title = QLabel(section.title)
        title.setFont(self._fonts["section"])
        title.setStyleSheet(f"color: {ACCENT};")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addSpacing(4)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.NoFrame)
        rule.setFixedHeight(1)
        rule.setStyleSheet(f"background: {RULE};")
        layout.addWidget(rule)
        if section.help:
            layout.addSpacing(6)
            layout.addWidget(_muted_label(section.help, self.font()))
        for item in section.items:
            layout.addSpacing(16)
            layout.addWidget(self._item_widget(item))
        return box

    def _item_widget(self, item: Item) -> QWidget:
        editor = self._editor(item)
        block = QWidget()
        layout = QVBoxLayout(block)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)

        label = QLabel()
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setFont(self._fonts["label"])
        label.setWordWrap(True)
        label.setBuddy(editor.inputs()[0])
        layout.addWidget(label)
        if item.help:
            label.setToolTip(item.help)
            editor.inputs()[0].setToolTip(item.help)
            layout.addWidget(_muted_label(item.help, self._fonts["small"]))
        layout.addSpacing(2)
        layout.addWidget(editor.widget)
        self._items[item.id] = _ItemView(block, label, editor)
        return block

    def _editor(self, item: Item) -> _Editor:
        kind = item.type
        if kind is ItemType.GRADE:
            return _GradeEditor(item, self._user_edit, self._template.scale)
        if kind is ItemType.YES_NO:
            return _YesNoEditor(item, self._user_edit)
        if kind is ItemType.DATE:
            return _DateEditor(item, self._user_edit)
        if kind is ItemType.NUMBER:
            return _NumberEditor(item, self._user_edit)
        if kind is ItemType.CHOICE:
            return _ChoiceEditor(item, self._user_edit)
        if kind is ItemType.TEXT:
            return _TextEditor(item, self._user_edit)
        actions = _ActionsItemEditor(item, self._user_edit)
        if self._actions is None:
            self._actions = actions.editor
        return actions
