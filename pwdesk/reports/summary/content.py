"""What the summary report shows, handed in by the report service; the workbook reads it too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pwdesk.domain.analysis import AspectChange, WeekStats
from pwdesk.domain.statuses import ActionStatus

ACTION_STATUS_WORDS = {
    ActionStatus.OPEN.value: "Open",
    ActionStatus.IN_PROGRESS.value: "In progress",
    ActionStatus.DONE.value: "Done",
    ActionStatus.DROPPED.value: "Dropped",
}


@dataclass(frozen=True)
class WeekInfo:
    """The week a report is about, in words."""

    code: str
    title: str
    theme: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ActionEntry:
    """An agreed action as the report lists it."""

    description: str
    owner: str
    due_on: date | None
    status: str


@dataclass(frozen=True)
class AuditEntry:
    """A line of the appendix: an audit by case reference, never a name."""

    case_reference: str
    cohorts: str
    held_on: date | None
    overall_id: str | None
    overall: str  # the grade that counts: the moderator's where the audit was moderated
    status: str
    moderated: bool = False


@dataclass(frozen=True)
class ReportContent:
    """Everything the summary report shows."""

    authority: str
    week: WeekInfo
    summary: str
    findings: str
    recommendations: str
    template_title: str
    stats: WeekStats
    compared_week: WeekInfo | None
    compared_stats: WeekStats | None
    changes: tuple[AspectChange, ...]
    actions: tuple[ActionEntry, ...]
    previous_actions: tuple[ActionEntry, ...]
    audits: tuple[AuditEntry, ...]
    prepared_on: date
