"""Recommendations and actions: what the last week agreed and how far it got, and this week's."""

from __future__ import annotations

from collections import Counter
from datetime import date

from pwdesk.domain.statuses import ActionStatus
from pwdesk.domain.wording import NO_FIGURE, count_was, long_date
from pwdesk.reports.blocks import Block, Heading, Para, Table
from pwdesk.reports.summary.content import ACTION_STATUS_WORDS, ActionEntry, ReportContent
from pwdesk.reports.summary.writer import narrative, table


def _status_words(status: str) -> str:
    return ACTION_STATUS_WORDS.get(status, status)


def _action_table(caption: str, actions: tuple[ActionEntry, ...]) -> Table:
    """The actions by due date: what, who, by when, how far."""
    rows = [
        [
            action.description,
            action.owner or NO_FIGURE,
            long_date(action.due_on) if action.due_on else NO_FIGURE,
            _status_words(action.status),
        ]
        for action in sorted(actions, key=lambda a: (a.due_on or date.max, a.description))
    ]
    return table(
        caption,
        ["Action", "Owner", "Due by", "Status"],
        rows,
        "llll",
        [5, 2.5, 1.7, 1.4],
    )


def _previous_actions(content: ReportContent) -> list[Block]:
    """The actions of the week compared with: how many reached each status, and what is open."""
    assert content.compared_week is not None
    title = content.compared_week.title
    flow: list[Block] = [Heading(f"Actions agreed in {title}", 2)]
    previous = content.previous_actions
    if not previous:
        flow.append(Para("No actions were agreed in that week."))
        return flow
    statuses = Counter(a.status for a in previous)
    words = ", ".join(
        f"{statuses[s]} {_status_words(s).lower()}" for s in ACTION_STATUS_WORDS if statuses[s]
    )
    agreed = "the action" if len(previous) == 1 else f"the {len(previous)} actions"
    flow.append(Para(f"Of {agreed} agreed then: {words}."))
    still_open = tuple(
        a for a in previous if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
    )
    if still_open:
        flow.append(_action_table(f"Actions from {title} still to finish", still_open))
    return flow


def actions(content: ReportContent) -> list[Block]:
    """The recommendations, the last week's actions, and the actions agreed this week."""
    flow: list[Block] = [Heading("Recommendations and actions")]
    flow += narrative(
        content.recommendations, "The QA officer has not yet written the recommendations."
    )
    if content.compared_week is not None:
        flow += _previous_actions(content)
    flow.append(Heading("Actions agreed this week", 2))
    if content.actions:
        agreed = count_was(len(content.actions), "action", start=True)
        flow.append(Para(f"{agreed} agreed with practitioners."))
        flow.append(_action_table("Actions agreed this week", content.actions))
    else:
        flow.append(Para("No actions were agreed this week."))
    return flow
