"""The search rule of every list and chooser: what was typed, found whatever its accents, case
or spacing (domain.names), so "sian" finds Siân Ellis."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSortFilterProxyModel

from pwdesk.domain.names import natural_key


class NaturalFilter(QSortFilterProxyModel):
    """The rows in any column of which the natural key of what was typed occurs."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.typed = ""

    def search(self, text: str) -> None:
        """Show the rows that match ``text`` (every row for empty text)."""
        self.beginFilterChange()
        self.typed = natural_key(text)
        self.endFilterChange()

    def filterAcceptsRow(
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        if not self.typed:
            return True
        model = self.sourceModel()
        return any(
            self.typed
            in natural_key(str(model.data(model.index(source_row, column, source_parent)) or ""))
            for column in range(model.columnCount(source_parent))
        )
