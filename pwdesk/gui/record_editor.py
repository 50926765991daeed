"""The window a senior leader types an audit or observation into.

Never lose a word: every edit restarts a short timer; when it fires the form's whole state is kept
in the draft buffer (in the encrypted database) on a background thread, so typing never waits on
the disk (see draft_keeper). Versions, the records that travel, are cut only when the user saves,
completes or closes.
"""

from __future__ import annotations

import uuid
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTime, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.answers import missing_required
from pwdesk.domain.errors import DatabaseBusy, PwdeskError, StorageFailed
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import Item, TemplateKind
from pwdesk.gui.chooser import chosen_id
from pwdesk.gui.draft_keeper import DraftKeeper
from pwdesk.gui.editor_state import EditorState, People, action_line, claim_saved_actions
from pwdesk.gui.feedback_sheet import open_preview, print_sheet, render_sheet, save_sheet
from pwdesk.gui.form.actions_editor import ActionLine
from pwdesk.gui.form.assessment_form import AssessmentForm
from pwdesk.gui.printing import PdfPreview, pdf_file_name
from pwdesk.gui.record_header import RecordHeader
from pwdesk.gui.screen import fit_to_screen
from pwdesk.gui.widgets import day_of, set_day
from pwdesk.services.actions import AgreedAction, record_actions
from pwdesk.services.assessments import AssessmentDraft, OpenedRecord, open_record
from pwdesk.services.common import Saved, concurrency_message
from pwdesk.services.editing import RecordSaved, save_record
from pwdesk.services.weeks import list_weeks
from pwdesk.store.database import Database


class RecordEditor(QWidget):
    """One audit or observation, open for typing; a window of its own."""

    saved = Signal(str)  # a version was cut: the record's id
    draft_kept = Signal()  # the buffer holds the latest typing
    keep_failed = Signal(str)  # keeping the typing failed: why, in one sentence
    closed = Signal()

    def __init__(self, db: Database, state: EditorState, people: People) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.db = db
        self.template = state.template
        self.record_id = state.record_id
        self.status = state.status
        self.week_id = state.draft.week_id
        self.base_version = state.base_version
        self.second_audit = state.second_audit
        self.draft_key = state.draft_key or f"new-{uuid.uuid4()}"
        self._dirty = bool(state.draft_key)  # a recovered draft holds unsaved work
        self._loading = True
        self._keeper = DraftKeeper(
            db, self.draft_key, self._snapshot, self.draft_kept.emit, self.keep_failed.emit, self
        )
        self.draft_kept.connect(self._show_kept)
        self.keep_failed.connect(self._show_keep_failed)

        self._header = RecordHeader(people, self.template.kind, state.draft.held_on)
        header = self._header
        self.child, self.practitioner = header.child, header.practitioner
        self.auditor, self.held_on = header.auditor, header.held_on
        self.form = AssessmentForm(self.template)
        self._build_messages()
        buttons = self._build_buttons()
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setAccessibleName("Form")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(header)
        progress = QHBoxLayout()
        progress.addWidget(self.missing, 1)
        progress.addWidget(self.next_missing_button)
        layout.addLayout(progress)
        layout.addWidget(self.keep_warning)
        layout.addWidget(self.form, 1)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.held_on, self.form)
        fit_to_screen(self, 900, 860)

        self._header.show_people(state.draft)
        self.form.set_answers(state.draft.answers)
        self.form.set_action_lines(list(state.actions))
        self._opened_actions: list[ActionLine] = list(state.actions)
        for combo in (self.child, self.practitioner, self.auditor):
            combo.currentTextChanged.connect(self._edited)
        self.held_on.edited.connect(self._edited)
        self._last_day = state.draft.held_on  # what a draft keeps while the date is unreadable
        week = next((w for w in list_weeks(db) if w.id == state.draft.week_id), None)
        if week is not None:  # a date outside the week is warned about, not refused
            self.held_on.expect_within(week.starts_on, week.ends_on, f"Practice Week {week.code}")
        self.form.changed.connect(self._edited)
        self._loading = False
        self._refresh()
        if self._dirty:
            self.state_line.setText("Recovered unsaved typing: check it, then save.")

    def _build_messages(self) -> None:
        """What is still required, whether the typing is saved, and a warning if it is not kept."""
        self.missing = QLabel()
        self.missing.setTextFormat(Qt.TextFormat.PlainText)
        # One line that never widens the window: a long item name is cut at the window's edge.
        self.missing.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.next_missing_button = QPushButton("&Next missing")
        self.next_missing_button.setToolTip("Go to the next required item still to answer (F8)")
        self.next_missing_button.clicked.connect(self.go_to_next_missing)
        QShortcut(QKeySequence("F8"), self, self.go_to_next_missing)
        self.missing.setObjectName("missing")
        self.missing.setAccessibleName("Required items still to answer")
        self.state_line = QLabel()
        self.state_line.setObjectName("muted")
        self.state_line.setAccessibleName("Save status")
        self.state_line.setWordWrap(True)
        # Stays until the typing is safe again: a failed keep must never scroll out of sight.
        self.keep_warning = QLabel()
        self.keep_warning.setObjectName("error")
        self.keep_warning.setWordWrap(True)
        self.keep_warning.setAccessibleName("Your typing is not kept")
        self.keep_warning.hide()

    def _build_buttons(self) -> QHBoxLayout:
        """The save status, then Save, Complete, Print, PDF and Close, with their shortcuts."""
        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save a version now (Ctrl+S)")
        self.complete_button = QPushButton("Mark co&mpleted")
        self.complete_button.setToolTip("Check every required item and complete (Ctrl+Enter)")
        # Alt+P and Alt+D already belong to Practitioner and Date above.
        self.print_button = QPushButton("P&rint feedback…")
        self.print_button.setToolTip("Save, then preview and print the feedback sheet (Ctrl+P)")
        self.pdf_button = QPushButton("Save PD&F…")
        self.pdf_button.setToolTip("Save, then save the feedback sheet as a PDF file")
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Save and close (Ctrl+W)")
        self.save_button.clicked.connect(self.save)
        self.complete_button.clicked.connect(self.complete)
        self.print_button.clicked.connect(self.print_feedback)
        self.pdf_button.clicked.connect(self.save_feedback_pdf)
        self.close_button.clicked.connect(self.close)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save)
        QShortcut(QKeySequence("Ctrl+Return"), self, self.complete)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.complete)
        QShortcut(QKeySequence.StandardKey.Close, self, self.close)
        QShortcut(QKeySequence.StandardKey.Print, self, self.print_feedback)

        buttons = QHBoxLayout()
        buttons.addWidget(self.state_line, 1)
        for button in (
            self.save_button,
            self.complete_button,
            self.print_button,
            self.pdf_button,
            self.close_button,
        ):
            buttons.addWidget(button)
        return buttons

    # --- state ---------------------------------------------------------------------------------

    def current_draft(self, *, keeping: bool = False) -> AssessmentDraft:
        """What the form holds now, as a draft to save.

        Saving refuses a date that cannot be read (DateNotRead, in one sentence); keeping the
        typing never does: it keeps the last date that could be read, and every answer.
        """
        held_on = (self.held_on.day() or self._last_day) if keeping else day_of(self.held_on)
        self._last_day = held_on
        return AssessmentDraft(
            week_id=self.week_id,
            template_id=self.template.id,
            template_version=self.template.version,
            child_id=chosen_id(self.child),
            practitioner_id=chosen_id(self.practitioner),
            auditor_id=chosen_id(self.auditor),
            held_on=held_on,
            answers=self.form.answers(),
        )

    def current_state(self, *, keeping: bool = False) -> EditorState:
        """The whole editor as plain data (``keeping``: for the draft buffer, see current_draft)."""
        return EditorState(
            template=self.template,
            draft=self.current_draft(keeping=keeping),
            status=self.status,
            record_id=self.record_id,
            actions=tuple(self.form.action_lines()),
            draft_key=self.draft_key,
            base_version=self.base_version,
            second_audit=self.second_audit,
        )

    @property
    def dirty(self) -> bool:
        """Whether there is typing not yet saved as a version."""
        return self._dirty

    def _edited(self) -> None:
        if self._loading:
            return
        self._dirty = True
        self._keeper.keep_soon()
        self._refresh()

    def _refresh(self) -> None:
        missing = missing_required(self.template, self.form.answers())
        self._show_progress(missing)
        title = self.template.title
        child = self.child.currentText() if chosen_id(self.child) else ""
        status = self.status.value
        self.setWindowTitle(f"{title} — {child} ({status})" if child else f"{title} ({status})")
        self.heading.setText(f"{title} · {status.capitalize()}")

    def _show_progress(self, missing: list[Item]) -> None:
        """One line: how many required items are answered, and which comes next."""
        required = sum(item.required for item in self.template.items())
        no_child = self.template.kind is TemplateKind.CASE_AUDIT and chosen_id(self.child) is None
        if missing or no_child:
            answered = required - len(missing)
            next_one = "the child" if no_child else missing[0].label
            self.missing.setText(
                f"{answered} of {required} required items answered — next missing: {next_one}"
                " (F8 goes there)"
            )
        else:
            self.missing.setText(f"All {required} required items are answered.")
        self.next_missing_button.setEnabled(bool(missing) or no_child)
        # A badge shown by an attempt to complete goes as soon as its item is answered.
        still = {item.id for item in missing}
        marked = self.form.marked_missing()
        if any(item_id not in still for item_id in marked):
            self.form.show_missing([item_id for item_id in marked if item_id in still])

    def go_to_next_missing(self) -> None:
        """Put the keyboard in the first required item still unanswered (F8)."""
        if self.template.kind is TemplateKind.CASE_AUDIT and chosen_id(self.child) is None:
            self.child.setFocus()
            return
        missing = missing_required(self.template, self.form.answers())
        if missing:
            self.form.focus_item(missing[0].id)

    # --- never lose a word --------------------------------------------------------------------

    def keep_now(self) -> Future[None]:
        """Put the current state in the draft buffer, on the background thread."""
        return self._keeper.keep_now()

    def _snapshot(self) -> tuple[str | None, dict[str, Any]]:
        return self.record_id, self.current_state(keeping=True).payload()

    def _show_kept(self) -> None:
        self._keeper.stop_retrying()
        self.keep_warning.hide()
        self.state_line.setText(f"Typing kept at {_now_text()}; saved as a version on Save.")

    def _show_keep_failed(self, why: str) -> None:
        self.keep_warning.setText(
            f"Your latest typing is not kept yet: {why} pwdesk keeps trying; do not close "
            "this window until this message goes."
        )
        self.keep_warning.show()
        self._keeper.retry_later()

    # --- versions -----------------------------------------------------------------------------

    def save(self, status: Status | None = None) -> bool:
        """Cut a version of the record and its actions, and drop the draft, in one transaction;
        True on success. A record that changed elsewhere since it was opened is merged with
        this save, never written over: the user is told what happened in one sentence."""
        self._keeper.cancel_soon()
        self._keeper.wait()
        try:
            result = self._save_record(status)
        except PwdeskError as error:
            self.keep_now()
            kept = (
                "Your typing stays in this window, and pwdesk keeps it as a draft as soon as the "
                "database can be written."
                if isinstance(error, DatabaseBusy | StorageFailed)
                else "Your typing is kept as a draft."
            )
            QMessageBox.warning(self, "Not saved", f"{error}\n\n{kept}")
            return False
        saved = result.record
        self.record_id = saved.id
        if status is not None:
            self.status = status
        self._dirty = False
        self._keeper.stop_retrying()
        self.keep_warning.hide()  # the typing is safe in a version now
        self._after_save(saved)
        if saved.concurrent:
            labels = {item.id: item.label for item in self.template.items()}
            self.state_line.setText(concurrency_message(saved, labels))
        else:
            self.state_line.setText(
                f"Saved at {_now_text()}." if result.changed else "Nothing had changed."
            )
        self._refresh()
        self.saved.emit(saved.id)
        return True

    def _save_record(self, status: Status | None) -> RecordSaved:
        """Cut the version with the service, from the version this editor last opened or saved."""
        lines = [
            AgreedAction(line.description, line.owner, line.due_on, line.action_id, None, line.base)
            for line in self.form.action_lines()
        ]
        return save_record(
            self.db,
            self.record_id,
            self.current_draft(),
            lines,
            status=status,
            base=self.base_version if self.record_id is not None else None,
            action_bases=dict(self._action_bases),
            draft_key=self.draft_key,
            second_audit=self.second_audit,
        )

    @property
    def _action_bases(self) -> dict[str, str]:
        return {
            line.action_id: line.base
            for line in self._opened_actions
            if line.action_id is not None and line.base is not None
        }

    def _after_save(self, saved: Saved) -> None:
        """Take up what the save made: the base of the next save, and the actions' ids."""
        opened = open_record(self.db, saved.id)
        # The record holds changes made elsewhere when this save merged with them, or when it
        # changed nothing over a record that had moved on: the form must show them, or its next
        # save would undo them.
        moved = saved.outcome == "merged" or (
            saved.version is None and self.base_version not in (None, opened.version)
        )
        if moved:
            self._show_moved_record(opened)
        # In a conflict the record shows one of the versions; this editor goes on from its own.
        self.base_version = (
            saved.version if saved.outcome == "conflict" and saved.version else opened.version
        )
        # (saved.version is the save's own version in a conflict: see services.common.put.)
        rows = record_actions(self.db, saved.id)
        self._opened_actions = [action_line(row) for row in rows]
        if moved:
            self.form.set_action_lines(list(self._opened_actions))
            return
        kept = claim_saved_actions(self.form.action_lines(), rows)
        self._loading = True
        self.form.set_action_lines(kept)
        self._loading = False

    def _show_moved_record(self, opened: OpenedRecord) -> None:
        """Show the record as it now stands, changes made elsewhere too, so the next save starts
        from everything rather than undoing them."""
        self._loading = True
        self.form.set_answers(opened.draft.answers)
        self._header.show_people(opened.draft)
        if opened.draft.held_on is not None:
            set_day(self.held_on, opened.draft.held_on)
        self.status = opened.status
        self._loading = False

    def complete(self) -> bool:
        """Complete the record if every required item is answered; else show what is missing."""
        missing = missing_required(self.template, self.form.answers())
        self.form.show_missing([item.id for item in missing])
        if self.template.kind is TemplateKind.CASE_AUDIT and chosen_id(self.child) is None:
            self.child.setFocus()
            self.state_line.setText("Choose the child before completing.")
            return False
        if missing:
            self.form.focus_item(missing[0].id)
            count = len(missing)
            self.state_line.setText(
                f"Not completed: {count} required item{'s' if count > 1 else ''} still to answer."
            )
            return False
        return self.save(Status.COMPLETED)

    # --- feedback sheet -----------------------------------------------------------------------

    def feedback_pdf(self) -> bytes | None:
        """Save, then render the feedback sheet; None if saving failed (the user was told why)."""
        if not self.save() or self.record_id is None:
            return None
        return render_sheet(self, self.db, self.record_id)

    def feedback_subject(self) -> str:
        """Whose sheet it is, in words: the case reference, or the form for an observation."""
        return self.child.currentText() if chosen_id(self.child) else self.template.title

    def feedback_file_name(self) -> str:
        """The file name offered for the sheet's PDF, e.g. "feedback-CR174391-2018-09-17.pdf"."""
        reference = self.child.currentText() if chosen_id(self.child) else None
        return pdf_file_name(reference, self.template.id, self.current_draft().held_on)

    def open_print_preview(self) -> PdfPreview | None:
        """Save, then show the print preview without waiting for it to close; the dialog."""
        return open_preview(self, self.feedback_pdf(), self.feedback_subject())

    def print_feedback(self) -> None:
        """Save, then preview the feedback sheet and print it on the printer the user picks."""
        print_sheet(self, self.feedback_pdf(), self.feedback_subject())

    def save_feedback_pdf(self) -> Path | None:
        """Save, then ask where to save the feedback sheet as PDF; the path, or None."""
        path = save_sheet(self, self.feedback_pdf(), self.feedback_file_name())
        if path is not None:
            self.state_line.setText(f"Feedback sheet saved as {path.name}.")
        return path

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._dirty and not self.save():
            # The typing is safe in the buffer and will be offered back at the next start.
            self._keeper.wait()
        self._keeper.shut_down()
        self.closed.emit()
        event.accept()


def _now_text() -> str:
    return QTime.currentTime().toString("HH:mm:ss")
