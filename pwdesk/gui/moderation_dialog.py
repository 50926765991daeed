"""The QA officer moderates a completed case audit grade by grade: agree, or give another grade
and say why.

The case, its practitioner and its auditor head the screen; for each graded item the auditor's
grade and the evidence written for it stand beside the moderated grade, so the moderator judges
the evidence, not the grade alone. The items scroll; the heading and the buttons stay in sight.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.dates import short_date
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.grades import GradeScale
from pwdesk.gui.form.grade_picker import GradePicker
from pwdesk.gui.models import WARNING_COLOURS
from pwdesk.gui.screen import fit_to_screen
from pwdesk.gui.widgets import error_label, line, muted_palette, plain_label
from pwdesk.services.moderation import (
    AuditedGrade,
    ModeratedGrade,
    ModerationCase,
    moderate,
    moderation_case,
)
from pwdesk.store.database import Database

REASON_WIDTH = 320  # room for a sentence: a reason is what the report quotes
NO_EVIDENCE = "No evidence was written for this grade."
COLUMN_HEADINGS = ("The auditor's grade and evidence", "Moderated grade, and why if it differs")


@dataclass
class ModerationRow:
    """The widgets of one graded item in the moderation dialog."""

    item_id: str
    label: str
    auditor_grade: str | None
    picker: GradePicker
    reason: QLineEdit
    marker: QLabel
    words: QLabel  # the auditor's grade in words
    evidence: QLabel  # what the auditor wrote for it

    def differs(self) -> bool:
        """Whether the moderated grade differs from the auditor's."""
        return self.picker.grade() is not None and self.picker.grade() != self.auditor_grade


def case_heading(case: ModerationCase) -> tuple[str, str]:
    """The screen's title line (whose case) and the line below it (with whom, by whom, when)."""
    child = case.case_reference or "a child not named"
    title = f"Moderate the case audit of {child}"
    parts = [f"Practitioner: {case.practitioner or 'not named'}"]
    audited = f"Audited by {case.auditor or 'a senior leader not named'} (senior leader)"
    if case.held_on is not None:
        audited += f" on {short_date(case.held_on)}"
    parts.append(audited)
    parts.append(
        case.template.title + (f", Practice Week {case.week_code}" if case.week_code else "")
    )
    return title, " · ".join(parts)


def _bold(label: QLabel) -> QLabel:
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


class ModerationDialog(QDialog):
    """Moderate a completed case audit grade by grade: agree, or give another grade and why."""

    def __init__(self, db: Database, record_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.record_id = record_id
        self.case = moderation_case(db, record_id)
        saved = self.case.saved
        self.base = saved.version if saved else None  # a change meanwhile is merged, not lost
        earlier = saved.grades if saved else {}
        self.setWindowTitle(f"Moderate — {self.case.template.title}")
        title, details = case_heading(self.case)
        self.heading = plain_label(title)
        self.heading.setObjectName("heading")
        self.details = plain_label(details)
        self.details.setWordWrap(True)
        self.rows: list[ModerationRow] = []
        grid = QGridLayout()
        grid.setHorizontalSpacing(18)
        grid.setVerticalSpacing(6)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self._add_items(grid, earlier)
        self._build_layout(grid)
        fit_to_screen(self, 1240, 760)

    def _add_items(self, grid: QGridLayout, earlier: dict[str, ModeratedGrade]) -> None:
        """Each graded item under its section's title, as the form asks them."""
        scale = self.case.template.scale
        for column, words in enumerate(COLUMN_HEADINGS):
            grid.addWidget(_bold(plain_label(words)), 0, column)
        row, section = 1, None
        for audited in self.case.items:
            if audited.section != section:
                section = audited.section
                title = _bold(plain_label(section))
                title.setContentsMargins(0, 10, 0, 0)
                grid.addWidget(title, row, 0, 1, 2)
                row += 1
            row = self._add_row(grid, row, scale, audited, earlier.get(audited.item_id))

    def _add_row(
        self,
        grid: QGridLayout,
        row: int,
        scale: GradeScale,
        audited: AuditedGrade,
        moderated: ModeratedGrade | None,
    ) -> int:
        """One graded item: its label, then the auditor's grade and evidence on the left and the
        moderated grade and its reason on the right. Returns the next free grid row."""
        label = plain_label(audited.label)
        label.setWordWrap(True)
        auditor = audited.grade
        words = _bold(plain_label(scale.grade(auditor).label if auditor else "Not graded"))
        words.setAccessibleName(f"Auditor's grade: {audited.label}")
        evidence = plain_label(audited.evidence or NO_EVIDENCE)
        evidence.setWordWrap(True)
        evidence.setAccessibleName(f"Auditor's evidence: {audited.label}")
        if not audited.evidence:
            evidence.setPalette(muted_palette(evidence))
        picker = GradePicker(scale, f"Moderated grade: {audited.label}")
        picker.set_grade(moderated.grade if moderated and scale.knows(moderated.grade) else auditor)
        reason = line(f"Reason: {audited.label}", "Why, if the grade differs", width=REASON_WIDTH)
        if moderated:
            reason.setText(moderated.reason)
        marker = QLabel()
        # Room for the word from the start, so that marking a row never reflows the screen.
        marker.setMinimumWidth(marker.fontMetrics().horizontalAdvance("Differs") + 24)
        entry = ModerationRow(
            audited.item_id, audited.label, auditor, picker, reason, marker, words, evidence
        )
        picker.grade_changed.connect(lambda _grade, entry=entry: self._mark(entry))
        grid.addWidget(label, row, 0, 1, 2)
        grid.addWidget(self._auditor_side(words, evidence), row + 1, 0, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self._moderator_side(entry), row + 1, 1, Qt.AlignmentFlag.AlignTop)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        grid.addWidget(rule, row + 2, 0, 1, 2)
        self.rows.append(entry)
        self._mark(entry)
        return row + 3

    @staticmethod
    def _auditor_side(words: QLabel, evidence: QLabel) -> QWidget:
        """The auditor's grade in words, with their evidence below it."""
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(12, 0, 0, 0)
        heading = QHBoxLayout()
        heading.addWidget(plain_label("Auditor:"))
        heading.addWidget(words)
        heading.addStretch(1)
        layout.addLayout(heading)
        layout.addWidget(evidence)
        return side

    @staticmethod
    def _moderator_side(entry: ModerationRow) -> QWidget:
        """The moderated grade with Differs beside it, and the reason box below, full width."""
        side = QWidget()
        layout = QVBoxLayout(side)
        layout.setContentsMargins(0, 0, 0, 0)
        grade_row = QHBoxLayout()
        grade_row.addWidget(entry.picker)
        grade_row.addWidget(entry.marker)
        grade_row.addStretch(1)
        layout.addLayout(grade_row)
        layout.addWidget(entry.reason)
        return side

    def _build_layout(self, grid: QGridLayout) -> None:
        """The heading above and the buttons below stay put; only the items scroll."""
        body = QWidget()
        body.setLayout(grid)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        # The items wrap to the width there is: they scroll down, never sideways.
        self.area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.area.setWidget(body)
        self.area.setAccessibleName("Graded items")
        self.error = error_label()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.details)
        layout.addWidget(self.area, 1)
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
