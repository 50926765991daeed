"""The QA officer's private key opens every laptop's package, so its file costs a guesser dearly:
scrypt at OWASP's cost, AES-256-GCM over the key, every setting authenticated. Older PKCS#8 files
still open, and `pwdesk keygen --rewrap` re-protects one without changing the key."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    PrivateFormat,
    PublicFormat,
)

from pwdesk.cli import main
from pwdesk.domain.errors import PwdeskError
from pwdesk.exchange.keys import (
    MAX_KEY_FILE_BYTES,
    KeyFileError,
    load_private_key,
    load_public_key,
    new_key_pair,
    unlock_private_key,
)
from pwdesk.services.keys import recipient_key, unlock_qa_key
from tests.exchange import KEY_PASSPHRASE, World, assert_one_sentence, copy_database

OWASP_SCRYPT_N = 2**17  # the Password Storage Cheat Sheet's minimum for scrypt, with r = 8


def raw_public(key: X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def legacy_key_file(folder: Path) -> tuple[Path, X25519PrivateKey]:
    """A key file as earlier releases wrote it: PKCS#8, PBKDF2 at 2,048 iterations."""
    key = X25519PrivateKey.generate()
    pem = key.private_bytes(
        Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(KEY_PASSPHRASE.encode())
    )
    path = folder / "old-qa.key"
    path.write_bytes(pem)
    public = folder / "old-qa.pub"
    public.write_bytes(
        key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    )
    return path, key


def test_a_new_key_file_is_protected_by_scrypt_at_owasp_cost(tmp_path: Path) -> None:
    private_file, public_pem = new_key_pair(KEY_PASSPHRASE)
    body = json.loads(private_file)
    kdf = body["kdf"]
    assert kdf["scheme"] == "scrypt"
    assert kdf["n"] >= OWASP_SCRYPT_N
    assert (kdf["r"], kdf["p"]) == (8, 1)
    assert 128 * kdf["n"] * kdf["r"] >= 128 * 1024 * 1024  # bytes of memory per guess
    assert body["cipher"] == "AES-256-GCM"
    assert KEY_PASSPHRASE.encode() not in private_file
    path = tmp_path / "qa.key"
    path.write_bytes(private_file)
    (tmp_path / "qa.pub").write_bytes(public_pem)
    unlocked = unlock_private_key(path, KEY_PASSPHRASE)
    assert not unlocked.weak
    assert raw_public(unlocked.key) == raw_public_of(tmp_path / "qa.pub")


def raw_public_of(path: Path) -> bytes:
    return load_public_key(path).public_bytes(Encoding.Raw, PublicFormat.Raw)


def test_a_wrong_passphrase_or_a_changed_setting_is_one_sentence(tmp_path: Path) -> None:
    private_file, _ = new_key_pair(KEY_PASSPHRASE)
    path = tmp_path / "qa.key"
    path.write_bytes(private_file)
    with pytest.raises(KeyFileError) as wrong:
        load_private_key(path, "not the key passphrase")
    assert_one_sentence(str(wrong.value), KEY_PASSPHRASE, "not the key passphrase")
    assert "does not unlock qa.key" in str(wrong.value)
    body = json.loads(private_file)
    body["kdf"]["n"] = 2**14  # cheaper for a guesser, and authenticated, so refused
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(KeyFileError, match=r"does not unlock qa\.key, or the file was changed"):
        load_private_key(path, KEY_PASSPHRASE)


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"kdf": {"scheme": "scrypt", "salt": "AAAA", "n": 2**30, "r": 8, "p": 1}}, "not allow"),
        ({"kdf": {"scheme": "scrypt", "salt": "AAAA", "n": 2**17, "r": 64, "p": 16}}, "not allow"),
        ({"kdf": {"scheme": "argon9"}}, "damaged"),
        ({"kind": "something-else"}, "not a pwdesk key file"),
        ({"format": 2}, "newer pwdesk"),
        ({"key": "not base64!"}, "damaged"),
    ],
)
def test_a_forged_or_damaged_key_file_is_refused_before_any_costly_work(
    tmp_path: Path, change: dict[str, object], expected: str
) -> None:
    body = {**json.loads(new_key_pair(KEY_PASSPHRASE)[0]), **change}
    path = tmp_path / "qa.key"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(KeyFileError, match=expected) as refused:
        load_private_key(path, KEY_PASSPHRASE)
    assert_one_sentence(str(refused.value), KEY_PASSPHRASE)


def test_a_huge_file_given_as_the_key_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "qa.key"
    with path.open("wb") as stream:
        stream.truncate(MAX_KEY_FILE_BYTES * 1024)
    with pytest.raises(KeyFileError, match="far larger than a pwdesk key file"):
        load_private_key(path, KEY_PASSPHRASE)


def test_an_older_key_file_still_opens_and_says_it_is_weak(tmp_path: Path) -> None:
    path, key = legacy_key_file(tmp_path)
    unlocked = unlock_private_key(path, KEY_PASSPHRASE)
    assert unlocked.weak
    assert raw_public(unlocked.key) == raw_public(key)


def test_keygen_rewrap_re_protects_the_same_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, key = legacy_key_file(tmp_path)
    secret = tmp_path / "key-passphrase"
    secret.write_text(KEY_PASSPHRASE + "\n", encoding="utf-8")
    assert main(["keygen", "--rewrap", str(path), "--key-passphrase-file", str(secret)]) == 0
    assert "Re-protected" in capsys.readouterr().out
    assert json.loads(path.read_bytes())["kdf"]["scheme"] == "scrypt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    unlocked = unlock_private_key(path, KEY_PASSPHRASE)
    assert not unlocked.weak
    assert raw_public(unlocked.key) == raw_public(key) == raw_public_of(tmp_path / "old-qa.pub")
    leftovers = sorted(p.name for p in tmp_path.iterdir())
    assert leftovers == ["key-passphrase", "old-qa.key", "old-qa.pub"]


def test_keygen_rewrap_can_change_the_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, key = legacy_key_file(tmp_path)
    old, new = tmp_path / "old", tmp_path / "new"
    old.write_text(KEY_PASSPHRASE, encoding="utf-8")
    new.write_text("a brand new key passphrase", encoding="utf-8")
    arguments = ["--key-passphrase-file", str(old), "--new-key-passphrase-file", str(new)]
    assert main(["keygen", "--rewrap", str(path), *arguments]) == 0
    assert raw_public(load_private_key(path, "a brand new key passphrase")) == raw_public(key)
    with pytest.raises(KeyFileError):
        load_private_key(path, KEY_PASSPHRASE)


def test_keygen_rewrap_with_a_wrong_passphrase_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = legacy_key_file(tmp_path)
    before = path.read_bytes()
    secret = tmp_path / "wrong"
    secret.write_text("not the key passphrase", encoding="utf-8")
    assert main(["keygen", "--rewrap", str(path), "--key-passphrase-file", str(secret)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pwdesk: The passphrase does not unlock old-qa.key")
    assert path.read_bytes() == before


def test_keygen_writes_a_private_key_only_its_owner_reads(tmp_path: Path) -> None:
    secret = tmp_path / "key-passphrase"
    secret.write_text(KEY_PASSPHRASE, encoding="utf-8")
    out = tmp_path / "qa"
    assert main(["keygen", "--out", str(out), "--key-passphrase-file", str(secret)]) == 0
    assert stat.S_IMODE((tmp_path / "qa.key").stat().st_mode) == 0o600
    assert json.loads((tmp_path / "qa.key").read_bytes())["kdf"]["n"] >= OWASP_SCRYPT_N


def test_merging_with_an_older_key_file_says_how_to_re_protect_it(
    world: World,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from tests.conftest import PASSPHRASE

    legacy = tmp_path / "legacy-qa.key"
    legacy.write_bytes(
        world.keys.private.private_bytes(
            Encoding.PEM, PrivateFormat.PKCS8, BestAvailableEncryption(KEY_PASSPHRASE.encode())
        )
    )
    secret = tmp_path / "key-passphrase"
    secret.write_text(KEY_PASSPHRASE, encoding="utf-8")
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    target = copy_database(world.qa.path, tmp_path / "qa.db")
    key = ["--key", str(legacy), "--key-passphrase-file", str(secret)]
    status = main(["merge", "--db", str(target), *key, "--trust-new", str(world.good_for_key)])
    err = capsys.readouterr().err
    assert status == 0
    assert f"pwdesk keygen --rewrap {legacy}" in err


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX's")
def test_a_pipe_or_a_folder_given_as_the_key_is_refused_without_waiting(tmp_path: Path) -> None:
    pipe = tmp_path / "qa.key"
    os.mkfifo(pipe)  # opening it to read would wait for a writer for ever
    with pytest.raises(KeyFileError, match=r"qa\.key is not a key file"):
        load_private_key(pipe, KEY_PASSPHRASE)
    with pytest.raises(KeyFileError, match="is not a key file"):
        load_private_key(tmp_path, KEY_PASSPHRASE)


def test_the_windows_key_service_unlocks_and_says_when_to_re_protect(tmp_path: Path) -> None:
    private, public = new_key_pair(KEY_PASSPHRASE)
    (tmp_path / "qa.key").write_bytes(private)
    (tmp_path / "qa.pub").write_bytes(public)
    fresh = unlock_qa_key(tmp_path / "qa.key", KEY_PASSPHRASE)
    assert fresh.hint == ""
    assert fresh.key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) == recipient_key(
        f"  {tmp_path / 'qa.pub'} "
    ).public_bytes(Encoding.Raw, PublicFormat.Raw)
    path, key = legacy_key_file(tmp_path)
    older = unlock_qa_key(path, KEY_PASSPHRASE)
    assert raw_public(older.key) == raw_public(key)
    assert "keygen --rewrap" in older.hint
    with pytest.raises(PwdeskError) as empty:
        recipient_key("   ")
    assert str(empty.value) == "Choose the QA officer's public key file (.pub)."
