"""Children, practitioners and auditors, matched by their natural keys."""

from __future__ import annotations

from datetime import date

import pytest

from pwdesk.services.common import InvalidRecord, NotFound
from pwdesk.services.lookup import find_child
from pwdesk.services.people import (
    AuditorDetails,
    ChildDetails,
    PractitionerDetails,
    add_auditor,
    add_child,
    add_practitioner,
    update_auditor,
    update_child,
    update_practitioner,
)
from pwdesk.store.database import Database


def test_a_child_is_found_by_case_reference(db: Database) -> None:
    child_id = add_child(db, ChildDetails(" CR123456 ", date(2010, 5, 1), date(2016, 2, 3))).id
    assert find_child(db, "CR123456") == child_id
    with pytest.raises(NotFound, match="CR999999"):
        find_child(db, "CR999999")


def test_a_case_reference_is_not_added_twice(db: Database) -> None:
    add_child(db, ChildDetails("CR123456"))
    with pytest.raises(InvalidRecord, match="CR123456 exists"):
        add_child(db, ChildDetails("CR123456", team="Another team"))


@pytest.mark.parametrize(
    ("details", "message"),
    [
        (ChildDetails(""), "needs a case reference"),
        (ChildDetails("CR1", date(2012, 1, 1), date(2011, 1, 1)), "before their date of birth"),
    ],
)
def test_a_bad_child_is_refused(db: Database, details: ChildDetails, message: str) -> None:
    with pytest.raises(InvalidRecord, match=message):
        add_child(db, details)


def test_updating_a_child_makes_a_version_only_when_something_changed(db: Database) -> None:
    details = ChildDetails("CR123456", date(2010, 5, 1))
    child_id = add_child(db, details).id
    assert not update_child(db, child_id, details).changed
    assert update_child(db, child_id, ChildDetails("CR123456", date(2010, 5, 2))).changed


def test_practitioners_are_matched_by_name_and_team(db: Database) -> None:
    first = add_practitioner(db, PractitionerDetails("Zoë Brennan", "Team 1"))
    again = add_practitioner(db, PractitionerDetails("Zoë Brennan ", "Team 1"))
    other_team = add_practitioner(db, PractitionerDetails("Zoë Brennan", "Team 2"))
    assert first.changed
    assert again == type(again)(first.id, None)
    assert other_team.id != first.id


def test_auditors_are_matched_by_name(db: Database) -> None:
    first = add_auditor(db, AuditorDetails("Gareth Lumley", "Service Manager"))
    assert add_auditor(db, AuditorDetails("Gareth Lumley")).id == first.id
    with pytest.raises(InvalidRecord, match="needs a name"):
        add_auditor(db, AuditorDetails("  "))


def test_practitioners_and_auditors_can_be_edited(db: Database) -> None:
    practitioner = add_practitioner(db, PractitionerDetails("Malik Farrant", "Team 2")).id
    moved = update_practitioner(db, practitioner, PractitionerDetails("Malik Farrant", "Team 3"))
    assert moved.changed
    assert add_practitioner(db, PractitionerDetails("Malik Farrant", "Team 3")).id == practitioner
    auditor = add_auditor(db, AuditorDetails("Nadia Solberg", "Service Manager")).id
    assert not update_auditor(
        db, auditor, AuditorDetails("Nadia Solberg", "Service Manager")
    ).changed
    assert update_auditor(db, auditor, AuditorDetails("Nadia Solberg", "Head of Service")).changed
