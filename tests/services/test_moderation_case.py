"""What the moderation screen reads: the case, its people, and each grade with its evidence."""

from __future__ import annotations

from pwdesk.services.moderation import ModeratedGrade, moderate, moderation_case
from pwdesk.store.database import Database
from tests.helpers import unmoderated_audit


def test_the_service_gives_the_case_and_each_grade_with_its_evidence(demo_db: Database) -> None:
    record = unmoderated_audit(demo_db)
    case = moderation_case(demo_db, record.id)
    assert case.case_reference == record.case_reference
    assert case.auditor == record.auditor
    assert case.practitioner.startswith(str(record.practitioner))
    assert case.held_on == record.held_on
    assert case.week_code == "2018-09"
    assert case.saved is None
    graded = [item for item in case.template.items() if item.type.value == "grade"]
    assert [item.item_id for item in case.items] == [item.id for item in graded]
    assert any(item.evidence for item in case.items)
    overall = next(item for item in case.items if item.item_id == case.template.overall.id)
    assert overall.grade == record.overall_grade_id


def test_the_case_carries_the_moderation_saved_so_far(demo_db: Database) -> None:
    record = unmoderated_audit(demo_db)
    case = moderation_case(demo_db, record.id)
    first = next(item for item in case.items if item.grade is not None)
    assert first.grade is not None
    moderate(demo_db, record.id, {first.item_id: ModeratedGrade(first.grade)})
    again = moderation_case(demo_db, record.id)
    assert again.saved is not None
    assert again.saved.grades == {first.item_id: ModeratedGrade(first.grade, "")}
