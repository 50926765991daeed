"""The summary report, read back from the PDF and checked against ``pwdesk stats``."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
from pypdf import PdfReader

from pwdesk.domain.wording import spelled_count
from pwdesk.services.report import report_pdf
from pwdesk.services.stats import stats_json, week_stats
from pwdesk.services.weeks import WeekDetails, create_week
from pwdesk.store.database import Database

SECTIONS = (
    "Executive summary",
    "Method",
    "Overall grades",
    "Grades per aspect of practice",
    "Change since the last Practice Week",
    "Cohorts",
    "Observations of practice",
    "Strengths and areas for development",
    "Recommendations and actions",
    "Moderation",
    "Appendix: the audits by case reference",
)


def read(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return reader, re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def september(demo_template: Any) -> tuple[PdfReader, str, dict[str, Any], dict[str, Any]]:
    from pwdesk.store.database import open_database
    from tests.conftest import PASSPHRASE

    db = open_database(demo_template, PASSPHRASE)
    try:
        reader, text = read(report_pdf(db, "2018-09"))
        now = stats_json(*week_stats(db, "2018-09"))
        before = stats_json(*week_stats(db, "2018-03"))
    finally:
        db.close()
    return reader, text, now, before


def test_every_section_is_there_in_order_with_page_numbers(september: Any) -> None:
    reader, text, _, _ = september
    body = " ".join(page.extract_text() for page in reader.pages[2:])  # after cover and contents
    positions = [body.index(f"{number}. {title}") for number, title in enumerate(SECTIONS, start=1)]
    assert positions == sorted(positions)
    pages = len(reader.pages)
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    outline = [entry["/Title"] for entry in reader.outline if isinstance(entry, dict)]
    assert outline[:2] == ["1. Executive summary", "2. Method"]


def test_the_totals_match_stats(september: Any) -> None:
    _, text, now, _ = september
    assert f"case discussion audits on {now['children']} children ({now['audits']} audits)" in text
    for cohort in now["cohorts"]:
        assert (
            f"{cohort['name']}: {cohort['audited']} of {cohort['children']} children audited"
            in text
        )
    assert f"and {now['observations']['total']} observations of practice" in text
    for label, count in now["observations"]["by_type"].items():
        if count:
            assert f"{count} {label.lower()}" in text
    assert f"{spelled_count(now['senior_leaders'], 'senior leader')} took part" in text
    assert (
        f"{now['overall_good_or_better_pct']:.1f}% of the cases graded were good or better" in text
    )


def test_every_aspect_row_matches_stats(september: Any) -> None:
    _, text, now, _ = september
    for aspect in now["aspects"]:
        counts = " ".join(str(n) for n in aspect["counts"].values())
        row = f"{aspect['label']} {counts} {aspect['good_or_better_pct']:.1f}%"
        assert row in text, row


def test_the_comparison_with_the_week_before_matches_both_weeks_stats(september: Any) -> None:
    _, text, now, before = september
    earlier = {a["id"]: a["good_or_better_pct"] for a in before["aspects"]}
    for aspect in now["aspects"]:
        previous, current = earlier[aspect["id"]], aspect["good_or_better_pct"]
        change = round(current - previous, 1)
        words = (
            f"up {change:.1f} points"
            if change > 0
            else f"down {-change:.1f} points"
            if change < 0
            else "no change"
        )
        assert f"{aspect['label']} {previous:.1f}% {current:.1f}% {words}" in text


def test_each_cohort_has_its_good_or_better_figures(september: Any) -> None:
    _, text, now, _ = september
    first, second = now["by_cohort"]
    for index, aspect in enumerate(now["aspects"]):
        a = first["aspects"][index]["good_or_better_pct"]
        b = second["aspects"][index]["good_or_better_pct"]
        assert f"{aspect['label']} {a:.1f}% {b:.1f}%" in text
    assert (
        f"Overall grade {first['overall_good_or_better_pct']:.1f}% "
        f"{second['overall_good_or_better_pct']:.1f}%"
    ) in text


def test_the_narrative_actions_and_appendix_are_there(september: Any) -> None:
    _, text, now, _ = september
    assert "emerging signs of better practice" in text
    assert "Track every permanence plan monthly" in text
    assert re.search(r"Of the \d+ actions agreed then: ", text)
    assert "Children are identified by case reference only." in text
    appendix = text[text.rindex("Appendix: the audits by case reference") :]
    assert len(re.findall(r"CR\d{6}", appendix)) == now["audits"]


def test_the_earlier_week_matches_its_own_stats_and_has_nothing_to_compare_with(
    demo_db: Database,
) -> None:
    _, text = read(report_pdf(demo_db, "2018-03"))
    figures = stats_json(*week_stats(demo_db, "2018-03"))
    assert "There is no earlier Practice Week in this database to compare with." in text
    assert f"audits on {figures['children']} children ({figures['audits']} audits)" in text
    for aspect in figures["aspects"]:
        counts = " ".join(str(n) for n in aspect["counts"].values())
        assert f"{aspect['label']} {counts} {aspect['good_or_better_pct']:.1f}%" in text
    for cohort, rows in zip(figures["cohorts"], figures["by_cohort"], strict=True):
        assert f"{cohort['name']}: {cohort['audited']} of {cohort['children']}" in text
        assert rows["audits"] == cohort["audited"]


def test_a_week_with_no_observations_and_no_records_says_so(db: Database) -> None:
    create_week(
        db, WeekDetails("2019-03", "Practice Week March 2019", date(2019, 3, 11), date(2019, 3, 15))
    )
    reader, text = read(report_pdf(db, "2019-03"))
    assert "No observations of practice were completed this week." in text
    assert "No comments on graded aspects were recorded in this week's audits." in text
    assert "There is no earlier Practice Week in this database to compare with." in text
    assert "The QA officer has not yet written the executive summary." in text
    assert "No actions were agreed this week." in text
    assert (
        "No case audits or observations of practice were completed in this week, so there "
        "are no grades to report yet." in text
    )
    assert "No case audit of this week has an overall grade yet." in text
    assert "Overall, \N{EN DASH}" not in text
    assert len(reader.pages) >= 3


def test_the_pdf_carries_its_title_and_language(september: Any) -> None:
    reader, _, _, _ = september
    assert reader.metadata is not None
    assert reader.metadata.title == (
        "Children's Social Care Practice Week summary, Practice Week September 2018"
    )
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])


def test_every_bookmark_and_contents_link_opens_its_section(september: Any) -> None:
    reader, _, _, _ = september
    texts = [" ".join(page.extract_text().split()) for page in reader.pages]
    headings = [entry for entry in reader.outline if isinstance(entry, dict)]
    assert [entry["/Title"] for entry in headings] == [
        f"{number}. {title}" for number, title in enumerate(SECTIONS, start=1)
    ]
    opened = [reader.get_destination_page_number(entry) for entry in headings]
    for entry, page in zip(headings, opened, strict=True):
        assert entry["/Title"] in texts[page], (entry["/Title"], page + 1)
    numbers = {page.indirect_reference.idnum: index for index, page in enumerate(reader.pages)}
    links = [a.get_object()["/Dest"][0].idnum for a in reader.pages[1]["/Annots"]]
    assert sorted({numbers[link] for link in links}) == sorted(set(opened))
