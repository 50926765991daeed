"""The QA officer sets up a Practice Week: its dates and forms, its cohorts, then its case list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.cohorts import (
    AgeUnder,
    CohortRule,
    EnteredCareBetween,
    InCareAtLeast,
    describe_rules,
)
from pwdesk.domain.dates import short_date
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import TemplateKind
from pwdesk.gui.models import Column, RowTableModel
from pwdesk.gui.screen import fit_to_screen
from pwdesk.gui.widgets import buddy, combo, date_edit, day_of, error_label, line, table
from pwdesk.services.cases import CaseImport, import_cases
from pwdesk.services.sheets import TableError
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import CohortDetails, WeekDetails, create_week
from pwdesk.store.database import Database

RULE_KINDS = (
    ("age-under", "Aged under … years"),
    ("in-care-at-least", "In care for at least … months"),
    ("entered-care-between", "Came into care between two dates"),
)


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


def ends_before_start(first: date, last: date) -> str:
    """Why a week from ``first`` to ``last`` cannot be, in one sentence; "" if it can."""
    if last >= first:
        return ""
    return (
        f"The last day ({short_date(last)}) is before the first day ({short_date(first)}): "
        "a Practice Week cannot end before it starts."
    )


class WeekSetupDialog(QDialog):
    """Set up a Practice Week with its cohorts, then bring in its case list."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.week_code: str | None = None
        self.week_id: str | None = None
        self.result_of_import: CaseImport | None = None
        self.setWindowTitle("Set up a Practice Week")
        week_form = self._build_week_form()
        self.cohort_box = self._build_cohort_box()
        self.create_button = QPushButton("Create &week")
        self.create_button.clicked.connect(self.create_week_and_cohorts)
        self.import_box = self._build_import_box()
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        # GNOME's theme calls it "&Close", whose Alt+C &Code already has; Esc closes it too.
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(week_form)
        layout.addWidget(self.cohort_box)
        layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.import_box)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self._rule_kind_changed()
        for field in (self.starts, self.ends):
            field.dateChanged.connect(self._dates_changed)
        fit_to_screen(self, 900, 700)

    def _build_week_form(self) -> QFormLayout:
        """The week itself: code, title, theme, dates, and the forms it uses."""
        self.code = line("Week code", "such as 2019-03")
        self.title = line("Week title")
        self.theme = line("Theme")
        self.starts = date_edit("First day")
        self.ends = date_edit("Last day")
        forms = catalogue(self.db)
        self.audit_form = combo(
            "Case audit form",
            [(template.title, template.id) for template in forms.of_kind(TemplateKind.CASE_AUDIT)],
        )
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
            week_form.addRow(buddy(text, widget), widget)
        return week_form

    def _build_cohort_box(self) -> QGroupBox:
        """The cohorts: a name, rules added one by one, and the cohorts planned so far."""
        self.cohort_name = line("Cohort name")
        self.rule_kind = combo("Kind of rule", [(words, kind) for kind, words in RULE_KINDS])
        self.rule_number = QSpinBox()
        self.rule_number.setRange(0, 240)
        self.rule_number.setValue(12)
        self.rule_number.setAccessibleName("Years or months")
        self.rule_first = date_edit("Came into care from")
        self.rule_last = date_edit("Came into care until")
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
        self.cohort_table = table(self.cohort_model, "Cohorts")
        rule_row = QHBoxLayout()
        for widget in (
            self.rule_kind,
            self.rule_number,
            self.rule_first,
            self.rule_last,
            self.add_rule_button,
        ):
            rule_row.addWidget(widget)
        cohort_form = QFormLayout()
        cohort_form.addRow(buddy("Cohort &name:", self.cohort_name), self.cohort_name)
        cohort_form.addRow(buddy("Rule (&kind):", self.rule_kind), rule_row)
        cohort_form.addRow("Its rules:", self.rules_text)
        cohort_form.addRow("", self.add_cohort_button)
        cohort_form.addRow(self.cohort_table)
        box = QGroupBox("Cohorts")
        box.setLayout(cohort_form)
        return box

    def _build_import_box(self) -> QGroupBox:
        """The case list, to import once the week exists."""
        self.case_list = line("Case list file", "A CSV or XLSX export, one row per child")
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
        box = QGroupBox("Case list")
        box.setLayout(import_layout)
        box.setEnabled(False)
        return box

    # --- cohorts -----------------------------------------------------------------------------

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
            try:
                first, last = day_of(self.rule_first), day_of(self.rule_last)
            except PwdeskError as error:  # DateNotRead: the field says which and how to type
                self.error.setText(str(error))
                return
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

    # --- the week ----------------------------------------------------------------------------

    def _dates_changed(self) -> None:
        """Say at once when the last day is put before the first; Create refuses it too."""
        first, last = self.starts.day(), self.ends.day()
        backwards = ends_before_start(first, last) if first and last else ""
        if backwards:
            self.error.setText(backwards)
        elif self.error.text().startswith("The last day ("):
            self.error.clear()  # only the complaint about the dates: others stay until acted on

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
            starts_on=day_of(self.starts),
            ends_on=day_of(self.ends),
            theme=self.theme.text().strip(),
            case_audit_template=str(self.audit_form.currentData()),
            observation_templates=tuple(observations),
        )

    def create_week_and_cohorts(self) -> None:
        """Create the week, then its cohorts; then the case list can be imported."""
        try:
            details = self.details()
        except PwdeskError as error:  # DateNotRead: a date field that cannot be read
            self.error.setText(str(error))
            return
        backwards = ends_before_start(details.starts_on, details.ends_on)
        if backwards:
            self.error.setText(backwards)
            self.ends.setFocus()
            return
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

    # --- the case list -----------------------------------------------------------------------

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
