"""The appendix: every audit by case reference, its overall grade in the grade's colour."""

from __future__ import annotations

from pwdesk.domain.statuses import Status
from pwdesk.domain.wording import NO_FIGURE, long_date
from pwdesk.palette import grade_colours
from pwdesk.reports.blocks import Block, Cell, Heading, Para, cell
from pwdesk.reports.summary.content import AuditEntry, ReportContent
from pwdesk.reports.summary.writer import table


def _overall(audit: AuditEntry, scale_ids: tuple[str, ...]) -> Cell:
    """The overall grade that counts, in its colours, marked when moderated or a draft."""
    marks = [
        *(["moderated"] if audit.moderated else []),
        *(["draft"] if audit.status != Status.COMPLETED else []),
    ]
    text = audit.overall + (f" ({', '.join(marks)})" if marks else "")
    if not audit.overall_id:
        return cell(text)
    fill, ink = grade_colours(audit.overall_id, scale_ids)
    return cell(text, fill=fill, ink=ink)


def appendix(content: ReportContent) -> list[Block]:
    """The audits by case reference, never by name."""
    scale_ids = content.stats.scale.ids
    rows = [
        [
            cell(audit.case_reference),
            cell(audit.cohorts),
            cell(long_date(audit.held_on) if audit.held_on else NO_FIGURE),
            _overall(audit, scale_ids),
        ]
        for audit in content.audits
    ]
    flow: list[Block] = [
        Heading("Appendix: the audits by case reference", new_page=True),
        Para(
            "Children are identified by case reference only. The overall grade is the "
            "moderator's where the audit was moderated.",
            "muted",
        ),
    ]
    if not rows:
        flow.append(Para("No case audits were recorded in this week."))
        return flow
    flow.append(
        table(
            "The audits by case reference",
            ["Case reference", "Cohort", "Date", "Overall grade"],
            rows,
            "llll",
            [1.4, 2.4, 1.2, 2],
        )
    )
    return flow
