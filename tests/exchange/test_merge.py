"""Merging: order never matters, concurrent edits are kept as conflicts whatever the clocks say,
resolutions descend from both sides, merging twice changes nothing, and a killed merge leaves
the database as it was."""

from __future__ import annotations

import itertools
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select

from pwdesk.domain.answers import answer
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import version_id
from pwdesk.exchange.package import PackageError, fingerprint, read_header, seal
from pwdesk.resources import resource_path
from pwdesk.services.actions import (
    AgreedAction,
    list_actions,
    record_actions,
    set_record_actions,
)
from pwdesk.services.assessments import draft_of, list_records, save_assessment
from pwdesk.services.common import NotFound
from pwdesk.services.conflicts import ResolutionOutdated, list_conflicts, resolve_conflict
from pwdesk.services.merge import MergeCancelled, MergeResult, canonical_dump, merge_packages
from pwdesk.services.people import ChildDetails, add_child, update_child
from pwdesk.services.signers import UntrustedSigner, merge_history, trust_signer
from pwdesk.services.templates import catalogue, import_template
from pwdesk.store.database import Database
from pwdesk.store.models import Action, Assessment, Child, MergeLogEntry, RecordVersion
from tests.conftest import PASSPHRASE
from tests.exchange import (
    PACKAGE_PASSPHRASE,
    WEEK,
    Clock,
    QaWeek,
    assert_one_sentence,
    at,
    build_qa_week,
    copy_database,
    edit_audit,
    export_week,
    laptop,
    make_key_pair,
    merge,
    new_audit,
    new_database,
    payload_of,
    qa_copy,
    record_count,
    reopen,
    reseal,
    snapshot,
    week_of,
)
from tests.exchange.merge_victim import MERGED, PACKAGE_VARIABLE, PASSPHRASE_VARIABLE

VICTIM = Path(__file__).with_name("merge_victim.py")


@pytest.fixture(scope="module")
def qa_week(tmp_path_factory: pytest.TempPathFactory) -> QaWeek:
    return build_qa_week(tmp_path_factory.mktemp("qa"))


def counts(result: MergeResult) -> tuple[int, int, int, int, int]:
    return result.new, result.updated, result.unchanged, result.stale, result.conflicts


# --- the set-up reaches the laptops -------------------------------------------------------------


def test_the_set_up_package_gives_a_laptop_the_whole_week(qa_week: QaWeek, tmp_path: Path) -> None:
    db = new_database(tmp_path / "laptop.db", "laptop-1")
    try:
        result = merge(db, qa_week.package)
        assert result.packages == 1
        qa = reopen(qa_week.path)
        try:
            expected = canonical_dump(qa)
        finally:
            qa.close()
        assert canonical_dump(db) == expected
        assert counts(result) == (record_count(expected), 0, 0, 0, 0)
        assert week_of(db) == qa_week.setup
        assert result.possible_duplicates == []
    finally:
        db.close()


# --- order independence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """Three laptops' packages after a day of audits, and what they should merge into."""

    packages: dict[str, Path]
    shared: str  # the audit two laptops edited differently
    shared_heads: tuple[str, ...]
    audits: frozenset[str]
    changed_child: str
    deleted_action: str


@pytest.fixture(scope="module")
def field(qa_week: QaWeek, tmp_path_factory: pytest.TempPathFactory) -> Field:
    folder = tmp_path_factory.mktemp("field")
    a = laptop(qa_week, folder / "a.db", "laptop-a")
    b = laptop(qa_week, folder / "b.db", "laptop-b")
    c = laptop(qa_week, folder / "c.db", "laptop-c")
    try:
        setup = week_of(a)
        # Laptop A starts the shared audit; B picks it up from A's early package.
        shared = new_audit(a, setup, child=2, grade="requires-improvement")
        merge(b, export_week(a, folder / "a-early.pwx"))
        a_own = [new_audit(a, setup, child=0), new_audit(a, setup, child=1, grade="outstanding")]
        head_a = edit_audit(a, shared, {"overall": answer("good")})
        # Both grade the overall judgement, differently: a conflict on that answer only; B's
        # strengths, which A left alone, combine with A's edit.
        head_b = edit_audit(
            b,
            shared,
            {"overall": answer("outstanding"), "strengths": answer("Strong life story work.")},
        )
        b_own = [new_audit(b, setup, child=3)]
        # Laptop C audits two children, edits one twice, and changes a child's team.
        c_own = [new_audit(c, setup, child=4), new_audit(c, setup, child=5, grade="inadequate")]
        edit_audit(c, c_own[0], {"overall": answer("outstanding")})
        edit_audit(c, c_own[0], held_on=date(2018, 9, 20))
        update_child(c, setup.children[4], ChildDetails("CR000704", date(2014, 3, 1), team="East"))
        # An action agreed on A and then dropped from the form: a tombstone travels.
        set_record_actions(a, a_own[0], [AgreedAction("Update the plan", "SW")])
        deleted_action = record_actions(a, a_own[0])[0].id
        set_record_actions(a, a_own[0], [])
        packages = {
            name: export_week(db, folder / f"{name}.pwx")
            for name, db in (("A", a), ("B", b), ("C", c))
        }
    finally:
        for db in (a, b, c):
            db.close()
    return Field(
        packages,
        shared,
        tuple(sorted((head_a, head_b))),
        frozenset([shared, *a_own, *b_own, *c_own]),
        setup.children[4],
        deleted_action,
    )


def test_merge_order_never_changes_the_result(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    results: dict[tuple[str, ...], dict[str, Any]] = {}
    for order in itertools.permutations("ABC"):
        db = qa_copy(qa_week, tmp_path / f"one-by-one-{''.join(order)}.db")
        try:
            for name in order:
                merge(db, field.packages[name])
            results[order] = canonical_dump(db)
            # And all three again, in the same call: nothing new, nothing in conflict anew.
            again = merge(db, *(field.packages[name] for name in order))
            assert (again.new, again.updated, again.conflicts) == (0, 0, 0)
            assert canonical_dump(db) == results[order]
        finally:
            db.close()
        together = qa_copy(qa_week, tmp_path / f"together-{''.join(order)}.db")
        try:
            merge(together, *(field.packages[name] for name in order))
            assert canonical_dump(together) == results[order]
        finally:
            together.close()
    first = results[("A", "B", "C")]
    assert all(dump == first for dump in results.values())


def test_the_merged_week_has_every_audit_once_and_the_expected_conflict(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    db = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        results = [merge(db, field.packages[name]) for name in "ABC"]
        dump = canonical_dump(db)
        assert {row["id"] for row in dump["assessment"]} == field.audits
        assert len(dump["assessment"]) == len(field.audits) == 6
        assert len(dump["child"]) == len(qa_week.setup.children)
        assert len(dump["versions"]) == len(set(dump["versions"]))
        assert [tuple(pair) for pair in dump["conflicts"]] == [
            (field.shared, head) for head in field.shared_heads
        ]
        assert [r.conflicts for r in results] == [0, 1, 0]  # B's edit meets A's
        assert all(r.possible_duplicates == [] for r in results)
        assert {r.id for r in list_records(db, WEEK)} == field.audits
        [conflict] = list_conflicts(db)
        assert conflict.record_id == field.shared
        assert tuple(v.id for v in conflict.versions) == field.shared_heads
        with db.read() as session:
            child = session.get(Child, field.changed_child)
            action = session.get(Action, field.deleted_action)
            assert child is not None
            assert child.team == "East"
            assert action is not None
            assert action.deleted
    finally:
        db.close()


def test_a_conflict_among_packages_merged_together_is_reported(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    db = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        result = merge(db, *field.packages.values())
        assert len(list_conflicts(db)) == 1  # the conflict is there...
        assert result.conflicts == 1  # ...and the QA officer is told
    finally:
        db.close()


def test_merging_the_same_package_twice_changes_nothing(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    db = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        first = merge(db, field.packages["C"])
        assert (first.new, first.updated, first.stale, first.conflicts) == (2, 1, 0, 0)
        once = snapshot(db)
        second = merge(db, field.packages["C"])
        twice = snapshot(db)
        assert twice.dump == once.dump
        # Recognised from the merge log after its signature is checked, and skipped.
        assert counts(second) == (0, 0, 0, 0, 0)
        assert (second.packages, second.already_merged) == (1, 1)
        recorded = {"merge_log", "audit_log"}
        for table in set(once.tables) - recorded:
            assert twice.tables[table] == once.tables[table], table
        # The second merge is recorded (who merged what, when), and that is all.
        assert twice.rows("merge_log") == once.rows("merge_log") + 1
        assert twice.rows("audit_log") == once.rows("audit_log") + 1
        latest, earlier = merge_history(db)[:2]
        assert (latest.file_name, latest.records) == (earlier.file_name, earlier.records)
    finally:
        db.close()


def test_a_package_merged_before_still_needs_its_passphrase_and_signature(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    db = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        merge(db, field.packages["C"])
        once = snapshot(db)
        with pytest.raises(PackageError, match="passphrase or key is wrong") as refused:
            merge_packages(db, [field.packages["C"]], passphrase="not the passphrase at all")
        assert_one_sentence(str(refused.value).split(": ", 1)[1])
        assert snapshot(db).dump == once.dump
        assert snapshot(db).rows("merge_log") == once.rows("merge_log")
    finally:
        db.close()


# --- concurrent edits: conflicts, whatever the clocks ---------------------------------------------


@dataclass(frozen=True)
class Base:
    """An audit made on one laptop and exported: where the concurrent edits start from."""

    package: Path
    record: str
    head: str


@pytest.fixture(scope="module")
def base(qa_week: QaWeek, tmp_path_factory: pytest.TempPathFactory) -> Base:
    folder = tmp_path_factory.mktemp("base")
    db = laptop(qa_week, folder / "first.db", "laptop-first", at(8))
    try:
        record = new_audit(db, week_of(db), child=1)
        with db.read() as session:
            row = session.get(Assessment, record)
            assert row is not None
            head = row.head
        package = export_week(db, folder / "base.pwx")
    finally:
        db.close()
    return Base(package, record, head)


@dataclass(frozen=True)
class Clash:
    """Laptops X and Y edited the same audit differently; the QA officer merged both."""

    qa: Path  # closed, holding the conflict
    record: str  # the audit in conflict
    laptops: tuple[Path, Path]  # X, Y (closed)
    packages: tuple[Path, Path]  # X's and Y's exports
    x: str  # X's version: the overall grade raised
    y: str  # Y's version: placement stability graded down, and the date moved
    merged: MergeResult  # merging Y's package after X's


def make_clash(qa: QaWeek, base: Base, folder: Path, clock_x: Clock, clock_y: Clock) -> Clash:
    folder.mkdir()
    x = laptop(qa, folder / "x.db", "laptop-x", clock_x)
    y = laptop(qa, folder / "y.db", "laptop-y", clock_y)
    try:
        merge(x, base.package)
        merge(y, base.package)
        version_x = edit_audit(x, base.record, {"overall": answer("outstanding")})
        version_y = edit_audit(
            y,
            base.record,
            {
                "overall": answer("requires-improvement"),
                "placement-stability": answer("inadequate", "Three moves this year."),
            },
            held_on=date(2018, 9, 19),
        )
        packages = (export_week(x, folder / "x.pwx"), export_week(y, folder / "y.pwx"))
    finally:
        x.close()
        y.close()
    db = qa_copy(qa, folder / "qa.db")
    try:
        merge(db, packages[0])
        merged = merge(db, packages[1])
    finally:
        db.close()
    return Clash(
        folder / "qa.db",
        base.record,
        (folder / "x.db", folder / "y.db"),
        packages,
        version_x,
        version_y,
        merged,
    )


@pytest.fixture(scope="module")
def clash(qa_week: QaWeek, base: Base, tmp_path_factory: pytest.TempPathFactory) -> Clash:
    return make_clash(qa_week, base, tmp_path_factory.mktemp("clash") / "c", at(9), at(15))


@pytest.fixture
def clashed(clash: Clash, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the QA database holding the conflict."""
    db = reopen(copy_database(clash.qa, tmp_path / "qa.db"))
    yield db
    db.close()


def version_content(db: Database, version: str) -> dict[str, Any]:
    with db.read() as session:
        stored = session.get(RecordVersion, version)
        assert stored is not None
        return dict(stored.content)


def test_concurrent_edits_are_both_kept_whatever_the_clocks(
    qa_week: QaWeek, base: Base, tmp_path: Path
) -> None:
    dumps = {}
    for hour_x, hour_y in ((9, 15), (15, 9)):
        made = make_clash(qa_week, base, tmp_path / f"x{hour_x}-y{hour_y}", at(hour_x), at(hour_y))
        assert made.merged.conflicts == 1
        db = reopen(made.qa)
        try:
            [conflict] = list_conflicts(db)
            assert conflict.record_id == base.record
            versions = {v.id: v for v in conflict.versions}
            assert set(versions) == {made.x, made.y}
            x, y = versions[made.x], versions[made.y]
            assert x.created_at == datetime(2018, 9, 18, hour_x, tzinfo=UTC)
            assert y.created_at == datetime(2018, 9, 18, hour_y, tzinfo=UTC)
            assert x.content["answers"]["overall"]["value"] == "outstanding"
            assert x.content["answers"]["placement-stability"]["value"] == "good"
            assert x.content["held_on"] == "2018-09-18"
            assert y.content["answers"]["overall"]["value"] == "requires-improvement"
            # They clash on the overall grade alone; Y's other changes would combine.
            assert [f.name for f in conflict.fields] == ["answers.overall"]
            assert dict(conflict.fields[0].values) == {
                made.x: answer("outstanding"),
                made.y: answer("requires-improvement"),
            }
            assert conflict.merged["held_on"] == "2018-09-19"
            assert conflict.merged["answers"]["placement-stability"]["value"] == "inadequate"
            assert y.content["answers"]["placement-stability"]["value"] == "inadequate"
            assert y.content["held_on"] == "2018-09-19"
            assert not x.local
            assert not y.local
            with db.read() as session:
                for version in (made.x, made.y):
                    stored = session.get(RecordVersion, version)
                    assert stored is not None
                    assert stored.parents == [base.head]
                row = session.get(Assessment, base.record)
                assert row is not None
                # The record shows a fixed choice between the two, not the later clock's.
                assert row.head == conflict.shown == min(made.x, made.y)
            dumps[(hour_x, hour_y)] = (made.x, made.y, canonical_dump(db))
        finally:
            db.close()
        reverse = qa_copy(qa_week, tmp_path / f"reverse-x{hour_x}-y{hour_y}.db")
        try:
            merge(reverse, made.packages[1])
            assert merge(reverse, made.packages[0]).conflicts == 1
            assert canonical_dump(reverse) == dumps[(hour_x, hour_y)][2]
        finally:
            reverse.close()
    # Clocks are no part of a version: swapping them changes nothing the merge decides.
    assert dumps[(9, 15)] == dumps[(15, 9)]


def test_resolving_by_taking_one_version_descends_from_both(
    clash: Clash, clashed: Database
) -> None:
    expected = version_content(clashed, clash.y)
    resolution = resolve_conflict(clashed, clash.record, clash.y[:10])
    assert list_conflicts(clashed) == []
    with clashed.read() as session:
        stored = session.get(RecordVersion, resolution)
        assert stored is not None
        assert sorted(stored.parents) == sorted([clash.x, clash.y])
        assert stored.content == expected
        assert stored.device_id == clashed.identity.device_id
        row = session.get(Assessment, clash.record)
        assert row is not None
        assert row.head == resolution
        assert row.held_on == date(2018, 9, 19)
    # The laptops' packages come again: their versions are ancestors of the resolution now.
    for package in clash.packages:
        again = merge(clashed, package)
        assert (again.conflicts, again.stale, again.new, again.updated) == (0, 0, 0, 0)
        assert again.already_merged == 1
    assert list_conflicts(clashed) == []
    with clashed.read() as session:
        row = session.get(Assessment, clash.record)
        assert row is not None
        assert row.head == resolution


def test_resolving_answer_by_answer_keeps_what_combined(clash: Clash, clashed: Database) -> None:
    resolution = resolve_conflict(clashed, clash.record[:8], answers={"overall": clash.y[:12]})
    content = version_content(clashed, resolution)
    assert content["answers"]["overall"]["value"] == "requires-improvement"  # chosen from Y
    assert content["answers"]["placement-stability"]["value"] == "inadequate"  # Y alone changed
    assert content["held_on"] == "2018-09-19"  # Y alone changed it
    with clashed.read() as session:
        stored = session.get(RecordVersion, resolution)
        assert stored is not None
        assert sorted(stored.parents) == sorted([clash.x, clash.y])
    merged = merge(clashed, *clash.packages)
    assert merged.conflicts == 0
    assert list_conflicts(clashed) == []


def test_a_field_taken_from_one_version_overrides_what_combined(
    clash: Clash, clashed: Database
) -> None:
    resolution = resolve_conflict(
        clashed, clash.record[:8], clash.x[:12], {"held_on": clash.x[:12]}
    )
    content = version_content(clashed, resolution)
    assert content["answers"]["overall"]["value"] == "outstanding"  # the clash, from X
    assert content["held_on"] == "2018-09-18"  # named: from X
    assert content["answers"]["placement-stability"]["value"] == "inadequate"  # combined


def test_a_resolution_must_choose_for_every_clash(clash: Clash, clashed: Database) -> None:
    with pytest.raises(PwdeskError, match=r"Choose a version for answers\.overall"):
        resolve_conflict(clashed, clash.record, fields={"held_on": clash.x[:12]})
    assert len(list_conflicts(clashed)) == 1


def test_a_resolution_refuses_versions_it_was_not_shown(clash: Clash, clashed: Database) -> None:
    with pytest.raises(ResolutionOutdated, match="arrived after the conflict was shown"):
        resolve_conflict(clashed, clash.record, clash.x, shown=[clash.x])
    assert len(list_conflicts(clashed)) == 1
    made = resolve_conflict(clashed, clash.record, clash.x, shown=[clash.y, clash.x])
    assert list_conflicts(clashed) == []
    assert made


@pytest.mark.parametrize(
    ("record", "take", "fields", "error"),
    [
        ("full", "local", {}, PwdeskError),  # the QA officer made neither version
        ("full", "incoming", {}, PwdeskError),  # both came in
        ("full", "ffffffffffff", {}, PwdeskError),
        ("full", "x", {"no_such_field": "y"}, PwdeskError),
        ("full", "x", {"held_on": "0000"}, PwdeskError),
        ("ab", "x", {}, PwdeskError),  # too short to name a record
        ("00000000-0000-4000-8000-000000000000", "x", {}, NotFound),
    ],
)
def test_a_resolution_that_cannot_be_made_changes_nothing(
    clash: Clash,
    clashed: Database,
    record: str,
    take: str,
    fields: dict[str, str],
    error: type[PwdeskError],
) -> None:
    record_id = clash.record if record == "full" else record
    take = clash.x if take == "x" else take
    fields = {name: clash.y if value == "y" else value for name, value in fields.items()}
    before = snapshot(clashed)
    with pytest.raises(error) as failure:
        resolve_conflict(clashed, record_id, take, fields)
    assert_one_sentence(str(failure.value))
    after = snapshot(clashed)
    assert (after.dump, after.tables) == (before.dump, before.tables)


def test_a_laptops_own_resolution_clears_the_conflict_at_the_qa_officers(
    clash: Clash, clashed: Database, tmp_path: Path
) -> None:
    record = clash.record
    from_qa = export_week(clashed, tmp_path / "from-qa.pwx")
    x = reopen(copy_database(clash.laptops[0], tmp_path / "x.db"))
    try:
        assert merge(x, from_qa).conflicts == 1  # the conflict travels with the QA export
        [conflict] = list_conflicts(x)
        assert {v.id for v in conflict.versions} == {clash.x, clash.y}
        assert [v.id for v in conflict.versions if v.local] == [clash.x]
        resolution = resolve_conflict(x, record, "local")
        back = export_week(x, tmp_path / "x-resolved.pwx")
    finally:
        x.close()
    result = merge(clashed, back)
    assert (result.conflicts, result.updated) == (0, 1)
    assert list_conflicts(clashed) == []
    with clashed.read() as session:
        row = session.get(Assessment, record)
        assert row is not None
        assert row.head == resolution


def test_an_exported_conflict_arrives_as_the_same_conflict(
    clash: Clash, clashed: Database, tmp_path: Path
) -> None:
    package = export_week(clashed, tmp_path / "all.pwx", week=None)
    fresh = new_database(tmp_path / "fresh.db", "fresh")
    try:
        assert merge(fresh, package).conflicts == 1  # arriving whole, still a conflict
        assert canonical_dump(fresh) == canonical_dump(clashed)
        [conflict] = list_conflicts(fresh)
        assert {v.id for v in conflict.versions} == {clash.x, clash.y}
    finally:
        fresh.close()


# --- how incoming versions stand to local ones ----------------------------------------------------


def test_an_older_package_is_stale_and_a_newer_one_fast_forwards(
    qa_week: QaWeek, tmp_path: Path
) -> None:
    db = laptop(qa_week, tmp_path / "laptop.db", "laptop-1")
    try:
        record = new_audit(db, week_of(db), child=3)
        older = export_week(db, tmp_path / "older.pwx")
        newer_head = edit_audit(db, record, {"overall": answer("inadequate")})
        newer = export_week(db, tmp_path / "newer.pwx")
    finally:
        db.close()
    forward = qa_copy(qa_week, tmp_path / "forward.db")
    try:
        assert merge(forward, older).new == 1
        result = merge(forward, newer)
        assert (result.updated, result.new, result.conflicts) == (1, 0, 0)
        forward_dump = canonical_dump(forward)
    finally:
        forward.close()
    backward = qa_copy(qa_week, tmp_path / "backward.db")
    try:
        assert merge(backward, newer).new == 1
        result = merge(backward, older)
        assert (result.stale, result.updated, result.new, result.conflicts) == (1, 0, 0, 0)
        assert canonical_dump(backward) == forward_dump
        with backward.read() as session:
            row = session.get(Assessment, record)
            assert row is not None
            assert row.head == newer_head
            assert row.answers["overall"]["value"] == "inadequate"
    finally:
        backward.close()


def test_a_package_for_the_qa_officers_key_merges_like_one_for_a_passphrase(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    keys = make_key_pair(tmp_path)
    db = laptop(qa_week, tmp_path / "laptop.db", "laptop-k")
    try:
        new_audit(db, week_of(db), child=0)
        for_key = export_week(db, tmp_path / "for-key.pwx", recipient=keys.public)
        for_passphrase = export_week(db, tmp_path / "for-passphrase.pwx")
    finally:
        db.close()
    by_key = qa_copy(qa_week, tmp_path / "by-key.db")
    by_passphrase = qa_copy(qa_week, tmp_path / "by-passphrase.db")
    try:
        assert merge_packages(by_key, [for_key], private_key=keys.private, trust_new=True).new == 1
        assert merge(by_passphrase, for_passphrase).new == 1
        assert canonical_dump(by_key) == canonical_dump(by_passphrase)
    finally:
        by_key.close()
        by_passphrase.close()


def test_possible_duplicates_are_shown_and_never_joined(qa_week: QaWeek, tmp_path: Path) -> None:
    packages = []
    for name in ("laptop-1", "laptop-2"):
        db = laptop(qa_week, tmp_path / f"{name}.db", name)
        try:
            # Each laptop meets the same child, not yet in the set-up, and audits the case.
            child = add_child(db, ChildDetails("CR999999", date(2013, 1, 1))).id
            setup = week_of(db)
            index = setup.children.index(child)
            new_audit(db, setup, child=index)
            packages.append(export_week(db, tmp_path / f"{name}.pwx"))
        finally:
            db.close()
    qa = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        result = merge(qa, *packages)
        assert result.possible_duplicates == ["2 child records share the case reference CR999999."]
        with qa.read() as session:
            twins = session.scalar(
                select(func.count()).select_from(Child).where(Child.case_reference == "CR999999")
            )
        assert twins == 2
    finally:
        qa.close()


def test_a_package_may_refer_to_records_another_package_of_the_same_merge_brings(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    header, payload = payload_of(field.packages["C"])
    audits_only = reseal(
        {**payload, "records": [r for r in payload["records"] if r["type"] == "assessment"]},
        tmp_path / "audits-only.pwx",
        header,
    )
    empty = new_database(tmp_path / "empty.db", "new-desktop")
    try:
        before = snapshot(empty)
        with pytest.raises(PwdeskError) as alone:
            merge(empty, audits_only)
        assert "neither in them nor in this database" in str(alone.value)
        assert_one_sentence(str(alone.value))
        after = snapshot(empty)
        assert (after.dump, after.tables) == (before.dump, before.tables)
        result = merge(empty, audits_only, qa_week.package)
        assert result.new == record_count(canonical_dump(empty))
        assert len(canonical_dump(empty)["assessment"]) == 2
    finally:
        empty.close()


def test_a_form_template_travels_with_the_records_that_use_it(
    qa_week: QaWeek, tmp_path: Path
) -> None:
    source = resource_path("templates") / "permanency-case-audit.toml"
    text = source.read_text(encoding="utf-8").replace(
        'id = "permanency-case-audit"', 'id = "permanency-case-audit-2019"', 1
    )
    custom = tmp_path / "custom.toml"
    custom.write_text(text, encoding="utf-8")
    db = laptop(qa_week, tmp_path / "laptop.db", "laptop-t")
    try:
        import_template(db, custom)
        setup = week_of(db)
        draft, _ = draft_of(db, new_audit(db, setup, child=0))
        draft = replace(
            draft,
            child_id=setup.children[1],
            template_id="permanency-case-audit-2019",
            template_version=1,
        )
        record = save_assessment(db, None, draft).id
        package = export_week(db, tmp_path / "laptop.pwx")
    finally:
        db.close()
    qa = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        merge(qa, package)
        assert catalogue(qa).get("permanency-case-audit-2019", 1).id == "permanency-case-audit-2019"
        rows = {r.id: r for r in list_records(qa, WEEK)}
        assert rows[record].template_id == "permanency-case-audit-2019"
        merge(qa, package)  # the same template again is no clash
    finally:
        qa.close()


# --- deletion ----------------------------------------------------------------------------------


def test_a_deleted_record_arrives_deleted_with_its_history(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    db = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        merge(db, field.packages["A"])
        with db.read() as session:
            action = session.get(Action, field.deleted_action)
            versions = session.scalars(
                select(RecordVersion).where(RecordVersion.record_id == field.deleted_action)
            ).all()
            assert action is not None
            assert action.deleted
            assert sorted(v.deleted for v in versions) == [False, True]
        assert all(a.id != field.deleted_action for a in list_actions(db, WEEK))
    finally:
        db.close()


# --- signers and the merge history ---------------------------------------------------------------


def signer_of(package: Path) -> str:
    return fingerprint(read_header(package.read_bytes())[0]["signer"])


def test_unknown_signers_are_refused_until_trusted(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    a, b = field.packages["A"], field.packages["B"]
    db = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        before = canonical_dump(db)
        with pytest.raises(UntrustedSigner) as refused:
            merge_packages(db, [a], passphrase=PACKAGE_PASSPHRASE)
        message = str(refused.value)
        assert_one_sentence(message)
        assert "laptop-a" in message
        assert signer_of(a) in message
        assert read_header(a.read_bytes())[0]["device_id"] in message
        assert canonical_dump(db) == before
        assert merge_history(db) == []
        with pytest.raises(NotFound) as unknown:
            trust_signer(db, "0000 0000 0000")
        assert_one_sentence(str(unknown.value))
        first = merge_packages(db, [a], passphrase=PACKAGE_PASSPHRASE, trust_new=True)
        assert [s.fingerprint for s in first.trusted] == [signer_of(a)]
        assert first.signers == [
            {"fingerprint": signer_of(a), "device": "laptop-a", "trusted": True}
        ]
        # A trusted device's next package needs no flag; a new device's does.
        with pytest.raises(UntrustedSigner, match="laptop-b"):
            merge_packages(db, [b, a], passphrase=PACKAGE_PASSPHRASE)
        second = merge_packages(db, [b, a], passphrase=PACKAGE_PASSPHRASE, trust_new=True)
        assert [s.device_name for s in second.trusted] == ["laptop-b"]
        history = merge_history(db)
        assert [(m.file_name, m.device, m.signer, m.trusted) for m in history] == [
            ("A.pwx", "laptop-a", signer_of(a), True),
            ("B.pwx", "laptop-b", signer_of(b), True),
            ("A.pwx", "laptop-a", signer_of(a), True),
        ]
        assert history[0].records == history[2].records > 0
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(MergeLogEntry)) == 3
    finally:
        db.close()


# --- cancelling and progress ---------------------------------------------------------------------


def test_a_cancelled_merge_changes_nothing_at_any_step(
    qa_week: QaWeek, field: Field, tmp_path: Path
) -> None:
    packages = list(field.packages.values())
    db = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        steps: list[str] = []
        probe = qa_copy(qa_week, tmp_path / "probe.db")
        try:
            merge_packages(
                probe,
                packages,
                passphrase=PACKAGE_PASSPHRASE,
                progress=lambda done, total, what: steps.append(what),
                trust_new=True,
            )
        finally:
            probe.close()
        assert steps[0] == "Checking A.pwx"
        assert steps[-1] == "Writing"
        assert "Merging assessment records" in steps
        before = snapshot(db)
        for stop in range(len(steps)):
            asked = iter(range(len(steps) + 1))

            def cancelled(stop: int = stop, asked: Iterator[int] = asked) -> bool:
                return next(asked) >= stop

            with pytest.raises(MergeCancelled) as failure:
                merge_packages(
                    db, packages, passphrase=PACKAGE_PASSPHRASE, cancelled=cancelled, trust_new=True
                )
            assert_one_sentence(str(failure.value))
            after = snapshot(db)
            assert (after.dump, after.tables) == (before.dump, before.tables), steps[stop]
    finally:
        db.close()


# --- a merge killed half-way ---------------------------------------------------------------------

KILL_ROUNDS = 5
SYNTHETIC_CHILDREN = 800


def synthetic_package(out: Path, children: int) -> Path:
    """A large package made directly: children, each with two versions."""
    records = []
    for number in range(children):
        record_id = str(uuid.UUID(int=random.Random(number).getrandbits(128), version=4))
        first = {
            "case_reference": f"SY{number:06d}",
            "date_of_birth": "2010-01-01",
            "entered_care": None,
            "legal_status": "",
            "placement_type": "",
            "team": "",
        }
        second = {**first, "team": "Synthetic"}
        first_id = version_id("child", record_id, first, [])
        second_id = version_id("child", record_id, second, [first_id])
        stamp = {"device_id": record_id, "author": "Synthetic", "deleted": False}
        records.append(
            {
                "type": "child",
                "id": record_id,
                "heads": [second_id],
                "versions": [
                    {
                        "id": first_id,
                        "parents": [],
                        "content": first,
                        **stamp,
                        "created_at": "2018-09-18T09:00:00+00:00",
                    },
                    {
                        "id": second_id,
                        "parents": [first_id],
                        "content": second,
                        **stamp,
                        "created_at": "2018-09-18T10:00:00+00:00",
                    },
                ],
            }
        )
    payload = {"kind": "pwdesk-records", "templates": [], "records": records}
    header = {
        "device_name": "synthetic",
        "device_id": "5f0c2a8e-9d7b-4c1e-8a3f-2b6d4e8f0a1c",
        "created_at": "2018-09-21T16:05:00+00:00",
        "counts": {"child": children},
    }
    out.write_bytes(
        seal(payload, header, Ed25519PrivateKey.generate(), passphrase=PACKAGE_PASSPHRASE)
    )
    return out


@dataclass
class Victim:
    """What a killed merge process printed, and whether it finished before the kill."""

    lines: list[str]
    finished: bool
    errors: str


def run_victim(db_path: Path, package: Path, after_step: str, delay: float) -> Victim:
    """Start a merge, wait for a step to begin and then ``delay`` seconds, and SIGKILL it."""
    env = {**os.environ, PASSPHRASE_VARIABLE: PASSPHRASE, PACKAGE_VARIABLE: PACKAGE_PASSPHRASE}
    argv = [sys.executable, str(VICTIM), str(db_path), str(package)]
    process = subprocess.Popen(
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True
    )
    lines: list[str] = []
    reached = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line.rstrip("\n"))
            if line.rstrip("\n") in (after_step, MERGED):
                reached.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert reached.wait(60), "the merge never reached the step"
        time.sleep(delay)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait()
        reader.join(5)
    assert process.stderr is not None
    assert process.stdout is not None
    errors = process.stderr.read()
    process.stderr.close()
    process.stdout.close()
    return Victim(lines, MERGED in lines, errors)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs SIGKILL")
def test_a_merge_killed_at_any_moment_leaves_the_database_as_before(
    qa_week: QaWeek, tmp_path: Path
) -> None:
    package = synthetic_package(tmp_path / "big.pwx", SYNTHETIC_CHILDREN)
    # The two states a killed merge may leave: the one before, and the whole merge.
    base = copy_database(qa_week.path, tmp_path / "base.db")
    db = reopen(base)
    try:
        before = snapshot(db)
    finally:
        db.close()
    done = qa_copy(qa_week, tmp_path / "done.db")
    try:
        began: dict[str, float] = {}

        def note(step: int, steps: int, what: str) -> None:
            began.setdefault(what, time.perf_counter())

        merge_packages(
            done, [package], passphrase=PACKAGE_PASSPHRASE, progress=note, trust_new=True
        )
        writing = time.perf_counter() - began["Merging"]
        after = canonical_dump(done)
    finally:
        done.close()
    assert len(after["child"]) == len(before.dump["child"]) + SYNTHETIC_CHILDREN
    rng = random.Random(20180921)
    states = []
    for round_number in range(KILL_ROUNDS):
        target = copy_database(base, tmp_path / f"round-{round_number}.db")
        step = rng.choice(["Merging", "Merging child records", "Writing"])
        delay = rng.uniform(0, writing * 1.1) if step != "Writing" else rng.uniform(0, 0.05)
        victim = run_victim(target, package, step, delay)
        assert "Traceback" not in victim.errors, victim.errors
        assert "Merging" in victim.lines
        db = reopen(target)
        try:
            with db.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalars().all() == [
                    "ok"
                ]
                assert connection.exec_driver_sql("PRAGMA cipher_integrity_check").all() == []
            now = snapshot(db)
            if now.dump == after:
                states.append("merged")
                assert now.rows("merge_log") == before.rows("merge_log") + 1
            else:
                assert not victim.finished, "the merge finished but its work is missing"
                assert (now.dump, now.tables) == (before.dump, before.tables)
                states.append("before")
            if round_number == KILL_ROUNDS - 1:
                # The database is fit to use: the same merge, run again, completes.
                merge(db, package)
                assert canonical_dump(db) == after
        finally:
            db.close()
    assert states.count("before") >= 2, f"too few kills landed inside the merge: {states}"
