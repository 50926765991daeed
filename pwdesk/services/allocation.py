"""Allocation: the QA officer gives each child's case audit to a senior leader and schedules
observations; each leader's laptop receives this in the week's set-up and shows what is left."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import OBSERVATION_TYPES, TemplateKind
from pwdesk.services.common import InvalidRecord, Saved, check_people, put
from pwdesk.services.templates import TemplateCatalogue, catalogue
from pwdesk.services.weeks import find_week
from pwdesk.store.database import Database
from pwdesk.store.models import Allocation, Assessment, Auditor, Child, Practitioner


@dataclass(frozen=True)
class AllocationRow:
    """One line of a to-do list: what, for whom, by whom, when, and whether it is done."""

    id: str
    kind: str
    observation_type: str
    senior_leader: str
    case_reference: str | None
    practitioner: str | None
    planned_on: date | None
    done: bool
    child_id: str | None = None
    practitioner_id: str | None = None
    auditor_id: str | None = None

    @property
    def what(self) -> str:
        """The work in words: "Case audit" or the kind of observation."""
        if self.kind == TemplateKind.CASE_AUDIT:
            return "Case audit"
        return OBSERVATION_TYPES.get(self.observation_type, self.observation_type)


def allocate_audit(
    db: Database,
    week_code: str,
    child_id: str,
    auditor_id: str,
    practitioner_id: str | None = None,
    planned_on: date | None = None,
) -> Saved:
    """Give a child's case audit to a senior leader (again, to change who or when)."""
    week = find_week(db, week_code)
    with db.write() as session:
        check_people(session, child_id, practitioner_id, auditor_id)
        existing = session.scalar(
            select(Allocation.id).where(
                Allocation.week_id == week.id,
                Allocation.kind == TemplateKind.CASE_AUDIT,
                Allocation.child_id == child_id,
                Allocation.deleted.is_(False),
            )
        )
        fields = {
            "week_id": week.id,
            "kind": TemplateKind.CASE_AUDIT.value,
            "observation_type": "",
            "auditor_id": auditor_id,
            "child_id": child_id,
            "practitioner_id": practitioner_id,
            "planned_on": planned_on,
        }
        return put(session, db, Allocation, existing, fields)


def schedule_observation(
    db: Database,
    week_code: str,
    observation_type: str,
    auditor_id: str,
    practitioner_id: str | None = None,
    planned_on: date | None = None,
    child_id: str | None = None,
) -> Saved:
    """Schedule an observation of practice of one of the week's kinds."""
    week = find_week(db, week_code)
    templates = catalogue(db)
    kinds = {templates.get(t).observation_type for t in week.observation_templates}
    if observation_type not in kinds:
        known = ", ".join(sorted(k for k in kinds if k))
        raise InvalidRecord(f"This week observes {known}; '{observation_type}' is not one of them.")
    with db.write() as session:
        check_people(session, child_id, practitioner_id, auditor_id)
        fields = {
            "week_id": week.id,
            "kind": TemplateKind.OBSERVATION.value,
            "observation_type": observation_type,
            "auditor_id": auditor_id,
            "child_id": child_id,
            "practitioner_id": practitioner_id,
            "planned_on": planned_on,
        }
        return put(session, db, Allocation, None, fields)


@dataclass(frozen=True)
class Planned:
    """What matching needs of an allocation, or of a completed record that may fulfil one."""

    id: str
    kind: str
    observation_type: str
    child_id: str | None
    practitioner_id: str | None
    auditor_id: str | None


def match_allocations(allocations: Sequence[Planned], completed: Sequence[Planned]) -> set[str]:
    """The ids of the allocations fulfilled, each by a completed record of its own.

    A case audit is fulfilled by a completed audit of its child, by its own senior leader first;
    an observation by one of its type by its observer, of its practitioner where it names one.
    Closer matches are made first, and a record fulfils one allocation only, so two identical
    allocations need two records.
    """

    def fits(plan: Planned, done: Planned, strict: bool) -> bool:
        if plan.kind != done.kind:
            return False
        if plan.kind == TemplateKind.CASE_AUDIT:
            return plan.child_id == done.child_id and (
                not strict or plan.auditor_id == done.auditor_id
            )
        if plan.observation_type != done.observation_type or plan.auditor_id != done.auditor_id:
            return False
        return plan.practitioner_id == done.practitioner_id or (
            not strict and plan.practitioner_id is None
        )

    free = sorted(completed, key=lambda d: d.id)
    fulfilled: set[str] = set()
    for strict in (True, False):
        for plan in sorted(allocations, key=lambda a: a.id):
            if plan.id in fulfilled:
                continue
            found = next((done for done in free if fits(plan, done, strict)), None)
            if found is not None:
                free.remove(found)
                fulfilled.add(plan.id)
    return fulfilled


def _allocations(session: Session, week_id: str, auditor_id: str | None) -> list[Any]:
    worker = aliased(Practitioner)
    query = (
        select(
            Allocation.id,
            Allocation.kind,
            Allocation.observation_type,
            Allocation.auditor_id,
            Allocation.child_id,
            Allocation.practitioner_id,
            Allocation.planned_on,
            Auditor.name.label("leader"),
            Child.case_reference,
            worker.name.label("practitioner"),
        )
        .join(Auditor, Allocation.auditor_id == Auditor.id)
        .outerjoin(Child, Allocation.child_id == Child.id)
        .outerjoin(worker, Allocation.practitioner_id == worker.id)
        .where(Allocation.week_id == week_id, Allocation.deleted.is_(False))
    )
    if auditor_id is not None:
        query = query.where(Allocation.auditor_id == auditor_id)
    return list(session.execute(query).all())


def _completed(session: Session, week_id: str, templates: TemplateCatalogue) -> list[Planned]:
    """The week's completed records, as what an allocation they fulfil would plan."""
    done = session.execute(
        select(
            Assessment.kind,
            Assessment.template_id,
            Assessment.template_version,
            Assessment.child_id,
            Assessment.practitioner_id,
            Assessment.auditor_id,
        ).where(
            Assessment.week_id == week_id,
            Assessment.status == Status.COMPLETED,
            Assessment.deleted.is_(False),
        )
    ).all()
    return [
        Planned(
            f"done-{index}",
            kind,
            templates.get(t, v).observation_type or "" if kind == TemplateKind.OBSERVATION else "",
            child,
            worker_id,
            auditor_id,
        )
        for index, (kind, t, v, child, worker_id, auditor_id) in enumerate(done)
    ]


def list_allocations(
    db: Database, week_code: str, auditor_id: str | None = None
) -> list[AllocationRow]:
    """A week's allocations (or one senior leader's), what is still to do first."""
    week = find_week(db, week_code)
    templates = catalogue(db)
    with db.read() as session:
        allocations = _allocations(session, week.id, auditor_id)
        completed = _completed(session, week.id, templates)
    planned = [
        Planned(a.id, a.kind, a.observation_type, a.child_id, a.practitioner_id, a.auditor_id)
        for a in allocations
    ]
    fulfilled = match_allocations(planned, completed)
    rows = [
        AllocationRow(
            a.id,
            a.kind,
            a.observation_type,
            a.leader,
            a.case_reference,
            a.practitioner,
            a.planned_on,
            a.id in fulfilled,
            a.child_id,
            a.practitioner_id,
            a.auditor_id,
        )
        for a in allocations
    ]
    return sorted(
        rows, key=lambda r: (r.done, r.planned_on or date.max, r.kind, r.case_reference or "")
    )
