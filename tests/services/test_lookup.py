"""Which person is meant: one rule, accents, case and spacing aside, for every lookup."""

from __future__ import annotations

from datetime import date

import pytest

from pwdesk.domain.names import natural_key
from pwdesk.services.lookup import ManyMatch, NoMatch, find_auditor, find_child, find_practitioner
from pwdesk.services.people import (
    AuditorDetails,
    ChildDetails,
    PractitionerDetails,
    add_auditor,
    add_child,
    add_practitioner,
)
from pwdesk.store.database import Database


@pytest.mark.parametrize(
    "typed", ["Siân Pritchard", "sian pritchard", "  SIAN   PRITCHARD ", "Sia\u0302n Pritchard"]
)
def test_a_name_is_one_key_whatever_its_accents_case_and_spacing(typed: str) -> None:
    assert natural_key(typed) == "sian pritchard"


def test_people_and_children_are_found_as_typed(db: Database) -> None:
    child = add_child(db, ChildDetails("CR-700001", date(2012, 1, 1))).id
    leader = add_auditor(db, AuditorDetails("Zoë Brennan", "Director")).id
    worker = add_practitioner(db, PractitionerDetails("Siân Pritchard", "Care Planning")).id
    assert find_child(db, " cr-700001") == child
    assert find_auditor(db, "zoe brennan") == leader
    assert find_practitioner(db, "Sian Pritchard") == worker
    assert find_practitioner(db, "Sian Pritchard", "care planning") == worker


def test_nobody_and_more_than_one_are_each_one_sentence(db: Database) -> None:
    add_practitioner(db, PractitionerDetails("Siân Pritchard", "Care Planning"))
    add_practitioner(db, PractitionerDetails("Sian Pritchard", "Permanence"))
    with pytest.raises(ManyMatch) as many:
        find_practitioner(db, "Sian Pritchard")
    assert str(many.value) == (
        "More than one practitioner is called Sian Pritchard; give the team to say which."
    )
    assert find_practitioner(db, "Sian Pritchard", "Permanence") != find_practitioner(
        db, "Sian Pritchard", "Care Planning"
    )
    with pytest.raises(NoMatch) as nobody:
        find_auditor(db, "Ghost Leader")
    assert str(nobody.value) == "There is no senior leader called Ghost Leader (add them first)."
    with pytest.raises(NoMatch, match="no child with case reference CR999999"):
        find_child(db, "CR999999")


def test_with_no_team_given_the_one_with_no_team_is_meant(db: Database) -> None:
    plain = add_practitioner(db, PractitionerDetails("Tomasz Nowak", "")).id
    add_practitioner(db, PractitionerDetails("Tomasz Nowak", "Permanence"))
    assert find_practitioner(db, "tomasz nowak") == plain
