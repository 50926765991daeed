"""The main window: the week in focus, its dashboard and lists, and the records it opens.

The window builds its parts and wires them: the toolbar (main_toolbar), the Actions tab
(actions_tab), the record windows (record_windows) and the dialogs its commands open
(window_dialogs). What it shows for a week is read off the GUI thread (services.week_view).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QWidget,
)
from shiboken6 import isValid

from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import TemplateKind
from pwdesk.domain.wording import count
from pwdesk.gui.actions_tab import ActionsTab
from pwdesk.gui.conflicts_page import ConflictsPage
from pwdesk.gui.dashboard import DashboardPage
from pwdesk.gui.editor_state import People
from pwdesk.gui.list_page import ListPage
from pwdesk.gui.main_menu import ShortcutsDialog, build_menu_bar, shortcut_rows
from pwdesk.gui.main_toolbar import MainToolbar, command
from pwdesk.gui.models import children_model, people_model, record_model
from pwdesk.gui.moderation_dialog import ModerationDialog
from pwdesk.gui.new_record import NewRecordDialog
from pwdesk.gui.record_editor import RecordEditor
from pwdesk.gui.record_windows import RecordWindows
from pwdesk.gui.recovery import RecoveryDialog
from pwdesk.gui.report_page import ReportPage
from pwdesk.gui.screen import fit_to_screen, place_on_screen
from pwdesk.gui.tasks import Task
from pwdesk.gui.todo_page import TodoPage
from pwdesk.gui.week_setup_dialog import WeekSetupDialog
from pwdesk.gui.widgets import current_row
from pwdesk.gui.window_dialogs import WindowDialogs
from pwdesk.services.actions import ActionRow
from pwdesk.services.assessments import RecordRow
from pwdesk.services.settings import load_settings
from pwdesk.services.week_view import WeekView, load_week_view
from pwdesk.services.weeks import WeekSummary, list_weeks
from pwdesk.store.database import Database

if TYPE_CHECKING:  # opened on demand, so cryptography and the merge checks load only then
    from pwdesk.gui.merge_dialog import MergeDialog
    from pwdesk.gui.merge_history import MergeHistoryDialog


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
        self._generation = 0
        self._role = "qa"  # read from the settings by apply_role
        self._tasks: list[Task] = []
        self.settings = settings
        self.weeks: list[WeekSummary] = []
        self.records = RecordWindows(db, self, lambda: self.week)
        self.records.record_saved.connect(self.refresh)
        self.editors = self.records.editors  # record id (or draft key) -> its open window
        self.dialogs = WindowDialogs(self)
        # Qt appends the application's display name ("pwdesk") to the title itself.
        self.setWindowTitle("")

        self._build_toolbar()
        self._build_pages()
        self._build_tabs()
        self.setCentralWidget(self.tabs)
        self.location = QLabel(location)
        self.statusBar().addPermanentWidget(self.location)
        self._restore_geometry()
        self.apply_role()
        self.load_weeks()

    def _build_toolbar(self) -> None:
        """The week chooser and the commands, each with its shortcut."""
        records, dialogs = self.records, self.dialogs
        self.new_audit_action = command(self, "New &audit", "Ctrl+N", records.new_audit)
        self.new_observation_action = command(
            self, "New &observation", "Ctrl+Shift+N", records.new_observation
        )
        self.export_action = command(self, "E&xport…", "Ctrl+Shift+E", dialogs.export)
        self.merge_action = command(self, "&Merge…", "Ctrl+Shift+M", dialogs.merge)
        self.history_action = command(
            self, "Merge &history…", "Ctrl+Shift+H", dialogs.show_merge_history
        )
        self.week_setup_action = command(
            self, "Set up a &week…", "Ctrl+Shift+W", dialogs.set_up_week
        )
        self.allocate_action = command(self, "Allocate…", "Ctrl+Shift+A", dialogs.allocate)
        self.moderate_action = command(self, "Moderate…", "Ctrl+Shift+D", dialogs.moderate_selected)
        self.moderate_action.setToolTip(
            "Moderate the completed case audit selected in Case audits (Ctrl+Shift+D)"
        )
        # Merging stays on laptops too: that is how a laptop receives the week's set-up.
        self._qa_actions = (self.week_setup_action, self.allocate_action, self.moderate_action)
        refresh = command(self, "&Refresh", "F5", self.refresh)
        settings = command(self, "&Settings…", "Ctrl+,", dialogs.edit_settings)
        about = command(self, "&About pwdesk", "F1", dialogs.about)
        toolbar = MainToolbar(
            [
                (self.new_audit_action, self.new_observation_action),
                self._qa_actions,
                (self.export_action, self.merge_action, self.history_action),
                (refresh, settings, about),
            ]
        )
        self.week_box = toolbar.week_box
        self.week_box.currentIndexChanged.connect(self._week_changed)
        self.addToolBar(toolbar)
        self.find_action = command(self, "&Find", "Ctrl+F", self.focus_search)
        self.shortcuts_action = command(self, "&Keyboard shortcuts", "Ctrl+F1", self.show_shortcuts)
        quit_action = command(self, "&Quit", "Ctrl+Q", self.close)
        self._week_menu = build_menu_bar(
            self.menuBar(),
            [
                (
                    "&File",
                    [
                        self.new_audit_action,
                        self.new_observation_action,
                        None,
                        self.export_action,
                        self.merge_action,
                        self.history_action,
                        None,
                        settings,
                        None,
                        quit_action,
                    ],
                ),
                ("&Edit", [self.find_action]),
                ("&View", [refresh]),
                ("&Week", list(self._qa_actions)),
                ("&Help", [self.shortcuts_action, about]),
            ],
        )[3]

    def _build_pages(self) -> None:
        """The dashboard, the lists, the report and the conflicts: one tab each."""
        self.dashboard = DashboardPage()
        self.audits = ListPage(record_model(observations=False), "Case audits", "No audits yet.")
        self.observations = ListPage(
            record_model(observations=True), "Observations", "No observations yet."
        )
        self.children_page = ListPage(children_model(), "Children", "No children in this week.")
        self.practitioners = ListPage(people_model(), "Practitioners", "No practitioners yet.")
        self.actions_tab = ActionsTab(self.db)
        self.actions_tab.record_opened.connect(self.open_record)
        self.actions_tab.message.connect(lambda text: self.statusBar().showMessage(text))
        self.actions_tab.changed.connect(self.refresh)
        self.actions_page = self.actions_tab.page
        self.mark_done = self.actions_tab.mark_done
        self.mark_in_progress = self.actions_tab.mark_in_progress
        self.mark_dropped = self.actions_tab.mark_dropped
        self.audits.opened.connect(self.open_record)
        self.observations.opened.connect(self.open_record)
        self.report_page = ReportPage(self.db)
        self.conflicts_page = ConflictsPage(self.db)
        self.conflicts_page.resolved.connect(self.exchanged)
        self.conflicts_page.counted.connect(self._count_conflicts)
        self.todo_page = TodoPage(self.db)
        self.todo_page.allocation_opened.connect(self.records.start_from_allocation)
        self.children_page.opened.connect(self.records.start_case_audit)

    def _build_tabs(self) -> None:
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for page, title in (
            (self.dashboard, "&Dashboard"),
            (self.todo_page, "M&y list"),
            (self.audits, "Case a&udits"),
            (self.observations, "Ob&servations"),
            (self.children_page, "&Children"),
            (self.practitioners, "&Practitioners"),
            (self.actions_tab, "Ac&tions"),
            (_scrolled(self.report_page), "&Report"),
            (self.conflicts_page, "Conf&licts"),
        ):
            self.tabs.addTab(page, title)

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
        if not isValid(self):  # a load that finished after the window was deleted
            return
        self._tasks = [task for task in self._tasks if not task.wait(0)]
        if generation != self._generation:
            return
        self.practitioners.model.set_rows(view.practitioners)
        records = view.records
        self.audits.model.set_rows([r for r in records if r.kind == TemplateKind.CASE_AUDIT])
        self.observations.model.set_rows([r for r in records if r.kind == TemplateKind.OBSERVATION])
        self.children_page.model.set_rows(view.children)
        self.actions_tab.show_actions(view.actions)
        self.conflicts_page.show_view(view.conflicts)
        if view.week is None or view.stats is None:
            self.dashboard.clear(self._no_week_text())
            self.statusBar().showMessage("No Practice Week yet.")
        else:
            self.dashboard.show_week(view.week, view.stats)
            self.setWindowTitle(f"{view.week.code} {view.week.title}")
            drafts = sum(r.status == Status.DRAFT for r in records)
            self.statusBar().showMessage(
                f"{count(view.stats.audits, 'case audit')} and "
                f"{count(view.stats.observations_total, 'observation')} completed"
                + (f"; {count(drafts, 'draft')}" if drafts else "")
            )
        self.refreshed.emit()

    def _no_week_text(self) -> str:
        """How this database gets a week: set one up (QA store) or merge the set-up package."""
        if self.is_qa_store:
            return (
                "There is no Practice Week yet. Set one up with Week > Set up a week… "
                "(Ctrl+Shift+W), then allocate it and export a set-up package for each laptop."
            )
        return (
            "There is no Practice Week on this laptop yet. Ask the QA officer for the week's "
            "set-up package, then merge it here with File > Merge… (Ctrl+Shift+M)."
        )

    def _load_failed(self, generation: int, error: BaseException) -> None:
        if isValid(self) and generation == self._generation:
            self.statusBar().showMessage("Could not load the week.")
            QMessageBox.warning(self, "pwdesk", f"The week could not be loaded: {error}")

    def selected_audit(self) -> RecordRow | None:
        """The case audit at the Case audits list's current row, if any."""
        row: RecordRow | None = current_row(self.audits)
        return row

    def selected_action(self) -> ActionRow | None:
        """The action at the Actions list's current row, if any: the one Enter would open."""
        return self.actions_tab.selected_action()

    # --- the QA officer's store ---------------------------------------------------------------

    @property
    def is_qa_store(self) -> bool:
        """Whether this database is the QA officer's store (not a senior leader's laptop)."""
        return self._role == "qa"

    def apply_role(self) -> None:
        """Offer set-up, allocation and moderation only on the QA officer's store."""
        self._role = load_settings(self.db).role
        for action in self._qa_actions:
            action.setVisible(self.is_qa_store)
        self._week_menu.menuAction().setVisible(self.is_qa_store)
        self._enable_qa_actions()

    def _enable_qa_actions(self) -> None:
        qa, has_week = self.is_qa_store, self.week is not None
        self.week_setup_action.setEnabled(qa)
        self.allocate_action.setEnabled(qa and has_week)
        self.moderate_action.setEnabled(qa and has_week)

    # --- exchange -----------------------------------------------------------------------------

    def show_conflicts(self) -> None:
        """Bring the Conflicts view to the front."""
        self.tabs.setCurrentWidget(self.conflicts_page)

    def exchanged(self) -> None:
        """A merge or a resolution changed the database: reload what it may have changed."""
        # It may bring new weeks (or retitle one): reload them if so.
        if list_weeks(self.db) != self.weeks:
            self.load_weeks()
        else:
            self.refresh()

    def _count_conflicts(self, count: int) -> None:
        index = self.tabs.indexOf(self.conflicts_page)
        self.tabs.setTabText(index, f"Conf&licts ({count})" if count else "Conf&licts")

    # --- what callers drive: the parts' commands, by the window's names -------------------------

    def people(self) -> People:
        """Whom new and opened records can name."""
        return self.records.people()

    def new_record_dialog(self, kind: TemplateKind) -> NewRecordDialog | None:
        """The dialog that starts a new record of ``kind`` (None without a week)."""
        return self.records.new_record_dialog(kind)

    def start_record(self, dialog: NewRecordDialog) -> RecordEditor | None:
        """Open an editor for the record chosen in an accepted NewRecordDialog."""
        return self.records.start_record(dialog)

    @property
    def second_audit_box(self) -> QMessageBox:
        """The last question whether to open a child's case audit or start a second one."""
        return self.records.second_audit_box

    def open_record(self, record_id: str) -> RecordEditor:
        """Open a saved audit or observation (or raise its window if it is open)."""
        return self.records.open_record(record_id)

    def offer_recovery(self) -> RecoveryDialog | None:
        """If unsaved typing was left by a crash, offer it back (a non-blocking dialog)."""
        return self.records.offer_recovery()

    @property
    def week_setup_dialog(self) -> WeekSetupDialog | None:
        """The last dialog that set up a week, if any."""
        return self.dialogs.week_setup_dialog

    def set_up_week(self) -> None:
        """Set up a new Practice Week (the QA officer's store only)."""
        self.dialogs.set_up_week()

    def new_moderation_dialog(self) -> ModerationDialog | None:
        """The dialog moderating the selected audit, if it is a completed one."""
        return self.dialogs.new_moderation_dialog()

    def new_merge_dialog(self) -> MergeDialog:
        """The dialog that merges packages; the window follows what it changes."""
        return self.dialogs.new_merge_dialog()

    def new_history_dialog(self) -> MergeHistoryDialog:
        """The dialog listing every package merged here."""
        return self.dialogs.new_history_dialog()

    def focus_search(self) -> None:
        """Ctrl+F: into the search box of the list in front."""
        search = getattr(self.tabs.currentWidget(), "search", None)
        if isinstance(search, QLineEdit):
            search.setFocus()
            search.selectAll()
        else:
            self.statusBar().showMessage("This tab has no search box; the lists have one.")

    def show_shortcuts(self) -> ShortcutsDialog:
        """Help > Keyboard shortcuts: every key pwdesk answers to."""
        actions = [action for action in self.findChildren(QAction) if action.isVisible()]
        actions.sort(key=lambda action: action.text().replace("&", ""))
        self.shortcuts_dialog = ShortcutsDialog(shortcut_rows(actions), self)
        self.shortcuts_dialog.open()
        return self.shortcuts_dialog

    # --- the window ---------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            # Saved on another (larger, or since unplugged) screen it may lie off this one.
            place_on_screen(self)
            return
        fit_to_screen(self, 1200, 800)
        place_on_screen(self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.records.close_all()
        self.report_page.save_narrative()
        self._generation += 1  # a load still running is not shown
        for task in self._tasks:
            task.cancel()
            task.wait(10)
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.sync()
        event.accept()


def settings_file(folder: Path) -> QSettings:
    """Window settings (geometry, last week) in an ini file of pwdesk's own."""
    return QSettings(str(folder / "pwdesk-window.ini"), QSettings.Format.IniFormat)
