"""The window a senior leader types an audit or observation into.

Never lose a word: every edit restarts a short timer; when it fires the form's whole state is kept
in the draft buffer (in the encrypted database) on a background thread, so typing never waits on
the disk. Versions, the records that travel, are cut only when the user saves, completes or closes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDateEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.answers import missing_required
from pwdesk.domain.dates import parse_date
from pwdesk.domain.errors import DatabaseBusy, PwdeskError, StorageFailed
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import FormTemplate, TemplateKind
from pwdesk.gui.form.actions_editor import ActionLine
from pwdesk.gui.form.assessment_form import AssessmentForm
from pwdesk.gui.printing import PdfPreview, pdf_file_name, save_pdf_dialog
from pwdesk.services.actions import AgreedAction, record_actions
from pwdesk.services.assessments import AssessmentDraft, open_record
from pwdesk.services.common import Saved, concurrency_message
from pwdesk.services.drafts import keep_draft
from pwdesk.services.editing import save_record
from pwdesk.store.database import Database

AUTOSAVE_DELAY_MS = 700
KEEP_RETRY_MS = 3000


def _keep_problem(error: Exception) -> str:
    """Why keeping the typing failed, in words that hold no typed text."""
    if isinstance(error, DatabaseBusy):
        return "the database is busy: a merge is running."
    if isinstance(error, StorageFailed):
        text = str(error)
        return text[:1].lower() + text[1:]
    if isinstance(error, PwdeskError):
        return str(error)
    if isinstance(error, OSError) and error.strerror:
        return f"the disk refused it ({error.strerror.lower()})."
    return f"the database refused it ({type(error).__name__})."


@dataclass(frozen=True)
class Choice:
    """An entry of a chooser: the words shown and the record id behind them."""

    label: str
    id: str


@dataclass(frozen=True)
class People:
    """Whom a record can name: children, practitioners and senior leaders."""

    children: Sequence[Choice]
    practitioners: Sequence[Choice]
    auditors: Sequence[Choice]


@dataclass(frozen=True)
class EditorState:
    """Everything an editor opens with: a saved record, a new one, or a recovered draft."""

    template: FormTemplate
    draft: AssessmentDraft
    status: Status = Status.DRAFT
    record_id: str | None = None
    actions: tuple[ActionLine, ...] = ()
    draft_key: str = ""
    base_version: str | None = None  # the record's version the editor opened: its save's base
    second_audit: bool = False  # a second case audit of the child this week, chosen deliberately

    def payload(self) -> dict[str, Any]:
        """The state as plain data, for the draft buffer."""
        draft = self.draft
        return {
            "template_id": self.template.id,
            "template_version": self.template.version,
            "week_id": draft.week_id,
            "child_id": draft.child_id,
            "practitioner_id": draft.practitioner_id,
            "auditor_id": draft.auditor_id,
            "held_on": draft.held_on.isoformat() if draft.held_on else None,
            "answers": {key: dict(value) for key, value in draft.answers.items()},
            "status": self.status.value,
            "record_id": self.record_id,
            "base_version": self.base_version,
            "second_audit": self.second_audit,
            "actions": [
                {
                    "description": line.description,
                    "owner": line.owner,
                    "due_on": line.due_on.isoformat() if line.due_on else None,
                    "action_id": line.action_id,
                    "base": line.base,
                }
                for line in self.actions
            ],
        }


def state_from_payload(key: str, payload: dict[str, Any], template: FormTemplate) -> EditorState:
    """Rebuild an editor's state from a kept draft."""
    draft = AssessmentDraft(
        week_id=payload["week_id"],
        template_id=template.id,
        template_version=template.version,
        child_id=payload.get("child_id"),
        practitioner_id=payload.get("practitioner_id"),
        auditor_id=payload.get("auditor_id"),
        held_on=parse_date(payload.get("held_on")),
        answers=payload.get("answers", {}),
    )
    actions = tuple(
        ActionLine(
            line.get("description", ""),
            line.get("owner", ""),
            parse_date(line.get("due_on")),
            line.get("action_id"),
            line.get("base"),
        )
        for line in payload.get("actions", [])
    )
    return EditorState(
        template=template,
        draft=draft,
        status=Status(payload.get("status", Status.DRAFT)),
        record_id=payload.get("record_id"),
        actions=actions,
        draft_key=key,
        base_version=payload.get("base_version"),
        second_audit=bool(payload.get("second_audit", False)),
    )


def searchable_chooser(choices: Sequence[Choice], name: str, none_label: str | None) -> QComboBox:
    """A combo box the user can type into to find an entry; ``none_label`` offers "none"."""
    combo = QComboBox()
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.setAccessibleName(name)
    if none_label is not None:
        combo.addItem(none_label, None)
    for choice in choices:
        combo.addItem(choice.label, choice.id)
    completer = QCompleter(combo.model(), combo)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    combo.setCompleter(completer)
    line = combo.lineEdit()
    assert line is not None  # the combo is editable
    line.setPlaceholderText(f"Type to search {name.lower()}…")
    if none_label is None:
        combo.setCurrentIndex(-1)  # nothing chosen until the user chooses
    combo.setMinimumWidth(260)
    return combo


def _select(combo: QComboBox, record_id: str | None) -> None:
    index = combo.findData(record_id)
    combo.setCurrentIndex(index if index >= 0 else (0 if combo.itemData(0) is None else -1))


def chosen_id(combo: QComboBox) -> str | None:
    """The record id of the entry chosen in a searchable chooser, if one really is."""
    # What was typed must match an entry; a half-typed search chooses nothing.
    index = combo.findText(combo.currentText(), Qt.MatchFlag.MatchExactly)
    data = combo.itemData(index) if index >= 0 else None
    return str(data) if data else None


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
        self._keeper = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pwdesk-draft")
        self._pending: Future[None] | None = None
        self.draft_kept.connect(self._show_kept)
        self.keep_failed.connect(self._show_keep_failed)
        self.resize(900, 860)

        is_audit = self.template.kind is TemplateKind.CASE_AUDIT
        self.child = searchable_chooser(
            people.children, "Child (case reference)", None if is_audit else "No particular child"
        )
        self.practitioner = searchable_chooser(
            people.practitioners, "Practitioner", "Not chosen yet"
        )
        self.auditor = searchable_chooser(people.auditors, "Senior leader", "Not chosen yet")
        self.held_on = QDateEdit()
        self.held_on.setCalendarPopup(True)
        self.held_on.setDisplayFormat("d MMM yyyy")
        self.held_on.setAccessibleName("Date")
        header = QFormLayout()
        header.addRow("&Child:", self.child)
        header.addRow("&Practitioner:", self.practitioner)
        header.addRow("Senior &leader:", self.auditor)
        header.addRow("&Date:", self.held_on)

        self.form = AssessmentForm(self.template)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
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
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.complete_button)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.close_button)
        self.heading = QLabel()
        self.heading.setObjectName("heading")
        self.heading.setAccessibleName("Form")
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(header)
        layout.addWidget(self.missing)
        layout.addWidget(self.keep_warning)
        layout.addWidget(self.form, 1)
        layout.addLayout(buttons)
        QWidget.setTabOrder(self.held_on, self.form)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.keep_now)
        self._retry = QTimer(self)  # after a failed keep, try again until one succeeds
        self._retry.setSingleShot(True)
        self._retry.setInterval(KEEP_RETRY_MS)
        self._retry.timeout.connect(self.keep_now)

        _select(self.child, state.draft.child_id)
        _select(self.practitioner, state.draft.practitioner_id)
        _select(self.auditor, state.draft.auditor_id)
        self.held_on.setDate(_qdate(state.draft.held_on or date.today()))
        self.form.set_answers(state.draft.answers)
        self.form.set_action_lines(list(state.actions))
        self._opened_actions: list[ActionLine] = list(state.actions)
        for combo in (self.child, self.practitioner, self.auditor):
            combo.currentTextChanged.connect(self._edited)
        self.held_on.dateChanged.connect(self._edited)
        self.form.changed.connect(self._edited)
        self._loading = False
        self._refresh()
        if self._dirty:
            self.state_line.setText("Recovered unsaved typing: check it, then save.")

    # --- state ---------------------------------------------------------------------------------

    def current_draft(self) -> AssessmentDraft:
        """What the form holds now, as a draft to save."""
        held_on = self.held_on.date()
        return AssessmentDraft(
            week_id=self.week_id,
            template_id=self.template.id,
            template_version=self.template.version,
            child_id=chosen_id(self.child),
            practitioner_id=chosen_id(self.practitioner),
            auditor_id=chosen_id(self.auditor),
            held_on=date(held_on.year(), held_on.month(), held_on.day()),
            answers=self.form.answers(),
        )

    def current_state(self) -> EditorState:
        """The whole editor as plain data."""
        return EditorState(
            template=self.template,
            draft=self.current_draft(),
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
        self._timer.start()
        self._refresh()

    def _refresh(self) -> None:
        missing = missing_required(self.template, self.form.answers())
        if self.template.kind is TemplateKind.CASE_AUDIT and chosen_id(self.child) is None:
            names = ["Child"] + [item.label for item in missing]
        else:
            names = [item.label for item in missing]
        self.missing.setText(
            "Required before completion: " + "; ".join(names)
            if names
            else "Every required item is answered."
        )
        title = self.template.title
        child = self.child.currentText() if chosen_id(self.child) else ""
        status = self.status.value
        self.setWindowTitle(f"{title} — {child} ({status})" if child else f"{title} ({status})")
        self.heading.setText(f"{title} · {status.capitalize()}")

    # --- never lose a word --------------------------------------------------------------------

    def keep_now(self) -> Future[None]:
        """Put the current state in the draft buffer, on the background thread."""
        self._timer.stop()
        payload = self.current_state().payload()
        db, key, record_id = self.db, self.draft_key, self.record_id

        def keep() -> None:
            try:
                keep_draft(db, key, record_id, payload)
            except Exception as error:  # shown and retried, never swallowed: the user must know
                self.keep_failed.emit(_keep_problem(error))
                raise
            self.draft_kept.emit()

        self._pending = self._keeper.submit(keep)
        return self._pending

    def _show_kept(self) -> None:
        self._retry.stop()
        self.keep_warning.hide()
        self.state_line.setText(f"Typing kept at {_now_text()}; saved as a version on Save.")

    def _show_keep_failed(self, why: str) -> None:
        self.keep_warning.setText(
            f"Your latest typing is not kept yet: {why} pwdesk keeps trying; do not close "
            "this window until this message goes."
        )
        self.keep_warning.show()
        self._retry.start()

    def _wait_for_keeper(self) -> None:
        if self._pending is not None:
            # A failure is shown by keep_failed, and a retry is due.
            with suppress(Exception):
                self._pending.result(timeout=10)

    # --- versions -----------------------------------------------------------------------------

    def save(self, status: Status | None = None) -> bool:
        """Cut a version of the record and its actions, and drop the draft, in one transaction;
        True on success. A record that changed elsewhere since it was opened is merged with
        this save, never written over: the user is told what happened in one sentence."""
        self._timer.stop()
        self._wait_for_keeper()
        draft = self.current_draft()
        lines = [
            AgreedAction(line.description, line.owner, line.due_on, line.action_id, None, line.base)
            for line in self.form.action_lines()
        ]
        try:
            result = save_record(
                self.db,
                self.record_id,
                draft,
                lines,
                status=status,
                base=self.base_version if self.record_id is not None else None,
                action_bases=dict(self._action_bases),
                draft_key=self.draft_key,
                second_audit=self.second_audit,
            )
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
        self._retry.stop()
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
            # The record now holds changes made elsewhere too: show them, so the next save
            # starts from everything rather than undoing them.
            self._loading = True
            self.form.set_answers(opened.draft.answers)
            _select(self.child, opened.draft.child_id)
            _select(self.practitioner, opened.draft.practitioner_id)
            _select(self.auditor, opened.draft.auditor_id)
            if opened.draft.held_on is not None:
                self.held_on.setDate(_qdate(opened.draft.held_on))
            self.status = opened.status
            self._loading = False
        # In a conflict the record shows one of the versions; this editor goes on from its own.
        self.base_version = (
            saved.version if saved.outcome == "conflict" and saved.version else opened.version
        )
        # (saved.version is the save's own version in a conflict: see services.common.put.)
        rows = record_actions(self.db, saved.id)
        self._opened_actions = [
            ActionLine(row.description, row.owner, row.due_on, row.id, row.version) for row in rows
        ]
        if moved:
            self.form.set_action_lines(list(self._opened_actions))
            return
        by_id = {row.id: row for row in rows}
        unclaimed = list(rows)
        kept: list[ActionLine] = []
        for line in self.form.action_lines():
            found = by_id.get(line.action_id or "")
            if found is None:
                found = next(
                    (
                        row
                        for row in unclaimed
                        if (row.description, row.owner, row.due_on)
                        == (line.description, line.owner, line.due_on)
                    ),
                    None,
                )
            if found is not None:
                unclaimed.remove(found)
                kept.append(replace(line, action_id=found.id, base=found.version))
            else:
                kept.append(line)
        # Actions agreed elsewhere meanwhile (a merge) join the form rather than stay unseen.
        kept.extend(
            ActionLine(row.description, row.owner, row.due_on, row.id, row.version)
            for row in unclaimed
        )
        self._loading = True
        self.form.set_action_lines(kept)
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
        try:
            from pwdesk.services.feedback import feedback_pdf  # ReportLab loads when first needed

            return feedback_pdf(self.db, self.record_id)
        except PwdeskError as error:
            QMessageBox.warning(self, "No feedback sheet", str(error))
            return None

    def feedback_subject(self) -> str:
        """Whose sheet it is, in words: the case reference, or the form for an observation."""
        return self.child.currentText() if chosen_id(self.child) else self.template.title

    def feedback_file_name(self) -> str:
        """The file name offered for the sheet's PDF, e.g. "feedback-CR174391-2018-09-17.pdf"."""
        reference = self.child.currentText() if chosen_id(self.child) else None
        return pdf_file_name(reference, self.template.id, self.current_draft().held_on)

    def _print_preview(self) -> PdfPreview | None:
        pdf = self.feedback_pdf()
        return PdfPreview(self, pdf, self.feedback_subject()) if pdf is not None else None

    def open_print_preview(self) -> PdfPreview | None:
        """Save, then show the print preview without waiting for it to close; the dialog."""
        dialog = self._print_preview()
        if dialog is not None:
            dialog.finished.connect(dialog.deleteLater)
            dialog.open()
        return dialog

    def print_feedback(self) -> None:
        """Save, then preview the feedback sheet and print it on the printer the user picks."""
        dialog = self._print_preview()
        if dialog is not None:
            dialog.exec()
            dialog.deleteLater()

    def save_feedback_pdf(self) -> Path | None:
        """Save, then ask where to save the feedback sheet as PDF; the path, or None."""
        pdf = self.feedback_pdf()
        if pdf is None:
            return None
        try:
            path = save_pdf_dialog(self, pdf, self.feedback_file_name())
        except PwdeskError as error:
            QMessageBox.warning(self, "PDF not saved", str(error))
            return None
        except OSError as error:
            reason = error.strerror or str(error)
            QMessageBox.warning(self, "PDF not saved", f"The PDF could not be written: {reason}.")
            return None
        if path is not None:
            self.state_line.setText(f"Feedback sheet saved as {path.name}.")
        return path

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._dirty and not self.save():
            # The typing is safe in the buffer and will be offered back at the next start.
            self._wait_for_keeper()
        self._timer.stop()
        self._keeper.shutdown(wait=True)
        self.closed.emit()
        event.accept()


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _now_text() -> str:
    return QTime.currentTime().toString("HH:mm:ss")


def editor_for_new(
    db: Database,
    template: FormTemplate,
    week_id: str,
    people: People,
    *,
    second_audit: bool = False,
    **chosen: Any,
) -> RecordEditor:
    """An editor for a new record of ``template`` in a week, with the header pre-filled;
    ``second_audit`` when a second case audit of the child was chosen deliberately."""
    draft = AssessmentDraft(week_id=week_id, template_id=template.id, **chosen)
    state = EditorState(
        template=template,
        draft=replace(draft, template_version=template.version),
        second_audit=second_audit,
    )
    return RecordEditor(db, state, people)
