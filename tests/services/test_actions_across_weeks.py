"""Every week's agreed actions in one list, overdue first, on a real encrypted database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from pwdesk.domain.statuses import ActionStatus
from pwdesk.services.actions import (
    ActionDetails,
    AgreedAction,
    list_actions,
    list_all_actions,
    record_actions,
    save_action,
    set_action_status,
    set_record_actions,
)
from pwdesk.services.assessments import AssessmentDraft, save_assessment
from pwdesk.services.common import NotFound
from pwdesk.services.people import ChildDetails, add_child
from pwdesk.services.weeks import WeekDetails, create_week
from pwdesk.store.database import Database
from pwdesk.store.models import RecordVersion

TODAY = date(2018, 10, 15)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@dataclass(frozen=True)
class Weeks:
    """Two weeks' actions, by description, with the records they were agreed on."""

    ids: dict[str, str]
    march_audit: str
    september_observation: str


@pytest.fixture
def weeks(db: Database) -> Weeks:
    march = create_week(
        db, WeekDetails("2018-03", "March", date(2018, 3, 12), date(2018, 3, 16))
    ).id
    september = create_week(
        db, WeekDetails("2018-09", "September", date(2018, 9, 17), date(2018, 9, 21))
    ).id
    child = add_child(db, ChildDetails("CR100001", date(2012, 4, 1))).id
    audit = save_assessment(
        db, None, AssessmentDraft(march, "permanency-case-audit", child_id=child)
    ).id
    observation = save_assessment(db, None, AssessmentDraft(september, "home-visit-observation")).id

    plans = [
        # (week, record, description, due, status)
        (march, audit, "Update the care plan", days(-200), ActionStatus.OPEN),
        (march, audit, "Start life story work", days(-190), ActionStatus.DONE),
        (march, None, "Review the cohort rules", days(-180), ActionStatus.DROPPED),
        (september, observation, "Book a joint visit", days(-3), ActionStatus.IN_PROGRESS),
        (september, None, "Brief the team managers", days(-10), ActionStatus.OPEN),
        (september, None, "Share the findings", TODAY, ActionStatus.OPEN),  # due today: not late
        (september, observation, "Plan the next core group", days(20), ActionStatus.IN_PROGRESS),
        (september, None, "Agree a date for the review", None, ActionStatus.OPEN),
        (september, None, "Write to the carers", days(5), ActionStatus.DONE),
    ]
    ids = {}
    for week_id, record_id, description, due_on, status in plans:
        details = ActionDetails(week_id, description, "Siân Pritchard", due_on, status, record_id)
        ids[description] = save_action(db, None, details).id
    return Weeks(ids, audit, observation)


def versions(db: Database) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(RecordVersion)) or 0


def test_overdue_actions_come_first_then_open_then_settled(db: Database, weeks: Weeks) -> None:
    rows = list_all_actions(db, TODAY)
    assert [row.description for row in rows] == [
        # overdue, oldest due first
        "Update the care plan",
        "Brief the team managers",
        "Book a joint visit",
        # still open or in progress, by due date, undated last
        "Share the findings",
        "Plan the next core group",
        "Agree a date for the review",
        # done or dropped, most recently due first
        "Write to the carers",
        "Review the cohort rules",
        "Start life story work",
    ]
    assert [row.overdue for row in rows] == [True] * 3 + [False] * 6
    assert [row.status for row in rows[:3]] == ["open", "open", "in-progress"]
    assert {row.id for row in rows} == set(weeks.ids.values())


def test_each_action_names_its_week_and_child_by_case_reference(db: Database, weeks: Weeks) -> None:
    rows = {row.description: row for row in list_all_actions(db, TODAY)}
    care_plan = rows["Update the care plan"]
    assert (care_plan.week_code, care_plan.case_reference) == ("2018-03", "CR100001")
    assert care_plan.assessment_id == weeks.march_audit
    visit = rows["Book a joint visit"]  # an observation with no child named
    assert (visit.week_code, visit.case_reference) == ("2018-09", None)
    assert visit.assessment_id == weeks.september_observation
    briefing = rows["Brief the team managers"]  # agreed for the week, not on a record
    assert (briefing.week_code, briefing.case_reference, briefing.assessment_id) == (
        "2018-09",
        None,
        None,
    )


def test_the_day_decides_what_is_overdue(db: Database, weeks: Weeks) -> None:
    early = list_all_actions(db, date(2018, 1, 1))
    assert not any(row.overdue for row in early)
    late = list_all_actions(db, date(2030, 1, 1))
    assert {row.description for row in late if row.overdue} == {
        "Update the care plan",
        "Brief the team managers",
        "Book a joint visit",
        "Share the findings",
        "Plan the next core group",
    }  # never the done, the dropped or the undated


def test_a_status_is_set_with_one_version_and_none_when_unchanged(
    db: Database, weeks: Weeks
) -> None:
    action_id = weeks.ids["Update the care plan"]
    before = versions(db)
    saved = set_action_status(db, action_id, ActionStatus.DONE)
    assert saved.changed
    assert versions(db) == before + 1
    assert not set_action_status(db, action_id, ActionStatus.DONE).changed
    assert versions(db) == before + 1

    rows = list_all_actions(db, TODAY)
    [row] = [row for row in rows if row.id == action_id]
    assert (row.status, row.overdue) == ("done", False)
    assert rows[0].description == "Brief the team managers"
    assert rows[-1].id == action_id  # now settled, and the earliest due of those
    # The rest of the action is untouched.
    assert (row.description, row.owner, row.due_on) == (
        "Update the care plan",
        "Siân Pritchard",
        days(-200),
    )

    set_action_status(db, action_id, ActionStatus.IN_PROGRESS)
    assert list_all_actions(db, TODAY)[0].id == action_id
    with pytest.raises(NotFound):
        set_action_status(db, "no-such-action", ActionStatus.DONE)


def test_the_lists_of_one_week_and_one_record_still_work(db: Database, weeks: Weeks) -> None:
    assert [row.description for row in list_actions(db, "2018-03")] == [
        "Update the care plan",
        "Start life story work",
        "Review the cohort rules",
    ]
    assert [row.description for row in record_actions(db, weeks.september_observation)] == [
        "Book a joint visit",
        "Plan the next core group",
    ]


def test_deleted_actions_are_not_listed(db: Database, weeks: Weeks) -> None:
    kept = AgreedAction(
        "Update the care plan", "Siân Pritchard", days(-200), weeks.ids["Update the care plan"]
    )
    set_record_actions(db, weeks.march_audit, [kept])
    descriptions = {row.description for row in list_all_actions(db, TODAY)}
    assert "Start life story work" not in descriptions
    assert "Update the care plan" in descriptions


def test_no_weeks_no_actions(db: Database) -> None:
    assert list_all_actions(db, TODAY) == []
