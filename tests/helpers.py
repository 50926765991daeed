"""Helpers the tests share: a cast of fictional people, and a case audit answered in full.

Every name here is invented; the demo's own people are imported from ``pwdesk.services.demo_text``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from pwdesk.domain.answers import answer
from pwdesk.domain.templates import FormTemplate
from pwdesk.services.assessments import RecordRow, list_records
from pwdesk.services.moderation import moderation_of
from pwdesk.services.people import (
    AuditorDetails,
    ChildDetails,
    PractitionerDetails,
    add_auditor,
    add_child,
    add_practitioner,
)
from pwdesk.store.database import Database


@dataclass(frozen=True)
class Cast:
    """The ids of the people added, in the order they were given."""

    children: tuple[str, ...]
    practitioners: tuple[str, ...]
    leaders: tuple[str, ...]


def add_cast(
    db: Database,
    children: Iterable[ChildDetails] = (),
    practitioners: Iterable[PractitionerDetails] = (),
    leaders: Iterable[AuditorDetails] = (),
) -> Cast:
    """Add children, practitioners and senior leaders; their ids."""
    return Cast(
        tuple(add_child(db, details).id for details in children),
        tuple(add_practitioner(db, details).id for details in practitioners),
        tuple(add_auditor(db, details).id for details in leaders),
    )


def graded_answers(
    template: FormTemplate,
    grade: str | Callable[[], str] = "good",
    note: str = "Fictional evidence.",
) -> dict[str, Any]:
    """Every aspect and the overall grade given (one grade, or a fresh one from ``grade`` for
    each), with the strengths and areas for development a completed audit needs."""
    pick = grade if callable(grade) else lambda: grade
    answers: dict[str, Any] = {item.id: answer(pick(), note) for item in template.aspects()}
    answers["overall"] = answer(pick())
    answers["strengths"] = answer("Fictional strengths.")
    answers["areas-for-development"] = answer("Fictional areas for development.")
    return answers


def unmoderated_audit(db: Database) -> RecordRow:
    """A completed case audit of the demo week, with its people, that nobody has moderated."""
    return next(
        r
        for r in list_records(db, "2018-09")
        if r.kind == "case-audit"
        and r.status == "completed"
        and r.auditor
        and r.practitioner
        and moderation_of(db, r.id) is None
    )
