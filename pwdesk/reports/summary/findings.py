"""Strengths and areas for development: the QA officer's findings, and what auditors wrote about
each aspect, grouped into what works well and what is to develop."""

from __future__ import annotations

from pwdesk.domain.analysis import AspectComments, CommentCount
from pwdesk.domain.wording import NO_FIGURE
from pwdesk.reports.blocks import Block, Cell, Heading, Para
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.writer import narrative, table

SHOWN = 3  # the most frequent comments shown on each side


def _most_frequent(comments: tuple[CommentCount, ...]) -> Cell:
    """The most frequent comments, each with how many audits made it, or a dash."""
    shown = tuple(f"{c.text} ({c.count})" for c in comments[:SHOWN])
    return Cell(shown or (NO_FIGURE,))


def _aspect_comments(comments: AspectComments) -> list[Block]:
    return [
        Heading(comments.label, level=2),
        table(
            f"Comments on {comments.label}",
            ["Working well", "To develop"],
            [[_most_frequent(comments.strengths), _most_frequent(comments.development)]],
            "ll",
            [1, 1],
            row_headers=False,
        ),
    ]


def strengths(content: ReportContent) -> list[Block]:
    """The findings, then each commented aspect's comments side by side."""
    flow: list[Block] = [Heading("Strengths and areas for development")]
    flow += narrative(content.findings, "The QA officer has not yet written the findings.")
    flow.append(
        Para(
            "What auditors wrote about each aspect, collated from the records: comments made "
            "where the aspect was good or better, and where it was not, with how many audits "
            "made each comment (the three most frequent of each). Comments that differ only in "
            "capitals, spacing or punctuation are counted together.",
            "muted",
        )
    )
    commented = [c for c in content.stats.comments if c.strengths or c.development]
    if not commented:
        flow.append(Para("No comments on graded aspects were recorded in this week's audits."))
    for comments in commented:
        flow += _aspect_comments(comments)
    return flow
