"""The header of a record's window: whom the audit or observation is about, and when it was held."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout

from pwdesk.domain.templates import TemplateKind
from pwdesk.gui.chooser import searchable_chooser, select_id
from pwdesk.gui.editor_state import People
from pwdesk.gui.widgets import date_edit
from pwdesk.services.assessments import AssessmentDraft


class RecordHeader(QFormLayout):
    """The child, practitioner and senior leader, each a chooser to type into, and the date.

    A case audit is always of a child; an observation may be of no particular child.
    """

    def __init__(self, people: People, kind: TemplateKind, held_on: date | None) -> None:
        super().__init__()
        is_audit = kind is TemplateKind.CASE_AUDIT
        self.child = searchable_chooser(
            people.children, "Child (case reference)", None if is_audit else "No particular child"
        )
        self.practitioner = searchable_chooser(
            people.practitioners, "Practitioner", "Not chosen yet"
        )
        self.auditor = searchable_chooser(people.auditors, "Senior leader", "Not chosen yet")
        self.held_on = date_edit("Date", held_on)
        self.addRow("&Child:", self.child)
        self.addRow("&Practitioner:", self.practitioner)
        self.addRow("Senior &leader:", self.auditor)
        self.addRow("&Date:", self.held_on)

    def show_people(self, draft: AssessmentDraft) -> None:
        """Choose the child, practitioner and senior leader a draft names."""
        select_id(self.child, draft.child_id)
        select_id(self.practitioner, draft.practitioner_id)
        select_id(self.auditor, draft.auditor_id)
