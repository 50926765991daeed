"""The QA officer moderates a completed case audit grade by grade: agree, or give another grade
and say why."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.answers import value_of
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import FormTemplate, Item
from pwdesk.gui.form.grade_picker import GradePicker
from pwdesk.gui.models import WARNING_COLOURS
from pwdesk.gui.widgets import error_label, line
from pwdesk.services.assessments import draft_of
from pwdesk.services.moderation import ModeratedGrade, moderate, moderation_of
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database

HEADINGS = ("Item", "Auditor's grade", "Moderated grade", "Reason")


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
        self.setWindowTitle(f"Moderate — {template.title}")
        self.rows: list[ModerationRow] = []
        grid = QGridLayout()
        for column, heading in enumerate(HEADINGS):
            title = QLabel(f"<b>{heading}</b>")
            grid.addWidget(title, 0, column)
        items = [item for item in template.items() if item.type.value == "grade"]
        for number, item in enumerate(items, 1):
            auditor = value_of(draft.answers, item.id)
            self._add_row(grid, number, template, item, auditor, earlier.get(item.id))
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(3, 1)
        self._build_layout(grid)
        self.resize(1100, 700)

    def _add_row(
        self,
        grid: QGridLayout,
        number: int,
        template: FormTemplate,
        item: Item,
        answered: object,
        moderated: ModeratedGrade | None,
    ) -> None:
        """One graded item: the auditor's grade, and the moderated grade with its reason."""
        scale = template.scale
        auditor = answered if isinstance(answered, str) and scale.knows(answered) else None
        label = QLabel(item.label)
        label.setWordWrap(True)
        words = QLabel(scale.grade(auditor).label if auditor else "Not graded")
        picker = GradePicker(scale, f"Moderated grade: {item.label}")
        picker.set_grade(moderated.grade if moderated and scale.knows(moderated.grade) else auditor)
        reason = line(f"Reason: {item.label}", "Why, if the grade differs")
        if moderated:
            reason.setText(moderated.reason)
        marker = QLabel()
        row = ModerationRow(item.id, item.label, auditor, picker, reason, marker)
        picker.grade_changed.connect(lambda _grade, row=row: self._mark(row))
        for column, widget in enumerate((label, words, picker, reason, marker)):
            grid.addWidget(widget, number, column)
        self.rows.append(row)
        self._mark(row)

    def _build_layout(self, grid: QGridLayout) -> None:
        body = QWidget()
        body.setLayout(grid)
        area = QScrollArea()
        area.setWidgetResizable(True)
        area.setWidget(body)
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

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
