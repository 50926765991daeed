"""Never lose a word: the form's unsaved state, kept within a second and offered back after a crash.

A kept draft is not a version: versions are cut when the user saves, completes or closes. The
buffer lives in the same encrypted database, so unsaved typing is as safe as saved work.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from pwdesk.domain.versions import check_plain
from pwdesk.store.database import Database
from pwdesk.store.models import DraftBuffer


@dataclass(frozen=True)
class KeptDraft:
    """Unsaved work found in the buffer."""

    key: str
    record_id: str | None
    payload: dict[str, Any]
    updated_at: datetime


def keep_draft(db: Database, key: str, record_id: str | None, payload: dict[str, Any]) -> None:
    """Store (or replace) the unsaved state of one open form."""
    check_plain(payload, "draft")
    with db.write() as session:
        session.merge(
            DraftBuffer(key=key, record_id=record_id, payload=payload, updated_at=db.clock())
        )


def kept_drafts(db: Database) -> list[KeptDraft]:
    """Every draft still in the buffer, oldest first."""
    with db.read() as session:
        rows = session.scalars(select(DraftBuffer).order_by(DraftBuffer.updated_at)).all()
        return [KeptDraft(r.key, r.record_id, dict(r.payload), r.updated_at) for r in rows]


def discard_draft(db: Database, key: str) -> None:
    """Forget a kept draft, once its content is saved as a version or the user lets it go."""
    with db.write() as session:
        discard_draft_in(session, key)


def discard_draft_in(session: Session, key: str) -> None:
    """discard_draft inside the caller's transaction (the save of what the draft held)."""
    session.execute(delete(DraftBuffer).where(DraftBuffer.key == key))
