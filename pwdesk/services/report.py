"""The Practice Week summary report: everything it shows, gathered from one analysis."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from pwdesk.domain.analysis import AspectChange, WeekStats, compare_weeks
from pwdesk.domain.answers import value_of
from pwdesk.domain.templates import TemplateKind
from pwdesk.reports.blocks import ReportDocument
from pwdesk.reports.document import Furniture
from pwdesk.reports.summary.content import (
    ACTION_STATUS_WORDS,
    ActionEntry,
    AuditEntry,
    ReportContent,
    WeekInfo,
)
from pwdesk.reports.summary.report import SummaryReport, summary_document
from pwdesk.reports.workbook import Sheet, workbook_bytes
from pwdesk.services.actions import ActionRow, list_actions
from pwdesk.services.assessments import list_records, week_moderations
from pwdesk.services.settings import load_settings
from pwdesk.services.stats import week_audit_template, week_stats
from pwdesk.services.table_export import audit_rows, moderated_grades
from pwdesk.services.templates import catalogue
from pwdesk.services.weeks import WeekSummary, find_week, previous_week, week_narrative
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment, Child, Cohort, CohortMember

AUTO = "auto"


@dataclass(frozen=True)
class ComparedWeek:
    """The week a report compares with, and its figures."""

    week: WeekSummary
    stats: WeekStats
    changes: tuple[AspectChange, ...]
    actions: list[ActionRow]


def _audits(db: Database, week: WeekSummary) -> list[AuditEntry]:
    templates = catalogue(db)
    with db.read() as session:
        rows = session.execute(
            select(
                Assessment.id,
                Child.case_reference,
                Assessment.child_id,
                Assessment.held_on,
                Assessment.status,
                Assessment.template_id,
                Assessment.template_version,
                Assessment.answers,
            )
            .join(Child, Assessment.child_id == Child.id)
            .where(
                Assessment.week_id == week.id,
                Assessment.kind == TemplateKind.CASE_AUDIT,
                Assessment.deleted.is_(False),
            )
        ).all()
        moderated = week_moderations(session, week.id)
        cohorts: dict[str, list[str]] = {}
        for child_id, name in session.execute(
            select(CohortMember.child_id, Cohort.name)
            .join(Cohort, CohortMember.cohort_id == Cohort.id)
            .where(Cohort.week_id == week.id, CohortMember.deleted.is_(False))
            .order_by(Cohort.position)
        ):
            cohorts.setdefault(child_id, []).append(name)
    entries = []
    for record_id, reference, child_id, held_on, status, template_id, version, answers in rows:
        template = templates.get(template_id, version)
        moderation = moderated.get(record_id, {}).get(template.overall.id)
        grade = moderation["grade"] if moderation else value_of(answers, template.overall.id)
        label = template.scale.grade(grade).label if isinstance(grade, str) else "Not graded"
        entries.append(
            AuditEntry(
                case_reference=reference,
                cohorts="; ".join(cohorts.get(child_id, [])) or "No cohort",
                held_on=held_on,
                overall_id=grade if isinstance(grade, str) else None,
                overall=label,
                status=status,
                moderated=bool(moderation),
            )
        )
    return sorted(entries, key=lambda e: e.case_reference)


def _week_info(week: WeekSummary) -> WeekInfo:
    return WeekInfo(week.code, week.title, week.theme, week.starts_on, week.ends_on)


def _action_entries(actions: list[ActionRow]) -> tuple[ActionEntry, ...]:
    return tuple(ActionEntry(a.description, a.owner, a.due_on, a.status) for a in actions)


def report_content(db: Database, week_code: str, compare: str | None = AUTO) -> ReportContent:
    """Gather a week's report; ``compare`` is a week code, AUTO (the week before) or None.

    Every section is read from one snapshot, so a merge committing meanwhile cannot make the
    report's sections disagree.
    """
    with db.snapshot():
        return _report_content(db, week_code, compare)


def _report_content(db: Database, week_code: str, compare: str | None) -> ReportContent:
    week, stats = week_stats(db, week_code)
    compared: ComparedWeek | None = None
    other = previous_week(db, week_code) if compare == AUTO else None
    if compare not in (AUTO, None):
        other = find_week(db, compare)
    if other is not None:
        _, other_stats = week_stats(db, other.code)
        compared = ComparedWeek(
            other, other_stats, compare_weeks(stats, other_stats), list_actions(db, other.code)
        )
    settings = load_settings(db)
    template = week_audit_template(db, week)
    narrative = week_narrative(db, week.id)
    return ReportContent(
        authority=settings.authority_name,
        week=_week_info(week),
        summary=narrative.summary,
        findings=narrative.findings,
        recommendations=narrative.recommendations,
        template_title=template.title,
        stats=stats,
        compared_week=_week_info(compared.week) if compared else None,
        compared_stats=compared.stats if compared else None,
        changes=compared.changes if compared else (),
        actions=_action_entries(list_actions(db, week.code)),
        previous_actions=_action_entries(compared.actions) if compared else (),
        audits=tuple(_audits(db, week)),
        prepared_on=db.clock().date(),
    )


def _furniture(db: Database, content: ReportContent) -> Furniture:
    settings = load_settings(db)
    return Furniture(
        authority=settings.authority_name,
        marking=settings.protective_marking,
        document=f"Practice Week summary · {content.week.code}",
        logo=Path(settings.logo_path) if settings.logo_path else None,
    )


def report_document(db: Database, week_code: str, compare: str | None = AUTO) -> ReportDocument:
    """The summary report of a week as format-neutral blocks, for any renderer."""
    content = report_content(db, week_code, compare)
    return summary_document(content, load_settings(db).protective_marking)


def report_pdf(db: Database, week_code: str, compare: str | None = AUTO) -> bytes:
    """The summary report of a week, as PDF bytes."""
    content = report_content(db, week_code, compare)
    return SummaryReport(_furniture(db, content)).render(content)


def report_docx(db: Database, week_code: str, compare: str | None = AUTO) -> bytes:
    """The summary report of a week as a Word document, for the QA officer to edit."""
    from pwdesk.reports.word import render_docx

    content = report_content(db, week_code, compare)
    document = summary_document(content, load_settings(db).protective_marking)
    prepared = dt.datetime.combine(content.prepared_on, dt.time(), tzinfo=dt.UTC)
    return render_docx(document, created=prepared)


def report_html(db: Database, week_code: str, compare: str | None = AUTO) -> bytes:
    """The summary report of a week as one self-contained, accessible HTML page (UTF-8)."""
    from pwdesk.reports.html import render_html

    return render_html(report_document(db, week_code, compare)).encode("utf-8")


def report_workbook(db: Database, week_code: str, compare: str | None = AUTO) -> bytes:
    """The report's figures as an XLSX workbook: summary tables, moderation, audits (with the
    grades that count: the moderator's where there is one), observations, actions."""
    with db.snapshot():  # one read, so the sheets agree with the summary
        content = report_content(db, week_code, compare)
        headers, rows = audit_rows(db, week_code, moderated=True)
        moderated = [
            [
                g.record_id,
                g.case_reference,
                g.item,
                g.auditor_grade,
                g.moderator_grade,
                "yes" if g.agreed else "no",
                g.reason,
            ]
            for g in moderated_grades(db, week_code)
        ]
        observations = [
            [
                r.id,
                r.observation_label,
                r.held_on,
                r.practitioner,
                r.auditor,
                r.status,
                r.overall_grade,
            ]
            for r in list_records(db, week_code)
            if r.kind == TemplateKind.OBSERVATION
        ]
        actions = [
            [
                a.description,
                a.owner,
                a.due_on,
                ACTION_STATUS_WORDS.get(a.status, a.status),
                a.assessment_id,
            ]
            for a in list_actions(db, week_code)
        ]
    return workbook_bytes(
        content,
        [
            Sheet("Case audits", headers, rows),
            Sheet(
                "Observations",
                ["record_id", "kind", "date", "practitioner", "senior_leader", "status", "overall"],
                observations,
            ),
            Sheet("Actions", ["action", "owner", "due", "status", "record_id"], actions),
        ],
        moderated,
    )


def report_as(db: Database, week_code: str, form: str, compare: str | None = AUTO) -> bytes:
    """The report in one of its formats: "pdf", "docx", "html" or "xlsx" (its figures)."""
    makers = {"pdf": report_pdf, "docx": report_docx, "html": report_html, "xlsx": report_workbook}
    return makers[form](db, week_code, compare)
