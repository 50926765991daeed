"""Feedback sheets: a record's grades, findings and actions, ready to print or save as PDF."""

from __future__ import annotations

from pathlib import Path

from pwdesk.domain.answers import note_of, value_of
from pwdesk.domain.dates import long_date, parse_date
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import (
    YES_NO_ANSWERS,
    FormTemplate,
    Item,
    ItemRole,
    ItemType,
    TemplateKind,
)
from pwdesk.reports.document import Furniture
from pwdesk.reports.feedback import AgreedActionLine, FeedbackContent, FeedbackSheet, GradedLine
from pwdesk.services.actions import record_actions
from pwdesk.services.assessments import draft_of
from pwdesk.services.common import get_live
from pwdesk.services.settings import load_settings
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database
from pwdesk.store.models import Auditor, Child, PracticeWeek, Practitioner

_YES_NO = dict(YES_NO_ANSWERS)


def _graded(
    template: FormTemplate, item: Item, answers: dict[str, dict[str, object]]
) -> GradedLine:
    grade = value_of(answers, item.id)
    if isinstance(grade, str) and template.scale.knows(grade):
        return GradedLine(
            item.label, grade, template.scale.grade(grade).label, note_of(answers, item.id)
        )
    return GradedLine(item.label, None, "Not graded", note_of(answers, item.id))


def _fact(item: Item, value: object) -> str | None:
    if value is None or value == "":
        return None
    if item.type is ItemType.YES_NO:
        return _YES_NO.get(str(value), str(value))
    if item.type is ItemType.DATE:
        day = parse_date(value)
        return long_date(day) if day else str(value)
    if item.type is ItemType.CHOICE:
        return next((o.label for o in item.options if o.id == value), str(value))
    if item.type is ItemType.NUMBER:
        return f"{value:g}" if isinstance(value, float) else str(value)
    return None


def feedback_content(db: Database, record_id: str) -> FeedbackContent:
    """What the feedback sheet of one audit or observation shows."""
    draft, status = draft_of(db, record_id)
    template = catalogue(db).get(draft.template_id, draft.template_version)
    answers = {key: dict(value) for key, value in draft.answers.items()}
    with db.read() as session:
        week = get_live(session, PracticeWeek, draft.week_id)
        week_text = f"{week.code} {week.title}"
        child = session.get(Child, draft.child_id) if draft.child_id else None
        worker = session.get(Practitioner, draft.practitioner_id) if draft.practitioner_id else None
        leader = session.get(Auditor, draft.auditor_id) if draft.auditor_id else None
        case_reference = child.case_reference if child else None
        practitioner = ", ".join(p for p in (worker.name, worker.team) if p) if worker else ""
        auditor = ", ".join(p for p in (leader.name, leader.role) if p) if leader else ""

    def text_of(role: ItemRole) -> str:
        item = template.with_role(role)
        value = value_of(answers, item.id) if item else None
        return value.strip() if isinstance(value, str) else ""

    facts = []
    for item in template.items():
        if item.type in (ItemType.YES_NO, ItemType.DATE, ItemType.CHOICE, ItemType.NUMBER):
            shown = _fact(item, value_of(answers, item.id))
            comment = note_of(answers, item.id)
            if shown is not None:
                facts.append((item.label, f"{shown} ({comment})" if comment else shown))
            elif comment:  # a comment on a question left unanswered is still printed
                facts.append((item.label, f"Not answered ({comment})"))
    kind = (
        "Case discussion audit"
        if template.kind is TemplateKind.CASE_AUDIT
        else f"Observation of practice: {(template.observation_label or '').lower()}"
    )
    return FeedbackContent(
        title=template.title,
        kind=kind,
        week=week_text,
        held_on=draft.held_on,
        case_reference=case_reference,
        practitioner=practitioner,
        auditor=auditor,
        draft=status is not Status.COMPLETED,
        scale_ids=template.scale.ids,
        aspects=tuple(_graded(template, item, answers) for item in template.aspects()),
        overall=_graded(template, template.overall, answers),
        strengths=text_of(ItemRole.STRENGTHS),
        development=text_of(ItemRole.DEVELOPMENT),
        reflection=text_of(ItemRole.REFLECTION),
        facts=tuple(facts),
        actions=tuple(
            AgreedActionLine(a.description, a.owner, a.due_on)
            for a in record_actions(db, record_id)
        ),
    )


def feedback_pdf(db: Database, record_id: str) -> bytes:
    """The feedback sheet of one record, as PDF bytes."""
    content = feedback_content(db, record_id)
    settings = load_settings(db)
    furniture = Furniture(
        authority=settings.authority_name,
        marking=settings.protective_marking,
        document=f"Feedback sheet · {content.kind}",
        draft=content.draft,
        logo=Path(settings.logo_path) if settings.logo_path else None,
    )
    return FeedbackSheet(furniture).render(content)
