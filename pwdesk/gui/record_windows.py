"""The audit and observation windows the main window opens: new ones, saved ones and recovered
drafts, one window per record (opening a record again raises its window)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from pwdesk.domain.templates import FormTemplate, TemplateKind
from pwdesk.gui.editor_state import Choice, EditorState, People, action_line, state_from_payload
from pwdesk.gui.new_record import NewRecordDialog
from pwdesk.gui.record_editor import RecordEditor
from pwdesk.gui.recovery import RecoveryDialog, preview_text
from pwdesk.services.actions import record_actions
from pwdesk.services.allocation import AllocationRow
from pwdesk.services.assessments import AssessmentDraft, case_audit_of, open_record
from pwdesk.services.drafts import discard_draft, kept_drafts
from pwdesk.services.people import list_auditors, list_children, list_practitioners
from pwdesk.services.settings import load_settings
from pwdesk.services.templates import UnknownTemplate, catalogue
from pwdesk.services.weeks import WeekSummary
from pwdesk.store.database import Database


class RecordWindows(QObject):
    """The record windows of one main window, by record id (or draft key while unsaved).

    Records are started in the week ``week()`` gives; dialogs open over ``window``.
    ``record_saved`` follows every save, for the lists to show it.
    """

    record_saved = Signal()

    def __init__(
        self, db: Database, window: QWidget, week: Callable[[], WeekSummary | None]
    ) -> None:
        super().__init__(window)
        self.db = db
        self._window = window
        self._week = week
        self.editors: dict[str, RecordEditor] = {}
        self.second_audit_box: QMessageBox  # the last question about a second audit

    def people(self) -> People:
        """Whom new and opened records can name."""
        week = self._week()
        children = list_children(self.db, week.code if week else None) or list_children(self.db)
        return People(
            children=[Choice(c.case_reference, c.id) for c in children],
            practitioners=[
                Choice(f"{p.name} ({p.team})" if p.team else p.name, p.id)
                for p in list_practitioners(self.db)
            ],
            auditors=[Choice(a.name, a.id) for a in list_auditors(self.db)],
        )

    def _me(self) -> str | None:
        name = load_settings(self.db).user_name
        return next((a.id for a in list_auditors(self.db) if a.name == name), None)

    # --- new records --------------------------------------------------------------------------

    def new_audit(self) -> RecordEditor | None:
        """Start a case audit in the week in focus."""
        return self._new(TemplateKind.CASE_AUDIT)

    def new_observation(self) -> RecordEditor | None:
        """Start an observation of practice in the week in focus."""
        return self._new(TemplateKind.OBSERVATION)

    def new_record_dialog(self, kind: TemplateKind) -> NewRecordDialog | None:
        """The dialog that starts a new record of ``kind`` (None without a week)."""
        week = self._week()
        if week is None:
            return None
        templates = catalogue(self.db)
        if kind is TemplateKind.CASE_AUDIT:
            forms = [templates.get(week.case_audit_template)]
        else:
            forms = [templates.get(t) for t in week.observation_templates]
        return NewRecordDialog(forms, self.people(), self._window)

    def _new(self, kind: TemplateKind) -> RecordEditor | None:
        dialog = self.new_record_dialog(kind)
        if dialog is None or dialog.exec() != NewRecordDialog.DialogCode.Accepted:
            return None
        return self.start_record(dialog)

    def start_record(self, dialog: NewRecordDialog) -> RecordEditor | None:
        """Open an editor for the record chosen in an accepted NewRecordDialog.

        A case audit of a child who already has one this week offers that one first; a second
        is started only when chosen. None if the user cancels.
        """
        week = self._week()
        assert week is not None
        template = dialog.chosen_template()
        child_id = dialog.chosen_child()
        second = False
        if template.kind is TemplateKind.CASE_AUDIT and child_id is not None:
            existing = case_audit_of(self.db, week.id, child_id)
            if existing is not None:
                choice = self.ask_about_second_audit(dialog.child.currentText())
                if choice == "open":
                    return self.open_record(existing)
                if choice != "second":
                    return None
                second = True
        editor = editor_for_new(
            self.db,
            template,
            week.id,
            self.people(),
            second_audit=second,
            child_id=child_id,
            practitioner_id=dialog.chosen_practitioner(),
            auditor_id=self._me(),
            held_on=day_in_week(week, date.today()),
        )
        return self._show_editor(editor)

    def start_from_allocation(self, row: AllocationRow) -> RecordEditor | None:
        """Enter on My list: the child's case audit this week if it has one, else a new one
        filled in from the allocation (child, practitioner, senior leader, its planned day or a
        day within the week). An allocated observation opens the New observation dialog."""
        week = self._week()
        if week is None:
            return None
        if row.kind != TemplateKind.CASE_AUDIT or row.child_id is None:
            return self.new_observation()
        return self.start_case_audit(
            row.child_id, row.practitioner_id, row.auditor_id, row.planned_on
        )

    def start_case_audit(
        self,
        child_id: str,
        practitioner_id: str | None = None,
        auditor_id: str | None = None,
        planned_on: date | None = None,
    ) -> RecordEditor | None:
        """The child's case audit this week (opened), or a new one pre-filled for the child."""
        week = self._week()
        if week is None:
            return None
        existing = case_audit_of(self.db, week.id, child_id)
        if existing is not None:
            return self.open_record(existing)
        editor = editor_for_new(
            self.db,
            catalogue(self.db).get(week.case_audit_template),
            week.id,
            self.people(),
            child_id=child_id,
            practitioner_id=practitioner_id,
            auditor_id=auditor_id or self._me(),
            held_on=planned_on or day_in_week(week, date.today()),
        )
        return self._show_editor(editor)

    def ask_about_second_audit(self, child: str) -> str:
        """Ask what to do when a child already has a case audit this week: ``open`` it, start a
        ``second`` one, or ``cancel``."""
        box = QMessageBox(self._window)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("This child already has a case audit")
        box.setText(f"{child} already has a case audit this week.")
        box.setInformativeText("Open that audit, or start a second one for this child?")
        open_button = box.addButton("&Open the existing audit", QMessageBox.ButtonRole.AcceptRole)
        second_button = box.addButton("Start a &second audit", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(open_button)
        self.second_audit_box = box  # tests answer it
        box.exec()
        clicked = box.clickedButton()
        if clicked is open_button:
            return "open"
        return "second" if clicked is second_button else "cancel"

    # --- saved records and recovered drafts ---------------------------------------------------

    def open_record(self, record_id: str) -> RecordEditor:
        """Open a saved audit or observation (or raise its window if it is open)."""
        if record_id in self.editors:
            editor = self.editors[record_id]
            editor.raise_()
            editor.activateWindow()
            return editor
        opened = open_record(self.db, record_id)
        draft = opened.draft
        template = catalogue(self.db).get(draft.template_id, draft.template_version)
        actions = tuple(action_line(a) for a in record_actions(self.db, record_id))
        state = EditorState(
            template, draft, opened.status, record_id, actions, base_version=opened.version
        )
        return self._show_editor(RecordEditor(self.db, state, self.people()))

    def offer_recovery(self) -> RecoveryDialog | None:
        """If unsaved typing was left by a crash, offer it back (a non-blocking dialog)."""
        drafts = kept_drafts(self.db)
        if not drafts:
            return None
        templates = catalogue(self.db)
        references = {c.id: c.case_reference for c in list_children(self.db)}
        describe, previews = {}, {}
        for draft in drafts:
            title = draft.payload.get("template_id", "form")
            labels: dict[str, str] = {}
            with suppress(UnknownTemplate):
                template = templates.get(title, draft.payload.get("template_version"))
                title = template.title
                labels = {item.id: item.label for item in template.items()}
            child = references.get(draft.payload.get("child_id") or "")
            describe[draft.key] = f"{title}, {child}" if child else title
            previews[draft.key] = preview_text(draft.payload, labels)
        dialog = RecoveryDialog(drafts, describe, self._window, previews)
        dialog.finished.connect(lambda choice: self._recovery_chosen(dialog, choice))
        dialog.open()
        return dialog

    def _recovery_chosen(self, dialog: RecoveryDialog, choice: int) -> None:
        templates = catalogue(self.db)
        for draft in dialog.drafts:
            if choice == RecoveryDialog.DISCARD:
                discard_draft(self.db, draft.key)
            elif choice == RecoveryDialog.RECOVER:
                payload = draft.payload
                template = templates.get(payload["template_id"], payload.get("template_version"))
                state = state_from_payload(draft.key, payload, template)
                self._show_editor(RecordEditor(self.db, state, self.people()))

    def close_all(self) -> None:
        """Close every record window (each saves what it holds)."""
        for editor in list(self.editors.values()):
            editor.close()

    # --- keeping track ------------------------------------------------------------------------

    def _show_editor(self, editor: RecordEditor) -> RecordEditor:
        key = editor.record_id or editor.draft_key
        self.editors[key] = editor
        editor.saved.connect(lambda record_id: self._saved(editor, record_id))
        editor.closed.connect(lambda: self._forget(editor))
        editor.show()
        return editor

    def _saved(self, editor: RecordEditor, record_id: str) -> None:
        for key, open_editor in list(self.editors.items()):
            if open_editor is editor and key != record_id:
                del self.editors[key]
        self.editors[record_id] = editor
        self.record_saved.emit()

    def _forget(self, editor: RecordEditor) -> None:
        for key, open_editor in list(self.editors.items()):
            if open_editor is editor:
                del self.editors[key]


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


def day_in_week(week: WeekSummary, today: date) -> date:
    """The day a new record of ``week`` is dated: today, or the week's nearest day to it."""
    return min(max(today, week.starts_on), week.ends_on)
