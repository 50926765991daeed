"""Benchmark: the summary report for weeks of 500, 2,000 and 8,000 audits, stage by stage.

Stages: query (reading the records), analysis (the counts), layout of the PDF, and the Word and
HTML renderings of the same blocks. The baseline, built in the same run for each size, is a
one-pass ReportLab document in the same fonts: a ruled table with one row per audit (as the
report's appendix) and a page of text. Target: the report's PDF layout within 3x of it.
Run: ``python -m tests.benchmarks.report`` (or with sizes: ``... report 500 2000``).
"""

from __future__ import annotations

import io
import sys
import tempfile
import time
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate

from pwdesk.reports.document import Furniture, ruled_table, style_sheet
from pwdesk.reports.html import render_html
from pwdesk.reports.summary.report import SummaryReport, summary_document
from pwdesk.reports.word import render_docx
from pwdesk.services.report import report_content
from pwdesk.services.stats import analyse, load_week_facts
from pwdesk.store.database import open_database
from tests.benchmarks.common import PASSPHRASE, big_week

SIZES = (500, 2000, 8000)
TARGET = 3.0


def one_pass_baseline(rows: int) -> float:
    """Seconds for ReportLab to lay out, once, a table of ``rows`` rows and some text."""
    styles = style_sheet()
    text = "Senior leaders completed case discussion audits with practitioners. " * 12
    story: list[Flowable] = [Paragraph(text, styles["Para"]) for _ in range(20)]
    cells = [
        [
            Paragraph(f"BM{n:06d}", styles["Small"]),
            Paragraph("Benchmark cohort", styles["Small"]),
            Paragraph("11 March 2019", styles["Small"]),
            Paragraph("Requires improvement to be good", styles["Small"]),
        ]
        for n in range(rows)
    ]
    header = [Paragraph(t, styles["SmallBold"]) for t in ("Case", "Cohort", "Date", "Grade")]
    widths = [35 * mm, 60 * mm, 30 * mm, 55 * mm]
    story.append(ruled_table([header, *cells], widths, split_in_row=True))
    started = time.perf_counter()
    SimpleDocTemplate(io.BytesIO(), pagesize=A4).build(story)
    return time.perf_counter() - started


def measure(audits: int) -> dict[str, float]:
    """Every stage's seconds for a week of ``audits`` audits."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        big_week(path, audits)
        db = open_database(path, PASSPHRASE)
        try:
            started = time.perf_counter()
            facts = load_week_facts(db, "2019-03")
            loaded = time.perf_counter()
            analyse(facts)
            analysed = time.perf_counter()
            content = report_content(db, "2019-03")
            gathered = time.perf_counter()
        finally:
            db.close()
    furniture = Furniture("Benchmark Borough", "OFFICIAL", "Benchmark")
    laying = time.perf_counter()
    SummaryReport(furniture).render(content)
    laid_out = time.perf_counter()
    document = summary_document(content, "OFFICIAL")
    render_docx(document)
    worded = time.perf_counter()
    render_html(document)
    written = time.perf_counter()
    return {
        "query": loaded - started,
        "analysis": analysed - loaded,
        "gathered": gathered - analysed,
        "layout": laid_out - laying,
        "docx": worded - laid_out,
        "html": written - worded,
        "baseline": one_pass_baseline(audits),
    }


def main(sizes: tuple[int, ...] = SIZES) -> None:
    print(
        "audits | query | analysis | report gathers | PDF layout | baseline | ratio | DOCX | HTML"
    )
    for audits in sizes:
        print(f"building a week of {audits} audits...", file=sys.stderr, flush=True)
        t = measure(audits)
        ratio = t["layout"] / t["baseline"]
        print(
            f"{audits} | {t['query']:.2f} s | {t['analysis']:.2f} s | {t['gathered']:.2f} s | "
            f"{t['layout']:.2f} s | {t['baseline']:.2f} s | {ratio:.1f}x "
            f"({'within' if ratio <= TARGET else 'OVER'} {TARGET:.0f}x) | "
            f"{t['docx']:.2f} s | {t['html']:.2f} s",
            flush=True,
        )


if __name__ == "__main__":
    main(tuple(int(size) for size in sys.argv[1:]) or SIZES)
