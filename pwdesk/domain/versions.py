"""Record versions, like commits: an id from canonical content and parent ids, and ancestry.

Every record that travels between machines changes by versions. Comparing the version a database
holds with one arriving from elsewhere gives one of four relations, which decide a merge.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable
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


def ancestors(version: str, parents_of: ParentsOf) -> set[str]:
    """Every version reachable through parents from ``version``, itself excluded."""
    seen: set[str] = set()
    stack = list(parents_of(version))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(parents_of(current))
    return seen


def relation(local: str, incoming: str, parents_of: ParentsOf) -> Relation:
    """Compare two versions of one record through the parent links ``parents_of`` knows."""
    if local == incoming:
        return Relation.EQUAL
    if local in ancestors(incoming, parents_of):
        return Relation.FAST_FORWARD
    if incoming in ancestors(local, parents_of):
        return Relation.STALE
    return Relation.CONFLICT
