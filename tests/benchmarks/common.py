"""Shared by the benchmarks: a big fictional week, and timing child processes."""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from pwdesk.domain.statuses import Status
from pwdesk.services.assessments import AssessmentDraft, save_assessment
from pwdesk.services.people import (
    AuditorDetails,
    ChildDetails,
    PractitionerDetails,
    add_auditor,
    add_child,
    add_practitioner,
)
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import WeekDetails, create_week
from pwdesk.store.database import create_database
from tests.helpers import graded_answers

PASSPHRASE = "benchmark passphrase, fictional data only"
GRADES = ("outstanding", "good", "requires-improvement", "inadequate")


def big_week(path: Path, audits: int, seed: int = 7) -> None:
    """A database with one week of ``audits`` completed, fictional case audits."""
    rng = random.Random(seed)
    db = create_database(path, PASSPHRASE, device_name="benchmark")
    try:
        week_id = create_week(
            db, WeekDetails("2019-03", "Benchmark week", date(2019, 3, 11), date(2019, 3, 15))
        ).id
        template = catalogue(db).get("permanency-case-audit")
        leader = add_auditor(db, AuditorDetails("Benchmark Leader")).id
        worker = add_practitioner(db, PractitionerDetails("Benchmark Worker", "Team")).id
        for number in range(audits):
            child = add_child(db, ChildDetails(f"BM{number:06d}", date(2010, 1, 1))).id
            answers = graded_answers(
                template, lambda: rng.choice(GRADES), "Fictional evidence for a benchmark."
            )
            draft = AssessmentDraft(
                week_id=week_id,
                template_id=template.id,
                child_id=child,
                practitioner_id=worker,
                auditor_id=leader,
                held_on=date(2019, 3, 11) + timedelta(days=number % 5),
                answers=answers,
            )
            save_assessment(db, None, draft, status=Status.COMPLETED)
    finally:
        db.close()


def time_process(
    code: str, runs: int, env: dict[str, str] | None = None, marker: str = "ready"
) -> list[float]:
    """Wall-clock seconds from starting ``python -c code`` until it prints ``marker``."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "QT_QPA_PLATFORM": "offscreen", **(env or {})},
        )
        assert process.stdout is not None
        for line in process.stdout:
            if line.strip() == marker:
                times.append(time.perf_counter() - started)
                break
        process.kill()  # measured; the rest of its run does not matter
        process.stdout.close()
        process.wait(timeout=60)
    return times


def report(name: str, seconds: list[float], baseline: list[float], target: str) -> None:
    """Print a benchmark's figures and its ratio to the baseline measured in the same run."""
    median, base = statistics.median(seconds), statistics.median(baseline)
    print(
        f"{name}: median {median * 1000:.1f} ms over {len(seconds)} runs "
        f"(baseline {base * 1000:.1f} ms, ratio {median / base:.1f}); target {target}"
    )
