"""Case lists from the case-management system: children into the week's cohorts, all or nothing."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from pwdesk.domain.cohorts import AgeUnder, EnteredCareBetween, InCareAtLeast
from pwdesk.domain.errors import PwdeskError
from pwdesk.services.cases import import_cases, read_mapping
from pwdesk.services.people import list_children
from pwdesk.services.sheets import TableError
from pwdesk.services.weeks import CohortDetails, WeekDetails, add_cohort, create_week
from pwdesk.store.database import Database
from pwdesk.store.models import Child, CohortMember, RecordVersion

LONG_STAY = "In care 12 months or more, aged under 12"
RECENT = "Came into care June to August 2018"
HEADER = [
    "Case reference",
    "Date of birth",
    "Date entered care",
    "Legal status",
    "Team",
    "Allocated worker",
]


@pytest.fixture
def week(db: Database) -> Database:
    week_id = create_week(
        db, WeekDetails("2018-09", "September", date(2018, 9, 17), date(2018, 9, 21))
    ).id
    add_cohort(
        db, week_id, CohortDetails(LONG_STAY, (AgeUnder(12).to_dict(), InCareAtLeast(12).to_dict()))
    )
    recent = EnteredCareBetween(date(2018, 6, 1), date(2018, 8, 31))
    add_cohort(db, week_id, CohortDetails(RECENT, (recent.to_dict(),)))
    return db


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8-sig") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


BOUNDARIES = [
    # reference, born, entered care, where they belong on 17 September 2018
    ["CR000001", "2006-09-18", "2017-09-17", LONG_STAY],  # 11 on the day; exactly 12 months
    ["CR000002", "2006-09-17", "2015-01-01", ""],  # turns 12 that very day
    ["CR000003", "2010-01-01", "2017-09-18", ""],  # one day short of 12 months in care
    ["CR000004", "2005-04-04", "2018-06-01", RECENT],  # first day of the window
    ["CR000005", "17/03/2015", "31/08/2018", RECENT],  # last day, British dates
    ["CR000006", "2013-02-02", "2018-05-31", ""],  # a day before the window
    ["CR000007", "2013-02-02", "2018-09-01", ""],  # a day after it
]


def test_children_are_placed_by_the_rules_at_the_boundary_dates(
    week: Database, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        [
            [ref, born, entered, "Care order", "CLA 1", "Zoë Brennan"]
            for ref, born, entered, _ in BOUNDARIES
        ],
    )
    result = import_cases(week, path, "2018-09")
    assert (result.rows, result.new_children, result.updated_children) == (7, 7, 0)
    assert result.placed == {LONG_STAY: 1, RECENT: 2}
    assert result.in_no_cohort == [ref for ref, *_, home in BOUNDARIES if not home]
    placed = {c.case_reference: c.cohorts for c in list_children(week, "2018-09")}
    for reference, *_, home in BOUNDARIES:
        assert placed.get(reference, ()) == ((home,) if home else ())
    with week.read() as session:
        child = session.scalar(select(Child).where(Child.case_reference == "CR000005"))
        assert child is not None
        assert (child.date_of_birth, child.entered_care) == (date(2015, 3, 17), date(2018, 8, 31))


def test_importing_the_same_list_again_changes_nothing(week: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        [[ref, born, entered, "", "", ""] for ref, born, entered, _ in BOUNDARIES],
    )
    import_cases(week, path, "2018-09")
    versions, members = count(week, RecordVersion), count(week, CohortMember)
    again = import_cases(week, path, "2018-09")
    assert (again.new_children, again.updated_children, again.placed) == (0, 0, {})
    assert (count(week, RecordVersion), count(week, CohortMember)) == (versions, members)


def test_bad_rows_are_all_listed_and_nothing_is_imported(week: Database, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        [
            ["CR000010", "2010-01-01", "2018-07-01", "", "", ""],
            ["CR000011", "31/02/2010", "2018-07-01", "", "", ""],
            ["CR000010", "2011-01-01", "2018-07-01", "", "", ""],
            ["CR000012", "2012-01-01", "yesterday", "", "", ""],
            ["CR000013", "2012-01-01", "2011-12-31", "", "", ""],
        ],
    )
    before = (count(week, Child), count(week, RecordVersion))
    with pytest.raises(TableError) as refused:
        import_cases(week, path, "2018-09")
    assert refused.value.problems == [
        "Row 3, column Date of birth: '31/02/2010' is not a date (use 2018-09-17 or 17/09/2018).",
        "Row 4, column Case reference: CR000010 is also on row 2.",
        "Row 5, column Date entered care: 'yesterday' is not a date (use 2018-09-17 or "
        "17/09/2018).",
        "Row 6, column Date entered care: CR000013 entered care before their birth.",
    ]
    assert (count(week, Child), count(week, RecordVersion)) == before


def test_a_workbook_with_date_cells_and_ages_and_a_mapping_file(
    week: Database, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Person ID", "Age", "CLA start", "Placement"])
    sheet.append(["CR000020", 9, datetime(2016, 5, 4), "Foster care"])
    sheet.append(["CR000021", 14, datetime(2018, 7, 2), "Residential"])
    path = tmp_path / "cases.xlsx"
    book.save(path)
    mapping = tmp_path / "mapping.toml"
    mapping.write_text('[columns]\nentered_care = "CLA start"\n', encoding="utf-8")
    result = import_cases(week, path, "2018-09", mapping)
    assert result.placed == {LONG_STAY: 1, RECENT: 1}
    with week.read() as session:
        child = session.scalar(select(Child).where(Child.case_reference == "CR000021"))
        assert child is not None
        assert (child.entered_care, child.placement_type) == (date(2018, 7, 2), "Residential")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["Name", "Date of birth", "Date entered care"], "no case reference column"),
        (["Case reference", "Date entered care"], "neither a date of birth nor an age"),
        (["Case reference", "Date of birth"], "no column for the date the child entered care"),
    ],
)
def test_a_list_without_the_columns_it_needs_is_refused(
    week: Database, tmp_path: Path, header: list[str], message: str
) -> None:
    path = write_csv(tmp_path / "cases.csv", [["x"] * len(header)], header)
    with pytest.raises(TableError, match=message):
        import_cases(week, path, "2018-09")
    assert count(week, Child) == 0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"[columns]\nx = " + b"[" * 5000 + b"]" * 5000 + b"\n", "nested or numbered beyond"),
        (b"[columns]\nx = " + b"9" * 5000 + b"\n", "nested or numbered beyond"),
        (b"[columns]\nentered_care = \xff\n", "is not valid TOML"),
        (b"columns = 3\n", r"needs a \[columns\] table"),
    ],
    ids=["deep", "long-number", "not-utf-8", "no-table"],
)
def test_a_bad_mapping_file_is_one_sentence(tmp_path: Path, content: bytes, expected: str) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_bytes(content)
    with pytest.raises(PwdeskError, match=expected):
        read_mapping(mapping)
    with pytest.raises(PwdeskError, match="cannot be read"):
        read_mapping(tmp_path)
