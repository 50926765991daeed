"""The grades in tables and charts: overall, per aspect, since the last week, by cohort, and of
the observations of practice. Every chart comes with the table of its figures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pwdesk.domain.grades import GradeScale
from pwdesk.domain.wording import (
    change_in_points,
    count,
    count_was,
    percent,
    spelled_count,
)
from pwdesk.reports.blocks import Block, Cell, Chart, Heading, Para, Table, cell
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.writer import table


def grade_table(
    caption: str, first: str, rows: Sequence[tuple[str, Mapping[str, int]]], scale: GradeScale
) -> Table:
    """A row of counts per grade for each line, and the share good or better."""
    body = [
        [label]
        + [str(counts.get(g.id, 0)) for g in scale.choices]
        + [percent(scale.good_or_better_pct(counts))]
        for label, counts in rows
    ]
    grades = len(scale.choices)
    return table(
        caption,
        [first, *[g.label for g in scale.choices], "Good or better"],
        body,
        "l" + "r" * grades + "r",
        [3, *[1.4] * grades, 1.4],
    )


def _chart(
    title: str,
    description: str,
    first: str,
    rows: Sequence[tuple[str, Mapping[str, int]]],
    scale: GradeScale,
) -> Chart:
    lines = tuple((label, counts) for label, counts in rows)
    return Chart(
        title=title,
        description=description,
        rows=lines,
        scale=scale,
        table=grade_table(f"{title}: the figures", first, lines, scale),
        label_share=0.3,
    )


def overall(content: ReportContent) -> list[Block]:
    """The overall grades of the case audits."""
    stats = content.stats
    flow: list[Block] = [Heading("Overall grades")]
    graded = stats.overall.graded
    if not graded:
        flow.append(Para("No case audit of this week has an overall grade yet."))
        return flow
    flow.append(
        Para(
            f"{count_was(graded, 'case', start=True)} given an overall grade; "
            f"{percent(stats.overall.good_or_better_pct)} were good or better."
        )
    )
    flow.append(
        _chart(
            "Overall grades of the case audits",
            f"A bar of the {count(graded, 'overall grade')} given, split by grade.",
            "Grade",
            [("Overall grade", stats.overall.counts)],
            stats.scale,
        )
    )
    return flow


def aspects(content: ReportContent) -> list[Block]:
    """How each aspect of practice was graded."""
    stats = content.stats
    flow: list[Block] = [Heading("Grades per aspect of practice")]
    if not stats.audits:
        flow.append(Para("No case audits were completed in this week, so no aspect was graded."))
        return flow
    flow.append(
        Para(
            "How each aspect was graded across the case audits, with the share graded good "
            "or better (bars show the number of audits; the percentage is at the right)."
        )
    )
    flow.append(
        _chart(
            "Grades per aspect of practice",
            "One bar per aspect, split by grade, in the order of the audit form.",
            "Aspect",
            [(a.label, a.counts) for a in stats.aspects],
            stats.scale,
        )
    )
    return flow


def comparison(content: ReportContent) -> list[Block]:
    """Good or better per aspect, this week against the week compared with."""
    flow: list[Block] = [Heading("Change since the last Practice Week")]
    if content.compared_week is None:
        flow.append(Para("There is no earlier Practice Week in this database to compare with."))
        return flow
    compared = content.compared_week
    flow.append(
        Para(
            f"Good or better for each aspect in this week and in {compared.title} "
            f"({compared.code}). Aspects the earlier form did not grade show a dash."
        )
    )
    rows = [
        [
            change.label,
            percent(change.previous),
            percent(change.current),
            change_in_points(change.change),
        ]
        for change in content.changes
    ]
    flow.append(
        table(
            f"Good or better in {compared.code} and {content.week.code}",
            ["Aspect", compared.code, content.week.code, "Change"],
            rows,
            "lrrr",
            [5, 1.3, 1.3, 2],
        )
    )
    return flow


def _cohort_row(label: str, figures: Sequence[float | None], strong: bool = False) -> list[Cell]:
    return [cell(label, strong=strong), *[cell(percent(f)) for f in figures]]


def cohorts(content: ReportContent) -> list[Block]:
    """Each cohort, and good or better per aspect in each."""
    stats = content.stats
    flow: list[Block] = [Heading("Cohorts")]
    if not stats.by_cohort:
        flow.append(Para("This week's audits were not organised in cohorts."))
        return flow
    for cohort in stats.cohorts:
        flow.append(
            Para(
                f"{cohort.name} ({cohort.rules}): {cohort.audited} of "
                f"{count(cohort.children, 'child', 'children')} audited."
            )
        )
    rows = [
        _cohort_row(aspect.label, [c.aspects[index].good_or_better_pct for c in stats.by_cohort])
        for index, aspect in enumerate(stats.aspects)
    ]
    rows.append(
        _cohort_row("Overall grade", [c.overall.good_or_better_pct for c in stats.by_cohort], True)
    )
    columns = len(stats.by_cohort)
    flow.append(
        table(
            "Good or better by cohort",
            ["Aspect", *[c.name for c in stats.by_cohort]],
            rows,
            "l" + "r" * columns,
            [max(2.0, 6 - columns), *[1.5] * columns],
        )
    )
    return flow


def observations(content: ReportContent) -> list[Block]:
    """The overall grades of the observations of practice, by kind."""
    stats = content.stats
    flow: list[Block] = [Heading("Observations of practice")]
    total = stats.observations_total
    if total == 0:
        flow.append(Para("No observations of practice were completed this week."))
        return flow
    flow.append(
        Para(
            f"{spelled_count(total, 'observation')} of practice "
            f"{'was' if total == 1 else 'were'} completed. Their overall grades, by kind of "
            "observation:"
        )
    )
    rows = [
        (f"{stats.observation_labels[kind]} ({n})", stats.observation_overall.get(kind, {}))
        for kind, n in stats.observations.items()
        if n
    ]
    flow.append(
        _chart(
            "Overall grades of the observations of practice",
            "One bar per kind of observation, split by overall grade.",
            "Kind of observation",
            rows,
            stats.scale,
        )
    )
    return flow
