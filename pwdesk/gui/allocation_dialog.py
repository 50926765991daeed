"""The QA officer allocates a week's work: case audits to senior leaders, observations to
observers, with the week's allocations listed below."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import FormTemplate
from pwdesk.gui.list_page import ListPage
from pwdesk.gui.screen import fit_to_screen
from pwdesk.gui.todo_page import allocations_model
from pwdesk.gui.widgets import buddy, combo, date_edit, day_of, error_label
from pwdesk.services.allocation import allocate_audit, list_allocations, schedule_observation
from pwdesk.services.people import list_auditors, list_children, list_practitioners
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import WeekSummary, find_week
from pwdesk.store.database import Database

Choices = list[tuple[str, Any]]  # (text shown, data) for a drop-down


def _form_box(title: str, rows: list[tuple[str, QWidget]], button: QPushButton) -> QGroupBox:
    """A titled box of labelled fields, with the button that acts on them last."""
    form = QFormLayout()
    for text, field in rows:
        form.addRow(buddy(text, field), field)
    form.addRow("", button)
    box = QGroupBox(title)
    box.setLayout(form)
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
        leaders: Choices = [(a.name, a.id) for a in list_auditors(db)]
        workers: Choices = [("(none)", None)]
        workers += [
            (f"{p.name} ({p.team})" if p.team else p.name, p.id) for p in list_practitioners(db)
        ]
        templates = catalogue(db)
        kinds = [templates.get(t) for t in week.observation_templates]
        audit_box = self._build_audit_box(week, leaders, workers)
        observation_box = self._build_observation_box(week, kinds, leaders, workers)
        self.allocations = ListPage(
            allocations_model(), "Allocations", "Nothing allocated in this week yet."
        )
        self.error = error_label()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        # GNOME's theme calls it "&Close", whose Alt+C S&chedule already has; Esc closes it too.
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Close")
        buttons.rejected.connect(self.reject)
        parts = QHBoxLayout()
        parts.addWidget(audit_box)
        parts.addWidget(observation_box)
        layout = QVBoxLayout(self)
        layout.addLayout(parts)
        layout.addWidget(self.error)
        layout.addWidget(self.allocations, 1)
        layout.addWidget(buttons)
        fit_to_screen(self, 1000, 640)
        self.refresh()

    def _build_audit_box(self, week: WeekSummary, leaders: Choices, workers: Choices) -> QGroupBox:
        """A child's case audit: for which senior leader, about which practitioner, and when."""
        self.child = combo(
            "Child",
            [(c.case_reference, c.id) for c in list_children(self.db, self.week_code)],
        )
        self.leader = combo("Senior leader", leaders)
        self.practitioner = combo("Practitioner", workers)
        self.audit_date = date_edit("Audit planned for", week.starts_on)
        self.allocate_button = QPushButton("&Allocate")
        self.allocate_button.clicked.connect(self.allocate)
        return _form_box(
            "Case audit",
            [
                ("C&hild:", self.child),
                ("&Senior leader:", self.leader),
                ("&Practitioner:", self.practitioner),
                ("Planned &for:", self.audit_date),
            ],
            self.allocate_button,
        )

    def _build_observation_box(
        self, week: WeekSummary, kinds: list[FormTemplate], leaders: Choices, workers: Choices
    ) -> QGroupBox:
        """An observation of practice: which kind, by which observer, of whom, and when."""
        self.observation_kind = combo(
            "Kind of observation",
            [(t.observation_label or t.title, t.observation_type) for t in kinds],
        )
        self.observer = combo("Observer", leaders)
        self.observed = combo("Practitioner observed", workers)
        self.observation_date = date_edit("Observation planned for", week.starts_on)
        self.schedule_button = QPushButton("S&chedule")
        self.schedule_button.clicked.connect(self.schedule)
        return _form_box(
            "Observation of practice",
            [
                ("&Kind:", self.observation_kind),
                ("&Observer:", self.observer),
                ("P&ractitioner:", self.observed),
                ("Planned o&n:", self.observation_date),
            ],
            self.schedule_button,
        )

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
                day_of(self.audit_date),
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
                day_of(self.observation_date),
            )
        )

    def _run(self, work: Callable[[], Any]) -> None:
        try:
            work()
        except PwdeskError as error:  # DateNotRead among them: a planned date not readable
            self.error.setText(str(error))
            return
        self.error.clear()
        self.refresh()
