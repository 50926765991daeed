"""``pwdesk settings``: the authority's name and the protective marking set from the command
line, printed on the report; bad values refused in one sentence, with nothing changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from pwdesk.cli import main
from pwdesk.services.settings import load_settings
from pwdesk.store.database import open_database
from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def passphrase_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def stored(path: Path) -> tuple[str, str, str]:
    db = open_database(path, PASSPHRASE)
    try:
        settings = load_settings(db)
    finally:
        db.close()
    return settings.authority_name, settings.protective_marking, settings.logo_path


def test_the_authority_and_marking_set_here_are_on_the_report(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(
        capsys,
        "settings",
        "--db",
        str(demo_path),
        "--authority",
        "Northfield Borough Council",
        "--marking",
        "OFFICIAL",
        "--json",
    )
    assert status == 0
    shown = json.loads(out)
    assert shown["authority_name"] == "Northfield Borough Council"
    assert shown["changed"] == ["authority_name", "protective_marking"]
    pdf = tmp_path / "report.pdf"
    status, _, _ = run(
        capsys, "report", "--db", str(demo_path), "--week", "2018-09", "--out", str(pdf)
    )
    assert status == 0
    cover = PdfReader(pdf).pages[0].extract_text()
    assert "Northfield Borough Council" in cover
    assert "Protective marking: OFFICIAL" in cover
    assert cover.count("Children's Social Care") == 2  # the title and the header's service line


def test_settings_without_options_only_shows_them(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = stored(demo_path)
    status, out, _ = run(capsys, "settings", "--db", str(demo_path))
    assert status == 0
    assert "protective marking  OFFICIAL-SENSITIVE" in out
    assert stored(demo_path) == before


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        (
            "--marking",
            "OFFICIAL\nSENSITIVE",
            "The protective marking must be one line of plain text.",
        ),
        ("--marking", "  ", "The protective marking cannot be empty: documents print it."),
        ("--authority", "A" * 121, "The authority name can be at most 120 characters long."),
        ("--logo", "notes.txt", "The logo notes.txt is not a PNG or JPEG image."),
        ("--logo", "missing.png", "The logo missing.png cannot be read."),
        (
            "--authority",
            "Northfield \u202eliocnuoC",
            "The authority name must be one line of plain text.",
        ),
    ],
)
def test_bad_settings_are_refused_and_nothing_changes(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    option: str,
    value: str,
    message: str,
) -> None:
    (tmp_path / "notes.txt").write_text("not an image")
    if option == "--logo":
        value = str(tmp_path / value)
    before = stored(demo_path)
    status, out, err = run(
        capsys, "settings", "--db", str(demo_path), "--authority", "Northfield", option, value
    )
    assert (status, out) == (2, "")
    assert err == f"pwdesk: {message}\n"
    assert stored(demo_path) == before


def test_a_logo_is_kept_as_a_whole_path(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logo = tmp_path / "crest.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(32))
    monkeypatch.chdir(tmp_path)
    status, _, _ = run(capsys, "settings", "--db", str(demo_path), "--logo", "crest.png")
    assert status == 0
    assert stored(demo_path)[2] == str(logo.resolve())


def test_an_odd_value_stored_long_ago_does_not_block_another_change(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(demo_path, PASSPHRASE)
    try:
        db.set_setting("user_name", "Gareth\nLumley")  # as an older version could have stored it
    finally:
        db.close()
    status, _, err = run(capsys, "settings", "--db", str(demo_path), "--marking", "OFFICIAL")
    assert (status, err) == (0, "")
    assert stored(demo_path)[1] == "OFFICIAL"


def test_joined_emoji_and_joiners_are_text_and_kept(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "Family \U0001f468\u200d\U0001f469\u200d\U0001f467 Services, Northfield"
    status, _, err = run(capsys, "settings", "--db", str(demo_path), "--authority", name)
    assert (status, err) == (0, "")
    assert stored(demo_path)[0] == name
