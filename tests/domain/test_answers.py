"""Answers checked against a template: value fit, stray keys, and what blocks completion."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from pwdesk.domain.answers import (
    Answers,
    answer,
    answer_problems,
    is_answered,
    missing_required,
    note_of,
    value_of,
)
from pwdesk.domain.dates import parse_date
from pwdesk.domain.grades import NOT_APPLICABLE_ID, OFSTED_FOUR_POINT
from pwdesk.domain.templates import (
    Choice,
    FormTemplate,
    Item,
    ItemRole,
    ItemType,
    Section,
    TemplateError,
    TemplateKind,
    parse_template,
)

ASPECT = Item("aspect", ItemType.GRADE, "Quality of assessment", required=True)
SEEN = Item("seen", ItemType.YES_NO, "Child seen alone")
VISIT = Item("visit", ItemType.DATE, "Last visit", required=True)
MOVES = Item("moves", ItemType.NUMBER, "Placement moves")
PLACEMENT = Item(
    "placement",
    ItemType.CHOICE,
    "Placement type",
    options=(Choice("foster", "Foster care"), Choice("kin", "Kinship care")),
)
STRENGTHS = Item(
    "strengths", ItemType.TEXT, "What is working well", required=True, role=ItemRole.STRENGTHS
)
ACTIONS = Item("actions", ItemType.ACTIONS, "Agreed actions")
OVERALL = Item("overall", ItemType.GRADE, "Overall grade", required=True, role=ItemRole.OVERALL)

TEMPLATE = FormTemplate(
    id="every-type",
    version=1,
    kind=TemplateKind.CASE_AUDIT,
    title="Every item type",
    scale=OFSTED_FOUR_POINT,
    sections=(
        Section("first", "First", (ASPECT, SEEN, VISIT, MOVES)),
        Section("second", "Second", (PLACEMENT, STRENGTHS, ACTIONS, OVERALL)),
    ),
)

COMPLETE: Answers = {
    "aspect": answer("good", "Assessment updated after the move."),
    "seen": answer("partly"),
    "visit": answer("2018-09-17"),
    "moves": answer(2),
    "placement": answer("kin"),
    "strengths": answer("Knows the child well."),
    "overall": answer("requires-improvement"),
}


def test_answer_leaves_an_empty_note_out() -> None:
    assert answer("good") == {"value": "good"}
    assert answer("good", "Evidence") == {"value": "good", "note": "Evidence"}
    assert answer() == {"value": None}


def test_value_and_note_of() -> None:
    answers: Answers = {"aspect": answer("good", "Evidence"), "odd": {"value": 1, "note": 5}}
    assert value_of(answers, "aspect") == "good"
    assert note_of(answers, "aspect") == "Evidence"
    assert value_of(answers, "missing") is None
    assert note_of(answers, "missing") == ""
    assert note_of(answers, "odd") == ""  # a note that is not text reads as none


def test_complete_answers_have_no_problems() -> None:
    assert answer_problems(TEMPLATE, COMPLETE) == []
    assert missing_required(TEMPLATE, COMPLETE) == []


def test_no_answers_have_no_problems_but_miss_every_required_item() -> None:
    assert answer_problems(TEMPLATE, {}) == []
    assert missing_required(TEMPLATE, {}) == [ASPECT, VISIT, STRENGTHS, OVERALL]


GOOD_VALUES: list[tuple[str, Any]] = [
    *[("aspect", grade.id) for grade in OFSTED_FOUR_POINT.choices],
    ("overall", NOT_APPLICABLE_ID),
    ("seen", "yes"),
    ("seen", "partly"),
    ("seen", "no"),
    ("visit", "2018-09-17"),
    ("visit", "2020-02-29"),
    ("moves", 0),
    ("moves", 3),
    ("moves", 2.5),
    ("moves", -1),  # a number item sets no range
    ("placement", "foster"),
    ("placement", "kin"),
    ("strengths", "Calm, clear planning."),
    ("strengths", ""),
]


@pytest.mark.parametrize(("item_id", "value"), GOOD_VALUES)
def test_valid_values(item_id: str, value: Any) -> None:
    assert answer_problems(TEMPLATE, {item_id: answer(value)}) == []


@pytest.mark.parametrize("item_id", [item.id for item in TEMPLATE.items()])
def test_none_is_no_answer_for_every_type(item_id: str) -> None:
    # Clearing an answer (value None) is allowed, even for the agreed-actions item.
    assert answer_problems(TEMPLATE, {item_id: {"value": None}}) == []
    assert answer_problems(TEMPLATE, {item_id: {}}) == []


BAD_VALUES: list[tuple[str, Any, str]] = [
    ("aspect", "Good", "is not a grade of this form"),
    ("aspect", "excellent", "is not a grade of this form"),
    ("aspect", 2, "is not a grade of this form"),
    ("overall", "", "is not a grade of this form"),
    ("seen", "Yes", "is not yes, partly or no"),
    ("seen", True, "is not yes, partly or no"),
    ("seen", "maybe", "is not yes, partly or no"),
    ("visit", "17/09/2018", "is not a date like 2018-09-17"),
    ("visit", "2018-02-30", "is not a date like 2018-09-17"),
    ("visit", 20180917, "is not a date like 2018-09-17"),
    ("visit", "", "is not a date like 2018-09-17"),
    ("moves", "2", "is not a number"),
    ("moves", True, "is not a number"),
    ("moves", float("nan"), "is not a number"),
    ("moves", float("inf"), "is not a number"),
    ("placement", "residential", "is not one of the options (foster, kin)"),
    ("placement", "Foster", "is not one of the options (foster, kin)"),
    ("strengths", 42, "the answer must be text"),
    ("strengths", ["a", "b"], "the answer must be text"),
    ("actions", [{"action": "Visit", "owner": "SW", "due": "2018-10-01"}], "action records"),
    ("actions", "Visit weekly", "action records"),
]


@pytest.mark.parametrize(("item_id", "value", "why"), BAD_VALUES)
def test_invalid_values(item_id: str, value: Any, why: str) -> None:
    problems = answer_problems(TEMPLATE, {item_id: answer(value)})
    assert len(problems) == 1, problems
    label = TEMPLATE.item(item_id).label
    assert problems[0].startswith(f"The answer to '{label}' is wrong: ")
    assert why in problems[0]
    assert problems[0].endswith(".")


def test_a_wrong_grade_lists_the_grades_to_use() -> None:
    (problem,) = answer_problems(TEMPLATE, {"aspect": answer("excellent")})
    assert problem == (
        "The answer to 'Quality of assessment' is wrong: 'excellent' is not a grade of this "
        "form (use outstanding, good, requires-improvement, inadequate, not-applicable)."
    )


@pytest.mark.parametrize(("item_id", "value"), [("seen", ["yes"]), ("placement", {"id": "kin"})])
def test_unhashable_values_are_reported_not_raised(item_id: str, value: Any) -> None:
    problems = answer_problems(TEMPLATE, {item_id: answer(value)})
    assert len(problems) == 1


def test_unknown_item_id() -> None:
    problems = answer_problems(TEMPLATE, {"asepct": answer("good")})
    assert problems == ["The form every-type has no item 'asepct'."]


@pytest.mark.parametrize(
    "entry",
    [
        {"value": "good", "evidence": "Seen"},
        {"grade": "good"},
        "good",
        ["good"],
    ],
)
def test_answer_with_extra_keys_or_not_a_mapping(entry: Any) -> None:
    problems = answer_problems(TEMPLATE, {"aspect": entry})
    assert problems == ["The answer to 'aspect' must hold only a value and a note."]


@pytest.mark.parametrize("note", [5, None, ["Seen"]])
def test_note_not_text(note: Any) -> None:
    problems = answer_problems(TEMPLATE, {"aspect": {"value": "good", "note": note}})
    assert problems == ["The note on 'aspect' must be text."]


def test_note_and_value_problems_both_reported() -> None:
    problems = answer_problems(TEMPLATE, {"aspect": {"value": "great", "note": 1}})
    assert len(problems) == 2
    assert problems[0] == "The note on 'aspect' must be text."
    assert "'great' is not a grade" in problems[1]


def test_every_problem_reported_in_answer_order() -> None:
    answers: Answers = {
        "moves": answer("three"),
        "nope": answer(1),
        "aspect": answer("good"),
        "actions": answer("Visit weekly"),
    }
    problems = answer_problems(TEMPLATE, answers)
    assert len(problems) == 3
    assert "'Placement moves'" in problems[0]
    assert "'nope'" in problems[1]
    assert "'Agreed actions'" in problems[2]


@pytest.mark.parametrize(
    ("value", "answered"),
    [
        (None, False),
        ("", False),
        ("   \n\t", False),
        ("x", True),
        ("  text  ", True),
        (0, True),  # zero placement moves is a real answer
        (0.0, True),
        (False, True),
        (NOT_APPLICABLE_ID, True),  # "not applicable" is a deliberate answer
    ],
)
def test_is_answered(value: Any, answered: bool) -> None:
    assert is_answered(MOVES, {"moves": {"value": value}}) is answered


def test_is_answered_without_an_entry_or_value() -> None:
    assert not is_answered(MOVES, {})
    assert not is_answered(MOVES, {"moves": {"note": "Asked, no answer yet"}})
    assert not is_answered(MOVES, {"aspect": answer(3)})  # another item's answer


def test_missing_required_counts_blank_text_as_unanswered_and_keeps_form_order() -> None:
    answers = {
        **COMPLETE,
        "strengths": answer("   "),
        "aspect": {"note": "Evidence but no grade"},
    }
    del answers["overall"]
    assert missing_required(TEMPLATE, answers) == [ASPECT, STRENGTHS, OVERALL]


def test_missing_required_ignores_optional_items() -> None:
    required_only = {key: COMPLETE[key] for key in ("aspect", "visit", "strengths", "overall")}
    assert missing_required(TEMPLATE, required_only) == []


def test_not_applicable_satisfies_a_required_grade() -> None:
    answers = {**COMPLETE, "overall": answer(NOT_APPLICABLE_ID)}
    assert missing_required(TEMPLATE, answers) == []


REQUIRED_ACTIONS_TEMPLATE = """
id = "required-actions"
version = 1
kind = "case-audit"
title = "Required actions"

[[sections]]
id = "main"
title = "Main"

[[sections.items]]
id = "aspect"
type = "grade"
label = "Aspect"

[[sections.items]]
id = "actions"
type = "actions"
label = "Agreed actions"
required = true

[[sections.items]]
id = "overall"
type = "grade"
role = "overall"
label = "Overall"
"""


def test_a_required_actions_item_cannot_block_completion() -> None:
    try:
        template = parse_template(REQUIRED_ACTIONS_TEMPLATE, "required-actions.toml")
    except TemplateError:
        return  # refusing such a template is one way to keep the rule
    actions = template.item("actions")
    # Otherwise completion must be reachable: either the item is not demanded...
    if actions not in missing_required(template, {}):
        return
    # ...or some answer satisfies it without being reported as wrong.
    answers = {"actions": answer([{"action": "Visit", "owner": "SW", "due": "2018-10-01"}])}
    assert actions not in missing_required(template, answers)
    assert answer_problems(template, answers) == []


@pytest.mark.parametrize("value", ["20180917", "2018-W38-1", "2018-9-17", "2018-02-30"])
def test_dates_must_be_written_year_month_day(value: str) -> None:
    assert parse_date(value) is None


def test_a_proper_date_is_read() -> None:
    assert parse_date("2018-09-17") == date(2018, 9, 17)
