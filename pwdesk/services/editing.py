"""Saving what an editor holds: the record, its agreed actions and its draft, as one use case.

The record and its actions are saved, and the kept draft dropped, in one transaction: a failure
half-way leaves the record, its actions and its draft exactly as they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from pwdesk.domain.statuses import Status
from pwdesk.services.actions import AgreedAction, set_record_actions_in
from pwdesk.services.assessments import AssessmentDraft, save_assessment_in
from pwdesk.services.common import Saved
from pwdesk.services.drafts import discard_draft_in
from pwdesk.store.database import Database


@dataclass(frozen=True)
class RecordSaved:
    """The outcome of saving an editor: the record's save and how many actions changed."""

    record: Saved
    actions_changed: int

    @property
    def changed(self) -> bool:
        """Whether anything was saved as a new version."""
        return self.record.changed or self.actions_changed > 0


def save_record(
    db: Database,
    record_id: str | None,
    draft: AssessmentDraft,
    actions: Sequence[AgreedAction],
    *,
    status: Status | None = None,
    base: str | None = None,
    action_bases: Mapping[str, str] | None = None,
    draft_key: str | None = None,
    second_audit: bool = False,
) -> RecordSaved:
    """Save a record made from version ``base``, make its actions ``actions`` and drop the draft
    ``draft_key``, all in one transaction."""
    with db.write() as session:
        saved = save_assessment_in(
            session, db, record_id, draft, status=status, base=base, second_audit=second_audit
        )
        # With the bases of the actions the form opened, only those can be removed by it.
        bases = dict(action_bases) if action_bases is not None else None
        lines = [
            line
            if line.base is not None or line.action_id is None
            else replace(line, base=(bases or {}).get(line.action_id))
            for line in actions
        ]
        changed = set_record_actions_in(session, db, saved.id, lines, bases=bases)
        if draft_key:
            discard_draft_in(session, draft_key)
    return RecordSaved(saved, changed)
