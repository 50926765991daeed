"""The appendix: every audit by case reference, its overall grade in the grade's colour."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Paragraph

from pwdesk.domain.statuses import Status
from pwdesk.palette import grade_colours
from pwdesk.reports.document import date_or_dash, escape
from pwdesk.reports.summary.content import AuditEntry, ReportContent
from pwdesk.reports.summary.writer import SummaryWriter


def _overall(writer: SummaryWriter, audit: AuditEntry, ink: str) -> Paragraph:
    """The overall grade in its colour's ink, marked when the audit is still a draft."""
    return Paragraph(
        f"<font color='{ink}'>{escape(audit.overall)}</font>"
        + (" (draft)" if audit.status != Status.COMPLETED else ""),
        writer.styles["Small"],
    )


def appendix(writer: SummaryWriter, content: ReportContent) -> list[Flowable]:
    """The audits by case reference, never by name."""
    rows: list[list[Any]] = [writer.header("Case reference", "Cohort", "Date", "Overall grade")]
    extra: list[tuple[Any, ...]] = []
    scale_ids = content.stats.scale.ids
    for row, audit in enumerate(content.audits, start=1):
        fill, ink = grade_colours(audit.overall_id or "", scale_ids)
        rows.append(
            [
                writer.p(audit.case_reference, "Small"),
                writer.p(audit.cohorts, "Small"),
                writer.p(date_or_dash(audit.held_on), "Small"),
                _overall(writer, audit, ink),
            ]
        )
        if audit.overall_id:
            extra.append(("BACKGROUND", (3, row), (3, row), colors.HexColor(fill)))
    return [
        PageBreak(),
        writer.heading("Appendix: the audits by case reference"),
        writer.p("Children are identified by case reference only.", "Muted"),
        writer.table(rows, [35 * mm, writer.body_width - 115 * mm, 30 * mm, 50 * mm], extra),
    ]
