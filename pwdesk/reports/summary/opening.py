"""The report's opening: the cover, the contents, the executive summary and the method."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, PageBreak, Paragraph, Spacer
from reportlab.platypus.tableofcontents import TableOfContents

from pwdesk.domain.analysis import WeekStats
from pwdesk.domain.dates import long_date
from pwdesk.palette import ACCENT
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.words import date_range, percent
from pwdesk.reports.summary.writer import SummaryWriter


def cover(writer: SummaryWriter, content: ReportContent, marking: str) -> list[Flowable]:
    """The cover page: who, which week, for whom, and the protective marking."""
    week = content.week
    return [
        Spacer(1, 30 * mm),
        writer.p(content.authority or "Children's Social Care", "Heading2"),
        Spacer(1, 4 * mm),
        Paragraph("Children's Social Care<br/>Practice Week summary", writer.styles["Title"]),
        Spacer(1, 2 * mm),
        HRFlowable(width="100%", thickness=2.5, color=colors.HexColor(ACCENT)),
        Spacer(1, 3 * mm),
        writer.p(week.title, "Heading1"),
        writer.p(f"Theme: {week.theme}" if week.theme else "", "Body"),
        writer.p(date_range(week), "Body"),
        Spacer(1, 12 * mm),
        writer.p(
            "A report to the Children and Young People Scrutiny Sub-Committee, summarising "
            "the audits and observations of practice completed during the week, how each "
            "aspect of practice was graded, what has improved and what needs to develop.",
            "Body",
        ),
        Spacer(1, 6 * mm),
        writer.p(f"Prepared on {long_date(content.prepared_on)} with pwdesk.", "Muted"),
        writer.p(f"Protective marking: {marking.upper()}", "SmallBold"),
        PageBreak(),
    ]


def contents(writer: SummaryWriter) -> list[Flowable]:
    """The contents page, filled in with page numbers as the layout runs."""
    listing = TableOfContents()
    listing.levelStyles = [writer.style("Body"), writer.style("Small")]
    return [writer.p("Contents", "Heading1"), listing, PageBreak()]


def _totals(stats: WeekStats) -> str:
    cohorts = "; ".join(
        f"{c.name}: {c.audited} of {c.children} children audited" for c in stats.cohorts
    )
    observations = ", ".join(
        f"{count} {stats.observation_labels[kind].lower()}{'s' if count != 1 else ''}"
        for kind, count in stats.observations.items()
        if count
    )
    return (
        f"Senior leaders completed case discussion audits on {stats.children} children "
        f"({stats.audits} audits)"
        + (f" from {len(stats.cohorts)} cohorts ({cohorts})" if stats.cohorts else "")
        + f", and {stats.observations_total} observations of practice"
        + (f" ({observations})" if observations else "")
        + f". {stats.senior_leaders} senior leaders took part. Overall, "
        f"{percent(stats.overall.good_or_better_pct)} of the cases graded were good or better."
    )


def executive_summary(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """What was done, how it graded overall, and the QA officer's summary."""
    stats = content.stats
    flow: list[Flowable] = [writer.heading("Executive summary"), writer.p(_totals(stats))]
    if stats.drafts:
        flow.append(
            writer.p(
                f"{stats.drafts} records were still drafts when this report was made and are "
                "not counted.",
                "Muted",
            )
        )
    flow += writer.narrative(
        content.summary, "The QA officer has not yet written the executive summary."
    )
    return flow


def method(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """How the week was run and how its grades are counted."""
    scale = content.stats.scale
    grades = ", ".join(g.label for g in scale.grades)
    good = ", ".join(g.label for g in scale.grades if scale.is_good_or_better(g.id))
    return [
        writer.heading("Method"),
        writer.p(
            "During Practice Week senior leaders hold case discussion audits with the "
            "practitioners who know each child, and observe practice such as home visits, "
            "child protection conferences and core group meetings. Every practitioner "
            "receives immediate, printed feedback at the end of the discussion."
        ),
        writer.p(
            f"Case audits used the form “{content.template_title}”, which grades "
            f"{len(content.stats.aspects)} aspects of practice and the case overall on the "
            f"scale {grades}. “Good or better” counts {good}. Aspects that did not apply to "
            "a child, or could not be seen, are recorded as not applicable and left out of "
            "every percentage. Percentages are rounded to one decimal place."
        ),
    ]
