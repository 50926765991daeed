"""Practice weeks and their cohorts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pwdesk.domain.cohorts import CohortRuleError, rules_from_list
from pwdesk.domain.templates import TemplateKind
from pwdesk.services.common import InvalidRecord, NotFound, Saved, get_live, put
from pwdesk.services.templates import UnknownTemplate, catalogue
from pwdesk.store.database import Database
from pwdesk.store.models import Child, Cohort, CohortMember, PracticeWeek


@dataclass(frozen=True)
class WeekDetails:
    """What a QA officer sets for a Practice Week."""

    code: str
    title: str
    starts_on: date
    ends_on: date
    theme: str = ""
    case_audit_template: str = "permanency-case-audit"
    observation_templates: tuple[str, ...] = (
        "home-visit-observation",
        "cp-conference-observation",
        "core-group-observation",
    )


@dataclass(frozen=True)
class WeekSummary:
    """A line of ``pwdesk weeks``."""

    id: str
    code: str
    title: str
    theme: str
    starts_on: date
    ends_on: date
    case_audit_template: str
    observation_templates: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class CohortDetails:
    """A cohort: its name and the rules (stored form) children must meet."""

    name: str
    rules: tuple[dict[str, Any], ...] = ()


def _check_week(db: Database, session: Session, details: WeekDetails, week_id: str | None) -> None:
    code = details.code.strip()
    if not code or not details.title.strip():
        raise InvalidRecord("A Practice Week needs a code (such as 2018-09) and a title.")
    if details.ends_on < details.starts_on:
        raise InvalidRecord("A Practice Week cannot end before it starts.")
    clash = session.scalar(
        select(PracticeWeek.id).where(
            PracticeWeek.code == code, PracticeWeek.deleted.is_(False), PracticeWeek.id != week_id
        )
    )
    if clash is not None:
        raise InvalidRecord(f"There is already a Practice Week with the code {code}.")
    templates = catalogue(db)
    try:
        if templates.get(details.case_audit_template).kind is not TemplateKind.CASE_AUDIT:
            raise InvalidRecord(f"{details.case_audit_template} is not a case-audit template.")
        for template_id in details.observation_templates:
            if templates.get(template_id).kind is not TemplateKind.OBSERVATION:
                raise InvalidRecord(f"{template_id} is not an observation template.")
    except UnknownTemplate as error:
        raise InvalidRecord(str(error)) from None


def _week_fields(details: WeekDetails) -> dict[str, Any]:
    fields = asdict(details)
    fields["code"] = details.code.strip()
    fields["title"] = details.title.strip()
    fields["observation_templates"] = list(details.observation_templates)
    return fields


def create_week(db: Database, details: WeekDetails, cohorts: Sequence[CohortDetails] = ()) -> Saved:
    """Create a Practice Week with its cohorts, in one transaction: a cohort refused leaves no
    week behind."""
    with db.write() as session:
        _check_week(db, session, details, None)
        saved = put(session, db, PracticeWeek, None, _week_fields(details))
        for position, cohort in enumerate(cohorts):
            put(session, db, Cohort, None, _cohort_fields(saved.id, cohort, position))
        return saved


def update_week(db: Database, week_id: str, details: WeekDetails) -> Saved:
    """Change a Practice Week; no version is cut if nothing changed."""
    with db.write() as session:
        _check_week(db, session, details, week_id)
        return put(session, db, PracticeWeek, week_id, _week_fields(details))


def _summary(week: PracticeWeek) -> WeekSummary:
    return WeekSummary(
        id=week.id,
        code=week.code,
        title=week.title,
        theme=week.theme,
        starts_on=week.starts_on,
        ends_on=week.ends_on,
        case_audit_template=week.case_audit_template,
        observation_templates=tuple(week.observation_templates),
    )


def list_weeks(db: Database) -> list[WeekSummary]:
    """Every Practice Week, newest first."""
    with db.read() as session:
        weeks = session.scalars(
            select(PracticeWeek)
            .where(PracticeWeek.deleted.is_(False))
            .order_by(PracticeWeek.starts_on.desc(), PracticeWeek.code)
        ).all()
        return [_summary(week) for week in weeks]


def week_id_in(session: Session, code: str) -> str:
    """The id of the week with this code, in an open session."""
    week_id = session.scalar(
        select(PracticeWeek.id).where(PracticeWeek.code == code, PracticeWeek.deleted.is_(False))
    )
    if week_id is None:
        known = ", ".join(
            session.scalars(
                select(PracticeWeek.code)
                .where(PracticeWeek.deleted.is_(False))
                .order_by(PracticeWeek.code)
            )
        )
        hint = f" (this database has: {known})" if known else " (this database has none yet)"
        raise NotFound(f"There is no Practice Week with the code {code}{hint}.")
    return week_id


def find_week(db: Database, code: str) -> WeekSummary:
    """The week with this code, or NotFound naming the codes there are."""
    with db.read() as session:
        return _summary(get_live(session, PracticeWeek, week_id_in(session, code)))


def previous_week(db: Database, code: str) -> WeekSummary | None:
    """The week that started last before the week with this code, if any."""
    this = find_week(db, code)
    with db.read() as session:
        week = session.scalars(
            select(PracticeWeek)
            .where(PracticeWeek.deleted.is_(False), PracticeWeek.starts_on < this.starts_on)
            .order_by(PracticeWeek.starts_on.desc())
            .limit(1)
        ).first()
        return None if week is None else _summary(week)


def _cohort_fields(week_id: str, details: CohortDetails, position: int) -> dict[str, Any]:
    if not details.name.strip():
        raise InvalidRecord("A cohort needs a name.")
    try:
        rules_from_list(details.rules)
    except CohortRuleError as error:
        raise InvalidRecord(str(error)) from None
    return {
        "week_id": week_id,
        "name": details.name.strip(),
        "rules": [dict(rule) for rule in details.rules],
        "position": position,
    }


def add_cohort(db: Database, week_id: str, details: CohortDetails) -> Saved:
    """Add a cohort to a week, after its existing cohorts."""
    with db.write() as session:
        get_live(session, PracticeWeek, week_id)
        position = session.scalar(
            select(func.count()).select_from(Cohort).where(Cohort.week_id == week_id)
        )
        return put(session, db, Cohort, None, _cohort_fields(week_id, details, position or 0))


def update_cohort(db: Database, cohort_id: str, details: CohortDetails) -> Saved:
    """Rename a cohort or change its rules; it keeps its week and place."""
    with db.write() as session:
        cohort = get_live(session, Cohort, cohort_id)
        fields = _cohort_fields(cohort.week_id, details, cohort.position)
        return put(session, db, Cohort, cohort_id, fields)


def place_children(db: Database, cohort_id: str, child_ids: Sequence[str]) -> int:
    """Put children into a cohort; those already in it are left alone. Returns how many joined."""
    with db.write() as session:
        get_live(session, Cohort, cohort_id)
        present = set(
            session.scalars(
                select(CohortMember.child_id).where(
                    CohortMember.cohort_id == cohort_id, CohortMember.deleted.is_(False)
                )
            )
        )
        added = 0
        for child_id in dict.fromkeys(child_ids):
            if child_id not in present:
                get_live(session, Child, child_id)
                put(session, db, CohortMember, None, {"cohort_id": cohort_id, "child_id": child_id})
                added += 1
        return added


@dataclass(frozen=True)
class WeekNarrative:
    """The QA officer's words for a week's report: executive summary, findings, recommendations."""

    summary: str = ""
    findings: str = ""
    recommendations: str = ""


def week_narrative(db: Database, week_id: str) -> WeekNarrative:
    """What the QA officer has written for a week so far."""
    with db.read() as session:
        week = get_live(session, PracticeWeek, week_id)
        return WeekNarrative(week.summary, week.findings, week.recommendations)


def week_version(db: Database, week_id: str) -> str:
    """The week's current version: the base of an edit of its narrative."""
    with db.read() as session:
        return get_live(session, PracticeWeek, week_id).head


def save_week_narrative(
    db: Database, week_id: str, narrative: WeekNarrative, *, base: str | None = None
) -> Saved:
    """Store the narrative with the week (a new version of the week if it changed), made from
    the week's version ``base``: a change that came meanwhile (a merge) is merged, not lost."""
    fields = {key: value.strip() for key, value in asdict(narrative).items()}
    with db.write() as session:
        return put(session, db, PracticeWeek, week_id, fields, base=base)
