"""Where a record stands: the values a record's status may take, wherever it was saved."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """Where a record stands: a draft always saves; completed means every required item answered."""

    DRAFT = "draft"
    COMPLETED = "completed"


class ActionStatus(StrEnum):
    """How an agreed action stands."""

    OPEN = "open"
    IN_PROGRESS = "in-progress"
    DONE = "done"
    DROPPED = "dropped"
