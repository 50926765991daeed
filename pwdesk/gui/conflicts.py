"""The QA officer's Conflicts view: records changed on two devices, their versions side by side.

A conflict keeps every concurrent version until someone decides. The page shows one row per
field and one column per version, and for an audit one row per answer the versions changed
differently; each of those clashes is marked (≠ and a tint) and has a chooser. What only one
version changed is combined already. The resolution names exactly the versions shown, so one
that arrives meanwhile is never silently superseded.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import OBSERVATION_TYPES, FormTemplate, TemplateKind
from pwdesk.domain.versions import DELETED_FIELD
from pwdesk.gui.models import Column, RowTableModel
from pwdesk.services.conflicts import (
    Conflict,
    ConflictVersion,
    ResolutionOutdated,
    content_fields,
    list_conflicts,
    resolve_conflict,
)
from pwdesk.services.people import list_auditors, list_children, list_practitioners
from pwdesk.services.templates import UnknownTemplate, catalogue
from pwdesk.services.weeks import list_weeks
from pwdesk.store.database import Database

DIFFERS = "≠"
KEPT = "✓"
NO_VALUE = "—"
# Tints that read on a light palette; the ≠ and ✓ markers carry the meaning without colour.
DIFFERING_TINT = "#FFF1CC"
KEPT_TINT = "#DCEFD9"
KEPT_EDGE = "#1B5E20"

RECORD_KINDS = {
    "week": "Practice Week",
    "cohort": "Cohort",
    "child": "Child",
    "cohort-member": "Child in a cohort",
    "practitioner": "Practitioner",
    "auditor": "Senior leader",
    "assessment": "Audit or observation",
    "action": "Agreed action",
}
FIELD_NAMES = {
    "week_id": "Practice Week",
    "template_id": "Form",
    "template_version": "Form version",
    "auditor_id": "Senior leader",
    "held_on": "Date held",
    "due_on": "Due",
    "assessment_id": "Audit or observation",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def field_label(name: str) -> str:
    """A content field's name as people read it ("child_id" → "Child")."""
    return FIELD_NAMES.get(name) or name.removesuffix("_id").replace("_", " ").capitalize()


def when(moment: datetime) -> str:
    """A version's time in local time, as people read it."""
    return moment.astimezone().strftime("%d %b %Y %H:%M")


@dataclass(frozen=True)
class ConflictsView:
    """Everything the page shows, read through the services in one go (off the GUI thread)."""

    conflicts: list[Conflict] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # record id -> what people call it
    templates: dict[tuple[str, int], FormTemplate] = field(default_factory=dict)


def _template_key(version: ConflictVersion) -> tuple[str, int] | None:
    template_id = version.content.get("template_id")
    template_version = version.content.get("template_version")
    if isinstance(template_id, str) and isinstance(template_version, int):
        return (template_id, template_version)
    return None


def load_conflicts(db: Database) -> ConflictsView:
    """The records in conflict, with the names and forms needed to show their versions."""
    conflicts = list_conflicts(db)
    if not conflicts:
        return ConflictsView()
    names = {c.id: c.case_reference for c in list_children(db)}
    names |= {p.id: f"{p.name} ({p.team})" if p.team else p.name for p in list_practitioners(db)}
    names |= {a.id: a.name for a in list_auditors(db)}
    names |= {w.id: f"{w.code} — {w.title}" for w in list_weeks(db)}
    forms = catalogue(db)
    templates: dict[tuple[str, int], FormTemplate] = {}
    for conflict in conflicts:
        for version in conflict.versions:
            key = _template_key(version)
            if key is not None and key not in templates:
                with suppress(UnknownTemplate):
                    templates[key] = forms.get(*key)
    return ConflictsView(conflicts, names, templates)


# --- showing values -------------------------------------------------------------------------


def _answer_text(template: FormTemplate | None, item_id: str, answer: Any) -> str:
    label, value, note = item_id, answer, ""
    if isinstance(answer, Mapping):
        value, note = answer.get("value"), str(answer.get("note") or "")
    if template is not None:
        with suppress(KeyError):
            item = template.item(item_id)
            label = item.label
            options = {option.id: option.label for option in item.options}
            if isinstance(value, str) and value in options:
                value = options[value]
            elif isinstance(value, str) and template.scale.knows(value):
                value = template.scale.grade(value).label
    shown = NO_VALUE if value in (None, "") else str(value)
    return f"{label}: {shown}" + (f" — {note}" if note else "")


def _in_form_order(keys: Iterable[str], template: FormTemplate | None) -> list[str]:
    order = [item.id for item in template.items()] if template is not None else []
    wanted = set(keys)
    return [key for key in order if key in wanted] + sorted(wanted - set(order))


def answers_text(
    answers: Mapping[str, Any], template: FormTemplate | None, differing: set[str]
) -> str:
    """Every answer, one per line in form order; those that differ between versions marked ≠."""
    return "\n".join(
        (f"{DIFFERS} " if key in differing else "") + _answer_text(template, key, answers[key])
        for key in _in_form_order(answers, template)
    )


def differing_answers_text(
    answers: Mapping[str, Any], template: FormTemplate | None, differing: set[str]
) -> str:
    """Only the answers that differ between versions (marked ≠), then how many are the same:
    the choice is between those, and a dozen identical paragraphs would hide them."""
    lines = [
        f"{DIFFERS} " + _answer_text(template, key, answers.get(key))
        for key in _in_form_order(differing, template)
    ]
    same = len(set(answers) - differing)
    if same:
        lines.append(
            f"… and {same} other answer{'s' if same > 1 else ''}, the same in every version."
        )
    return "\n".join(lines)


def value_text(value: Any, names: Mapping[str, str]) -> str:
    """One field's value as people read it: names for record ids, dates in words."""
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        if value in names:
            return names[value]
        if _ISO_DATE.match(value):
            with suppress(ValueError):
                day = datetime.fromisoformat(value)
                return f"{day.day} {day:%b %Y}"
        return value
    if isinstance(value, list | tuple):
        return "; ".join(value_text(item, names) for item in value) or NO_VALUE
    if isinstance(value, Mapping):
        return "\n".join(f"{key}: {value_text(item, names)}" for key, item in value.items())
    return str(value)


KINDS = {
    TemplateKind.CASE_AUDIT.value: "Case audit",
    TemplateKind.OBSERVATION.value: "Observation of practice",
}


def field_text(name: str, version: ConflictVersion, view: ConflictsView) -> str:
    """A field of a version as people read it: form titles, kinds and statuses in words."""
    value = version.content.get(name)
    form = _template_of(version, view)
    if name == "template_id" and form is not None:
        return form.title
    if name == "kind" and isinstance(value, str):
        return KINDS.get(value, value)
    if name == "observation_type" and isinstance(value, str):
        return OBSERVATION_TYPES.get(value, value)
    if name == "status" and isinstance(value, str):
        return value.capitalize()
    return value_text(value, view.names)


def _template_of(version: ConflictVersion, view: ConflictsView) -> FormTemplate | None:
    key = _template_key(version)
    return view.templates.get(key) if key is not None else None


def describe(conflict: Conflict, view: ConflictsView) -> str:
    """Which record this is, in a few words (a child's case reference, a person's name)."""
    content = next(
        (v.content for v in conflict.versions if v.id == conflict.shown),
        conflict.versions[0].content,
    )
    if conflict.record_type == "assessment":
        form = _template_of(conflict.versions[0], view)
        parts = [
            view.names.get(str(content.get("child_id")), ""),
            form.title if form is not None else str(content.get("template_id", "")),
            value_text(content.get("held_on"), view.names),
        ]
        return ", ".join(part for part in parts if part and part != NO_VALUE)
    for key in ("case_reference", "name", "code", "title", "description", "child_id"):
        if content.get(key):
            return value_text(content[key], view.names)
    return conflict.record_id[:8]


@dataclass(frozen=True)
class ConflictRow:
    """One line of the conflicts list."""

    conflict: Conflict
    kind: str
    description: str
    authors: str
    latest: str

    @property
    def record_id(self) -> str:
        """The id of the record in conflict."""
        return self.conflict.record_id


def conflict_rows(view: ConflictsView) -> list[ConflictRow]:
    """The conflicts as list lines."""
    return [
        ConflictRow(
            conflict,
            RECORD_KINDS.get(conflict.record_type, conflict.record_type),
            describe(conflict, view),
            ", ".join(dict.fromkeys(v.author for v in conflict.versions)),
            max(v.created_at for v in conflict.versions).astimezone().strftime("%Y-%m-%d %H:%M"),
        )
        for conflict in view.conflicts
    ]


def conflicts_model() -> RowTableModel:
    """Records in conflict: what, which, how many versions, by whom, latest change."""
    return RowTableModel(
        [
            Column("Record", lambda r: r.kind),
            Column("Which", lambda r: r.description),
            Column("Versions", lambda r: len(r.conflict.versions)),
            Column("Changed by", lambda r: r.authors),
            Column("Latest change", lambda r: r.latest),
        ],
        lambda r: r.record_id,
    )


# --- the side-by-side comparison ----------------------------------------------------------------


def _version_heading(number: int, version: ConflictVersion, shown: bool) -> str:
    where = "this device" if version.local else f"device {version.device_id[:8]}"
    lines = [
        f"<b>Version {number}</b>" + (" (shown meanwhile)" if shown else ""),
        html.escape(version.author),
        where,
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
        field_heading = QLabel("<b>Field</b>")
        grid.addWidget(field_heading, 0, 0, Qt.AlignmentFlag.AlignBottom)
        for column, version in enumerate(self.versions, start=1):
            heading = QLabel(_version_heading(column, version, version.id == conflict.shown))
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
        grid.addWidget(keep_heading, 0, len(self.versions) + 1, Qt.AlignmentFlag.AlignBottom)
        row = 2
        for name in self.fields:
            clashing_keys = [
                c.partition(".")[2] for c in self.differing if c.startswith(name + ".")
            ]
            for key in _in_form_order(clashing_keys, self._form()):
                self._add_answer_row(grid, row, name, key)
                row += 1
            self._add_field_row(grid, row, name, view)
            row += 1
        if DELETED_FIELD in self.differing:
            self._add_deletion_row(grid, row)
            row += 1
        for column in range(1, len(self.versions) + 1):
            grid.setColumnStretch(column, 1)
        grid.setRowStretch(row, 1)
        self._show_choices()

    def _ids(self) -> list[str]:
        return [version.id for version in self.versions]

    def _form(self) -> FormTemplate | None:
        return _template_of(self.versions[0], self._view)

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

    def _add_answer_row(self, grid: QGridLayout, row: int, name: str, key: str) -> None:
        form = self._form()
        label = _answer_text(form, key, None).rsplit(":", 1)[0]
        title = QLabel(f"<b>{DIFFERS} {html.escape(label)}</b>")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setWordWrap(True)
        title.setAccessibleName(f"{label}, differs")
        grid.addWidget(title, row, 0, Qt.AlignmentFlag.AlignTop)
        clash = f"{name}.{key}"
        for column, version in enumerate(self.versions, start=1):
            answers = version.content.get(name)
            value = answers.get(key) if isinstance(answers, Mapping) else None
            text = _answer_text(form, key, value).split(": ", 1)[-1]
            cell = self._cell(text, text, f"{label} in version {column}")
            self.cells[(clash, version.id)] = cell
            grid.addWidget(cell, row, column)
        chooser = self._chooser(label)
        self.choices[clash] = chooser
        grid.addWidget(chooser, row, len(self.versions) + 1, Qt.AlignmentFlag.AlignTop)

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
        chooser = self._chooser("Deletion")
        self.choices[DELETED_FIELD] = chooser
        grid.addWidget(chooser, row, len(self.versions) + 1, Qt.AlignmentFlag.AlignTop)

    def _add_field_row(self, grid: QGridLayout, row: int, name: str, view: ConflictsView) -> None:
        differs = name in self.differing
        label = field_label(name)
        title = QLabel(f"<b>{DIFFERS} {html.escape(label)}</b>" if differs else label)
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setAccessibleName(f"{label}, differs" if differs else label)
        grid.addWidget(title, row, 0, Qt.AlignmentFlag.AlignTop)
        every = [v.content.get(name) for v in self.versions]
        varies = len({repr(value) for value in every}) > 1
        for column, version in enumerate(self.versions, start=1):
            value = version.content.get(name)
            whole = ""
            if isinstance(value, Mapping) and name in ("answers", "grades"):
                form = _template_of(version, view)
                maps = [v if isinstance(v, Mapping) else {} for v in every]
                keys = {key for answers in maps for key in answers}
                changed = {k for k in keys if len({repr(a.get(k)) for a in maps}) > 1}
                whole = answers_text(value, form, changed)
                text = f"{len(value)} answers" + (
                    ", the same in every version." if not changed else f"; {len(changed)} differ."
                )
            else:
                text = field_text(name, version, view)
            cell = self._cell(text, whole, f"{label} in version {column}")
            self.cells[(name, version.id)] = cell
            grid.addWidget(cell, row, column)
        keep_column = len(self.versions) + 1
        if differs:
            chooser = self._chooser(label)
            self.choices[name] = chooser
            grid.addWidget(chooser, row, keep_column, Qt.AlignmentFlag.AlignTop)
        else:
            clashing = {
                c.removeprefix(name + ".") for c in self.differing if c.startswith(name + ".")
            }
            if isinstance(every[0], Mapping):
                maps = [v if isinstance(v, Mapping) else {} for v in every]
                keys = {key for answers in maps for key in answers} - clashing
                varies = any(len({repr(a.get(k)) for a in maps}) > 1 for k in keys)
            if varies:
                words = "Combined: each change was made in one version only"
            elif clashing:
                words = "The same, but for the answers above"
            else:
                words = "Same in every version"
            note = QLabel(words)
            note.setWordWrap(True)
            note.setObjectName("muted")
            grid.addWidget(note, row, keep_column, Qt.AlignmentFlag.AlignTop)

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
                cell = self.cells[(name, version.id)]
                plain = str(cell.property("plain"))
                if version.id == chosen:
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
        for (name, _), cell in self.cells.items():
            if name not in self.choices:
                cell.setText(str(cell.property("plain")))
        for version_id, button in self.take_buttons.items():
            button.setText(
                f"{KEPT} Keeping this version whole"
                if self.whole == version_id
                else f"Take version {self._ids().index(version_id) + 1} whole"
            )


class ConflictsPage(QWidget):
    """Records in conflict, and for the one selected its versions side by side to resolve.

    ``resolved`` carries the id of a record whose conflict was resolved.
    """

    resolved = Signal(str)
    counted = Signal(int)  # how many records are in conflict, after each load

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.view = ConflictsView()
        self.comparison: VersionComparison | None = None
        self.heading = QLabel("Records in conflict")
        self.heading.setObjectName("heading")
        intro = QLabel(
            "These records were changed on more than one device since they last met. Every "
            "version is kept until you decide: pick a record, choose which version each "
            f"differing field ({DIFFERS}) is kept from, then press Resolve."
        )
        intro.setWordWrap(True)
        self.model = conflicts_model()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Records in conflict")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = QLabel("No records are in conflict.")
        self.empty.setObjectName("muted")

        self.legend = QLabel(
            f"{DIFFERS} marks a field that differs between versions; {KEPT} marks the value "
            "that will be kept."
        )
        self.legend.setObjectName("muted")
        self.legend.setWordWrap(True)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setAccessibleName("Versions side by side")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.resolve_button = QPushButton("&Resolve")
        self.resolve_button.setAccessibleName("Resolve the conflict")
        self.resolve_button.clicked.connect(self.resolve)
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        actions.addWidget(self.resolve_button)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.legend)
        detail_layout.addWidget(self.area, 1)
        detail_layout.addLayout(actions)
        listing = QWidget()
        listing_layout = QVBoxLayout(listing)
        listing_layout.setContentsMargins(0, 0, 0, 0)
        listing_layout.addWidget(self.table)
        listing_layout.addWidget(self.empty)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(listing)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setStretchFactor(1, 4)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.table)
        self._show_selected()

    def refresh(self) -> None:
        """Read the conflicts again (quick: there are few) and show them."""
        self.show_view(load_conflicts(self.db))

    def show_view(self, view: ConflictsView) -> None:
        """Show loaded conflicts, keeping the selection (and choices) where the record remains."""
        selected = self.selected()
        self.view = view
        self.table.selectionModel().blockSignals(True)
        self.model.set_rows(conflict_rows(view))
        self.table.selectionModel().blockSignals(False)
        ids = self.model.row_ids()
        if selected is not None and selected.record_id in ids:
            self.select(selected.record_id)
        elif ids:
            self.select(ids[0])
        else:
            self._show_selected()
        self.table.setVisible(bool(ids))
        self.empty.setVisible(not ids)
        self.counted.emit(len(ids))

    def conflicts(self) -> list[Conflict]:
        """The conflicts shown."""
        return list(self.view.conflicts)

    def select(self, record_id: str) -> None:
        """Select a record in the list, which shows its versions."""
        row = self.model.row_ids().index(record_id)
        self.table.selectRow(row)
        self._show_selected()

    def selected(self) -> Conflict | None:
        """The conflict whose versions are shown."""
        return self.comparison.conflict if self.comparison is not None else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_selected()

    def _current_conflict(self) -> Conflict | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row: ConflictRow = self.model.row_at(rows[0].row())
        return row.conflict

    def _show_selected(self) -> None:
        conflict = self._current_conflict()
        if conflict is None:
            # Nothing selected (a resolution may just have cleared it): the pane clears, and a
            # message saying what happened stays.
            self.comparison = None
            if not isinstance(self.area.widget(), QLabel):
                placeholder = QLabel("Choose a record above to see its versions.")
                placeholder.setObjectName("muted")
                placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.area.setWidget(placeholder)
        elif self.area.widget() is not None and conflict == self.selected():
            return  # the same versions: keep the choices and the message
        else:
            self.message.setText("")
            self.comparison = VersionComparison(conflict, self.view)
            self.area.setWidget(self.comparison)
        self.resolve_button.setEnabled(self.comparison is not None)
        self.legend.setVisible(self.comparison is not None)

    def take_whole(self, version_id: str) -> None:
        """Keep one version of the selected record whole (a Resolve still follows)."""
        if self.comparison is not None:
            self.comparison.take_whole(version_id)

    def choose(self, field_name: str, version_id: str) -> None:
        """Keep one field from one version (as its chooser does)."""
        assert self.comparison is not None
        chooser = self.comparison.choices[field_name]
        chooser.setCurrentIndex(chooser.findData(version_id))

    def resolve(self) -> str | None:
        """Resolve the selected conflict as chosen; returns the new version's id."""
        comparison = self.comparison
        if comparison is None:
            return None
        record_id = comparison.conflict.record_id
        shown = [version.id for version in comparison.versions]
        try:
            if comparison.whole is not None:
                version = resolve_conflict(self.db, record_id, comparison.whole, shown=shown)
            else:
                version = resolve_conflict(
                    self.db,
                    record_id,
                    fields=comparison.chosen_fields(),
                    answers=comparison.chosen_answers(),
                    shown=shown,
                )
        except ResolutionOutdated as error:
            self.refresh()  # show the versions as they are now, then say why nothing changed
            self._say(str(error), error=True)
            return None
        except PwdeskError as error:
            self._say(str(error), error=True)
            return None
        self.comparison = None
        self.refresh()
        self._say("Resolved: the record now holds the values you kept.", error=False)
        self.resolved.emit(record_id)
        return version

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setObjectName("error" if error else "muted")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
