"""Tests of export packages and merging, and the builders they share.

Everything here makes real things: encrypted databases on disk, packages written by
``export_package`` or sealed by ``seal``. Nothing is mocked.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import os
import re
import shutil
import struct
import uuid
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from sqlalchemy import inspect, select, text

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.versions import version_id
from pwdesk.exchange.keys import load_private_key, load_public_key, new_key_pair
from pwdesk.exchange.package import open_package, seal
from pwdesk.services.assessments import AssessmentDraft, draft_of, save_assessment
from pwdesk.services.export import export_package
from pwdesk.services.merge import MergeResult, canonical_dump, merge_packages
from pwdesk.services.people import (
    AuditorDetails,
    ChildDetails,
    PractitionerDetails,
    add_auditor,
    add_child,
    add_practitioner,
)
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import (
    CohortDetails,
    WeekDetails,
    add_cohort,
    create_week,
    place_children,
)
from pwdesk.store.database import Database, create_database, open_database, utc_now
from pwdesk.store.models import Auditor, Child, Cohort, PracticeWeek, Practitioner
from tests.conftest import PASSPHRASE
from tests.helpers import graded_answers

PACKAGE_PASSPHRASE = "memory stick passphrase 2018"
KEY_PASSPHRASE = "the QA officer's key passphrase"
WEEK = "2018-09"
AUDIT_TEMPLATE = "permanency-case-audit"
Clock = Callable[[], datetime]


def at(hour: int, minute: int = 0, day: int = 18) -> Clock:
    """A clock stopped at a time of the reference Practice Week, in UTC."""
    moment = datetime(2018, 9, day, hour, minute, tzinfo=UTC)
    return lambda: moment


def new_database(path: Path, device: str, clock: Clock = utc_now) -> Database:
    """A new encrypted database for one laptop (or the QA officer's desktop)."""
    return create_database(path, PASSPHRASE, device_name=device, user=f"{device} user", clock=clock)


def reopen(path: Path, clock: Clock = utc_now) -> Database:
    """An existing test database, opened again."""
    return open_database(path, PASSPHRASE, clock=clock)


def copy_database(source: Path, target: Path) -> Path:
    """A copy of a closed database file (its journal is folded in when it is closed)."""
    shutil.copyfile(source, target)
    return target


@dataclass(frozen=True)
class SetUp:
    """What the QA officer's set-up of a week holds: the records laptops refer to."""

    week_id: str
    cohort_id: str
    children: tuple[str, ...]
    practitioners: tuple[str, ...]
    auditors: tuple[str, ...]


def set_up_week(db: Database, children: int = 6) -> SetUp:
    """The QA officer's week: one cohort of children, practitioners and senior leaders."""
    week_id = create_week(
        db,
        WeekDetails(WEEK, "September 2018", date(2018, 9, 17), date(2018, 9, 21), "Permanency"),
    ).id
    cohort_id = add_cohort(db, week_id, CohortDetails("In care over 12 months")).id
    child_ids = tuple(
        add_child(
            db, ChildDetails(f"CR{700 + n:06d}", date(2010 + n % 6, 3, 1), date(2016, 5, 1))
        ).id
        for n in range(children)
    )
    place_children(db, cohort_id, child_ids)
    practitioners = tuple(
        add_practitioner(db, PractitionerDetails(name, "Children in Care")).id
        for name in ("Siân Pritchard", "Tomasz Nowak")
    )
    auditors = tuple(
        add_auditor(db, AuditorDetails(name, "Head of Service")).id
        for name in ("Dev Chauhan", "Rowena Attwell")
    )
    return SetUp(week_id, cohort_id, child_ids, practitioners, auditors)


def week_of(db: Database) -> SetUp:
    """The set-up as a laptop sees it after merging the set-up package."""
    with db.read() as session:
        week_id = session.scalars(select(PracticeWeek.id).where(PracticeWeek.code == WEEK)).one()
        cohort_id = session.scalars(select(Cohort.id).where(Cohort.week_id == week_id)).one()
        children = tuple(session.scalars(select(Child.id).order_by(Child.case_reference)))
        practitioners = tuple(session.scalars(select(Practitioner.id).order_by(Practitioner.name)))
        auditors = tuple(session.scalars(select(Auditor.id).order_by(Auditor.name)))
    return SetUp(week_id, cohort_id, children, practitioners, auditors)


@dataclass(frozen=True)
class QaWeek:
    """The QA officer's database with a week set up (closed), and the set-up package."""

    path: Path
    package: Path
    setup: SetUp


def build_qa_week(folder: Path) -> QaWeek:
    """The QA officer sets up the week and exports it for the laptops."""
    db = new_database(folder / "qa.db", "qa-desktop")
    try:
        setup = set_up_week(db)
        package = export_week(db, folder / "setup.pwx")
    finally:
        db.close()
    return QaWeek(folder / "qa.db", package, setup)


def merge(db: Database, *packages: Path) -> MergeResult:
    """Merge packages locked with the test package passphrase, trusting their signers (the
    trust rules have tests of their own)."""
    return merge_packages(db, list(packages), passphrase=PACKAGE_PASSPHRASE, trust_new=True)


def laptop(qa: QaWeek, path: Path, name: str, clock: Clock | None = None) -> Database:
    """A senior leader's laptop: a new database that has merged the set-up package."""
    db = new_database(path, name) if clock is None else new_database(path, name, clock)
    merge(db, qa.package)
    return db


def qa_copy(qa: QaWeek, path: Path) -> Database:
    """A private, open copy of the QA officer's database."""
    return reopen(copy_database(qa.path, path))


def complete_answers(
    db: Database, grade: str = "good", note: str = "Seen on file."
) -> dict[str, Any]:
    """Every aspect of the permanency audit graded, with the required free text."""
    return graded_answers(catalogue(db).get(AUDIT_TEMPLATE), grade, note)


def new_audit(
    db: Database, setup: SetUp, child: int = 0, grade: str = "good", note: str = "Seen on file."
) -> str:
    """A case audit of one child of the set-up; its record id."""
    draft = AssessmentDraft(
        week_id=setup.week_id,
        template_id=AUDIT_TEMPLATE,
        child_id=setup.children[child],
        practitioner_id=setup.practitioners[child % len(setup.practitioners)],
        auditor_id=setup.auditors[child % len(setup.auditors)],
        held_on=date(2018, 9, 18),
        answers=complete_answers(db, grade, note),
    )
    return save_assessment(db, None, draft).id


def edit_audit(
    db: Database,
    record_id: str,
    answers: Mapping[str, Mapping[str, Any]] | None = None,
    held_on: date | None = None,
) -> str:
    """Change some answers (and perhaps the date) of an audit; the new version's id."""
    draft, _ = draft_of(db, record_id)
    changed = {**draft.answers, **(answers or {})}
    new = AssessmentDraft(
        week_id=draft.week_id,
        template_id=draft.template_id,
        template_version=draft.template_version,
        child_id=draft.child_id,
        practitioner_id=draft.practitioner_id,
        auditor_id=draft.auditor_id,
        held_on=held_on or draft.held_on,
        answers=changed,
    )
    version = save_assessment(db, record_id, new).version
    assert version is not None, "the edit changed nothing"
    return version


def export_week(
    db: Database, out: Path, *, recipient: X25519PublicKey | None = None, week: str | None = WEEK
) -> Path:
    """Export a week (for the QA officer's key, or for the test package passphrase)."""
    passphrase = None if recipient is not None else PACKAGE_PASSPHRASE
    export_package(db, out, week_code=week, passphrase=passphrase, recipient=recipient)
    return out


@dataclass(frozen=True)
class KeyPair:
    """The QA officer's key files and the keys loaded from them."""

    private_path: Path
    public_path: Path
    private: X25519PrivateKey
    public: X25519PublicKey


def make_key_pair(folder: Path, name: str = "qa") -> KeyPair:
    """A QA officer's key pair, written to files and loaded back as the application does."""
    private_pem, public_pem = new_key_pair(KEY_PASSPHRASE)
    private_path, public_path = folder / f"{name}.key", folder / f"{name}.pub"
    private_path.write_bytes(private_pem)
    public_path.write_bytes(public_pem)
    return KeyPair(
        private_path,
        public_path,
        load_private_key(private_path, KEY_PASSPHRASE),
        load_public_key(public_path),
    )


# --- looking inside packages and making bad ones ------------------------------------------------


def payload_of(
    path: Path, passphrase: str = PACKAGE_PASSPHRASE
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A package's header and payload, opened the way merging opens it."""
    opened = open_package(path.read_bytes(), passphrase=passphrase)
    return opened.header, opened.payload


def reseal(
    payload: Mapping[str, Any],
    out: Path,
    header: Mapping[str, Any] | None = None,
    signing_key: Ed25519PrivateKey | None = None,
) -> Path:
    """Seal a (changed) payload as a genuine package: encrypted, signed, authenticated.

    The only faults in it are the ones the test put into the payload.
    """
    head = {
        "device_name": "crafted",
        "device_id": str(uuid.uuid4()),
        "created_at": "2018-09-21T16:05:00+00:00",
        "week": WEEK,
        **(header or {}),
        "counts": counts_of(payload),
    }
    weeks = {
        version["content"].get("code")
        for record in records_of(payload, "week")
        for version in record["versions"]
        if version["id"] in record["heads"]
    }
    if weeks != {head["week"]}:
        head["week"] = None  # a package of some records only, as an export of a whole store
    key = signing_key or Ed25519PrivateKey.generate()
    out.write_bytes(seal(payload, head, key, passphrase=PACKAGE_PASSPHRASE))
    return out


def records_of(payload: Mapping[str, Any], record_type: str) -> list[dict[str, Any]]:
    """The well-formed records of one type in a payload (a test may have broken the rest)."""
    records = payload.get("records")
    return [
        record
        for record in (records if isinstance(records, list) else [])
        if isinstance(record, dict) and record.get("type") == record_type
    ]


def counts_of(payload: Mapping[str, Any]) -> dict[str, int]:
    """The records of each type a payload holds, as its header must count them."""
    counts: dict[str, int] = {}
    records = payload.get("records")
    for record in records if isinstance(records, list) else []:
        if isinstance(record, dict) and isinstance(record.get("type"), str):
            counts[record["type"]] = counts.get(record["type"], 0) + 1
    return counts


def record_of(payload: Mapping[str, Any], record_type: str, index: int = 0) -> dict[str, Any]:
    """The ``index``-th record of a type in a payload."""
    found = [r for r in payload["records"] if r["type"] == record_type]
    record: dict[str, Any] = found[index]
    return record


def rehash(record: dict[str, Any]) -> None:
    """Recompute a record's version ids after its content was changed, parents first, so that
    the versions are consistent again and the content is the only fault."""
    renamed: dict[str, str] = {}
    pending = list(record["versions"])
    while pending:
        ready = [v for v in pending if all(p in renamed for p in v["parents"])]
        assert ready, "the record's history has a cycle or a missing parent"
        for version in ready:
            version["parents"] = [renamed[p] for p in version["parents"]]
            new = version_id(
                record["type"],
                record["id"],
                version["content"],
                version["parents"],
                deleted=version["deleted"],
            )
            renamed[version["id"]] = new
            version["id"] = new
            pending.remove(version)
    record["heads"] = sorted(renamed[h] for h in record["heads"])


def fresh_id() -> str:
    """A record id nobody has used."""
    return str(uuid.uuid4())


# --- comparing database states --------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    """A database's whole state: the canonical dump and a digest of every row of every table."""

    dump: dict[str, Any]
    tables: dict[str, tuple[int, str]]  # table -> (row count, sha256 of its rows)

    def rows(self, table: str) -> int:
        """How many rows a table holds."""
        return self.tables[table][0]


def snapshot(db: Database) -> Snapshot:
    """Everything the database holds, to show that a failed merge changed nothing at all."""
    tables: dict[str, tuple[int, str]] = {}
    with db.engine.connect() as connection:
        schema = inspect(connection)
        for name in sorted(schema.get_table_names()):
            keys = schema.get_pk_constraint(name)["constrained_columns"] or [
                column["name"] for column in schema.get_columns(name)
            ]
            order = ", ".join(f'"{key}"' for key in keys)
            rows = connection.execute(text(f'SELECT * FROM "{name}" ORDER BY {order}')).all()
            digest = hashlib.sha256(repr([tuple(row) for row in rows]).encode("utf-8"))
            tables[name] = (len(rows), digest.hexdigest())
    return Snapshot(canonical_dump(db), tables)


def record_count(dump: Mapping[str, Any]) -> int:
    """How many records a canonical dump holds, of every type."""
    return sum(len(rows) for key, rows in dump.items() if key not in ("versions", "conflicts"))


# --- messages -----------------------------------------------------------------------------------

_SENTENCE_BREAK = re.compile(r"[.!?]\s+[A-Z]")


def assert_one_sentence(message: str, *secrets: str) -> None:
    """A message fit for a user: one line, one sentence, no traceback, no secret in it."""
    assert message, "the message is empty"
    assert "\n" not in message, f"more than one line: {message!r}"
    assert message.endswith("."), f"not a finished sentence: {message!r}"
    assert not _SENTENCE_BREAK.search(message[:-1]), f"more than one sentence: {message!r}"
    assert "Traceback" not in message
    for secret in secrets:
        assert secret not in message, "a secret leaked into the message"


@contextmanager
def unchanged(db: Database) -> Iterator[Snapshot]:
    """Check that the block leaves the database exactly as it was."""
    before = snapshot(db)
    yield before
    after = snapshot(db)
    assert after.dump == before.dump
    assert after.tables == before.tables


# --- the format as docs/export-format.md describes it, written independently of pwdesk -----------

DOC_MAGIC = b"PWDESK-PWX\x00"
DOC_HKDF_INFO = b"pwdesk pwx 1 x25519"


def _raw(key: X25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _aes_key_for_recipient(
    private: X25519PrivateKey, ephemeral_public: bytes, recipient_public: bytes
) -> bytes:
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + recipient_public,
        info=DOC_HKDF_INFO,
    ).derive(shared)


def seal_raw(
    compressed: bytes,
    recipient: X25519PublicKey,
    signer: Ed25519PrivateKey,
    *,
    header: Mapping[str, Any] | None = None,
    header_bytes: bytes | None = None,
    signature: bytes | None = None,
) -> bytes:
    """A package made from the format's description alone, for the recipient's key.

    ``compressed`` is used as it is (so it may be anything), ``header_bytes`` replaces the
    header's JSON and ``signature`` the genuine signature: each lets a test put in exactly one
    fault while everything else stays valid and authenticated.
    """
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw(ephemeral.public_key())
    nonce = os.urandom(12)
    signer_public = signer.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    head = {
        "format": 1,
        "cipher": "AES-256-GCM",
        "nonce": base64.b64encode(nonce).decode(),
        "compression": "zlib",
        "signature": "ed25519",
        "signer": signer_public.hex(),
        "encryption": {
            "scheme": "x25519-hkdf-sha256",
            "ephemeral_public_key": base64.b64encode(ephemeral_public).decode(),
            "recipient": "written by the test",
        },
        "created_at": "2018-09-21T16:05:00+00:00",
        "device_id": "00000000-0000-4000-8000-000000000000",
        "device_name": "another tool",
        "pwdesk": "test",
        "week": WEEK,
        "counts": {},
        **(header or {}),
    }
    if header_bytes is None:
        header_bytes = json.dumps(head).encode("utf-8")
    associated = DOC_MAGIC + struct.pack(">I", len(header_bytes)) + header_bytes
    key = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=ephemeral_public + _raw(recipient),
        info=DOC_HKDF_INFO,
    ).derive(ephemeral.exchange(recipient))
    if signature is None:
        signature = signer.sign(
            hashlib.sha256(associated).digest() + hashlib.sha256(compressed).digest()
        )
    return associated + AESGCM(key).encrypt(nonce, signature + compressed, associated)


def open_raw(
    data: bytes,
    *,
    passphrase: str | None = None,
    private_key: X25519PrivateKey | None = None,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Read a package from the format's description alone: its header and payload."""
    assert data[: len(DOC_MAGIC)] == DOC_MAGIC
    start = len(DOC_MAGIC) + 4
    (length,) = struct.unpack(">I", data[len(DOC_MAGIC) : start])
    associated = data[: start + length]
    header: dict[str, Any] = json.loads(associated[start:].decode("utf-8"))
    encryption = header["encryption"]
    if encryption["scheme"] == "passphrase-scrypt":
        assert passphrase is not None
        key = Scrypt(
            salt=base64.b64decode(encryption["salt"]),
            length=32,
            n=encryption["n"],
            r=encryption["r"],
            p=encryption["p"],
        ).derive(passphrase.encode("utf-8"))
    else:
        assert encryption["scheme"] == "x25519-hkdf-sha256"
        assert private_key is not None
        key = _aes_key_for_recipient(
            private_key,
            base64.b64decode(encryption["ephemeral_public_key"]),
            _raw(private_key.public_key()),
        )
    plaintext = AESGCM(key).decrypt(
        base64.b64decode(header["nonce"]), data[start + length :], associated
    )
    signature, compressed = plaintext[:64], plaintext[64:]
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(header["signer"])).verify(
        signature, hashlib.sha256(associated).digest() + hashlib.sha256(compressed).digest()
    )
    payload: dict[str, Any] = json.loads(zlib.decompress(compressed).decode("utf-8"))
    return header, payload


# --- a laptop's genuine packages, and bad ones made from them ------------------------------------

SECRETS = (PACKAGE_PASSPHRASE, KEY_PASSPHRASE, PASSPHRASE)


@dataclass(frozen=True)
class World:
    """The QA officer's week, the QA key pair, and one laptop's good packages."""

    qa: QaWeek
    keys: KeyPair
    good: Path  # for the package passphrase
    good_for_key: Path  # for the QA officer's key
    audit: str
    folder: Path


def refused(db: Database, path: Path, world: World, *, by_key: bool = False) -> str:
    """Merge a bad package: a PwdeskError of one sentence, and nothing changed at all."""
    before = snapshot(db)
    secret: dict[str, Any] = (
        {"private_key": world.keys.private} if by_key else {"passphrase": PACKAGE_PASSPHRASE}
    )
    with pytest.raises(PwdeskError) as failure:
        merge_packages(db, [path], **secret, trust_new=True)
    message = str(failure.value)
    assert_one_sentence(message, *SECRETS)
    after = snapshot(db)
    assert after.dump == before.dump
    assert after.tables == before.tables
    return message


Payload = dict[str, Any]
Fault = Callable[[Payload, World], None]


def faulty_package(world: World, fault: Fault, out: Path) -> Path:
    header, payload = payload_of(world.good)
    changed = copy.deepcopy(payload)
    fault(changed, world)
    return reseal(changed, out, header)
