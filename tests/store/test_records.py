"""Versioned saves through services: versions, parents, content round trips and tombstones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from pwdesk.domain.versions import version_id
from pwdesk.services.common import NotFound, delete, get_live
from pwdesk.services.lookup import find_child
from pwdesk.services.people import ChildDetails, add_child, update_child
from pwdesk.store.database import Database
from pwdesk.store.models import VERSIONED_MODELS, Child, Cohort, RecordVersion, Versioned
from pwdesk.store.records import ContentError, apply_content, content_columns, content_of

REFERENCE = "CR-5120-0042"
DETAILS = ChildDetails(REFERENCE, date_of_birth=date(2012, 1, 30), team="Permanence")


@dataclass(frozen=True)
class Version:
    """One stored version, read out of its session."""

    id: str
    parents: list[Any]
    content: dict[str, Any]
    deleted: bool
    device_id: str
    author: str


def _versions_of(db: Database, record_id: str) -> list[Version]:
    with db.read() as session:
        rows = session.scalars(select(RecordVersion).where(RecordVersion.record_id == record_id))
        versions = [
            Version(row.id, row.parents, row.content, row.deleted, row.device_id, row.author)
            for row in rows
        ]
    # Oldest first, by following the parent links (timestamps may tie).
    depth: dict[str, int] = {}
    by_id = {version.id: version for version in versions}

    def depth_of(version: Version) -> int:
        if version.id not in depth:
            depth[version.id] = 1 + max(
                (depth_of(by_id[parent]) for parent in version.parents if parent in by_id),
                default=0,
            )
        return depth[version.id]

    return sorted(versions, key=depth_of)


def _child_state(db: Database, child_id: str) -> tuple[str, bool, dict[str, Any]]:
    with db.read() as session:
        child = session.get(Child, child_id)
        assert child is not None
        return child.head, child.deleted, content_of(child)


def test_create_makes_one_root_version(db: Database) -> None:
    saved = add_child(db, DETAILS)
    head, deleted, content = _child_state(db, saved.id)
    [version] = _versions_of(db, saved.id)
    assert version.id == saved.version == head
    assert version.parents == []
    assert not version.deleted
    assert not deleted
    assert version.content == content
    assert content["case_reference"] == REFERENCE
    assert content["date_of_birth"] == "2012-01-30"
    assert version.device_id == db.identity.device_id
    assert version.author == db.identity.user
    assert version.id == version_id(Child.RECORD_TYPE, saved.id, content, [])


def test_update_makes_a_version_on_the_previous_head(db: Database) -> None:
    saved = add_child(db, DETAILS)
    changed = ChildDetails(REFERENCE, date(2012, 1, 30), date(2019, 5, 1), team="Permanence")
    updated = update_child(db, saved.id, changed)
    assert updated.version is not None
    assert updated.version != saved.version
    head, _, content = _child_state(db, saved.id)
    first, second = _versions_of(db, saved.id)
    assert first.id == saved.version
    assert second.id == updated.version == head
    assert second.parents == [first.id]
    assert second.content == content
    assert content["entered_care"] == "2019-05-01"
    assert second.id == version_id(Child.RECORD_TYPE, saved.id, content, [first.id])


def test_unchanged_update_makes_no_version(db: Database) -> None:
    saved = add_child(db, DETAILS)
    assert update_child(db, saved.id, DETAILS).version is None
    assert [version.id for version in _versions_of(db, saved.id)] == [saved.version]


def test_delete_makes_a_tombstone_and_keeps_the_row(db: Database) -> None:
    saved = add_child(db, DETAILS)
    _, _, content = _child_state(db, saved.id)
    with db.write() as session:
        removed = delete(session, db, Child, saved.id)
    assert removed.id == saved.id
    assert removed.version is not None
    head, deleted, content_after = _child_state(db, saved.id)
    assert deleted
    assert head == removed.version
    assert content_after == content
    first, tombstone = _versions_of(db, saved.id)
    assert tombstone.id == removed.version
    assert tombstone.deleted
    assert tombstone.parents == [first.id]
    assert tombstone.content == content
    assert tombstone.id == version_id(
        Child.RECORD_TYPE, saved.id, content, [first.id], deleted=True
    )
    assert tombstone.id != version_id(Child.RECORD_TYPE, saved.id, content, [first.id])
    with pytest.raises(NotFound):
        find_child(db, REFERENCE)
    with pytest.raises(NotFound), db.write() as session:
        get_live(session, Child, saved.id)
    with pytest.raises(NotFound), db.write() as session:
        delete(session, db, Child, saved.id)
    assert len(_versions_of(db, saved.id)) == 2


def test_every_demo_record_round_trips_and_matches_its_history(demo_db: Database) -> None:
    seen = 0
    with demo_db.read() as session:
        for model in VERSIONED_MODELS:
            for row in session.scalars(select(model)):
                content = content_of(row)
                copy = model()
                apply_content(copy, content)
                assert content_of(copy) == content
                head = session.get(RecordVersion, row.head)
                assert head is not None
                assert head.content == content
                assert head.record_type == model.RECORD_TYPE
                assert head.id == version_id(
                    model.RECORD_TYPE, row.id, content, head.parents, deleted=head.deleted
                )
                seen += 1
    assert seen > 100


def _child_content() -> dict[str, Any]:
    return {
        "case_reference": REFERENCE,
        "date_of_birth": "2012-01-30",
        "entered_care": None,
        "legal_status": "",
        "placement_type": "",
        "team": "Permanence",
    }


def _cohort_content() -> dict[str, Any]:
    return {"week_id": "w-1", "name": "Under 12", "rules": [], "position": 0}


def test_sample_contents_are_whole() -> None:
    for model, content in ((Child, _child_content()), (Cohort, _cohort_content())):
        assert {column.key for column in content_columns(model)} == set(content)
        record = model()
        apply_content(record, content)
        assert content_of(record) == content


@pytest.mark.parametrize(
    ("model", "field", "value", "message"),
    [
        (Child, "nickname", "Sunny", "unknown fields: nickname"),
        (Child, "date_of_birth", "30/01/2012", "not a date"),
        (Child, "date_of_birth", "yesterday", "not a date"),
        (Child, "date_of_birth", 20120130, "not a date"),
        (Child, "case_reference", None, "must have a value"),
        (Child, "team", 7, "wrong type"),
        (Cohort, "position", True, "whole number"),
        (Cohort, "position", "2", "wrong type"),
        (Cohort, "name", None, "must have a value"),
        (Child, "date_of_birth", "20120130", "not a date"),
        (Cohort, "rules", {"rule": "age-under"}, "wrong type"),
        (Cohort, "rules", "age-under 12", "wrong type"),
        (Cohort, "rules", [{"years": float("nan")}], "not finite"),
    ],
)
def test_apply_content_rejects_bad_fields(
    model: type[Versioned], field: str, value: Any, message: str
) -> None:
    content = _child_content() if model is Child else _cohort_content()
    content[field] = value
    with pytest.raises(ContentError, match=message):
        apply_content(model(), content)


@pytest.mark.parametrize("field", ["case_reference", "entered_care", "team"])
def test_apply_content_rejects_missing_fields(field: str) -> None:
    content = _child_content()
    del content[field]
    with pytest.raises(ContentError, match=f"lacks the field '{field}'"):
        apply_content(Child(), content)
