"""Starting a new audit or observation: choose the form, the child and the practitioner."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QWidget

from pwdesk.domain.templates import FormTemplate, TemplateKind
from pwdesk.gui.chooser import chosen_id, searchable_chooser
from pwdesk.gui.editor_state import People


class NewRecordDialog(QDialog):
    """Pick the template (for observations, the kind of observation), child and practitioner."""

    def __init__(
        self, templates: Sequence[FormTemplate], people: People, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.templates = list(templates)
        is_audit = bool(templates) and templates[0].kind is TemplateKind.CASE_AUDIT
        self.setWindowTitle("New case audit" if is_audit else "New observation")
        self.template = QComboBox()
        self.template.setAccessibleName("Form")
        for template in self.templates:
            self.template.addItem(template.observation_label or template.title)
        self.child = searchable_chooser(
            people.children, "Child (case reference)", None if is_audit else "No particular child"
        )
        self.practitioner = searchable_chooser(
            people.practitioners, "Practitioner", "Not chosen yet"
        )
        self.message = QLabel()
        self.message.setObjectName("error")
        form = QFormLayout(self)
        form.addRow("&Form:" if is_audit else "&Observation of:", self.template)
        form.addRow("&Child:", self.child)
        form.addRow("&Practitioner:", self.practitioner)
        form.addRow(self.message)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Start")
        buttons.accepted.connect(self._start)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._is_audit = is_audit
        (self.child if is_audit else self.template).setFocus()

    def chosen_template(self) -> FormTemplate:
        """The form to fill in."""
        return self.templates[max(self.template.currentIndex(), 0)]

    def chosen_child(self) -> str | None:
        """The child's record id, if one was chosen."""
        return chosen_id(self.child)

    def chosen_practitioner(self) -> str | None:
        """The practitioner's record id, if one was chosen."""
        return chosen_id(self.practitioner)

    def _start(self) -> None:
        if self._is_audit and self.chosen_child() is None:
            self.message.setText("Choose the child by case reference from the list.")
            self.child.setFocus()
            return
        self.accept()
