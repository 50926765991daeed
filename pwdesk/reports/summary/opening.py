"""The report's opening: the cover, the executive summary and the method."""

from __future__ import annotations

from pwdesk.domain.analysis import WeekStats
from pwdesk.domain.wording import (
    count,
    count_was,
    date_range,
    listed,
    long_date,
    percent,
    spelled_count,
)
from pwdesk.reports.blocks import Block, Cover, Heading, Para
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.writer import narrative

SERVICE = "Children's Social Care"


def cover(content: ReportContent, marking: str) -> Cover:
    """The cover page: who, which week, for whom, and the protective marking."""
    week = content.week
    return Cover(
        authority=content.authority or SERVICE,
        title=f"{SERVICE} Practice Week summary",
        week_title=week.title,
        theme=f"Theme: {week.theme}" if week.theme else "",
        dates=date_range(week.starts_on, week.ends_on),
        purpose=(
            "A report to the Children and Young People Scrutiny Sub-Committee, summarising "
            "the audits and observations of practice completed during the week, how each "
            "aspect of practice was graded, what has improved and what needs to develop."
        ),
        prepared=f"Prepared on {long_date(content.prepared_on)} with pwdesk.",
        marking=f"Protective marking: {marking.upper()}" if marking else "",
    )


def _observations(stats: WeekStats) -> str:
    kinds = ", ".join(
        count(n, stats.observation_labels[kind].lower())
        for kind, n in stats.observations.items()
        if n
    )
    observed = count(
        stats.observations_total, "observation of practice", "observations of practice"
    )
    return observed + (f" ({kinds})" if kinds else "")


def _totals(stats: WeekStats) -> list[str]:
    """What the week did, a sentence at a time, never starting with a numeral."""
    if stats.audits == 0 and stats.observations_total == 0:
        return [
            "No case audits or observations of practice were completed in this week, so "
            "there are no grades to report yet."
        ]
    cohorts = "; ".join(
        f"{c.name}: {c.audited} of {count(c.children, 'child', 'children')} audited"
        for c in stats.cohorts
    )
    audits = (
        f"case discussion audits on {count(stats.children, 'child', 'children')} "
        f"({count(stats.audits, 'audit')})"
        if stats.audits
        else "no case discussion audits"
    )
    sentences = [
        f"Senior leaders completed {audits}"
        + (f" from {count(len(stats.cohorts), 'cohort')} ({cohorts})" if stats.cohorts else "")
        + f", and {_observations(stats)}.",
        f"{spelled_count(stats.senior_leaders, 'senior leader')} took part.",
    ]
    if stats.overall.graded:
        sentences.append(
            f"Overall, {percent(stats.overall.good_or_better_pct)} of the cases graded were "
            "good or better."
        )
    else:
        sentences.append("No case was given an overall grade, so there is no overall figure.")
    return sentences


def executive_summary(content: ReportContent) -> list[Block]:
    """What was done, how it graded overall, and the QA officer's summary."""
    stats = content.stats
    flow: list[Block] = [Heading("Executive summary"), Para(" ".join(_totals(stats)))]
    if stats.drafts:
        drafts = stats.drafts
        flow.append(
            Para(
                f"{count_was(drafts, 'record', start=True)} still "
                f"{'a draft' if drafts == 1 else 'drafts'} when this report was made and "
                f"{'is' if drafts == 1 else 'are'} not counted.",
                "muted",
            )
        )
    flow += narrative(content.summary, "The QA officer has not yet written the executive summary.")
    return flow


def method(content: ReportContent) -> list[Block]:
    """How the week was run and how its grades are counted."""
    scale = content.stats.scale
    grades = ", ".join(g.label for g in scale.grades)
    good = listed([g.label for g in scale.grades if scale.is_good_or_better(g.id)])
    return [
        Heading("Method"),
        Para(
            "During Practice Week senior leaders hold case discussion audits with the "
            "practitioners who know each child, and observe practice such as home visits, "
            "child protection conferences and core group meetings. Every practitioner "
            "receives immediate, printed feedback at the end of the discussion."
        ),
        Para(
            f"Case audits used the form “{content.template_title}”, which grades "
            f"{count(len(content.stats.aspects), 'aspect')} of practice and the case overall "
            f"on the scale {grades}. “Good or better” counts {good}. Aspects that did not "
            "apply to a child, or could not be seen, are recorded as not applicable and left "
            "out of every percentage. Percentages are rounded to one decimal place, halves "
            "up, in every table, chart and sentence."
        ),
    ]
