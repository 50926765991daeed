"""Moderation: how many audits a second reviewer saw, and how often they agreed with each grade."""

from __future__ import annotations

from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from pwdesk.domain.analysis import ModerationStats
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.words import kappa_words, percent
from pwdesk.reports.summary.writer import SummaryWriter


def _account(moderation: ModerationStats) -> str:
    """What moderation did, and Cohen's kappa in words where there is one."""
    kappa = moderation.kappa
    return (
        f"{moderation.audits} audit{'s were' if moderation.audits != 1 else ' was'} "
        "moderated: a second senior leader or the QA "
        "officer reviewed each grade, agreeing with it or recording a moderated grade "
        "with a reason. Every figure in this report uses the moderated grade where there "
        "is one."
        + (
            f" Across every grade reviewed, Cohen's kappa is {kappa:.2f} "
            f"({kappa_words(kappa)} agreement beyond chance)."
            if kappa is not None
            else ""
        )
    )


def moderation(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """The moderation of the week's audits, or a word on what the section will show."""
    flow: list[Flowable] = writer.section("Moderation")
    stats = content.stats.moderation
    if stats is None:
        flow.append(
            writer.p(
                "No audits of this week have been moderated. When audits are moderated, "
                "this section shows how often the moderator agreed with each grade."
            )
        )
        return flow
    flow.append(writer.p(_account(stats)))
    rows: list[list[Any]] = [writer.header("Grade reviewed", "Audits", "Agreed", "Agreement")]
    for item in stats.items:
        if item.moderated:
            rows.append(
                [
                    writer.p(item.label, "Small"),
                    writer.p(str(item.moderated), "Right"),
                    writer.p(str(item.agreed), "Right"),
                    writer.p(percent(item.agreement_pct), "Right"),
                ]
            )
    flow.append(writer.table(rows, [writer.body_width - 66 * mm, 20 * mm, 20 * mm, 26 * mm]))
    return flow
