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
from pwdesk.services.templates import TemplateCatalogue, UnknownTemplate, catalogue
from pwdesk.store.database import Database
from pwdesk.store.models import Assessment, Versioned

MergeCheck = Callable[[type[Versioned], dict[str, Any]], list[str]]


def content_problems(
    db: Database,
    model: type[Versioned],
    values: dict[str, Any],
    templates: TemplateCatalogue | None = None,
) -> list[str]:
    """One sentence for each rule a record's merged content breaks (audits and observations);
    ``templates`` is the catalogue, when the caller has it already."""
    if model is not Assessment:
        return []
    try:
        forms = templates if templates is not None else catalogue(db)
        template = forms.get(values["template_id"], values["template_version"])
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
    """The check settle_heads applies to a merge: the fields to decide if the rules break. The
    template catalogue is read once, when the first audit needs it, for every record checked."""
    forms: list[TemplateCatalogue] = []

    def check(model: type[Versioned], values: dict[str, Any]) -> list[str]:
        if model is Assessment and not forms:
            forms.append(catalogue(db))
        templates = forms[0] if forms else None
        return ["status"] if content_problems(db, model, values, templates) else []

    return check
