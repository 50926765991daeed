"""The Practice Week summary report, for the Children and Young People Scrutiny Sub-Committee.

A cover, contents, executive summary, method, the grades overall and per aspect (tables and
charts), the change since the week compared with, cohorts, observations, strengths and areas for
development, actions and recommendations, moderation, and an appendix of the audits by case
reference. Every figure comes from the one analysis in ``pwdesk.domain.analysis``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
    Table,
)
from reportlab.platypus.tableofcontents import TableOfContents

from pwdesk.domain.analysis import AspectChange, AspectResult, WeekStats
from pwdesk.domain.dates import long_date
from pwdesk.domain.grades import GradeScale
from pwdesk.domain.statuses import ActionStatus, Status
from pwdesk.palette import ACCENT, grade_colours
from pwdesk.reports.charts import stacked_bars
from pwdesk.reports.document import Furniture, PwdeskDocument, date_or_dash, escape, ruled_table

ACTION_STATUS_WORDS = {
    ActionStatus.OPEN.value: "Open",
    ActionStatus.IN_PROGRESS.value: "In progress",
    ActionStatus.DONE.value: "Done",
    ActionStatus.DROPPED.value: "Dropped",
}


@dataclass(frozen=True)
class WeekInfo:
    """The week a report is about, in words."""

    code: str
    title: str
    theme: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ActionEntry:
    """An agreed action as the report lists it."""

    description: str
    owner: str
    due_on: date | None
    status: str


@dataclass(frozen=True)
class AuditEntry:
    """A line of the appendix: an audit by case reference, never a name."""

    case_reference: str
    cohorts: str
    held_on: date | None
    overall_id: str | None
    overall: str
    status: str


@dataclass(frozen=True)
class ReportContent:
    """Everything the summary report shows."""

    authority: str
    week: WeekInfo
    summary: str
    findings: str
    recommendations: str
    template_title: str
    stats: WeekStats
    compared_week: WeekInfo | None
    compared_stats: WeekStats | None
    changes: tuple[AspectChange, ...]
    actions: tuple[ActionEntry, ...]
    previous_actions: tuple[ActionEntry, ...]
    audits: tuple[AuditEntry, ...]
    prepared_on: date


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}%"


def _change_words(change: float | None) -> str:
    if change is None:
        return "–"
    if change > 0:
        return f"up {change:.1f} points"
    if change < 0:
        return f"down {-change:.1f} points"
    return "no change"


def _kappa_words(kappa: float) -> str:
    """Landis and Koch's words for a kappa."""
    for limit, words in ((0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial")):
        if kappa <= limit:
            return "poor" if kappa < 0 else words
    return "almost perfect"


def _date_range(week: WeekInfo) -> str:
    return f"{long_date(week.starts_on)} to {long_date(week.ends_on)}"


class SummaryReport(PwdeskDocument):
    """Renders ReportContent to PDF bytes."""

    def __init__(self, furniture: Furniture) -> None:
        super().__init__(furniture, title="Practice Week summary", subject="Practice Week summary")
        self._heading_number = 0

    # --- helpers -------------------------------------------------------------------------------

    def _style(self, name: str) -> ParagraphStyle:
        style = self.styles[name]
        assert isinstance(style, ParagraphStyle)
        return style

    def _p(self, text: str, style: str = "Para") -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    def _heading(self, text: str, level: int = 1) -> Paragraph:
        if level == 1:
            self._heading_number += 1
            text = f"{self._heading_number}. {text}"
        paragraph = Paragraph(escape(text), self.styles["Heading1" if level == 1 else "Heading2"])
        paragraph.outline_level = level - 1  # type: ignore[attr-defined]  # read in after_flowable
        paragraph.outline_text = text  # type: ignore[attr-defined]
        return paragraph

    def _narrative(self, text: str, missing: str) -> list[Flowable]:
        if not text.strip():
            return [self._p(missing, "Muted")]
        return [self._p(part.strip()) for part in text.split("\n") if part.strip()]

    def _table(
        self, rows: list[list[Any]], widths: list[float], extra: list[tuple[Any, ...]] | None = None
    ) -> Table:
        return ruled_table(rows, widths, extra=extra or (), split_in_row=True)

    def _grade_table(self, rows: list[tuple[str, AspectResult]], scale: GradeScale) -> Table:
        header = [self._p("Aspect", "CellBold")]
        header += [self._p(g.abbreviation, "CellBold") for g in scale.choices]
        header += [self._p("Good or better", "CellBold")]
        body: list[list[Any]] = [header]
        for label, aspect in rows:
            body.append(
                [self._p(label, "Small")]
                + [self._p(str(aspect.counts.get(g.id, 0)), "Centre") for g in scale.choices]
                + [self._p(_pct(aspect.good_or_better_pct), "Right")]
            )
        counts_width = 19 * mm
        label_width = self.body_width - counts_width * len(scale.choices) - 22 * mm
        return self._table(body, [label_width] + [counts_width] * len(scale.choices) + [22 * mm])

    # --- the report ----------------------------------------------------------------------------

    def render(self, content: ReportContent) -> bytes:
        """The report as a PDF."""
        self.title = f"Children's Social Care Practice Week summary, {content.week.title}"
        return self.build(lambda: self._story(content))

    def _story(self, content: ReportContent) -> list[Flowable]:
        self._heading_number = 0
        story: list[Flowable] = []
        story += self._cover(content)
        story += self._contents()
        story += self._executive_summary(content)
        story += self._method(content)
        story += self._overall(content)
        story += self._aspects(content)
        story += self._comparison(content)
        story += self._cohorts(content)
        story += self._observations(content)
        story += self._strengths(content)
        story += self._actions(content)
        story += self._moderation(content)
        story += self._appendix(content)
        return story

    def _cover(self, content: ReportContent) -> list[Flowable]:
        week = content.week
        return [
            Spacer(1, 30 * mm),
            self._p(content.authority or "Children's Social Care", "Heading2"),
            Spacer(1, 4 * mm),
            Paragraph("Children's Social Care<br/>Practice Week summary", self.styles["Title"]),
            Spacer(1, 2 * mm),
            HRFlowable(width="100%", thickness=2.5, color=colors.HexColor(ACCENT)),
            Spacer(1, 3 * mm),
            self._p(week.title, "Heading1"),
            self._p(f"Theme: {week.theme}" if week.theme else "", "Body"),
            self._p(_date_range(week), "Body"),
            Spacer(1, 12 * mm),
            self._p(
                "A report to the Children and Young People Scrutiny Sub-Committee, summarising "
                "the audits and observations of practice completed during the week, how each "
                "aspect of practice was graded, what has improved and what needs to develop.",
                "Body",
            ),
            Spacer(1, 6 * mm),
            self._p(f"Prepared on {long_date(content.prepared_on)} with pwdesk.", "Muted"),
            self._p(f"Protective marking: {self.furniture.marking.upper()}", "SmallBold"),
            PageBreak(),
        ]

    def _contents(self) -> list[Flowable]:
        contents = TableOfContents()
        contents.levelStyles = [self._style("Body"), self._style("Small")]
        return [self._p("Contents", "Heading1"), contents, PageBreak()]

    def _executive_summary(self, content: ReportContent) -> list[Flowable]:
        stats = content.stats
        cohorts = "; ".join(
            f"{c.name}: {c.audited} of {c.children} children audited" for c in stats.cohorts
        )
        observations = ", ".join(
            f"{count} {stats.observation_labels[kind].lower()}{'s' if count != 1 else ''}"
            for kind, count in stats.observations.items()
            if count
        )
        totals = (
            f"Senior leaders completed case discussion audits on {stats.children} children "
            f"({stats.audits} audits)"
            + (f" from {len(stats.cohorts)} cohorts ({cohorts})" if stats.cohorts else "")
            + f", and {stats.observations_total} observations of practice"
            + (f" ({observations})" if observations else "")
            + f". {stats.senior_leaders} senior leaders took part. Overall, "
            f"{_pct(stats.overall.good_or_better_pct)} of the cases graded were good or better."
        )
        flow: list[Flowable] = [self._heading("Executive summary"), self._p(totals)]
        if stats.drafts:
            flow.append(
                self._p(
                    f"{stats.drafts} records were still drafts when this report was made and are "
                    "not counted.",
                    "Muted",
                )
            )
        flow += self._narrative(
            content.summary, "The QA officer has not yet written the executive summary."
        )
        return flow

    def _method(self, content: ReportContent) -> list[Flowable]:
        scale = content.stats.scale
        grades = ", ".join(g.label for g in scale.grades)
        good = ", ".join(g.label for g in scale.grades if scale.is_good_or_better(g.id))
        return [
            self._heading("Method"),
            self._p(
                "During Practice Week senior leaders hold case discussion audits with the "
                "practitioners who know each child, and observe practice such as home visits, "
                "child protection conferences and core group meetings. Every practitioner "
                "receives immediate, printed feedback at the end of the discussion."
            ),
            self._p(
                f"Case audits used the form “{content.template_title}”, which grades "
                f"{len(content.stats.aspects)} aspects of practice and the case overall on the "
                f"scale {grades}. “Good or better” counts {good}. Aspects that did not apply to "
                "a child, or could not be seen, are recorded as not applicable and left out of "
                "every percentage. Percentages are rounded to one decimal place."
            ),
        ]

    def _overall(self, content: ReportContent) -> list[Flowable]:
        stats = content.stats
        chart = stacked_bars(
            [("Overall grade", stats.overall.counts)],
            stats.scale,
            self.body_width,
            description="Overall grades of the case audits",
        )
        return [
            self._heading("Overall grades"),
            self._p(
                f"{stats.overall.graded} cases were given an overall grade; "
                f"{_pct(stats.overall.good_or_better_pct)} were good or better."
            ),
            Spacer(1, 2 * mm),
            chart,
            Spacer(1, 2 * mm),
            self._grade_table([("Overall grade", stats.overall)], stats.scale),
        ]

    def _aspects(self, content: ReportContent) -> list[Flowable]:
        stats = content.stats
        rows = [(a.label, a) for a in stats.aspects]
        chart = stacked_bars(
            [(a.label, a.counts) for a in stats.aspects],
            stats.scale,
            self.body_width,
            label_width=170,
            description="Grades per aspect of practice",
        )
        return [
            CondPageBreak(80 * mm),
            self._heading("Grades per aspect of practice"),
            self._p(
                "How each aspect was graded across the case audits, with the share graded good "
                "or better (bars show the number of audits; the percentage is at the right)."
            ),
            Spacer(1, 2 * mm),
            chart,
            Spacer(1, 3 * mm),
            self._grade_table(rows, stats.scale),
        ]

    def _comparison(self, content: ReportContent) -> list[Flowable]:
        flow: list[Flowable] = [
            CondPageBreak(60 * mm),
            self._heading("Change since the last Practice Week"),
        ]
        if content.compared_week is None:
            flow.append(
                self._p("There is no earlier Practice Week in this database to compare with.")
            )
            return flow
        compared = content.compared_week
        flow.append(
            self._p(
                f"Good or better for each aspect in this week and in {compared.title} "
                f"({compared.code}). Aspects the earlier form did not grade show a dash."
            )
        )
        rows: list[list[Any]] = [
            [
                self._p("Aspect", "SmallBold"),
                self._p(compared.code, "SmallBold"),
                self._p(content.week.code, "SmallBold"),
                self._p("Change", "SmallBold"),
            ]
        ]
        for change in content.changes:
            rows.append(
                [
                    self._p(change.label, "Small"),
                    self._p(_pct(change.previous), "Right"),
                    self._p(_pct(change.current), "Right"),
                    self._p(_change_words(change.change), "Small"),
                ]
            )
        widths = [self.body_width - 84 * mm, 20 * mm, 20 * mm, 44 * mm]
        flow.append(self._table(rows, widths))
        return flow

    def _cohorts(self, content: ReportContent) -> list[Flowable]:
        stats = content.stats
        flow: list[Flowable] = [CondPageBreak(60 * mm), self._heading("Cohorts")]
        if not stats.by_cohort:
            flow.append(self._p("This week's audits were not organised in cohorts."))
            return flow
        for cohort in stats.cohorts:
            flow.append(
                self._p(
                    f"{cohort.name} ({cohort.rules}): {cohort.audited} of {cohort.children} "
                    "children audited."
                )
            )
        header = [self._p("Aspect: good or better", "SmallBold")] + [
            self._p(c.name, "SmallBold") for c in stats.by_cohort
        ]
        rows: list[list[Any]] = [header]
        for index, aspect in enumerate(stats.aspects):
            rows.append(
                [self._p(aspect.label, "Small")]
                + [
                    self._p(_pct(c.aspects[index].good_or_better_pct), "Right")
                    for c in stats.by_cohort
                ]
            )
        rows.append(
            [self._p("Overall grade", "SmallBold")]
            + [self._p(_pct(c.overall.good_or_better_pct), "Right") for c in stats.by_cohort]
        )
        cohort_width = min(40 * mm, (self.body_width - 70 * mm) / max(len(stats.by_cohort), 1))
        widths = [self.body_width - cohort_width * len(stats.by_cohort)] + [cohort_width] * len(
            stats.by_cohort
        )
        flow += [Spacer(1, 2 * mm), self._table(rows, widths)]
        return flow

    def _observations(self, content: ReportContent) -> list[Flowable]:
        stats = content.stats
        flow: list[Flowable] = [CondPageBreak(50 * mm), self._heading("Observations of practice")]
        if stats.observations_total == 0:
            flow.append(self._p("No observations of practice were recorded this week."))
            return flow
        flow.append(
            self._p(
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
                self.body_width,
                label_width=170,
                description="Overall grades of observations by kind",
            )
        )
        return flow

    def _strengths(self, content: ReportContent) -> list[Flowable]:
        flow: list[Flowable] = [
            CondPageBreak(60 * mm),
            self._heading("Strengths and areas for development"),
        ]
        flow += self._narrative(
            content.findings, "The QA officer has not yet written the findings."
        )
        flow.append(
            self._p(
                "What auditors wrote about each aspect, collated from the records: comments made "
                "where the aspect was good or better, and where it was not, with how many audits "
                "made each comment (the three most frequent of each).",
                "Muted",
            )
        )
        for comments in content.stats.comments:
            if not comments.strengths and not comments.development:
                continue
            cells: list[list[Any]] = [
                [self._p("Working well", "SmallBold"), self._p("To develop", "SmallBold")],
                [
                    [self._p(f"{c.text} ({c.count})", "Small") for c in comments.strengths[:3]]
                    or self._p("–", "Small"),
                    [self._p(f"{c.text} ({c.count})", "Small") for c in comments.development[:3]]
                    or self._p("–", "Small"),
                ],
            ]
            flow.append(
                KeepTogether(
                    [
                        self._heading(comments.label, level=2),
                        self._table(cells, [self.body_width / 2, self.body_width / 2]),
                    ]
                )
            )
        return flow

    def _action_rows(self, actions: tuple[ActionEntry, ...]) -> Table:
        rows: list[list[Any]] = [
            [
                self._p("Action", "SmallBold"),
                self._p("Owner", "SmallBold"),
                self._p("Due by", "SmallBold"),
                self._p("Status", "SmallBold"),
            ]
        ]
        for action in sorted(actions, key=lambda a: (a.due_on or date.max, a.description)):
            rows.append(
                [
                    self._p(action.description, "Small"),
                    self._p(action.owner or "–", "Small"),
                    self._p(date_or_dash(action.due_on), "Small"),
                    self._p(ACTION_STATUS_WORDS.get(action.status, action.status), "Small"),
                ]
            )
        return self._table(rows, [self.body_width - 100 * mm, 45 * mm, 30 * mm, 25 * mm])

    def _actions(self, content: ReportContent) -> list[Flowable]:
        flow: list[Flowable] = [
            CondPageBreak(60 * mm),
            self._heading("Recommendations and actions"),
        ]
        flow += self._narrative(
            content.recommendations, "The QA officer has not yet written the recommendations."
        )
        if content.compared_week is not None:
            flow.append(self._heading(f"Actions agreed in {content.compared_week.title}", 2))
            previous = content.previous_actions
            if previous:
                statuses = Counter(a.status for a in previous)
                words = ", ".join(
                    f"{statuses[s]} {ACTION_STATUS_WORDS.get(s, s).lower()}"
                    for s in ACTION_STATUS_WORDS
                    if statuses[s]
                )
                flow.append(self._p(f"Of the {len(previous)} actions agreed then: {words}."))
                still_open = tuple(
                    a for a in previous if a.status in (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
                )
                if still_open:
                    flow.append(self._p("Still to finish:", "SmallBold"))
                    flow.append(self._action_rows(still_open))
            else:
                flow.append(self._p("No actions were agreed in that week."))
        flow.append(self._heading("Actions agreed this week", 2))
        if content.actions:
            flow.append(self._p(f"{len(content.actions)} actions were agreed with practitioners."))
            flow.append(self._action_rows(content.actions))
        else:
            flow.append(self._p("No actions were agreed this week."))
        return flow

    def _moderation(self, content: ReportContent) -> list[Flowable]:
        flow: list[Flowable] = [CondPageBreak(60 * mm), self._heading("Moderation")]
        moderation = content.stats.moderation
        if moderation is None:
            flow.append(
                self._p(
                    "No audits of this week have been moderated. When audits are moderated, "
                    "this section shows how often the moderator agreed with each grade."
                )
            )
            return flow
        kappa = moderation.kappa
        flow.append(
            self._p(
                f"{moderation.audits} audit{'s were' if moderation.audits != 1 else ' was'} "
                "moderated: a second senior leader or the QA "
                "officer reviewed each grade, agreeing with it or recording a moderated grade "
                "with a reason. Every figure in this report uses the moderated grade where there "
                "is one."
                + (
                    f" Across every grade reviewed, Cohen's kappa is {kappa:.2f} "
                    f"({_kappa_words(kappa)} agreement beyond chance)."
                    if kappa is not None
                    else ""
                )
            )
        )
        rows: list[list[Any]] = [
            [
                self._p("Grade reviewed", "SmallBold"),
                self._p("Audits", "SmallBold"),
                self._p("Agreed", "SmallBold"),
                self._p("Agreement", "SmallBold"),
            ]
        ]
        for item in moderation.items:
            if item.moderated:
                rows.append(
                    [
                        self._p(item.label, "Small"),
                        self._p(str(item.moderated), "Right"),
                        self._p(str(item.agreed), "Right"),
                        self._p(_pct(item.agreement_pct), "Right"),
                    ]
                )
        flow.append(self._table(rows, [self.body_width - 66 * mm, 20 * mm, 20 * mm, 26 * mm]))
        return flow

    def _appendix(self, content: ReportContent) -> list[Flowable]:
        rows: list[list[Any]] = [
            [
                self._p("Case reference", "SmallBold"),
                self._p("Cohort", "SmallBold"),
                self._p("Date", "SmallBold"),
                self._p("Overall grade", "SmallBold"),
            ]
        ]
        extra: list[tuple[Any, ...]] = []
        scale_ids = content.stats.scale.ids
        for row, audit in enumerate(content.audits, start=1):
            fill, ink = grade_colours(audit.overall_id or "", scale_ids)
            rows.append(
                [
                    self._p(audit.case_reference, "Small"),
                    self._p(audit.cohorts, "Small"),
                    self._p(date_or_dash(audit.held_on), "Small"),
                    Paragraph(
                        f"<font color='{ink}'>{escape(audit.overall)}</font>"
                        + (" (draft)" if audit.status != Status.COMPLETED else ""),
                        self.styles["Small"],
                    ),
                ]
            )
            if audit.overall_id:
                extra.append(("BACKGROUND", (3, row), (3, row), colors.HexColor(fill)))
        flow: list[Flowable] = [
            PageBreak(),
            self._heading("Appendix: the audits by case reference"),
        ]
        flow.append(self._p("Children are identified by case reference only.", "Muted"))
        flow.append(
            self._table(rows, [35 * mm, self.body_width - 115 * mm, 30 * mm, 50 * mm], extra)
        )
        return flow
