"""Benchmark: the summary report for a week of 2,000 audits, with the time of each stage.

Stages: query (reading the records), analysis (the counts), layout (the PDF). Compared with a
minimal one-page ReportLab document in the same run. Target: under 10 s in all.
Run: ``python -m tests.benchmarks.report``.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from pwdesk.reports.document import Furniture
from pwdesk.reports.summary.report import SummaryReport
from pwdesk.services.report import report_content
from pwdesk.services.stats import analyse, load_week_facts
from pwdesk.store.database import open_database
from tests.benchmarks.common import PASSPHRASE, big_week, report
from tests.benchmarks.feedback import minimal_page, timed


def main(audits: int = 2000) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        print(f"Building a week of {audits} audits...", flush=True)
        big_week(path, audits)
        db = open_database(path, PASSPHRASE)
        try:
            started = time.perf_counter()
            facts = load_week_facts(db, "2019-03")
            loaded = time.perf_counter()
            analyse(facts)
            analysed = time.perf_counter()
            content = report_content(db, "2019-03")  # query and analysis, as the report does them
            gathered = time.perf_counter()
            pdf = SummaryReport(Furniture("Benchmark Borough", "OFFICIAL", "Benchmark")).render(
                content
            )
            laid_out = time.perf_counter()
        finally:
            db.close()
    baseline = timed(minimal_page, 5)
    print(f"query (records of the week): {loaded - started:.2f} s")
    print(f"analysis (counts, cohorts, comments): {analysed - loaded:.2f} s")
    print(f"everything the report gathers (queries and analysis): {gathered - analysed:.2f} s")
    print(f"layout ({len(pdf) // 1024} KB of PDF): {laid_out - gathered:.2f} s")
    total = (loaded - started) + (analysed - loaded) + (laid_out - analysed)
    report("whole report, 2,000 audits", [laid_out - analysed], baseline, "< 10 s")
    print(f"under 10 s: {'yes' if total < 10 else 'NO'} ({total:.2f} s counting every stage)")


if __name__ == "__main__":
    main()
