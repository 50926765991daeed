"""The rules a merged record must keep: a merge that would break them is not made quietly.

Two devices can each make a valid change whose combination is not valid: one completes an audit
while the other clears a required answer. Such a combination is kept as a conflict on the
record's status, for the QA officer to decide, and a resolution that would break the rules is
refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pwdesk.domain.answers import answer_problems, missing_required
from pwdesk.services.templates import UnknownTemplate, catalogue
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment, Versioned

MergeCheck = Callable[[type[Versioned], dict[str, Any]], list[str]]


def content_problems(db: Database, model: type[Versioned], values: dict[str, Any]) -> list[str]:
    """One sentence for each rule a record's merged content breaks (audits and observations)."""
    if model is not Assessment:
        return []
    try:
        template = catalogue(db).get(values["template_id"], values["template_version"])
    except UnknownTemplate as error:
        return [str(error)]
    answers = values.get("answers") or {}
    problems = answer_problems(template, answers)
    if values.get("status") == "completed":
        missing = missing_required(template, answers)
        if missing:
            labels = "; ".join(item.label for item in missing)
            problems.append(f"a completed record needs every required answer ({labels}).")
    return problems


def merge_check(db: Database) -> MergeCheck:
    """The check settle_heads applies to a merge: the fields to decide if the rules break."""

    def check(model: type[Versioned], values: dict[str, Any]) -> list[str]:
        return ["status"] if content_problems(db, model, values) else []

    return check
