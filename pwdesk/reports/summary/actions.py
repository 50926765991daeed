"""Recommendations and actions: what the last week agreed and how far it got, and this week's."""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table

from pwdesk.domain.statuses import ActionStatus
from pwdesk.reports.document import date_or_dash
from pwdesk.reports.summary.content import ACTION_STATUS_WORDS, ActionEntry, ReportContent
from pwdesk.reports.summary.writer import SummaryWriter


def _status_words(status: str) -> str:
    return ACTION_STATUS_WORDS.get(status, status)


def _action_table(writer: SummaryWriter, actions: tuple[ActionEntry, ...]) -> Table:
    """The actions by due date: what, who, by when, how far."""
    rows: list[list[Any]] = [writer.header("Action", "Owner", "Due by", "Status")]
    for action in sorted(actions, key=lambda a: (a.due_on or date.max, a.description)):
        rows.append(
            [
                writer.p(action.description, "Small"),
                writer.p(action.owner or "–", "Small"),
                writer.p(date_or_dash(action.due_on), "Small"),
                writer.p(_status_words(action.status), "Small"),
            ]
        )
    return writer.table(rows, [writer.body_width - 100 * mm, 45 * mm, 30 * mm, 25 * mm])


def _previous_actions(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """The actions of the week compared with: how many reached each status, and what is open."""
    assert content.compared_week is not None
    flow: list[Flowable] = [writer.heading(f"Actions agreed in {content.compared_week.title}", 2)]
    previous = content.previous_actions
    if not previous:
        flow.append(writer.p("No actions were agreed in that week."))
        return flow
    statuses = Counter(a.status for a in previous)
    words = ", ".join(
        f"{statuses[s]} {_status_words(s).lower()}" for s in ACTION_STATUS_WORDS if statuses[s]
    )
    flow.append(writer.p(f"Of the {len(previous)} actions agreed then: {words}."))
    still_open = tuple(
        a for a in previous if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    )
    if still_open:
        flow.append(writer.p("Still to finish:", "SmallBold"))
        flow.append(_action_table(writer, still_open))
    return flow


def actions(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """The recommendations, the last week's actions, and the actions agreed this week."""
    flow: list[Flowable] = writer.section("Recommendations and actions")
    flow += writer.narrative(
        content.recommendations, "The QA officer has not yet written the recommendations."
    )
    if content.compared_week is not None:
        flow += _previous_actions(writer, content)
    flow.append(writer.heading("Actions agreed this week", 2))
    if content.actions:
        flow.append(writer.p(f"{len(content.actions)} actions were agreed with practitioners."))
        flow.append(_action_table(writer, content.actions))
    else:
        flow.append(writer.p("No actions were agreed this week."))
    return flow
