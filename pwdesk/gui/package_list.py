"""The packages chosen for a merge: a list of ``.pwx`` files, each once, with Add and Remove.

``changed`` follows every change to the list or its selection.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pwdesk.gui.package_files import PACKAGE_FILTER, documents_folder, remembered


class PackageList(QWidget):
    """The package files to merge, in the order they were added."""

    changed = Signal()

    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.files = QListWidget()
        self.files.setAccessibleName("Packages to merge")
        self.files.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.files.setMinimumHeight(70)
        self.files.setMaximumHeight(120)
        self.add_button = QPushButton("&Add files…")
        self.add_button.clicked.connect(self._browse_files)
        self.remove_button = QPushButton("&Remove")
        self.remove_button.clicked.connect(self.remove_selected)
        self.files.itemSelectionChanged.connect(self._changed)
        file_buttons = QVBoxLayout()
        file_buttons.addWidget(self.add_button)
        file_buttons.addWidget(self.remove_button)
        file_buttons.addStretch(1)
        file_row = QHBoxLayout(self)
        file_row.setContentsMargins(0, 0, 0, 0)  # laid out as if the row stood in the dialog
        file_row.addWidget(self.files, 1)
        file_row.addLayout(file_buttons)
        self._changed()

    def paths(self) -> list[Path]:
        """The packages to merge, in list order."""
        return [
            Path(str(self.files.item(row).data(Qt.ItemDataRole.UserRole)))
            for row in range(self.files.count())
        ]

    def add_files(self, paths: Sequence[Path | str]) -> None:
        """Add packages to the list (each once)."""
        present = set(self.paths())
        for path in paths:
            resolved = Path(path).expanduser()
            if resolved in present:
                continue
            present.add(resolved)
            item = QListWidgetItem(resolved.name)
            item.setData(Qt.ItemDataRole.UserRole, str(resolved))
            item.setToolTip(str(resolved))
            self.files.addItem(item)
        self._changed()

    def remove_selected(self) -> None:
        """Take the selected packages off the list."""
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))
        self._changed()

    def _browse_files(self) -> None:
        self.add_files(self.choose_files())

    def choose_files(self) -> list[str]:
        """Ask for package files (none if the user cancels)."""
        folder = remembered(self.settings, "merge/folder") or str(documents_folder())
        paths, _ = QFileDialog.getOpenFileNames(
            self.window(), "Packages to merge", folder, PACKAGE_FILTER
        )
        return paths

    def _changed(self) -> None:
        self.remove_button.setEnabled(bool(self.files.selectedItems()))
        self.changed.emit()
