"""The command line: exit codes, one clear sentence for bad input, JSON output, nothing changed."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pwdesk import __version__
from pwdesk.cli import main
from pwdesk.resources import resource_path
from pwdesk.services.allocation import list_allocations
from pwdesk.services.demo_text import SENIOR_LEADERS
from pwdesk.services.people import list_children
from pwdesk.store.database import open_database
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


def test_init_creates_an_encrypted_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "new.db"
    status, out, _ = run(capsys, "init", "--db", str(path), "--device-name", "laptop-7", "--json")
    assert status == 0
    assert json.loads(out)["device_name"] == "laptop-7"
    assert not path.read_bytes().startswith(b"SQLite format 3")


def test_init_refuses_to_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "old.db"
    path.write_bytes(b"precious")
    status, out, err = run(capsys, "init", "--db", str(path))
    assert (status, out) == (2, "")
    assert err == f"pwdesk: {path} already exists; pwdesk will not overwrite it.\n"
    assert path.read_bytes() == b"precious"


def test_weeks_and_records_list_the_demo(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "weeks", "--db", str(demo_path), "--json")
    assert status == 0
    assert [w["code"] for w in json.loads(out)["weeks"]] == ["2018-09", "2018-03"]
    status, out, _ = run(capsys, "records", "--db", str(demo_path), "--week", "2018-09", "--json")
    records = json.loads(out)["records"]
    audits = [r for r in records if r["kind"] == "case-audit"]
    assert status == 0
    assert len(audits) == 42
    assert {"id", "kind", "template_id", "case_reference", "practitioner", "status"} <= set(
        audits[0]
    )
    assert all(r["overall_grade"] and r["status"] == "completed" for r in records)
    status, out, _ = run(capsys, "records", "--db", str(demo_path), "--week", "2018-09")
    assert status == 0
    assert audits[0]["id"][:8] in out


def test_stats_prints_one_json_object(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "stats", "--db", str(demo_path), "--week", "2018-09", "--json")
    figures = json.loads(out)
    assert (status, err) == (0, "")
    assert figures["children"] == 42
    assert [c["children"] for c in figures["cohorts"]] == [24, 18]
    assert figures["observations"]["total"] >= 12


def test_stats_as_text_names_every_aspect(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "stats", "--db", str(demo_path), "--week", "2018-09")
    assert status == 0
    assert "42 children audited" in out
    assert "Stability of the placement" in out
    assert "Overall grade for the case" in out


def test_a_wrong_passphrase_exits_2_and_changes_nothing(
    demo_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = digest(demo_path)
    monkeypatch.setenv("PWDESK_PASSPHRASE", "not the passphrase")
    status, out, err = run(capsys, "stats", "--db", str(demo_path), "--week", "2018-09")
    assert (status, out) == (2, "")
    assert err == (
        "pwdesk: The passphrase does not unlock demo.db, or the file is not a pwdesk database.\n"
    )
    assert "not the passphrase" not in err
    assert digest(demo_path) == before


def test_the_passphrase_file_wins_and_only_its_newline_is_dropped(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PWDESK_PASSPHRASE", "wrong")
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    status, _, _ = run(capsys, "weeks", "--db", str(demo_path), "--passphrase-file", str(secret))
    assert status == 0
    secret.write_text(" " + PASSPHRASE + "\n", encoding="utf-8")
    status, _, err = run(capsys, "weeks", "--db", str(demo_path), "--passphrase-file", str(secret))
    assert status == 2
    assert "does not unlock" in err


def test_no_passphrase_at_all_is_one_clear_sentence(
    demo_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PWDESK_PASSPHRASE")
    status, _, err = run(capsys, "weeks", "--db", str(demo_path))
    assert status == 2
    assert err == (
        "pwdesk: No passphrase given: use --passphrase-file FILE or set PWDESK_PASSPHRASE.\n"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stats", "--week", "2019-03"], "There is no Practice Week with the code 2019-03"),
        (["weeks", "--passphrase-file", "/no/such/file"], "The passphrase file /no/such/file"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(
    demo_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    before = digest(demo_path)
    status, out, err = run(capsys, *argv, "--db", str(demo_path))
    assert (status, out) == (2, "")
    assert err.startswith(f"pwdesk: {message}")
    assert err.count("\n") == 1
    assert digest(demo_path) == before


def test_a_missing_database_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, "weeks", "--db", str(tmp_path / "nowhere.db"))
    assert status == 2
    assert "There is no database at" in err
    assert "pwdesk init" in err
    assert not (tmp_path / "nowhere.db").exists()


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["stats", "--no-such-option"])
    assert stopped.value.code == 2


def test_demo_twice_in_one_database_is_refused(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(demo_path)
    status, _, err = run(capsys, "demo", "--db", str(demo_path))
    assert status == 2
    assert "already has Practice Week 2018-03, 2018-09" in err
    assert digest(demo_path) == before


def test_templates_validate_accepts_a_good_file_and_lists_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = resource_path("templates", "permanency-case-audit.toml")
    status, out, _ = run(capsys, "templates", "validate", str(good), "--json")
    assert status == 0
    assert json.loads(out) == {
        "valid": True,
        "id": "permanency-case-audit",
        "version": 1,
        "kind": "case-audit",
        "aspects": 17,
    }
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nversion = "one"\nkind = "case-audit"\n', encoding="utf-8")
    status, out, err = run(capsys, "templates", "validate", str(bad))
    assert (status, out) == (2, "")
    lines = err.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("pwdesk: bad.toml: ") for line in lines)
    assert any("'version' must be a whole number" in line for line in lines)


def test_templates_import_then_list(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init", "--db", str(db_path))[0] == 0
    text = resource_path("templates", "core-group-observation.toml").read_text(encoding="utf-8")
    newer = tmp_path / "core-group-v2.toml"
    newer.write_text(text.replace("version = 1", "version = 2", 1), encoding="utf-8")
    status, out, _ = run(capsys, "templates", "import", str(newer), "--db", str(db_path), "--json")
    assert (status, json.loads(out)["imported"]) == (0, True)
    status, out, _ = run(capsys, "templates", "list", "--db", str(db_path), "--json")
    listed = {(t["id"], t["version"], t["origin"]) for t in json.loads(out)["templates"]}
    assert ("core-group-observation", 2, "imported") in listed
    assert ("core-group-observation", 1, "built-in") in listed


def test_the_installed_command_and_python_m_both_run(tmp_path: Path) -> None:
    environment = {**os.environ, "PWDESK_PASSPHRASE": PASSPHRASE}
    version = subprocess.run(
        [sys.executable, "-m", "pwdesk", "--version"],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    assert version.stdout.strip() == f"pwdesk {__version__}"
    database = tmp_path / "fresh.db"
    created = subprocess.run(
        [sys.executable, "-m", "pwdesk", "init", "--db", str(database)],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert created.returncode == 0, created.stderr
    again = subprocess.run(
        [sys.executable, "-m", "pwdesk", "init", "--db", str(database)],
        capture_output=True,
        text=True,
        env=environment,
    )
    assert again.returncode == 2
    assert again.stderr.count("\n") == 1


def test_feedback_writes_the_sheet_of_a_record_named_by_a_prefix(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "records", "--db", str(demo_path), "--week", "2018-09", "--json")
    record = json.loads(out)["records"][0]
    sheet = tmp_path / "sheet.pdf"
    status, out, err = run(
        capsys, "feedback", record["id"][:8], "--db", str(demo_path), "--out", str(sheet), "--json"
    )
    assert (status, err) == (0, "")
    assert json.loads(out)["record"] == record["id"]
    from pypdf import PdfReader

    reader = PdfReader(sheet)
    assert len(reader.pages) == 1
    assert record["case_reference"] in reader.pages[0].extract_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db", "sheet.pdf"]  # no leftovers


@pytest.mark.parametrize(
    ("record", "out", "message"),
    [
        ("zzzzzzzz", "sheet.pdf", "No record id starts with zzzzzzzz."),
        ("ab", "sheet.pdf", "Give at least the first four characters of the record id."),
        ("04550696", "sheet.txt", "give --out a name ending in .pdf"),
    ],
)
def test_feedback_refuses_bad_input_and_writes_nothing(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    record: str,
    out: str,
    message: str,
) -> None:
    status, _, err = run(
        capsys, "feedback", record, "--db", str(demo_path), "--out", str(tmp_path / out)
    )
    assert status == 2
    assert message in err
    assert not (tmp_path / out).exists()


def test_report_writes_a_pdf_and_a_workbook(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pdf, xlsx = tmp_path / "report.pdf", tmp_path / "data.xlsx"
    status, out, _ = run(
        capsys, "report", "--week", "2018-09", "--db", str(demo_path), "--out", str(pdf), "--json"
    )
    assert status == 0
    assert json.loads(out)["format"] == "pdf"
    from pypdf import PdfReader

    assert "Practice Week summary" in PdfReader(pdf).pages[0].extract_text()
    args = ["report", "--week", "2018-09", "--db", str(demo_path), "--out", str(xlsx)]
    status, _, _ = run(capsys, *args, "--format", "xlsx", "--no-compare")
    assert status == 0
    assert xlsx.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "report.txt"], "A PDF report needs --out to end in .pdf"),
        (
            ["--out", "report.pdf", "--format", "xlsx"],
            "The report's workbook needs --out to end in .xlsx",
        ),
        (["--out", "report.pdf", "--compare", "2017-09"], "no Practice Week with the code 2017-09"),
    ],
)
def test_report_refuses_bad_input(
    demo_path: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    argv = ["report", "--week", "2018-09", "--db", str(demo_path)]
    argv += [str(tmp_path / a) if a.startswith("report.") else a for a in extra]
    status, _, err = run(capsys, *argv)
    assert status == 2
    assert message in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["demo.db"]


def test_import_cases_places_children_and_reports_those_in_no_cohort(
    demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "Case reference,Date of birth,Date entered care\n"
        "CR900001,2012-01-01,2018-07-15\n"
        "CR900002,2001-01-01,2010-01-01\n",
        encoding="utf-8",
    )
    args = ["import-cases", str(cases), "--week", "2018-09", "--db", str(demo_path)]
    status, out, _ = run(capsys, *args, "--json")
    result = json.loads(out)
    assert status == 0
    assert result["placed"] == {"Came into care June to August 2018": 1}
    assert result["in_no_cohort"] == ["CR900002"]
    cases.write_text("Case reference,Date of birth,Date entered care\nCR900003,soon,\n")
    before = digest(demo_path)
    status, _, err = run(capsys, *args)
    assert status == 2
    assert err.startswith("pwdesk: Row 2, column Date of birth: 'soon' is not a date")
    assert digest(demo_path) == before


def test_moderate_agrees_or_sets_a_grade_with_its_reason(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(capsys, "records", "--db", str(demo_path), "--week", "2018-09", "--json")
    record = next(r for r in json.loads(out)["records"] if r["kind"] == "case-audit")["id"]
    from pwdesk.services.assessments import draft_of
    from pwdesk.store.database import open_database

    db = open_database(demo_path, PASSPHRASE)
    given = draft_of(db, record)[0].answers["supervision"]["value"]
    db.close()
    other = "outstanding" if given != "outstanding" else "good"
    base = ["moderate", record[:8], "--db", str(demo_path)]
    assert run(capsys, *base, "--agree-all")[0] == 0
    status, _, err = run(capsys, *base, "--set", f"supervision={other}")
    assert status == 2
    assert "needs a reason" in err
    args = [*base, "--set", f"supervision={other}", "--reason", "supervision=Seen in the file"]
    assert run(capsys, *args)[0] == 0
    status, out, _ = run(capsys, "stats", "--db", str(demo_path), "--week", "2018-09", "--json")
    assert json.loads(out)["moderation"]["audits"] == 1
    status, _, err = run(capsys, *base, "--set", "supervision")
    assert status == 2
    assert "--set takes ITEM=GRADE" in err


def test_a_laptop_refuses_the_qa_officers_work_but_merges_its_set_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop = tmp_path / "laptop.db"
    assert run(capsys, "init", "--db", str(laptop), "--role", "laptop")[0] == 0
    cases = tmp_path / "cases.csv"
    cases.write_text("Case reference,Age,Date entered care\nCR1,8,2016-01-01\n")
    status, _, err = run(capsys, "import-cases", str(cases), "--week", "x", "--db", str(laptop))
    assert status == 2
    assert err == (
        "pwdesk: This database is a senior leader's laptop; importing a case list belongs to "
        "the QA officer's store.\n"
    )
    status, _, err = run(
        capsys, "allocate", "--week", "x", "--child", "CR1", "--leader", "A", "--db", str(laptop)
    )
    assert status == 2
    assert "allocation belongs to the QA officer's store" in err
    status, _, err = run(
        capsys,
        "merge",
        str(tmp_path / "missing.pwx"),
        "--db",
        str(laptop),
        "--package-passphrase-file",
        str(cases),
    )
    assert status == 2
    assert "There is no file" in err  # merging is allowed: it got as far as the file


def test_a_week_is_set_up_from_the_command_line(
    db_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init", "--db", str(db_path))[0] == 0
    where = ["--db", str(db_path)]
    args = [
        "new-week",
        "--code",
        "2019-03",
        "--title",
        "Practice Week March 2019",
        "--starts",
        "2019-03-11",
        "--ends",
        "2019-03-15",
        "--theme",
        "Permanence",
    ]
    assert run(capsys, *args, *where)[0] == 0
    assert (
        run(
            capsys,
            "add-cohort",
            "--week",
            "2019-03",
            "--name",
            "Long-term, under 12",
            "--age-under",
            "12",
            "--in-care-at-least",
            "12",
            *where,
        )[0]
        == 0
    )
    status, out, _ = run(
        capsys,
        "add-cohort",
        "--week",
        "2019-03",
        "--name",
        "Recent",
        "--entered-care-between",
        "2018-12-01",
        "2019-02-28",
        *where,
        "--json",
    )
    assert status == 0
    assert json.loads(out)["rules"] == [
        {"rule": "entered-care-between", "first": "2018-12-01", "last": "2019-02-28"}
    ]
    cases = tmp_path / "cases.csv"
    cases.write_text("Case reference,Age,Date entered care\nCR1,8,2016-01-01\nCR2,15,2019-01-02\n")
    status, out, _ = run(capsys, "import-cases", str(cases), "--week", "2019-03", *where, "--json")
    assert json.loads(out)["placed"] == {"Long-term, under 12": 1, "Recent": 1}
    status, _, err = run(capsys, *args, *where)
    assert status == 2
    assert "already a Practice Week with the code 2019-03" in err


def test_leaders_and_practitioners_are_added_once(
    db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, "init", "--db", str(db_path))[0] == 0
    where = ["--db", str(db_path), "--json"]
    status, out, _ = run(capsys, "add-leader", "Gareth Lumley", "--role", "Service Manager", *where)
    assert (status, json.loads(out)["new"]) == (0, True)
    status, out, _ = run(capsys, "add-leader", "Gareth Lumley", *where)
    assert (status, json.loads(out)["new"]) == (0, False)
    status, out, _ = run(capsys, "add-practitioner", "Zoë Brennan", "--team", "CLA 1", *where)
    assert (status, json.loads(out)["new"]) == (0, True)
    status, _, err = run(capsys, "add-leader", " ", "--db", str(db_path))
    assert status == 2
    assert "needs a name" in err


def test_allocate_finds_people_as_typed_and_asks_for_the_team_when_two_share_a_name(
    demo_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    where = ["--db", str(demo_path)]
    for team in ("Care Planning", "Permanence"):
        assert run(capsys, "add-practitioner", "Siân Ellis", "--team", team, *where)[0] == 0
    db = open_database(demo_path, PASSPHRASE)
    try:
        reference = list_children(db, "2018-09")[0].case_reference
        before = len(list_allocations(db, "2018-09"))
    finally:
        db.close()
    leader = SENIOR_LEADERS[3][0]  # one of the demo's senior leaders, typed carelessly below
    careless = "  ".join(leader.upper().split())
    typed = ["--week", "2018-09", "--child", f" {reference.lower()}", "--leader", careless]
    status, _, err = run(capsys, "allocate", *typed, "--practitioner", "Sian Ellis", *where)
    assert status == 2
    assert err.strip() == (
        "pwdesk: More than one practitioner is called Sian Ellis; give the team to say which."
    )
    status, out, _ = run(capsys, "todo", "--week", "2018-09", *where, "--json")
    assert len(json.loads(out)["allocations"]) == before
    status, out, _ = run(
        capsys, "allocate", *typed, "--practitioner", "Sian Ellis", "--team", "permanence", *where
    )
    assert status == 0
    status, out, _ = run(capsys, "todo", "--week", "2018-09", "--leader", leader, *where)
    assert status == 0
    assert reference in out
    assert "Siân Ellis" in out
