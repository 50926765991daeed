"""Export and merge: every laptop's work reaches the QA officer, with nothing lost or doubled.

Merging follows the record/version model: an incoming version that the database already has,
or that an existing version descends from, changes nothing; one that descends from every current
version moves the record forward; anything else is a conflict, and every concurrent version is
kept until the QA officer resolves it. Clocks play no part. A merge is one transaction, and
nothing is written until every package has been decrypted, verified and checked.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pwdesk import __version__
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.templates import TemplateError, parse_template
from pwdesk.domain.versions import (
    DELETED_FIELD,
    ancestors,
    check_plain,
    version_id,
)
from pwdesk.exchange import package as package_format
from pwdesk.exchange.keys import new_signing_key, signing_key_from_hex
from pwdesk.exchange.package import (
    OpenedPackage,
    PackageError,
    fingerprint,
    open_package,
    seal,
)
from pwdesk.services.checks import (
    MAX_PROBLEMS,
    SHORT_TEXT,
    Forms,
    MergeCheck,
    content_problems,
    merge_check,
    record_problems,
    text_problem,
)
from pwdesk.services.common import NotFound
from pwdesk.services.files import write_atomically
from pwdesk.services.templates import TemplateCatalogue, built_in_templates, catalogue
from pwdesk.services.weeks import week_id_in
from pwdesk.store.database import Database
from pwdesk.store.models import (
    VERSIONED_MODELS,
    Action,
    Allocation,
    Assessment,
    Auditor,
    Child,
    Cohort,
    CohortMember,
    ConflictHead,
    MergeLogEntry,
    Moderation,
    Practitioner,
    RecordVersion,
    Signer,
    StoredTemplate,
    Versioned,
)
from pwdesk.store.records import (
    ContentError,
    History,
    apply_content,
    checked_content,
    content_columns,
    current_heads,
    merged_heads,
    save_version,
    settle_heads,
    show_version,
)

MODELS: dict[str, type[Versioned]] = {model.RECORD_TYPE: model for model in VERSIONED_MODELS}
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_CHUNK = 500
MAX_RECORDS = 1_000_000  # records in one package: far above a council's year of Practice Weeks
# One record's history: thousands of saves, and dozens of devices editing it at once, are
# beyond any real audit; the bound keeps merging a crafted history cheap.
MAX_VERSIONS_PER_RECORD = 5_000
MAX_HEADS_PER_RECORD = 64


class MergeCancelled(PwdeskError):
    """The user cancelled a merge before it was written; nothing changed."""


# --- the device's signing key --------------------------------------------------------------


def signing_key(db: Database) -> Ed25519PrivateKey:
    """This database's Ed25519 signing key, made the first time it is needed."""
    stored = db.setting("signing_key")
    if not stored:
        stored = new_signing_key()
        db.set_setting("signing_key", stored)
    return signing_key_from_hex(stored)


# --- export ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    out: str
    week: str | None
    records: int
    versions: int
    counts: dict[str, int]


def _week_record_ids(session: Session, week_id: str) -> dict[type[Versioned], set[str]]:
    """Every record a week's package needs: the week and all its records refer to."""
    ids: dict[type[Versioned], set[str]] = {model: set() for model in VERSIONED_MODELS}
    ids[MODELS["week"]].add(week_id)
    cohorts = set(session.scalars(select(Cohort.id).where(Cohort.week_id == week_id)))
    ids[Cohort] = cohorts
    for member_id, child_id in session.execute(
        select(CohortMember.id, CohortMember.child_id).where(CohortMember.cohort_id.in_(cohorts))
    ):
        ids[CohortMember].add(member_id)
        ids[Child].add(child_id)
    for record_id, audited_child, practitioner_id, auditor_id in session.execute(
        select(
            Assessment.id, Assessment.child_id, Assessment.practitioner_id, Assessment.auditor_id
        ).where(Assessment.week_id == week_id)
    ):
        ids[Assessment].add(record_id)
        links: tuple[tuple[type[Versioned], str | None], ...] = (
            (Child, audited_child),
            (Practitioner, practitioner_id),
            (Auditor, auditor_id),
        )
        for model, linked in links:
            if linked:
                ids[model].add(linked)
    ids[Action] = set(session.scalars(select(Action.id).where(Action.week_id == week_id)))
    ids[Allocation] = set(
        session.scalars(select(Allocation.id).where(Allocation.week_id == week_id))
    )
    for allocated in session.scalars(
        select(Allocation.child_id).where(
            Allocation.week_id == week_id, Allocation.child_id.is_not(None)
        )
    ):
        if allocated:
            ids[Child].add(allocated)
    ids[Moderation] = set(
        session.scalars(
            select(Moderation.id)
            .join(Assessment, Moderation.assessment_id == Assessment.id)
            .where(Assessment.week_id == week_id)
        )
    )
    # Every practitioner and senior leader travels with a week, so laptops can name them.
    ids[Practitioner] |= set(session.scalars(select(Practitioner.id)))
    ids[Auditor] |= set(session.scalars(select(Auditor.id)))
    return ids


def _record_entries(
    session: Session, ids: Mapping[type[Versioned], set[str]]
) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    for model in VERSIONED_MODELS:
        wanted = sorted(ids.get(model, set()))
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            heads = {
                rid: head
                for rid, head in session.execute(
                    select(model.id, model.head).where(model.id.in_(chunk))
                )
            }
            conflicts: dict[str, list[str]] = {}
            for rid, vid in session.execute(
                select(ConflictHead.record_id, ConflictHead.version_id).where(
                    ConflictHead.record_id.in_(chunk)
                )
            ):
                conflicts.setdefault(rid, []).append(vid)
            versions: dict[str, list[dict[str, Any]]] = {}
            for version in session.scalars(
                select(RecordVersion).where(RecordVersion.record_id.in_(chunk))
            ):
                versions.setdefault(version.record_id, []).append(
                    {
                        "id": version.id,
                        "parents": list(version.parents),
                        "content": version.content,
                        "deleted": version.deleted,
                        "device_id": version.device_id,
                        "author": version.author,
                        "created_at": version.created_at.isoformat(),
                    }
                )
            for rid in chunk:
                if rid in heads:
                    entries.append(
                        {
                            "type": model.RECORD_TYPE,
                            "id": rid,
                            "heads": sorted(conflicts.get(rid, [heads[rid]])),
                            "versions": sorted(versions.get(rid, []), key=_version_key),
                        }
                    )
    return entries


def _version_key(version: dict[str, Any]) -> str:
    return str(version["id"])


def export_package(
    db: Database,
    out: Path,
    *,
    week_code: str | None = None,
    passphrase: str | None = None,
    recipient: X25519PublicKey | None = None,
) -> ExportResult:
    """Write every record of a week (or of the database) with its history to a ``.pwx`` file."""
    if (passphrase is None) == (recipient is None):
        raise PwdeskError("Give either a recipient's public key or a package passphrase.")
    if passphrase is not None and len(passphrase) < 10:
        raise PwdeskError("The package passphrase needs at least 10 characters.")
    key = signing_key(db)
    with db.read() as session:
        if week_code is not None:
            ids = _week_record_ids(session, week_id_in(session, week_code))
        else:
            ids = {model: set(session.scalars(select(model.id))) for model in VERSIONED_MODELS}
        records = _record_entries(session, ids)
        templates = [
            {"id": t.template_id, "version": t.version, "source": t.source}
            for t in session.scalars(select(StoredTemplate).order_by(StoredTemplate.template_id))
        ]
    counts: dict[str, int] = {}
    for entry in records:
        counts[entry["type"]] = counts.get(entry["type"], 0) + 1
    now = db.clock()
    header = {
        "created_at": now.isoformat(),
        "device_id": db.identity.device_id,
        "device_name": db.identity.device_name,
        "pwdesk": __version__,
        "week": week_code,
        "counts": counts,
    }
    payload = {"kind": "pwdesk-records", "templates": templates, "records": records}
    data = seal(payload, header, key, passphrase=passphrase, recipient=recipient)
    write_atomically(data, out)
    with db.write() as session:
        db.log(session, "export", detail=f"{out.name}: {len(records)} records")
    return ExportResult(
        out=str(out),
        week=week_code,
        records=len(records),
        versions=sum(len(entry["versions"]) for entry in records),
        counts=counts,
    )


# --- reading and checking packages ------------------------------------------------------------


@dataclass(frozen=True)
class IncomingVersion:
    """One version as a package carries it, its id checked against its content."""

    id: str
    parents: tuple[str, ...]
    content: dict[str, Any]
    deleted: bool
    device_id: str
    author: str
    created_at: datetime


@dataclass(frozen=True)
class IncomingRecord:
    """A record as a package carries it: its whole history and its current version(s)."""

    type: str
    id: str
    heads: tuple[str, ...]
    versions: tuple[IncomingVersion, ...]


@dataclass(frozen=True)
class CheckedPackage:
    """A package that has been opened and whose every record has been checked."""

    name: str
    opened: OpenedPackage
    records: tuple[IncomingRecord, ...]
    templates: tuple[tuple[str, int, str], ...]  # id, version, TOML source


def _problem(name: str, what: str) -> PackageError:
    return PackageError(f"{name}: {what}")


def _text(value: Any, name: str, what: str) -> str:
    if not isinstance(value, str):
        raise _problem(name, f"{what} is not text.")
    return value


@dataclass
class CheckCache:
    """What this merge has verified already. Every laptop's package repeats the week's set-up,
    and a record or version presented again in exactly the same form needs no second check."""

    versions: dict[tuple[str, str, str], tuple[dict[str, Any], IncomingVersion]] = field(
        default_factory=dict
    )
    records: dict[tuple[str, str], tuple[dict[str, Any], IncomingRecord]] = field(
        default_factory=dict
    )


def _check_version(
    name: str,
    record_type: str,
    record_id: str,
    raw: Any,
    model: type[Versioned],
    verified: CheckCache,
) -> IncomingVersion:
    if not isinstance(raw, dict):
        raise _problem(name, f"a version of {record_type} {record_id} is malformed.")
    vid = _text(raw.get("id"), name, f"a version id of {record_type} {record_id}")
    seen = verified.versions.get((vid, record_type, record_id))
    if seen is not None and seen[0] == raw:
        return seen[1]
    parents = raw.get("parents")
    content = raw.get("content")
    deleted = raw.get("deleted")
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise _problem(name, f"version {vid[:12]} has malformed parents.")
    if not isinstance(content, dict) or not isinstance(deleted, bool):
        raise _problem(name, f"version {vid[:12]} has malformed content.")
    try:
        check_plain(content)
        checked_content(model, content)
        matches = version_id(record_type, record_id, content, parents, deleted=deleted) == vid
    except (ContentError, ValueError, RecursionError) as error:
        raise _problem(name, f"version {vid[:12]} of {record_type} {record_id}: {error}") from None
    if not matches:
        raise _problem(
            name, f"version {vid[:12]} of {record_type} {record_id} does not match its content."
        )
    try:
        created_at = datetime.fromisoformat(_text(raw.get("created_at"), name, "a version's time"))
    except ValueError:
        raise _problem(name, f"version {vid[:12]} has a malformed time.") from None
    if created_at.tzinfo is None:
        raise _problem(name, f"version {vid[:12]} has a time without a time zone.")
    device_id = _text(raw.get("device_id"), name, "a version's device")
    author = _text(raw.get("author"), name, "a version's author")
    if not _UUID.match(device_id):
        raise _problem(name, f"version {vid[:12]} names a malformed device id.")
    why = text_problem(f"the author of version {vid[:12]}", author, SHORT_TEXT, lines=False)
    if why:
        raise _problem(name, why)
    version = IncomingVersion(vid, tuple(parents), content, deleted, device_id, author, created_at)
    verified.versions[(vid, record_type, record_id)] = (raw, version)
    return version


def _check_record(name: str, raw: Any, verified: CheckCache) -> IncomingRecord:
    if not isinstance(raw, dict):
        raise _problem(name, "a record is malformed.")
    record_type = raw.get("type")
    model = MODELS.get(str(record_type))
    if model is None:
        raise _problem(name, f"it holds records of an unknown kind ({record_type!r}).")
    record_id = _text(raw.get("id"), name, f"the id of a {record_type}")
    if not _UUID.match(record_id):
        raise _problem(name, f"a {record_type} has a malformed id.")
    seen = verified.records.get((str(record_type), record_id))
    if seen is not None and seen[0] == raw:
        return seen[1]
    versions_raw = raw.get("versions")
    heads = raw.get("heads")
    if not isinstance(versions_raw, list) or not versions_raw:
        raise _problem(name, f"{record_type} {record_id} has no versions.")
    if len(versions_raw) > MAX_VERSIONS_PER_RECORD or (
        isinstance(heads, list) and len(heads) > MAX_HEADS_PER_RECORD
    ):
        raise _problem(name, f"{record_type} {record_id} has a longer history than pwdesk accepts.")
    if not isinstance(heads, list) or not heads or not all(isinstance(h, str) for h in heads):
        raise _problem(name, f"{record_type} {record_id} has no current version.")
    versions = tuple(
        _check_version(name, str(record_type), record_id, v, model, verified) for v in versions_raw
    )
    known = {v.id for v in versions}
    for version in versions:
        for parent in version.parents:
            if parent not in known:
                raise _problem(name, f"{record_type} {record_id} lacks part of its history.")
    if not set(heads) <= known:
        raise _problem(name, f"{record_type} {record_id} names a current version it lacks.")
    record = IncomingRecord(str(record_type), record_id, tuple(heads), versions)
    verified.records[(record.type, record_id)] = (raw, record)
    return record


def _check_payload(name: str, opened: OpenedPackage, verified: CheckCache) -> CheckedPackage:
    payload = opened.payload
    if payload.get("kind") != "pwdesk-records":
        raise _problem(name, "it does not hold pwdesk records.")
    raw_templates = payload.get("templates", [])
    raw_records = payload.get("records")
    if not isinstance(raw_templates, list) or not isinstance(raw_records, list):
        raise _problem(name, "its content is malformed.")
    templates = []
    for raw in raw_templates:
        if not isinstance(raw, dict):
            raise _problem(name, "a form template in it is malformed.")
        source = _text(raw.get("source"), name, "a form template")
        try:
            template = parse_template(source, f"{name} template")
        except TemplateError as error:
            raise _problem(
                name, f"a form template in it is malformed: {error.problems[0]}"
            ) from None
        templates.append((template.id, template.version, source))
    if len(raw_records) > MAX_RECORDS:
        raise _problem(name, f"it holds more than {MAX_RECORDS:,} records, which pwdesk refuses.")
    records = tuple(_check_record(name, raw, verified) for raw in raw_records)
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            raise _problem(name, f"it holds record {record.id} more than once.")
        seen.add(record.id)
    _check_header(name, opened.header, records)
    return CheckedPackage(name, opened, records, tuple(templates))


def _check_header(name: str, header: Mapping[str, Any], records: Sequence[IncomingRecord]) -> None:
    """The header must describe the payload it is signed with: its device, time, week and
    counts. A header that says one thing while the records say another is refused."""
    device_id, device_name = header.get("device_id"), header.get("device_name")
    if not isinstance(device_id, str) or not _UUID.match(device_id):
        raise _problem(name, "its header names a malformed device id.")
    if not isinstance(device_name, str):
        raise _problem(name, "its header does not name its device.")
    why = text_problem("the device name in its header", device_name, SHORT_TEXT, lines=False)
    if why:
        raise _problem(name, why)
    try:
        created = datetime.fromisoformat(_text(header.get("created_at"), name, "its time"))
    except ValueError:
        raise _problem(name, "its header has a malformed time.") from None
    if created.tzinfo is None:
        raise _problem(name, "its header has a time without a time zone.")
    counts: dict[str, int] = {}
    for record in records:
        counts[record.type] = counts.get(record.type, 0) + 1
    if header.get("counts") != counts:
        raise _problem(name, "its header's record counts disagree with the records it holds.")
    week = header.get("week")
    if week is None:
        return
    if not isinstance(week, str):
        raise _problem(name, "its header names a malformed week.")
    codes = {
        version.content.get("code")
        for record in records
        if record.type == "week"
        for version in record.versions
        if version.id in record.heads
    }
    if codes != {week}:
        raise _problem(name, f"its header names the week {week[:32]!r}, which it does not hold.")


def read_package(
    path: Path,
    *,
    passphrase: str | None = None,
    private_key: X25519PrivateKey | None = None,
    verified: CheckCache | None = None,
) -> CheckedPackage:
    """Open, decrypt, verify and check one package file, writing nothing anywhere."""
    try:
        limit = package_format.MAX_PACKAGE_BYTES
        if path.stat().st_size > limit:  # checked before a byte of it is read
            raise PackageError(
                f"{path.name}: the package is larger than pwdesk accepts "
                f"({limit // (1024 * 1024)} MB)."
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise PwdeskError(f"There is no file {path}.") from None
    except OSError as error:
        raise PwdeskError(f"{path} cannot be read: {error.strerror}.") from None
    try:
        opened = open_package(data, passphrase=passphrase, private_key=private_key)
    except PackageError as error:
        raise PackageError(f"{path.name}: {error}") from None
    return _check_payload(path.name, opened, CheckCache() if verified is None else verified)


# --- merging ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignerInfo:
    """A device that signed a package: its name and id as the package gives them, and the
    fingerprint of its key, which the QA officer compares with the one the device shows."""

    device_name: str
    device_id: str
    fingerprint: str

    def describe(self) -> str:
        """The device in words, as a refusal or a confirmation names it."""
        name = self.device_name or "an unnamed device"
        return f"{name} (device id {self.device_id}, key {self.fingerprint})"

    def as_json(self) -> dict[str, str]:
        """The device as ``--json`` prints it."""
        return {
            "device": self.device_name,
            "device_id": self.device_id,
            "fingerprint": self.fingerprint,
        }


class UntrustedSigner(PwdeskError):
    """A package is signed by a key this database does not trust yet: nothing was merged."""

    def __init__(self, strangers: Sequence[SignerInfo]) -> None:
        self.strangers = tuple(strangers)
        named = "; ".join(signer.describe() for signer in strangers)
        many = len(strangers) > 1
        super().__init__(
            f"Nothing was merged: {'these devices are' if many else 'this device is'} not "
            f"trusted yet: {named}; compare the fingerprint with the one 'pwdesk whoami' shows "
            "on that device, then merge again with --trust-new."
        )


class ImpostorSigner(PwdeskError):
    """A package claims a device id that this database trusts under another key."""


def own_public_key(db: Database, *, make: bool = True) -> str | None:
    """The hex public key this database signs its packages with; one is made if it has none,
    unless ``make`` is False (then None: it has signed nothing yet)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    if not make and not db.setting("signing_key"):
        return None
    raw = signing_key(db).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return raw.hex()


def whoami(db: Database) -> SignerInfo:
    """This database as other databases see its packages: device name, id and key fingerprint
    (shown by ``pwdesk whoami`` and the About box, to compare before trusting it)."""
    key = own_public_key(db)
    assert key is not None
    return SignerInfo(db.identity.device_name, db.identity.device_id, fingerprint(key))


def admit_signers(
    session: Session, db: Database, packages: Sequence[CheckedPackage], *, trust_new: bool
) -> list[SignerInfo]:
    """Refuse the merge unless every package's signer is trusted; the signers newly trusted.

    - This database's own key is always trusted.
    - A device id is pinned to the first key trusted for it: another key claiming it is refused
      whatever ``trust_new`` says (ImpostorSigner).
    - An unknown key is refused (UntrustedSigner) unless ``trust_new``, or unless this is a
      laptop that trusts no one yet: its first set-up package is trusted on first use, which
      pins the QA store's key.
    """
    own = own_public_key(db, make=False)  # never a write inside this transaction
    known = {signer.public_key: signer for signer in session.scalars(select(Signer))}
    pinned = {s.device_id: s.public_key for s in known.values() if s.trusted and s.device_id}
    if own is not None:
        pinned[db.identity.device_id] = own
    first_use = db.setting("role", "qa") == "laptop" and not any(s.trusted for s in known.values())
    strangers: dict[str, SignerInfo] = {}
    claimed: dict[str, str] = {}
    for package in packages:
        key = package.opened.signer
        header = package.opened.header
        info = SignerInfo(
            str(header.get("device_name", ""))[:200],
            str(header.get("device_id", ""))[:36],
            fingerprint(key),
        )
        holder = pinned.get(info.device_id) or claimed.setdefault(info.device_id, key)
        if key != own and holder != key:
            raise ImpostorSigner(
                f"{package.name} was refused: it claims to come from device id "
                f"{info.device_id}, which this database knows by another key "
                f"({fingerprint(holder)}), and is signed by {info.fingerprint}."
            )
        if key == own or (key in known and known[key].trusted):
            continue
        strangers.setdefault(key, info)
    if strangers and not (trust_new or first_use):
        raise UntrustedSigner(list(strangers.values()))
    for key, info in strangers.items():
        signer = known.get(key)
        if signer is None:
            signer = Signer(public_key=key, device_name=info.device_name, first_seen=db.clock())
            session.add(signer)
        signer.trusted = True
        signer.device_id = info.device_id
        db.log(session, "trust", detail=f"signer {info.fingerprint} of device {info.device_id}")
    session.flush()
    return list(strangers.values())


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
            "signers": self.signers,
            "newly_trusted": [signer.as_json() for signer in self.trusted],
            "possible_duplicates": self.possible_duplicates,
        }


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _check_references(
    session: Session, packages: Sequence[CheckedPackage], templates: set[tuple[str, int]]
) -> None:
    """Every record must refer to records that exist here or arrive with it, and to known forms."""
    arriving: dict[str, set[str]] = {}
    for package in packages:
        for record in package.records:
            arriving.setdefault(record.type, set()).add(record.id)
    foreign = {
        "week_id": "week",
        "cohort_id": "cohort",
        "child_id": "child",
        "practitioner_id": "practitioner",
        "auditor_id": "auditor",
        "assessment_id": "assessment",
    }
    for model in VERSIONED_MODELS:
        others = sorted(
            rid for kind, ids in arriving.items() if kind != model.RECORD_TYPE for rid in ids
        )
        for chunk in _chunks(others):
            clash = session.scalar(select(model.id).where(model.id.in_(chunk)).limit(1))
            if clash is not None:
                raise PackageError(
                    f"The packages hold record {clash} as another kind of record than the "
                    f"{model.RECORD_TYPE} this database has under that id."
                )
    wanted: dict[str, set[str]] = {}
    for package in packages:
        for record in package.records:
            for version in record.versions:
                if record.type == "assessment":
                    key = (version.content["template_id"], version.content["template_version"])
                    if key not in templates:
                        raise _problem(
                            package.name,
                            f"it holds records of an unknown form "
                            f"template ({key[0]} version {key[1]}).",
                        )
                for column, target in foreign.items():
                    linked = version.content.get(column)
                    if linked and linked not in arriving.get(target, set()):
                        wanted.setdefault(target, set()).add(linked)
    for target, ids in wanted.items():
        model = MODELS[target]
        present: set[str] = set()
        for chunk in _chunks(sorted(ids)):
            present |= set(session.scalars(select(model.id).where(model.id.in_(chunk))))
        missing = ids - present
        if missing:
            raise PackageError(
                f"The packages refer to a {target} that is neither in them nor in this database "
                f"({sorted(missing)[0]}); merge the package that holds it too."
            )


def _forms_for(db: Database, packages: Sequence[CheckedPackage]) -> TemplateCatalogue:
    """The templates the packages' records may cite: this database's and those they carry."""
    known = catalogue(db)
    entries = [(template, "known") for template in known.all_templates()]
    for package in packages:
        for template_id, _, source in package.templates:
            entries.append((parse_template(source, template_id), "arriving"))
    return TemplateCatalogue(entries)


def _check_values(
    session: Session, packages: Sequence[CheckedPackage], templates: TemplateCatalogue
) -> None:
    """Every incoming version must keep the rules a local save keeps (services.checks): the
    first few problems are named, and nothing is written."""
    cited: dict[str, tuple[str, int]] = {}
    for package in packages:
        for record in package.records:
            if record.type == Assessment.RECORD_TYPE:
                for version in record.versions:
                    if version.id in record.heads:
                        content = version.content
                        cited[record.id] = (content["template_id"], content["template_version"])

    def of_assessment(assessment_id: str) -> tuple[str, int] | None:
        if assessment_id not in cited:
            audit = session.get(Assessment, assessment_id)
            if audit is None:
                return None
            cited[assessment_id] = (audit.template_id, audit.template_version)
        return cited[assessment_id]

    forms = Forms.known(templates, of_assessment=of_assessment)
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    for package in packages:
        for record in package.records:
            model = MODELS[record.type]
            for version in record.versions:
                if (record.id, version.id) in seen:
                    continue
                seen.add((record.id, version.id))
                values = checked_content(model, version.content)
                for problem in record_problems(model, values, forms):
                    problems.append(
                        f"{package.name}: {record.type} {record.id[:8]} (version "
                        f"{version.id[:12]}): {problem}"
                    )
                if len(problems) >= MAX_PROBLEMS:
                    raise PackageError(" ".join(problems[:MAX_PROBLEMS]))
    if problems:
        raise PackageError(" ".join(problems))


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


def _merge_record(
    record: IncomingRecord, known_parents: dict[str, tuple[str, ...]], heads: set[str]
) -> tuple[set[str], str]:
    """New heads for a record and how the incoming heads stood to the old ones."""

    def parents_of(version: str) -> tuple[str, ...]:
        return known_parents.get(version, ())

    before = set(heads)
    outcome = "unchanged"
    for incoming in record.heads:
        if incoming in heads:
            continue
        if any(incoming in ancestors(h, parents_of) for h in heads):
            outcome = "stale" if outcome == "unchanged" else outcome
            continue
        heads = {h for h in heads if h not in ancestors(incoming, parents_of)} | {incoming}
        outcome = "changed"
    if not before:
        outcome = "conflict" if len(heads) > 1 else "new"
    elif outcome == "changed":
        outcome = "conflict" if len(heads) > 1 else "updated"
    return heads, outcome


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

    packages = []
    verified = CheckCache()
    for index, path in enumerate(paths):
        step(index, len(paths) * 2, f"Checking {path.name}")
        packages.append(
            read_package(path, passphrase=passphrase, private_key=private_key, verified=verified)
        )
    result = MergeResult(packages=len(packages))
    forms = _forms_for(db, packages)
    with db.read() as session:
        _check_references(session, packages, {t.key for t in forms.all_templates()})
        _check_values(session, packages, forms)
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
        for package in packages:
            _log_package(session, db, package, result)
    return result


def _merge_model(
    session: Session,
    db: Database,
    model: type[Versioned],
    records: list[IncomingRecord],
    by_record: dict[str, list[IncomingVersion]],
    result: MergeResult,
) -> None:
    ids = sorted(r.id for r in records)
    known: dict[str, dict[str, tuple[str, ...]]] = {rid: {} for rid in ids}
    rows: dict[str, Versioned] = {}
    conflict_heads: dict[str, set[str]] = {}
    for chunk in _chunks(ids):
        for rid, vid, parents in session.execute(
            select(RecordVersion.record_id, RecordVersion.id, RecordVersion.parents).where(
                RecordVersion.record_id.in_(chunk)
            )
        ):
            known[rid][vid] = tuple(parents)
        for loaded in session.scalars(select(model).where(model.id.in_(chunk))):
            rows[loaded.id] = loaded
        for rid, vid in session.execute(
            select(ConflictHead.record_id, ConflictHead.version_id).where(
                ConflictHead.record_id.in_(chunk)
            )
        ):
            conflict_heads.setdefault(rid, set()).add(vid)
    new_versions = []
    for record in records:
        parents = known[record.id]
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
    session.add_all(new_versions)
    session.flush()
    check = merge_check(db)
    contents = {v.id: v for rid in ids for v in by_record[rid]}
    settled: list[str] = []  # records whose old conflict heads go
    for record in records:
        row: Versioned | None = rows.get(record.id)
        current = conflict_heads.get(record.id) or ({row.head} if row is not None else set())
        heads, outcome = _merge_record(record, known[record.id], current)
        if row is None:
            row = model()
            row.id = record.id
            session.add(row)
        if heads != current:
            shown = min(heads)
            if row.head != shown:
                arriving = contents.get(shown)
                if arriving is None:
                    show_version(session, row, shown)
                else:
                    apply_content(row, arriving.content)
                    row.head = shown
                    row.deleted = arriving.deleted
            if len(heads) > 1:
                # Concurrent versions: combined answer by answer where they do not clash.
                outcome = settle_heads(
                    session, db, row, heads, clear=record.id in conflict_heads, check=check
                ).outcome
            elif record.id in conflict_heads:
                settled.append(record.id)
        counter = "conflicts" if outcome == "conflict" else outcome
        setattr(result, counter, getattr(result, counter) + 1)
    for chunk in _chunks(settled):
        session.execute(delete(ConflictHead).where(ConflictHead.record_id.in_(chunk)))
    session.flush()


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


def _log_package(
    session: Session, db: Database, package: CheckedPackage, result: MergeResult
) -> None:
    header = package.opened.header
    device = str(header.get("device_name", ""))
    signer = session.get(Signer, package.opened.signer)
    if signer is None:
        signer = Signer(
            public_key=package.opened.signer,
            device_name=device,
            first_seen=db.clock(),
            trusted=False,
        )
        session.add(signer)
    entry = {
        "fingerprint": fingerprint(package.opened.signer),
        "device": device,
        "trusted": bool(signer.trusted),
    }
    if entry not in result.signers:
        result.signers.append(entry)
    counts = {"records": len(package.records)}
    session.add(
        MergeLogEntry(
            merged_at=db.clock(),
            file_name=package.name,
            sha256=package.opened.sha256,
            signer=package.opened.signer,
            device_name=device,
            counts=counts,
        )
    )
    db.log(
        session,
        "merge",
        detail=f"{package.name} sha256 {package.opened.sha256[:16]} "
        f"from {device}: {len(package.records)} records",
    )


# --- conflicts ---------------------------------------------------------------------------------


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


# --- signers and history ----------------------------------------------------------------------


@dataclass(frozen=True)
class MergeRecord:
    """A line of the merge history."""

    merged_at: datetime
    file_name: str
    device: str
    signer: str
    trusted: bool
    records: int


def merge_history(db: Database) -> list[MergeRecord]:
    """Every package merged into this database, newest first."""
    with db.read() as session:
        trusted = {s.public_key: s.trusted for s in session.scalars(select(Signer))}
        entries = session.scalars(select(MergeLogEntry).order_by(MergeLogEntry.id.desc())).all()
        return [
            MergeRecord(
                e.merged_at,
                e.file_name,
                e.device_name,
                fingerprint(e.signer),
                trusted.get(e.signer, False),
                int(e.counts.get("records", 0)),
            )
            for e in entries
        ]


def trust_signer(db: Database, fingerprint_text: str) -> str:
    """Mark a device's signing key as trusted, found by its fingerprint; returns its device."""
    wanted = fingerprint_text.replace(" ", "").lower()
    with db.write() as session:
        for signer in session.scalars(select(Signer)):
            if (
                fingerprint(signer.public_key).replace(" ", "").startswith(wanted)
                and len(wanted) >= 8
            ):
                signer.trusted = True
                db.log(session, "trust", detail=f"signer {fingerprint(signer.public_key)}")
                return signer.device_name
    raise NotFound(f"No device seen in a merge has the fingerprint {fingerprint_text}.")


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
