"""The assessment form: one scrolling widget built from any form template.

Senior leaders type into it while talking with a social worker, so every input is reachable by
keyboard in form order, and every edit is announced (``changed``) for the caller to autosave.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Mapping
from itertools import pairwise
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.templates import FormTemplate, Item, Section
from pwdesk.gui.form.actions_editor import ERROR, ActionLine, ActionsEditor
from pwdesk.gui.form.item_editors import ActionsItemEditor, ItemEditor, item_editor
from pwdesk.gui.theme import accent_text, error_text
from pwdesk.gui.widgets import muted_palette, scaled_font

_PAGE_WIDTH = 980  # beyond this, lines of text get too long to read comfortably


def _muted_label(text: str, font: QFont) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setFont(font)
    label.setPalette(muted_palette(label))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
    return label


class _ItemView:
    """One item on the page: its label (which can be marked missing) and its editor."""

    def __init__(self, block: QWidget, label: QLabel, editor: ItemEditor) -> None:
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
        # Unanswered: red for the theme; answered: the theme's own text colour.
        self.label.setStyleSheet(f"color: {error_text()};" if missing else "")


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
            "title": scaled_font(base, 1.5, QFont.Weight.Bold),
            "section": scaled_font(base, 1.25, QFont.Weight.Bold),
            "label": scaled_font(base, 1.0, QFont.Weight.DemiBold),
            "small": scaled_font(base, 0.92),
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
        title.setStyleSheet(f"color: {accent_text()};")
        title.setWordWrap(True)
        layout.addWidget(title)
        layout.addSpacing(4)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.NoFrame)
        rule.setFixedHeight(1)
        rule.setStyleSheet("background: palette(mid);")
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

    def _editor(self, item: Item) -> ItemEditor:
        editor = item_editor(item, self._user_edit, self._template.scale)
        if isinstance(editor, ActionsItemEditor) and self._actions is None:
            self._actions = editor.editor
        return editor
