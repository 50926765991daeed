"""Answers to a form, checked against its template.

An answer is ``{"value": ..., "note": "..."}`` keyed by item id. For a graded aspect the value is
a grade id and the note is the evidence; for a yes/no question the note is an optional comment.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pwdesk.domain.dates import parse_date
from pwdesk.domain.templates import YES_NO_ANSWERS, FormTemplate, Item, ItemType

Answers = Mapping[str, Mapping[str, Any]]


def answer(value: Any = None, note: str = "") -> dict[str, Any]:
    """One answer in its stored form; an empty note is left out."""
    return {"value": value, "note": note} if note else {"value": value}


def value_of(answers: Answers, item_id: str) -> Any:
    """The value answered for an item, or None."""
    return answers.get(item_id, {}).get("value")


def note_of(answers: Answers, item_id: str) -> str:
    """The note (evidence, comment) answered for an item, or ""."""
    note = answers.get(item_id, {}).get("note", "")
    return note if isinstance(note, str) else ""


def _value_problem(template: FormTemplate, item: Item, value: Any) -> str | None:
    """Why a non-empty value does not fit an item, or None if it does."""
    kind = item.type
    if kind is ItemType.GRADE:
        if not isinstance(value, str) or not template.scale.knows(value):
            grades = ", ".join(grade.id for grade in template.scale.choices)
            return f"{value!r} is not a grade of this form (use {grades})"
    elif kind is ItemType.YES_NO:
        if not isinstance(value, str) or value not in {key for key, _ in YES_NO_ANSWERS}:
            return f"{value!r} is not yes, partly or no"
    elif kind is ItemType.DATE:
        if parse_date(value) is None:
            return f"{value!r} is not a date like 2018-09-17"
    elif kind is ItemType.NUMBER:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            return f"{value!r} is not a number"
    elif kind is ItemType.CHOICE:
        if not isinstance(value, str) or value not in {option.id for option in item.options}:
            options = ", ".join(option.id for option in item.options)
            return f"{value!r} is not one of the options ({options})"
    elif kind is ItemType.TEXT:
        if not isinstance(value, str):
            return "the answer must be text"
    elif kind is ItemType.ACTIONS:
        return "agreed actions are kept as action records, not as an answer"
    return None


def answer_problems(template: FormTemplate, answers: Answers) -> list[str]:
    """Every way ``answers`` does not fit ``template``, one sentence each; [] if they fit."""
    problems: list[str] = []
    for item_id, entry in answers.items():
        try:
            item = template.item(item_id)
        except KeyError:
            problems.append(f"The form {template.id} has no item '{item_id}'.")
            continue
        if not isinstance(entry, Mapping) or not set(entry) <= {"value", "note"}:
            problems.append(f"The answer to '{item_id}' must hold only a value and a note.")
            continue
        if not isinstance(entry.get("note", ""), str):
            problems.append(f"The note on '{item_id}' must be text.")
        value = entry.get("value")
        if value is not None:
            why = _value_problem(template, item, value)
            if why:
                problems.append(f"The answer to '{item.label}' is wrong: {why}.")
    return problems


def is_answered(item: Item, answers: Answers) -> bool:
    """Whether an item has a real answer (blank text does not count)."""
    value = value_of(answers, item.id)
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None


def missing_required(template: FormTemplate, answers: Answers) -> list[Item]:
    """The required items still unanswered, in form order: what blocks completion."""
    return [item for item in template.items() if item.required and not is_answered(item, answers)]
