"""The QA officer's Reports view: write the week's narrative, preview the report, save it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.printing import PdfPreview
from pwdesk.gui.tasks import Task, run_with_progress
from pwdesk.services.common import concurrency_message
from pwdesk.services.files import write_atomically
from pwdesk.services.weeks import (
    WeekNarrative,
    WeekSummary,
    save_week_narrative,
    week_narrative,
    week_version,
)
from pwdesk.store.database import Database

NO_COMPARISON = "none"
AUTO = "auto"  # the report service's "the week before"; its module loads only to build a report


# What the report can be saved as: the file dialog's filter, and the ending that picks it.
SAVE_FORMATS = (
    ("PDF, to print (*.pdf)", ".pdf"),
    ("Word document, to edit (*.docx)", ".docx"),
    ("Web page, to publish (*.html)", ".html"),
    ("Workbook of the figures (*.xlsx)", ".xlsx"),
)


def _report(db: Database, code: str, compare: str | None, ending: str = ".pdf") -> bytes:
    """The report in the format its file's ending names (the PDF for the preview)."""
    from pwdesk.services.report import report_as  # ReportLab and the rest load when needed

    return report_as(db, code, ending.lstrip("."), compare)


def choose_report_path(parent: QWidget, suggested_name: str) -> Path | None:
    """Ask where to save the report and in which format; None if cancelled. A name without
    one of the formats' endings takes the ending of the format chosen in the dialog."""
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    start = str(Path(folder) / suggested_name) if folder else suggested_name
    filters = ";;".join(name for name, _ in SAVE_FORMATS)
    chosen, picked = QFileDialog.getSaveFileName(parent, "Save the report", start, filters)
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() not in {ending for _, ending in SAVE_FORMATS}:
        ending = dict(SAVE_FORMATS).get(picked, ".pdf")
        path = path.with_name(path.name + ending)
    return path


def _box(name: str, placeholder: str) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(110)
    return box


class ReportPage(QWidget):
    """Narrative boxes, the week to compare with, and buttons to preview or save the report.

    The words are saved with the week (so they travel in exports) whenever the report is built,
    when Save is pressed, and before another week is shown.
    """

    built = Signal(bytes)  # the report's PDF was built (to preview or to save)

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.week: WeekSummary | None = None
        self._loaded = WeekNarrative()
        self._base: str | None = None  # the week's version the words were loaded from
        self.task: Task | None = None
        self.preview_dialog: PdfPreview | None = None
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.summary = _box(
            "Executive summary", "What the week found, in a few sentences for the committee."
        )
        self.findings = _box(
            "Findings", "What is working well and what needs to develop, with examples."
        )
        self.recommendations = _box(
            "Recommendations", "One recommendation per line, each with who will act."
        )
        self.compare = QComboBox()
        self.compare.setAccessibleName("Compare with")
        self.state = QLabel()
        self.state.setObjectName("muted")
        self.save_button = QPushButton("Save w&ords")
        self.preview_button = QPushButton("Prev&iew report…")
        self.export_button = QPushButton("Save report &as…")
        self.export_button.setToolTip(
            "Save the report as a PDF to print, a Word document to edit, a web page to publish "
            "(the accessible format) or a workbook of its figures."
        )
        self.save_button.clicked.connect(self.save_narrative)
        self.preview_button.clicked.connect(self.preview)
        self.export_button.clicked.connect(self.export)

        form = QFormLayout()
        form.addRow("Executive su&mmary:", self.summary)
        form.addRow("Findin&gs:", self.findings)
        form.addRow("Recomme&ndations:", self.recommendations)
        form.addRow("Compare with:", self.compare)
        buttons = QHBoxLayout()
        buttons.addWidget(self.state, 1)
        for button in (self.save_button, self.preview_button, self.export_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        intro = QLabel(
            "The summary report for the scrutiny sub-committee is built from every completed "
            "record of the week. Write the narrative here; the figures, charts and tables are "
            "added for you."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def narrative(self) -> WeekNarrative:
        """The words as typed."""
        return WeekNarrative(
            self.summary.toPlainText(),
            self.findings.toPlainText(),
            self.recommendations.toPlainText(),
        )

    def show_week(self, week: WeekSummary | None, weeks: Sequence[WeekSummary]) -> None:
        """Show a week's narrative (saving the one being left, if it changed)."""
        self.save_narrative()
        self.week = week
        enabled = week is not None
        for widget in (
            self.summary,
            self.findings,
            self.recommendations,
            self.compare,
            self.save_button,
            self.preview_button,
            self.export_button,
        ):
            widget.setEnabled(enabled)
        self.compare.clear()
        if week is None:
            self.heading.setText("Report")
            self._set(WeekNarrative())
            return
        self.heading.setText(f"Report for {week.code} {week.title}")
        self.compare.addItem("The week before (if there is one)", AUTO)
        for other in weeks:
            if other.code != week.code:
                self.compare.addItem(f"{other.code} — {other.title}", other.code)
        self.compare.addItem("No comparison", NO_COMPARISON)
        self._base = week_version(self.db, week.id)
        self._set(week_narrative(self.db, week.id))

    def _set(self, narrative: WeekNarrative) -> None:
        self._loaded = narrative
        self.summary.setPlainText(narrative.summary)
        self.findings.setPlainText(narrative.findings)
        self.recommendations.setPlainText(narrative.recommendations)
        self.state.setText("")

    def save_narrative(self) -> bool:
        """Store the words with the week if they changed; True if anything was saved."""
        if self.week is None:
            return False
        narrative = self.narrative()
        if narrative == self._loaded:
            return False
        saved = save_week_narrative(self.db, self.week.id, narrative, base=self._base)
        self._loaded = narrative
        self._base = week_version(self.db, self.week.id)
        self.state.setText(concurrency_message(saved) or "Words saved with the week.")
        return True

    def _compare_code(self) -> str | None:
        code = self.compare.currentData()
        return None if code in (None, NO_COMPARISON) else str(code)

    def build(self, then: str, path: Path | None = None) -> Task | None:
        """Build the report in the background: the PDF to preview ("preview"), or the format
        ``path`` ends in, saved there ("export")."""
        if self.week is None:
            return None
        self.save_narrative()
        db, code, compare = self.db, self.week.code, self._compare_code()
        ending = path.suffix.lower() if path is not None else ".pdf"
        self.task = run_with_progress(
            self,
            "Building the report…",
            lambda: _report(db, code, compare, ending),
            lambda data: self._built(data, then, path),
            self._failed,
        )
        return self.task

    def preview(self) -> None:
        """Build the report, then show it as it will print."""
        self.build("preview")

    def export(self) -> Task | None:
        """Ask where to save the report and in which format, then build and save it."""
        if self.week is None:
            return None
        path = choose_report_path(self, f"practice-week-summary-{self.week.code}.pdf")
        return None if path is None else self.build("export", path)

    def _built(self, data: bytes, then: str, path: Path | None) -> None:
        assert self.week is not None
        if then == "preview":
            self.built.emit(data)
            subject = f"{self.week.code} {self.week.title}"
            self.preview_dialog = PdfPreview(self, data, subject, "Practice Week summary")
            self.preview_dialog.open()
        elif then == "export" and path is not None:
            if path.suffix.lower() == ".pdf":
                self.built.emit(data)
            try:
                write_atomically(data, path)
            except (OSError, PwdeskError) as error:
                QMessageBox.warning(self, "Report", f"The report could not be saved: {error}")
                return
            self.state.setText(f"Saved the report to {path}.")

    def _failed(self, error: BaseException) -> None:
        known = isinstance(error, PwdeskError)
        QMessageBox.warning(
            self, "Report", str(error) if known else f"The report could not be built: {error}"
        )
