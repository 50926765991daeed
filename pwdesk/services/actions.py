"""Agreed actions: what will be done, by whom, by when, and how it stands."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy import select

from pwdesk.services.common import InvalidRecord, Saved, get_live, put
from pwdesk.services.weeks import week_id_in
from pwdesk.store.database import Database
from pwdesk.store.models import Action, Assessment, PracticeWeek


class ActionStatus(StrEnum):
    """How an agreed action stands."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"


@dataclass(frozen=True)
class ActionDetails:
    """An agreed action; ``assessment_id`` links it to the audit or observation that agreed it."""

    week_id: str
    description: str
    owner: str = ""
    due_on: date | None = None
    status: ActionStatus = ActionStatus.OPEN
    assessment_id: str | None = None


@dataclass(frozen=True)
class ActionRow:
    """One line of an actions list."""

    id: str
    assessment_id: str | None
    description: str
    owner: str
    due_on: date | None
    status: str


def save_action(db: Database, action_id: str | None, details: ActionDetails) -> Saved:
    """Create (``action_id`` None) or change an agreed action."""
    description = details.description.strip()
    if not description:
        raise InvalidRecord("An agreed action needs a description of what will be done.")
    with db.write() as session:
        get_live(session, PracticeWeek, details.week_id)
        if details.assessment_id is not None:
            get_live(session, Assessment, details.assessment_id)
        fields = {
            "week_id": details.week_id,
            "assessment_id": details.assessment_id,
            "description": description,
            "owner": details.owner.strip(),
            "due_on": details.due_on,
            "status": ActionStatus(details.status).value,
        }
        return put(session, db, Action, action_id, fields)


def list_actions(db: Database, week_code: str) -> list[ActionRow]:
    """The agreed actions of a week, soonest due first."""
    with db.read() as session:
        week_id = week_id_in(session, week_code)
        actions = session.scalars(
            select(Action).where(Action.week_id == week_id, Action.deleted.is_(False))
        ).all()
        rows = [
            ActionRow(a.id, a.assessment_id, a.description, a.owner, a.due_on, a.status)
            for a in actions
        ]
    return sorted(rows, key=lambda row: (row.due_on or date.max, row.description, row.id))
