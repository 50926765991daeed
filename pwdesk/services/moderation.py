"""Moderation: the QA officer (or a second senior leader) reviews completed audits grade by grade,
agreeing with each grade or recording a moderated grade with a reason."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from pwdesk.domain.answers import note_of, value_of
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import FormTemplate, ItemType, TemplateKind
from pwdesk.services.common import InvalidRecord, Saved, get_live, put
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment, Auditor, Child, Moderation, PracticeWeek, Practitioner


@dataclass(frozen=True)
class ModeratedGrade:
    """The moderator's view of one grade: the grade they would give, and why if it differs."""

    grade: str
    reason: str = ""


@dataclass(frozen=True)
class ModerationView:
    """A record's moderation, with the auditor's grades beside the moderator's."""

    id: str
    assessment_id: str
    moderator: str
    moderated_on: date | None
    grades: dict[str, ModeratedGrade]
    auditor_grades: dict[str, str | None]
    note: str
    version: str = ""  # the moderation's version shown: the base of a change made from it


def _existing(session: Session, record_id: str) -> Moderation | None:
    return session.scalar(
        select(Moderation).where(
            Moderation.assessment_id == record_id, Moderation.deleted.is_(False)
        )
    )


def moderate(
    db: Database,
    record_id: str,
    grades: Mapping[str, ModeratedGrade],
    *,
    moderator: str | None = None,
    on: date | None = None,
    note: str = "",
    base: str | None = None,
) -> Saved:
    """Record (or change) the moderation of a completed case audit.

    ``grades`` names graded items (aspects or the overall grade); a grade that differs from the
    auditor's needs a reason. Items left out are not moderated. ``base`` is the moderation's
    version the change was made from; a change made elsewhere meanwhile is merged, not lost.
    """
    with db.write() as session:
        record = get_live(session, Assessment, record_id)
        if record.kind != TemplateKind.CASE_AUDIT or record.status != Status.COMPLETED:
            raise InvalidRecord("Only completed case audits are moderated.")
        template = catalogue(db).get(record.template_id, record.template_version)
        graded = {item.id: item for item in template.items() if item.type.value == "grade"}
        stored: dict[str, dict[str, str]] = {}
        for item_id, moderated in grades.items():
            item = graded.get(item_id)
            if item is None:
                raise InvalidRecord(f"The form has no graded item '{item_id}' to moderate.")
            if not template.scale.knows(moderated.grade):
                raise InvalidRecord(f"'{moderated.grade}' is not a grade of this form.")
            auditor = value_of(record.answers, item_id)
            reason = moderated.reason.strip()
            if moderated.grade != auditor and not reason:
                raise InvalidRecord(
                    f"A moderated grade for '{item.label}' differs from the auditor's, so it "
                    "needs a reason."
                )
            stored[item_id] = {"grade": moderated.grade, "reason": reason}
        if not stored:
            raise InvalidRecord("Moderate at least one grade.")
        existing = _existing(session, record_id)
        fields = {
            "assessment_id": record_id,
            "moderator": (moderator or db.identity.user).strip(),
            "moderated_on": on or db.clock().date(),
            "grades": stored,
            "note": note.strip(),
        }
        return put(session, db, Moderation, existing.id if existing else None, fields, base=base)


def moderation_of(db: Database, record_id: str) -> ModerationView | None:
    """A record's moderation, if it has one."""
    with db.read() as session:
        record = get_live(session, Assessment, record_id)
        found = _existing(session, record_id)
        if found is None:
            return None
        template = catalogue(db).get(record.template_id, record.template_version)
        return ModerationView(
            id=found.id,
            assessment_id=record_id,
            moderator=found.moderator,
            moderated_on=found.moderated_on,
            grades={
                item: ModeratedGrade(str(value["grade"]), str(value.get("reason", "")))
                for item, value in found.grades.items()
            },
            auditor_grades={
                item.id: value_of(record.answers, item.id)
                for item in template.items()
                if item.type.value == "grade"
            },
            note=found.note,
            version=found.head,
        )


# --- what the moderation screen shows ---------------------------------------------------------


@dataclass(frozen=True)
class AuditedGrade:
    """One graded item as the auditor left it: the grade (None if not graded, or not a grade of
    the form's scale) and the evidence written for it."""

    item_id: str
    label: str
    section: str
    grade: str | None
    evidence: str


@dataclass(frozen=True)
class ModerationCase:
    """A completed audit as the moderator reviews it: whose case, who audited it and when, each
    graded item with the auditor's grade and evidence, and the moderation saved so far."""

    record_id: str
    template: FormTemplate
    week_code: str
    case_reference: str
    practitioner: str  # "" when the audit names no practitioner
    auditor: str  # "" when it names no senior leader
    held_on: date | None
    status: str
    items: tuple[AuditedGrade, ...]
    saved: ModerationView | None


def _names_of(session: Session, record: Assessment) -> tuple[str, str, str, str]:
    """The week's code, the child's case reference, "practitioner (team)" and the auditor."""
    week = session.get(PracticeWeek, record.week_id)
    child = session.get(Child, record.child_id) if record.child_id else None
    worker = session.get(Practitioner, record.practitioner_id) if record.practitioner_id else None
    leader = session.get(Auditor, record.auditor_id) if record.auditor_id else None
    practitioner = ""
    if worker is not None:
        practitioner = f"{worker.name} ({worker.team})" if worker.team else worker.name
    return (
        week.code if week is not None else "",
        child.case_reference if child is not None else "",
        practitioner,
        leader.name if leader is not None else "",
    )


def moderation_case(db: Database, record_id: str) -> ModerationCase:
    """Everything the moderation screen shows for one audit, read in one go."""
    with db.read() as session:
        record = get_live(session, Assessment, record_id)
        template = catalogue(db).get(record.template_id, record.template_version)
        week_code, case_reference, practitioner, auditor = _names_of(session, record)
        answers, held_on, status = dict(record.answers), record.held_on, record.status
    items = []
    for section in template.sections:
        for item in section.items:
            if item.type is not ItemType.GRADE:
                continue
            given = value_of(answers, item.id)
            grade = given if isinstance(given, str) and template.scale.knows(given) else None
            evidence = note_of(answers, item.id).strip()
            items.append(AuditedGrade(item.id, item.label, section.title, grade, evidence))
    return ModerationCase(
        record_id=record_id,
        template=template,
        week_code=week_code,
        case_reference=case_reference,
        practitioner=practitioner,
        auditor=auditor,
        held_on=held_on,
        status=status,
        items=tuple(items),
        saved=moderation_of(db, record_id),
    )
