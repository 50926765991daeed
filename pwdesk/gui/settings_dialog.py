"""Settings a user sets once: the authority, their name and role, the device's name."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from pwdesk.services.settings import AppSettings

ROLE_NAMES = {"qa": "QA officer's store", "laptop": "Senior leader's laptop"}


class SettingsDialog(QDialog):
    """Edit AppSettings; ``settings()`` gives the edited values after acceptance."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._original = settings
        self.authority = self._field(settings.authority_name, "Authority")
        self.user_name = self._field(settings.user_name, "Your name")
        self.user_role = self._field(settings.user_role, "Your role")
        self.device_name = self._field(settings.device_name, "Device name")
        self.marking = self._field(settings.protective_marking, "Protective marking")
        self.logo = self._field(settings.logo_path, "Logo image file")
        self.logo.setPlaceholderText("Optional: a PNG or JPEG printed at the top of documents")
        self.role = QComboBox()
        self.role.setAccessibleName("Role of this database")
        for role, words in ROLE_NAMES.items():
            self.role.addItem(words, role)
        self.role.setCurrentIndex(max(self.role.findData(settings.role), 0))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._choose_logo)
        logo_row = QHBoxLayout()
        logo_row.addWidget(self.logo, 1)
        logo_row.addWidget(browse)
        form = QFormLayout(self)
        form.addRow("&Authority:", self.authority)
        form.addRow("Your &name:", self.user_name)
        form.addRow("Your &role:", self.user_role)
        form.addRow("&Device name:", self.device_name)
        form.addRow("Protective &marking:", self.marking)
        # A row holding a layout has no buddy, so Qt would show "&Logo:" literally.
        logo_label = QLabel("&Logo:")
        logo_label.setBuddy(self.logo)
        form.addRow(logo_label, logo_row)
        form.addRow("This database &is:", self.role)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    @staticmethod
    def _field(value: str, name: str) -> QLineEdit:
        field = QLineEdit(value)
        field.setAccessibleName(name)
        field.setMinimumWidth(300)
        return field

    def settings(self) -> AppSettings:
        """The settings as edited."""
        return replace(
            self._original,
            authority_name=self.authority.text().strip(),
            user_name=self.user_name.text().strip(),
            user_role=self.user_role.text().strip(),
            device_name=self.device_name.text().strip(),
            protective_marking=self.marking.text().strip() or self._original.protective_marking,
            logo_path=self.logo.text().strip(),
            role=str(self.role.currentData()),
        )

    def _choose_logo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the logo", self.logo.text(), "Images (*.png *.jpg *.jpeg)"
        )
        if path:
            self.logo.setText(path)
