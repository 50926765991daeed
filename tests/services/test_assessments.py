"""Audits and observations: drafts always save, completion needs every required answer."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from pwdesk.domain.answers import answer
from pwdesk.domain.statuses import ActionStatus, Status
from pwdesk.services.actions import ActionDetails, list_actions, save_action
from pwdesk.services.assessments import (
    AssessmentDraft,
    IncompleteRecord,
    complete_assessment,
    draft_of,
    list_records,
    resolve_record_id,
    save_assessment,
)
from pwdesk.services.common import InvalidRecord, NotFound
from pwdesk.services.people import AuditorDetails, ChildDetails, PractitionerDetails
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import WeekDetails, create_week
from pwdesk.store.database import Database
from tests.helpers import add_cast, graded_answers


@pytest.fixture
def draft(db: Database) -> AssessmentDraft:
    week_id = create_week(
        db, WeekDetails("2018-09", "September", date(2018, 9, 17), date(2018, 9, 21))
    ).id
    cast = add_cast(
        db,
        [ChildDetails("CR100001", date(2012, 4, 1))],
        [PractitionerDetails("Siân Pritchard", "CP")],
        [AuditorDetails("Rowena Attwell", "Director")],
    )
    return AssessmentDraft(
        week_id=week_id,
        template_id="permanency-case-audit",
        child_id=cast.children[0],
        practitioner_id=cast.practitioners[0],
        auditor_id=cast.leaders[0],
        held_on=date(2018, 9, 18),
        answers={"placement-stability": answer("good", "Settled with the same carers.")},
    )


def complete_answers(db: Database) -> dict[str, Any]:
    return graded_answers(catalogue(db).get("permanency-case-audit"), note="Seen on file.")


def test_a_draft_saves_with_required_items_missing(db: Database, draft: AssessmentDraft) -> None:
    saved = save_assessment(db, None, draft)
    loaded, status = draft_of(db, saved.id)
    assert status is Status.DRAFT
    assert loaded.answers == {
        "placement-stability": {"value": "good", "note": "Settled with the same carers."}
    }
    assert loaded.template_version == 1


def test_completion_is_blocked_until_every_required_item_is_answered(
    db: Database, draft: AssessmentDraft
) -> None:
    record_id = save_assessment(db, None, draft).id
    with pytest.raises(IncompleteRecord) as blocked:
        complete_assessment(db, record_id)
    missing = {item.id for item in blocked.value.missing}
    assert {"overall", "strengths", "areas-for-development", "direct-work"} <= missing
    assert "placement-stability" not in missing
    assert "cannot be completed yet" in str(blocked.value)
    assert draft_of(db, record_id)[1] is Status.DRAFT

    save_assessment(db, record_id, replace(draft, answers=complete_answers(db)))
    assert complete_assessment(db, record_id).changed
    assert draft_of(db, record_id)[1] is Status.COMPLETED


def test_a_completed_record_cannot_lose_a_required_answer(
    db: Database, draft: AssessmentDraft
) -> None:
    answers = complete_answers(db)
    record_id = save_assessment(
        db, None, replace(draft, answers=answers), status=Status.COMPLETED
    ).id
    answers["strengths"] = answer("   ")
    with pytest.raises(IncompleteRecord, match="What is working well"):
        save_assessment(db, record_id, replace(draft, answers=answers))


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"placement-stability": answer("excellent")}, "'excellent' is not a grade"),
        ({"no-such-item": answer("good")}, "has no item 'no-such-item'"),
        ({"child-seen": answer("maybe")}, "not yes, partly or no"),
        ({"last-visit": answer("18/09/2018")}, "not a date"),
    ],
)
def test_answers_that_do_not_fit_the_form_are_refused(
    db: Database, draft: AssessmentDraft, answers: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRecord, match=message):
        save_assessment(db, None, replace(draft, answers=answers))
    assert list_records(db, "2018-09") == []


def test_a_case_audit_needs_a_child(db: Database, draft: AssessmentDraft) -> None:
    with pytest.raises(InvalidRecord, match="must name the child"):
        save_assessment(db, None, replace(draft, child_id=None))


def test_an_observation_needs_no_child(db: Database, draft: AssessmentDraft) -> None:
    observation = replace(draft, template_id="home-visit-observation", child_id=None, answers={})
    saved = save_assessment(db, None, observation)
    [row] = list_records(db, "2018-09")
    assert (row.id, row.kind, row.observation_type) == (saved.id, "observation", "home-visit")


def test_links_to_missing_people_are_refused(db: Database, draft: AssessmentDraft) -> None:
    with pytest.raises(NotFound, match="no practitioner"):
        save_assessment(db, None, replace(draft, practitioner_id="not-a-real-id"))


def test_the_record_list_shows_who_what_and_the_overall_grade(
    db: Database, draft: AssessmentDraft
) -> None:
    answers = complete_answers(db)
    answers["overall"] = answer("requires-improvement")
    record_id = save_assessment(
        db, None, replace(draft, answers=answers), status=Status.COMPLETED
    ).id
    [row] = list_records(db, "2018-09")
    assert row.id == record_id
    assert (row.case_reference, row.practitioner, row.auditor) == (
        "CR100001",
        "Siân Pritchard",
        "Rowena Attwell",
    )
    assert (row.status, row.overall_grade) == ("completed", "Requires improvement to be good")


def test_a_record_is_found_by_a_unique_prefix_of_its_id(
    db: Database, draft: AssessmentDraft
) -> None:
    record_id = save_assessment(db, None, draft).id
    assert resolve_record_id(db, record_id[:8].upper()) == record_id
    with pytest.raises(InvalidRecord, match="at least the first four"):
        resolve_record_id(db, "ab")
    with pytest.raises(NotFound):
        resolve_record_id(db, "zzzzzzzz")


def test_agreed_actions_are_listed_soonest_first(db: Database, draft: AssessmentDraft) -> None:
    record_id = save_assessment(db, None, draft).id
    later = ActionDetails(
        draft.week_id, "Start life story work", "Siân Pritchard", date(2018, 11, 1)
    )
    sooner = replace(later, description="Book supervision", due_on=date(2018, 10, 1))
    save_action(db, None, replace(later, assessment_id=record_id))
    action_id = save_action(db, None, sooner).id
    assert [a.description for a in list_actions(db, "2018-09")] == [
        "Book supervision",
        "Start life story work",
    ]
    save_action(db, action_id, replace(sooner, status=ActionStatus.DONE))
    assert list_actions(db, "2018-09")[0].status == "done"
    with pytest.raises(InvalidRecord, match="needs a description"):
        save_action(db, None, replace(sooner, description=" "))
