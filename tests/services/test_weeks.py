"""Practice weeks and cohorts through the services, on a real encrypted database."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from pwdesk.services.common import InvalidRecord, NotFound
from pwdesk.services.people import ChildDetails, add_child
from pwdesk.services.weeks import (
    CohortDetails,
    WeekDetails,
    WeekNarrative,
    add_cohort,
    create_week,
    find_week,
    list_weeks,
    place_children,
    previous_week,
    save_week_narrative,
    update_cohort,
    update_week,
    week_narrative,
)
from pwdesk.store.database import Database
from pwdesk.store.models import AuditLogEntry, Cohort, RecordVersion

SEPTEMBER = WeekDetails(
    code="2018-09",
    title="Practice Week September 2018",
    theme="Permanency planning",
    starts_on=date(2018, 9, 17),
    ends_on=date(2018, 9, 21),
)


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_week_is_created_found_and_listed(db: Database) -> None:
    saved = create_week(db, SEPTEMBER)
    assert saved.changed
    week = find_week(db, "2018-09")
    assert (week.id, week.title, week.theme) == (saved.id, SEPTEMBER.title, SEPTEMBER.theme)
    assert [w.code for w in list_weeks(db)] == ["2018-09"]


def test_saving_a_week_unchanged_makes_no_version_and_no_log_row(db: Database) -> None:
    week_id = create_week(db, SEPTEMBER).id
    versions, log_rows = count(db, RecordVersion), count(db, AuditLogEntry)
    assert not update_week(db, week_id, SEPTEMBER).changed
    assert (count(db, RecordVersion), count(db, AuditLogEntry)) == (versions, log_rows)
    changed = update_week(db, week_id, replace(SEPTEMBER, theme="Permanence"))
    assert changed.changed
    assert count(db, RecordVersion) == versions + 1
    assert count(db, AuditLogEntry) == log_rows + 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"code": " "}, "needs a code"),
        ({"ends_on": date(2018, 9, 16)}, "cannot end before it starts"),
        ({"case_audit_template": "no-such-template"}, "no form template 'no-such-template'"),
        ({"case_audit_template": "home-visit-observation"}, "is not a case-audit template"),
        ({"observation_templates": ("permanency-case-audit",)}, "is not an observation template"),
    ],
)
def test_a_bad_week_is_refused_and_nothing_saved(
    db: Database, change: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRecord, match=message):
        create_week(db, replace(SEPTEMBER, **change))  # type: ignore[arg-type]
    assert list_weeks(db) == []


def test_two_weeks_cannot_share_a_code(db: Database) -> None:
    create_week(db, SEPTEMBER)
    with pytest.raises(InvalidRecord, match="already a Practice Week with the code 2018-09"):
        create_week(db, replace(SEPTEMBER, title="Another"))


def test_an_unknown_week_code_names_the_codes_there_are(db: Database) -> None:
    create_week(db, SEPTEMBER)
    with pytest.raises(NotFound, match=r"no Practice Week with the code 2019-03 .*2018-09"):
        find_week(db, "2019-03")


def test_previous_week_is_the_one_that_started_last_before(db: Database) -> None:
    march = replace(
        SEPTEMBER, code="2018-03", starts_on=date(2018, 3, 12), ends_on=date(2018, 3, 16)
    )
    create_week(db, march)
    create_week(db, SEPTEMBER)
    previous = previous_week(db, "2018-09")
    assert previous is not None
    assert previous.code == "2018-03"
    assert previous_week(db, "2018-03") is None


def test_cohorts_keep_their_rules_and_children_join_once(db: Database) -> None:
    week_id = create_week(db, SEPTEMBER).id
    rules = ({"rule": "age-under", "years": 12}, {"rule": "in-care-at-least", "months": 12})
    cohort_id = add_cohort(db, week_id, CohortDetails("Long-term, under 12", rules)).id
    child_ids = [add_child(db, ChildDetails(f"CR00000{i}")).id for i in range(3)]
    assert place_children(db, cohort_id, child_ids) == 3
    assert place_children(db, cohort_id, [*child_ids, child_ids[0]]) == 0


@pytest.mark.parametrize(
    "rules",
    [
        ({"rule": "age-under"},),
        ({"rule": "tall-enough", "cm": 120},),
        ({"rule": "entered-care-between", "first": "2018-08-31", "last": "2018-06-01"},),
    ],
)
def test_a_cohort_with_a_bad_rule_is_refused(db: Database, rules: tuple[dict[str, object]]) -> None:
    week_id = create_week(db, SEPTEMBER).id
    with pytest.raises(InvalidRecord, match=r"[Cc]ohort rule"):
        add_cohort(db, week_id, CohortDetails("Broken", rules))


def test_placing_an_unknown_child_is_refused(db: Database) -> None:
    week_id = create_week(db, SEPTEMBER).id
    cohort_id = add_cohort(db, week_id, CohortDetails("Any")).id
    with pytest.raises(NotFound, match="no child with id"):
        place_children(db, cohort_id, ["00000000-0000-4000-8000-000000000000"])


def test_a_cohort_can_be_renamed_and_keeps_its_place(db: Database) -> None:
    week_id = create_week(db, SEPTEMBER).id
    add_cohort(db, week_id, CohortDetails("First"))
    second = add_cohort(db, week_id, CohortDetails("Second")).id
    rules = ({"rule": "entered-care-between", "first": "2018-06-01", "last": "2018-08-31"},)
    assert update_cohort(db, second, CohortDetails("Came into care June to August", rules)).changed
    with db.read() as session:
        cohort = session.get(Cohort, second)
        assert cohort is not None
        assert (cohort.name, cohort.position, cohort.rules) == (
            "Came into care June to August",
            1,
            list(rules),
        )


def test_the_narrative_is_kept_with_the_week_and_versioned(db: Database) -> None:
    week_id = create_week(db, SEPTEMBER).id
    assert week_narrative(db, week_id) == WeekNarrative()
    versions = count(db, RecordVersion)
    narrative = WeekNarrative("Signs of improvement.", "Placements are stable.", "Track plans.")
    assert save_week_narrative(db, week_id, narrative).changed
    assert week_narrative(db, week_id) == narrative
    assert not save_week_narrative(db, week_id, narrative).changed
    assert count(db, RecordVersion) == versions + 1
    assert not update_week(db, week_id, SEPTEMBER).changed  # editing details keeps the words
    assert week_narrative(db, week_id) == narrative
