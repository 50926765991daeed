"""Conflicts: records whose versions clash after a merge, shown field by field and answer by
answer, and their resolution by the QA officer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import (
    DELETED_FIELD,
)
from pwdesk.services.checks import (
    MergeCheck,
    content_problems,
    merge_check,
)
from pwdesk.services.common import NotFound
from pwdesk.store.database import Database
from pwdesk.store.models import (
    MODELS,
    ConflictHead,
)
from pwdesk.store.records import (
    History,
    apply_content,
    content_columns,
    current_heads,
    merged_heads,
    save_version,
)


@dataclass(frozen=True)
class ConflictVersion:
    """One of a conflict's concurrent versions."""

    id: str
    device_id: str
    author: str
    created_at: datetime
    content: dict[str, Any]
    deleted: bool
    local: bool  # made on this device


@dataclass(frozen=True)
class ConflictingField:
    """A field, or one answer (``answers.<item>``), changed differently by concurrent versions:
    each version's value, ``None`` where a version has no such answer."""

    name: str
    values: tuple[tuple[str, Any], ...]  # (version id, value), in the versions' order


@dataclass(frozen=True)
class Conflict:
    """A record with more than one current version.

    ``fields`` are the only places the versions clash; ``merged`` is the record with everything
    else combined, the start of a resolution.
    """

    record_type: str
    record_id: str
    shown: str  # the version the record shows meanwhile
    versions: tuple[ConflictVersion, ...]
    fields: tuple[ConflictingField, ...] = ()
    merged: dict[str, Any] = field(default_factory=dict)


def _field_value(fields: Mapping[str, Any], name: str) -> Any:
    """A version's value of a field, or of one answer for ``answers.<item>``."""
    top, dot, key = name.partition(".")
    if dot and top in fields and isinstance(fields[top], dict) and name not in fields:
        return fields[top].get(key)
    return fields.get(name)


def _conflict_in(
    session: Session, db: Database, record_id: str, record_type: str, check: MergeCheck
) -> Conflict:
    model = MODELS[record_type]
    row = session.get(model, record_id)
    heads = sorted(current_heads(session, row)) if row is not None else []
    history = History(session, record_id)
    versions = []
    for vid in heads:
        v = history.version(vid)
        versions.append(
            ConflictVersion(
                v.id,
                v.device_id,
                v.author,
                v.created_at,
                dict(v.content),
                v.deleted,
                v.device_id == db.identity.device_id,
            )
        )
    merged = merged_heads(history, model, set(heads), check)
    clashes = tuple(
        ConflictingField(name, tuple((v, _field_value(history.fields_of(v), name)) for v in heads))
        for name in merged.conflicts
    )
    return Conflict(
        record_type, record_id, row.head if row else "", tuple(versions), clashes, merged.values
    )


def list_conflicts(db: Database) -> list[Conflict]:
    """Every record in conflict, with all its concurrent versions and where they clash."""
    with db.read() as session:
        types = dict(
            session.execute(select(ConflictHead.record_id, ConflictHead.record_type)).all()
        )
        check = merge_check(db)
        return [_conflict_in(session, db, rid, types[rid], check) for rid in sorted(types)]


class ResolutionOutdated(PwdeskError):
    """The conflict has changed since it was shown: resolving it would supersede unseen work."""


def _pick(conflict: Conflict, choice: str) -> ConflictVersion:
    if choice in ("local", "incoming"):
        wanted = [v for v in conflict.versions if v.local == (choice == "local")]
        if len(wanted) != 1:
            raise PwdeskError(
                f"There is no single {choice} version of this record; name the version by "
                "the start of its id (see pwdesk conflicts)."
            )
        return wanted[0]
    wanted = [v for v in conflict.versions if v.id.startswith(choice)]
    if len(wanted) != 1 or not choice:
        raise PwdeskError(f"No single version of this record has an id starting with {choice}.")
    return wanted[0]


def _resolved_fields(
    conflict: Conflict,
    take: str | None,
    fields: Mapping[str, str],
    answers: Mapping[str, str],
) -> dict[str, Any]:
    """The resolution's fields: a version whole, or the merged record with a choice per clash."""
    if take is not None and not fields and not answers:
        chosen = _pick(conflict, take)
        return {**chosen.content, DELETED_FIELD: chosen.deleted}
    values = {k: (dict(v) if isinstance(v, dict) else v) for k, v in conflict.merged.items()}
    by_key = MODELS[conflict.record_type].MERGE_BY_KEY
    choices = dict(fields)
    for item, choice in answers.items():
        if "answers" not in by_key:
            raise PwdeskError(f"A {conflict.record_type} record has no answers to choose between.")
        choices[f"answers.{item}"] = choice
    known = set(values) | {c.name for c in conflict.fields}
    for name in choices:
        top = name.partition(".")[0]
        if name not in known and not (top in by_key and top in values):
            raise PwdeskError(f"A {conflict.record_type} record has no field {name!r}.")
    for clash in conflict.fields:
        if clash.name.partition(".")[0] in choices:
            continue  # the whole field is taken from one version
        if clash.name not in choices and take is None:
            raise PwdeskError(
                f"Choose a version for {clash.name}, where the versions differ "
                "(see pwdesk conflicts)."
            )
        choices.setdefault(clash.name, take or "")
    for name, choice in choices.items():
        version = _pick(conflict, choice)
        value = _field_value({**version.content, DELETED_FIELD: version.deleted}, name)
        top, dot, key = name.partition(".")
        if dot and top in by_key and isinstance(values.get(top), dict):
            if value is None:
                values[top].pop(key, None)
            else:
                values[top][key] = value
        else:
            values[name] = value
    return values


def _same_versions(heads: Sequence[str], shown: Sequence[str]) -> bool:
    """Whether the versions shown (full ids, or starts of ids as the CLI prints them) are
    exactly the current heads: none missing, none superseded, none new."""
    given = [s.strip().lower() for s in shown if s.strip()]
    return all(any(h.startswith(s) for h in heads) for s in given) and all(
        sum(h.startswith(s) for s in given) >= 1 for h in heads
    )


def resolve_conflict(
    db: Database,
    record_id: str,
    take: str | None = None,
    fields: Mapping[str, str] | None = None,
    *,
    answers: Mapping[str, str] | None = None,
    shown: Sequence[str] | None = None,
) -> str:
    """Resolve a conflict with a new version whose parents are the concurrent versions.

    ``take`` alone keeps one version whole (``local``, ``incoming`` or a version id or prefix).
    Otherwise the resolution is the merged record, with each clash taken from the version named
    for it in ``fields`` or (for one answer) ``answers``, and ``take`` for any clash not named.
    ``shown`` is the versions the user looked at (ids or their starts): if the conflict has
    others now, nothing is written (ResolutionOutdated). Returns the new version's id.
    """
    if len(record_id) < 4:
        raise PwdeskError("Give at least the first four characters of the record id.")
    with db.write() as session:
        found = session.execute(
            select(ConflictHead.record_id, ConflictHead.record_type)
            .where(ConflictHead.record_id.startswith(record_id, autoescape=True))
            .distinct()
        ).all()
        if not found:
            raise NotFound(f"No record in conflict has an id starting with {record_id}.")
        if len(found) > 1:
            raise PwdeskError(
                f"More than one record in conflict starts with {record_id}; give more."
            )
        conflict = _conflict_in(
            session, db, found[0].record_id, found[0].record_type, merge_check(db)
        )
        heads = sorted(v.id for v in conflict.versions)
        if shown is not None and not _same_versions(heads, shown):
            raise ResolutionOutdated(
                "Another version of this record arrived after the conflict was shown, so "
                "nothing was changed: look at the conflict again."
            )
        values = _resolved_fields(conflict, take, fields or {}, answers or {})
        deleted = bool(values.pop(DELETED_FIELD, False))
        model = MODELS[conflict.record_type]
        problems = [] if deleted else content_problems(db, model, values)
        if problems:
            raise PwdeskError(f"This resolution cannot be saved: {problems[0]}")
        row = session.get(model, conflict.record_id)
        assert row is not None
        apply_content(row, values)
        session.execute(delete(ConflictHead).where(ConflictHead.record_id == conflict.record_id))
        new = save_version(session, db, row, deleted=deleted, parents=heads)
        assert new is not None
    return new


def content_fields(record_type: str) -> list[str]:
    """The fields of a record type, in order, for showing versions side by side."""
    return [column.key for column in content_columns(MODELS[record_type])]
