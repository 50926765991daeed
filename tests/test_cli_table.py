"""``pwdesk table export`` and ``pwdesk table import``: exit codes, JSON, problems on stderr."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import pytest

from pwdesk.cli import main
from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def passphrase_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", PASSPHRASE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_unchanged(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    out = tmp_path / f"audits{suffix}"
    status, text, err = run(
        capsys,
        "table",
        "export",
        "--week",
        "2018-09",
        "--out",
        str(out),
        "--db",
        str(demo_path),
        "--json",
    )
    assert (status, err) == (0, "")
    written = json.loads(text)
    assert (written["week"], written["rows"], written["out"]) == ("2018-09", 42, str(out))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["demo.db", out.name])
    status, text, err = run(capsys, "table", "import", str(out), "--db", str(demo_path), "--json")
    assert (status, err) == (0, "")
    assert json.loads(text) == {"rows": 42, "created": 0, "updated": 0, "unchanged": 42}


def test_import_of_a_fixed_grade_says_what_it_did(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audits.csv"
    status, text, _ = run(
        capsys, "table", "export", "--week", "2018-09", "--out", str(out), "--db", str(demo_path)
    )
    assert status == 0
    assert text == f"Wrote the 42 case audits of 2018-09 to {out}.\n"
    with out.open(encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    column = header.index("supervision")
    rows[0][column] = "Good" if rows[0][column] != "Good" else "Outstanding"
    with out.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    status, text, err = run(capsys, "table", "import", str(out), "--db", str(demo_path))
    assert (status, err) == (0, "")
    assert text == "Read 42 rows: 0 new case audits, 1 updated, 41 unchanged.\n"


def test_a_bad_table_prints_every_problem_exits_2_and_changes_nothing(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "audits.csv"
    assert (
        run(
            capsys,
            "table",
            "export",
            "--week",
            "2018-09",
            "--out",
            str(out),
            "--db",
            str(demo_path),
        )[0]
        == 0
    )
    with out.open(encoding="utf-8-sig", newline="") as stream:
        header, *rows = list(csv.reader(stream))
    rows[2][header.index("recording")] = "Goodish"
    rows[4][header.index("last-visit")] = "31/02/2018"
    rows[9][header.index("status")] = "finished"
    with out.open("w", encoding="utf-8-sig", newline="") as stream:
        csv.writer(stream).writerows([header, *rows])
    before = digest(demo_path)
    status, text, err = run(capsys, "table", "import", str(out), "--db", str(demo_path), "--json")
    assert (status, text) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("pwdesk: Row 4, column recording: 'Goodish' is not a grade (use ")
    assert lines[1].startswith("pwdesk: Row 6, column last-visit: '31/02/2018' is not a date")
    assert lines[2] == (
        "pwdesk: Row 11, column status: 'finished' is not a status (use draft or completed)."
    )
    assert digest(demo_path) == before


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["table", "export", "--week", "2018-09", "--out", "{tmp}/audits.ods"],
            "A table is a .csv or .xlsx file; audits.ods is neither",
        ),
        (
            ["table", "export", "--week", "2019-03", "--out", "{tmp}/audits.csv"],
            "There is no Practice Week with the code 2019-03",
        ),
        (["table", "import", "{tmp}/missing.csv"], "There is no file {tmp}/missing.csv."),
    ],
)
def test_bad_input_is_one_sentence_and_exit_2(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    message: str,
) -> None:
    before = digest(demo_path)
    arguments = [part.replace("{tmp}", str(tmp_path)) for part in argv]
    status, out, err = run(capsys, *arguments, "--db", str(demo_path))
    assert (status, out) == (2, "")
    assert err.startswith("pwdesk: " + message.replace("{tmp}", str(tmp_path)))
    assert err.count("\n") == 1
    assert digest(demo_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


def test_table_needs_a_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["table"])
    assert stopped.value.code == 2
