"""Merging concurrent versions three ways: field by field, and an audit's answers key by key."""

from __future__ import annotations

import itertools
from typing import Any

from pwdesk.domain.versions import merge_bases, merge_fields, merge_heads

ANSWERS = frozenset({"answers"})


def audit(**answers: str) -> dict[str, Any]:
    return {
        "status": "draft",
        "answers": {key: {"value": value} for key, value in answers.items()},
        "deleted": False,
    }


BASE = audit(overall="good", recording="good", supervision="requires-improvement")


def test_changes_on_one_side_each_combine() -> None:
    left = audit(overall="outstanding", recording="good", supervision="requires-improvement")
    right = audit(overall="good", recording="inadequate", supervision="requires-improvement")
    merged = merge_fields([BASE], left, right, ANSWERS)
    assert merged.conflicts == ()
    assert merged.values["answers"] == {
        "overall": {"value": "outstanding"},
        "recording": {"value": "inadequate"},
        "supervision": {"value": "requires-improvement"},
    }


def test_the_same_answer_changed_differently_clashes_on_that_answer_only() -> None:
    left = audit(overall="outstanding", recording="good", supervision="good")
    right = audit(overall="inadequate", recording="inadequate", supervision="requires-improvement")
    right["status"] = "completed"
    merged = merge_fields([BASE], left, right, ANSWERS)
    assert merged.conflicts == ("answers.overall",)
    assert merged.values["status"] == "completed"
    assert merged.values["answers"]["recording"] == {"value": "inadequate"}
    assert merged.values["answers"]["supervision"] == {"value": "good"}


def test_the_same_change_on_both_sides_is_no_clash() -> None:
    both = audit(overall="outstanding", recording="good", supervision="requires-improvement")
    assert merge_fields([BASE], both, dict(both), ANSWERS).conflicts == ()


def test_an_answer_added_on_one_side_and_removed_on_the_other() -> None:
    left = audit(overall="good", recording="good", supervision="requires-improvement", voice="good")
    right = audit(overall="good", recording="good")  # supervision cleared
    merged = merge_fields([BASE], left, right, ANSWERS)
    assert merged.conflicts == ()
    assert set(merged.values["answers"]) == {"overall", "recording", "voice"}


def test_deleting_on_one_side_while_editing_on_the_other_clashes() -> None:
    deleted = {**BASE, "deleted": True}
    edited = audit(overall="outstanding", recording="good", supervision="requires-improvement")
    # The edit would vanish with the record: the QA officer decides.
    assert merge_fields([BASE], deleted, edited, ANSWERS).conflicts == ("deleted",)
    assert merge_fields([BASE], edited, deleted, ANSWERS).conflicts == ("deleted",)
    # A deletion beside a side that changed nothing simply stands.
    merged = merge_fields([BASE], deleted, dict(BASE), ANSWERS)
    assert (merged.conflicts, merged.values["deleted"]) == ((), True)


def test_without_a_common_ancestor_every_difference_clashes() -> None:
    left = audit(overall="good")
    right = audit(overall="inadequate")
    assert merge_fields([], left, right, ANSWERS).conflicts == ("answers.overall",)


def test_ancestors_that_disagree_leave_the_base_unknown() -> None:
    one, two = audit(overall="good"), audit(overall="inadequate")
    left, right = audit(overall="good"), audit(overall="outstanding")
    # With either base alone one side looks unchanged; with both, nothing can be told.
    assert merge_fields([one, two], left, right, ANSWERS).conflicts == ("answers.overall",)


GRAPH: dict[str, tuple[str, ...]] = {
    "root": (),
    "a1": ("root",),
    "b1": ("root",),
    "a2": ("a1",),
    "m": ("a1", "b1"),
    "c1": ("root",),
}


def test_the_best_common_ancestor_is_the_nearest() -> None:
    assert merge_bases(["a2"], ["m"], GRAPH.__getitem__) == ["a1"]
    assert merge_bases(["a2"], ["b1"], GRAPH.__getitem__) == ["root"]
    assert merge_bases(["a2", "b1"], ["c1"], GRAPH.__getitem__) == ["root"]


def test_merging_heads_gives_the_same_result_in_any_order() -> None:
    contents = {
        "root": BASE,
        "a1": audit(overall="outstanding", recording="good", supervision="requires-improvement"),
        "b1": audit(overall="good", recording="inadequate", supervision="requires-improvement"),
        "c1": audit(overall="good", recording="good", supervision="good"),
    }
    graph = {key: GRAPH[key] for key in contents}
    results = {
        repr(merge_heads(order, graph.__getitem__, contents.__getitem__, ANSWERS))
        for order in itertools.permutations(["a1", "b1", "c1"])
    }
    assert len(results) == 1
    merged = merge_heads(["c1", "b1", "a1"], graph.__getitem__, contents.__getitem__, ANSWERS)
    assert merged.conflicts == ()
    assert {k: v["value"] for k, v in merged.values["answers"].items()} == {
        "overall": "outstanding",
        "recording": "inadequate",
        "supervision": "good",
    }


def test_the_common_ancestor_of_a_long_history_is_found_in_one_walk() -> None:
    # A crafted package may carry thousands of versions; one walk finds the base (a walk per
    # common ancestor, as before, took seconds here and minutes for a few megabytes).
    chain = {f"v{n}": (f"v{n - 1}",) if n else () for n in range(20_000)}
    chain |= {"left": ("v19999",), "right": ("v19999",)}
    assert merge_bases(["left"], ["right"], chain.__getitem__) == ["v19999"]
