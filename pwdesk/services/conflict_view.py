"""What the Conflicts view shows, read and worded without Qt: the records in conflict with the
names and forms their versions need, and each field and answer as people read it.

Differing answers are marked ≠; an empty value reads as a dash; devices go by their names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from pwdesk.domain.templates import OBSERVATION_TYPES, FormTemplate, TemplateKind
from pwdesk.services.conflicts import Conflict, ConflictVersion, list_conflicts
from pwdesk.services.people import list_auditors, list_children, list_practitioners
from pwdesk.services.templates import UnknownTemplate, catalogue
from pwdesk.services.weeks import list_weeks
from pwdesk.store.database import Database
from pwdesk.store.models import Signer

DIFFERS = "≠"
NO_VALUE = "—"

RECORD_KINDS = {
    "week": "Practice Week",
    "cohort": "Cohort",
    "child": "Child",
    "cohort-member": "Child in a cohort",
    "practitioner": "Practitioner",
    "auditor": "Senior leader",
    "assessment": "Audit or observation",
    "action": "Agreed action",
}
FIELD_NAMES = {
    "week_id": "Practice Week",
    "template_id": "Form",
    "template_version": "Form version",
    "auditor_id": "Senior leader",
    "held_on": "Date held",
    "due_on": "Due",
    "assessment_id": "Audit or observation",
}
KINDS = {
    TemplateKind.CASE_AUDIT.value: "Case audit",
    TemplateKind.OBSERVATION.value: "Observation of practice",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def field_label(name: str) -> str:
    """A content field's name as people read it ("child_id" → "Child")."""
    return FIELD_NAMES.get(name) or name.removesuffix("_id").replace("_", " ").capitalize()


def when(moment: datetime) -> str:
    """A version's time in local time, as people read it."""
    return moment.astimezone().strftime("%d %b %Y %H:%M")


@dataclass(frozen=True)
class ConflictsView:
    """Everything the page shows, read through the services in one go (off the GUI thread)."""

    conflicts: list[Conflict] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # record id -> what people call it
    templates: dict[tuple[str, int], FormTemplate] = field(default_factory=dict)
    devices: dict[str, str] = field(default_factory=dict)  # device id -> the device's name


def device_names(db: Database) -> dict[str, str]:
    """The name of every device this database knows by id: its own, and each whose packages
    it trusted (a signer is pinned to the device id it was trusted for)."""
    with db.read() as session:
        signers = session.execute(
            select(Signer.device_id, Signer.device_name).where(Signer.device_id.is_not(None))
        ).all()
    names = {str(device_id): name for device_id, name in signers if name}
    if db.identity.device_name:
        names[db.identity.device_id] = db.identity.device_name
    return names


def device_text(version: ConflictVersion, view: ConflictsView) -> str:
    """Where a version was made, by the device's name ("this device" for our own); a device
    known only by id (its package came through another store) by the start of its id."""
    name = view.devices.get(version.device_id, "")
    if version.local:
        return f"this device ({name})" if name else "this device"
    return name or f"a device not seen here (id {version.device_id[:8]})"


def _template_key(version: ConflictVersion) -> tuple[str, int] | None:
    template_id = version.content.get("template_id")
    template_version = version.content.get("template_version")
    if isinstance(template_id, str) and isinstance(template_version, int):
        return (template_id, template_version)
    return None


def load_conflicts(db: Database) -> ConflictsView:
    """The records in conflict, with the names and forms needed to show their versions."""
    conflicts = list_conflicts(db)
    if not conflicts:
        return ConflictsView()
    names = {c.id: c.case_reference for c in list_children(db)}
    names |= {p.id: f"{p.name} ({p.team})" if p.team else p.name for p in list_practitioners(db)}
    names |= {a.id: a.name for a in list_auditors(db)}
    names |= {w.id: f"{w.code} — {w.title}" for w in list_weeks(db)}
    forms = catalogue(db)
    templates: dict[tuple[str, int], FormTemplate] = {}
    for conflict in conflicts:
        for version in conflict.versions:
            key = _template_key(version)
            if key is not None and key not in templates:
                with suppress(UnknownTemplate):
                    templates[key] = forms.get(*key)
    return ConflictsView(conflicts, names, templates, device_names(db))


def template_of(version: ConflictVersion, view: ConflictsView) -> FormTemplate | None:
    """The form a version of an audit or observation was filled in on, if it is known here."""
    key = _template_key(version)
    return view.templates.get(key) if key is not None else None


# --- showing values -------------------------------------------------------------------------


def answer_text(template: FormTemplate | None, item_id: str, answer: Any) -> str:
    """One answer as "Item: value — note", with the form's labels for its item and options."""
    label, value, note = item_id, answer, ""
    if isinstance(answer, Mapping):
        value, note = answer.get("value"), str(answer.get("note") or "")
    if template is not None:
        with suppress(KeyError):
            item = template.item(item_id)
            label = item.label
            options = {option.id: option.label for option in item.options}
            if isinstance(value, str) and value in options:
                value = options[value]
            elif isinstance(value, str) and template.scale.knows(value):
                value = template.scale.grade(value).label
    shown = NO_VALUE if value in (None, "") else str(value)
    return f"{label}: {shown}" + (f" — {note}" if note else "")


def in_form_order(keys: Iterable[str], template: FormTemplate | None) -> list[str]:
    """Item ids in the order the form asks them; any the form does not know last, sorted."""
    order = [item.id for item in template.items()] if template is not None else []
    wanted = set(keys)
    return [key for key in order if key in wanted] + sorted(wanted - set(order))


def _as_shown(answer: Any) -> tuple[str, str]:
    """An answer as a reader sees it: its value and its note, an empty one the same as none."""
    value, note = answer, ""
    if isinstance(answer, Mapping):
        value, note = answer.get("value"), str(answer.get("note") or "").strip()
    return ("" if value in (None, "", [], {}) else repr(value)), note


def answers_that_differ(values: Iterable[Any]) -> set[str]:
    """The item ids whose answers read differently between versions' answer maps: another
    value or another note. An answer missing and one left empty read the same, so do not
    count."""
    maps = [value if isinstance(value, Mapping) else {} for value in values]
    keys = {key for answers in maps for key in answers}
    return {key for key in keys if len({_as_shown(answers.get(key)) for answers in maps}) > 1}


def answers_summary(every: Iterable[Any], clashing: set[str]) -> str:
    """How the versions' answers compare, in words: "17 of 27 answers differ between the
    versions: 1 was changed in both (choose it above), 16 in one only (combined)"."""
    maps = [value if isinstance(value, Mapping) else {} for value in every]
    total = len({key for answers in maps for key in answers})
    differing = answers_that_differ(maps)
    if not differing:
        return f"{total} answer{'s' if total != 1 else ''}, the same in every version."
    both = len(differing & clashing)
    one = len(differing) - both
    text = f"{len(differing)} of {total} answers differ between the versions"
    parts = []
    if both:
        parts.append(f"{both} changed in more than one (choose above)")
    if one:
        parts.append(f"{one} changed in one version only (combined)")
    return text + (": " + "; ".join(parts) if parts else "") + "."


def differing_answers_text(
    answers: Mapping[str, Any], template: FormTemplate | None, differing: set[str]
) -> str:
    """Only the answers that differ between versions (marked ≠), then how many are the same:
    the choice is between those, and a dozen identical paragraphs would hide them."""
    lines = [
        f"{DIFFERS} " + answer_text(template, key, answers.get(key))
        for key in in_form_order(differing, template)
    ]
    same = len(set(answers) - differing)
    if same:
        lines.append(
            f"… and {same} other answer{'s' if same > 1 else ''}, the same in every version."
        )
    return "\n".join(lines)


def value_text(value: Any, names: Mapping[str, str]) -> str:
    """One field's value as people read it: names for record ids, dates in words."""
    if value is None or value == "":
        return NO_VALUE
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        if value in names:
            return names[value]
        if _ISO_DATE.match(value):
            with suppress(ValueError):
                day = datetime.fromisoformat(value)
                return f"{day.day} {day:%b %Y}"
        return value
    if isinstance(value, list | tuple):
        return "; ".join(value_text(item, names) for item in value) or NO_VALUE
    if isinstance(value, Mapping):
        return "\n".join(f"{key}: {value_text(item, names)}" for key, item in value.items())
    return str(value)


def field_text(name: str, version: ConflictVersion, view: ConflictsView) -> str:
    """A field of a version as people read it: form titles, kinds and statuses in words."""
    value = version.content.get(name)
    form = template_of(version, view)
    if name == "template_id" and form is not None:
        return form.title
    if name == "kind" and isinstance(value, str):
        return KINDS.get(value, value)
    if name == "observation_type" and isinstance(value, str):
        return OBSERVATION_TYPES.get(value, value)
    if name == "status" and isinstance(value, str):
        return value.capitalize()
    return value_text(value, view.names)


def describe(conflict: Conflict, view: ConflictsView) -> str:
    """Which record this is, in a few words (a child's case reference, a person's name)."""
    content = next(
        (v.content for v in conflict.versions if v.id == conflict.shown),
        conflict.versions[0].content,
    )
    if conflict.record_type == "assessment":
        form = template_of(conflict.versions[0], view)
        parts = [
            view.names.get(str(content.get("child_id")), ""),
            form.title if form is not None else str(content.get("template_id", "")),
            value_text(content.get("held_on"), view.names),
        ]
        return ", ".join(part for part in parts if part and part != NO_VALUE)
    for key in ("case_reference", "name", "code", "title", "description", "child_id"):
        if content.get(key):
            return value_text(content[key], view.names)
    return conflict.record_id[:8]


# --- the list ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictRow:
    """One line of the conflicts list."""

    conflict: Conflict
    kind: str
    description: str
    authors: str
    latest: str
    devices: str = ""  # where the versions were made, by the devices' names

    @property
    def record_id(self) -> str:
        """The id of the record in conflict."""
        return self.conflict.record_id


def conflict_rows(view: ConflictsView) -> list[ConflictRow]:
    """The conflicts as list lines."""
    return [
        ConflictRow(
            conflict,
            RECORD_KINDS.get(conflict.record_type, conflict.record_type),
            describe(conflict, view),
            ", ".join(dict.fromkeys(v.author for v in conflict.versions)),
            max(v.created_at for v in conflict.versions).astimezone().strftime("%Y-%m-%d %H:%M"),
            ", ".join(dict.fromkeys(device_text(v, view) for v in conflict.versions)),
        )
        for conflict in view.conflicts
    ]
