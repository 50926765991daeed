"""The .pwx package: round trips for a passphrase and for the QA officer's key, an authenticated
header readable without a key, and one clear sentence for every way opening can fail."""

from __future__ import annotations

import base64
import hashlib
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pwdesk.domain.errors import PwdeskError
from pwdesk.exchange.keys import (
    KeyFileError,
    load_private_key,
    load_public_key,
    new_key_pair,
    public_hex,
)
from pwdesk.exchange.package import (
    FORMAT_VERSION,
    MAGIC,
    MAX_SCRYPT_N,
    MAX_SCRYPT_P,
    MAX_SCRYPT_R,
    SCRYPT_N,
    SCRYPT_P,
    SCRYPT_R,
    PackageError,
    fingerprint,
    open_package,
    read_header,
    seal,
)
from tests.exchange import (
    KEY_PASSPHRASE,
    PACKAGE_PASSPHRASE,
    KeyPair,
    assert_one_sentence,
    make_key_pair,
    open_raw,
    seal_raw,
)

PAYLOAD: dict[str, Any] = {
    "kind": "pwdesk-records",
    "templates": [],
    "records": [],
    "note": "Fictional: CR700001 settled with long-term carers — café, naïve, 😀.",
}
HEADER: dict[str, Any] = {
    "created_at": "2018-09-21T16:05:00+00:00",
    "device_id": "8c1f4f3e-3b7e-4b44-9d0e-2f4a3f0a9b11",
    "device_name": "laptop-7",
    "pwdesk": "test",
    "week": "2018-09",
    "counts": {"assessment": 3, "child": 6},
}
WRONG_PASSPHRASE = "memory stick passphrase 2019"


@pytest.fixture(scope="module")
def signing_key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> KeyPair:
    return make_key_pair(tmp_path_factory.mktemp("keys"))


@pytest.fixture(scope="module")
def passphrase_package(signing_key: Ed25519PrivateKey) -> bytes:
    return seal(PAYLOAD, HEADER, signing_key, passphrase=PACKAGE_PASSPHRASE)


@pytest.fixture(scope="module")
def key_package(signing_key: Ed25519PrivateKey, keys: KeyPair) -> bytes:
    return seal(PAYLOAD, HEADER, signing_key, recipient=keys.public)


def header_end(data: bytes) -> int:
    """Where the authenticated header ends and the ciphertext begins."""
    (length,) = struct.unpack(">I", data[len(MAGIC) : len(MAGIC) + 4])
    return len(MAGIC) + 4 + int(length)


def flipped(data: bytes, position: int, mask: int = 0x01) -> bytes:
    return data[:position] + bytes([data[position] ^ mask]) + data[position + 1 :]


def with_header(data: bytes, header: dict[str, Any]) -> bytes:
    """The package with its header replaced (so no longer matching its ciphertext)."""
    body = json.dumps(header).encode("utf-8")
    return MAGIC + struct.pack(">I", len(body)) + body + data[header_end(data) :]


def opening_error(data: bytes, **secret: Any) -> str:
    with pytest.raises(PackageError) as failure:
        open_package(data, **secret)
    message = str(failure.value)
    assert_one_sentence(message, PACKAGE_PASSPHRASE, WRONG_PASSPHRASE, KEY_PASSPHRASE)
    return message


# --- round trips ------------------------------------------------------------------------------


def test_a_passphrase_package_opens_with_its_passphrase(
    passphrase_package: bytes, signing_key: Ed25519PrivateKey
) -> None:
    opened = open_package(passphrase_package, passphrase=PACKAGE_PASSPHRASE)
    assert opened.payload == PAYLOAD
    assert opened.signer == public_hex(signing_key)
    assert opened.sha256 == hashlib.sha256(passphrase_package).hexdigest()
    assert {key: opened.header[key] for key in HEADER} == HEADER
    assert opened.header["encryption"]["scheme"] == "passphrase-scrypt"
    assert opened.header["format"] == FORMAT_VERSION == 1


def test_a_key_package_opens_with_the_qa_officers_private_key(
    key_package: bytes, keys: KeyPair, signing_key: Ed25519PrivateKey
) -> None:
    opened = open_package(key_package, private_key=keys.private)
    assert opened.payload == PAYLOAD
    assert opened.signer == public_hex(signing_key)
    encryption = opened.header["encryption"]
    assert encryption["scheme"] == "x25519-hkdf-sha256"
    assert encryption["recipient"] == fingerprint(
        keys.public.public_bytes_raw().hex()  # the fingerprint of the key it was sealed for
    )


def test_key_files_written_and_read_back_make_a_working_pair(tmp_path: Path) -> None:
    private_pem, public_pem = new_key_pair(KEY_PASSPHRASE)
    assert json.loads(private_pem)["kind"] == "pwdesk-qa-private-key"
    assert public_pem.startswith(b"-----BEGIN PUBLIC KEY-----")
    (tmp_path / "qa.key").write_bytes(private_pem)
    (tmp_path / "qa.pub").write_bytes(public_pem)
    private = load_private_key(tmp_path / "qa.key", KEY_PASSPHRASE)
    public = load_public_key(tmp_path / "qa.pub")
    data = seal(PAYLOAD, HEADER, Ed25519PrivateKey.generate(), recipient=public)
    assert open_package(data, private_key=private).payload == PAYLOAD


def test_every_seal_is_fresh_and_nothing_is_readable_in_the_file(
    signing_key: Ed25519PrivateKey, keys: KeyPair
) -> None:
    first = seal(PAYLOAD, HEADER, signing_key, passphrase=PACKAGE_PASSPHRASE)
    second = seal(PAYLOAD, HEADER, signing_key, passphrase=PACKAGE_PASSPHRASE)
    assert first != second  # a new salt and nonce each time
    for data in (first, second, seal(PAYLOAD, HEADER, signing_key, recipient=keys.public)):
        assert b"CR700001" not in data
        assert b"carers" not in data
        assert PACKAGE_PASSPHRASE.encode() not in data


def test_seal_needs_exactly_one_way_to_lock(signing_key: Ed25519PrivateKey, keys: KeyPair) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        seal(PAYLOAD, HEADER, signing_key)
    with pytest.raises(ValueError, match="exactly one"):
        seal(PAYLOAD, HEADER, signing_key, passphrase=PACKAGE_PASSPHRASE, recipient=keys.public)


# --- the header -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["passphrase", "key"])
def test_the_header_is_readable_without_any_key(
    kind: str, passphrase_package: bytes, key_package: bytes
) -> None:
    data = passphrase_package if kind == "passphrase" else key_package
    header, associated, ciphertext = read_header(data)
    assert header["device_name"] == "laptop-7"
    assert header["counts"] == {"assessment": 3, "child": 6}
    assert header["week"] == "2018-09"
    assert header["format"] == 1
    assert associated + ciphertext == data
    assert "records" not in header
    assert "note" not in header


def test_changing_any_header_byte_makes_opening_fail(key_package: bytes, keys: KeyPair) -> None:
    end = header_end(key_package)
    for position in range(end):
        for mask in (0x01, 0x20):
            changed = flipped(key_package, position, mask)
            with pytest.raises(PackageError) as failure:
                open_package(changed, private_key=keys.private)
            assert_one_sentence(str(failure.value))


def test_changing_the_header_of_a_passphrase_package_makes_opening_fail(
    passphrase_package: bytes,
) -> None:
    end = header_end(passphrase_package)
    # Every byte would mean hundreds of scrypt runs; one in 13 reaches every field cheaply.
    for position in range(0, end, 13):
        opening_error(flipped(passphrase_package, position), passphrase=PACKAGE_PASSPHRASE)


def test_a_header_field_rewritten_as_valid_json_is_still_detected(
    passphrase_package: bytes,
) -> None:
    header, _, _ = read_header(passphrase_package)
    forged = with_header(passphrase_package, {**header, "device_name": "the QA officer"})
    assert read_header(forged)[0]["device_name"] == "the QA officer"
    message = opening_error(forged, passphrase=PACKAGE_PASSPHRASE)
    assert "changed or cut short" in message


def test_another_format_version_is_named_in_the_message(passphrase_package: bytes) -> None:
    header, _, _ = read_header(passphrase_package)
    for version in (2, 0, "1", None):
        forged = with_header(passphrase_package, {**header, "format": version})
        message = opening_error(forged, passphrase=PACKAGE_PASSPHRASE)
        assert f"format {version!r}" in message
        assert "reads format 1" in message


def test_forged_key_settings_are_refused_before_any_work(passphrase_package: bytes) -> None:
    header, _, _ = read_header(passphrase_package)
    for settings in (
        {"n": 2**21},  # 2 GB of memory: refused, never attempted
        {"n": 2**20, "r": 32, "p": 16},  # minutes and gigabytes
        {"n": 2**17},  # four times pwdesk's own setting: too much to pay for a stranger
        {"r": 9},
        {"p": 2},
        {"n": 3000},
        {"r": 0},
        {"p": 64},
        {"n": "32768"},
        {"r": True},
    ):
        encryption = {**header["encryption"], **settings}
        forged = with_header(passphrase_package, {**header, "encryption": encryption})
        message = opening_error(forged, passphrase=PACKAGE_PASSPHRASE)
        assert "key settings" in message


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"encryption": {"scheme": "rot13"}}, "does not know ('rot13')"),
        ({"encryption": "none"}, "does not say how it is encrypted"),
        ({"nonce": "AAAA"}, "nonce is malformed"),
        ({"nonce": "not base64!"}, "nonce is malformed"),
    ],
)
def test_malformed_header_fields_are_named(
    passphrase_package: bytes, change: dict[str, Any], expected: str
) -> None:
    header, _, _ = read_header(passphrase_package)
    message = opening_error(
        with_header(passphrase_package, {**header, **change}), passphrase=PACKAGE_PASSPHRASE
    )
    assert expected in message


def test_a_malformed_salt_or_ephemeral_key_is_named(
    passphrase_package: bytes, key_package: bytes, keys: KeyPair
) -> None:
    header, _, _ = read_header(passphrase_package)
    salted = {**header, "encryption": {**header["encryption"], "salt": "***"}}
    message = opening_error(with_header(passphrase_package, salted), passphrase=PACKAGE_PASSPHRASE)
    assert "salt is malformed" in message
    header, _, _ = read_header(key_package)
    short = base64.b64encode(b"x" * 31).decode()
    keyed = {**header, "encryption": {**header["encryption"], "ephemeral_public_key": short}}
    message = opening_error(with_header(key_package, keyed), private_key=keys.private)
    assert "ephemeral key is malformed" in message


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "not a pwdesk export package"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "not a pwdesk"),
        (b"SQLite format 3\x00" + bytes(100), "not a pwdesk export package"),
        (MAGIC, "header is incomplete"),
        (MAGIC + b"\x00\x00", "header is incomplete"),
        (MAGIC + struct.pack(">I", 10**6) + b"{}", "too large to be genuine"),
        (MAGIC + struct.pack(">I", 2) + b"{}", "ends before its content"),
        (MAGIC + struct.pack(">I", 2) + b"[]" + bytes(16), "header is damaged"),
        (MAGIC + struct.pack(">I", 2) + b"\xff\xfe" + bytes(16), "header is damaged"),
        (MAGIC + struct.pack(">I", 3) + b"{x}" + bytes(16), "header is damaged"),
    ],
)
def test_files_that_are_not_packages_get_one_clear_sentence(data: bytes, expected: str) -> None:
    message = opening_error(data, passphrase=PACKAGE_PASSPHRASE)
    assert expected in message


# --- wrong keys -----------------------------------------------------------------------------


def test_a_wrong_passphrase_is_one_sentence_without_the_passphrase(
    passphrase_package: bytes,
) -> None:
    message = opening_error(passphrase_package, passphrase=WRONG_PASSPHRASE)
    assert message == (
        "The package cannot be opened: the passphrase or key is wrong, or the file was "
        "changed or cut short."
    )


def test_a_wrong_private_key_cannot_open_a_key_package(key_package: bytes, tmp_path: Path) -> None:
    other = make_key_pair(tmp_path, "someone-else")
    message = opening_error(key_package, private_key=other.private)
    assert "passphrase or key is wrong" in message


def test_a_passphrase_package_opened_with_a_key_asks_for_the_passphrase(
    passphrase_package: bytes, keys: KeyPair
) -> None:
    message = opening_error(passphrase_package, private_key=keys.private)
    assert message == "This package is locked with a passphrase; give the passphrase."


def test_a_key_package_opened_with_a_passphrase_asks_for_the_key(
    key_package: bytes,
) -> None:
    message = opening_error(key_package, passphrase=PACKAGE_PASSPHRASE)
    assert message == "This package is for a QA officer's key; give the key file."


def test_key_file_errors_are_one_sentence_without_the_passphrase(
    keys: KeyPair, tmp_path: Path
) -> None:
    with pytest.raises(KeyFileError) as wrong:
        load_private_key(keys.private_path, "not the key passphrase")
    assert_one_sentence(str(wrong.value), "not the key passphrase", KEY_PASSPHRASE)
    with pytest.raises(KeyFileError) as swapped:
        load_public_key(keys.private_path)
    assert_one_sentence(str(swapped.value))
    with pytest.raises(KeyFileError) as missing:
        load_private_key(tmp_path / "nowhere.key", KEY_PASSPHRASE)
    assert_one_sentence(str(missing.value), KEY_PASSPHRASE)
    with pytest.raises(KeyFileError) as short:
        new_key_pair("short")
    assert_one_sentence(str(short.value), "short")
    assert issubclass(KeyFileError, PwdeskError)


# --- the signature and the compressed payload -------------------------------------------------


def test_the_format_as_documented_reads_pwdesk_packages(
    passphrase_package: bytes, key_package: bytes, keys: KeyPair
) -> None:
    assert open_raw(passphrase_package, passphrase=PACKAGE_PASSPHRASE)[1] == PAYLOAD
    assert open_raw(key_package, private_key=keys.private)[1] == PAYLOAD


def test_pwdesk_reads_a_package_written_from_the_documentation(keys: KeyPair) -> None:
    signer = Ed25519PrivateKey.generate()
    data = seal_raw(zlib.compress(json.dumps(PAYLOAD).encode()), keys.public, signer)
    opened = open_package(data, private_key=keys.private)
    assert opened.payload == PAYLOAD
    assert opened.signer == public_hex(signer)
    assert opened.header["device_name"] == "another tool"


def test_a_signature_by_another_key_is_refused(keys: KeyPair) -> None:
    compressed = zlib.compress(json.dumps(PAYLOAD).encode())
    impostor = Ed25519PrivateKey.generate()
    forged = seal_raw(
        compressed,
        keys.public,
        Ed25519PrivateKey.generate(),
        signature=impostor.sign(b"\x00" * 64),
    )
    message = opening_error(forged, private_key=keys.private)
    assert message == "The package's signature does not match its content."


def test_a_signer_that_is_not_a_key_is_refused(keys: KeyPair) -> None:
    compressed = zlib.compress(json.dumps(PAYLOAD).encode())
    forged = seal_raw(
        compressed, keys.public, Ed25519PrivateKey.generate(), header={"signer": "zz"}
    )
    message = opening_error(forged, private_key=keys.private)
    assert "signature does not match" in message


@pytest.mark.parametrize(
    ("compressed", "expected"),
    [
        (b"this is not zlib data", "content is damaged"),
        (zlib.compress(b"\xff\xfe not UTF-8"), "not readable data"),
        (zlib.compress(b"{not json"), "not readable data"),
        (zlib.compress(b"[1, 2, 3]"), "not readable data"),
        (b"", "compressed data is incomplete"),
        (zlib.compress(b'{"records": []}')[:-3], "compressed data is incomplete"),
        (zlib.compress(b'{"records": []}') + b"trailing", "compressed data is incomplete"),
        (zlib.compress(b'{"kind": NaN}'), "not readable data"),
        (zlib.compress(b'{"kind": Infinity}'), "not readable data"),
        (zlib.compress(b'{"kind": 1, "kind": 2}'), "not readable data"),
        (zlib.compress(b'{"n": ' + b"9" * 5000 + b"}"), "not readable data"),
    ],
)
def test_signed_but_unreadable_content_is_named(
    keys: KeyPair, compressed: bytes, expected: str
) -> None:
    data = seal_raw(compressed, keys.public, Ed25519PrivateKey.generate())
    assert expected in opening_error(data, private_key=keys.private)


def test_a_decompression_bomb_stops_at_the_limit(
    keys: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pwdesk.exchange.package.MAX_PAYLOAD_BYTES", 1024 * 1024)
    bomb = {"kind": "pwdesk-records", "templates": [], "records": [], "pad": "A" * 8_000_000}
    data = seal(bomb, HEADER, Ed25519PrivateKey.generate(), recipient=keys.public)
    assert len(data) < 100_000  # small on disk, eight times the limit once inflated
    message = opening_error(data, private_key=keys.private)
    assert "larger than pwdesk accepts" in message


def test_a_package_just_under_the_limit_opens(
    keys: KeyPair, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pwdesk.exchange.package.MAX_PAYLOAD_BYTES", 1024 * 1024)
    payload = {"kind": "pwdesk-records", "templates": [], "records": [], "pad": "A" * 1_000_000}
    data = seal(payload, HEADER, Ed25519PrivateKey.generate(), recipient=keys.public)
    assert open_package(data, private_key=keys.private).payload == payload


def test_an_oversized_file_is_refused_before_reading_its_header(
    passphrase_package: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("pwdesk.exchange.package.MAX_PACKAGE_BYTES", len(passphrase_package) - 1)
    message = opening_error(passphrase_package, passphrase=PACKAGE_PASSPHRASE)
    assert "larger than pwdesk accepts" in message


def test_a_deeply_nested_header_is_refused_with_a_sentence() -> None:
    body = b"[" * 50_000
    data = MAGIC + struct.pack(">I", len(body)) + body + bytes(32)
    opening_error(data, passphrase=PACKAGE_PASSPHRASE)


def test_deeply_nested_content_is_refused_with_a_sentence(keys: KeyPair) -> None:
    data = seal_raw(zlib.compress(b"[" * 100_000), keys.public, Ed25519PrivateKey.generate())
    opening_error(data, private_key=keys.private)


def test_the_most_a_forged_header_may_ask_is_paid_and_refused_with_a_sentence(
    passphrase_package: bytes,
) -> None:
    header, _, _ = read_header(passphrase_package)
    encryption = {**header["encryption"], "n": MAX_SCRYPT_N, "r": MAX_SCRYPT_R, "p": MAX_SCRYPT_P}
    forged = with_header(passphrase_package, {**header, "encryption": encryption})
    assert "cannot be opened" in opening_error(forged, passphrase=PACKAGE_PASSPHRASE)
    # scrypt needs 128 * n * r bytes (times p in turn): at most twice what pwdesk writes.
    assert 128 * MAX_SCRYPT_N * MAX_SCRYPT_R * MAX_SCRYPT_P <= 64 * 1024 * 1024
    assert MAX_SCRYPT_N * MAX_SCRYPT_R * MAX_SCRYPT_P <= 2 * SCRYPT_N * SCRYPT_R * SCRYPT_P
