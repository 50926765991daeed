"""A conflict's versions side by side, with a chooser for each field or answer that clashes.

One row per field and one column per version, and for an audit one row per answer the versions
changed differently; each clash is marked (≠ and a tint). What only one version changed is
combined already and said so.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QPushButton, QSizePolicy, QWidget

from pwdesk.domain.templates import FormTemplate
from pwdesk.domain.versions import DELETED_FIELD
from pwdesk.services.conflict_view import (
    DIFFERS,
    ConflictsView,
    answer_text,
    answers_summary,
    answers_that_differ,
    device_text,
    differing_answers_text,
    field_label,
    field_text,
    in_form_order,
    template_of,
    when,
)
from pwdesk.services.conflicts import Conflict, ConflictVersion, content_fields

KEPT = "✓"
# Tints that read on a light palette; the ≠ and ✓ markers carry the meaning without colour.
DIFFERING_TINT = "#FFF1CC"
KEPT_TINT = "#DCEFD9"
KEPT_EDGE = "#1B5E20"


def _version_heading(number: int, version: ConflictVersion, shown: bool, where: str) -> str:
    lines = [
        f"<b>Version {number}</b>" + (" (shown meanwhile)" if shown else ""),
        html.escape(version.author, quote=False),
        f"on {html.escape(where, quote=False)}",  # a name from a package: never markup
        when(version.created_at),
    ]
    if version.deleted:
        lines.append("<b>deletes the record</b>")
    return "<br>".join(lines)


class VersionComparison(QWidget):
    """A conflict's versions side by side: one row per field, and for an audit one row per
    answer the versions changed differently. Only those clashes need a choice; what one version
    alone changed is combined and shown as such."""

    def __init__(self, conflict: Conflict, view: ConflictsView) -> None:
        super().__init__()
        self.conflict = conflict
        self.versions = conflict.versions
        self.fields = content_fields(conflict.record_type)
        self.differing = [clash.name for clash in conflict.fields]
        self.base = conflict.shown if conflict.shown in self._ids() else self.versions[0].id
        self.whole: str | None = None  # a version taken whole, while every chooser agrees
        self.choices: dict[str, QComboBox] = {}
        self.cells: dict[tuple[str, str], QLabel] = {}  # (field, version id) -> its value
        self.take_buttons: dict[str, QPushButton] = {}
        self._view = view
        grid = QGridLayout(self)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(6)
        self._add_headings(grid)
        row = self._add_rows(grid)
        for column in range(1, len(self.versions) + 1):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(row, 1)
        self._show_choices()

    def _ids(self) -> list[str]:
        return [version.id for version in self.versions]

    def _form(self) -> FormTemplate | None:
        return template_of(self.versions[0], self._view)

    @property
    def _keep_column(self) -> int:
        return len(self.versions) + 1

    # --- building ----------------------------------------------------------------------------

    def _add_headings(self, grid: QGridLayout) -> None:
        """The first two rows: each version's heading with its "Take whole" button."""
        field_heading = QLabel("<b>Field</b>")
        grid.addWidget(field_heading, 0, 0, Qt.AlignmentFlag.AlignBottom)
        for column, version in enumerate(self.versions, start=1):
            where = device_text(version, self._view)
            shown = version.id == self.conflict.shown
            heading = QLabel(_version_heading(column, version, shown, where))
            heading.setTextFormat(Qt.TextFormat.RichText)
            heading.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
            grid.addWidget(heading, 0, column)
            take = QPushButton(f"Take version {column} whole")
            take.setAccessibleName(f"Take version {column} whole")
            take.setToolTip(f"Keep every field as version {column} has it")
            take.clicked.connect(lambda _=False, vid=version.id: self.take_whole(vid))
            self.take_buttons[version.id] = take
            grid.addWidget(take, 1, column, Qt.AlignmentFlag.AlignLeft)
        keep_heading = QLabel("<b>Keep</b>")
        grid.addWidget(keep_heading, 0, self._keep_column, Qt.AlignmentFlag.AlignBottom)

    def _add_rows(self, grid: QGridLayout) -> int:
        """A row per field, each after the rows of its clashing answers; returns the next row."""
        row = 2
        for name in self.fields:
            clashing_keys = [
                c.partition(".")[2] for c in self.differing if c.startswith(name + ".")
            ]
            for key in in_form_order(clashing_keys, self._form()):
                self._add_answer_row(grid, row, name, key)
                row += 1
            self._add_field_row(grid, row, name)
            row += 1
        if DELETED_FIELD in self.differing:
            self._add_deletion_row(grid, row)
            row += 1
        return row

    def _cell(self, text: str, whole: str, accessible: str) -> QLabel:
        cell = QLabel()
        cell.setToolTip(whole)
        cell.setProperty("plain", text)
        cell.setWordWrap(True)
        cell.setTextFormat(Qt.TextFormat.PlainText)
        cell.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        cell.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        cell.setMinimumWidth(160)
        cell.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        cell.setAccessibleName(accessible)
        return cell

    def _chooser(self, label: str) -> QComboBox:
        chooser = QComboBox()
        chooser.setAccessibleName(f"Keep {label.lower()} from")
        for column, version in enumerate(self.versions, start=1):
            chooser.addItem(f"Version {column} ({version.author})", version.id)
        chooser.setCurrentIndex(chooser.findData(self.base))
        chooser.currentIndexChanged.connect(self._chosen)
        return chooser

    def _add_chooser(self, grid: QGridLayout, row: int, clash: str, label: str) -> None:
        chooser = self._chooser(label)
        self.choices[clash] = chooser
        grid.addWidget(chooser, row, self._keep_column, Qt.AlignmentFlag.AlignTop)

    def _add_answer_row(self, grid: QGridLayout, row: int, name: str, key: str) -> None:
        form = self._form()
        label = answer_text(form, key, None).rsplit(":", 1)[0]
        title = QLabel(f"<b>{DIFFERS} {html.escape(label)}</b>")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)
        title.setAccessibleName(f"{label}, differs")
        grid.addWidget(title, row, 0, Qt.AlignmentFlag.AlignTop)
        clash = f"{name}.{key}"
        for column, version in enumerate(self.versions, start=1):
            answers = version.content.get(name)
            value = answers.get(key) if isinstance(answers, Mapping) else None
            text = answer_text(form, key, value).split(": ", 1)[-1]
            cell = self._cell(text, text, f"{label} in version {column}")
            self.cells[(clash, version.id)] = cell
            grid.addWidget(cell, row, column)
        self._add_chooser(grid, row, clash, label)

    def _add_deletion_row(self, grid: QGridLayout, row: int) -> None:
        """One version deletes the record while another changed it: keep it, or let it go."""
        label = "The record itself"
        title = QLabel(f"<b>{DIFFERS} {label}</b>")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setAccessibleName(f"{label}, differs")
        grid.addWidget(title, row, 0, Qt.AlignmentFlag.AlignTop)
        for column, version in enumerate(self.versions, start=1):
            text = "Deletes the record" if version.deleted else "Keeps the record"
            cell = self._cell(text, text, f"{label} in version {column}")
            self.cells[(DELETED_FIELD, version.id)] = cell
            grid.addWidget(cell, row, column)
        self._add_chooser(grid, row, DELETED_FIELD, "Deletion")

    def _add_field_row(self, grid: QGridLayout, row: int, name: str) -> None:
        differs = name in self.differing
        label = field_label(name)
        title = QLabel(f"<b>{DIFFERS} {html.escape(label)}</b>" if differs else label)
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setAccessibleName(f"{label}, differs" if differs else label)
        grid.addWidget(title, row, 0, Qt.AlignmentFlag.AlignTop)
        every = [v.content.get(name) for v in self.versions]
        for column, version in enumerate(self.versions, start=1):
            text, whole = self._field_texts(name, version, every)
            cell = self._cell(text, whole, f"{label} in version {column}")
            self.cells[(name, version.id)] = cell
            grid.addWidget(cell, row, column)
        if differs:
            self._add_chooser(grid, row, name, label)
        else:
            note = self._agreement(name, every)
            grid.addWidget(note, row, self._keep_column, Qt.AlignmentFlag.AlignTop)

    def _field_texts(
        self, name: str, version: ConflictVersion, every: Sequence[Any]
    ) -> tuple[str, str]:
        """A field's cell text, and for answers every one of them, for the tooltip."""
        value = version.content.get(name)
        if isinstance(value, Mapping) and name in ("answers", "grades"):
            clashing = {
                c.removeprefix(name + ".") for c in self.differing if c.startswith(name + ".")
            }
            changed = answers_that_differ(every)
            # The tooltip lists only what differs: a dozen identical paragraphs would hide it.
            form = template_of(version, self._view)
            return answers_summary(every, clashing), differing_answers_text(value, form, changed)
        return field_text(name, version, self._view), ""

    def _agreement(self, name: str, every: Sequence[Any]) -> QLabel:
        """What a field no version clashes over holds: the same, or each version's own changes."""
        clashing = {c.removeprefix(name + ".") for c in self.differing if c.startswith(name + ".")}
        if isinstance(every[0], Mapping):
            varies = bool(answers_that_differ(every) - clashing)
        else:
            varies = len({repr(value) for value in every}) > 1
        if varies:
            words = "Combined: each change was made in one version only"
        elif clashing:
            words = "The same, but for the answers above"
        else:
            words = "Same in every version"
        note = QLabel(words)
        note.setWordWrap(True)
        note.setObjectName("muted")
        return note

    # --- choosing ----------------------------------------------------------------------------

    def take_whole(self, version_id: str) -> None:
        """Keep one version whole: every chooser points at it, and it decides every field."""
        self.base = version_id
        for chooser in self.choices.values():
            chooser.blockSignals(True)
            chooser.setCurrentIndex(chooser.findData(version_id))
            chooser.blockSignals(False)
        self.whole = version_id
        self._show_choices()

    def _chosen(self) -> None:
        self.whole = None  # a choice of its own: the combined record, with the choices made
        self._show_choices()

    def chosen_fields(self) -> dict[str, str]:
        """Which version each clashing field (not a single answer) is kept from."""
        return {
            name: str(chooser.currentData())
            for name, chooser in self.choices.items()
            if not name.startswith("answers.")
        }

    def chosen_answers(self) -> dict[str, str]:
        """Which version each clashing answer is kept from, by item id."""
        return {
            name.partition(".")[2]: str(chooser.currentData())
            for name, chooser in self.choices.items()
            if name.startswith("answers.")
        }

    def _show_choices(self) -> None:
        for name, chooser in self.choices.items():
            chosen = chooser.currentData()
            for version in self.versions:
                self._tint(self.cells[(name, version.id)], kept=version.id == chosen)
        for (name, _), cell in self.cells.items():
            if name not in self.choices:
                cell.setText(str(cell.property("plain")))
        for version_id, button in self.take_buttons.items():
            button.setText(
                f"{KEPT} Keeping this version whole"
                if self.whole == version_id
                else f"Take version {self._ids().index(version_id) + 1} whole"
            )

    @staticmethod
    def _tint(cell: QLabel, *, kept: bool) -> None:
        """Show a clashing value as kept (✓ and green) or as one of the differing (amber)."""
        plain = str(cell.property("plain"))
        if kept:
            cell.setText(f"{KEPT} kept\n{plain}")
            cell.setStyleSheet(
                f"background: {KEPT_TINT}; border: 2px solid {KEPT_EDGE}; "
                "border-radius: 3px; padding: 4px; color: black;"
            )
        else:
            cell.setText(plain)
            cell.setStyleSheet(
                f"background: {DIFFERING_TINT}; border: 1px solid #C9A227; "
                "border-radius: 3px; padding: 4px; color: black;"
            )
