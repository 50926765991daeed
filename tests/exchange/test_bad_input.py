"""Bad packages: every fault is one clear sentence, exit status 2 from the command line, and the
database exactly as it was — cut short, changed, another format, not a package at all, too big,
or genuine packages whose records are wrong."""

from __future__ import annotations

import base64
import copy
import json
import random
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pwdesk.cli import main
from pwdesk.domain.errors import PwdeskError
from pwdesk.exchange.package import MAGIC, PackageError, read_header
from pwdesk.services.merge import merge_packages
from pwdesk.store.database import Database
from tests.conftest import PASSPHRASE
from tests.exchange import (
    KEY_PASSPHRASE,
    PACKAGE_PASSPHRASE,
    SECRETS,
    Fault,
    Payload,
    World,
    assert_one_sentence,
    copy_database,
    faulty_package,
    fresh_id,
    make_key_pair,
    merge,
    payload_of,
    record_of,
    refused,
    rehash,
    reopen,
    reseal,
    snapshot,
)


def flip(data: bytes, position: int, mask: int = 0xFF) -> bytes:
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]


def cut_points(length: int) -> list[int]:
    """Every 1/40th of the length, and the edges."""
    return sorted({0, 1, length - 1} | {length * k // 40 for k in range(1, 40)})


# --- damaged files ------------------------------------------------------------------------------


def test_a_package_cut_short_anywhere_is_refused(
    world: World, target: Database, tmp_path: Path
) -> None:
    data = world.good_for_key.read_bytes()
    for cut in cut_points(len(data)):
        path = tmp_path / "cut.pwx"
        path.write_bytes(data[:cut])
        message = refused(target, path, world, by_key=True)
        assert message.startswith("cut.pwx: ")


def test_a_passphrase_package_cut_short_is_refused(
    world: World, target: Database, tmp_path: Path
) -> None:
    data = world.good.read_bytes()
    for cut in cut_points(len(data))[::4]:
        path = tmp_path / "cut.pwx"
        path.write_bytes(data[:cut])
        refused(target, path, world)


def test_a_byte_changed_anywhere_is_refused(world: World, target: Database, tmp_path: Path) -> None:
    data = world.good_for_key.read_bytes()
    _, associated, _ = read_header(data)
    header_positions = range(0, len(associated), 7)
    body_positions = range(len(associated), len(data) - 16, max(1, (len(data) - 16) // 60))
    tag_positions = range(len(data) - 16, len(data))
    for position in [*header_positions, *body_positions, *tag_positions]:
        path = tmp_path / "changed.pwx"
        path.write_bytes(flip(data, position))
        refused(target, path, world, by_key=True)


def test_another_format_version_is_refused_by_name(
    world: World, target: Database, tmp_path: Path
) -> None:
    data = world.good.read_bytes()
    header, _, ciphertext = read_header(data)
    body = json_bytes({**header, "format": 2})
    path = tmp_path / "future.pwx"
    path.write_bytes(MAGIC + struct.pack(">I", len(body)) + body + ciphertext)
    message = refused(target, path, world)
    assert message == "future.pwx: The package is in format 2; this pwdesk reads format 1."


def json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)


@pytest.mark.parametrize(
    "content",
    [b"", PDF, random.Random(7).randbytes(5000), MAGIC, b"PWDESK-PWX"],
    ids=["empty", "pdf", "random", "magic-only", "magic-cut"],
)
def test_files_that_are_not_packages_are_refused(
    world: World, target: Database, tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "not-a-package.pwx"
    path.write_bytes(content)
    refused(target, path, world)


def test_a_database_file_given_as_a_package_is_refused(world: World, target: Database) -> None:
    message = refused(target, world.qa.path, world)
    assert "not a pwdesk export package" in message


def test_a_missing_file_or_a_folder_is_refused(
    world: World, target: Database, tmp_path: Path
) -> None:
    assert "There is no file" in refused(target, tmp_path / "nowhere.pwx", world)
    assert "cannot be read" in refused(target, tmp_path, world)


def test_a_wrong_passphrase_or_key_is_refused(
    world: World, target: Database, tmp_path: Path
) -> None:
    before = snapshot(target)
    with pytest.raises(PackageError) as wrong:
        merge_packages(
            target, [world.good], passphrase="not the package passphrase", trust_new=True
        )
    assert_one_sentence(str(wrong.value), "not the package passphrase", *SECRETS)
    other = make_key_pair(tmp_path, "other")
    with pytest.raises(PackageError) as wrong_key:
        merge_packages(target, [world.good_for_key], private_key=other.private, trust_new=True)
    assert_one_sentence(str(wrong_key.value), *SECRETS)
    with pytest.raises(PackageError) as needs_key:
        merge_packages(target, [world.good_for_key], passphrase=PACKAGE_PASSPHRASE, trust_new=True)
    assert "give the key file" in str(needs_key.value)
    with pytest.raises(PackageError) as needs_passphrase:
        merge_packages(target, [world.good], private_key=world.keys.private, trust_new=True)
    assert "give the passphrase" in str(needs_passphrase.value)
    after = snapshot(target)
    assert (after.dump, after.tables) == (before.dump, before.tables)


def test_a_decompression_bomb_is_refused(
    world: World, target: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pwdesk.exchange.package.MAX_PAYLOAD_BYTES", 1024 * 1024)
    header, payload = payload_of(world.good)
    bomb = reseal({**payload, "padding": "0" * 6_000_000}, tmp_path / "bomb.pwx", header)
    assert bomb.stat().st_size < 200_000
    assert "larger than pwdesk accepts" in refused(target, bomb, world)


def test_an_oversized_file_is_refused(
    world: World, target: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pwdesk.exchange.package.MAX_PACKAGE_BYTES", world.good.stat().st_size - 1)
    assert "larger than pwdesk accepts" in refused(target, world.good, world)


def test_one_bad_package_among_good_ones_stops_the_whole_merge(
    world: World, target: Database, tmp_path: Path
) -> None:
    data = world.good.read_bytes()
    bad = tmp_path / "bad.pwx"
    bad.write_bytes(data[: len(data) // 2])
    before = snapshot(target)
    with pytest.raises(PackageError) as failure:
        merge(target, world.good, bad)
    assert str(failure.value).startswith("bad.pwx: ")
    after = snapshot(target)
    assert (after.dump, after.tables) == (before.dump, before.tables)


# --- genuine packages whose records are wrong ---------------------------------------------------


def unknown_template(payload: Payload, world: World) -> None:
    record = record_of(payload, "assessment")
    for version in record["versions"]:
        version["content"]["template_id"] = "no-such-form"
    rehash(record)


def date_of_birth_a_number(payload: Payload, world: World) -> None:
    record = record_of(payload, "child")
    record["versions"][0]["content"]["date_of_birth"] = 12345
    rehash(record)


def id_not_matching_content(payload: Payload, world: World) -> None:
    record = record_of(payload, "assessment")
    record["versions"][0]["content"]["held_on"] = "2018-09-20"  # not rehashed


def missing_parent(payload: Payload, world: World) -> None:
    record = record_of(payload, "assessment")
    record["versions"] = [v for v in record["versions"] if v["parents"]]


def unknown_child(payload: Payload, world: World) -> None:
    record = record_of(payload, "assessment")
    for version in record["versions"]:
        version["content"]["child_id"] = fresh_id()
    rehash(record)


def unknown_kind(payload: Payload, world: World) -> None:
    record_of(payload, "assessment")["type"] = "gossip"


def malformed_id(payload: Payload, world: World) -> None:
    record_of(payload, "child")["id"] = "CR000700"


def head_not_among_versions(payload: Payload, world: World) -> None:
    record_of(payload, "assessment")["heads"] = ["0" * 64]


def no_versions(payload: Payload, world: World) -> None:
    record_of(payload, "child")["versions"] = []


def unknown_field(payload: Payload, world: World) -> None:
    record = record_of(payload, "child")
    record["versions"][0]["content"]["name"] = "A named child"
    rehash(record)


def missing_field(payload: Payload, world: World) -> None:
    record = record_of(payload, "child")
    del record["versions"][0]["content"]["case_reference"]
    rehash(record)


def text_where_a_list_belongs(payload: Payload, world: World) -> None:
    record = record_of(payload, "week")
    record["versions"][0]["content"]["observation_templates"] = "home-visit-observation"
    rehash(record)


def time_without_zone(payload: Payload, world: World) -> None:
    record_of(payload, "child")["versions"][0]["created_at"] = "2018-09-18T09:00:00"


def time_not_a_time(payload: Payload, world: World) -> None:
    record_of(payload, "child")["versions"][0]["created_at"] = "teatime"


def author_not_text(payload: Payload, world: World) -> None:
    record_of(payload, "child")["versions"][0]["author"] = ["Siân"]


def not_records(payload: Payload, world: World) -> None:
    payload["kind"] = "pwdesk-settings"


def records_not_a_list(payload: Payload, world: World) -> None:
    payload["records"] = {"a": 1}


def malformed_template(payload: Payload, world: World) -> None:
    payload["templates"] = [{"id": "broken", "version": 1, "source": "id = [unclosed"}]


def fraction_for_a_whole_number(payload: Payload, world: World) -> None:
    record = record_of(payload, "cohort")
    record["versions"][0]["content"]["position"] = 1.5
    rehash(record)


FAULTS: dict[str, tuple[Fault, str]] = {
    "unknown-template": (unknown_template, "unknown form template (no-such-form version 1)"),
    "date-of-birth-12345": (date_of_birth_a_number, "'date_of_birth'"),
    "id-not-matching-content": (id_not_matching_content, "does not match its content"),
    "missing-parent-version": (missing_parent, "lacks part of its history"),
    "unknown-child": (unknown_child, "child that is neither in them nor in this database"),
    "unknown-kind": (unknown_kind, "unknown kind ('gossip')"),
    "malformed-id": (malformed_id, "malformed id"),
    "head-not-among-versions": (head_not_among_versions, "names a current version it lacks"),
    "no-versions": (no_versions, "has no versions"),
    "unknown-field": (unknown_field, "unknown fields: name"),
    "missing-field": (missing_field, "lacks the field 'case_reference'"),
    "text-for-a-list": (text_where_a_list_belongs, "wrong type"),
    "time-without-zone": (time_without_zone, "time without a time zone"),
    "time-not-a-time": (time_not_a_time, "malformed time"),
    "author-not-text": (author_not_text, "is not text"),
    "not-records": (not_records, "does not hold pwdesk records"),
    "records-not-a-list": (records_not_a_list, "content is malformed"),
    "malformed-template": (malformed_template, "form template in it is malformed"),
    "fraction-for-a-whole-number": (fraction_for_a_whole_number, "wrong type"),
}


@pytest.mark.parametrize("name", list(FAULTS))
def test_a_genuine_package_with_wrong_records_is_refused(
    world: World, target: Database, tmp_path: Path, name: str
) -> None:
    fault, expected = FAULTS[name]
    path = faulty_package(world, fault, tmp_path / f"{name}.pwx")
    message = refused(target, path, world)
    assert expected in message
    assert message.startswith(f"{name}.pwx: ") or message.startswith("The packages refer")


def test_the_unfaulted_payload_resealed_merges(world: World, tmp_path: Path) -> None:
    """The control for the faults above: resealing alone breaks nothing."""
    path = faulty_package(world, lambda payload, world: None, tmp_path / "resealed.pwx")
    db = reopen(copy_database(world.qa.path, tmp_path / "qa.db"))
    try:
        result = merge(db, path)
        assert result.new == 1
    finally:
        db.close()


def test_a_number_too_large_to_store_is_refused(
    world: World, target: Database, tmp_path: Path
) -> None:
    def huge_position(payload: Payload, world: World) -> None:
        cohort = copy.deepcopy(record_of(payload, "cohort"))  # a second cohort, new here
        cohort["id"] = fresh_id()
        for version in cohort["versions"]:
            version["content"]["position"] = 10**30
        rehash(cohort)
        payload["records"].append(cohort)

    refused(target, faulty_package(world, huge_position, tmp_path / "huge.pwx"), world)


def test_a_record_that_changes_its_kind_is_refused(
    world: World, target: Database, tmp_path: Path
) -> None:
    def auditor_with_a_practitioners_id(payload: Payload, world: World) -> None:
        practitioner = record_of(payload, "practitioner")
        auditor = copy.deepcopy(record_of(payload, "auditor"))
        auditor["id"] = practitioner["id"]
        rehash(auditor)
        payload["records"] = [auditor]

    path = faulty_package(world, auditor_with_a_practitioners_id, tmp_path / "kind.pwx")
    assert "kind" in refused(target, path, world)


# --- through the command line ---------------------------------------------------------------------


def damaged(kind: str) -> Callable[[World, Path], Path]:
    def build(world: World, out: Path) -> Path:
        data = world.good.read_bytes()
        _, associated, _ = read_header(data)
        changed = {
            "truncated": data[: len(data) // 2],
            "header-byte": flip(data, len(associated) - 5),
            "ciphertext-byte": flip(data, (len(associated) + len(data)) // 2),
            "tag-byte": flip(data, len(data) - 1),
            "empty": b"",
            "pdf": PDF,
            "random": random.Random(11).randbytes(3000),
        }[kind]
        out.write_bytes(changed)
        return out

    return build


def with_fault(name: str) -> Callable[[World, Path], Path]:
    def build(world: World, out: Path) -> Path:
        return faulty_package(world, FAULTS[name][0], out)

    return build


def future_format(world: World, out: Path) -> Path:
    header, _, ciphertext = read_header(world.good.read_bytes())
    body = json_bytes({**header, "format": 2})
    out.write_bytes(MAGIC + struct.pack(">I", len(body)) + body + ciphertext)
    return out


CLI_CASES: dict[str, Callable[[World, Path], Path]] = {
    **{kind: damaged(kind) for kind in ("truncated", "header-byte", "ciphertext-byte")},
    **{kind: damaged(kind) for kind in ("tag-byte", "empty", "pdf", "random")},
    "format-2": future_format,
    **{
        name: with_fault(name)
        for name in (
            "unknown-template",
            "date-of-birth-12345",
            "id-not-matching-content",
            "missing-parent-version",
            "unknown-child",
        )
    },
}


@pytest.fixture
def cli_target(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("PWDESK_PACKAGE_PASSPHRASE", PACKAGE_PASSPHRASE)
    return copy_database(world.qa.path, tmp_path / "qa.db")


@pytest.mark.parametrize("case", list(CLI_CASES))
def test_the_command_line_exits_2_with_one_sentence_and_changes_nothing(
    world: World, cli_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    package = CLI_CASES[case](world, tmp_path / f"{case}.pwx")
    db = reopen(cli_target)
    try:
        before = snapshot(db)
    finally:
        db.close()
    status = main(["merge", "--db", str(cli_target), str(package), "--json"])
    out, err = capsys.readouterr()
    assert (status, out) == (2, "")
    assert err.startswith("pwdesk: ")
    assert err.endswith("\n")
    assert_one_sentence(err.removesuffix("\n"), *SECRETS)
    db = reopen(cli_target)
    try:
        after = snapshot(db)
    finally:
        db.close()
    assert after.dump == before.dump
    assert after.tables == before.tables


def test_the_command_line_refuses_a_package_cut_anywhere(
    world: World, cli_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every cut through `pwdesk merge --key`; the database is compared once at the end, which
    is enough: a merge that wrote anything would have added a row to the merge log."""
    key_file = tmp_path / "key-passphrase"
    key_file.write_text(KEY_PASSPHRASE + "\n", encoding="utf-8")
    db = reopen(cli_target)
    try:
        before = snapshot(db)
    finally:
        db.close()
    data = world.good_for_key.read_bytes()
    # Every 1/20th here (the service is tried at every 1/40th above); each run opens the database.
    for cut in [*cut_points(len(data))[::2], 1, len(data) - 1]:
        package = tmp_path / "cut.pwx"
        package.write_bytes(data[:cut])
        status = main(
            [
                "merge",
                "--db",
                str(cli_target),
                "--key",
                str(world.keys.private_path),
                "--key-passphrase-file",
                str(key_file),
                str(package),
            ]
        )
        out, err = capsys.readouterr()
        assert (status, out) == (2, ""), cut
        assert err.count("\n") == 1
        assert_one_sentence(err.removeprefix("pwdesk: ").removesuffix("\n"), *SECRETS)
    db = reopen(cli_target)
    try:
        after = snapshot(db)
    finally:
        db.close()
    assert after.dump == before.dump
    assert after.tables == before.tables


def test_the_command_line_refuses_a_deeply_nested_header(
    cli_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = b"[" * 50_000
    package = tmp_path / "nested.pwx"
    package.write_bytes(MAGIC + struct.pack(">I", len(body)) + body + bytes(32))
    status = main(["merge", "--db", str(cli_target), str(package)])
    _, err = capsys.readouterr()
    assert status == 2
    assert_one_sentence(err.removeprefix("pwdesk: ").removesuffix("\n"))


# --- any mutation at all --------------------------------------------------------------------------

Mutation = tuple[str, int, int, bytes]

mutations = st.lists(
    st.one_of(
        st.tuples(st.just("truncate"), st.integers(0, 10**6), st.just(0), st.just(b"")),
        st.tuples(st.just("flip"), st.integers(0, 10**6), st.integers(1, 255), st.just(b"")),
        st.tuples(
            st.just("insert"), st.integers(0, 10**6), st.just(0), st.binary(min_size=1, max_size=9)
        ),
        st.tuples(st.just("delete"), st.integers(0, 10**6), st.integers(1, 9), st.just(b"")),
    ),
    min_size=1,
    max_size=3,
)


def mutate(data: bytes, steps: list[Mutation]) -> bytes:
    for kind, where, amount, inserted in steps:
        if not data:
            break
        position = where % len(data)
        if kind == "truncate":
            data = data[:position]
        elif kind == "flip":
            data = data[:position] + bytes([data[position] ^ amount]) + data[position + 1 :]
        elif kind == "insert":
            data = data[:position] + inserted + data[position:]
        else:
            data = data[:position] + data[position + amount :]
    return data


@settings(max_examples=50, deadline=None, database=None)
@given(steps=mutations)
def test_any_mutation_is_refused_whole_or_is_no_mutation_at_all(
    world: World, target: Database, steps: list[Mutation]
) -> None:
    original = world.good_for_key.read_bytes()
    mutated = mutate(original, steps)
    path = world.folder / "mutated.pwx"
    path.write_bytes(mutated)
    before = snapshot(target)
    try:
        result = merge_packages(target, [path], private_key=world.keys.private, trust_new=True)
    except PwdeskError as error:
        assert_one_sentence(str(error), *SECRETS)
        after = snapshot(target)
        assert after.dump == before.dump
        assert after.tables == before.tables
    else:
        assert mutated == original, "a changed package was accepted"
        assert result.packages == 1


def test_a_record_given_twice_in_one_package_is_refused(
    world: World, target: Database, tmp_path: Path
) -> None:
    _, payload = payload_of(world.good)
    payload["records"].append(payload["records"][-1])
    crafted = reseal(payload, tmp_path / "twice.pwx")
    assert "more than once" in refused(target, crafted, world)


def test_a_package_with_more_records_than_the_cap_is_refused(
    world: World, target: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, payload = payload_of(world.good)
    monkeypatch.setattr("pwdesk.exchange.checking.MAX_RECORDS", len(payload["records"]) - 1)
    assert "which pwdesk refuses" in refused(target, world.good, world)


def test_an_oversized_file_is_refused_before_it_is_read(
    world: World, target: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.pwx"
    with big.open("wb") as sparse:  # a large file that holds nothing, so reading it would show
        sparse.truncate(64 * 1024 * 1024)
    monkeypatch.setattr("pwdesk.exchange.package.MAX_PACKAGE_BYTES", 32 * 1024 * 1024)
    monkeypatch.setattr(Path, "read_bytes", _never_read)
    assert "larger than pwdesk accepts (32 MB)" in refused(target, big, world)


def _never_read(self: Path) -> bytes:
    raise AssertionError(f"{self.name} was read although its size alone refuses it")


def test_a_record_with_a_longer_history_than_accepted_is_refused(
    world: World, target: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pwdesk.exchange.checking.MAX_VERSIONS_PER_RECORD", 1)
    assert "longer history than pwdesk accepts" in refused(target, world.good, world)


def test_an_all_zero_ephemeral_key_is_refused(
    world: World, target: Database, tmp_path: Path
) -> None:
    data = world.good_for_key.read_bytes()
    header, _, ciphertext = read_header(data)
    header["encryption"]["ephemeral_public_key"] = base64.b64encode(bytes(32)).decode()
    body = json_bytes(header)
    path = tmp_path / "zero-key.pwx"
    path.write_bytes(MAGIC + struct.pack(">I", len(body)) + body + ciphertext)
    assert "not a usable key" in refused(target, path, world, by_key=True)


def test_a_key_passphrase_file_that_is_not_text_is_one_sentence(
    world: World, cli_target: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    secret = tmp_path / "key-passphrase"
    secret.write_bytes(b"\xff\xfe\x00not text")
    key = ["--key", str(world.keys.private_path), "--key-passphrase-file", str(secret)]
    status = main(["merge", "--db", str(cli_target), *key, str(world.good_for_key)])
    _, err = capsys.readouterr()
    assert status == 2
    assert err == f"pwdesk: The key passphrase file {secret} is not UTF-8 text.\n"
