"""The Practice Week summary report, for the Children and Young People Scrutiny Sub-Committee.

A cover, contents, executive summary, method, the grades overall and per aspect (tables and
charts), the change since the week compared with, cohorts, observations, strengths and areas for
development, actions and recommendations, moderation, and an appendix of the audits by case
reference. Every figure comes from the one analysis in ``pwdesk.domain.analysis``; each part is
written by its own module of this package.
"""

from __future__ import annotations

from reportlab.platypus import Flowable

from pwdesk.reports.document import Furniture, PwdeskDocument
from pwdesk.reports.summary.actions import actions
from pwdesk.reports.summary.appendix import appendix
from pwdesk.reports.summary.content import ReportContent
from pwdesk.reports.summary.findings import strengths
from pwdesk.reports.summary.grades import aspects, cohorts, comparison, observations, overall
from pwdesk.reports.summary.moderation import moderation
from pwdesk.reports.summary.opening import contents, cover, executive_summary, method
from pwdesk.reports.summary.writer import SummaryWriter

# The numbered sections after the cover and contents, in the order they are printed.
SECTIONS = (
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


class SummaryReport(PwdeskDocument):
    """Renders ReportContent to PDF bytes."""

    def __init__(self, furniture: Furniture) -> None:
        super().__init__(furniture, title="Practice Week summary", subject="Practice Week summary")

    def render(self, content: ReportContent) -> bytes:
        """The report as a PDF."""
        self.title = f"Children's Social Care Practice Week summary, {content.week.title}"
        return self.build(lambda: self._story(content))

    def _story(self, content: ReportContent) -> list[Flowable]:
        writer = SummaryWriter(self.styles, self.body_width)  # headings numbered afresh each run
        story: list[Flowable] = []
        story += cover(writer, content, self.furniture.marking)
        story += contents(writer)
        for section in SECTIONS:
            story += section(writer, content)
        return story
