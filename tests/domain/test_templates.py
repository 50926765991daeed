"""Form templates: the shipped templates parse, and every kind of mistake is reported clearly."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from pwdesk.domain.grades import NOT_APPLICABLE_ID, OFSTED_FOUR_POINT
from pwdesk.domain.templates import (
    OBSERVATION_TYPES,
    FormTemplate,
    ItemRole,
    ItemType,
    TemplateError,
    TemplateKind,
    parse_template,
)
from pwdesk.resources import resource_path

SOURCE = "mini.toml"

# The smallest valid template: one section holding one graded aspect and the overall grade.
HEADER: Mapping[str, str] = {
    "id": '"mini-audit"',
    "version": "1",
    "kind": '"case-audit"',
    "title": '"Mini audit"',
}

ASPECT = """
[[sections.items]]
id = "aspect"
type = "grade"
label = "An aspect of practice"
required = true
"""

OVERALL = """
[[sections.items]]
id = "overall"
type = "grade"
role = "overall"
label = "Overall grade"
required = true
"""


def section(items: str, section_id: str = "main", title: str = "Main") -> str:
    """One ``[[sections]]`` table followed by its items."""
    return f'\n[[sections]]\nid = "{section_id}"\ntitle = "{title}"\n{items}'


def item(**keys: str) -> str:
    """One ``[[sections.items]]`` table; each value is written as TOML as it is given."""
    lines = "".join(f"{key} = {value}\n" for key, value in keys.items())
    return f"\n[[sections.items]]\n{lines}"


def template_text(
    header: Mapping[str, str | None] | None = None,
    body: str | None = None,
) -> str:
    """A valid template's text with header keys overridden (None drops a key) and a new body."""
    keys: dict[str, str | None] = {**HEADER, **(header or {})}
    top = "".join(f"{key} = {value}\n" for key, value in keys.items() if value is not None)
    return top + (section(ASPECT + OVERALL) if body is None else body)


def problems_of(text: str) -> list[str]:
    """The problems parse_template reports for ``text``; fails if it parses."""
    with pytest.raises(TemplateError) as caught:
        parse_template(text, SOURCE)
    problems = caught.value.problems
    assert problems, "a TemplateError must list at least one problem"
    for problem in problems:
        assert problem.startswith(f"{SOURCE}: "), problem
        assert problem.endswith("."), problem
    return problems


def only_problem(text: str) -> str:
    """The single problem reported for ``text``, also checking it is the error's message."""
    with pytest.raises(TemplateError) as caught:
        parse_template(text, SOURCE)
    assert len(caught.value.problems) == 1, caught.value.problems
    assert str(caught.value) == caught.value.problems[0]
    return problems_of(text)[0]


# --- the shipped templates ----------------------------------------------------------------------


def shipped_template_paths() -> list[Path]:
    return sorted(resource_path("templates").glob("*.toml"))


def load(path: Path) -> FormTemplate:
    return parse_template(path.read_text(encoding="utf-8"), path.name)


def test_four_templates_are_shipped() -> None:
    names = {path.stem for path in shipped_template_paths()}
    assert names == {
        "permanency-case-audit",
        "home-visit-observation",
        "cp-conference-observation",
        "core-group-observation",
    }


@pytest.mark.parametrize("path", shipped_template_paths(), ids=lambda path: path.stem)
def test_shipped_template_parses(path: Path) -> None:
    template = load(path)
    # The file name is the template id, so an author can find a template from its records.
    assert template.id == path.stem
    assert template.version >= 1
    assert template.key == (template.id, template.version)
    assert template.title
    assert template.scale is OFSTED_FOUR_POINT
    assert template.overall.type is ItemType.GRADE
    assert template.aspects()
    assert template.overall not in template.aspects()
    item_ids = [item.id for item in template.items()]
    assert len(item_ids) == len(set(item_ids))
    for role in (ItemRole.STRENGTHS, ItemRole.DEVELOPMENT, ItemRole.REFLECTION):
        role_item = template.with_role(role)
        assert role_item is not None, role
        assert role_item.type is ItemType.TEXT
    assert any(item.type is ItemType.ACTIONS for item in template.items())


@pytest.mark.parametrize(
    ("stem", "observation_type"),
    [
        ("home-visit-observation", "home-visit"),
        ("cp-conference-observation", "cp-conference"),
        ("core-group-observation", "core-group"),
    ],
)
def test_shipped_observations_name_their_type(stem: str, observation_type: str) -> None:
    template = load(resource_path("templates", f"{stem}.toml"))
    assert template.kind is TemplateKind.OBSERVATION
    assert template.observation_type == observation_type
    assert template.observation_label == OBSERVATION_TYPES[observation_type]


def test_permanency_case_audit_covers_the_designed_aspects() -> None:
    template = load(resource_path("templates", "permanency-case-audit.toml"))
    assert template.kind is TemplateKind.CASE_AUDIT
    assert template.observation_type is None
    assert template.observation_label is None
    aspects = {item.id for item in template.aspects()}
    # The aspects DESIGN.md ("Form templates") says the permanency audit must cover.
    assert {
        "plan-by-second-review",
        "options-considered",
        "parallel-planning",
        "plan-implementation",
        "plan-tracking",
        "placement-stability",
        "placement-matching",
        "purposeful-visits",
        "childs-voice",
        "direct-work",
        "assessment-quality",
        "care-plan-quality",
        "management-oversight",
        "supervision",
        "partnership-working",
        "recording",
        "knowledge-of-child",
    } <= aspects
    # Child seen, seen alone and life story work are yes/no/partly facts rather than grades.
    for fact in ("child-seen", "child-seen-alone", "life-story-work"):
        assert template.item(fact).type is ItemType.YES_NO
    assert "life story" in template.item("direct-work").label.lower()
    # Then strengths, areas for development, agreed actions and an overall grade.
    assert template.item("strengths").role is ItemRole.STRENGTHS
    assert template.item("areas-for-development").role is ItemRole.DEVELOPMENT
    actions = template.item("agreed-actions")
    assert actions.type is ItemType.ACTIONS
    assert "owner" in actions.help
    assert "due date" in actions.help
    assert template.overall.id == "overall"
    assert template.overall.required
    # The summary comes after every graded aspect, ending with the overall grade.
    items = list(template.items())
    assert items[-1] is template.overall
    last_aspect = max(items.index(aspect) for aspect in template.aspects())
    assert last_aspect < items.index(template.item("strengths"))


def test_permanency_placement_type_options() -> None:
    template = load(resource_path("templates", "permanency-case-audit.toml"))
    placement_type = template.item("placement-type")
    assert placement_type.type is ItemType.CHOICE
    option_ids = [option.id for option in placement_type.options]
    assert "foster-care" in option_ids
    assert len(option_ids) == len(set(option_ids))


# --- the minimal template and what parsing gives ------------------------------------------------


def test_minimal_template_parses() -> None:
    template = parse_template(template_text(), SOURCE)
    assert template.key == ("mini-audit", 1)
    assert template.kind is TemplateKind.CASE_AUDIT
    assert template.scale is OFSTED_FOUR_POINT  # the default scale
    assert template.description == ""
    assert [section.id for section in template.sections] == ["main"]
    assert [item.id for item in template.aspects()] == ["aspect"]
    assert template.overall.id == "overall"
    assert template.with_role(ItemRole.STRENGTHS) is None
    with pytest.raises(KeyError):
        template.item("missing")


def test_every_item_type_and_optional_key_parses() -> None:
    body = section(
        ASPECT
        + item(id='"seen"', type='"yes-no"', label='"Seen"', help='"  Look at visits.  "')
        + item(id='"visit"', type='"date"', label='"Last visit"')
        + item(id='"moves"', type='"number"', label='"Moves"', required="false")
        + item(
            id='"placement"',
            type='"choice"',
            label='"Placement"',
            options='[{ id = "foster", label = "Foster" }, { id = "kin", label = "Kinship" }]',
        )
        + item(id='"notes"', type='"text"', label='"Notes"', role='"strengths"')
        + item(id='"actions"', type='"actions"', label='"Actions"')
        + OVERALL,
    )
    template = parse_template(template_text(body=body), SOURCE)
    assert [item.type for item in template.items()] == [
        ItemType.GRADE,
        ItemType.YES_NO,
        ItemType.DATE,
        ItemType.NUMBER,
        ItemType.CHOICE,
        ItemType.TEXT,
        ItemType.ACTIONS,
        ItemType.GRADE,
    ]
    assert template.item("seen").help == "Look at visits."  # surrounding spaces trimmed
    assert template.item("aspect").required
    assert not template.item("moves").required
    assert [(o.id, o.label) for o in template.item("placement").options] == [
        ("foster", "Foster"),
        ("kin", "Kinship"),
    ]
    assert template.with_role(ItemRole.STRENGTHS) == template.item("notes")


def test_observation_template_parses() -> None:
    text = template_text({"kind": '"observation"', "observation_type": '"supervision"'})
    template = parse_template(text, SOURCE)
    assert template.kind is TemplateKind.OBSERVATION
    assert template.observation_label == "Supervision"


def test_inline_scale_parses() -> None:
    scale = (
        '{ id = "three-point", good_or_better = "adequate", grades = ['
        '{ id = "strong", label = "Strong" }, { id = "adequate", label = "Adequate" }, '
        '{ id = "weak", label = "Weak" }] }'
    )
    template = parse_template(template_text({"scale": scale}), SOURCE)
    assert template.scale.id == "three-point"
    assert template.scale.ids == ("strong", "adequate", "weak")
    assert template.scale.is_good_or_better("adequate")
    assert not template.scale.is_good_or_better("weak")
    assert template.scale.knows(NOT_APPLICABLE_ID)


# --- each mistake, reported with the file, the place and what is wrong --------------------------


def test_invalid_toml() -> None:
    problem = only_problem('id = "mini-audit\nversion = 1\n')
    assert problem.startswith(f"{SOURCE}: not valid TOML")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ({"id": None}, "template: 'id' is missing."),
        ({"id": '""'}, "template: 'id' must be a non-empty text."),
        ({"id": "7"}, "template: 'id' must be a non-empty text."),
        ({"title": None}, "template: 'title' is missing."),
        ({"title": '"   "'}, "template: 'title' must be a non-empty text."),
    ],
)
def test_missing_or_empty_top_level_text(header: dict[str, str | None], expected: str) -> None:
    assert only_problem(template_text(header)) == f"{SOURCE}: {expected}"


@pytest.mark.parametrize("bad_id", ["Mini-Audit", "mini audit", "mini_audit", "-mini", "mini!"])
def test_bad_template_slug(bad_id: str) -> None:
    problem = only_problem(template_text({"id": f'"{bad_id}"'}))
    assert problem == (
        f"{SOURCE}: template: id {bad_id!r} must be lower-case letters, digits and hyphens."
    )


@pytest.mark.parametrize(
    "version", [None, "0", "-1", "1.5", '"1"', "true", "1000001", "99999999999999999999"]
)
def test_bad_version(version: str | None) -> None:
    problem = only_problem(template_text({"version": version}))
    assert problem == (f"{SOURCE}: template: 'version' must be a whole number from 1 to 1,000,000.")


def test_a_template_nested_beyond_reason_is_one_problem_not_a_crash() -> None:
    text = template_text({}) + "\nextra = " + "[" * 5000 + "]" * 5000 + "\n"
    assert only_problem(text) == f"{SOURCE}: nested more deeply than any form needs."


def test_a_version_of_thousands_of_digits_is_one_problem_not_a_crash() -> None:
    text = template_text({"version": "9" * 5000})
    assert only_problem(text) == f"{SOURCE}: holds a number longer than any form needs."


@pytest.mark.parametrize(("kind", "shown"), [('"audit"', "'audit'"), (None, "None")])
def test_unknown_kind(kind: str | None, shown: str) -> None:
    problem = only_problem(template_text({"kind": kind}))
    assert problem == (
        f"{SOURCE}: template: 'kind' is {shown}; expected one of case-audit, observation."
    )


@pytest.mark.parametrize(("observation_type", "shown"), [(None, "None"), ('"visit"', "'visit'")])
def test_observation_without_a_known_type(observation_type: str | None, shown: str) -> None:
    text = template_text({"kind": '"observation"', "observation_type": observation_type})
    problem = only_problem(text)
    assert problem.startswith(f"{SOURCE}: template: 'observation_type' is {shown}; expected one of")
    for known in OBSERVATION_TYPES:
        assert known in problem


def test_observation_type_of_the_wrong_kind_of_value() -> None:
    text = template_text({"kind": '"observation"', "observation_type": '["home-visit"]'})
    assert "'observation_type'" in only_problem(text)


def test_observation_type_on_a_case_audit() -> None:
    problem = only_problem(template_text({"observation_type": '"home-visit"'}))
    assert problem == (
        f"{SOURCE}: template: 'observation_type' belongs only to observation templates."
    )


def test_unknown_scale_name() -> None:
    problem = only_problem(template_text({"scale": '"ofsted-5"'}))
    assert problem == (
        f"{SOURCE}: scale: unknown scale 'ofsted-5'; use one of ofsted-4 or define one."
    )


def test_scale_neither_name_nor_table() -> None:
    problem = only_problem(template_text({"scale": "4"}))
    assert problem == (
        f"{SOURCE}: scale: 'scale' must be the name of a scale or a table defining one."
    )


GRADE_A = '{ id = "a", label = "A" }'
GRADE_B = '{ id = "b", label = "B" }'


@pytest.mark.parametrize(
    ("scale", "expected"),
    [
        pytest.param(
            '{ id = "s", good_or_better = "a", grades = [] }',
            ["scale: 'grades' must list at least one grade, best first."],
            id="no-grades",
        ),
        pytest.param(
            '{ id = "s", good_or_better = "a" }',
            ["scale: 'grades' must list at least one grade, best first."],
            id="grades-missing",
        ),
        pytest.param(
            f'{{ id = "s", good_or_better = "c", grades = [{GRADE_A}, {GRADE_B}] }}',
            ["scale: good_or_better 'c' is not a grade of the scale."],
            id="line-not-a-grade",
        ),
        pytest.param(
            f'{{ id = "s", grades = [{GRADE_A}, {GRADE_B}] }}',
            ["scale: 'good_or_better' is missing.", "scale: good_or_better '' is not a grade"],
            id="line-missing",
        ),
        pytest.param(
            f'{{ good_or_better = "a", grades = [{GRADE_A}, {GRADE_B}] }}',
            ["scale: 'id' is missing."],
            id="id-missing",
        ),
        pytest.param(
            f'{{ id = "S", good_or_better = "a", grades = [{GRADE_A}] }}',
            ["scale: id 'S' must be lower-case letters, digits and hyphens."],
            id="bad-id",
        ),
        pytest.param(
            f'{{ id = "s", good_or_better = "a", grades = [{GRADE_A}], best = "a" }}',
            ["scale: unknown key 'best' (allowed: good_or_better, grades, id)."],
            id="unknown-key",
        ),
        pytest.param(
            f'{{ id = "s", good_or_better = "a", grades = [{GRADE_A}, {{ id = "b" }}] }}',
            ["grade 2: 'label' is missing."],
            id="grade-without-label",
        ),
        pytest.param(
            f'{{ id = "s", good_or_better = "a", grades = [{GRADE_A}, "b"] }}',
            ["grade 2: must be a table with 'id' and 'label'."],
            id="grade-not-a-table",
        ),
        pytest.param(
            f'{{ id = "s", good_or_better = "a", grades = [{GRADE_A}, {GRADE_A}] }}',
            ["grade 'a': the id is used more than once.", "scale: grade ids must be unique"],
            id="duplicate-grade",
        ),
        pytest.param(
            f'{{ id = "s", good_or_better = "a", grades = [{GRADE_A}, '
            f'{{ id = "{NOT_APPLICABLE_ID}", label = "N/A" }}] }}',
            ["scale: grade ids must be unique and not 'not-applicable'."],
            id="grade-named-not-applicable",
        ),
    ],
)
def test_malformed_inline_scale(scale: str, expected: list[str]) -> None:
    problems = problems_of(template_text({"scale": scale}))
    assert len(problems) == len(expected), problems
    for problem, start in zip(problems, expected, strict=True):
        assert problem.startswith(f"{SOURCE}: {start}"), problem


@pytest.mark.parametrize("sections", ["", 'sections = "main"\n', "sections = []\n"])
def test_missing_sections(sections: str) -> None:
    # Without sections there is nothing to look for roles in, so that is the one problem.
    problem = only_problem(template_text(body=sections))
    assert problem == (
        f"{SOURCE}: template: 'sections' must list at least one section ([[sections]])."
    )


def test_section_without_items() -> None:
    body = section(ASPECT + OVERALL) + section("", section_id="empty", title="Empty")
    problem = only_problem(template_text(body=body))
    assert problem == f"{SOURCE}: section 'empty': needs at least one item ([[sections.items]])."


def test_section_without_id_or_title_is_named_by_position() -> None:
    body = (
        section(ASPECT + OVERALL)
        + '\n[[sections]]\nhelp = "?"\n'
        + item(id='"notes"', type='"text"', label='"Notes"')
    )
    problems = problems_of(template_text(body=body))
    assert problems == [
        f"{SOURCE}: section 2: 'id' is missing.",
        f"{SOURCE}: section 2: 'title' is missing.",
    ]


def test_unknown_section_key() -> None:
    body = '\n[[sections]]\nid = "main"\ntitle = "Main"\ntitel = "Main"\n' + ASPECT + OVERALL
    problem = only_problem(template_text(body=body))
    assert problem == (
        f"{SOURCE}: section 'main': unknown key 'titel' (allowed: help, id, items, title)."
    )


def test_unknown_top_level_key() -> None:
    problem = only_problem(template_text({"titel": '"Mini"'}))
    assert problem.startswith(f"{SOURCE}: template: unknown key 'titel' (allowed: ")
    assert "title" in problem


def test_unknown_item_type() -> None:
    body = section(ASPECT + item(id='"notes"', type='"essay"', label='"Notes"') + OVERALL)
    problem = only_problem(template_text(body=body))
    assert problem.startswith(f"{SOURCE}: item 'notes': 'type' is 'essay'; expected one of grade,")
    for item_type in ItemType:
        assert item_type.value in problem


def test_item_without_type() -> None:
    body = section(ASPECT + item(id='"notes"', label='"Notes"') + OVERALL)
    assert only_problem(template_text(body=body)).startswith(
        f"{SOURCE}: item 'notes': 'type' is None; expected one of"
    )


def test_misspelt_item_key() -> None:
    body = section(ASPECT + item(id='"notes"', type='"text"', label='"Notes"', requird="true"))
    problems = problems_of(template_text(body=body + section(OVERALL, "end", "End")))
    assert problems == [
        f"{SOURCE}: item 'notes': unknown key 'requird' "
        "(allowed: help, id, label, options, required, role, type)."
    ]


def test_item_without_id_is_named_by_section_and_position() -> None:
    body = section(ASPECT + item(type='"text"', label='"Notes"') + OVERALL)
    assert only_problem(template_text(body=body)) == (
        f"{SOURCE}: section 'main', item 2: 'id' is missing."
    )


def test_item_with_bad_id() -> None:
    body = section(ASPECT + item(id='"Notes"', type='"text"', label='"Notes"') + OVERALL)
    assert only_problem(template_text(body=body)) == (
        f"{SOURCE}: item 'Notes': id 'Notes' must be lower-case letters, digits and hyphens."
    )


def test_item_without_label() -> None:
    body = section(ASPECT + item(id='"notes"', type='"text"') + OVERALL)
    assert only_problem(template_text(body=body)) == f"{SOURCE}: item 'notes': 'label' is missing."


@pytest.mark.parametrize("required", ['"yes"', "1", '"true"'])
def test_required_not_a_boolean(required: str) -> None:
    notes = item(id='"notes"', type='"text"', label='"Notes"', required=required)
    problem = only_problem(template_text(body=section(ASPECT + notes + OVERALL)))
    assert problem == f"{SOURCE}: item 'notes': 'required' must be true or false."


def test_duplicate_item_id_across_sections() -> None:
    body = section(ASPECT + OVERALL) + section(
        item(id='"aspect"', type='"text"', label='"Again"'), "more", "More"
    )
    problem = only_problem(template_text(body=body))
    assert problem == f"{SOURCE}: item 'aspect': the id is used more than once in the template."


def test_duplicate_section_id() -> None:
    body = section(ASPECT + OVERALL) + section(item(id='"notes"', type='"text"', label='"N"'))
    assert "main" in only_problem(template_text(body=body))


@pytest.mark.parametrize(
    "options",
    [None, "[]", '[{ id = "only", label = "Only" }]', '"foster, kin"'],
    ids=["missing", "empty", "one", "not-a-list"],
)
def test_choice_without_enough_options(options: str | None) -> None:
    keys = {"id": '"placement"', "type": '"choice"', "label": '"Placement"'}
    if options is not None:
        keys["options"] = options
    problem = only_problem(template_text(body=section(ASPECT + item(**keys) + OVERALL)))
    assert problem == (
        f"{SOURCE}: item 'placement': a choice item needs 'options' with at least two entries."
    )


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (
            '[{ id = "kin", label = "Kin" }, { id = "kin", label = "Kinship" }]',
            "item 'placement' option 'kin': the id is used more than once.",
        ),
        (
            '[{ id = "kin", label = "Kin" }, { id = "Foster Care", label = "Foster" }]',
            "item 'placement' option 2: id 'Foster Care' must be lower-case letters, "
            "digits and hyphens.",
        ),
        (
            '[{ id = "kin", label = "Kin" }, { id = "foster" }]',
            "item 'placement' option 2: 'label' is missing.",
        ),
    ],
)
def test_malformed_choice_option(options: str, expected: str) -> None:
    choice = item(id='"placement"', type='"choice"', label='"Placement"', options=options)
    problem = only_problem(template_text(body=section(ASPECT + choice + OVERALL)))
    assert problem == f"{SOURCE}: {expected}"


def test_options_on_a_non_choice_item() -> None:
    options = '[{ id = "a", label = "A" }, { id = "b", label = "B" }]'
    notes = item(id='"notes"', type='"text"', label='"Notes"', options=options)
    problem = only_problem(template_text(body=section(ASPECT + notes + OVERALL)))
    assert problem == f"{SOURCE}: item 'notes': 'options' belongs only to choice items."


def test_unknown_role() -> None:
    notes = item(id='"notes"', type='"text"', label='"Notes"', role='"summary"')
    problem = only_problem(template_text(body=section(ASPECT + notes + OVERALL)))
    assert problem == (
        f"{SOURCE}: item 'notes': 'role' is 'summary'; "
        "expected one of overall, strengths, areas-for-development, reflection."
    )


@pytest.mark.parametrize(
    ("item_type", "role", "needed"),
    [
        ("grade", "strengths", "text"),
        ("yes-no", "reflection", "text"),
        ("choice", "areas-for-development", "text"),
        ("number", "overall", "grade"),
    ],
)
def test_role_on_the_wrong_item_type(item_type: str, role: str, needed: str) -> None:
    keys = {"id": '"odd"', "type": f'"{item_type}"', "label": '"Odd"', "role": f'"{role}"'}
    if item_type == "choice":
        keys["options"] = '[{ id = "a", label = "A" }, { id = "b", label = "B" }]'
    problems = problems_of(template_text(body=section(ASPECT + item(**keys) + OVERALL)))
    assert problems[0] == f"{SOURCE}: item 'odd': role '{role}' needs an item of type '{needed}'."
    # The misplaced item is dropped and the template keeps its own overall grade and aspect,
    # so nothing else is wrong.
    assert len(problems) == 1, problems


@pytest.mark.parametrize("role", ["strengths", "areas-for-development", "reflection"])
def test_text_roles_on_text_items_are_accepted(role: str) -> None:
    notes = item(id='"notes"', type='"text"', label='"Notes"', role=f'"{role}"')
    template = parse_template(template_text(body=section(ASPECT + notes + OVERALL)), SOURCE)
    assert template.with_role(ItemRole(role)) == template.item("notes")


def test_overall_role_on_a_text_item_also_leaves_no_overall_grade() -> None:
    overall_text = item(id='"overall"', type='"text"', label='"Overall"', role='"overall"')
    problems = problems_of(template_text(body=section(ASPECT + overall_text)))
    assert problems == [
        f"{SOURCE}: item 'overall': role 'overall' needs an item of type 'grade'.",
        f"{SOURCE}: template: no item has role 'overall': every form needs an overall grade.",
    ]


def test_two_items_with_the_same_role() -> None:
    body = section(
        ASPECT
        + item(id='"went-well"', type='"text"', label='"Went well"', role='"strengths"')
        + item(id='"also-well"', type='"text"', label='"Also"', role='"strengths"')
        + OVERALL
    )
    problem = only_problem(template_text(body=body))
    assert problem == (
        f"{SOURCE}: template: role 'strengths' is given to more than one item: "
        "['went-well', 'also-well']."
    )


def test_two_overall_grades() -> None:
    second = item(id='"overall-2"', type='"grade"', label='"Again"', role='"overall"')
    problem = only_problem(template_text(body=section(ASPECT + OVERALL + second)))
    assert "role 'overall' is given to more than one item" in problem


def test_no_overall_grade() -> None:
    problem = only_problem(template_text(body=section(ASPECT)))
    assert problem == (
        f"{SOURCE}: template: no item has role 'overall': every form needs an overall grade."
    )


def test_no_graded_aspect() -> None:
    notes = item(id='"notes"', type='"text"', label='"Notes"')
    problem = only_problem(template_text(body=section(notes + OVERALL)))
    assert problem == (f"{SOURCE}: template: there is no graded aspect (an item of type 'grade').")


def test_every_mistake_is_reported_at_once() -> None:
    header = {"id": '"Mini Audit"', "version": "0", "kind": '"audit"', "scale": '"ofsted-5"'}
    body = section(
        ASPECT
        + item(id='"notes"', type='"text"', label='"Notes"', requird="true")
        + item(id='"aspect"', type='"grade"', label='"Again"')
        + item(id='"placement"', type='"choice"', label='"Placement"')
    )
    with pytest.raises(TemplateError) as caught:
        parse_template(template_text(header, body), SOURCE)
    problems = caught.value.problems
    expected_fragments = [
        "template: id 'Mini Audit' must be",
        "template: 'version' must be",
        "template: 'kind' is 'audit'",
        "scale: unknown scale 'ofsted-5'",
        "item 'notes': unknown key 'requird'",
        "item 'aspect': the id is used more than once",
        "item 'placement': a choice item needs 'options'",
        "template: no item has role 'overall'",
    ]
    assert len(problems) == len(expected_fragments), problems
    for fragment in expected_fragments:
        assert sum(fragment in problem for problem in problems) == 1, fragment
    assert all(problem.startswith(f"{SOURCE}: ") for problem in problems)
    # The message shows every problem, one per line.
    assert str(caught.value).splitlines() == problems
