"""What a record editor holds, as plain data: the record's state, whom it can name, and how
its agreed actions line up with the saved ones after a save.

No widgets here: the state goes to the draft buffer as plain data and comes back from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from pwdesk.domain.dates import parse_date
from pwdesk.domain.statuses import Status
from pwdesk.domain.templates import FormTemplate
from pwdesk.gui.form.actions_editor import ActionLine
from pwdesk.services.actions import ActionRow
from pwdesk.services.assessments import AssessmentDraft


@dataclass(frozen=True)
class Choice:
    """An entry of a chooser: the words shown and the record id behind them."""

    label: str
    id: str


@dataclass(frozen=True)
class People:
    """Whom a record can name: children, practitioners and senior leaders."""

    children: Sequence[Choice]
    practitioners: Sequence[Choice]
    auditors: Sequence[Choice]


@dataclass(frozen=True)
class EditorState:
    """Everything an editor opens with: a saved record, a new one, or a recovered draft."""

    template: FormTemplate
    draft: AssessmentDraft
    status: Status = Status.DRAFT
    record_id: str | None = None
    actions: tuple[ActionLine, ...] = ()
    draft_key: str = ""
    base_version: str | None = None  # the record's version the editor opened: its save's base
    second_audit: bool = False  # a second case audit of the child this week, chosen deliberately

    def payload(self) -> dict[str, Any]:
        """The state as plain data, for the draft buffer."""
        draft = self.draft
        return {
            "template_id": self.template.id,
            "template_version": self.template.version,
            "week_id": draft.week_id,
            "child_id": draft.child_id,
            "practitioner_id": draft.practitioner_id,
            "auditor_id": draft.auditor_id,
            "held_on": draft.held_on.isoformat() if draft.held_on else None,
            "answers": {key: dict(value) for key, value in draft.answers.items()},
            "status": self.status.value,
            "record_id": self.record_id,
            "base_version": self.base_version,
            "second_audit": self.second_audit,
            "actions": [
                {
                    "description": line.description,
                    "owner": line.owner,
                    "due_on": line.due_on.isoformat() if line.due_on else None,
                    "action_id": line.action_id,
                    "base": line.base,
                }
                for line in self.actions
            ],
        }


def state_from_payload(key: str, payload: dict[str, Any], template: FormTemplate) -> EditorState:
    """Rebuild an editor's state from a kept draft."""
    draft = AssessmentDraft(
        week_id=payload["week_id"],
        template_id=template.id,
        template_version=template.version,
        child_id=payload.get("child_id"),
        practitioner_id=payload.get("practitioner_id"),
        auditor_id=payload.get("auditor_id"),
        held_on=parse_date(payload.get("held_on")),
        answers=payload.get("answers", {}),
    )
    actions = tuple(
        ActionLine(
            line.get("description", ""),
            line.get("owner", ""),
            parse_date(line.get("due_on")),
            line.get("action_id"),
            line.get("base"),
        )
        for line in payload.get("actions", [])
    )
    return EditorState(
        template=template,
        draft=draft,
        status=Status(payload.get("status", Status.DRAFT)),
        record_id=payload.get("record_id"),
        actions=actions,
        draft_key=key,
        base_version=payload.get("base_version"),
        second_audit=bool(payload.get("second_audit", False)),
    )


def action_line(row: ActionRow) -> ActionLine:
    """A saved action as a line of the form, holding its version as the base of its next save."""
    return ActionLine(row.description, row.owner, row.due_on, row.id, row.version)


def claim_saved_actions(lines: Sequence[ActionLine], rows: Sequence[ActionRow]) -> list[ActionLine]:
    """The form's lines after a save, each holding the id and version of the action it became.

    A line finds its action by id, or else (a new one) by what it says; actions agreed elsewhere
    meanwhile (a merge) join at the end rather than stay unseen.
    """
    by_id = {row.id: row for row in rows}
    unclaimed = list(rows)
    kept: list[ActionLine] = []
    for line in lines:
        found = by_id.get(line.action_id or "")
        if found is None:
            found = next(
                (
                    row
                    for row in unclaimed
                    if (row.description, row.owner, row.due_on)
                    == (line.description, line.owner, line.due_on)
                ),
                None,
            )
        if found is not None:
            unclaimed.remove(found)
            kept.append(replace(line, action_id=found.id, base=found.version))
        else:
            kept.append(line)
    kept.extend(action_line(row) for row in unclaimed)
    return kept
