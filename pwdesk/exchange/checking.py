"""Reading a package and checking every part of it, writing nothing anywhere.

A package is opened, decrypted and verified (``exchange.package``), then every record and
version is checked: its id against its content, its fields against its record type, its
history complete, its header in agreement with its payload. What needs the database (trust,
references, the rules of each value) is checked by the merge, before it writes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.limits import FIRST_DAY, LAST_DAY, SHORT_TEXT, UUID_PATTERN, text_problem
from pwdesk.domain.templates import TemplateError, parse_template
from pwdesk.domain.versions import (
    check_plain,
    version_id,
)
from pwdesk.exchange import package as package_format
from pwdesk.exchange.package import (
    OpenedPackage,
    PackageError,
    open_package,
)
from pwdesk.store.models import (
    MODELS,
    Versioned,
)
from pwdesk.store.records import (
    ContentError,
    checked_content,
)

MAX_RECORDS = 1_000_000  # records in one package: far above a council's year of Practice Weeks
# One record's history: thousands of saves, and dozens of devices editing it at once, are
# beyond any real audit; the bound keeps merging a crafted history cheap.
MAX_VERSIONS_PER_RECORD = 5_000
MAX_HEADS_PER_RECORD = 64


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


def _plausible(moment: datetime) -> bool:
    """Whether an aware time lies in the years a record may hold, in every time zone (so that
    storing it as UTC cannot overflow)."""
    return FIRST_DAY.year <= moment.year <= LAST_DAY.year


def fault(name: str, what: str) -> PackageError:
    """A package's fault, named by the package."""
    return PackageError(f"{name}: {what}")


def _text(value: Any, name: str, what: str) -> str:
    if not isinstance(value, str):
        raise fault(name, f"{what} is not text.")
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
        raise fault(name, f"a version of {record_type} {record_id} is malformed.")
    vid = _text(raw.get("id"), name, f"a version id of {record_type} {record_id}")
    seen = verified.versions.get((vid, record_type, record_id))
    if seen is not None and seen[0] == raw:
        return seen[1]
    parents = raw.get("parents")
    content = raw.get("content")
    deleted = raw.get("deleted")
    if not isinstance(parents, list) or not all(isinstance(p, str) for p in parents):
        raise fault(name, f"version {vid[:12]} has malformed parents.")
    if not isinstance(content, dict) or not isinstance(deleted, bool):
        raise fault(name, f"version {vid[:12]} has malformed content.")
    try:
        check_plain(content)
        checked_content(model, content)
        matches = version_id(record_type, record_id, content, parents, deleted=deleted) == vid
    except (ContentError, ValueError, RecursionError) as error:
        raise fault(name, f"version {vid[:12]} of {record_type} {record_id}: {error}") from None
    if not matches:
        raise fault(
            name, f"version {vid[:12]} of {record_type} {record_id} does not match its content."
        )
    try:
        created_at = datetime.fromisoformat(_text(raw.get("created_at"), name, "a version's time"))
    except ValueError:
        raise fault(name, f"version {vid[:12]} has a malformed time.") from None
    if created_at.tzinfo is None:
        raise fault(name, f"version {vid[:12]} has a time without a time zone.")
    if not _plausible(created_at):
        raise fault(name, f"version {vid[:12]} has a time outside the years 1900 to 2199.")
    device_id = _text(raw.get("device_id"), name, "a version's device")
    author = _text(raw.get("author"), name, "a version's author")
    if not UUID_PATTERN.match(device_id):
        raise fault(name, f"version {vid[:12]} names a malformed device id.")
    why = text_problem(f"the author of version {vid[:12]}", author, SHORT_TEXT, lines=False)
    if why:
        raise fault(name, why)
    version = IncomingVersion(vid, tuple(parents), content, deleted, device_id, author, created_at)
    verified.versions[(vid, record_type, record_id)] = (raw, version)
    return version


def _check_record(name: str, raw: Any, verified: CheckCache) -> IncomingRecord:
    if not isinstance(raw, dict):
        raise fault(name, "a record is malformed.")
    record_type = raw.get("type")
    model = MODELS.get(str(record_type))
    if model is None:
        raise fault(name, f"it holds records of an unknown kind ({record_type!r}).")
    record_id = _text(raw.get("id"), name, f"the id of a {record_type}")
    if not UUID_PATTERN.match(record_id):
        raise fault(name, f"a {record_type} has a malformed id.")
    seen = verified.records.get((str(record_type), record_id))
    if seen is not None and seen[0] == raw:
        return seen[1]
    versions_raw = raw.get("versions")
    heads = raw.get("heads")
    if not isinstance(versions_raw, list) or not versions_raw:
        raise fault(name, f"{record_type} {record_id} has no versions.")
    if len(versions_raw) > MAX_VERSIONS_PER_RECORD or (
        isinstance(heads, list) and len(heads) > MAX_HEADS_PER_RECORD
    ):
        raise fault(name, f"{record_type} {record_id} has a longer history than pwdesk accepts.")
    if not isinstance(heads, list) or not heads or not all(isinstance(h, str) for h in heads):
        raise fault(name, f"{record_type} {record_id} has no current version.")
    versions = tuple(
        _check_version(name, str(record_type), record_id, v, model, verified) for v in versions_raw
    )
    known = {v.id for v in versions}
    for version in versions:
        for parent in version.parents:
            if parent not in known:
                raise fault(name, f"{record_type} {record_id} lacks part of its history.")
    if not set(heads) <= known:
        raise fault(name, f"{record_type} {record_id} names a current version it lacks.")
    record = IncomingRecord(str(record_type), record_id, tuple(heads), versions)
    verified.records[(record.type, record_id)] = (raw, record)
    return record


def _check_payload(name: str, opened: OpenedPackage, verified: CheckCache) -> CheckedPackage:
    payload = opened.payload
    if payload.get("kind") != "pwdesk-records":
        raise fault(name, "it does not hold pwdesk records.")
    raw_templates = payload.get("templates", [])
    raw_records = payload.get("records")
    if not isinstance(raw_templates, list) or not isinstance(raw_records, list):
        raise fault(name, "its content is malformed.")
    templates = []
    for raw in raw_templates:
        if not isinstance(raw, dict):
            raise fault(name, "a form template in it is malformed.")
        source = _text(raw.get("source"), name, "a form template")
        try:
            template = parse_template(source, f"{name} template")
        except TemplateError as error:
            raise fault(name, f"a form template in it is malformed: {error.problems[0]}") from None
        templates.append((template.id, template.version, source))
    if len(raw_records) > MAX_RECORDS:
        raise fault(name, f"it holds more than {MAX_RECORDS:,} records, which pwdesk refuses.")
    records = tuple(_check_record(name, raw, verified) for raw in raw_records)
    seen: set[str] = set()
    for record in records:
        if record.id in seen:
            raise fault(name, f"it holds record {record.id} more than once.")
        seen.add(record.id)
    _check_header(name, opened.header, records)
    return CheckedPackage(name, opened, records, tuple(templates))


def _check_header(name: str, header: Mapping[str, Any], records: Sequence[IncomingRecord]) -> None:
    """The header must describe the payload it is signed with: its device, time, week and
    counts. A header that says one thing while the records say another is refused."""
    device_id, device_name = header.get("device_id"), header.get("device_name")
    if not isinstance(device_id, str) or not UUID_PATTERN.match(device_id):
        raise fault(name, "its header names a malformed device id.")
    if not isinstance(device_name, str):
        raise fault(name, "its header does not name its device.")
    why = text_problem("the device name in its header", device_name, SHORT_TEXT, lines=False)
    if why:
        raise fault(name, why)
    try:
        created = datetime.fromisoformat(_text(header.get("created_at"), name, "its time"))
    except ValueError:
        raise fault(name, "its header has a malformed time.") from None
    if created.tzinfo is None:
        raise fault(name, "its header has a time without a time zone.")
    if not _plausible(created):
        raise fault(name, "its header has a time outside the years 1900 to 2199.")
    counts: dict[str, int] = {}
    for record in records:
        counts[record.type] = counts.get(record.type, 0) + 1
    if header.get("counts") != counts:
        raise fault(name, "its header's record counts disagree with the records it holds.")
    week = header.get("week")
    if week is None:
        return
    if not isinstance(week, str):
        raise fault(name, "its header names a malformed week.")
    codes = {
        version.content.get("code")
        for record in records
        if record.type == "week"
        for version in record.versions
        if version.id in record.heads
    }
    if codes != {week}:
        raise fault(name, f"its header names the week {week[:32]!r}, which it does not hold.")


def package_bytes(path: Path) -> bytes:
    """A package file's bytes, refused before reading when it is larger than pwdesk accepts."""
    try:
        limit = package_format.MAX_PACKAGE_BYTES
        if path.stat().st_size > limit:  # checked before a byte of it is read
            raise PackageError(
                f"{path.name}: the package is larger than pwdesk accepts "
                f"({limit // (1024 * 1024)} MB)."
            )
        return path.read_bytes()
    except FileNotFoundError:
        raise PwdeskError(f"There is no file {path}.") from None
    except OSError as error:
        raise PwdeskError(f"{path} cannot be read: {error.strerror}.") from None


def read_package(
    path: Path,
    *,
    passphrase: str | None = None,
    private_key: X25519PrivateKey | None = None,
    verified: CheckCache | None = None,
    data: bytes | None = None,
) -> CheckedPackage:
    """Open, decrypt, verify and check one package file (or its ``data``, already read),
    writing nothing anywhere."""
    if data is None:
        data = package_bytes(path)
    try:
        opened = open_package(data, passphrase=passphrase, private_key=private_key)
    except PackageError as error:
        raise PackageError(f"{path.name}: {error}") from None
    return _check_payload(path.name, opened, CheckCache() if verified is None else verified)
