"""Strengths and areas for development: the QA officer's findings, and what auditors wrote about
each aspect, grouped into what works well and what is to develop."""

from __future__ import annotations

from typing import Any

from reportlab.platypus import Flowable, KeepTogether, Paragraph

from pwdesk.domain.analysis import AspectComments, CommentCount
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.writer import SummaryWriter

SHOWN = 3  # the most frequent comments shown on each side


def _most_frequent(
    writer: SummaryWriter, comments: tuple[CommentCount, ...]
) -> Paragraph | list[Paragraph]:
    """The most frequent comments, each with how many audits made it, or a dash."""
    shown = [writer.p(f"{c.text} ({c.count})", "Small") for c in comments[:SHOWN]]
    return shown or writer.p("–", "Small")


def _aspect_comments(writer: SummaryWriter, comments: AspectComments) -> Flowable:
    cells: list[list[Any]] = [
        writer.header("Working well", "To develop"),
        [_most_frequent(writer, comments.strengths), _most_frequent(writer, comments.development)],
    ]
    return KeepTogether(
        [
            writer.heading(comments.label, level=2),
            writer.table(cells, [writer.body_width / 2, writer.body_width / 2]),
        ]
    )


def strengths(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """The findings, then each commented aspect's comments side by side."""
    flow: list[Flowable] = writer.section("Strengths and areas for development")
    flow += writer.narrative(content.findings, "The QA officer has not yet written the findings.")
    flow.append(
        writer.p(
            "What auditors wrote about each aspect, collated from the records: comments made "
            "where the aspect was good or better, and where it was not, with how many audits "
            "made each comment (the three most frequent of each).",
            "Muted",
        )
    )
    for comments in content.stats.comments:
        if comments.strengths or comments.development:
            flow.append(_aspect_comments(writer, comments))
    return flow
