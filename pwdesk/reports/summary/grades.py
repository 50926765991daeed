"""The grades in tables and charts: overall, per aspect, since the last week, by cohort, and of
the observations of practice."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table

from pwdesk.domain.analysis import AspectResult
from pwdesk.domain.grades import GradeScale
from pwdesk.reports.charts import stacked_bars
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.words import change_words, percent
from pwdesk.reports.summary.writer import SummaryWriter


def _grade_table(
    writer: SummaryWriter, rows: list[tuple[str, AspectResult]], scale: GradeScale
) -> Table:
    """A row of counts per grade for each aspect, and the share good or better."""
    header = writer.header(
        "Aspect", *[g.abbreviation for g in scale.choices], "Good or better", style="CellBold"
    )
    body: list[list[Any]] = [header]
    for label, aspect in rows:
        body.append(
            [writer.p(label, "Small")]
            + [writer.p(str(aspect.counts.get(g.id, 0)), "Centre") for g in scale.choices]
            + [writer.p(percent(aspect.good_or_better_pct), "Right")]
        )
    counts_width = 19 * mm
    label_width = writer.body_width - counts_width * len(scale.choices) - 22 * mm
    return writer.table(body, [label_width] + [counts_width] * len(scale.choices) + [22 * mm])


def overall(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """The overall grades of the case audits."""
    stats = content.stats
    chart = stacked_bars(
        [("Overall grade", stats.overall.counts)],
        stats.scale,
        writer.body_width,
        description="Overall grades of the case audits",
    )
    return [
        writer.heading("Overall grades"),
        writer.p(
            f"{stats.overall.graded} cases were given an overall grade; "
            f"{percent(stats.overall.good_or_better_pct)} were good or better."
        ),
        Spacer(1, 2 * mm),
        chart,
        Spacer(1, 2 * mm),
        _grade_table(writer, [("Overall grade", stats.overall)], stats.scale),
    ]


def aspects(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """How each aspect of practice was graded."""
    stats = content.stats
    rows = [(a.label, a) for a in stats.aspects]
    chart = stacked_bars(
        [(a.label, a.counts) for a in stats.aspects],
        stats.scale,
        writer.body_width,
        label_width=170,
        description="Grades per aspect of practice",
    )
    return [
        *writer.section("Grades per aspect of practice", 80 * mm),
        writer.p(
            "How each aspect was graded across the case audits, with the share graded good "
            "or better (bars show the number of audits; the percentage is at the right)."
        ),
        Spacer(1, 2 * mm),
        chart,
        Spacer(1, 3 * mm),
        _grade_table(writer, rows, stats.scale),
    ]


def comparison(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """Good or better per aspect, this week against the week compared with."""
    flow: list[Flowable] = writer.section("Change since the last Practice Week")
    if content.compared_week is None:
        flow.append(writer.p("There is no earlier Practice Week in this database to compare with."))
        return flow
    compared = content.compared_week
    flow.append(
        writer.p(
            f"Good or better for each aspect in this week and in {compared.title} "
            f"({compared.code}). Aspects the earlier form did not grade show a dash."
        )
    )
    rows: list[list[Any]] = [writer.header("Aspect", compared.code, content.week.code, "Change")]
    for change in content.changes:
        rows.append(
            [
                writer.p(change.label, "Small"),
                writer.p(percent(change.previous), "Right"),
                writer.p(percent(change.current), "Right"),
                writer.p(change_words(change.change), "Small"),
            ]
        )
    widths = [writer.body_width - 84 * mm, 20 * mm, 20 * mm, 44 * mm]
    flow.append(writer.table(rows, widths))
    return flow


def cohorts(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """Each cohort, and good or better per aspect in each."""
    stats = content.stats
    flow: list[Flowable] = writer.section("Cohorts")
    if not stats.by_cohort:
        flow.append(writer.p("This week's audits were not organised in cohorts."))
        return flow
    for cohort in stats.cohorts:
        flow.append(
            writer.p(
                f"{cohort.name} ({cohort.rules}): {cohort.audited} of {cohort.children} "
                "children audited."
            )
        )
    rows: list[list[Any]] = [
        writer.header("Aspect: good or better", *[c.name for c in stats.by_cohort])
    ]
    for index, aspect in enumerate(stats.aspects):
        rows.append(
            [writer.p(aspect.label, "Small")]
            + [
                writer.p(percent(c.aspects[index].good_or_better_pct), "Right")
                for c in stats.by_cohort
            ]
        )
    rows.append(
        [writer.p("Overall grade", "SmallBold")]
        + [writer.p(percent(c.overall.good_or_better_pct), "Right") for c in stats.by_cohort]
    )
    cohort_width = min(40 * mm, (writer.body_width - 70 * mm) / max(len(stats.by_cohort), 1))
    widths = [writer.body_width - cohort_width * len(stats.by_cohort)] + [cohort_width] * len(
        stats.by_cohort
    )
    flow += [Spacer(1, 2 * mm), writer.table(rows, widths)]
    return flow


def observations(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """The overall grades of the observations of practice, by kind."""
    stats = content.stats
    flow: list[Flowable] = writer.section("Observations of practice", 50 * mm)
    if stats.observations_total == 0:
        flow.append(writer.p("No observations of practice were recorded this week."))
        return flow
    flow.append(
        writer.p(
            f"{stats.observations_total} observations of practice were completed. Their "
            "overall grades, by kind of observation:"
        )
    )
    chart_rows = [
        (f"{stats.observation_labels[kind]} ({count})", stats.observation_overall.get(kind, {}))
        for kind, count in stats.observations.items()
        if count
    ]
    flow.append(
        stacked_bars(
            chart_rows,
            stats.scale,
            writer.body_width,
            label_width=170,
            description="Overall grades of observations by kind",
        )
    )
    return flow
