"""The QA officer's Conflicts page: records changed on two devices, their versions side by side.

A conflict keeps every concurrent version until someone decides. The page lists the records in
conflict and shows the one selected in a :class:`VersionComparison`. The resolution names
exactly the versions shown, so one that arrives meanwhile is never silently superseded.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.errors import PwdeskError
from pwdesk.gui.models import Column, RowTableModel
from pwdesk.gui.version_comparison import KEPT, VersionComparison
from pwdesk.gui.widgets import say
from pwdesk.services.conflict_view import (
    DIFFERS,
    ConflictRow,
    ConflictsView,
    conflict_rows,
    load_conflicts,
)
from pwdesk.services.conflicts import Conflict, ResolutionOutdated, resolve_conflict
from pwdesk.store.database import Database


def conflicts_model() -> RowTableModel:
    """Records in conflict: what, which, how many versions, by whom, on which devices, and the
    latest change."""
    return RowTableModel(
        [
            Column("Record", lambda r: r.kind),
            Column("Which", lambda r: r.description),
            Column("Versions", lambda r: len(r.conflict.versions)),
            Column("Changed by", lambda r: r.authors),
            Column("On", lambda r: r.devices),
            Column("Latest change", lambda r: r.latest),
        ],
        lambda r: r.record_id,
    )


class ConflictsPage(QWidget):
    """Records in conflict, and for the one selected its versions side by side to resolve.

    ``resolved`` carries the id of a record whose conflict was resolved.
    """

    resolved = Signal(str)
    counted = Signal(int)  # how many records are in conflict, after each load

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db
        self.view = ConflictsView()
        self.comparison: VersionComparison | None = None
        # Show the first record by itself, until a resolution: then the pane stays clear until
        # the QA officer picks the next record, so the one resolved never seems to linger.
        self.pick_first = True
        self.heading = QLabel("Records in conflict")
        self.heading.setObjectName("heading")
        intro = QLabel(
            "These records were changed on more than one device since they last met. Every "
            "version is kept until you decide: pick a record, choose which version each "
            f"differing field ({DIFFERS}) is kept from, then press Resolve."
        )
        intro.setWordWrap(True)
        self.model = conflicts_model()
        self.table = self._build_table()
        self.empty = QLabel("No records are in conflict.")
        self.empty.setObjectName("muted")
        detail = self._build_detail()
        self.splitter = self._build_splitter(detail)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(intro)
        layout.addWidget(self.splitter, 1)
        self.setFocusProxy(self.table)
        self._show_selected()

    def _build_table(self) -> QTableView:
        table = QTableView()
        table.setModel(self.model)
        table.setAccessibleName("Records in conflict")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        table.selectionModel().selectionChanged.connect(self._selection_changed)
        return table

    def _build_detail(self) -> QWidget:
        """The lower pane: the legend, the versions side by side, and Resolve."""
        self.legend = QLabel(
            f"{DIFFERS} marks a field that differs between versions; {KEPT} marks the value "
            "that will be kept."
        )
        self.legend.setObjectName("muted")
        self.legend.setWordWrap(True)
        self.area = QScrollArea()
        self.area.setWidgetResizable(True)
        self.area.setFrameShape(QFrame.Shape.NoFrame)
        self.area.setAccessibleName("Versions side by side")
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.resolve_button = QPushButton("Res&olve")
        self.resolve_button.setAccessibleName("Resolve the conflict")
        self.resolve_button.clicked.connect(self.resolve)
        actions = QHBoxLayout()
        actions.addWidget(self.message, 1)
        actions.addWidget(self.resolve_button)
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.legend)
        detail_layout.addWidget(self.area, 1)
        detail_layout.addLayout(actions)
        return detail

    def _build_splitter(self, detail: QWidget) -> QSplitter:
        """The list above the detail pane, the detail given most of the height."""
        listing = QWidget()
        listing_layout = QVBoxLayout(listing)
        listing_layout.setContentsMargins(0, 0, 0, 0)
        listing_layout.addWidget(self.table)
        listing_layout.addWidget(self.empty)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(listing)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 4)
        splitter.setChildrenCollapsible(False)
        return splitter

    def refresh(self) -> None:
        """Read the conflicts again (quick: there are few) and show them."""
        self.show_view(load_conflicts(self.db))

    def show_view(self, view: ConflictsView) -> None:
        """Show loaded conflicts, keeping the selection (and choices) where the record remains."""
        selected = self.selected()
        self.view = view
        self.table.selectionModel().blockSignals(True)
        self.model.set_rows(conflict_rows(view))
        self.table.selectionModel().blockSignals(False)
        ids = self.model.row_ids()
        if selected is not None and selected.record_id in ids:
            self.select(selected.record_id)
        elif ids and self.pick_first:
            self.select(ids[0])
        else:
            self.table.clearSelection()
            self._show_selected()
        self.table.setVisible(bool(ids))
        self.empty.setVisible(not ids)
        self.counted.emit(len(ids))

    def conflicts(self) -> list[Conflict]:
        """The conflicts shown."""
        return list(self.view.conflicts)

    def select(self, record_id: str) -> None:
        """Select a record in the list, which shows its versions."""
        row = self.model.row_ids().index(record_id)
        self.table.selectRow(row)
        self._show_selected()

    def selected(self) -> Conflict | None:
        """The conflict whose versions are shown."""
        return self.comparison.conflict if self.comparison is not None else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self.table.selectionModel().hasSelection():
            self.pick_first = True  # a record chosen: later loads may show one by themselves
        self._show_selected()

    def _current_conflict(self) -> Conflict | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        row: ConflictRow = self.model.row_at(rows[0].row())
        return row.conflict

    def _show_selected(self) -> None:
        conflict = self._current_conflict()
        if conflict is None:
            # Nothing selected (a resolution may just have cleared it): the pane clears, and a
            # message saying what happened stays.
            self.comparison = None
            if not isinstance(self.area.widget(), QLabel):
                placeholder = QLabel("Choose a record above to see its versions.")
                placeholder.setObjectName("muted")
                placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
                self.area.setWidget(placeholder)
        elif self.area.widget() is not None and conflict == self.selected():
            return  # the same versions: keep the choices and the message
        else:
            self.message.setText("")
            self.comparison = VersionComparison(conflict, self.view)
            self.area.setWidget(self.comparison)
        self.resolve_button.setEnabled(self.comparison is not None)
        self.legend.setVisible(self.comparison is not None)

    def take_whole(self, version_id: str) -> None:
        """Keep one version of the selected record whole (a Resolve still follows)."""
        if self.comparison is not None:
            self.comparison.take_whole(version_id)

    def choose(self, field_name: str, version_id: str) -> None:
        """Keep one field from one version (as its chooser does)."""
        assert self.comparison is not None
        chooser = self.comparison.choices[field_name]
        chooser.setCurrentIndex(chooser.findData(version_id))

    def resolve(self) -> str | None:
        """Resolve the selected conflict as chosen; returns the new version's id."""
        comparison = self.comparison
        if comparison is None:
            return None
        record_id = comparison.conflict.record_id
        try:
            version = self._resolve(comparison)
        except ResolutionOutdated as error:
            self.refresh()  # show the versions as they are now, then say why nothing changed
            say(self.message, str(error), "error")
            return None
        except PwdeskError as error:
            say(self.message, str(error), "error")
            return None
        self.comparison = None
        self.pick_first = False
        self.refresh()
        say(self.message, "Resolved: the record now holds the values you kept.", "muted")
        self.resolved.emit(record_id)
        return version

    def _resolve(self, comparison: VersionComparison) -> str:
        """Store the resolution: a version taken whole, or the combined record as chosen."""
        record_id = comparison.conflict.record_id
        shown = [version.id for version in comparison.versions]
        if comparison.whole is not None:
            return resolve_conflict(self.db, record_id, comparison.whole, shown=shown)
        return resolve_conflict(
            self.db,
            record_id,
            fields=comparison.chosen_fields(),
            answers=comparison.chosen_answers(),
            shown=shown,
        )
