"""Case-discussion audits and observations of practice: filling in, completing, listing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, Select, select
from sqlalchemy.orm import Session

from pwdesk.domain.answers import answer_problems, missing_required, value_of
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import OBSERVATION_TYPES, FormTemplate, Item, TemplateKind
from pwdesk.services.common import InvalidRecord, NotFound, Saved, check_people, get_live, put
from pwdesk.services.templates import UnknownTemplate, catalogue
from pwdesk.services.weeks import week_id_in
from pwdesk.store.database import Database
from pwdesk.store.models import (
    Assessment,
    Auditor,
    Child,
    Moderation,
    PracticeWeek,
    Practitioner,
)


class IncompleteRecord(InvalidRecord):
    """A record cannot be completed while required items are unanswered."""

    def __init__(self, missing: list[Item]) -> None:
        self.missing = missing
        labels = "; ".join(item.label for item in missing)
        count = f"{len(missing)} required item{'s are' if len(missing) > 1 else ' is'}"
        super().__init__(f"This record cannot be completed yet: {count} unanswered ({labels}).")


@dataclass(frozen=True)
class AssessmentDraft:
    """What a senior leader fills in; answers map item ids to {"value", "note"}."""

    week_id: str
    template_id: str
    child_id: str | None = None
    practitioner_id: str | None = None
    auditor_id: str | None = None
    held_on: date | None = None
    answers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    template_version: int | None = None


@dataclass(frozen=True)
class RecordRow:
    """One line of a record list: ``pwdesk records``, and later the GUI's lists."""

    id: str
    kind: str
    template_id: str
    template_version: int
    observation_type: str | None
    week_code: str
    case_reference: str | None
    practitioner: str | None
    auditor: str | None
    held_on: date | None
    status: str
    overall_grade: str | None
    overall_grade_id: str | None = None
    moderated: bool = False  # a QA officer has moderated its grades

    @property
    def observation_label(self) -> str:
        """The observation's type in words ("Home visit"), or "" for a case audit."""
        return OBSERVATION_TYPES.get(self.observation_type or "", self.observation_type or "")


def _template_for(db: Database, draft: AssessmentDraft, current: Assessment | None) -> FormTemplate:
    version = draft.template_version
    if version is None and current is not None and current.template_id == draft.template_id:
        version = current.template_version
    try:
        return catalogue(db).get(draft.template_id, version)
    except UnknownTemplate as error:
        raise InvalidRecord(str(error)) from None


def _check_links(session: Session, template: FormTemplate, draft: AssessmentDraft) -> None:
    get_live(session, PracticeWeek, draft.week_id)
    if template.kind is TemplateKind.CASE_AUDIT and draft.child_id is None:
        raise InvalidRecord("A case audit must name the child whose case was discussed.")
    check_people(session, draft.child_id, draft.practitioner_id, draft.auditor_id)


class SecondCaseAudit(InvalidRecord):
    """The child already has a case audit this week; a second is made only when asked for."""

    def __init__(self, existing_id: str) -> None:
        self.existing_id = existing_id
        super().__init__(
            f"This child already has a case audit this week (record {existing_id[:8]}); open "
            "that one, or choose deliberately to start a second."
        )


def existing_case_audit(session: Session, week_id: str, child_id: str) -> str | None:
    """The id of a child's live case audit in a week, if there is one (the first by id)."""
    return session.scalar(
        select(Assessment.id)
        .where(
            Assessment.week_id == week_id,
            Assessment.child_id == child_id,
            Assessment.kind == TemplateKind.CASE_AUDIT.value,
            Assessment.deleted.is_(False),
        )
        .order_by(Assessment.id)
        .limit(1)
    )


def case_audit_of(db: Database, week_id: str, child_id: str) -> str | None:
    """The id of a child's case audit in a week, if it has one."""
    with db.read() as session:
        return existing_case_audit(session, week_id, child_id)


def save_assessment_in(
    session: Session,
    db: Database,
    record_id: str | None,
    draft: AssessmentDraft,
    *,
    status: Status | None = None,
    base: str | None = None,
    second_audit: bool = False,
) -> Saved:
    """save_assessment inside the caller's transaction, so a use case can compose it."""
    current = None
    if record_id is not None:
        # A change from a version the user saw reaches even a record deleted meanwhile (the
        # merge then keeps both as a conflict); without a base it must be live.
        found = session.get(Assessment, record_id) if base is not None else None
        current = found if found is not None else get_live(session, Assessment, record_id)
    template = _template_for(db, draft, current)
    _check_links(session, template, draft)
    problems = answer_problems(template, draft.answers)
    if problems:
        raise InvalidRecord(" ".join(problems))
    if (
        template.kind is TemplateKind.CASE_AUDIT
        and draft.child_id is not None
        and not second_audit
        and (current is None or current.child_id != draft.child_id)
    ):
        existing = existing_case_audit(session, draft.week_id, draft.child_id)
        if existing is not None and existing != record_id:
            raise SecondCaseAudit(existing)
    new_status = status or Status(current.status if current else Status.DRAFT)
    if new_status is Status.COMPLETED:
        missing = missing_required(template, draft.answers)
        if missing:
            raise IncompleteRecord(missing)
    fields = {
        "week_id": draft.week_id,
        "kind": template.kind.value,
        "template_id": template.id,
        "template_version": template.version,
        "child_id": draft.child_id,
        "practitioner_id": draft.practitioner_id,
        "auditor_id": draft.auditor_id,
        "held_on": draft.held_on,
        "status": new_status.value,
        "answers": {key: dict(value) for key, value in draft.answers.items()},
    }
    return put(session, db, Assessment, record_id, fields, base=base)


def save_assessment(
    db: Database,
    record_id: str | None,
    draft: AssessmentDraft,
    *,
    status: Status | None = None,
    base: str | None = None,
    second_audit: bool = False,
) -> Saved:
    """Create (``record_id`` None) or change an audit or observation.

    ``status`` None keeps the record's status (draft for a new one). A completed record must stay
    complete: IncompleteRecord lists what is missing. ``base`` is the version the change was made
    from; a change over a record that moved on since is merged, never written over it. A second
    case audit of a child in one week is refused (SecondCaseAudit) unless ``second_audit``.
    """
    with db.write() as session:
        return save_assessment_in(
            session, db, record_id, draft, status=status, base=base, second_audit=second_audit
        )


@dataclass(frozen=True)
class OpenedRecord:
    """A record as an editor opens it: the draft to edit, its status and the version it is."""

    draft: AssessmentDraft
    status: Status
    version: str


def open_record(db: Database, record_id: str) -> OpenedRecord:
    """A record to edit, with the version it was opened at (the base of its next save)."""
    with db.read() as session:
        record = get_live(session, Assessment, record_id)
        return OpenedRecord(
            AssessmentDraft(
                week_id=record.week_id,
                template_id=record.template_id,
                template_version=record.template_version,
                child_id=record.child_id,
                practitioner_id=record.practitioner_id,
                auditor_id=record.auditor_id,
                held_on=record.held_on,
                answers=record.answers,
            ),
            Status(record.status),
            record.head,
        )


def draft_of(db: Database, record_id: str) -> tuple[AssessmentDraft, Status]:
    """A record as a draft to edit, with its status."""
    opened = open_record(db, record_id)
    return opened.draft, opened.status


def complete_assessment(db: Database, record_id: str) -> Saved:
    """Mark a record completed; IncompleteRecord if required items are unanswered."""
    opened = open_record(db, record_id)
    return save_assessment(
        db, record_id, opened.draft, status=Status.COMPLETED, base=opened.version
    )


def records_of_week(week_id: str) -> Select[Any]:
    """A week's live audits and observations, with whom they concern and who made them: the one
    query the record lists and the audits table start from."""
    return (
        select(
            Assessment.id,
            Assessment.kind,
            Assessment.template_id,
            Assessment.template_version,
            Assessment.held_on,
            Assessment.status,
            Assessment.answers,
            Assessment.child_id,
            Assessment.auditor_id,
            Child.case_reference,
            Practitioner.name.label("practitioner"),
            Practitioner.team.label("practitioner_team"),
            Auditor.name.label("auditor"),
        )
        .outerjoin(Child, Assessment.child_id == Child.id)
        .outerjoin(Practitioner, Assessment.practitioner_id == Practitioner.id)
        .outerjoin(Auditor, Assessment.auditor_id == Auditor.id)
        .where(Assessment.week_id == week_id, Assessment.deleted.is_(False))
    )


def week_moderations(session: Session, week_id: str) -> dict[str, dict[str, Any]]:
    """The live moderations of a week's records: record id to the moderated grades by item
    (each ``{"grade": grade id, "reason": text}``), which every list, figure and report of the
    week reads the grade that counts from."""
    return {
        assessment_id: dict(grades)
        for assessment_id, grades in session.execute(
            select(Moderation.assessment_id, Moderation.grades)
            .join(Assessment, Moderation.assessment_id == Assessment.id)
            .where(Assessment.week_id == week_id, Moderation.deleted.is_(False))
        )
    }


def week_rows(db: Database, week_code: str) -> Sequence[Row[Any]]:
    """A week's records as records_of_week reads them: what list_records and the week's figures
    are both made from, so a window can read the week's answers once for both."""
    with db.read() as session:
        return session.execute(records_of_week(week_id_in(session, week_code))).all()


def list_records(
    db: Database, week_code: str, rows: Sequence[Row[Any]] | None = None
) -> list[RecordRow]:
    """Every audit and observation of a week, audits first, then by date and case reference
    (from ``rows`` of week_rows, when they were read already)."""
    templates = catalogue(db)
    with db.read() as session:
        week_id = week_id_in(session, week_code)
        if rows is None:
            rows = session.execute(records_of_week(week_id)).all()
        moderated = week_moderations(session, week_id).keys()
    result = []
    for row in rows:
        template = templates.get(row.template_id, row.template_version)
        overall = value_of(row.answers, template.overall.id)
        result.append(
            RecordRow(
                id=row.id,
                kind=row.kind,
                template_id=row.template_id,
                template_version=row.template_version,
                observation_type=template.observation_type,
                week_code=week_code,
                case_reference=row.case_reference,
                practitioner=row.practitioner,
                auditor=row.auditor,
                held_on=row.held_on,
                status=row.status,
                overall_grade=template.scale.grade(overall).label if overall else None,
                overall_grade_id=overall,
                moderated=row.id in moderated,
            )
        )
    kind_order = {TemplateKind.CASE_AUDIT.value: 0, TemplateKind.OBSERVATION.value: 1}
    result.sort(
        key=lambda r: (
            kind_order.get(r.kind, 2),
            r.held_on or date.max,
            r.case_reference or "",
            r.id,
        )
    )
    return result


def resolve_record_id(db: Database, prefix: str) -> str:
    """The id of the one record whose id starts with ``prefix``."""
    prefix = prefix.strip().lower()
    if len(prefix) < 4:
        raise InvalidRecord("Give at least the first four characters of the record id.")
    with db.read() as session:
        matches = session.scalars(
            select(Assessment.id)
            .where(Assessment.id.startswith(prefix, autoescape=True), Assessment.deleted.is_(False))
            .limit(2)
        ).all()
    if not matches:
        raise NotFound(f"No record id starts with {prefix}.")
    if len(matches) > 1:
        raise InvalidRecord(f"More than one record id starts with {prefix}; give more of it.")
    return matches[0]
