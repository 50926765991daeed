"""Record versions: canonical JSON, version ids, ancestry and how two versions relate."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any

import pytest

from pwdesk.domain.versions import (
    Relation,
    advance_heads,
    ancestors,
    canonical_json,
    check_plain,
    relation,
    version_id,
)

# --- canonical_json and check_plain --------------------------------------------------------------


def test_canonical_json_ignores_key_order_at_every_depth() -> None:
    one = {"b": 1, "a": {"y": [1, 2], "x": None}}
    other = {"a": {"x": None, "y": [1, 2]}, "b": 1}
    assert canonical_json(one) == canonical_json(other)
    assert canonical_json(one) == b'{"a":{"x":null,"y":[1,2]},"b":1}'


def test_canonical_json_keeps_list_order() -> None:
    assert canonical_json([1, 2]) != canonical_json([2, 1])


def test_canonical_json_keeps_non_ascii_as_utf8() -> None:
    encoded = canonical_json({"name": "Zoë Łukasz 子"})
    assert encoded == '{"name":"Zoë Łukasz 子"}'.encode()
    assert b"\\u" not in encoded
    assert json.loads(encoded) == {"name": "Zoë Łukasz 子"}


@pytest.mark.parametrize("number", [float("nan"), float("inf"), float("-inf")])
def test_canonical_json_refuses_non_finite_numbers(number: float) -> None:
    with pytest.raises(ValueError, match="not JSON compliant"):
        canonical_json({"score": number})


@pytest.mark.parametrize(
    "value",
    [
        None,
        "text",
        "",
        True,
        0,
        -3,
        2.5,
        [],
        {},
        {"a": [1, "b", None, {"c": False}], "d": {"e": 1.5}},
    ],
)
def test_check_plain_accepts_json_data(value: Any) -> None:
    check_plain(value)  # must not raise
    assert json.loads(canonical_json(value)) == value


@pytest.mark.parametrize(
    ("value", "where"),
    [
        ({"score": float("nan")}, "content.score holds a number that is not finite"),
        ({"list": [1, float("inf")]}, r"content.list\[1\] holds a number that is not finite"),
        ({"a": {"b": (1, 2)}}, "content.a.b holds a tuple, which is not plain data"),
        ({"when": {1, 2}}, "content.when holds a set"),
        ({1: "one"}, "content has a key that is not text"),
        ({"a": {None: 1}}, "content.a has a key that is not text"),
        (b"bytes", "content holds a bytes"),
        (object(), "content holds a object"),
    ],
)
def test_check_plain_refuses_and_says_where(value: Any, where: str) -> None:
    with pytest.raises(ValueError, match=where):
        check_plain(value)


def test_check_plain_names_the_place_it_is_given() -> None:
    with pytest.raises(ValueError, match=r"^answers\[0\] holds a tuple"):
        check_plain([()], "answers")


# --- version_id ----------------------------------------------------------------------------------

CONTENT = {"child": "C-1", "answers": {"aspect": {"value": "good"}}}


def make_id(
    *,
    record_type: str = "audit",
    record_id: str = "rec-1",
    content: dict[str, Any] | None = None,
    parents: Iterable[str] = ("p1",),
    deleted: bool = False,
) -> str:
    return version_id(
        record_type,
        record_id,
        CONTENT if content is None else content,
        parents,
        deleted=deleted,
    )


def test_version_id_is_a_sha256_hex_digest() -> None:
    vid = make_id()
    assert len(vid) == 64
    assert set(vid) <= set("0123456789abcdef")


def test_version_id_is_sha256_of_the_canonical_body() -> None:
    # Recompute by hand from the documented recipe, so other implementations can agree on ids.
    body = {
        "type": "audit",
        "record": "rec-1",
        "content": CONTENT,
        "parents": ["p1"],
        "deleted": False,
    }
    expected = hashlib.sha256(
        json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert make_id() == expected


def test_version_id_is_deterministic() -> None:
    assert make_id() == make_id()
    reordered = {"answers": {"aspect": {"value": "good"}}, "child": "C-1"}
    assert make_id(content=reordered) == make_id()


@pytest.mark.parametrize(
    "change",
    [
        {"record_type": "observation"},
        {"record_id": "rec-2"},
        {"content": {"child": "C-1", "answers": {"aspect": {"value": "outstanding"}}}},
        {"content": {}},
        {"parents": ("p2",)},
        {"parents": ()},
        {"parents": ("p1", "p2")},
        {"deleted": True},
    ],
    ids=["type", "record", "content", "empty-content", "parent", "root", "merge", "deleted"],
)
def test_version_id_changes_with_each_part(change: Mapping[str, Any]) -> None:
    assert make_id(**change) != make_id()


def test_version_id_ignores_parent_order_and_repeats() -> None:
    assert make_id(parents=["a", "b"]) == make_id(parents=["b", "a"])
    assert make_id(parents=["a", "b", "a"]) == make_id(parents=("b", "a"))
    assert make_id(parents=iter(["b", "a"])) == make_id(parents={"a", "b"})


def test_version_id_refuses_content_that_is_not_plain() -> None:
    with pytest.raises(ValueError, match="not finite"):
        make_id(content={"moves": float("nan")})
    with pytest.raises(ValueError, match="not plain data"):
        make_id(content={"due": ("2018", "10")})


# --- a hand-built version graph -------------------------------------------------------------------
#
#   root ── a ── b ──────── merge ── after-merge
#            \            /
#             c ── d ────┘
#             \
#              e            (a branch never merged)

GRAPH: dict[str, tuple[str, ...]] = {
    "root": (),
    "a": ("root",),
    "b": ("a",),
    "c": ("a",),
    "d": ("c",),
    "e": ("c",),
    "merge": ("b", "d"),
    "after-merge": ("merge",),
}


def parents_of(version: str) -> tuple[str, ...]:
    # An unknown version has no parents we know of, as in a database missing some history.
    return GRAPH.get(version, ())


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("root", set()),
        ("a", {"root"}),
        ("d", {"c", "a", "root"}),
        ("merge", {"b", "d", "c", "a", "root"}),  # through both parents, "a" only once
        ("after-merge", {"merge", "b", "d", "c", "a", "root"}),
        ("unknown", set()),
    ],
)
def test_ancestors(version: str, expected: set[str]) -> None:
    assert ancestors(version, parents_of) == expected


def test_ancestors_visits_each_version_once() -> None:
    calls: list[str] = []

    def counting_parents_of(version: str) -> tuple[str, ...]:
        calls.append(version)
        return parents_of(version)

    ancestors("after-merge", counting_parents_of)
    # "a" is reachable through both sides of the merge but is expanded once.
    assert sorted(calls) == sorted(["after-merge", "merge", "b", "d", "c", "a", "root"])


@pytest.mark.parametrize(
    ("local", "incoming", "expected"),
    [
        ("b", "b", Relation.EQUAL),
        ("merge", "merge", Relation.EQUAL),
        ("root", "a", Relation.FAST_FORWARD),
        ("a", "after-merge", Relation.FAST_FORWARD),
        ("b", "merge", Relation.FAST_FORWARD),  # through the merge's first parent
        ("d", "merge", Relation.FAST_FORWARD),  # and through its second
        ("c", "merge", Relation.FAST_FORWARD),
        ("a", "root", Relation.STALE),
        ("merge", "b", Relation.STALE),
        ("merge", "d", Relation.STALE),
        ("after-merge", "root", Relation.STALE),
        ("b", "d", Relation.CONFLICT),
        ("d", "b", Relation.CONFLICT),
        ("e", "merge", Relation.CONFLICT),  # e's branch was never merged
        ("after-merge", "e", Relation.CONFLICT),
        ("b", "unknown", Relation.CONFLICT),
    ],
)
def test_relation(local: str, incoming: str, expected: Relation) -> None:
    assert relation(local, incoming, parents_of) is expected


def test_relation_with_real_version_ids() -> None:
    # The same shape built from content, as records really grow.
    links: dict[str, list[str]] = {}

    def commit(content: dict[str, Any], *parents: str) -> str:
        vid = version_id("audit", "rec-1", content, parents)
        links[vid] = list(parents)
        return vid

    def known_parents(version: str) -> list[str]:
        return links.get(version, [])

    first = commit({"step": 1})
    mine = commit({"step": 2, "by": "me"}, first)
    theirs = commit({"step": 2, "by": "them"}, first)
    merged = commit({"step": 3}, theirs, mine)
    # Two machines making the same change from the same parent agree on the version.
    assert commit({"step": 2, "by": "me"}, first) == mine
    assert relation(mine, mine, known_parents) is Relation.EQUAL
    assert relation(first, mine, known_parents) is Relation.FAST_FORWARD
    assert relation(mine, first, known_parents) is Relation.STALE
    assert relation(mine, theirs, known_parents) is Relation.CONFLICT
    assert relation(mine, merged, known_parents) is Relation.FAST_FORWARD
    assert relation(merged, theirs, known_parents) is Relation.STALE


def test_relation_over_a_deep_linear_history() -> None:
    # Deep enough that a recursive walk would overflow Python's stack.
    depth = 20_000
    chain = [f"v{index}" for index in range(depth)]
    parent = {chain[index]: chain[index - 1] for index in range(1, depth)}

    def linear_parents(version: str) -> list[str]:
        return [parent[version]] if version in parent else []

    assert len(ancestors(chain[-1], linear_parents)) == depth - 1
    assert relation(chain[0], chain[-1], linear_parents) is Relation.FAST_FORWARD
    assert relation(chain[-1], chain[0], linear_parents) is Relation.STALE
    assert relation(chain[-1], chain[-1], linear_parents) is Relation.EQUAL
    assert relation(chain[5000], chain[15000], linear_parents) is Relation.FAST_FORWARD
    assert relation(chain[-1], "elsewhere", linear_parents) is Relation.CONFLICT


def test_heads_advance_replace_or_stand_beside_one_another() -> None:
    parents = {"b": ("a",), "c": ("b",), "d": ("b",)}

    def parents_of(version: str) -> tuple[str, ...]:
        return parents.get(version, ())

    assert advance_heads(set(), ["a"], parents_of) == ({"a"}, "new")
    assert advance_heads({"b"}, ["b"], parents_of) == ({"b"}, "unchanged")
    assert advance_heads({"c"}, ["a"], parents_of) == ({"c"}, "stale")
    assert advance_heads({"b"}, ["c"], parents_of) == ({"c"}, "updated")
    assert advance_heads({"c"}, ["d"], parents_of) == ({"c", "d"}, "conflict")
    assert advance_heads(set(), ["c", "d"], parents_of) == ({"c", "d"}, "conflict")
