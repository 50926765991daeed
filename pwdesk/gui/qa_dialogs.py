"""The QA officer's dialogs: set up a week and its cohorts, allocate the work, moderate audits."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.answers import value_of
from pwdesk.domain.cohorts import (
    AgeUnder,
    CohortRule,
    EnteredCareBetween,
    InCareAtLeast,
    describe_rules,
)
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import TemplateKind
from pwdesk.gui.form.grade_picker import GradePicker
from pwdesk.gui.list_page import ListPage
from pwdesk.gui.models import WARNING_COLOURS, Column, RowTableModel
from pwdesk.gui.todo_page import allocations_model
from pwdesk.services.allocation import allocate_audit, list_allocations, schedule_observation
from pwdesk.services.assessments import draft_of
from pwdesk.services.cases import CaseImport, import_cases
from pwdesk.services.moderation import ModeratedGrade, moderate, moderation_of
from pwdesk.services.people import list_auditors, list_children, list_practitioners
from pwdesk.services.sheets import TableError
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import CohortDetails, WeekDetails, create_week, find_week
from pwdesk.store.database import Database

RULE_KINDS = (
    ("age-under", "Aged under … years"),
    ("in-care-at-least", "In care for at least … months"),
    ("entered-care-between", "Came into care between two dates"),
)


def _day(edit: QDateEdit) -> date:
    picked = edit.date()
    return date(picked.year(), picked.month(), picked.day())


def _date_edit(name: str, day: date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("d MMM yyyy")
    edit.setAccessibleName(name)
    day = day or date.today()
    edit.setDate(QDate(day.year, day.month, day.day))
    return edit


def _line(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setAccessibleName(name)
    return field


def _error_label() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setObjectName("error")
    label.setStyleSheet("color: #A4262C;")
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _table(model: RowTableModel, name: str) -> QTableView:
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


@dataclass(frozen=True)
class PlannedCohort:
    """A cohort typed in the set-up dialog, not yet stored."""

    name: str
    rules: tuple[CohortRule, ...]

    @property
    def described(self) -> str:
        """The rules in words."""
        return describe_rules(self.rules)


def case_import_summary(result: CaseImport) -> str:
    """What an import did, in a few lines: children read, placed per cohort, in no cohort."""
    lines = [
        f"{result.rows} children read: {result.new_children} new, "
        f"{result.updated_children} updated."
    ]
    lines += [f"{name}: {count} placed." for name, count in result.placed.items()]
    if result.in_no_cohort:
        lines.append(f"In no cohort: {', '.join(result.in_no_cohort)}.")
    return "\n".join(lines)


class WeekSetupDialog(QDialog):
    """Set up a Practice Week with its cohorts, then bring in its case list."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.week_code: str | None = None
        self.week_id: str | None = None
        self.result_of_import: CaseImport | None = None
        self.setWindowTitle("Set up a Practice Week")

        self.code = _line("Week code")
        self.code.setPlaceholderText("such as 2019-03")
        self.title = _line("Week title")
        self.theme = _line("Theme")
        self.starts = _date_edit("First day")
        self.ends = _date_edit("Last day")
        forms = catalogue(db)
        self.audit_form = QComboBox()
        self.audit_form.setAccessibleName("Case audit form")
        for template in forms.of_kind(TemplateKind.CASE_AUDIT):
            self.audit_form.addItem(template.title, template.id)
        self.observation_forms = QListWidget()
        self.observation_forms.setAccessibleName("Observation forms")
        self.observation_forms.setMaximumHeight(80)
        for template in forms.of_kind(TemplateKind.OBSERVATION):
            entry = QListWidgetItem(template.title)
            entry.setData(Qt.ItemDataRole.UserRole, template.id)
            entry.setCheckState(Qt.CheckState.Checked)
            self.observation_forms.addItem(entry)
        week_form = QFormLayout()
        for text, widget in (
            ("&Code:", self.code),
            ("&Title:", self.title),
            ("T&heme:", self.theme),
            ("&First day:", self.starts),
            ("&Last day:", self.ends),
            ("Case a&udit form:", self.audit_form),
            ("Obser&vations:", self.observation_forms),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            week_form.addRow(label, widget)

        self.cohort_name = _line("Cohort name")
        self.rule_kind = QComboBox()
        self.rule_kind.setAccessibleName("Kind of rule")
        for kind, words in RULE_KINDS:
            self.rule_kind.addItem(words, kind)
        self.rule_number = QSpinBox()
        self.rule_number.setRange(0, 240)
        self.rule_number.setValue(12)
        self.rule_number.setAccessibleName("Years or months")
        self.rule_first = _date_edit("Came into care from")
        self.rule_last = _date_edit("Came into care until")
        self.rule_kind.currentIndexChanged.connect(self._rule_kind_changed)
        self.add_rule_button = QPushButton("Add &rule")
        self.add_rule_button.clicked.connect(self.add_rule)
        self.rules_text = QLabel()
        self.rules_text.setWordWrap(True)
        self.add_cohort_button = QPushButton("Add c&ohort")
        self.add_cohort_button.clicked.connect(self.add_planned_cohort)
        self.pending_rules: list[CohortRule] = []
        self.cohorts: list[PlannedCohort] = []
        self.cohort_model = RowTableModel(
            [Column("Cohort", lambda c: c.name), Column("Rules", lambda c: c.described)],
            lambda c: c.name,
        )
        self.cohort_table = _table(self.cohort_model, "Cohorts")
        rule_row = QHBoxLayout()
        rule_row.addWidget(self.rule_kind)
        rule_row.addWidget(self.rule_number)
        rule_row.addWidget(self.rule_first)
        rule_row.addWidget(self.rule_last)
        rule_row.addWidget(self.add_rule_button)
        cohort_form = QFormLayout()
        name_label = QLabel("Cohort &name:")
        name_label.setBuddy(self.cohort_name)
        cohort_form.addRow(name_label, self.cohort_name)
        cohort_form.addRow("Rule:", rule_row)
        cohort_form.addRow("Its rules:", self.rules_text)
        cohort_form.addRow("", self.add_cohort_button)
        cohort_form.addRow(self.cohort_table)
        self.cohort_box = QGroupBox("Cohorts")
        self.cohort_box.setLayout(cohort_form)

        self.create_button = QPushButton("Create &week")
        self.create_button.clicked.connect(self.create_week_and_cohorts)

        self.case_list = _line("Case list file")
        self.case_list.setPlaceholderText("A CSV or XLSX export, one row per child")
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._choose_case_list)
        self.import_button = QPushButton("&Import case list…")
        self.import_button.clicked.connect(self.import_case_list)
        self.import_text = QLabel()
        self.import_text.setWordWrap(True)
        self.import_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        import_row = QHBoxLayout()
        import_row.addWidget(self.case_list, 1)
        import_row.addWidget(browse)
        import_row.addWidget(self.import_button)
        import_layout = QVBoxLayout()
        import_layout.addLayout(import_row)
        import_layout.addWidget(self.import_text)
        self.import_box = QGroupBox("Case list")
        self.import_box.setLayout(import_layout)
        self.import_box.setEnabled(False)

        self.error = _error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(week_form)
        layout.addWidget(self.cohort_box)
        layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.import_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._rule_kind_changed()

    def _rule_kind_changed(self) -> None:
        between = self.rule_kind.currentData() == "entered-care-between"
        self.rule_number.setEnabled(not between)
        self.rule_first.setEnabled(between)
        self.rule_last.setEnabled(between)

    def add_rule(self) -> None:
        """Add the rule picked to the cohort being typed."""
        kind = self.rule_kind.currentData()
        rule: CohortRule
        if kind == "age-under":
            rule = AgeUnder(self.rule_number.value())
        elif kind == "in-care-at-least":
            rule = InCareAtLeast(self.rule_number.value())
        else:
            first, last = _day(self.rule_first), _day(self.rule_last)
            if last < first:
                self.error.setText("The second date of the rule is before the first.")
                return
            rule = EnteredCareBetween(first, last)
        self.error.clear()
        self.pending_rules.append(rule)
        self.rules_text.setText(describe_rules(self.pending_rules))

    def add_planned_cohort(self) -> None:
        """Add the cohort typed, with its rules, to the table."""
        name = self.cohort_name.text().strip()
        if not name:
            self.error.setText("A cohort needs a name.")
            return
        if name in {cohort.name for cohort in self.cohorts}:
            self.error.setText(f"There is already a cohort called {name}.")
            return
        self.error.clear()
        self.cohorts.append(PlannedCohort(name, tuple(self.pending_rules)))
        self.cohort_model.set_rows(self.cohorts)
        self.pending_rules = []
        self.rules_text.clear()
        self.cohort_name.clear()

    def details(self) -> WeekDetails:
        """The week as typed."""
        observations = [
            str(entry.data(Qt.ItemDataRole.UserRole))
            for entry in (
                self.observation_forms.item(row) for row in range(self.observation_forms.count())
            )
            if entry is not None and entry.checkState() == Qt.CheckState.Checked
        ]
        return WeekDetails(
            code=self.code.text().strip(),
            title=self.title.text().strip(),
            starts_on=_day(self.starts),
            ends_on=_day(self.ends),
            theme=self.theme.text().strip(),
            case_audit_template=str(self.audit_form.currentData()),
            observation_templates=tuple(observations),
        )

    def create_week_and_cohorts(self) -> None:
        """Create the week, then its cohorts; then the case list can be imported."""
        details = self.details()
        cohorts = [
            CohortDetails(cohort.name, tuple(rule.to_dict() for rule in cohort.rules))
            for cohort in self.cohorts
        ]
        try:
            saved = create_week(self.db, details, cohorts)  # one transaction: all or nothing
        except PwdeskError as error:
            self.error.setText(str(error))
            return
        self.week_code, self.week_id = details.code, saved.id
        self.error.clear()
        for widget in (self.code, self.title, self.theme, self.starts, self.ends):
            widget.setEnabled(False)
        self.cohort_box.setEnabled(False)
        self.create_button.setEnabled(False)
        self.import_box.setEnabled(True)
        self.case_list.setFocus()

    def _choose_case_list(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the case list", self.case_list.text(), "Case lists (*.csv *.xlsx)"
        )
        if path:
            self.case_list.setText(path)

    def import_case_list(self) -> None:
        """Bring in the case list named in the path box; show what it did, or every problem."""
        path = self.case_list.text().strip()
        if self.week_code is None or not path:
            self.error.setText("Create the week, then name a case list file.")
            return
        try:
            self.result_of_import = import_cases(self.db, Path(path), self.week_code)
        except TableError as error:
            self.import_text.setText("Nothing was imported:\n" + "\n".join(error.problems))
            return
        except PwdeskError as error:
            self.import_text.setText(str(error))
            return
        self.import_text.setText(case_import_summary(self.result_of_import))


def _combo(name: str, items: list[tuple[str, Any]]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    for text, data in items:
        box.addItem(text, data)
    return box


class AllocationDialog(QDialog):
    """Give children's case audits to senior leaders and schedule observations, with the week's
    allocations listed below."""

    def __init__(self, db: Database, week_code: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.week_code = week_code
        week = find_week(db, week_code)
        self.setWindowTitle(f"Allocate — {week.code} {week.title}")
        leaders = [(a.name, a.name) for a in list_auditors(db)]
        workers: list[tuple[str, Any]] = [("(none)", None)]
        workers += [(p.name, p.name) for p in list_practitioners(db)]
        templates = catalogue(db)
        kinds = [templates.get(t) for t in week.observation_templates]

        self.child = _combo(
            "Child", [(c.case_reference, c.case_reference) for c in list_children(db, week_code)]
        )
        self.leader = _combo("Senior leader", leaders)
        self.practitioner = _combo("Practitioner", workers)
        self.audit_date = _date_edit("Audit planned for", week.starts_on)
        self.allocate_button = QPushButton("&Allocate")
        self.allocate_button.clicked.connect(self.allocate)
        audit_form = QFormLayout()
        audit_form.addRow(self._label("C&hild:", self.child), self.child)
        audit_form.addRow(self._label("&Senior leader:", self.leader), self.leader)
        audit_form.addRow(self._label("&Practitioner:", self.practitioner), self.practitioner)
        audit_form.addRow(self._label("Planned &for:", self.audit_date), self.audit_date)
        audit_form.addRow("", self.allocate_button)
        audit_box = QGroupBox("Case audit")
        audit_box.setLayout(audit_form)

        self.observation_kind = _combo(
            "Kind of observation",
            [(t.observation_label or t.title, t.observation_type) for t in kinds],
        )
        self.observer = _combo("Observer", leaders)
        self.observed = _combo("Practitioner observed", workers)
        self.observation_date = _date_edit("Observation planned for", week.starts_on)
        self.schedule_button = QPushButton("S&chedule")
        self.schedule_button.clicked.connect(self.schedule)
        observation_form = QFormLayout()
        observation_form.addRow(self._label("&Kind:", self.observation_kind), self.observation_kind)
        observation_form.addRow(self._label("&Observer:", self.observer), self.observer)
        observation_form.addRow(self._label("P&ractitioner:", self.observed), self.observed)
        observation_form.addRow(
            self._label("Planned o&n:", self.observation_date), self.observation_date
        )
        observation_form.addRow("", self.schedule_button)
        observation_box = QGroupBox("Observation of practice")
        observation_box.setLayout(observation_form)

        self.allocations = ListPage(
            allocations_model(), "Allocations", "Nothing allocated in this week yet."
        )
        self.error = _error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        parts = QHBoxLayout()
        parts.addWidget(audit_box)
        parts.addWidget(observation_box)
        layout = QVBoxLayout(self)
        layout.addLayout(parts)
        layout.addWidget(self.error)
        layout.addWidget(self.allocations, 1)
        layout.addWidget(buttons)
        self.refresh()

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(buddy)
        return label

    def refresh(self) -> None:
        """Reload the week's allocations."""
        self.allocations.model.set_rows(list_allocations(self.db, self.week_code))

    def allocate(self) -> None:
        """Give the chosen child's case audit to the chosen senior leader."""
        child, leader = self.child.currentData(), self.leader.currentData()
        if not child or not leader:
            self.error.setText("Choose a child and a senior leader.")
            return
        self._run(
            lambda: allocate_audit(
                self.db,
                self.week_code,
                child,
                leader,
                self.practitioner.currentData(),
                _day(self.audit_date),
            )
        )

    def schedule(self) -> None:
        """Schedule an observation of the chosen kind by the chosen observer."""
        kind, observer = self.observation_kind.currentData(), self.observer.currentData()
        if not kind or not observer:
            self.error.setText("Choose a kind of observation and an observer.")
            return
        self._run(
            lambda: schedule_observation(
                self.db,
                self.week_code,
                kind,
                observer,
                self.observed.currentData(),
                _day(self.observation_date),
            )
        )

    def _run(self, work: Any) -> None:
        try:
            work()
        except PwdeskError as error:
            self.error.setText(str(error))
            return
        self.error.clear()
        self.refresh()


@dataclass
class ModerationRow:
    """The widgets of one graded item in the moderation dialog."""

    item_id: str
    label: str
    auditor_grade: str | None
    picker: GradePicker
    reason: QLineEdit
    marker: QLabel

    def differs(self) -> bool:
        """Whether the moderated grade differs from the auditor's."""
        return self.picker.grade() is not None and self.picker.grade() != self.auditor_grade


class ModerationDialog(QDialog):
    """Moderate a completed case audit grade by grade: agree, or give another grade and why."""

    def __init__(self, db: Database, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.record_id = record_id
        draft, _ = draft_of(db, record_id)
        template = catalogue(db).get(draft.template_id, draft.template_version)
        saved = moderation_of(db, record_id)
        self.base = saved.version if saved else None  # a change meanwhile is merged, not lost
        earlier = saved.grades if saved else {}
        scale = template.scale
        self.setWindowTitle(f"Moderate — {template.title}")
        self.rows: list[ModerationRow] = []
        grid = QGridLayout()
        for column, heading in enumerate(("Item", "Auditor's grade", "Moderated grade", "Reason")):
            title = QLabel(f"<b>{heading}</b>")
            grid.addWidget(title, 0, column)
        items = [item for item in template.items() if item.type.value == "grade"]
        for number, item in enumerate(items, 1):
            auditor = value_of(draft.answers, item.id)
            auditor = auditor if isinstance(auditor, str) and scale.knows(auditor) else None
            label = QLabel(item.label)
            label.setWordWrap(True)
            words = QLabel(scale.grade(auditor).label if auditor else "Not graded")
            picker = GradePicker(scale, f"Moderated grade: {item.label}")
            moderated = earlier.get(item.id)
            picker.set_grade(
                moderated.grade if moderated and scale.knows(moderated.grade) else auditor
            )
            reason = _line(f"Reason: {item.label}")
            reason.setPlaceholderText("Why, if the grade differs")
            if moderated:
                reason.setText(moderated.reason)
            marker = QLabel()
            row = ModerationRow(item.id, item.label, auditor, picker, reason, marker)
            picker.grade_changed.connect(lambda _grade, row=row: self._mark(row))
            for column, widget in enumerate((label, words, picker, reason, marker)):
                grid.addWidget(widget, number, column)
            self.rows.append(row)
            self._mark(row)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(3, 1)
        body = QWidget()
        body.setLayout(grid)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(body)

        self.error = _error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(1100, 700)

    @staticmethod
    def _mark(row: ModerationRow) -> None:
        # Colour and the word together: never colour alone.
        if row.differs():
            row.marker.setText("Differs")
            fill, ink = WARNING_COLOURS
            row.marker.setStyleSheet(
                f"background: {fill}; color: {ink}; font-weight: bold; padding: 2px 6px;"
            )
        else:
            row.marker.clear()
            row.marker.setStyleSheet("")

    def grades(self) -> dict[str, ModeratedGrade]:
        """Every graded row's moderated grade and reason (rows with no grade are left out)."""
        return {
            row.item_id: ModeratedGrade(grade, row.reason.text().strip())
            for row in self.rows
            if (grade := row.picker.grade()) is not None
        }

    def save(self) -> bool:
        """Store the moderation; on a refusal, say why in the dialog and stay open."""
        try:
            moderate(self.db, self.record_id, self.grades(), base=self.base)
        except PwdeskError as error:  # InvalidRecord above all: a reason missing, say
            self.error.setText(str(error))
            return False
        self.error.clear()
        self.accept()
        return True
