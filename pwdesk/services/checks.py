"""The rules every record keeps, whether it was typed here or arrived in a package.

``record_problems`` is the one statement of them: a local save (``services.common.put``) and every
version a merge brings in (``services.merge``) are held to the same rules, so a package can
never store what the forms could not. Lengths follow the columns: a column of bounded length
bounds its text, a name or a role is short, free text (evidence, notes, narratives) is generous
but finite. No text holds a control character but the tab and line breaks of free text.

Two devices can each make a valid change whose combination is not valid: one completes an audit
while the other clears a required answer. Such a combination is kept as a conflict on the
record's status (``merge_check``), for the QA officer to decide, and a resolution that would
break the rules is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, Text

from pwdesk.domain.answers import answer_problems, missing_required
from pwdesk.domain.cohorts import CohortRuleError, rules_from_list
from pwdesk.domain.limits import (
    FIRST_DAY,
    FREE_TEXT,
    LAST_DAY,
    SHORT_TEXT,
    UUID_PATTERN,
    pasted_text,
    text_problem,
)
from pwdesk.domain.statuses import ActionStatus, Status
from pwdesk.domain.templates import FormTemplate, ItemType, TemplateKind
from pwdesk.services.templates import TemplateCatalogue, UnknownTemplate, catalogue
from pwdesk.store.database import Database
from pwdesk.store.models import (
    Action,
    Allocation,
    Assessment,
    Auditor,
    Child,
    Cohort,
    Moderation,
    PracticeWeek,
    Practitioner,
    Versioned,
)
from pwdesk.store.records import ContentError, checked_content, content_columns

MAX_OBSERVATION_TEMPLATES = 50
MAX_COHORT_RULES = 20
RECORD_TEXT = 200_000
"""The most characters of all of one record's answers together: far beyond any audit, and what
its feedback sheet can still lay out in seconds."""
MAX_PROBLEMS = 3
"""How many problems a refusal names: enough to act on, never a flood."""

Cited = tuple[str, int, str]
"""What a moderation's rules need of its audit: template id, template version, kind."""

MergeCheck = Callable[[type[Versioned], dict[str, Any]], list[str]]


@dataclass
class Forms:
    """The form templates a record's rules look up: the catalogue (read when first needed) and,
    for a moderation, the form its audit was filled in with."""

    db: Database | None = None
    of_assessment: Callable[[str], Cited | None] = lambda _: None
    _catalogue: list[TemplateCatalogue] = field(default_factory=list)

    @classmethod
    def known(cls, templates: TemplateCatalogue, **kwargs: Any) -> Forms:
        """Forms from a catalogue the caller has already."""
        forms = cls(**kwargs)
        forms._catalogue.append(templates)
        return forms

    @property
    def templates(self) -> TemplateCatalogue:
        """Every template these records may cite."""
        if not self._catalogue:
            self._catalogue.append(catalogue(self.db))
        return self._catalogue[0]


def _pasted_answers(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {
        item: (
            {k: pasted_text(v) if isinstance(v, str) else v for k, v in entry.items()}
            if isinstance(entry, Mapping)
            else entry
        )
        for item, entry in answers.items()
    }


def as_typed(model: type[Versioned], fields: Mapping[str, Any]) -> dict[str, Any]:
    """Fields a user typed, with the line breaks of pasted free text made plain line feeds
    (services.common.put applies it to every local save; a merge stores versions as they are)."""
    free = {c.key for c in content_columns(model) if isinstance(c.type, Text)}
    typed = dict(fields)
    for name, value in fields.items():
        if name in free and isinstance(value, str):
            typed[name] = pasted_text(value)
        elif name in ("answers", "grades") and isinstance(value, Mapping):
            typed[name] = _pasted_answers(value)
    return typed


def _column_problems(model: type[Versioned], values: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    for column in content_columns(model):
        value = values.get(column.key)
        where = f"Field '{column.key}' of a {model.RECORD_TYPE} record"
        if column.foreign_keys and value is not None and not UUID_PATTERN.match(str(value)):
            problems.append(f"{where} is not the id of a record.")
        elif isinstance(value, str):
            if isinstance(column.type, Text):
                why = text_problem(where, value, FREE_TEXT, lines=True)
            else:
                length = column.type.length if isinstance(column.type, String) else None
                why = text_problem(where, value, length or SHORT_TEXT, lines=False)
            if why:
                problems.append(why)
        elif isinstance(value, date) and not FIRST_DAY <= value <= LAST_DAY:
            problems.append(f"{where} is a date outside the years 1900 to 2199.")
    return problems


def _needs(values: Mapping[str, Any], name: str, what: str) -> list[str]:
    value = values.get(name)
    return [] if isinstance(value, str) and value.strip() else [what]


def _week_problems(values: Mapping[str, Any], forms: Forms) -> list[str]:
    problems = _needs(values, "code", "A Practice Week needs a code.")
    problems += _needs(values, "title", "A Practice Week needs a title.")
    if values["ends_on"] < values["starts_on"]:
        problems.append("A Practice Week cannot end before it starts.")
    wanted = [(values["case_audit_template"], TemplateKind.CASE_AUDIT)]
    observed = values["observation_templates"]
    if len(observed) > MAX_OBSERVATION_TEMPLATES or not all(isinstance(t, str) for t in observed):
        return [*problems, "A Practice Week's observation forms are malformed."]
    wanted += [(template_id, TemplateKind.OBSERVATION) for template_id in observed]
    for template_id, kind in wanted:
        try:
            if forms.templates.get(template_id).kind is not kind:
                problems.append(f"A Practice Week names {template_id} as a {kind} form.")
        except UnknownTemplate as error:
            problems.append(str(error))
    return problems


def _cohort_problems(values: Mapping[str, Any]) -> list[str]:
    problems = _needs(values, "name", "A cohort needs a name.")
    rules = values["rules"]
    if len(rules) > MAX_COHORT_RULES or not all(isinstance(rule, dict) for rule in rules):
        return [*problems, "A cohort's rules are malformed."]
    try:
        rules_from_list(rules)
    except CohortRuleError as error:
        problems.append(str(error))
    if not 0 <= values["position"] <= 10_000:
        problems.append("A cohort's position is out of range.")
    return problems


def _child_problems(values: Mapping[str, Any]) -> list[str]:
    problems = _needs(values, "case_reference", "A child needs a case reference.")
    born, entered = values["date_of_birth"], values["entered_care"]
    if born is not None and entered is not None and entered < born:
        problems.append("A child cannot enter care before their date of birth.")
    return problems


def _form_problems(values: Mapping[str, Any], forms: Forms) -> list[str]:
    try:
        template = forms.templates.get(values["template_id"], values["template_version"])
    except UnknownTemplate as error:
        return [str(error)]
    problems: list[str] = []
    if values["kind"] != template.kind:
        problems.append(f"A record of the form {template.id} must be a {template.kind}.")
    if values["status"] not in set(Status):
        problems.append(f"{values['status']!r} is not a record status (draft or completed).")
    if template.kind is TemplateKind.CASE_AUDIT and values["child_id"] is None:
        problems.append("A case audit must name the child whose case was discussed.")
    answers = values["answers"]
    problems += answer_problems(template, answers)
    for item_id, entry in answers.items():
        if not isinstance(entry, Mapping):
            continue
        for part in ("value", "note"):
            text = entry.get(part)
            if isinstance(text, str):
                why = text_problem(f"The {part} given for '{item_id}'", text, FREE_TEXT, lines=True)
                if why:
                    problems.append(why)
    written = sum(
        len(part)
        for entry in answers.values()
        if isinstance(entry, Mapping)
        for part in entry.values()
        if isinstance(part, str)
    )
    if written > RECORD_TEXT:
        problems.append(f"The answers of one record hold more than {RECORD_TEXT:,} characters.")
    if values["status"] == Status.COMPLETED:
        missing = missing_required(template, answers)
        if missing:
            labels = "; ".join(item.label for item in missing)
            problems.append(f"a completed record needs every required answer ({labels}).")
    return problems


def _allocation_problems(values: Mapping[str, Any]) -> list[str]:
    kind = values["kind"]
    if kind == TemplateKind.CASE_AUDIT:
        return [] if values["child_id"] else ["A case-audit allocation must name the child."]
    if kind == TemplateKind.OBSERVATION:
        return _needs(values, "observation_type", "An observation allocation needs its type.")
    return [f"{kind!r} is not a kind of allocation (case-audit or observation)."]


def _moderation_problems(values: Mapping[str, Any], forms: Forms) -> list[str]:
    problems = _needs(values, "moderator", "A moderation needs the moderator's name.")
    grades = values["grades"]
    if not all(
        isinstance(entry, dict)
        and set(entry) == {"grade", "reason"}
        and isinstance(entry["grade"], str)
        and isinstance(entry["reason"], str)
        for entry in grades.values()
    ):
        return [*problems, "A moderation's grades are malformed."]
    for item_id, entry in grades.items():
        why = text_problem(
            f"The reason moderating '{item_id}'", entry["reason"], FREE_TEXT, lines=True
        )
        if why:
            problems.append(why)
    if not grades:
        problems.append("A moderation must moderate at least one grade.")
    cited = forms.of_assessment(values["assessment_id"])
    template: FormTemplate | None = None
    if cited is not None:
        template_id, version, kind = cited
        if kind != TemplateKind.CASE_AUDIT:
            problems.append("Only case audits are moderated.")
        try:
            template = forms.templates.get(template_id, version)
        except UnknownTemplate:
            template = None
    if template is not None:
        for item_id, entry in grades.items():
            if item_id not in {i.id for i in template.items() if i.type is ItemType.GRADE}:
                problems.append(f"The form has no graded item '{item_id}' to moderate.")
            elif not template.scale.knows(entry["grade"]):
                problems.append(f"'{entry['grade']}' is not a grade of this form.")
    return problems


def _action_problems(values: Mapping[str, Any]) -> list[str]:
    problems = _needs(values, "description", "An agreed action needs a description.")
    if values["status"] not in set(ActionStatus):
        problems.append(f"{values['status']!r} is not a status of an agreed action.")
    return problems


def record_problems(model: type[Versioned], values: Mapping[str, Any], forms: Forms) -> list[str]:
    """One sentence for each rule a record's content breaks; [] when it keeps them all.

    ``values`` are checked column values (``store.records.checked_content``): every field
    present and of its type. What is checked here is what the values mean.
    """
    problems = _column_problems(model, values)
    if model is PracticeWeek:
        problems += _week_problems(values, forms)
    elif model is Cohort:
        problems += _cohort_problems(values)
    elif model is Child:
        problems += _child_problems(values)
    elif model is Practitioner:
        problems += _needs(values, "name", "A practitioner needs a name.")
    elif model is Auditor:
        problems += _needs(values, "name", "A senior leader needs a name.")
    elif model is Assessment:
        problems += _form_problems(values, forms)
    elif model is Allocation:
        problems += _allocation_problems(values)
    elif model is Moderation:
        problems += _moderation_problems(values, forms)
    elif model is Action:
        problems += _action_problems(values)
    return problems


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
    forms = Forms(db) if templates is None else Forms.known(templates)
    return _form_problems(values, forms)


_CLASH_FIELD: dict[type[Versioned], str] = {
    Assessment: "status",
    PracticeWeek: "ends_on",
    Child: "entered_care",
    Cohort: "rules",
    Moderation: "grades",
    Action: "status",
    Allocation: "kind",
}
"""Where a combination that breaks a record type's rules is shown as a clash."""


def merge_check(db: Database) -> MergeCheck:
    """The check settle_heads applies to a merge: the fields to decide if the combined content
    breaks its record type's rules (a week ending before it starts, a completed audit missing an
    answer). The template catalogue is read once, when the first audit needs it."""
    forms = Forms(db)

    def check(model: type[Versioned], values: dict[str, Any]) -> list[str]:
        if model is Assessment:
            problems = _form_problems(values, forms)
        else:
            try:
                problems = record_problems(model, checked_content(model, values), forms)
            except ContentError as error:
                problems = [str(error)]
        if not problems:
            return []
        return [_CLASH_FIELD.get(model, content_columns(model)[0].key)]

    return check
