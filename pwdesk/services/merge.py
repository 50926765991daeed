"""Merge: every laptop's work reaches the QA officer, with nothing lost or doubled.

Merging follows the record/version model: an incoming version that the database already has,
or that an existing version descends from, changes nothing; one that descends from every current
version moves the record forward; anything else is a conflict, and every concurrent version is
kept until the QA officer resolves it. Clocks play no part. A merge is one transaction, and
nothing is written until every package has been decrypted, verified and checked.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import parse_template
from pwdesk.domain.versions import (
    advance_heads,
)
from pwdesk.exchange.checking import (
    CheckCache,
    CheckedPackage,
    IncomingRecord,
    IncomingVersion,
    package_bytes,
    read_package,
)
from pwdesk.exchange.package import (
    PackageError,
)
from pwdesk.services.checks import (
    merge_check,
)
from pwdesk.services.incoming import check_references, check_values, chunks, forms_for
from pwdesk.services.merge_log import SeenAgain, already_merged, log_packages, merged_before
from pwdesk.services.signers import SignerInfo, admit_signers
from pwdesk.services.templates import built_in_templates
from pwdesk.store.database import Database
from pwdesk.store.models import (
    VERSIONED_MODELS,
    Child,
    ConflictHead,
    Practitioner,
    RecordVersion,
    StoredTemplate,
    Versioned,
)
from pwdesk.store.records import (
    apply_content,
    settle_heads,
    show_version,
)


class MergeCancelled(PwdeskError):
    """The user cancelled a merge before it was written; nothing changed."""


@dataclass
class MergeResult:
    """The outcome of a merge, counted by record."""

    packages: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    stale: int = 0
    merged: int = 0  # records whose concurrent versions were combined automatically
    conflicts: int = 0
    already_merged: int = 0  # packages merged before, recognised and skipped
    signers: list[dict[str, Any]] = field(default_factory=list)
    possible_duplicates: list[str] = field(default_factory=list)
    trusted: list[SignerInfo] = field(default_factory=list)  # signers trusted by this merge

    def as_json(self) -> dict[str, Any]:
        """The counts ``pwdesk merge --json`` prints."""
        return {
            "packages": self.packages,
            "new": self.new,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "stale": self.stale,
            "merged": self.merged,
            "conflicts": self.conflicts,
            "already_merged": self.already_merged,
            "signers": self.signers,
            "newly_trusted": [signer.as_json() for signer in self.trusted],
            "possible_duplicates": self.possible_duplicates,
        }


def _import_templates(session: Session, db: Database, packages: Sequence[CheckedPackage]) -> None:
    shipped = {template.key: text for template, text in built_in_templates()}
    for package in packages:
        for template_id, version, source in package.templates:
            if (template_id, version) in shipped:
                continue
            stored = session.get(StoredTemplate, (template_id, version))
            if stored is None:
                template = parse_template(source, template_id)
                session.add(
                    StoredTemplate(
                        template_id=template_id,
                        version=version,
                        kind=template.kind.value,
                        title=template.title,
                        source=source,
                        sha256=hashlib.sha256(source.encode("utf-8")).hexdigest(),
                        imported_at=db.clock(),
                    )
                )
                session.flush()
            elif stored.source != source:
                raise PackageError(
                    f"{package.name}: its form template {template_id} version {version} differs "
                    "from the one this database has."
                )


def merge_packages(
    db: Database,
    paths: Sequence[Path],
    *,
    passphrase: str | None = None,
    private_key: X25519PrivateKey | None = None,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    trust_new: bool = False,
) -> MergeResult:
    """Merge packages into the database: all of them in one transaction, or none at all.

    A package is applied only if its signer is trusted (see ``admit_signers``); ``trust_new``
    trusts the unknown signers of these packages, after the user compared their fingerprints.
    """

    def step(done: int, total: int, what: str) -> None:
        if cancelled is not None and cancelled():
            raise MergeCancelled("The merge was cancelled; nothing was changed.")
        if progress is not None:
            progress(done, total, what)

    packages: list[CheckedPackage] = []
    in_order: list[CheckedPackage | SeenAgain] = []  # the packages as given, for the merge log
    verified = CheckCache()
    logged = merged_before(db)
    result = MergeResult(packages=len(paths))
    for index, path in enumerate(paths):
        step(index, len(paths) * 2, f"Checking {path.name}")
        data = package_bytes(path)
        again = already_merged(path, data, logged, passphrase, private_key)
        if again is None:
            package = read_package(
                path, passphrase=passphrase, private_key=private_key, verified=verified, data=data
            )
            packages.append(package)
        result.already_merged += again is not None
        in_order.append(again or package)
    if not packages:
        with db.write() as session:
            log_packages(session, db, in_order, result)
        return result
    forms = forms_for(db, packages)
    with db.read() as session:
        check_references(session, packages, {t.key for t in forms.all_templates()})
        admit_signers(session, db, packages, trust_new=trust_new, record=False)
        check_values(session, packages, forms)
    step(len(paths), len(paths) * 2, "Merging")
    with db.write() as session:
        result.trusted = admit_signers(session, db, packages, trust_new=trust_new)
        _import_templates(session, db, packages)
        merged: dict[str, IncomingRecord] = {}
        for package in packages:
            for record in package.records:
                earlier = merged.get(record.id)
                if earlier is not None and earlier.type != record.type:
                    raise PackageError(f"{package.name}: record {record.id} changes its kind.")
                heads = tuple(dict.fromkeys((*(earlier.heads if earlier else ()), *record.heads)))
                merged[record.id] = IncomingRecord(record.type, record.id, heads, ())
        by_record: dict[str, list[IncomingVersion]] = {}
        for package in packages:
            for record in package.records:
                by_record.setdefault(record.id, []).extend(record.versions)
        for index, model in enumerate(VERSIONED_MODELS):
            step(
                len(paths) + index * len(paths) // len(VERSIONED_MODELS),
                len(paths) * 2,
                f"Merging {model.RECORD_TYPE} records",
            )
            records = [r for r in merged.values() if r.type == model.RECORD_TYPE]
            _merge_model(session, db, model, records, by_record, result)
        _note_duplicates(session, result)
        step(len(paths) * 2 - 1, len(paths) * 2, "Writing")
        log_packages(session, db, in_order, result)
    return result


@dataclass
class _Known:
    """What the store holds of a model's incoming records, read in chunks before merging."""

    parents: dict[str, dict[str, tuple[str, ...]]]  # record id -> version id -> its parents
    rows: dict[str, Versioned]
    conflict_heads: dict[str, set[str]]

    def parents_of(self, record_id: str) -> Callable[[str], tuple[str, ...]]:
        """The parents of each version of one record, as far as the store and package know."""
        parents = self.parents[record_id]
        return lambda version: parents.get(version, ())

    @classmethod
    def load(cls, session: Session, model: type[Versioned], ids: list[str]) -> _Known:
        known = cls({rid: {} for rid in ids}, {}, {})
        for chunk in chunks(ids):
            for rid, vid, parents in session.execute(
                select(RecordVersion.record_id, RecordVersion.id, RecordVersion.parents).where(
                    RecordVersion.record_id.in_(chunk)
                )
            ):
                known.parents[rid][vid] = tuple(parents)
            for loaded in session.scalars(select(model).where(model.id.in_(chunk))):
                known.rows[loaded.id] = loaded
            for rid, vid in session.execute(
                select(ConflictHead.record_id, ConflictHead.version_id).where(
                    ConflictHead.record_id.in_(chunk)
                )
            ):
                known.conflict_heads.setdefault(rid, set()).add(vid)
        return known


def _new_versions(
    records: list[IncomingRecord],
    by_record: dict[str, list[IncomingVersion]],
    known: _Known,
) -> list[RecordVersion]:
    """The incoming versions the store does not hold yet, noted in ``known`` as they are met."""
    new_versions = []
    for record in records:
        parents = known.parents[record.id]
        for version in by_record[record.id]:
            if version.id not in parents:
                parents[version.id] = version.parents
                new_versions.append(
                    RecordVersion(
                        id=version.id,
                        record_type=record.type,
                        record_id=record.id,
                        parents=list(version.parents),
                        content=version.content,
                        deleted=version.deleted,
                        device_id=version.device_id,
                        author=version.author,
                        created_at=version.created_at,
                    )
                )
    return new_versions


def _merge_model(
    session: Session,
    db: Database,
    model: type[Versioned],
    records: list[IncomingRecord],
    by_record: dict[str, list[IncomingVersion]],
    result: MergeResult,
) -> None:
    ids = sorted(r.id for r in records)
    known = _Known.load(session, model, ids)
    session.add_all(_new_versions(records, by_record, known))
    session.flush()
    check = merge_check(db)
    contents = {v.id: v for rid in ids for v in by_record[rid]}
    settled: list[str] = []  # records whose old conflict heads go
    for record in records:
        row: Versioned | None = known.rows.get(record.id)
        was_in_conflict = record.id in known.conflict_heads
        current = known.conflict_heads.get(record.id) or ({row.head} if row else set())
        heads, outcome = advance_heads(current, record.heads, known.parents_of(record.id))
        if row is None:
            row = model()
            row.id = record.id
            session.add(row)
        if heads != current:
            _show(session, row, min(heads), contents)
            if len(heads) > 1:
                # Concurrent versions: combined answer by answer where they do not clash.
                outcome = settle_heads(
                    session, db, row, heads, clear=was_in_conflict, check=check
                ).outcome
            elif was_in_conflict:
                settled.append(record.id)
        counter = "conflicts" if outcome == "conflict" else outcome
        setattr(result, counter, getattr(result, counter) + 1)
    for chunk in chunks(settled):
        session.execute(delete(ConflictHead).where(ConflictHead.record_id.in_(chunk)))
    session.flush()


def _show(
    session: Session, row: Versioned, shown: str, contents: dict[str, IncomingVersion]
) -> None:
    """Make ``shown`` the version the record's row holds, from the package or from the store."""
    if row.head == shown:
        return
    arriving = contents.get(shown)
    if arriving is None:
        show_version(session, row, shown)
    else:
        apply_content(row, arriving.content)
        row.head = shown
        row.deleted = arriving.deleted


def _note_duplicates(session: Session, result: MergeResult) -> None:
    """Children or practitioners who may be the same person under two records: shown, never
    joined."""
    seen: dict[str, list[str]] = {}
    for rid, reference in session.execute(
        select(Child.id, Child.case_reference).where(Child.deleted.is_(False))
    ):
        seen.setdefault(reference.casefold(), []).append(rid)
    for reference, ids in sorted(seen.items()):
        if len(ids) > 1:
            result.possible_duplicates.append(
                f"{len(ids)} child records share the case reference {reference.upper()}."
            )
    people: dict[tuple[str, str], int] = {}
    for name, team in session.execute(
        select(Practitioner.name, Practitioner.team).where(Practitioner.deleted.is_(False))
    ):
        key = (name.casefold(), team.casefold())
        people[key] = people.get(key, 0) + 1
    for (name, team), count in sorted(people.items()):
        if count > 1:
            result.possible_duplicates.append(
                f"{count} practitioner records are named {name.title()}"
                + (f" in {team.title()}." if team else ".")
            )


def canonical_dump(db: Database) -> dict[str, Any]:
    """Every record's current state, versions and conflicts, in a fixed order (for tests and
    checks that two databases hold the same work)."""
    dump: dict[str, Any] = {}
    with db.read() as session:
        for model in VERSIONED_MODELS:
            dump[model.RECORD_TYPE] = [
                {"id": row.id, "head": row.head, "deleted": row.deleted}
                for row in session.scalars(select(model).order_by(model.id))
            ]
        dump["versions"] = sorted(session.scalars(select(RecordVersion.id)))
        dump["conflicts"] = sorted(
            (rid, vid)
            for rid, vid in session.execute(select(ConflictHead.record_id, ConflictHead.version_id))
        )
    return dump
