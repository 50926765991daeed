"""A local save is held to the rules a merge holds a package to (services.checks): the same
bounds, the same characters, the same values; a refusal is one clear reason and saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from pwdesk.domain.answers import answer
from pwdesk.domain.limits import FREE_TEXT, SHORT_TEXT
from pwdesk.services.actions import ActionDetails, save_action
from pwdesk.services.assessments import list_records, open_record, save_assessment
from pwdesk.services.common import InvalidRecord
from pwdesk.services.merge import canonical_dump
from pwdesk.services.people import (
    AuditorDetails,
    ChildDetails,
    PractitionerDetails,
    add_auditor,
    add_child,
    add_practitioner,
)
from pwdesk.services.weeks import find_week
from pwdesk.store.database import Database

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
    text = "Settled with carers.\n\n\tSchool is going well.\r\nContact is weekly."
    edited_audit(demo_db, "strengths", text)
    record = next(r.id for r in list_records(demo_db, WEEK) if r.kind == "case-audit")
    assert open_record(demo_db, record).draft.answers["strengths"]["value"] == text
