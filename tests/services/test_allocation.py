"""Allocation and the QA officer's whole cycle: set-up out, audits in, one moderated, reported."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader

from pwdesk.domain.statuses import Status
from pwdesk.services.allocation import (
    AllocationRow,
    allocate_audit,
    list_allocations,
    schedule_observation,
)
from pwdesk.services.assessments import AssessmentDraft, list_records, save_assessment
from pwdesk.services.common import InvalidRecord, NotFound
from pwdesk.services.export import export_package
from pwdesk.services.lookup import find_auditor, find_child, find_practitioner
from pwdesk.services.merge import merge_packages
from pwdesk.services.moderation import ModeratedGrade, moderate
from pwdesk.services.people import AuditorDetails, ChildDetails, PractitionerDetails
from pwdesk.services.report import report_pdf
from pwdesk.services.stats import stats_json, week_stats
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import WeekDetails, create_week, find_week
from pwdesk.store.database import Database, create_database
from tests.conftest import PASSPHRASE
from tests.helpers import add_cast, graded_answers

SECRET = "set-up package passphrase"


@pytest.fixture
def qa(db: Database) -> Database:
    """The QA officer's store: a week, three children, two senior leaders, a practitioner."""
    create_week(db, WeekDetails("2019-03", "March 2019", date(2019, 3, 11), date(2019, 3, 15)))
    add_cast(
        db,
        [ChildDetails(f"CR70000{n}", date(2012, 1, 1), date(2016, 1, 1)) for n in (1, 2, 3)],
        [PractitionerDetails("Siân Pritchard", "Care Planning")],
        [
            AuditorDetails("Rowena Attwell", "Director"),
            AuditorDetails("Gareth Lumley", "Service Manager"),
        ],
    )
    return db


def allocate(
    db: Database,
    reference: str,
    leader: str,
    practitioner: str | None = None,
    planned_on: date | None = None,
) -> None:
    """Allocate as the command line does: the names typed found first, then the ids given."""
    worker = find_practitioner(db, practitioner) if practitioner else None
    allocate_audit(
        db, "2019-03", find_child(db, reference), find_auditor(db, leader), worker, planned_on
    )


def schedule(
    db: Database, kind: str, leader: str, practitioner: str | None = None, day: date | None = None
) -> None:
    worker = find_practitioner(db, practitioner) if practitioner else None
    schedule_observation(db, "2019-03", kind, find_auditor(db, leader), worker, day)


def todo(db: Database, leader: str | None = None) -> list[AllocationRow]:
    return list_allocations(db, "2019-03", find_auditor(db, leader) if leader else None)


def test_allocations_make_each_leaders_list(qa: Database) -> None:
    allocate(qa, "CR700001", "Rowena Attwell", "Siân Pritchard")
    allocate(qa, "CR700002", "Gareth Lumley", planned_on=date(2019, 3, 12))
    schedule(qa, "home-visit", "Gareth Lumley", "Siân Pritchard", date(2019, 3, 13))
    mine = todo(qa, "Gareth Lumley")
    assert [(r.what, r.case_reference) for r in mine] == [
        ("Case audit", "CR700002"),
        ("Home visit", None),
    ]
    assert not any(r.done for r in mine)
    # Giving the same child to someone else moves the allocation; it is not doubled.
    allocate(qa, "CR700001", "Gareth Lumley")
    assert len(todo(qa)) == 3
    assert len(todo(qa, "Gareth Lumley")) == 3


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda db: allocate(db, "CR799999", "Rowena Attwell"), "CR799999"),
        (lambda db: allocate(db, "CR700001", "Nobody"), "senior leader called"),
        (lambda db: schedule(db, "picnic", "Rowena Attwell"), "picnic"),
    ],
)
def test_bad_allocations_say_what_is_wrong(qa: Database, call, message: str) -> None:
    with pytest.raises((NotFound, InvalidRecord), match=message):
        call(qa)


def complete_audit(db: Database, reference: str, leader: str, grade: str) -> str:
    template = catalogue(db).get("permanency-case-audit")
    draft = AssessmentDraft(
        week_id=find_week(db, "2019-03").id,
        template_id=template.id,
        child_id=find_child(db, reference),
        auditor_id=find_auditor(db, leader),
        held_on=date(2019, 3, 12),
        answers=graded_answers(template, grade),
    )
    return save_assessment(db, None, draft, status=Status.COMPLETED).id


def test_the_whole_cycle_from_set_up_to_moderated_report(qa: Database, tmp_path: Path) -> None:
    allocate(qa, "CR700001", "Rowena Attwell")
    allocate(qa, "CR700002", "Gareth Lumley")
    setup = tmp_path / "setup.pwx"
    export_package(qa, setup, week_code="2019-03", passphrase=SECRET)

    packages = []
    for number, (leader, reference, grade) in enumerate(
        [
            ("Rowena Attwell", "CR700001", "good"),
            ("Gareth Lumley", "CR700002", "requires-improvement"),
        ]
    ):
        laptop = create_database(
            tmp_path / f"laptop-{number}.db",
            PASSPHRASE,
            device_name=f"laptop-{number}",
            user=leader,
        )
        try:
            merge_packages(laptop, [setup], passphrase=SECRET, trust_new=True)
            [planned] = todo(laptop, leader)
            assert (planned.case_reference, planned.done) == (reference, False)
            complete_audit(laptop, reference, leader, grade)
            assert todo(laptop, leader)[0].done
            packages.append(tmp_path / f"laptop-{number}.pwx")
            export_package(laptop, packages[-1], week_code="2019-03", passphrase=SECRET)
        finally:
            laptop.close()

    result = merge_packages(qa, packages, passphrase=SECRET, trust_new=True)
    assert result.conflicts == 0
    assert all(row.done for row in todo(qa))
    audits = {r.case_reference: r.id for r in list_records(qa, "2019-03")}
    moderate(
        qa,
        audits["CR700002"],
        {
            "supervision": ModeratedGrade("inadequate", "No supervision since January."),
            "recording": ModeratedGrade("requires-improvement"),
        },
    )
    figures = stats_json(*week_stats(qa, "2019-03"))
    supervision = next(a for a in figures["aspects"] if a["id"] == "supervision")["counts"]
    assert supervision["Inadequate"] == 1
    assert supervision["Requires improvement to be good"] == 0
    items = {i["id"]: i for i in figures["moderation"]["items"]}
    assert (items["supervision"]["agreed"], items["recording"]["agreed"]) == (0, 1)
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(qa, "2019-03"))).pages
    )
    text = re.sub(r"\s+", " ", text)
    assert "One audit was moderated" in text
    assert "Quality and regularity of supervision 1 (few) 0 0.0%" in text


def complete_observation(db: Database, leader: str, practitioner: str | None) -> str:
    template = catalogue(db).get("home-visit-observation")
    draft = AssessmentDraft(
        week_id=find_week(db, "2019-03").id,
        template_id=template.id,
        practitioner_id=find_practitioner(db, practitioner) if practitioner else None,
        auditor_id=find_auditor(db, leader),
        held_on=date(2019, 3, 13),
        answers=graded_answers(template),
    )
    return save_assessment(db, None, draft, status=Status.COMPLETED).id


def test_one_completed_observation_fulfils_one_scheduled_observation(qa: Database) -> None:
    for day in (12, 13):
        schedule(qa, "home-visit", "Gareth Lumley", None, date(2019, 3, day))
    schedule(qa, "home-visit", "Gareth Lumley", "Siân Pritchard")
    complete_observation(qa, "Gareth Lumley", "Siân Pritchard")
    rows = todo(qa)
    assert [r.done for r in rows].count(True) == 1
    # The observation of Siân fulfils the allocation that names her, not an open one.
    [done] = [r for r in rows if r.done]
    assert done.practitioner == "Siân Pritchard"
    complete_observation(qa, "Gareth Lumley", "Siân Pritchard")
    assert [r.done for r in todo(qa)].count(True) == 2
    complete_observation(qa, "Rowena Attwell", "Siân Pritchard")  # another observer's
    assert [r.done for r in todo(qa)].count(True) == 2
    complete_observation(qa, "Gareth Lumley", None)
    assert all(r.done for r in todo(qa))


def test_a_case_audit_allocation_is_fulfilled_by_its_own_leader_first(qa: Database) -> None:
    allocate(qa, "CR700001", "Rowena Attwell")
    complete_audit(qa, "CR700002", "Rowena Attwell", "good")  # another child: no
    assert not any(r.done for r in todo(qa))
    complete_audit(qa, "CR700001", "Gareth Lumley", "good")  # the child, by someone else
    assert all(r.done for r in todo(qa))


def test_an_allocation_to_an_id_that_is_nobody_is_refused(qa: Database) -> None:
    child = find_child(qa, "CR700001")
    with pytest.raises(NotFound):
        allocate_audit(qa, "2019-03", child, "00000000-0000-4000-8000-000000000000")
    assert todo(qa) == []
