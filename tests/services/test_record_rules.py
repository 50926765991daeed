"""A local save is held to the rules a merge holds a package to (services.checks): the same
bounds, the same characters, the same values; a refusal is one clear reason and saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from io import BytesIO

import pytest
from pypdf import PdfReader

from pwdesk.domain.answers import answer
from pwdesk.domain.limits import FREE_TEXT, MAX_LINES, SHORT_TEXT
from pwdesk.services.actions import ActionDetails, save_action
from pwdesk.services.assessments import list_records, open_record, save_assessment
from pwdesk.services.checks import Forms, record_problems
from pwdesk.services.common import InvalidRecord
from pwdesk.services.feedback import feedback_pdf
from pwdesk.services.merge import canonical_dump
from pwdesk.services.people import (
    AuditorDetails,
    ChildDetails,
    PractitionerDetails,
    add_auditor,
    add_child,
    add_practitioner,
)
from pwdesk.services.report import report_pdf
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import find_week
from pwdesk.store.database import Database
from pwdesk.store.models import Moderation

WEEK = "2018-09"


def edited_audit(db: Database, item: str, text: str) -> None:
    record = next(r.id for r in list_records(db, WEEK) if r.kind == "case-audit")
    opened = open_record(db, record)
    answers = {**opened.draft.answers, item: answer(text)}
    save_assessment(db, record, replace(opened.draft, answers=answers))


def new_action(db: Database, description: str) -> None:
    save_action(db, None, ActionDetails(find_week(db, WEEK).id, description))


SAVES: dict[str, tuple[Callable[[Database], object], str]] = {
    "nul-in-a-case-reference": (
        lambda db: add_child(db, ChildDetails("CR\x00777")),
        "holds a control character",
    ),
    "case-reference-too-long": (
        lambda db: add_child(db, ChildDetails("C" * 65)),
        "longer than the 64 characters",
    ),
    "date-of-birth-in-year-one": (
        lambda db: add_child(db, ChildDetails("CR000777", date_of_birth=date(1, 1, 1))),
        "outside the years 1900 to 2199",
    ),
    "escape-in-a-practitioner": (
        lambda db: add_practitioner(db, PractitionerDetails("Sam\x1b[2J Carter")),
        "holds a control character",
    ),
    "line-break-in-a-name": (
        lambda db: add_auditor(db, AuditorDetails("Jo\nPatel")),
        "holds a control character",
    ),
    "name-too-long": (
        lambda db: add_auditor(db, AuditorDetails("J" * (SHORT_TEXT + 1))),
        f"longer than the {SHORT_TEXT} characters",
    ),
    "bell-in-evidence": (
        lambda db: edited_audit(db, "strengths", "Settled\x07 with carers."),
        "holds a control character",
    ),
    "evidence-too-long": (
        lambda db: edited_audit(db, "strengths", "w" * (FREE_TEXT + 1)),
        f"longer than the {FREE_TEXT:,} characters",
    ),
    "nul-in-an-action": (lambda db: new_action(db, "Visit\x00 monthly."), "control character"),
}


@pytest.mark.parametrize("name", list(SAVES))
def test_a_save_breaking_a_rule_is_refused_and_saves_nothing(demo_db: Database, name: str) -> None:
    save, expected = SAVES[name]
    before = canonical_dump(demo_db)
    with pytest.raises(InvalidRecord, match=expected):
        save(demo_db)
    assert canonical_dump(demo_db) == before


def test_free_text_keeps_its_line_breaks_and_tabs(demo_db: Database) -> None:
    text = "Settled with carers.\n\n\tSchool is going well.\nContact is weekly."
    edited_audit(demo_db, "strengths", text)
    assert strengths(demo_db) == text


def strengths(db: Database) -> str:
    record = next(r.id for r in list_records(db, WEEK) if r.kind == "case-audit")
    value = open_record(db, record).draft.answers["strengths"]["value"]
    assert isinstance(value, str)
    return value


@pytest.mark.parametrize(
    "pasted",
    [
        "Pasted from Word:\x0bline two",
        "Pasted from Windows:\r\nline two",
        "Old Mac:\rline two",
        "Form feed:\x0cline two",
        "Next line:\x85line two",
        "Separator:\u2028line two",
    ],
)
def test_pasted_line_breaks_are_saved_as_plain_line_feeds(demo_db: Database, pasted: str) -> None:
    edited_audit(demo_db, "strengths", pasted)
    assert strengths(demo_db) == pasted.split(":")[0] + ":\nline two"


@pytest.mark.parametrize("text", ["Settled \uffff ok", "Settled \ufffe ok", "Bell\x07"])
def test_characters_no_spreadsheet_can_hold_are_refused(demo_db: Database, text: str) -> None:
    with pytest.raises(InvalidRecord, match="control character"):
        edited_audit(demo_db, "strengths", text)


def test_free_text_has_a_bound_on_its_lines_too(demo_db: Database) -> None:
    with pytest.raises(InvalidRecord, match=f"more than the {MAX_LINES} lines"):
        edited_audit(demo_db, "strengths", "line\n" * MAX_LINES)
    edited_audit(demo_db, "strengths", "line\n" * (MAX_LINES - 1))


def test_the_longest_evidence_a_save_accepts_still_prints(demo_db: Database) -> None:
    record = next(
        r.id
        for r in list_records(demo_db, WEEK)
        if r.kind == "case-audit" and r.status == "completed"
    )
    opened = open_record(demo_db, record)
    graded = [k for k, v in opened.draft.answers.items() if v.get("note")]
    prose = ("The plan is clear and the child's voice is heard throughout. " * 2000)[:FREE_TEXT]
    answers = {**opened.draft.answers}
    answers[graded[0]] = answer(answers[graded[0]]["value"], prose)
    answers[graded[1]] = answer(answers[graded[1]]["value"], "A line of evidence.\n" * 400)
    save_assessment(demo_db, record, replace(opened.draft, answers=answers))
    sheet = pdf_text(feedback_pdf(demo_db, record))
    assert "The plan is clear" in sheet
    assert sheet.count("A line of evidence.") == 400
    report = pdf_text(report_pdf(demo_db, WEEK))  # laid out, not a LayoutError
    assert "Practice Week" in report


def pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


def test_a_moderation_is_of_a_case_audit_and_moderates_something(demo_db: Database) -> None:
    values = {
        "assessment_id": "5e0b8a52-3c1d-4f7e-9a2b-6c4d8e0f1a3b",
        "moderator": "A QA officer",
        "moderated_on": date(2018, 9, 21),
        "grades": {},
        "note": "",
    }
    observed = Forms.known(
        catalogue(demo_db), of_assessment=lambda _: ("home-visit-observation", 1, "observation")
    )
    assert record_problems(Moderation, values, observed) == [
        "A moderation must moderate at least one grade.",
        "Only case audits are moderated.",
    ]
