"""Benchmark: one feedback sheet, in-process, against a minimal one-page ReportLab document.

Target: under 0.3 s per sheet. Run: ``python -m tests.benchmarks.feedback``.
"""

from __future__ import annotations

import io
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pwdesk.services.assessments import list_records
from pwdesk.services.demo import build_demo
from pwdesk.services.feedback import feedback_pdf
from pwdesk.store.database import create_database
from tests.benchmarks.common import PASSPHRASE, report


def minimal_page() -> bytes:
    """The baseline: one A4 page with one line of text."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.drawString(72, 770, "Practice Week feedback")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def timed(job: Callable[[], bytes], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return times


def main(runs: int = 20) -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = create_database(Path(folder) / "demo.db", PASSPHRASE, device_name="benchmark")
        try:
            build_demo(db)
            record = next(r for r in list_records(db, "2018-09") if r.kind == "case-audit")
            cold = timed(lambda: feedback_pdf(db, record.id), 1)  # fonts load on first use
            sheet = timed(lambda: feedback_pdf(db, record.id), runs)
        finally:
            db.close()
    baseline = timed(minimal_page, runs)
    report("first feedback sheet of a session", cold, baseline, "< 0.3 s")
    report("one feedback sheet (query and layout)", sheet, baseline, "< 0.3 s")
    print(f"under 0.3 s: {'yes' if statistics.median(sheet) < 0.3 else 'NO'}")


if __name__ == "__main__":
    main()
