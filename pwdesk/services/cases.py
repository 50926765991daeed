"""Bringing in a case list from the case-management system: children, and their cohorts.

The list is a CSV or XLSX file, one row per child. Columns are found by their header names (the
usual names a case-management export uses), or named in a small mapping file. Every row is
checked first; if any has a problem, each is listed by row and column and nothing is imported.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from pwdesk.domain.cohorts import ChildFacts, meets_all, rules_from_list
from pwdesk.domain.dates import parse_date
from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.names import natural_key
from pwdesk.services.common import put
from pwdesk.services.lookup import Directory, Known, ManyMatch, NoMatch
from pwdesk.services.sheets import TableError, cell_text, read_sheet
from pwdesk.services.weeks import find_week
from pwdesk.store.database import Database
from pwdesk.store.models import Child, Cohort, CohortMember, Practitioner

FIELDS: dict[str, tuple[str, ...]] = {
    "case_reference": ("case reference", "case ref", "child id", "person id", "child reference"),
    "date_of_birth": ("date of birth", "dob", "birth date"),
    "age": ("age", "age in years"),
    "entered_care": (
        "date entered care",
        "entered care",
        "date became looked after",
        "care start date",
        "cla start date",
    ),
    "legal_status": ("legal status",),
    "placement_type": ("placement type", "placement"),
    "team": ("team", "allocated team"),
    "allocated_worker": ("allocated worker", "social worker", "worker", "allocated social worker"),
}
ROLE = "Social worker"  # the role of a worker first met in a case list
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class CaseImport:
    """What ``pwdesk import-cases`` did."""

    week: str
    rows: int
    new_children: int
    updated_children: int
    placed: dict[str, int]  # cohort name -> children placed in it by this import
    in_no_cohort: list[str] = field(default_factory=list)  # case references


def _key(text: str) -> str:
    return " ".join(re.sub(r"[_\-.]", " ", text).split()).casefold()


def _columns(headers: list[str], mapping: dict[str, str]) -> tuple[dict[str, int], list[str]]:
    """Which column holds which field; and the problems (a field that cannot be found)."""
    by_key = {_key(header): index for index, header in enumerate(headers) if header}
    found: dict[str, int] = {}
    problems = []
    for name, aliases in FIELDS.items():
        if name in mapping:
            index = by_key.get(_key(mapping[name]))
            if index is None:
                problems.append(
                    f"The mapping names the column {mapping[name]!r} for {name}, "
                    "but the file has no such column."
                )
                continue
            found[name] = index
            continue
        index = next((by_key[_key(a)] for a in (name, *aliases) if _key(a) in by_key), None)
        if index is not None:
            found[name] = index
    if "case_reference" not in found:
        problems.append(
            "The file has no case reference column (a header such as 'Case "
            "reference'); name it in a mapping file if it is called something else."
        )
    if "date_of_birth" not in found and "age" not in found:
        problems.append("The file has neither a date of birth nor an age column.")
    if "entered_care" not in found:
        problems.append("The file has no column for the date the child entered care.")
    return found, problems


def read_mapping(path: Path) -> dict[str, str]:
    """A mapping file: ``[columns]`` naming, for any field, the header that holds it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PwdeskError(f"There is no mapping file {path}.") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise PwdeskError(f"The mapping file {path.name} is not valid TOML: {error}.") from None
    except (RecursionError, ValueError):
        raise PwdeskError(
            f"The mapping file {path.name} is nested or numbered beyond reason."
        ) from None
    except OSError as error:
        raise PwdeskError(f"The mapping file {path} cannot be read: {error.strerror}.") from None
    columns = data.get("columns")
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise PwdeskError(f"The mapping file {path.name} needs a [columns] table of header names.")
    unknown = sorted(set(columns) - set(FIELDS))
    if unknown:
        raise PwdeskError(
            f"The mapping file {path.name} names unknown fields: "
            f"{', '.join(unknown)} (known: {', '.join(FIELDS)})."
        )
    return {str(k): str(v) for k, v in columns.items()}


def _date(value: Any) -> date | None:
    """A date cell: a real date, YYYY-MM-DD, or the DD/MM/YYYY of British exports."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value).strip()
    match = _UK_DATE.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        try:
            return date(year, month, day)
        except ValueError:
            return None
    return parse_date(text)


@dataclass
class _Row:
    number: int
    case_reference: str
    facts: ChildFacts
    details: dict[str, str]


class _RowCheck:
    """Reads and checks one row of the case list, collecting its problems."""

    def __init__(self, number: int, cells: list[Any], columns: dict[str, int], headers: list[str]):
        self.number = number
        self.cells = cells
        self.columns = columns
        self.headers = headers
        self.problems: list[str] = []

    def cell(self, name: str) -> Any:
        index = self.columns.get(name)
        return self.cells[index] if index is not None and index < len(self.cells) else None

    def text(self, name: str) -> str:
        return cell_text(self.cell(name)).strip()

    def problem(self, name: str, what: str) -> None:
        self.problems.append(
            f"Row {self.number}, column {self.headers[self.columns[name]]}: {what}"
        )

    def day(self, name: str) -> date | None:
        if not self.text(name):
            return None
        found = _date(self.cell(name))
        if found is None:
            self.problem(name, f"{self.text(name)!r} is not a date (use 2018-09-17 or 17/09/2018).")
        return found

    def age(self) -> int | None:
        text = self.text("age")
        if not text:
            return None
        if not text.isdigit() or not 0 <= int(text) <= 25:
            self.problem("age", f"{text!r} is not an age in whole years.")
            return None
        return int(text)


def _check_rows(
    sheet: Any, columns: dict[str, int], headers: list[str]
) -> tuple[list[_Row], list[str]]:
    rows: list[_Row] = []
    problems: list[str] = []
    seen: dict[str, int] = {}
    for number, cells in sheet.rows:
        check = _RowCheck(number, cells, columns, headers)
        reference = check.text("case_reference")
        if not reference:
            check.problem("case_reference", "the case reference is empty.")
        elif reference.casefold() in seen:
            check.problem(
                "case_reference", f"{reference} is also on row {seen[reference.casefold()]}."
            )
        else:
            seen[reference.casefold()] = number
            born, entered, age = check.day("date_of_birth"), check.day("entered_care"), check.age()
            if born is None and age is None and not check.problems:
                check.problems.append(
                    f"Row {number}: {reference} has neither a date of birth nor an age."
                )
            if born and entered and entered < born:
                check.problem("entered_care", f"{reference} entered care before their birth.")
            details = {
                name: check.text(name)
                for name in ("legal_status", "placement_type", "team", "allocated_worker")
            }
            rows.append(_Row(number, reference, ChildFacts(born, entered, age), details))
        problems += check.problems
    return rows, problems


@dataclass
class _Import:
    """One import's writes, in one transaction: the children, their workers, their cohorts."""

    session: Session
    db: Database
    people: Directory
    cohorts: list[Row[Any]]
    starts_on: date
    placed: dict[str, int] = field(default_factory=dict)
    in_no_cohort: list[str] = field(default_factory=list)
    new: int = 0
    updated: int = 0

    def child(self, row: _Row) -> tuple[str, date | None]:
        """Add the row's child, or bring the known one up to date; its id and date of birth."""
        try:
            existing: Child | None = self.session.get(Child, self.people.child(row.case_reference))
        except NoMatch:
            existing = None
        born = row.facts.date_of_birth
        if born is None and existing is not None:
            born = existing.date_of_birth  # an age alone does not wipe a known birth date
        fields: dict[str, Any] = {
            "case_reference": row.case_reference,
            "date_of_birth": born,
            "entered_care": row.facts.entered_care,
            "legal_status": row.details["legal_status"],
            "placement_type": row.details["placement_type"],
            "team": row.details["team"],
        }
        saved = put(self.session, self.db, Child, existing.id if existing else None, fields)
        self.new += existing is None
        self.updated += existing is not None and saved.changed
        return saved.id, born

    def worker(self, row: _Row) -> None:
        """Add the row's allocated worker as a practitioner, unless one of that name is known."""
        name = row.details["allocated_worker"]
        if not name:
            return
        try:
            self.people.practitioner(name)
            return
        except ManyMatch:
            return
        except NoMatch:
            pass
        team = row.details["team"]
        saved = put(
            self.session, self.db, Practitioner, None, {"name": name, "team": team, "role": ROLE}
        )
        self.people.practitioners.append(Known(saved.id, natural_key(name), natural_key(team)))

    def place(self, row: _Row, child_id: str, born: date | None) -> None:
        """Put the child in every cohort whose rules it meets at the week's start."""
        facts = ChildFacts(born, row.facts.entered_care, row.facts.age)
        homes = [
            c for c in self.cohorts if meets_all(rules_from_list(c.rules), facts, self.starts_on)
        ]
        if not homes:
            self.in_no_cohort.append(row.case_reference)
        for cohort in homes:
            member = self.session.scalar(
                select(CohortMember.id).where(
                    CohortMember.cohort_id == cohort.id,
                    CohortMember.child_id == child_id,
                    CohortMember.deleted.is_(False),
                )
            )
            if member is None:
                fields = {"cohort_id": cohort.id, "child_id": child_id}
                put(self.session, self.db, CohortMember, None, fields)
                self.placed[cohort.name] = self.placed.get(cohort.name, 0) + 1


def import_cases(
    db: Database, path: Path, week_code: str, mapping: Path | None = None
) -> CaseImport:
    """Bring a case list into a week: add or update its children, then place each in the week's
    cohorts whose rules it meets at the week's start. All or nothing."""
    week = find_week(db, week_code)
    sheet = read_sheet(path)
    columns, problems = _columns(sheet.headers, read_mapping(mapping) if mapping else {})
    if problems:
        raise TableError(problems)
    rows, problems = _check_rows(sheet, columns, sheet.headers)
    if problems:
        raise TableError(problems)
    with db.write() as session:
        cohorts = session.execute(
            select(Cohort.id, Cohort.name, Cohort.rules)
            .where(Cohort.week_id == week.id, Cohort.deleted.is_(False))
            .order_by(Cohort.position)
        ).all()
        run = _Import(session, db, Directory.load(session), list(cohorts), week.starts_on)
        for row in rows:
            child_id, born = run.child(row)
            run.worker(row)
            run.place(row, child_id, born)
        db.log(session, "import-cases", detail=f"{path.name}: {len(rows)} rows into {week.code}")
    return CaseImport(week.code, len(rows), run.new, run.updated, run.placed, run.in_no_cohort)
