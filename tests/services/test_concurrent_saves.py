"""Every save says what it was based on: a save over a record that moved on since is merged,
never written over it; and a use case is one transaction."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from pwdesk.domain.answers import answer
from pwdesk.domain.statuses import ActionStatus, Status
from pwdesk.services.actions import AgreedAction, record_actions, set_action_status
from pwdesk.services.assessments import SecondCaseAudit, list_records, open_record, save_assessment
from pwdesk.services.common import InvalidRecord, concurrency_message, put
from pwdesk.services.conflicts import list_conflicts, resolve_conflict
from pwdesk.services.drafts import keep_draft, kept_drafts
from pwdesk.services.editing import save_record
from pwdesk.services.weeks import CohortDetails, WeekDetails, create_week, list_weeks
from pwdesk.store.database import Database
from pwdesk.store.models import Cohort, PracticeWeek, RecordVersion

WEEK = "2018-09"


def an_audit(db: Database) -> str:
    return next(r.id for r in list_records(db, WEEK) if r.kind == "case-audit")


def with_answers(db: Database, record_id: str, **changes: dict[str, Any]) -> Any:
    opened = open_record(db, record_id)
    answers = {key: dict(value) for key, value in opened.draft.answers.items()}
    answers.update({key.replace("_", "-"): value for key, value in changes.items()})
    return replace(opened.draft, answers=answers)


def other_grade(grade: str) -> str:
    return "inadequate" if grade != "inadequate" else "outstanding"


def test_a_stale_save_of_other_answers_is_combined_with_what_came_since(
    demo_db: Database,
) -> None:
    record = an_audit(demo_db)
    opened = open_record(demo_db, record)  # the editor opens the record...
    overall = other_grade(opened.draft.answers["overall"]["value"])
    # ...meanwhile the record moves on (a merge, a table import, another window).
    elsewhere = save_assessment(
        demo_db, record, with_answers(demo_db, record, overall=answer(overall))
    )
    assert elsewhere.changed
    mine = replace(
        opened.draft,
        answers={**opened.draft.answers, "recording": answer("inadequate", "Case notes late.")},
    )
    saved = save_assessment(demo_db, record, mine, base=opened.version)
    assert saved.outcome == "merged"
    assert "were combined" in concurrency_message(saved)
    now = open_record(demo_db, record)
    assert now.draft.answers["overall"]["value"] == overall  # the change made elsewhere
    assert now.draft.answers["recording"] == answer("inadequate", "Case notes late.")  # mine
    assert list_conflicts(demo_db) == []
    with demo_db.read() as session:
        merge = session.get(RecordVersion, now.version)
        assert merge is not None
        assert elsewhere.version in merge.parents
        assert len(merge.parents) == 2  # both heads: the one from elsewhere and mine


def test_a_stale_save_of_the_same_answer_is_kept_as_a_conflict_on_that_answer(
    demo_db: Database,
) -> None:
    record = an_audit(demo_db)
    opened = open_record(demo_db, record)
    save_assessment(demo_db, record, with_answers(demo_db, record, recording=answer("good")))
    mine = replace(
        opened.draft,
        answers={
            **opened.draft.answers,
            "recording": answer("inadequate"),
            "supervision": answer("inadequate", "No supervision since May."),
        },
    )
    saved = save_assessment(demo_db, record, mine, base=opened.version)
    assert (saved.outcome, saved.conflicts) == ("conflict", ("answers.recording",))
    message = concurrency_message(saved, {"recording": "Quality of recording"})
    assert "(Quality of recording)" in message
    [conflict] = list_conflicts(demo_db)
    assert [f.name for f in conflict.fields] == ["answers.recording"]
    assert saved.version in {v.id for v in conflict.versions}  # mine is kept whole
    # The QA officer chooses my grade; the supervision answer, mine alone, is kept anyway.
    resolve_conflict(demo_db, record, answers={"recording": saved.version or ""})
    now = open_record(demo_db, record).draft.answers
    assert now["recording"] == answer("inadequate")
    assert now["supervision"] == answer("inadequate", "No supervision since May.")


def test_a_save_based_on_the_current_version_is_an_ordinary_save(demo_db: Database) -> None:
    record = an_audit(demo_db)
    opened = open_record(demo_db, record)
    draft = with_answers(demo_db, record, recording=answer("inadequate", "Late."))
    saved = save_assessment(demo_db, record, draft, base=opened.version)
    assert saved.outcome == "saved"
    with demo_db.read() as session:
        stored = session.get(RecordVersion, saved.version)
        assert stored is not None
        assert stored.parents == [opened.version]


def test_an_action_keeps_its_status_through_every_save_of_its_record(demo_db: Database) -> None:
    record = an_audit(demo_db)
    opened = open_record(demo_db, record)
    save_record(demo_db, record, opened.draft, [AgreedAction("Start life story work", "SW")])
    [action] = record_actions(demo_db, record)
    set_action_status(demo_db, action.id, ActionStatus.DONE, base=action.version)
    # The form shows no status: its lines carry none, and saving keeps "done".
    line = AgreedAction("Start life story work", "SW", date(2018, 10, 1), action.id)
    save_record(demo_db, record, with_answers(demo_db, record), [line], base=opened.version)
    [after] = record_actions(demo_db, record)
    assert (after.id, after.status, after.due_on) == (action.id, "done", date(2018, 10, 1))


def test_a_stale_status_change_merges_with_an_edit_made_meanwhile(demo_db: Database) -> None:
    record = an_audit(demo_db)
    save_record(demo_db, record, open_record(demo_db, record).draft, [AgreedAction("Visit", "SW")])
    [shown] = record_actions(demo_db, record)
    line = AgreedAction("Visit the child at school", "SW", None, shown.id, None, shown.version)
    save_record(demo_db, record, open_record(demo_db, record).draft, [line])
    set_action_status(demo_db, shown.id, ActionStatus.DONE, base=shown.version)
    [after] = record_actions(demo_db, record)
    assert (after.description, after.status) == ("Visit the child at school", "done")


def test_saving_a_record_its_actions_and_its_draft_is_one_transaction(demo_db: Database) -> None:
    record = an_audit(demo_db)
    opened = open_record(demo_db, record)
    keep_draft(demo_db, "editor-1", record, {"typed": "kept"})
    actions = record_actions(demo_db, record)
    changed = with_answers(demo_db, record, recording=answer("inadequate", "Late."))
    bad = AgreedAction("Review the plan", "SW", status="finished")  # type: ignore[arg-type]
    with demo_db.read() as session:
        versions = session.scalar(select(func.count()).select_from(RecordVersion))
    with pytest.raises(ValueError, match="finished"):
        save_record(demo_db, record, changed, [bad], base=opened.version, draft_key="editor-1")
    # Nothing of it happened: the record, its actions and its draft are as they were.
    assert open_record(demo_db, record) == opened
    assert record_actions(demo_db, record) == actions
    assert [d.key for d in kept_drafts(demo_db)] == ["editor-1"]
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(RecordVersion)) == versions
    save_record(demo_db, record, changed, [], base=opened.version, draft_key="editor-1")
    assert kept_drafts(demo_db) == []


def test_a_week_and_its_cohorts_are_created_together_or_not_at_all(db: Database) -> None:
    details = WeekDetails("2019-03", "March 2019", date(2019, 3, 11), date(2019, 3, 15))
    cohorts = [
        CohortDetails("Under 12", ({"rule": "age-under", "years": 12},)),
        CohortDetails("", ()),  # refused: a cohort needs a name
    ]
    with pytest.raises(InvalidRecord, match="needs a name"):
        create_week(db, details, cohorts)
    assert list_weeks(db) == []
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Cohort)) == 0
    create_week(db, details, cohorts[:1])
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(PracticeWeek)) == 1
        assert session.scalar(select(Cohort.name)) == "Under 12"


def test_a_second_case_audit_of_a_child_is_refused_unless_chosen(demo_db: Database) -> None:
    record = an_audit(demo_db)
    draft = open_record(demo_db, record).draft
    with pytest.raises(SecondCaseAudit) as refused:
        save_assessment(demo_db, None, draft)
    assert refused.value.existing_id == record
    assert record[:8] in str(refused.value)
    second = save_assessment(demo_db, None, draft, second_audit=True)
    assert second.id != record
    # Moving an existing audit onto an audited child is refused the same way.
    rows = list_records(demo_db, WEEK)
    reference = next(r.case_reference for r in rows if r.id == record)
    other = next(r for r in rows if r.kind == "case-audit" and r.case_reference != reference)
    with pytest.raises(SecondCaseAudit):
        save_assessment(demo_db, other.id, draft, status=Status.COMPLETED)


def test_reads_inside_a_snapshot_do_not_see_a_write_committed_meanwhile(demo_db: Database) -> None:
    record = an_audit(demo_db)
    before = open_record(demo_db, record)
    with demo_db.snapshot():
        first = open_record(demo_db, record)
        writer = threading.Thread(
            target=save_assessment,
            args=(demo_db, record, with_answers(demo_db, record, recording=answer("good", "x"))),
        )
        writer.start()
        writer.join()
        assert open_record(demo_db, record) == first == before
    assert open_record(demo_db, record) != before


def test_two_valid_changes_to_a_week_that_combine_into_an_invalid_one_are_a_conflict(
    demo_db: Database,
) -> None:
    """One save moves the start to the 20th, another, made from the same version, the end to
    the 18th: each is valid, together the week would end before it starts."""
    week = next(w for w in list_weeks(demo_db) if w.code == "2018-09")
    with demo_db.read() as session:
        row = session.get(PracticeWeek, week.id)
        assert row is not None
        base = row.head
    with demo_db.write() as session:
        first = put(session, demo_db, PracticeWeek, week.id, {"starts_on": date(2018, 9, 20)})
    with demo_db.write() as session:
        second = put(
            session, demo_db, PracticeWeek, week.id, {"ends_on": date(2018, 9, 18)}, base=base
        )
    assert first.changed
    assert (second.outcome, second.conflicts) == ("conflict", ("ends_on",))
    [conflict] = [c for c in list_conflicts(demo_db) if c.record_id == week.id]
    assert len(conflict.versions) == 2
