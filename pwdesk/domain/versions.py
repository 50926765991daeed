"""Record versions, like commits: an id from canonical content and parent ids, and ancestry.

Every record that travels between machines changes by versions. Comparing the version a database
holds with one arriving from elsewhere gives one of four relations, which decide a merge.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


def canonical_json(value: Any) -> bytes:
    """One byte string per value: sorted keys, no spaces, UTF-8, no NaN or infinity."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def check_plain(value: Any, where: str = "content") -> None:
    """Raise ValueError unless ``value`` is plain JSON data with text keys and finite numbers."""
    if value is None or isinstance(value, str | bool | int):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} holds a number that is not finite")
        return
    if isinstance(value, list):
        for index, item in enumerate(value):
            check_plain(item, f"{where}[{index}]")
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError(f"{where} has a key that is not text")
            check_plain(item, f"{where}.{key}")
        return
    raise ValueError(f"{where} holds a {type(value).__name__}, which is not plain data")


def version_id(
    record_type: str,
    record_id: str,
    content: dict[str, Any],
    parents: Iterable[str],
    *,
    deleted: bool = False,
) -> str:
    """The id of a version: SHA-256 over the record, its content, its parents and tombstone flag.

    Device, author and time are not part of it, so two machines making the same change from the
    same parent agree on the version rather than conflicting.
    """
    check_plain(content)
    body = {
        "type": record_type,
        "record": record_id,
        "content": content,
        "parents": sorted(set(parents)),
        "deleted": deleted,
    }
    return hashlib.sha256(canonical_json(body)).hexdigest()


class Relation(StrEnum):
    """How an incoming version stands to the local current version of the same record."""

    EQUAL = "unchanged"
    FAST_FORWARD = "fast-forward"  # the local version is an ancestor of the incoming one
    STALE = "stale"  # the incoming version is an ancestor of the local one
    CONFLICT = "conflict"  # neither descends from the other


ParentsOf = Callable[[str], Iterable[str]]


def _reach(versions: Iterable[str], parents_of: ParentsOf) -> set[str]:
    """The versions given and every version reachable from them through parents."""
    seen: set[str] = set()
    stack = list(versions)
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(parents_of(current))
    return seen


def ancestors(version: str, parents_of: ParentsOf) -> set[str]:
    """Every version reachable through parents from ``version``, itself excluded."""
    return _reach(parents_of(version), parents_of)


def relation(local: str, incoming: str, parents_of: ParentsOf) -> Relation:
    """Compare two versions of one record through the parent links ``parents_of`` knows."""
    if local == incoming:
        return Relation.EQUAL
    if local in ancestors(incoming, parents_of):
        return Relation.FAST_FORWARD
    if incoming in ancestors(local, parents_of):
        return Relation.STALE
    return Relation.CONFLICT


# --- three-way merge --------------------------------------------------------------------------

DELETED_FIELD = "deleted"
"""The tombstone flag merges like a field of its own under this name (no content field has it)."""


class _Unknown:
    """A base value that cannot be told: the record's best common ancestors disagree on it."""

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()
_ABSENT: Any = object()


def advance_heads(
    heads: Iterable[str], incoming: Iterable[str], parents_of: ParentsOf
) -> tuple[set[str], str]:
    """A record's heads once ``incoming`` heads arrive, and how they stood to the old ones.

    An incoming head the record already holds, or one that is an ancestor of a held head,
    changes nothing ("unchanged", "stale"); one that descends from held heads replaces them; one
    that is neither stands beside them. The outcome is "new" for a record met for the first
    time, "updated" when it moved on, and "conflict" when more than one head is left.
    """
    before = set(heads)
    current = set(before)
    outcome = "unchanged"
    for head in incoming:
        if head in current:
            continue
        if any(head in ancestors(h, parents_of) for h in current):
            outcome = "stale" if outcome == "unchanged" else outcome
            continue
        current = {h for h in current if h not in ancestors(head, parents_of)} | {head}
        outcome = "changed"
    if not before:
        outcome = "conflict" if len(current) > 1 else "new"
    elif outcome == "changed":
        outcome = "conflict" if len(current) > 1 else "updated"
    return current, outcome


def merge_bases(left: Iterable[str], right: Iterable[str], parents_of: ParentsOf) -> list[str]:
    """The best common ancestors of two sets of versions (each set counting as one side).

    A common ancestor is best when no other common ancestor descends from it. Linear in the
    history: the ancestors of a common ancestor are common too, so one walk from the parents of
    every common version finds all that are superseded. Sorted, so the result does not depend
    on the order anything was stored in.
    """
    common = _reach(left, parents_of) & _reach(right, parents_of)
    superseded = _reach((p for version in common for p in parents_of(version)), parents_of)
    return sorted(common - superseded)


def _base_of(bases: list[dict[str, Any]], key: str) -> Any:
    if not bases:
        return _ABSENT
    values = [base.get(key, _ABSENT) for base in bases]
    return values[0] if all(value == values[0] for value in values) else UNKNOWN


def _merge_value(base: Any, left: Any, right: Any) -> tuple[Any, bool]:
    """One value merged three ways; the second item says whether the two sides conflict."""
    if left == right:
        return left, False
    if base is not UNKNOWN and left == base:
        return right, False
    if base is not UNKNOWN and right == base:
        return left, False
    return left, True


@dataclass(frozen=True)
class FieldsMerge:
    """Two sides' fields merged against their common ancestors.

    ``values`` holds every field, the left side's value where the sides conflict; ``conflicts``
    names the fields changed differently on both sides (``answers.<item>`` for one answer).
    """

    values: dict[str, Any]
    conflicts: tuple[str, ...]


def merge_fields(
    bases: list[dict[str, Any]],
    left: dict[str, Any],
    right: dict[str, Any],
    by_key: frozenset[str] = frozenset(),
) -> FieldsMerge:
    """Merge two versions' fields field by field; the fields in ``by_key`` (objects such as an
    audit's answers) key by key, so edits to different answers combine."""
    values: dict[str, Any] = {}
    conflicts: list[str] = []
    for name in sorted(set(left) | set(right)):
        mine, theirs = left.get(name, _ABSENT), right.get(name, _ABSENT)
        if name in by_key and isinstance(mine, dict) and isinstance(theirs, dict):
            inner_bases = [base[name] for base in bases if isinstance(base.get(name), dict)]
            inner = merge_fields(inner_bases, mine, theirs)
            values[name] = inner.values
            conflicts.extend(f"{name}.{key}" for key in inner.conflicts)
            continue
        value, clash = _merge_value(_base_of(bases, name), mine, theirs)
        if clash:
            conflicts.append(name)
        if value is not _ABSENT:
            values[name] = value
    if _deleted_over_an_edit(bases, left, right) and DELETED_FIELD not in conflicts:
        conflicts.append(DELETED_FIELD)
    return FieldsMerge(values, tuple(conflicts))


def _deleted_over_an_edit(
    bases: list[dict[str, Any]], left: dict[str, Any], right: dict[str, Any]
) -> bool:
    """Whether one side deleted the record while the other changed it: never decided quietly,
    since the change would vanish with the record."""
    left_deleted, right_deleted = left.get(DELETED_FIELD), right.get(DELETED_FIELD)
    if bool(left_deleted) == bool(right_deleted):
        return False
    living = right if left_deleted else left
    return any(living[name] != _base_of(bases, name) for name in living if name != DELETED_FIELD)


FieldsOf = Callable[[str], dict[str, Any]]


def merge_heads(
    heads: Iterable[str],
    parents_of: ParentsOf,
    fields_of: FieldsOf,
    by_key: frozenset[str] = frozenset(),
) -> FieldsMerge:
    """Merge every concurrent head of one record into one set of fields.

    Heads are taken in sorted order, each merged into the ones before against their best common
    ancestors, so the same heads give the same result on any machine. ``fields_of`` gives a
    version's content with its tombstone flag under DELETED_FIELD.
    """
    ordered = sorted(set(heads))
    if not ordered:
        raise ValueError("a record needs at least one head to merge")
    merged = FieldsMerge(dict(fields_of(ordered[0])), ())
    done = [ordered[0]]
    for head in ordered[1:]:
        bases = [fields_of(base) for base in merge_bases(done, [head], parents_of)]
        step = merge_fields(bases, merged.values, fields_of(head), by_key)
        conflicts = tuple(dict.fromkeys((*merged.conflicts, *step.conflicts)))
        merged = FieldsMerge(step.values, conflicts)
        done.append(head)
    return merged
