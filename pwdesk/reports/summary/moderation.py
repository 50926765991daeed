"""Moderation: how many audits a second reviewer saw, and how far they agreed with each grade.

On an ordinal scale whose grades cluster, the figures that matter are exact agreement, agreement
within one grade and a weighted coefficient (linearly weighted kappa, Gwet's AC2); Cohen's
unweighted kappa is given beside them for comparison. Figures over few grades are flagged.
"""

from __future__ import annotations

from pwdesk.domain.analysis import SMALL_NUMBER, AgreementResult, ModerationStats
from pwdesk.domain.grades import GradeScale
from pwdesk.domain.wording import count, kappa_figure, kappa_words, percent, spelled_count
from pwdesk.reports.blocks import Block, Cell, Heading, Para, Table, cell
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.writer import table

GWET = "Gwet's AC2"


def _coefficient(name: str, value: float | None) -> str:
    if value is None:
        return f"{name} cannot be worked out (every grade given was the same)"
    return f"{name} is {kappa_figure(value)} ({kappa_words(value)} agreement beyond chance)"


def _account(moderation: ModerationStats) -> list[Block]:
    """What moderation did, then the agreement over every grade reviewed, in words."""
    audits = moderation.audits
    flow: list[Block] = [
        Para(
            f"{spelled_count(audits, 'audit')} {'was' if audits == 1 else 'were'} moderated: a "
            "second senior leader or the QA officer reviewed some or all of "
            f"{'its' if audits == 1 else 'their'} grades, agreeing with each grade reviewed or "
            "recording a moderated grade with a reason. Every figure in this report uses the "
            "moderated grade where there is one."
        )
    ]
    pairs = moderation.pairs_total
    if not pairs:
        flow.append(Para("No real grade was reviewed on both sides, so there is no agreement."))
        return flow
    flow.append(
        Para(
            f"Over the {count(pairs, 'grade')} reviewed, the moderator gave the same grade for "
            f"{percent(moderation.exact_pct)} and a grade at most one step away for "
            f"{percent(moderation.within_one_pct)}. "
            f"{_coefficient('Linearly weighted kappa', moderation.weighted_kappa)}; "
            f"{_coefficient(GWET, moderation.gwet_ac2)}. Both give credit for "
            "near misses on the ordered scale. Cohen's unweighted kappa, which counts Good "
            "against Requires improvement as far apart as Outstanding against Inadequate, "
            + (
                f"is {kappa_figure(moderation.kappa)}."
                if moderation.kappa is not None
                else "cannot be worked out either."
            )
        )
    )
    if moderation.small:
        flow.append(
            Para(
                f"Fewer than {SMALL_NUMBER} grades were reviewed, so these figures rest on "
                "small numbers and should be read with care.",
                "strong",
            )
        )
    return flow


def _reviewed(item: AgreementResult) -> str:
    return f"{item.moderated} (few)" if item.small else str(item.moderated)


def _per_item(moderation: ModerationStats) -> Table:
    rows: list[list[Cell | str]] = [
        [
            item.label,
            _reviewed(item),
            str(item.agreed),
            percent(item.agreement_pct),
            percent(item.within_one_pct),
            kappa_figure(item.weighted_kappa),
        ]
        for item in moderation.items
        if item.moderated
    ]
    pooled = moderation.pooled
    rows.append(
        [
            cell(pooled.label, strong=True),
            _reviewed(pooled),
            str(pooled.agreed),
            percent(pooled.agreement_pct),
            percent(pooled.within_one_pct),
            kappa_figure(pooled.weighted_kappa),
        ]
    )
    return table(
        f"Agreement with each grade reviewed (\u201cfew\u201d: fewer than {SMALL_NUMBER} grades)",
        ["Grade reviewed", "Grades", "Same", "Exact", "Within one", "Weighted kappa"],
        rows,
        "lrrrrr",
        [4.2, 1.1, 1, 1.2, 1.3, 1.4],
    )


def _grade_pairs(moderation: ModerationStats, scale: GradeScale) -> Table:
    """How often each auditor's grade met each moderator's grade."""
    labels = [scale.grade(grade_id).label for grade_id in moderation.grade_ids]
    rows: list[list[Cell | str]] = [
        [label, *[str(n) for n in counts], str(sum(counts))]
        for label, counts in zip(labels, moderation.grade_pairs, strict=True)
    ]
    columns = [sum(column) for column in zip(*moderation.grade_pairs, strict=True)]
    rows.append([cell("Total", strong=True), *[str(n) for n in columns], str(sum(columns))])
    grades = len(labels)
    return table(
        "Grades given by the auditor (down) and by the moderator (across)",
        ["Auditor's grade", *labels, "Total"],
        rows,
        "l" + "r" * grades + "r",
        [2.6, *([1.4] * grades), 1],
    )


def moderation(content: ReportContent) -> list[Block]:
    """The moderation of the week's audits, or a word on what the section will show."""
    flow: list[Block] = [Heading("Moderation")]
    stats = content.stats.moderation
    if stats is None:
        flow.append(
            Para(
                "No audits of this week have been moderated. When audits are moderated, "
                "this section shows how far the moderator agreed with each grade."
            )
        )
        return flow
    flow += _account(stats)
    if stats.pairs_total:
        flow += [_per_item(stats), _grade_pairs(stats, content.stats.scale)]
    return flow
