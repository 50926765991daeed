"""Laptops that edit one audit concurrently: their answers merge one by one at the QA officer's,
and only an answer changed differently on two laptops is a conflict."""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pwdesk.cli import main
from pwdesk.domain.answers import answer
from pwdesk.domain.errors import PwdeskError
from pwdesk.services.assessments import complete_assessment, open_record, save_assessment
from pwdesk.services.conflicts import list_conflicts, resolve_conflict
from pwdesk.services.merge import canonical_dump
from pwdesk.services.stats import stats_json, week_stats
from tests.conftest import PASSPHRASE
from tests.exchange import (
    WEEK,
    QaWeek,
    build_qa_week,
    edit_audit,
    export_week,
    laptop,
    merge,
    new_audit,
    qa_copy,
    reopen,
    week_of,
)

GRADES = ("outstanding", "good", "requires-improvement", "inadequate")
ASPECTS = ("placement-stability", "supervision", "recording", "childs-voice")


@pytest.fixture(scope="module")
def qa_week(tmp_path_factory: pytest.TempPathFactory) -> QaWeek:
    return build_qa_week(tmp_path_factory.mktemp("qa"))


@pytest.fixture(scope="module")
def shared(qa_week: QaWeek, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A completed audit every laptop has, graded "good" throughout: the first laptop's package
    and the audit's id."""
    folder = tmp_path_factory.mktemp("shared")
    db = laptop(qa_week, folder / "first.db", "laptop-first")
    try:
        record = new_audit(db, week_of(db), child=1, grade="good")
        complete_assessment(db, record)  # completed, so the week's figures count it
        return export_week(db, folder / "first.pwx"), record
    finally:
        db.close()


def laptops_edit(
    qa_week: QaWeek,
    shared: tuple[Path, str],
    folder: Path,
    edits: list[dict[str, str]],
) -> list[Path]:
    """Each laptop merges the shared audit, grades some aspects, and exports; the packages."""
    package, record = shared
    folder.mkdir(parents=True, exist_ok=True)
    packages = []
    for number, grades in enumerate(edits):
        db = laptop(qa_week, folder / f"laptop-{number}.db", f"laptop-{number}")
        try:
            merge(db, package)
            if grades:
                edit_audit(
                    db, record, {k: answer(v, f"Laptop {number}.") for k, v in grades.items()}
                )
            packages.append(export_week(db, folder / f"laptop-{number}.pwx"))
        finally:
            db.close()
    return packages


def aspect_counts(figures: dict[str, Any], aspect: str) -> dict[str, int]:
    counts: dict[str, int] = next(a for a in figures["aspects"] if a["id"] == aspect)["counts"]
    return counts


def test_different_aspects_edited_on_two_laptops_merge_with_no_conflict(
    qa_week: QaWeek, shared: tuple[Path, str], tmp_path: Path
) -> None:
    package, record = shared
    packages = laptops_edit(
        qa_week,
        shared,
        tmp_path / "laptops",
        [{"supervision": "inadequate"}, {"placement-stability": "outstanding"}],
    )
    qa = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        merge(qa, package)
        result = merge(qa, *packages)
        assert (result.conflicts, result.merged) == (0, 1)
        assert list_conflicts(qa) == []
        answers = open_record(qa, record).draft.answers
        assert answers["supervision"] == answer("inadequate", "Laptop 0.")
        assert answers["placement-stability"] == answer("outstanding", "Laptop 1.")
        figures = stats_json(*week_stats(qa, WEEK))
        assert aspect_counts(figures, "supervision")["Inadequate"] == 1
        assert aspect_counts(figures, "placement-stability")["Outstanding"] == 1
        again = canonical_dump(qa)
        repeat = merge(qa, *packages)
        assert (repeat.merged, repeat.conflicts, repeat.stale) == (0, 0, 0)
        assert repeat.already_merged == len(packages)
        assert canonical_dump(qa) == again
    finally:
        qa.close()


def test_the_same_aspect_edited_on_two_laptops_is_one_conflict_on_that_aspect(
    qa_week: QaWeek,
    shared: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    package, record = shared
    packages = laptops_edit(
        qa_week,
        shared,
        tmp_path / "laptops",
        [
            {"supervision": "inadequate", "recording": "outstanding"},
            {"supervision": "outstanding", "childs-voice": "inadequate"},
        ],
    )
    qa = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        merge(qa, package)
        assert merge(qa, *packages).conflicts == 1
        [conflict] = list_conflicts(qa)
        assert [clash.name for clash in conflict.fields] == ["answers.supervision"]
    finally:
        qa.close()
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    capsys.readouterr()
    database = str(tmp_path / "qa.db")
    assert main(["conflicts", "--db", database, "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)["conflicts"]
    assert listed["record_id"] == record
    [clash] = listed["fields"]
    assert clash["name"] == "answers.supervision"
    values = {version: value["value"] for version, value in clash["values"]}
    assert sorted(values.values()) == ["inadequate", "outstanding"]
    assert listed["merged"]["answers"]["recording"]["value"] == "outstanding"
    chosen = next(version for version, grade in values.items() if grade == "outstanding")
    resolve = ["resolve", record[:8], "--db", database, "--answer", f"supervision={chosen[:10]}"]
    assert main(resolve) == 0
    capsys.readouterr()
    assert main(["conflicts", "--db", database, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"conflicts": []}
    after = reopen(Path(database))
    try:
        answers = open_record(after, record).draft.answers
        assert answers["supervision"]["value"] == "outstanding"
        assert answers["recording"]["value"] == "outstanding"  # laptop 0 alone changed it
        assert answers["childs-voice"]["value"] == "inadequate"  # laptop 1 alone changed it
    finally:
        after.close()


LAPTOP_EDITS = st.lists(
    st.dictionaries(st.sampled_from(ASPECTS), st.sampled_from(GRADES[:1] + GRADES[2:]), max_size=3),
    min_size=3,
    max_size=3,
)


@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each example builds four databases
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=LAPTOP_EDITS, seed=st.integers(0, 2**16))
def test_random_edits_merge_alike_in_any_order_and_lose_no_answer(
    qa_week: QaWeek,
    shared: tuple[Path, str],
    tmp_path_factory: pytest.TempPathFactory,
    edits: list[dict[str, str]],
    seed: int,
) -> None:
    package, record = shared
    folder = tmp_path_factory.mktemp("random")
    laptops = laptops_edit(qa_week, shared, folder / "laptops", edits)
    every = [package, *laptops]
    orders = [random.Random(seed + n).sample(every, len(every)) for n in range(3)]
    dumps = []
    for number, order in enumerate(orders):
        qa = qa_copy(qa_week, folder / f"qa-{number}.db")
        try:
            merge(qa, *order)
            dump = canonical_dump(qa)
            merge(qa, *reversed(order))  # repeated, in another order: nothing changes
            assert canonical_dump(qa) == dump
            dumps.append(dump)
            if number == 0:
                # What the record holds: its one head, or, in a conflict, everything combined
                # so far with each clash's values beside it.
                conflicts = list_conflicts(qa)
                head = open_record(qa, record).draft.answers
                if conflicts:
                    head = conflicts[0].merged["answers"]
                clashes = {
                    clash.name: [value for _, value in clash.values]
                    for conflict in conflicts
                    for clash in conflict.fields
                }
        finally:
            qa.close()
    assert dumps[1] == dumps[0]
    assert dumps[2] == dumps[0]
    for number, grades in enumerate(edits):
        for aspect, grade in grades.items():
            given = answer(grade, f"Laptop {number}.")
            assert head[aspect] == given or given in clashes.get(f"answers.{aspect}", [])
    untouched = set(ASPECTS) - {aspect for grades in edits for aspect in grades}
    assert all(head[aspect]["value"] == "good" for aspect in untouched)
    edited_by = {aspect: sum(aspect in g for g in edits) for aspect in ASPECTS}
    assert {name.removeprefix("answers.") for name in clashes} == {
        aspect for aspect, count in edited_by.items() if count > 1
    }


def test_a_merge_that_would_break_the_forms_rules_is_a_conflict_on_the_status(
    qa_week: QaWeek, tmp_path: Path
) -> None:
    one = laptop(qa_week, tmp_path / "one.db", "laptop-one")
    two = laptop(qa_week, tmp_path / "two.db", "laptop-two")
    try:
        record = new_audit(one, week_of(one), child=3)  # every answer given, still a draft
        merge(two, export_week(one, tmp_path / "first.pwx"))
        complete_assessment(one, record)  # laptop one completes it...
        opened = open_record(two, record)  # ...while laptop two clears a required answer
        answers = {k: v for k, v in opened.draft.answers.items() if k != "strengths"}
        save_assessment(two, record, replace(opened.draft, answers=answers), base=opened.version)
        packages = [export_week(db, tmp_path / f"{n}.pwx") for n, db in (("1", one), ("2", two))]
    finally:
        one.close()
        two.close()
    qa = qa_copy(qa_week, tmp_path / "qa.db")
    try:
        result = merge(qa, *packages)
        assert (result.merged, result.conflicts) == (0, 1)  # never a completed audit that isn't
        [conflict] = list_conflicts(qa)
        assert [clash.name for clash in conflict.fields] == ["status"]
        completed = next(v.id for v in conflict.versions if v.content["status"] == "completed")
        drafted = next(v.id for v in conflict.versions if v.content["status"] == "draft")
        with pytest.raises(PwdeskError, match="needs every required answer"):
            resolve_conflict(qa, record, fields={"status": completed})
        assert len(list_conflicts(qa)) == 1  # refused, nothing written
        resolve_conflict(qa, record, fields={"status": drafted})
        now = open_record(qa, record)
        assert now.status.value == "draft"
        assert "strengths" not in now.draft.answers
    finally:
        qa.close()
