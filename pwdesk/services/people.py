"""Children, practitioners and auditors: the people records point at.

A child is known by case reference only, with no name. Practitioners are known by name and team,
auditors (senior leaders) by name.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from sqlalchemy import select

from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import TemplateKind
from pwdesk.services.common import InvalidRecord, Saved, put
from pwdesk.services.weeks import week_id_in
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment, Auditor, Child, Cohort, CohortMember, Practitioner


@dataclass(frozen=True)
class ChildDetails:
    """The little pwdesk keeps about a child: enough to place them in cohorts."""

    case_reference: str
    date_of_birth: date | None = None
    entered_care: date | None = None
    legal_status: str = ""
    placement_type: str = ""
    team: str = ""


@dataclass(frozen=True)
class PractitionerDetails:
    """A social worker: name, team and role."""

    name: str
    team: str = ""
    role: str = "Social worker"


@dataclass(frozen=True)
class AuditorDetails:
    """A senior leader who audits and observes."""

    name: str
    role: str = ""


def _child_fields(details: ChildDetails) -> dict[str, object]:
    reference = details.case_reference.strip()
    if not reference:
        raise InvalidRecord("A child needs a case reference.")
    if (
        details.date_of_birth
        and details.entered_care
        and details.entered_care < details.date_of_birth
    ):
        raise InvalidRecord(f"Child {reference} entered care before their date of birth.")
    return {**asdict(details), "case_reference": reference}


def add_child(db: Database, details: ChildDetails) -> Saved:
    """Add a child; a case reference already present is refused (edit that child instead)."""
    fields = _child_fields(details)
    with db.write() as session:
        clash = session.scalar(
            select(Child.id).where(
                Child.case_reference == fields["case_reference"], Child.deleted.is_(False)
            )
        )
        if clash is not None:
            raise InvalidRecord(f"A child with case reference {fields['case_reference']} exists.")
        return put(session, db, Child, None, fields)


def update_child(db: Database, child_id: str, details: ChildDetails) -> Saved:
    """Change a child's details."""
    fields = _child_fields(details)
    with db.write() as session:
        return put(session, db, Child, child_id, fields)


def _practitioner_fields(details: PractitionerDetails) -> dict[str, str]:
    name, team = details.name.strip(), details.team.strip()
    if not name:
        raise InvalidRecord("A practitioner needs a name.")
    return {"name": name, "team": team, "role": details.role.strip()}


def add_practitioner(db: Database, details: PractitionerDetails) -> Saved:
    """Add a practitioner, or return the one with the same name and team unchanged."""
    fields = _practitioner_fields(details)
    name, team = fields["name"], fields["team"]
    with db.write() as session:
        existing = session.scalar(
            select(Practitioner.id).where(
                Practitioner.name == name,
                Practitioner.team == team,
                Practitioner.deleted.is_(False),
            )
        )
        if existing is not None:
            return Saved(existing, None)
        return put(session, db, Practitioner, None, fields)


def update_practitioner(db: Database, practitioner_id: str, details: PractitionerDetails) -> Saved:
    """Change a practitioner's name, team or role."""
    fields = _practitioner_fields(details)
    with db.write() as session:
        return put(session, db, Practitioner, practitioner_id, fields)


def _auditor_fields(details: AuditorDetails) -> dict[str, str]:
    name = details.name.strip()
    if not name:
        raise InvalidRecord("An auditor needs a name.")
    return {"name": name, "role": details.role.strip()}


def add_auditor(db: Database, details: AuditorDetails) -> Saved:
    """Add a senior leader, or return the one with the same name unchanged."""
    fields = _auditor_fields(details)
    name = fields["name"]
    with db.write() as session:
        existing = session.scalar(
            select(Auditor.id).where(Auditor.name == name, Auditor.deleted.is_(False))
        )
        if existing is not None:
            return Saved(existing, None)
        return put(session, db, Auditor, None, fields)


def update_auditor(db: Database, auditor_id: str, details: AuditorDetails) -> Saved:
    """Change a senior leader's name or role."""
    fields = _auditor_fields(details)
    with db.write() as session:
        return put(session, db, Auditor, auditor_id, fields)


@dataclass(frozen=True)
class ChildRow:
    """One line of the children list."""

    id: str
    case_reference: str
    date_of_birth: date | None
    entered_care: date | None
    legal_status: str
    placement_type: str
    team: str
    cohorts: tuple[str, ...] = ()
    audited: bool = False


@dataclass(frozen=True)
class PersonRow:
    """One line of the practitioners or senior leaders list."""

    id: str
    name: str
    team: str
    role: str


def list_children(db: Database, week_code: str | None = None) -> list[ChildRow]:
    """Children by case reference; for a week, those in its cohorts or audited in it."""
    with db.read() as session:
        children = session.scalars(select(Child).where(Child.deleted.is_(False))).all()
        cohorts: dict[str, list[str]] = {}
        audited: set[str] = set()
        if week_code is not None:
            week_id = week_id_in(session, week_code)
            for child_id, name in session.execute(
                select(CohortMember.child_id, Cohort.name)
                .join(Cohort, CohortMember.cohort_id == Cohort.id)
                .where(
                    Cohort.week_id == week_id,
                    Cohort.deleted.is_(False),
                    CohortMember.deleted.is_(False),
                )
                .order_by(Cohort.position)
            ):
                cohorts.setdefault(child_id, []).append(name)
            audited = set(
                session.scalars(
                    select(Assessment.child_id).where(
                        Assessment.week_id == week_id,
                        Assessment.deleted.is_(False),
                        Assessment.kind == TemplateKind.CASE_AUDIT,
                        Assessment.status == Status.COMPLETED,
                    )
                )
            )
        rows = [
            ChildRow(
                c.id,
                c.case_reference,
                c.date_of_birth,
                c.entered_care,
                c.legal_status,
                c.placement_type,
                c.team,
                tuple(cohorts.get(c.id, ())),
                c.id in audited,
            )
            for c in children
            if week_code is None or c.id in cohorts or c.id in audited
        ]
    return sorted(rows, key=lambda row: row.case_reference)


def list_practitioners(db: Database) -> list[PersonRow]:
    """Every practitioner, by name."""
    with db.read() as session:
        people = session.scalars(
            select(Practitioner).where(Practitioner.deleted.is_(False)).order_by(Practitioner.name)
        ).all()
        return [PersonRow(p.id, p.name, p.team, p.role) for p in people]


def list_auditors(db: Database) -> list[PersonRow]:
    """Every senior leader, by name."""
    with db.read() as session:
        people = session.scalars(
            select(Auditor).where(Auditor.deleted.is_(False)).order_by(Auditor.name)
        ).all()
        return [PersonRow(a.id, a.name, "", a.role) for a in people]
