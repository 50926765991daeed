"""Agreed actions: what will be done, by whom, by when, and how it stands."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk.domain.statuses import ActionStatus
from pwdesk.services.common import InvalidRecord, Saved, delete, get_live, put
from pwdesk.services.weeks import week_id_in
from pwdesk.store.database import Database
from pwdesk.store.models import Action, Assessment, Child, PracticeWeek

SETTLED = frozenset({ActionStatus.DONE, ActionStatus.DROPPED})
"""Statuses with nothing more to do, so the action can no longer be late."""


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
    """One line of an actions list.

    ``week_code`` and ``case_reference`` (the child of the audit or observation that agreed the
    action) are filled in by list_all_actions; ``overdue`` is worked out there too, as of the day
    it is given. The lists of one week or one record leave them at their defaults.
    """

    id: str
    assessment_id: str | None
    description: str
    owner: str
    due_on: date | None
    status: str
    week_code: str = ""
    case_reference: str | None = None
    overdue: bool = False
    version: str = ""  # the version listed: the base of an edit made from this row


def save_action(
    db: Database, action_id: str | None, details: ActionDetails, *, base: str | None = None
) -> Saved:
    """Create (``action_id`` None) or change an agreed action, made from version ``base``."""
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
        return put(session, db, Action, action_id, fields, base=base)


def _row(
    action: Action, week_code: str = "", case_reference: str | None = None, overdue: bool = False
) -> ActionRow:
    return ActionRow(
        id=action.id,
        assessment_id=action.assessment_id,
        description=action.description,
        owner=action.owner,
        due_on=action.due_on,
        status=action.status,
        week_code=week_code,
        case_reference=case_reference,
        overdue=overdue,
        version=action.head,
    )


def list_actions(db: Database, week_code: str) -> list[ActionRow]:
    """The agreed actions of a week, soonest due first."""
    with db.read() as session:
        week_id = week_id_in(session, week_code)
        actions = session.scalars(
            select(Action).where(Action.week_id == week_id, Action.deleted.is_(False))
        ).all()
        rows = [_row(a) for a in actions]
    return sorted(rows, key=lambda row: (row.due_on or date.max, row.description, row.id))


def is_overdue(status: str, due_on: date | None, today: date) -> bool:
    """Whether an action still open or in progress was due before ``today``."""
    return due_on is not None and due_on < today and status not in SETTLED


def _across_weeks_order(row: ActionRow) -> tuple[int, int, str, str, str]:
    # Overdue first (oldest due first), then the other open ones by due date, then the settled
    # ones most recently due first; undated ones last in each group.
    if row.due_on is None:
        due = date.max.toordinal()
    elif row.status in SETTLED:
        due = -row.due_on.toordinal()
    else:
        due = row.due_on.toordinal()
    group = 0 if row.overdue else 2 if row.status in SETTLED else 1
    return group, due, row.week_code, row.description.casefold(), row.id


def list_all_actions(db: Database, today: date) -> list[ActionRow]:
    """Every live action of every week, overdue ones first (as of ``today``).

    Then the other open or in-progress actions by due date, then the done and dropped ones, most
    recently due first. A child appears by case reference only.
    """
    with db.read() as session:
        found = session.execute(
            select(Action, PracticeWeek.code, Child.case_reference)
            .join(PracticeWeek, Action.week_id == PracticeWeek.id)
            .outerjoin(Assessment, Action.assessment_id == Assessment.id)
            .outerjoin(Child, Assessment.child_id == Child.id)
            .where(Action.deleted.is_(False), PracticeWeek.deleted.is_(False))
        ).all()
        rows = [
            _row(a, week_code, case_reference, is_overdue(a.status, a.due_on, today))
            for a, week_code, case_reference in found
        ]
    return sorted(rows, key=_across_weeks_order)


def set_action_status(
    db: Database, action_id: str, status: ActionStatus, *, base: str | None = None
) -> Saved:
    """Mark one action open, in progress, done or dropped; a new version only if it changed.

    ``base`` is the version the user saw; a change made elsewhere since is kept and merged.
    """
    with db.write() as session:
        fields = {"status": ActionStatus(status).value}
        return put(session, db, Action, action_id, fields, base=base)


@dataclass(frozen=True)
class AgreedAction:
    """An action as typed on a form: ``action_id`` None for a new one.

    ``status`` None keeps the action's status as it stands (open for a new one): a form that
    shows no status never resets one. ``base`` is the action's version the form opened.
    """

    description: str
    owner: str = ""
    due_on: date | None = None
    action_id: str | None = None
    status: ActionStatus | None = None
    base: str | None = None


def record_actions(db: Database, record_id: str) -> list[ActionRow]:
    """The actions agreed on one audit or observation, in the order they were made."""
    with db.read() as session:
        actions = session.scalars(
            select(Action).where(Action.assessment_id == record_id, Action.deleted.is_(False))
        ).all()
        rows = [_row(a) for a in actions]
    return sorted(rows, key=lambda row: (row.due_on or date.max, row.description))


def set_record_actions(db: Database, record_id: str, actions: list[AgreedAction]) -> int:
    """Make a record's agreed actions exactly ``actions``; returns how many changed.

    New lines become actions, changed lines new versions, and actions no longer listed are
    deleted (tombstoned), all in one transaction. Blank lines are ignored.
    """
    with db.write() as session:
        return set_record_actions_in(session, db, record_id, actions)


def set_record_actions_in(
    session: Session,
    db: Database,
    record_id: str,
    actions: list[AgreedAction],
    *,
    bases: Mapping[str, str] | None = None,
) -> int:
    """set_record_actions inside the caller's transaction. ``bases`` gives the version each
    existing action was at when the form opened, so removing one that changed since merges."""
    lines = [a for a in actions if a.description.strip()]
    record = get_live(session, Assessment, record_id)
    existing = {
        action.id: action
        for action in session.scalars(
            select(Action).where(Action.assessment_id == record_id, Action.deleted.is_(False))
        )
    }
    changed = 0
    kept: set[str] = set()
    for line in lines:
        action_id = line.action_id if line.action_id in existing else None
        if action_id is None and line.action_id and line.base is not None:
            # Deleted elsewhere while the form held it: the edit meets the deletion as a
            # conflict, rather than coming back as a new action with its status reset.
            deleted = session.get(Action, line.action_id)
            if deleted is not None and deleted.assessment_id == record_id:
                action_id = deleted.id
        fields = {
            "week_id": record.week_id,
            "assessment_id": record_id,
            "description": line.description.strip(),
            "owner": line.owner.strip(),
            "due_on": line.due_on,
        }
        if line.status is not None:
            fields["status"] = ActionStatus(line.status).value
        elif action_id is None:
            fields["status"] = ActionStatus.OPEN.value
        base = line.base if action_id is not None else None
        saved = put(session, db, Action, action_id, fields, base=base)
        kept.add(saved.id)
        changed += saved.changed
    for gone in sorted(set(existing) - kept):
        if bases is not None and gone not in bases:
            continue  # agreed elsewhere after the form opened: not the form's to remove
        delete(session, db, Action, gone, base=(bases or {}).get(gone))
        changed += 1
    return changed
