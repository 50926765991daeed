"""The main window: the week in focus, its dashboard and lists, and the records it opens."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from pwdesk import __version__
from pwdesk.domain.analysis import WeekStats
from pwdesk.domain.statuses import ActionStatus, Status
from pwdesk.domain.templates import TemplateKind
from pwdesk.gui.conflicts import ConflictsPage, ConflictsView, load_conflicts
from pwdesk.gui.dashboard import DashboardPage
from pwdesk.gui.exchange_dialogs import ExportDialog, MergeDialog, MergeHistoryDialog
from pwdesk.gui.form.actions_editor import ActionLine
from pwdesk.gui.list_page import ListPage
from pwdesk.gui.models import actions_model, children_model, people_model, record_model
from pwdesk.gui.new_record import NewRecordDialog
from pwdesk.gui.qa_dialogs import AllocationDialog, ModerationDialog, WeekSetupDialog
from pwdesk.gui.record_editor import (
    Choice,
    EditorState,
    People,
    RecordEditor,
    editor_for_new,
    state_from_payload,
)
from pwdesk.gui.recovery import RecoveryDialog
from pwdesk.gui.report_page import ReportPage
from pwdesk.gui.settings_dialog import SettingsDialog
from pwdesk.gui.tasks import Task
from pwdesk.gui.todo_page import TodoPage
from pwdesk.services.actions import ActionRow, list_all_actions, record_actions, set_action_status
from pwdesk.services.assessments import RecordRow, case_audit_of, list_records, open_record
from pwdesk.services.common import NotFound
from pwdesk.services.drafts import discard_draft, kept_drafts
from pwdesk.services.people import (
    ChildRow,
    PersonRow,
    list_auditors,
    list_children,
    list_practitioners,
)
from pwdesk.services.settings import load_settings, save_settings
from pwdesk.services.signers import whoami
from pwdesk.services.stats import week_stats
from pwdesk.services.templates import UnknownTemplate, catalogue
from pwdesk.services.weeks import WeekSummary, list_weeks
from pwdesk.store.database import Database

DialogT = TypeVar("DialogT", bound=QDialog)


@dataclass(frozen=True)
class WeekView:
    """Everything the main window shows for a week, loaded in one go off the GUI thread."""

    week: WeekSummary | None
    stats: WeekStats | None
    records: list[RecordRow]
    children: list[ChildRow]
    practitioners: list[PersonRow]
    actions: list[ActionRow]  # every week's, overdue first
    conflicts: ConflictsView


def load_week_view(db: Database, week: WeekSummary | None, today: date) -> WeekView:
    """Read a week's lists and figures, and every week's actions, through the services, all
    from one snapshot so a merge committing meanwhile cannot make them disagree."""
    with db.snapshot():
        practitioners = list_practitioners(db)
        conflicts = load_conflicts(db)
        actions = list_all_actions(db, today)
        if week is None:
            return WeekView(None, None, [], [], practitioners, actions, conflicts)
        summary, stats = week_stats(db, week.code)
        return WeekView(
            summary,
            stats,
            list_records(db, week.code),
            list_children(db, week.code),
            practitioners,
            actions,
            conflicts,
        )


def _scrolled(page: QWidget) -> QScrollArea:
    """A page that scrolls rather than forcing a tall window on a small laptop screen."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    area.setWidget(page)
    return area


class MainWindow(QMainWindow):
    """Everything for one database: weeks, dashboard, lists; records open in their own windows."""

    refreshed = Signal()  # the lists and dashboard show the latest data

    def __init__(
        self,
        db: Database,
        settings: QSettings,
        location: str = "",
        *,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self.db = db
        self.today = today  # the day actions are overdue against; fixed in tests
        self._keep_action: str | None = None
        self._generation = 0
        self._role = "qa"  # read from the settings by apply_role
        self._tasks: list[Task] = []
        self.settings = settings
        self.weeks: list[WeekSummary] = []
        self.editors: dict[str, RecordEditor] = {}
        self.setWindowTitle("pwdesk")

        self.week_box = QComboBox()
        self.week_box.setAccessibleName("Practice Week")
        self.week_box.setMinimumWidth(320)
        self.week_box.currentIndexChanged.connect(self._week_changed)
        toolbar = QToolBar("Main")
        toolbar.setObjectName("main-toolbar")
        toolbar.setMovable(False)
        week_label = QLabel("Practice &Week: ")
        week_label.setBuddy(self.week_box)
        toolbar.addWidget(week_label)
        toolbar.addWidget(self.week_box)
        toolbar.addSeparator()
        self.new_audit_action = self._action("New &audit", "Ctrl+N", self.new_audit)
        self.new_observation_action = self._action(
            "New &observation", "Ctrl+Shift+N", self.new_observation
        )
        toolbar.addAction(self.new_audit_action)
        toolbar.addAction(self.new_observation_action)
        toolbar.addSeparator()
        self.export_action = self._action("E&xport…", "Ctrl+Shift+E", self.export)
        self.merge_action = self._action("&Merge…", "Ctrl+Shift+M", self.merge)
        self.history_action = self._action(
            "Merge &history…", "Ctrl+Shift+H", self.show_merge_history
        )
        self.week_setup_action = self._action("Set up a &week…", "Ctrl+Shift+W", self.set_up_week)
        self.allocate_action = self._action("Allocate…", "Ctrl+Shift+A", self.allocate)
        self.moderate_action = self._action("Moderate…", "Ctrl+Shift+D", self.moderate_selected)
        self.moderate_action.setToolTip(
            "Moderate the completed case audit selected in Case audits (Ctrl+Shift+D)"
        )
        # Merging stays on laptops too: that is how a laptop receives the week's set-up.
        self._qa_actions = (
            self.week_setup_action,
            self.allocate_action,
            self.moderate_action,
        )
        toolbar.addAction(self.week_setup_action)
        toolbar.addAction(self.allocate_action)
        toolbar.addAction(self.moderate_action)
        toolbar.addSeparator()
        toolbar.addAction(self.export_action)
        toolbar.addAction(self.merge_action)
        toolbar.addAction(self.history_action)
        toolbar.addSeparator()
        toolbar.addAction(self._action("&Refresh", "F5", self.refresh))
        toolbar.addAction(self._action("&Settings", "Ctrl+,", self.edit_settings))
        toolbar.addAction(self._action("A&bout", "F1", self.about))
        self.addToolBar(toolbar)

        self.dashboard = DashboardPage()
        self.audits = ListPage(record_model(observations=False), "Case audits", "No audits yet.")
        self.observations = ListPage(
            record_model(observations=True), "Observations", "No observations yet."
        )
        self.children_page = ListPage(children_model(), "Children", "No children in this week.")
        self.practitioners = ListPage(people_model(), "Practitioners", "No practitioners yet.")
        self.actions_tab = self._build_actions_tab()
        self.audits.opened.connect(self.open_record)
        self.observations.opened.connect(self.open_record)
        self.report_page = ReportPage(db)
        self.conflicts_page = ConflictsPage(db)
        self.conflicts_page.resolved.connect(self._exchanged)
        self.conflicts_page.counted.connect(self._count_conflicts)
        self.todo_page = TodoPage(db)
        self.week_setup_dialog: WeekSetupDialog | None = None
        self.allocation_dialog: AllocationDialog | None = None
        self.moderation_dialog: ModerationDialog | None = None

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for page, title in (
            (self.dashboard, "&Dashboard"),
            (self.todo_page, "M&y list"),
            (self.audits, "Case a&udits"),
            (self.observations, "Obser&vations"),
            (self.children_page, "&Children"),
            (self.practitioners, "&Practitioners"),
            (self.actions_tab, "Ac&tions"),
            (_scrolled(self.report_page), "R&eport"),
            (self.conflicts_page, "Conf&licts"),
        ):
            self.tabs.addTab(page, title)
        self.export_dialog: ExportDialog | None = None
        self.merge_dialog: MergeDialog | None = None
        self.history_dialog: MergeHistoryDialog | None = None
        self.setCentralWidget(self.tabs)
        self.location = QLabel(location)
        self.statusBar().addPermanentWidget(self.location)
        self._restore_geometry()
        self.apply_role()
        self.load_weeks()

    def _build_actions_tab(self) -> QWidget:
        """Every week's agreed actions, overdue first, with buttons to mark the selected one."""
        self.actions_page = ListPage(actions_model(), "Agreed actions", "No agreed actions yet.")
        table = self.actions_page.table
        # Keep the order the service gives (overdue first) until a column header is clicked.
        table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        table.setTabKeyNavigation(False)  # Tab moves on to the buttons, not across cells
        self.actions_page.opened.connect(self._open_action)

        self.mark_done = QPushButton("Mark do&ne")
        self.mark_in_progress = QPushButton("Mark &in progress")
        self.mark_dropped = QPushButton("Mark d&ropped")
        self._mark_buttons = {
            ActionStatus.DONE: self.mark_done,
            ActionStatus.IN_PROGRESS: self.mark_in_progress,
            ActionStatus.DROPPED: self.mark_dropped,
        }
        buttons = QHBoxLayout()
        for status, button in self._mark_buttons.items():
            words = status.value.replace("-", " ")
            button.setToolTip(f"Mark the selected action {words}")
            button.setAccessibleDescription(f"Marks the selected action {words}")
            button.clicked.connect(lambda _=False, status=status: self.mark_action(status))
            buttons.addWidget(button)
        buttons.addStretch(1)

        table.selectionModel().currentChanged.connect(self._update_mark_buttons)
        self.actions_page.proxy.modelReset.connect(self._update_mark_buttons)
        self.actions_page.proxy.layoutChanged.connect(self._update_mark_buttons)
        self.actions_page.proxy.rowsRemoved.connect(self._update_mark_buttons)
        self._update_mark_buttons()

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.actions_page, 1)
        layout.addLayout(buttons)
        tab.setFocusProxy(self.actions_page)
        return tab

    def _action(self, text: str, shortcut: str, slot: object) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(shortcut))
        action.setToolTip(f"{text.replace('&', '')} ({shortcut})")
        action.triggered.connect(slot)
        return action

    # --- weeks and lists ----------------------------------------------------------------------

    @property
    def week(self) -> WeekSummary | None:
        """The week in focus."""
        index = self.week_box.currentIndex()
        return self.weeks[index] if 0 <= index < len(self.weeks) else None

    def load_weeks(self) -> None:
        """Read the weeks and focus the one last used (or the newest)."""
        remembered = self.settings.value("week", "")
        self.weeks = list_weeks(self.db)
        self.week_box.blockSignals(True)
        self.week_box.clear()
        for week in self.weeks:
            self.week_box.addItem(f"{week.code} — {week.title}", week.code)
        codes = [week.code for week in self.weeks]
        self.week_box.setCurrentIndex(codes.index(remembered) if remembered in codes else 0)
        self.week_box.blockSignals(False)
        self.report_page.show_week(self.week, self.weeks)
        self.refresh()

    def _week_changed(self) -> None:
        if self.week is not None:
            self.settings.setValue("week", self.week.code)
        self.report_page.show_week(self.week, self.weeks)
        self.refresh()

    def refresh(self) -> None:
        """Reload every list and the dashboard for the week in focus, off the GUI thread.

        ``refreshed`` follows when the lists show the new data. If the week changes meanwhile,
        only the newest load is shown.
        """
        week = self.week
        self.new_audit_action.setEnabled(week is not None)
        self.new_observation_action.setEnabled(week is not None)
        self._enable_qa_actions()
        self.todo_page.show_week(week.code if week else None)
        self._generation += 1
        generation, db, today = self._generation, self.db, self.today()
        self.statusBar().showMessage("Loading…")
        task = Task(lambda: load_week_view(db, week, today))
        task.succeeded.connect(lambda view: self._show_view(generation, view))
        task.failed.connect(lambda error: self._load_failed(generation, error))
        self._tasks.append(task)
        task.start()

    def _show_view(self, generation: int, view: WeekView) -> None:
        self._tasks = [task for task in self._tasks if not task.wait(0)]
        if generation != self._generation:
            return
        self.practitioners.model.set_rows(view.practitioners)
        records = view.records
        self.audits.model.set_rows([r for r in records if r.kind == TemplateKind.CASE_AUDIT])
        self.observations.model.set_rows([r for r in records if r.kind == TemplateKind.OBSERVATION])
        self.children_page.model.set_rows(view.children)
        self.actions_page.model.set_rows(view.actions)
        self._reselect_action()
        self.conflicts_page.show_view(view.conflicts)
        if view.week is None or view.stats is None:
            self.dashboard.clear("There is no Practice Week yet. A QA officer sets one up.")
            self.statusBar().showMessage("No Practice Week yet.")
        else:
            self.dashboard.show_week(view.week, view.stats)
            self.setWindowTitle(f"pwdesk — {view.week.code} {view.week.title}")
            drafts = sum(r.status == Status.DRAFT for r in records)
            self.statusBar().showMessage(
                f"{view.stats.audits} case audits and {view.stats.observations_total} "
                "observations completed" + (f"; {drafts} drafts" if drafts else "")
            )
        self.refreshed.emit()

    def _load_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation:
            self.statusBar().showMessage("Could not load the week.")
            QMessageBox.warning(self, "pwdesk", f"The week could not be loaded: {error}")

    def people(self) -> People:
        """Whom new and opened records can name."""
        week = self.week
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

    # --- records ------------------------------------------------------------------------------

    def new_audit(self) -> RecordEditor | None:
        """Start a case audit in the week in focus."""
        return self._new(TemplateKind.CASE_AUDIT)

    def new_observation(self) -> RecordEditor | None:
        """Start an observation of practice in the week in focus."""
        return self._new(TemplateKind.OBSERVATION)

    def new_record_dialog(self, kind: TemplateKind) -> NewRecordDialog | None:
        """The dialog that starts a new record of ``kind`` (None without a week)."""
        week = self.week
        if week is None:
            return None
        templates = catalogue(self.db)
        if kind is TemplateKind.CASE_AUDIT:
            forms = [templates.get(week.case_audit_template)]
        else:
            forms = [templates.get(t) for t in week.observation_templates]
        return NewRecordDialog(forms, self.people(), self)

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
        assert self.week is not None
        template = dialog.chosen_template()
        child_id = dialog.chosen_child()
        second = False
        if template.kind is TemplateKind.CASE_AUDIT and child_id is not None:
            existing = case_audit_of(self.db, self.week.id, child_id)
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
            self.week.id,
            self.people(),
            second_audit=second,
            child_id=child_id,
            practitioner_id=dialog.chosen_practitioner(),
            auditor_id=self._me(),
        )
        return self._show_editor(editor)

    def ask_about_second_audit(self, child: str) -> str:
        """Ask what to do when a child already has a case audit this week: ``open`` it, start a
        ``second`` one, or ``cancel``."""
        box = QMessageBox(self)
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
        actions = tuple(
            ActionLine(a.description, a.owner, a.due_on, a.id, a.version)
            for a in record_actions(self.db, record_id)
        )
        state = EditorState(
            template, draft, opened.status, record_id, actions, base_version=opened.version
        )
        return self._show_editor(RecordEditor(self.db, state, self.people()))

    def _open_action(self, action_id: str) -> None:
        model = self.actions_page.model
        ids = model.row_ids()
        if action_id not in ids:
            return
        row: ActionRow = model.row_at(ids.index(action_id))
        if row.assessment_id:
            self.open_record(row.assessment_id)
        else:
            self.statusBar().showMessage(
                "This action was agreed for the whole week, not in an audit or observation."
            )

    # --- the QA officer's work ----------------------------------------------------------------

    @property
    def is_qa_store(self) -> bool:
        """Whether this database is the QA officer's store (not a senior leader's laptop)."""
        return self._role == "qa"

    def apply_role(self) -> None:
        """Offer set-up, allocation and moderation only on the QA officer's store."""
        self._role = load_settings(self.db).role
        for action in self._qa_actions:
            action.setVisible(self.is_qa_store)
        self._enable_qa_actions()

    def _enable_qa_actions(self) -> None:
        qa, has_week = self.is_qa_store, self.week is not None
        self.week_setup_action.setEnabled(qa)
        self.allocate_action.setEnabled(qa and has_week)
        self.moderate_action.setEnabled(qa and has_week)

    def new_week_setup_dialog(self) -> WeekSetupDialog:
        """The dialog that sets up a week, its cohorts and its case list."""
        dialog = WeekSetupDialog(self.db, self)
        dialog.finished.connect(lambda _: self.load_weeks())
        self.week_setup_dialog = _replace(self.week_setup_dialog, dialog)
        return dialog

    def set_up_week(self) -> None:
        """Set up a new Practice Week (the QA officer's store only)."""
        if self.is_qa_store:
            self.new_week_setup_dialog().open()

    def new_allocation_dialog(self) -> AllocationDialog | None:
        """The dialog that allocates the week in focus (None without a week)."""
        if self.week is None:
            return None
        dialog = AllocationDialog(self.db, self.week.code, self)
        dialog.finished.connect(lambda _: self.refresh())
        self.allocation_dialog = _replace(self.allocation_dialog, dialog)
        return dialog

    def allocate(self) -> None:
        """Allocate audits and observations of the week in focus."""
        dialog = self.new_allocation_dialog() if self.is_qa_store else None
        if dialog is not None:
            dialog.open()

    def selected_audit(self) -> RecordRow | None:
        """The case audit at the Case audits list's current row, if any."""
        page = self.audits
        current = page.table.currentIndex()
        if not current.isValid():
            return None
        row: RecordRow = page.model.row_at(page.proxy.mapToSource(current).row())
        return row

    def new_moderation_dialog(self) -> ModerationDialog | None:
        """The dialog moderating the selected audit, if it is a completed one."""
        row = self.selected_audit()
        if row is None or row.status != Status.COMPLETED:
            self.tabs.setCurrentWidget(self.audits)
            self.statusBar().showMessage("Select a completed case audit to moderate.")
            return None
        dialog = ModerationDialog(self.db, row.id, self)
        dialog.finished.connect(lambda _: self.refresh())
        self.moderation_dialog = _replace(self.moderation_dialog, dialog)
        return dialog

    def moderate_selected(self) -> None:
        """Moderate the completed case audit selected in Case audits."""
        dialog = self.new_moderation_dialog() if self.is_qa_store else None
        if dialog is not None:
            dialog.open()

    # --- agreed actions -----------------------------------------------------------------------

    def selected_action(self) -> ActionRow | None:
        """The action at the Actions list's current row, if any: the one Enter would open."""
        page = self.actions_page
        current = page.table.currentIndex()
        if not current.isValid():
            return None
        row: ActionRow = page.model.row_at(page.proxy.mapToSource(current).row())
        return row

    def mark_action(self, status: ActionStatus) -> None:
        """Set the selected action's status, then reload the lists with it still selected."""
        row = self.selected_action()
        if row is None:
            return
        try:
            saved = set_action_status(self.db, row.id, status, base=row.version)
        except NotFound:
            self.statusBar().showMessage("That action has been deleted meanwhile.")
            self.refresh()
            return
        if saved.changed:
            # Back to the list with the action still selected: the buttons are briefly disabled
            # while the lists reload, which would otherwise send the focus somewhere unexpected.
            self.actions_page.table.setFocus()
            self._keep_action = row.id
            self.refresh()

    def _update_mark_buttons(self) -> None:
        row = self.selected_action()
        for status, button in self._mark_buttons.items():
            button.setEnabled(row is not None and row.status != status)

    def _reselect_action(self) -> None:
        action_id, self._keep_action = self._keep_action, None
        page = self.actions_page
        ids = page.model.row_ids()
        if action_id is None or action_id not in ids:
            return
        index = page.proxy.mapFromSource(page.model.index(ids.index(action_id), 0))
        if index.isValid():
            page.table.setCurrentIndex(index)
            page.table.selectRow(index.row())

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
        self.refresh()

    def _forget(self, editor: RecordEditor) -> None:
        for key, open_editor in list(self.editors.items()):
            if open_editor is editor:
                del self.editors[key]

    # --- export and merge ---------------------------------------------------------------------

    def new_export_dialog(self) -> ExportDialog:
        """The dialog that writes a package, set to the week in focus."""
        dialog = ExportDialog(self.db, self.weeks, self.week, self, self.settings)
        self.export_dialog = _replace(self.export_dialog, dialog)
        return dialog

    def export(self) -> None:
        """Write this device's work to a package for the QA officer."""
        self.new_export_dialog().open()

    def new_merge_dialog(self) -> MergeDialog:
        """The dialog that merges packages; the window follows what it changes."""
        dialog = MergeDialog(self.db, self, self.settings)
        dialog.merged.connect(self._exchanged)
        dialog.show_conflicts.connect(self.show_conflicts)
        self.merge_dialog = _replace(self.merge_dialog, dialog)
        return dialog

    def merge(self) -> None:
        """Merge packages from the laptops into this database."""
        self.new_merge_dialog().open()

    def new_history_dialog(self) -> MergeHistoryDialog:
        """The dialog listing every package merged here."""
        dialog = MergeHistoryDialog(self.db, self)
        self.history_dialog = _replace(self.history_dialog, dialog)
        return dialog

    def show_merge_history(self) -> None:
        """Show the packages merged into this database and the devices that signed them."""
        self.new_history_dialog().open()

    def show_conflicts(self) -> None:
        """Bring the Conflicts view to the front."""
        self.tabs.setCurrentWidget(self.conflicts_page)

    def _exchanged(self) -> None:
        # A merge or a resolution may bring new weeks (or retitle one): reload them if so.
        if list_weeks(self.db) != self.weeks:
            self.load_weeks()
        else:
            self.refresh()

    def _count_conflicts(self, count: int) -> None:
        index = self.tabs.indexOf(self.conflicts_page)
        self.tabs.setTabText(index, f"Conf&licts ({count})" if count else "Conf&licts")

    # --- never lose a word --------------------------------------------------------------------

    def offer_recovery(self) -> RecoveryDialog | None:
        """If unsaved typing was left by a crash, offer it back (a non-blocking dialog)."""
        drafts = kept_drafts(self.db)
        if not drafts:
            return None
        templates = catalogue(self.db)
        references = {c.id: c.case_reference for c in list_children(self.db)}
        describe = {}
        for draft in drafts:
            title = draft.payload.get("template_id", "form")
            with suppress(UnknownTemplate):
                title = templates.get(title, draft.payload.get("template_version")).title
            child = references.get(draft.payload.get("child_id") or "")
            describe[draft.key] = f"{title}, {child}" if child else title
        dialog = RecoveryDialog(drafts, describe, self)
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

    # --- settings and the window ------------------------------------------------------------

    def edit_settings(self) -> None:
        """Change the authority, your name and role, the device name."""
        dialog = SettingsDialog(load_settings(self.db), self)
        if dialog.exec() == SettingsDialog.DialogCode.Accepted:
            save_settings(self.db, dialog.settings())
            self.apply_role()
            self.refresh()

    def about(self) -> None:
        """Version and what pwdesk is."""
        me = whoami(self.db)
        QMessageBox.about(
            self,
            "About pwdesk",
            f"pwdesk {__version__}\n\nPractice Week audits, observations, feedback and reports "
            f"for children's social care.\n\nThis device: {me.device_name} (id {me.device_id})"
            f"\nKey fingerprint: {me.fingerprint}\n\nBefore trusting this device's packages, "
            "the QA officer compares this fingerprint with the one pwdesk shows them.",
        )

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            return
        self.resize(1200, 800)

    def closeEvent(self, event: QCloseEvent) -> None:
        for editor in list(self.editors.values()):
            editor.close()
        self.report_page.save_narrative()
        for task in self._tasks:
            task.cancel()
            task.wait(10)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()
        event.accept()


def _replace(old: QDialog | None, new: DialogT) -> DialogT:
    """Let go of the previous dialog of a kind (unless it is still at work) for a new one."""
    if old is not None and old.isHidden() and getattr(old, "task", None) is None:
        old.deleteLater()
    return new


def settings_file(folder: Path) -> QSettings:
    """Window settings (geometry, last week) in an ini file of pwdesk's own."""
    return QSettings(str(folder / "pwdesk-window.ini"), QSettings.Format.IniFormat)
