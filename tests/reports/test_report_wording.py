"""The report's words and figures: plurals, numbers at the start of sentences, empty weeks, chart
labels that wrap and agree with the tables, and moderated grades wherever a grade is shown."""

from __future__ import annotations

import io
import re
from dataclasses import replace

from pypdf import PdfReader
from reportlab.graphics.shapes import Drawing, String

from pwdesk.domain.analysis import AuditFacts, collate_comments
from pwdesk.domain.answers import answer
from pwdesk.domain.wording import kappa_figure, percent
from pwdesk.reports.blocks import Block, Chart, Heading, Para, ReportDocument, Table
from pwdesk.reports.charts import chart_drawing
from pwdesk.reports.summary.report import summary_document
from pwdesk.services.assessments import draft_of, list_records
from pwdesk.services.moderation import ModeratedGrade, moderate
from pwdesk.services.report import report_content, report_pdf
from pwdesk.services.stats import stats_json, week_stats
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database


def words(document: ReportDocument) -> str:
    """Every heading, paragraph and table cell of a document, as one text."""
    parts: list[str] = []

    def add(block: Block) -> None:
        if isinstance(block, Heading | Para):
            parts.append(block.text)
        elif isinstance(block, Table):
            parts.extend([block.caption, *block.header])
            parts.extend(cell.text for row in block.rows for cell in row)
        elif isinstance(block, Chart):
            parts.extend([block.title, block.description, *(label for label, _ in block.rows)])
            add(block.table)

    for block in document.blocks:
        add(block)
    return " ".join(parts)


def strings(drawing: Drawing) -> list[str]:
    return [item.text for item in drawing.contents if isinstance(item, String)]


def charts(document: ReportDocument) -> list[Chart]:
    return [block for block in document.blocks if isinstance(block, Chart)]


def test_one_draft_and_one_leader_are_written_in_the_singular(demo_db: Database) -> None:
    content = report_content(demo_db, "2018-09")
    one = replace(content, stats=replace(content.stats, drafts=1, senior_leaders=1))
    text = words(summary_document(one, "OFFICIAL"))
    assert "One record was still a draft when this report was made and is not counted." in text
    assert "One senior leader took part." in text
    assert "1 records" not in text
    several = replace(content, stats=replace(content.stats, drafts=3))
    assert "Three records were still drafts when this report was made and are not counted." in (
        words(summary_document(several, "OFFICIAL"))
    )


def test_no_sentence_starts_with_a_numeral(demo_db: Database) -> None:
    content = report_content(demo_db, "2018-09")
    typed = {
        line.strip()
        for text in (content.summary, content.findings, content.recommendations)
        for line in text.split("\n")
    }  # the QA officer's own words are theirs to write
    document = summary_document(content, "OFFICIAL")
    paragraphs = [b.text for b in document.blocks if isinstance(b, Para) and b.text not in typed]
    sentences = [s for p in paragraphs for s in re.split(r"(?<=\.)\s+", p)]
    assert sentences
    starting = [s for s in sentences if re.match(r"\d", s)]
    assert starting == []


def test_long_aspect_names_wrap_in_the_chart_and_are_never_cut(demo_db: Database) -> None:
    document = summary_document(report_content(demo_db, "2018-09"), "OFFICIAL")
    for chart in charts(document):
        drawing = chart_drawing(chart, 510)
        text = " ".join(strings(drawing))
        assert "\N{HORIZONTAL ELLIPSIS}" not in text
        for label, _ in chart.rows:
            assert " ".join(label.split()) in " ".join(text.split()), label
    aspects = next(c for c in charts(document) if c.title == "Grades per aspect of practice")
    assert max(len(label) for label, _ in aspects.rows) > 60  # long enough to need two lines
    pdf = PdfReader(io.BytesIO(report_pdf(demo_db, "2018-09")))
    assert "\N{HORIZONTAL ELLIPSIS}" not in " ".join(page.extract_text() for page in pdf.pages)


def test_chart_percentages_are_the_tables_percentages(demo_db: Database) -> None:
    document = summary_document(report_content(demo_db, "2018-09"), "OFFICIAL")
    for chart in charts(document):
        drawn = [s for s in strings(chart_drawing(chart, 510)) if s.endswith("%")]
        tabled = [row[-1].text for row in chart.table.rows]
        assert drawn == tabled
        assert all(re.fullmatch(r"\d{1,3}\.\d%", figure) for figure in drawn)


def test_headings_of_number_columns_are_aligned_with_their_figures(demo_db: Database) -> None:
    document = summary_document(report_content(demo_db, "2018-09"), "OFFICIAL")
    tables = [b for b in document.blocks if isinstance(b, Table)]
    tables += [chart.table for chart in charts(document)]
    for table in tables:
        for column, align in enumerate(table.align):
            figures = [row[column].text for row in table.rows]
            if figures and all(re.fullmatch(r"[\d.%\N{EN DASH}]+", f) for f in figures):
                assert align == "right", (table.caption, table.header[column])


def test_a_moderated_overall_grade_shows_in_the_appendix(demo_db: Database) -> None:
    record = next(
        r for r in list_records(demo_db, "2018-09") if r.kind == "case-audit" and r.case_reference
    )
    own = draft_of(demo_db, record.id)[0].answers["overall"]["value"]
    moderated = "inadequate" if own != "inadequate" else "outstanding"
    moderate(demo_db, record.id, {"overall": ModeratedGrade(moderated, "Drift since May.")})
    content = report_content(demo_db, "2018-09")
    entry = next(a for a in content.audits if a.case_reference == record.case_reference)
    assert (entry.overall_id, entry.moderated) == (moderated, True)
    appendix = next(
        b
        for b in summary_document(content, "OFFICIAL").blocks
        if isinstance(b, Table) and b.caption == "The audits by case reference"
    )
    row = next(r for r in appendix.rows if r[0].text == record.case_reference)
    label = content.stats.scale.grade(moderated).label
    assert row[3].text == f"{label} (moderated)"
    counted = sum(a.overall_id == moderated for a in content.audits if a.status == "completed")
    assert counted == content.stats.overall.counts[moderated]


def test_comments_follow_the_moderated_grade_and_near_copies_are_grouped() -> None:
    template = catalogue().get("permanency-case-audit")
    aspect = template.aspects()[0].id

    def audit(grade: str, note: str, moderated: str | None = None) -> AuditFacts:
        answers = {aspect: answer(grade, note)}
        return AuditFacts(None, None, answers, {aspect: moderated} if moderated else {})

    audits = [
        audit("good", "Plan agreed at the second review."),
        audit("good", "plan agreed at the second review"),
        audit("good", "Plan agreed  at the second review!"),
        audit("good", "Drift since the review.", moderated="inadequate"),
    ]
    comments = collate_comments(template, aspect, audits)
    assert [(c.text, c.count) for c in comments.strengths] == [
        ("Plan agreed at the second review.", 3)
    ]
    assert [(c.text, c.count) for c in comments.development] == [("Drift since the review.", 1)]


def test_the_report_gives_the_weighted_agreement_of_stats(demo_db: Database) -> None:
    steps = ("outstanding", "good", "requires-improvement", "inadequate")
    records = [r.id for r in list_records(demo_db, "2018-09") if r.kind == "case-audit"][:12]
    for number, record in enumerate(records):
        answers = draft_of(demo_db, record)[0].answers
        grades = {}
        for item in ("supervision", "recording"):
            own = answers[item]["value"]
            if own not in steps:
                continue
            rank = steps.index(own) + (number % 3 == 0) - (number % 5 == 0)
            given = steps[min(max(rank, 0), 3)]
            grades[item] = ModeratedGrade(given, "" if given == own else "Seen differently.")
        moderate(demo_db, record, grades)
    figures = stats_json(*week_stats(demo_db, "2018-09"))["moderation"]
    assert figures["pairs"] >= 10
    assert not figures["small"]
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(demo_db, "2018-09"))).pages
    )
    text = re.sub(r"\s+", " ", text)
    assert (
        f"Over the {figures['pairs']} grades reviewed, the moderator gave the same grade for "
        f"{percent(figures['exact_pct'])} and a grade at most one step away for "
        f"{percent(figures['within_one_pct'])}."
    ) in text
    assert f"Linearly weighted kappa is {kappa_figure(figures['weighted_kappa'])}" in text
    assert f"Gwet's AC2 is {kappa_figure(figures['gwet_ac2'])}" in text
    assert "Cohen's unweighted kappa, which counts" in text
    labels = figures["grade_pairs"]["grades"]
    first_row = " ".join(str(n) for n in figures["grade_pairs"]["rows"][0])
    assert f"{labels[0]} {first_row}" in text


def test_a_moderated_grade_moves_its_comment_to_where_the_grade_now_counts(
    demo_db: Database,
) -> None:
    good = ("outstanding", "good")
    aspect = "supervision"
    record, note = next(
        (r.id, draft_of(demo_db, r.id)[0].answers[aspect])
        for r in list_records(demo_db, "2018-09")
        if r.kind == "case-audit" and draft_of(demo_db, r.id)[0].answers[aspect]["value"] in good
    )
    written = " ".join(note["note"].split())

    def sides() -> tuple[int, int]:
        comments = next(c for c in week_stats(demo_db, "2018-09")[1].comments if c.id == aspect)
        strong = sum(c.count for c in comments.strengths if c.text == written)
        weak = sum(c.count for c in comments.development if c.text == written)
        return strong, weak

    strong, weak = sides()
    assert strong >= 1
    moderate(demo_db, record, {aspect: ModeratedGrade("inadequate", "No supervision since May.")})
    assert sides() == (strong - 1, weak + 1)
