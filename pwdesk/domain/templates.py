"""Form templates: audit and observation forms as data, parsed from TOML and checked thoroughly.

A template names its grade scale and lists sections of items. Every saved record names the
template id and version it was filled in with, so a template is never changed in place: a change
is a new version.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pwdesk.domain.errors import PwdeskError
from pwdesk.domain.grades import BUILT_IN_SCALES, Grade, GradeScale

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class TemplateKind(StrEnum):
    """What a template records: a case-discussion audit or an observation of practice."""

    CASE_AUDIT = "case-audit"
    OBSERVATION = "observation"


OBSERVATION_TYPES: Mapping[str, str] = {
    "home-visit": "Home visit",
    "cp-conference": "Child protection conference",
    "core-group": "Core group meeting",
    "lac-review": "Looked-after child review",
    "supervision": "Supervision",
}


class ItemType(StrEnum):
    """The kinds of question a form can ask."""

    GRADE = "grade"  # a grade from the scale plus evidence text
    YES_NO = "yes-no"  # yes / no / partly, plus an optional comment
    DATE = "date"
    NUMBER = "number"
    CHOICE = "choice"  # one of the item's options
    TEXT = "text"
    ACTIONS = "actions"  # the agreed-actions table (action, owner, due date)


class ItemRole(StrEnum):
    """Items that feedback sheets and reports look for by meaning rather than by id."""

    OVERALL = "overall"  # the overall grade (a grade item)
    STRENGTHS = "strengths"  # what is working well (a text item)
    DEVELOPMENT = "areas-for-development"  # what needs to improve (a text item)
    REFLECTION = "reflection"  # the practitioner's reflection (a text item)


YES_NO_ANSWERS: tuple[tuple[str, str], ...] = (("yes", "Yes"), ("partly", "Partly"), ("no", "No"))


@dataclass(frozen=True)
class Choice:
    """One option of a choice item."""

    id: str
    label: str


@dataclass(frozen=True)
class Item:
    """One question of a form."""

    id: str
    type: ItemType
    label: str
    help: str = ""
    required: bool = False
    role: ItemRole | None = None
    options: tuple[Choice, ...] = ()

    @property
    def is_aspect(self) -> bool:
        """A graded aspect of practice: a grade item other than the overall grade."""
        return self.type is ItemType.GRADE and self.role is not ItemRole.OVERALL


@dataclass(frozen=True)
class Section:
    """A titled group of items."""

    id: str
    title: str
    items: tuple[Item, ...]
    help: str = ""


@dataclass(frozen=True)
class FormTemplate:
    """A whole form: identity, grade scale and sections."""

    id: str
    version: int
    kind: TemplateKind
    title: str
    scale: GradeScale
    sections: tuple[Section, ...]
    description: str = ""
    observation_type: str | None = None

    @property
    def key(self) -> tuple[str, int]:
        """The (id, version) pair that records cite."""
        return (self.id, self.version)

    @property
    def observation_label(self) -> str | None:
        """The words for this observation's type, e.g. "Home visit"."""
        return OBSERVATION_TYPES.get(self.observation_type or "")

    def items(self) -> Iterator[Item]:
        """Every item in form order."""
        for section in self.sections:
            yield from section.items

    def item(self, item_id: str) -> Item:
        """The item with this id; KeyError if there is none."""
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def aspects(self) -> tuple[Item, ...]:
        """The graded aspects of practice, in form order, without the overall grade."""
        return tuple(item for item in self.items() if item.is_aspect)

    def with_role(self, role: ItemRole) -> Item | None:
        """The item playing ``role``, if the template has one."""
        return next((item for item in self.items() if item.role is role), None)

    @property
    def overall(self) -> Item:
        """The overall-grade item every template has."""
        item = self.with_role(ItemRole.OVERALL)
        assert item is not None, "validated templates always have an overall grade"
        return item


class TemplateError(PwdeskError):
    """A template file is malformed; ``problems`` lists every mistake found, one sentence each."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else "\n".join(problems))


_TOP_KEYS = {
    "id",
    "version",
    "kind",
    "title",
    "description",
    "observation_type",
    "scale",
    "sections",
}
_SECTION_KEYS = {"id", "title", "help", "items"}
_ITEM_KEYS = {"id", "type", "label", "help", "required", "role", "options"}
_ROLE_TYPES = {
    ItemRole.OVERALL: ItemType.GRADE,
    ItemRole.STRENGTHS: ItemType.TEXT,
    ItemRole.DEVELOPMENT: ItemType.TEXT,
    ItemRole.REFLECTION: ItemType.TEXT,
}


class _Checker:
    """Collects every problem in a template so the author can fix them all in one go."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{self.source}: {where}: {what}.")

    def text(self, table: Mapping[str, Any], key: str, where: str, *, required: bool) -> str:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(where, f"'{key}' is missing")
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.problem(where, f"'{key}' must be a non-empty text")
            return ""
        return value.strip()

    def slug(self, table: Mapping[str, Any], where: str) -> str:
        value = self.text(table, "id", where, required=True)
        if value and not SLUG.match(value):
            self.problem(where, f"id {value!r} must be lower-case letters, digits and hyphens")
        return value

    def unknown_keys(self, table: Mapping[str, Any], allowed: set[str], where: str) -> None:
        for key in sorted(set(table) - allowed):
            self.problem(where, f"unknown key '{key}' (allowed: {', '.join(sorted(allowed))})")


MAX_VERSION = 1_000_000
"""The highest template version: beyond any form's life, and within every database's integers."""


def parse_template(text: str, source: str) -> FormTemplate:
    """Parse and check a template's TOML text; ``source`` names it in error messages.

    Raises TemplateError listing every problem found.
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise TemplateError([f"{source}: not valid TOML: {error}."]) from None
    except RecursionError:
        raise TemplateError([f"{source}: nested more deeply than any form needs."]) from None
    except ValueError:  # a number of thousands of digits, which Python will not read
        raise TemplateError([f"{source}: holds a number longer than any form needs."]) from None
    check = _Checker(source)
    top = "template"
    check.unknown_keys(data, _TOP_KEYS, top)
    template_id = check.slug(data, top)
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= MAX_VERSION:
        check.problem(top, f"'version' must be a whole number from 1 to {MAX_VERSION:,}")
        version = 0
    title = check.text(data, "title", top, required=True)
    description = check.text(data, "description", top, required=False)
    kind = _parse_kind(data, check)
    observation_type = _parse_observation_type(data, kind, check)
    scale = _parse_scale(data.get("scale", "ofsted-4"), check)
    sections = _parse_sections(data.get("sections"), scale, check)
    _check_roles(sections, check)
    if check.problems:
        raise TemplateError(check.problems)
    assert kind is not None
    assert scale is not None
    return FormTemplate(
        id=template_id,
        version=version,
        kind=kind,
        title=title,
        description=description,
        observation_type=observation_type,
        scale=scale,
        sections=sections,
    )


def _parse_kind(data: Mapping[str, Any], check: _Checker) -> TemplateKind | None:
    value = data.get("kind")
    try:
        return TemplateKind(str(value))
    except ValueError:
        kinds = ", ".join(kind.value for kind in TemplateKind)
        check.problem("template", f"'kind' is {value!r}; expected one of {kinds}")
        return None


def _parse_observation_type(
    data: Mapping[str, Any], kind: TemplateKind | None, check: _Checker
) -> str | None:
    value = data.get("observation_type")
    if kind is TemplateKind.OBSERVATION:
        if not isinstance(value, str) or value not in OBSERVATION_TYPES:
            known = ", ".join(OBSERVATION_TYPES)
            check.problem("template", f"'observation_type' is {value!r}; expected one of {known}")
            return None
        return str(value)
    if value is not None:
        check.problem("template", "'observation_type' belongs only to observation templates")
    return None


def _parse_scale(value: Any, check: _Checker) -> GradeScale | None:
    where = "scale"
    if isinstance(value, str):
        if value not in BUILT_IN_SCALES:
            known = ", ".join(BUILT_IN_SCALES)
            check.problem(where, f"unknown scale {value!r}; use one of {known} or define one")
            return None
        return BUILT_IN_SCALES[value]
    if not isinstance(value, dict):
        check.problem(where, "'scale' must be the name of a scale or a table defining one")
        return None
    check.unknown_keys(value, {"id", "grades", "good_or_better"}, where)
    scale_id = check.slug(value, where)
    raw_grades = value.get("grades")
    if not isinstance(raw_grades, list) or not raw_grades:
        check.problem(where, "'grades' must list at least one grade, best first")
        return None
    grades = tuple(Grade(i, label) for i, label in _parse_labelled(raw_grades, "grade", check))
    good = check.text(value, "good_or_better", where, required=True)
    try:
        return GradeScale(scale_id, grades, good)
    except ValueError as error:
        check.problem(where, str(error))
        return None


def _parse_labelled(raw: list[Any], noun: str, check: _Checker) -> list[tuple[str, str]]:
    """Parse ``[{id, label}, ...]`` into (id, label) pairs: the grades of a scale, or options."""
    parsed: list[tuple[str, str]] = []
    for index, entry in enumerate(raw, start=1):
        where = f"{noun} {index}"
        if not isinstance(entry, dict):
            check.problem(where, "must be a table with 'id' and 'label'")
            continue
        check.unknown_keys(entry, {"id", "label"}, where)
        entry_id = check.slug(entry, where)
        label = check.text(entry, "label", where, required=True)
        parsed.append((entry_id, label))
    ids = [entry_id for entry_id, _ in parsed]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        check.problem(f"{noun} '{duplicate}'", "the id is used more than once")
    return parsed


def _parse_sections(raw: Any, scale: GradeScale | None, check: _Checker) -> tuple[Section, ...]:
    if not isinstance(raw, list) or not raw:
        check.problem("template", "'sections' must list at least one section ([[sections]])")
        return ()
    sections: list[Section] = []
    seen_items: set[str] = set()
    seen_sections: set[str] = set()
    for index, table in enumerate(raw, start=1):
        if not isinstance(table, dict):
            check.problem(f"section {index}", "must be a table")
            continue
        where = f"section {table.get('id', index)!r}" if "id" in table else f"section {index}"
        check.unknown_keys(table, _SECTION_KEYS, where)
        section_id = check.slug(table, where)
        if section_id in seen_sections:
            check.problem(where, "the id is used by another section")
        seen_sections.add(section_id)
        title = check.text(table, "title", where, required=True)
        help_text = check.text(table, "help", where, required=False)
        raw_items = table.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            check.problem(where, "needs at least one item ([[sections.items]])")
            raw_items = []
        items = []
        for item_index, item_table in enumerate(raw_items, start=1):
            item = _parse_item(item_table, f"{where}, item {item_index}", check)
            if item is None:
                continue
            if item.id in seen_items:
                check.problem(f"item '{item.id}'", "the id is used more than once in the template")
            seen_items.add(item.id)
            items.append(item)
        sections.append(Section(section_id, title, tuple(items), help_text))
    return tuple(sections)


def _parse_item(table: Any, position: str, check: _Checker) -> Item | None:
    if not isinstance(table, dict):
        check.problem(position, "must be a table")
        return None
    where = f"item '{table['id']}'" if isinstance(table.get("id"), str) else position
    before = len(check.problems)
    check.unknown_keys(table, _ITEM_KEYS, where)
    item_id = check.slug(table, where)
    label = check.text(table, "label", where, required=True)
    help_text = check.text(table, "help", where, required=False)
    required = table.get("required", False)
    if not isinstance(required, bool):
        check.problem(where, "'required' must be true or false")
        required = False
    try:
        item_type = ItemType(str(table.get("type")))
    except ValueError:
        types = ", ".join(t.value for t in ItemType)
        check.problem(where, f"'type' is {table.get('type')!r}; expected one of {types}")
        return None
    role = None
    if "role" in table:
        try:
            role = ItemRole(table["role"])
        except ValueError:
            roles = ", ".join(r.value for r in ItemRole)
            check.problem(where, f"'role' is {table['role']!r}; expected one of {roles}")
        else:
            if _ROLE_TYPES[role] is not item_type:
                check.problem(where, f"role '{role}' needs an item of type '{_ROLE_TYPES[role]}'")
    options: tuple[Choice, ...] = ()
    if item_type is ItemType.CHOICE:
        raw_options = table.get("options")
        if not isinstance(raw_options, list) or len(raw_options) < 2:
            check.problem(where, "a choice item needs 'options' with at least two entries")
        else:
            pairs = _parse_labelled(raw_options, f"{where} option", check)
            options = tuple(Choice(i, label) for i, label in pairs)
    elif "options" in table:
        check.problem(where, "'options' belongs only to choice items")
    if item_type is ItemType.ACTIONS and required:
        check.problem(where, "an actions item cannot be required (actions are optional records)")
    if len(check.problems) > before:
        return None
    return Item(item_id, item_type, label, help_text, required, role, options)


def _check_roles(sections: tuple[Section, ...], check: _Checker) -> None:
    items = [item for section in sections for item in section.items]
    for role in ItemRole:
        playing = [item.id for item in items if item.role is role]
        if len(playing) > 1:
            check.problem("template", f"role '{role}' is given to more than one item: {playing}")
    if sections and not any(item.role is ItemRole.OVERALL for item in items):
        check.problem("template", "no item has role 'overall': every form needs an overall grade")
    if sections and not any(item.is_aspect for item in items):
        check.problem("template", "there is no graded aspect (an item of type 'grade')")
