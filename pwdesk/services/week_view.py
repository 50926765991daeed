"""What the main window shows for a Practice Week, read in one go without Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pwdesk.domain.analysis import WeekStats
from pwdesk.services.actions import ActionRow, list_all_actions
from pwdesk.services.assessments import RecordRow, list_records, week_rows
from pwdesk.services.conflict_view import ConflictsView, load_conflicts
from pwdesk.services.people import ChildRow, PersonRow, list_children, list_practitioners
from pwdesk.services.stats import week_stats
from pwdesk.services.weeks import WeekSummary
from pwdesk.store.database import Database


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
        rows = week_rows(db, week.code)  # the week's answers, read once for lists and figures
        summary, stats = week_stats(db, week.code, rows)
        return WeekView(
            summary,
            stats,
            list_records(db, week.code, rows),
            list_children(db, week.code),
            practitioners,
            actions,
            conflicts,
        )
