"""The exchange commands: keygen, export, merge, conflicts, resolve and signers — exit status 0 or
2, one JSON object with --json, one sentence on stderr, and nothing changed by a refusal."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pwdesk.cli import main
from pwdesk.domain.answers import answer
from pwdesk.exchange.keys import load_private_key
from pwdesk.exchange.package import fingerprint, open_package, read_header
from pwdesk.services.conflicts import list_conflicts
from pwdesk.store.models import RecordVersion
from tests.conftest import PASSPHRASE
from tests.exchange import (
    KEY_PASSPHRASE,
    PACKAGE_PASSPHRASE,
    WEEK,
    KeyPair,
    assert_one_sentence,
    build_qa_week,
    copy_database,
    edit_audit,
    export_week,
    laptop,
    make_key_pair,
    merge,
    new_audit,
    reopen,
    snapshot,
    week_of,
)

MERGE_KEYS = {
    "packages",
    "new",
    "updated",
    "merged",
    "unchanged",
    "stale",
    "conflicts",
    "already_merged",
    "signers",
    "newly_trusted",
    "possible_duplicates",
}


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("PWDESK_PACKAGE_PASSPHRASE", raising=False)
    monkeypatch.delenv("PWDESK_KEY_PASSPHRASE", raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def refusal(err: str, *secrets: str) -> str:
    """The one line a refusal prints on stderr, checked, without its prefix."""
    assert err.startswith("pwdesk: ")
    assert err.count("\n") == 1
    assert err.endswith("\n")
    sentence = err.removeprefix("pwdesk: ").removesuffix("\n")
    assert_one_sentence(sentence, PASSPHRASE, PACKAGE_PASSPHRASE, KEY_PASSPHRASE, *secrets)
    return sentence


def secret_file(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text + "\n", encoding="utf-8")  # as an editor saves it
    return path


@dataclass(frozen=True)
class Scene:
    """The QA officer's week and two laptops that edited the same audit differently."""

    folder: Path
    qa: Path
    x: Path
    y: Path
    audit: str
    version_x: str
    version_y: str


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Scene:
    folder = tmp_path_factory.mktemp("scene")
    qa = build_qa_week(folder)
    x = laptop(qa, folder / "x.db", "laptop-x")
    y = laptop(qa, folder / "y.db", "laptop-y")
    try:
        audit = new_audit(x, week_of(x), child=2)
        merge(y, export_week(x, folder / "x-early.pwx"))
        version_x = edit_audit(x, audit, {"overall": answer("outstanding")})
        version_y = edit_audit(
            y,
            audit,
            {
                "overall": answer("requires-improvement"),
                "strengths": answer("Life story work is under way."),
            },
        )
    finally:
        x.close()
        y.close()
    return Scene(folder, qa.path, folder / "x.db", folder / "y.db", audit, version_x, version_y)


@dataclass(frozen=True)
class Desk:
    """Private copies of the scene's databases, and the QA officer's key files."""

    qa: Path
    x: Path
    y: Path
    key: Path
    public: Path
    key_passphrase: Path
    package_passphrase: Path


@pytest.fixture
def desk(scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Desk:
    key_passphrase = secret_file(tmp_path, "key-passphrase.txt", KEY_PASSPHRASE)
    status, _, _ = run(
        capsys,
        "keygen",
        "--out",
        str(tmp_path / "qa"),
        "--key-passphrase-file",
        str(key_passphrase),
    )
    assert status == 0
    return Desk(
        copy_database(scene.qa, tmp_path / "qa.db"),
        copy_database(scene.x, tmp_path / "x.db"),
        copy_database(scene.y, tmp_path / "y.db"),
        tmp_path / "qa.key",
        tmp_path / "qa.pub",
        key_passphrase,
        secret_file(tmp_path, "package-passphrase.txt", PACKAGE_PASSPHRASE),
    )


@dataclass(frozen=True)
class Shipped:
    """The laptops' packages made once for the refusal tests: X's for the QA key, Y's for the
    package passphrase."""

    keys: KeyPair
    x: Path
    y: Path


@pytest.fixture(scope="module")
def shipped(scene: Scene, tmp_path_factory: pytest.TempPathFactory) -> Shipped:
    folder = tmp_path_factory.mktemp("shipped")
    keys = make_key_pair(folder)
    packages = []
    for name, recipient in (("x", keys.public), ("y", None)):
        db = reopen(copy_database(getattr(scene, name), folder / f"{name}.db"))
        try:
            packages.append(export_week(db, folder / f"{name}.pwx", recipient=recipient))
        finally:
            db.close()
    return Shipped(keys, packages[0], packages[1])


def state(path: Path) -> tuple[Any, Any]:
    db = reopen(path)
    try:
        taken = snapshot(db)
    finally:
        db.close()
    return taken.dump, taken.tables


# --- keygen ---------------------------------------------------------------------------------------


def test_keygen_writes_a_private_key_only_its_owner_can_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    passphrase_file = secret_file(tmp_path, "p.txt", KEY_PASSPHRASE)
    status, out, err = run(
        capsys,
        "keygen",
        "--out",
        str(tmp_path / "officer"),
        "--key-passphrase-file",
        str(passphrase_file),
        "--json",
    )
    assert (status, err) == (0, "")
    assert json.loads(out) == {
        "private_key": str(tmp_path / "officer.key"),
        "public_key": str(tmp_path / "officer.pub"),
    }
    private, public = tmp_path / "officer.key", tmp_path / "officer.pub"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert json.loads(private.read_bytes())["kdf"]["scheme"] == "scrypt"
    assert public.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    load_private_key(private, KEY_PASSPHRASE)  # the file's passphrase is the one given
    assert KEY_PASSPHRASE.encode() not in private.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def test_keygen_refuses_to_overwrite_either_key_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PWDESK_KEY_PASSPHRASE", KEY_PASSPHRASE)
    status, out, _ = run(capsys, "keygen", "--out", str(tmp_path / "qa"))
    assert status == 0
    assert "qa.key" in out
    keys = {p.name: p.read_bytes() for p in (tmp_path / "qa.key", tmp_path / "qa.pub")}
    for leave in ("qa.key", "qa.pub"):
        (tmp_path / "other.key").unlink(missing_ok=True)
        (tmp_path / "other.pub").unlink(missing_ok=True)
        (tmp_path / leave.replace("qa", "other")).write_bytes(b"precious")
        status, out, err = run(capsys, "keygen", "--out", str(tmp_path / "other"))
        assert (status, out) == (2, "")
        assert "will not overwrite a key" in refusal(err)
        assert (tmp_path / leave.replace("qa", "other")).read_bytes() == b"precious"
    status, out, err = run(capsys, "keygen", "--out", str(tmp_path / "qa"))
    assert (status, out) == (2, "")
    refusal(err)
    assert {p.name: p.read_bytes() for p in (tmp_path / "qa.key", tmp_path / "qa.pub")} == keys


def test_keygen_needs_a_long_enough_passphrase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(capsys, "keygen", "--out", str(tmp_path / "qa"))
    assert (status, out) == (2, "")
    assert "No key passphrase given" in refusal(err)
    short = secret_file(tmp_path, "short.txt", "tiny")
    status, out, err = run(
        capsys, "keygen", "--out", str(tmp_path / "qa"), "--key-passphrase-file", str(short)
    )
    assert (status, out) == (2, "")
    assert "at least 10 characters" in refusal(err, "tiny")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["short.txt"]


# --- export --------------------------------------------------------------------------------------


def test_export_for_the_qa_officers_key(desk: Desk, capsys: pytest.CaptureFixture[str]) -> None:
    out = desk.x.with_name("x.pwx")
    status, printed, err = run(
        capsys,
        "export",
        "--db",
        str(desk.x),
        "--week",
        WEEK,
        "--to",
        str(desk.public),
        "--out",
        str(out),
        "--json",
    )
    assert (status, err) == (0, "")
    result = json.loads(printed)
    assert result["out"] == str(out)
    assert result["week"] == WEEK
    assert result["counts"]["assessment"] == 1
    assert result["records"] == sum(result["counts"].values())
    assert result["versions"] >= result["records"]
    header, _, _ = read_header(out.read_bytes())
    assert header["encryption"]["scheme"] == "x25519-hkdf-sha256"
    assert header["device_name"] == "laptop-x"
    private = load_private_key(desk.key, KEY_PASSPHRASE)
    assert (
        len(open_package(out.read_bytes(), private_key=private).payload["records"])
        == (result["records"])
    )


def test_export_for_a_passphrase_from_a_file(
    desk: Desk, capsys: pytest.CaptureFixture[str]
) -> None:
    out = desk.y.with_name("y.pwx")
    status, printed, err = run(
        capsys,
        "export",
        "--db",
        str(desk.y),
        "--week",
        WEEK,
        "--package-passphrase-file",
        str(desk.package_passphrase),
        "--out",
        str(out),
    )
    assert (status, err) == (0, "")
    assert printed.startswith("Wrote ")
    assert str(out) in printed
    # The file's trailing newline is not part of the passphrase.
    assert open_package(out.read_bytes(), passphrase=PACKAGE_PASSPHRASE).payload["records"]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--out", "x.zip", "--to", "qa.pub"], "give --out a name ending in .pwx"),
        (["--out", "x.pwx"], "Say who can open the package"),
        (["--out", "x.pwx", "--to", "missing.pub"], "There is no public key file"),
        (["--out", "x.pwx", "--to", "qa.key"], "is not a pwdesk public key file"),
        (["--out", "x.pwx", "--package-passphrase-file", "short.txt"], "at least 10 characters"),
        (["--out", "x.pwx", "--to", "qa.pub", "--week", "1999-01"], "1999-01"),
        (["--out", "nowhere/x.pwx", "--to", "qa.pub"], "does not exist"),
    ],
)
def test_export_refusals_write_nothing(
    desk: Desk, capsys: pytest.CaptureFixture[str], extra: list[str], expected: str
) -> None:
    folder = desk.x.parent
    secret_file(folder, "short.txt", "short")
    argv = [
        str(folder / a) if a.endswith((".pub", ".key", ".txt", ".zip", ".pwx")) else a
        for a in extra
    ]
    before = sorted(p.name for p in folder.iterdir())
    status, out, err = run(capsys, "export", "--db", str(desk.x), *argv)
    assert (status, out) == (2, "")
    assert expected in refusal(err, "short")
    assert sorted(p.name for p in folder.iterdir()) == before


# --- merge, conflicts, resolve, signers ----------------------------------------------------------


def export_both(desk: Desk) -> tuple[Path, Path]:
    """X exports for the QA key, Y for the package passphrase."""
    x_out, y_out = desk.x.with_name("x.pwx"), desk.y.with_name("y.pwx")
    assert main(["export", "--db", str(desk.x), "--to", str(desk.public), "--out", str(x_out)]) == 0
    assert (
        main(
            [
                "export",
                "--db",
                str(desk.y),
                "--out",
                str(y_out),
                "--package-passphrase-file",
                str(desk.package_passphrase),
            ]
        )
        == 0
    )
    return x_out, y_out


def test_merge_conflicts_and_resolve_through_the_command_line(
    desk: Desk, scene: Scene, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    x_out, y_out = export_both(desk)
    capsys.readouterr()
    status, out, err = run(
        capsys,
        "merge",
        "--db",
        str(desk.qa),
        "--key",
        str(desk.key),
        "--key-passphrase-file",
        str(desk.key_passphrase),
        str(x_out),
        "--json",
        "--trust-new",
    )
    assert (status, err) == (0, "")
    first = json.loads(out)
    assert set(first) == MERGE_KEYS
    assert (first["packages"], first["new"], first["updated"], first["conflicts"]) == (1, 1, 0, 0)
    x_signer = fingerprint(read_header(x_out.read_bytes())[0]["signer"])
    assert first["signers"] == [{"fingerprint": x_signer, "device": "laptop-x", "trusted": True}]
    [newcomer] = first["newly_trusted"]
    assert (newcomer["device"], newcomer["fingerprint"]) == ("laptop-x", x_signer)

    monkeypatch.setenv("PWDESK_PACKAGE_PASSPHRASE", PACKAGE_PASSPHRASE)
    status, out, err = run(capsys, "merge", "--db", str(desk.qa), str(y_out))
    assert (status, out) == (2, "")  # laptop Y is not trusted yet: nothing merged
    assert "laptop-y" in refusal(err)
    assert "--trust-new" in err
    status, out, err = run(capsys, "merge", "--db", str(desk.qa), str(y_out), "--trust-new")
    assert (status, err) == (0, "")
    assert "1 in conflict" in out
    assert "see the conflicts with: pwdesk conflicts" in out
    assert "signed by laptop-y" in out
    assert "Trusted from now on: laptop-y" in out

    status, out, err = run(capsys, "conflicts", "--db", str(desk.qa), "--json")
    assert (status, err) == (0, "")
    [conflict] = json.loads(out)["conflicts"]
    assert conflict["record_type"] == "assessment"
    assert conflict["record_id"] == scene.audit
    versions = {v["id"]: v for v in conflict["versions"]}
    assert set(versions) == {scene.version_x, scene.version_y}
    assert versions[scene.version_x]["content"]["answers"]["overall"]["value"] == "outstanding"
    strengths = versions[scene.version_y]["content"]["answers"]["strengths"]
    assert strengths == {"value": "Life story work is under way."}
    status, out, _ = run(capsys, "conflicts", "--db", str(desk.qa))
    assert status == 0
    assert scene.version_x[:12] in out
    assert scene.version_y[:12] in out

    status, out, err = run(
        capsys,
        "resolve",
        scene.audit[:8],
        "--db",
        str(desk.qa),
        "--take",
        scene.version_y[:10],
        "--field",
        f"answers={scene.version_x[:10]}",
        "--json",
    )
    assert (status, err) == (0, "")
    resolution = json.loads(out)["version"]
    db = reopen(desk.qa)
    try:
        assert list_conflicts(db) == []
        with db.read() as session:
            stored = session.get(RecordVersion, resolution)
            assert stored is not None
            assert sorted(stored.parents) == sorted([scene.version_x, scene.version_y])
            assert stored.content["answers"]["overall"]["value"] == "outstanding"  # X's answers
    finally:
        db.close()
    status, out, _ = run(capsys, "conflicts", "--db", str(desk.qa), "--json")
    assert json.loads(out) == {"conflicts": []}
    status, out, _ = run(capsys, "conflicts", "--db", str(desk.qa))
    assert out == "No records are in conflict.\n"

    # Merging both packages again brings nothing back.
    status, out, _ = run(
        capsys,
        "merge",
        "--db",
        str(desk.qa),
        "--key",
        str(desk.key),
        "--key-passphrase-file",
        str(desk.key_passphrase),
        str(x_out),
        "--json",
    )
    again = json.loads(out)
    assert (again["conflicts"], again["stale"], again["already_merged"]) == (0, 0, 1)
    status, out, _ = run(capsys, "merge", "--db", str(desk.qa), str(y_out), "--json")
    again = json.loads(out)
    assert (again["conflicts"], again["stale"], again["already_merged"]) == (0, 0, 1)
    assert len(resolution) == 64


def test_resolve_refusals_change_nothing(
    desk: Desk, scene: Scene, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PWDESK_PACKAGE_PASSPHRASE", PACKAGE_PASSPHRASE)
    x_out, y_out = desk.x.with_name("x.pwx"), desk.y.with_name("y.pwx")
    for source, package in ((desk.x, x_out), (desk.y, y_out)):
        assert main(["export", "--db", str(source), "--out", str(package)]) == 0
    assert main(["merge", "--db", str(desk.qa), str(x_out), str(y_out), "--trust-new"]) == 0
    capsys.readouterr()
    before = state(desk.qa)
    for argv, expected in (
        (["--take", "local"], "no single local version"),
        (["--take", "0000000000"], "No single version"),
        (["--take", scene.version_x[:10], "--field", "answers"], "--field takes NAME=VERSION"),
        (["--take", scene.version_x[:10], "--field", "colour=abc"], "no field 'colour'"),
    ):
        status, out, err = run(capsys, "resolve", scene.audit, "--db", str(desk.qa), *argv)
        assert (status, out) == (2, ""), argv
        assert expected in refusal(err), argv
    status, out, err = run(capsys, "resolve", "ffffffff", "--db", str(desk.qa), "--take", "x")
    assert (status, out) == (2, "")
    assert "No record in conflict" in refusal(err)
    assert state(desk.qa) == before


def test_signers_lists_merges_and_trusts_a_key(
    desk: Desk, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PWDESK_PACKAGE_PASSPHRASE", PACKAGE_PASSPHRASE)
    y_out = desk.y.with_name("y.pwx")
    assert main(["export", "--db", str(desk.y), "--out", str(y_out)]) == 0
    capsys.readouterr()
    assert run(capsys, "merge", "--db", str(desk.qa), str(y_out))[0] == 2  # not trusted yet
    status, out, _ = run(capsys, "signers", "--db", str(desk.qa), "--json")
    assert json.loads(out)["merges"] == []  # the refused merge left nothing behind
    # The fingerprint the refusal named is the one laptop Y shows for itself.
    status, out, err = run(capsys, "whoami", "--db", str(desk.y), "--json")
    assert (status, err) == (0, "")
    signer = fingerprint(read_header(y_out.read_bytes())[0]["signer"])
    assert json.loads(out)["fingerprint"] == signer
    assert json.loads(out)["device"] == "laptop-y"
    status, out, _ = run(capsys, "whoami", "--db", str(desk.y))
    assert f"Key fingerprint: {signer}" in out
    assert main(["merge", "--db", str(desk.qa), str(y_out), "--trust-new"]) == 0
    capsys.readouterr()
    status, out, err = run(capsys, "signers", "--db", str(desk.qa), "--json")
    assert (status, err) == (0, "")
    [entry] = json.loads(out)["merges"]
    assert (entry["file_name"], entry["device"], entry["signer"], entry["trusted"]) == (
        "y.pwx",
        "laptop-y",
        signer,
        True,
    )
    status, out, _ = run(capsys, "merge", "--db", str(desk.qa), str(y_out), "--json")
    assert json.loads(out)["signers"] == [
        {"fingerprint": signer, "device": "laptop-y", "trusted": True}
    ]
    status, out, err = run(capsys, "signers", "--db", str(desk.qa), "--trust", "0123 4567")
    assert (status, out) == (2, "")
    assert "No device seen in a merge" in refusal(err)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("wrong-key-passphrase", "does not unlock qa.key"),
        ("key-package-without-key", "give the key file"),
        ("passphrase-package-without-passphrase", "give the passphrase"),
        ("wrong-package-passphrase", "passphrase or key is wrong"),
        ("missing-file", "There is no file"),
        ("truncated", "cut short"),
    ],
)
def test_merge_refusals_exit_2_and_change_nothing(
    desk: Desk,
    shipped: Shipped,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    expected: str,
) -> None:
    x_out, y_out = shipped.x, shipped.y
    wrong = secret_file(desk.qa.parent, "wrong.txt", "not the right passphrase")
    truncated = desk.qa.with_name("truncated.pwx")
    truncated.write_bytes(y_out.read_bytes()[:-20])
    argv = {
        "wrong-key-passphrase": [
            "--key",
            str(shipped.keys.private_path),
            "--key-passphrase-file",
            str(wrong),
            str(x_out),
        ],
        "key-package-without-key": [
            "--package-passphrase-file",
            str(desk.package_passphrase),
            str(x_out),
        ],
        "passphrase-package-without-passphrase": [str(y_out)],
        "wrong-package-passphrase": ["--package-passphrase-file", str(wrong), str(y_out)],
        "missing-file": [str(desk.qa.with_name("missing.pwx"))],
        "truncated": ["--package-passphrase-file", str(desk.package_passphrase), str(truncated)],
    }[case]
    before = state(desk.qa)
    status, out, err = run(capsys, "merge", "--db", str(desk.qa), *argv, "--json")
    assert (status, out) == (2, "")
    assert expected in refusal(err, "not the right passphrase")
    assert state(desk.qa) == before


def test_a_bad_package_in_a_real_process_exits_2_with_one_line(desk: Desk, tmp_path: Path) -> None:
    bad = tmp_path / "bad.pwx"
    bad.write_bytes(b"PWDESK-PWX\x00\x00\x00\x00\x02{}")
    before = state(desk.qa)
    env = {
        **os.environ,
        "PWDESK_PASSPHRASE": PASSPHRASE,
        "PWDESK_PACKAGE_PASSPHRASE": PACKAGE_PASSPHRASE,
    }
    finished = subprocess.run(
        [sys.executable, "-m", "pwdesk", "merge", "--db", str(desk.qa), str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert finished.returncode == 2
    assert finished.stdout == ""
    assert refusal(finished.stderr) == (
        "bad.pwx: The package is truncated: it ends before its content."
    )
    assert state(desk.qa) == before


def test_resolve_refuses_when_a_version_arrived_after_the_ones_named(
    desk: Desk, scene: Scene, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PWDESK_PACKAGE_PASSPHRASE", PACKAGE_PASSPHRASE)
    x_out, y_out = desk.x.with_name("x.pwx"), desk.y.with_name("y.pwx")
    for source, package in ((desk.x, x_out), (desk.y, y_out)):
        assert main(["export", "--db", str(source), "--out", str(package)]) == 0
    assert main(["merge", "--db", str(desk.qa), str(x_out), str(y_out), "--trust-new"]) == 0
    capsys.readouterr()
    status, out, _ = run(capsys, "conflicts", "--db", str(desk.qa))
    assert f"--versions {min(scene.version_x, scene.version_y)[:12]}," in out
    before = state(desk.qa)
    # The QA officer looked when only X's version was there; Y's has arrived since.
    status, out, err = run(
        capsys, "resolve", scene.audit, "--db", str(desk.qa), "--versions",
        scene.version_x[:12], "--take", scene.version_x[:12],
    )  # fmt: skip
    assert (status, out) == (2, "")
    assert "arrived after the conflict was shown" in refusal(err)
    assert state(desk.qa) == before
    both = f"{scene.version_x[:12]},{scene.version_y[:12]}"
    status, out, err = run(
        capsys, "resolve", scene.audit, "--db", str(desk.qa), "--versions", both,
        "--take", scene.version_x[:12],
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert out.startswith("Resolved:")
