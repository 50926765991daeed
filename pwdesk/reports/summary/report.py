"""The Practice Week summary report, for the Children and Young People Scrutiny Sub-Committee.

A cover, contents, executive summary, method, the grades overall and per aspect (tables and
charts), the change since the week compared with, cohorts, observations, strengths and areas for
development, actions and recommendations, moderation, and an appendix of the audits by case
reference. Every figure comes from the one analysis in ``pwdesk.domain.analysis``; each part is
written by its own module of this package, as format-neutral blocks that the PDF, Word and HTML
renderers turn into documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from pwdesk.reports.blocks import Block, Contents, Heading, ReportDocument
from pwdesk.reports.document import Furniture
from pwdesk.reports.pdf import BlocksPdf
from pwdesk.reports.summary.actions import actions
from pwdesk.reports.summary.appendix import appendix
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.findings import strengths
from pwdesk.reports.summary.grades import aspects, cohorts, comparison, observations, overall
from pwdesk.reports.summary.moderation import moderation
from pwdesk.reports.summary.opening import SERVICE, cover, executive_summary, method

# The numbered sections after the cover and contents, in the order they are printed.
SECTIONS: tuple[Callable[[ReportContent], list[Block]], ...] = (
    executive_summary,
    method,
    overall,
    aspects,
    comparison,
    cohorts,
    observations,
    strengths,
    actions,
    moderation,
    appendix,
)


def _numbered(blocks: list[Block]) -> tuple[Block, ...]:
    """The main headings numbered 1, 2, 3... in reading order."""
    number = 0
    result: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading) and block.level == 1:
            number += 1
            block = replace(block, text=f"{number}. {block.text}")
        result.append(block)
    return tuple(result)


def summary_document(content: ReportContent, marking: str) -> ReportDocument:
    """The whole report as blocks, for any renderer."""
    blocks: list[Block] = [Contents()]
    for section in SECTIONS:
        blocks += section(content)
    return ReportDocument(
        title=f"{SERVICE} Practice Week summary, {content.week.title}",
        cover=cover(content, marking),
        blocks=_numbered(blocks),
    )


class SummaryReport:
    """Renders ReportContent to PDF bytes."""

    def __init__(self, furniture: Furniture) -> None:
        self.furniture = furniture

    def render(self, content: ReportContent) -> bytes:
        """The report as a PDF."""
        document = summary_document(content, self.furniture.marking)
        return BlocksPdf(self.furniture).render(document)
