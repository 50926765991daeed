"""Benchmark: the QA officer merges 40 laptops' packages of 50 case audits each (2,000 audits).

The QA officer sets up a week of 2,000 children in one cohort and exports it. Every laptop starts
from that set-up package: one laptop merges it, and the 40 laptops are copies of that database,
each given its own device id and name before its first save (so each signs with its own key and
stamps its own device on its versions). Each laptop completes 50 audits of its own children and
exports the week, as ``pwdesk export --week`` does — so every package also carries the set-up.

Measured: the 40 packages merged in one go into an empty database, and the same 40 again (all
unchanged). Compared, in the same run, with a plain ``sqlite3`` (stdlib, unencrypted) bulk
insert of the same answer rows. Targets: under 10 s, and the repeat under 3 s. Figures are
printed, not asserted. The same two merges then run into a store on a throwaway PostgreSQL
server, where one is installed, and print beside SQLite's. Run:
``python -m tests.benchmarks.merge``.
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import select

from pwdesk.domain.statuses import Status
from pwdesk.services.assessments import AssessmentDraft, save_assessment
from pwdesk.services.export import export_package
from pwdesk.services.merge import MergeResult, merge_packages
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
from pwdesk.store.database import Database, create_database, open_database
from pwdesk.store.models import Assessment, Auditor, Child, PracticeWeek, Practitioner
from tests.benchmarks.common import GRADES, PASSPHRASE, report
from tests.helpers import graded_answers
from tests.postgres import running_server, server_binaries

LAPTOPS = 40
AUDITS_EACH = 50
WEEK = "2019-03"
PACKAGE_PASSPHRASE = "benchmark package passphrase"
QA_KEY = X25519PrivateKey.generate()  # the QA officer's key; the set-up uses a passphrase


def set_up(folder: Path, children: int) -> Path:
    """The QA officer's week of ``children`` children, exported for the laptops."""
    db = create_database(folder / "qa.db", PASSPHRASE, device_name="qa-desktop")
    try:
        week_id = create_week(
            db, WeekDetails(WEEK, "Benchmark week", date(2019, 3, 11), date(2019, 3, 15))
        ).id
        cohort_id = add_cohort(db, week_id, CohortDetails("Every child")).id
        child_ids = [
            add_child(db, ChildDetails(f"BM{n:06d}", date(2010 + n % 7, 1 + n % 12, 1))).id
            for n in range(children)
        ]
        place_children(db, cohort_id, child_ids)
        for n in range(20):
            add_practitioner(db, PractitionerDetails(f"Practitioner {n:02d}", f"Team {n % 5}"))
        for n in range(LAPTOPS):
            add_auditor(db, AuditorDetails(f"Senior leader {n:02d}", "Head of Service"))
        package = folder / "setup.pwx"
        export_package(db, package, week_code=WEEK, passphrase=PACKAGE_PASSPHRASE)
    finally:
        db.close()
    return package


def ids(db: Database) -> tuple[str, list[str], list[str], list[str]]:
    with db.read() as session:
        week_id = session.scalars(select(PracticeWeek.id)).one()
        children = list(session.scalars(select(Child.id).order_by(Child.case_reference)))
        practitioners = list(session.scalars(select(Practitioner.id).order_by(Practitioner.name)))
        auditors = list(session.scalars(select(Auditor.id).order_by(Auditor.name)))
    return week_id, children, practitioners, auditors


def laptop_packages(folder: Path, setup: Path, seed: int = 2019) -> list[Path]:
    """Forty laptops from the set-up package, each with 50 completed audits, exported."""
    rng = random.Random(seed)
    first = folder / "laptop-template.db"
    db = create_database(first, PASSPHRASE, device_name="laptop-template")
    try:
        started = time.perf_counter()
        merge_packages(db, [setup], passphrase=PACKAGE_PASSPHRASE, trust_new=True)
        print(f"  (a laptop merging the set-up package: {time.perf_counter() - started:.2f} s)")
    finally:
        db.close()
    template = catalogue().get("permanency-case-audit")
    packages = []
    for number in range(LAPTOPS):
        path = folder / f"laptop-{number:02d}.db"
        path.write_bytes(first.read_bytes())
        db = open_database(path, PASSPHRASE)
        try:
            db.set_setting("device_id", str(uuid.UUID(int=rng.getrandbits(128), version=4)))
            db.set_setting("device_name", f"laptop-{number:02d}")
        finally:
            db.close()
        db = open_database(path, PASSPHRASE, user=f"Senior leader {number:02d}")
        try:
            week_id, children, practitioners, auditors = ids(db)
            for index in range(number * AUDITS_EACH, (number + 1) * AUDITS_EACH):
                answers = graded_answers(
                    template, lambda: rng.choice(GRADES), "Fictional evidence for a benchmark."
                )
                draft = AssessmentDraft(
                    week_id=week_id,
                    template_id=template.id,
                    child_id=children[index],
                    practitioner_id=practitioners[index % len(practitioners)],
                    auditor_id=auditors[number],
                    held_on=date(2019, 3, 11 + index % 5),
                    answers=answers,
                )
                save_assessment(db, None, draft, status=Status.COMPLETED)
            package = folder / f"laptop-{number:02d}.pwx"
            # As in the documented workflow, laptops export for the QA officer's public key.
            export_package(db, package, week_code=WEEK, recipient=QA_KEY.public_key())
            packages.append(package)
        finally:
            db.close()
    return packages


def answer_rows(db: Database) -> list[tuple[str, str, str, str]]:
    """Every answer of every merged audit, one row each: what the baseline inserts."""
    with db.read() as session:
        return [
            (record_id, item, str(given.get("value")), str(given.get("note", "")))
            for record_id, answers in session.execute(select(Assessment.id, Assessment.answers))
            for item, given in sorted(answers.items())
        ]


def plain_insert(folder: Path, rows: list[tuple[str, str, str, str]], runs: int) -> list[float]:
    """The baseline: the same rows into a plain, unencrypted sqlite3 table in one transaction."""
    times = []
    for run in range(runs):
        path = folder / f"baseline-{run}.sqlite"
        started = time.perf_counter()
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute(
            "CREATE TABLE answer (record_id TEXT, item_id TEXT, value TEXT, note TEXT, "
            "PRIMARY KEY (record_id, item_id))"
        )
        with connection:
            connection.executemany("INSERT INTO answer VALUES (?, ?, ?, ?)", rows)
        connection.close()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        audits = LAPTOPS * AUDITS_EACH
        print(f"Building {LAPTOPS} laptop packages of {AUDITS_EACH} audits ({audits})...")
        started = time.perf_counter()
        packages = laptop_packages(folder, set_up(folder, audits))
        size = sum(p.stat().st_size for p in packages) / 1024 / 1024
        print(f"  built in {time.perf_counter() - started:.0f} s; {size:.1f} MB of packages")

        db = create_database(folder / "empty.db", PASSPHRASE, device_name="qa-benchmark")
        try:
            first, again, merged, checking, repeated = timed_merges(db, packages)
            rows = answer_rows(db)
        finally:
            db.close()
        baseline = plain_insert(folder, rows, 5)
        on_server = server_merges(packages)

    print(
        f"first merge: {first.new} new records, {first.unchanged} unchanged, "
        f"{first.conflicts} in conflict; repeat: {again.new} new, {again.unchanged} unchanged"
    )
    print(f"  of which opening and checking the {len(packages)} packages: {checking:.2f} s")
    print(f"  and writing (one transaction): {merged - checking:.2f} s")
    print(
        f"baseline: {len(rows)} answer rows into plain sqlite3: "
        f"median {statistics.median(baseline) * 1000:.1f} ms"
    )
    report(f"merge of {len(packages)} packages, {audits} audits", [merged], baseline, "< 10 s")
    report("the same packages merged again", [repeated], baseline, "< 3 s")
    print(f"under 10 s: {'yes' if merged < 10 else 'NO'} ({merged:.2f} s)")
    print(f"repeat under 3 s: {'yes' if repeated < 3 else 'NO'} ({repeated:.2f} s)")
    if on_server is None:
        print("PostgreSQL: not installed here, so not measured")
        return
    server_first, server_again = on_server
    report(
        f"on PostgreSQL: merge of {len(packages)} packages", [server_first], baseline, "none yet"
    )
    report("on PostgreSQL: the same packages merged again", [server_again], baseline, "none yet")
    print(
        f"PostgreSQL beside SQLite: first {server_first / merged:.1f}x, "
        f"repeat {server_again / repeated:.1f}x"
    )


def timed_merges(
    db: Database, packages: list[Path]
) -> tuple[MergeResult, MergeResult, float, float, float]:
    """The first merge of the packages and the repeat: results, seconds, and the checking part."""
    marks: dict[str, float] = {}

    def note(step: int, steps: int, what: str) -> None:
        marks.setdefault(what, time.perf_counter())

    started = time.perf_counter()
    first = merge_packages(db, packages, private_key=QA_KEY, progress=note, trust_new=True)
    merged = time.perf_counter() - started
    again_started = time.perf_counter()
    again = merge_packages(db, packages, private_key=QA_KEY, trust_new=True)
    repeated = time.perf_counter() - again_started
    return first, again, merged, marks["Merging"] - started, repeated


def server_merges(packages: list[Path]) -> tuple[float, float] | None:
    """The same two merges into a store on a throwaway PostgreSQL server, if one can start."""
    binaries = server_binaries()
    if binaries is None:
        return None
    with running_server(binaries) as server:
        db = create_database(url=server.new_database(), device_name="qa-server-benchmark")
        try:
            _, _, merged, _, repeated = timed_merges(db, packages)
        finally:
            db.close()
    return merged, repeated


if __name__ == "__main__":
    main()
