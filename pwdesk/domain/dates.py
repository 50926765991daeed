"""Dates as people and files write them: exactly YYYY-MM-DD, nothing looser."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_date(value: Any) -> dt.date | None:
    """A date written exactly as YYYY-MM-DD, or None for anything else.

    ``date.fromisoformat`` alone also takes forms such as 20180917 and 2018-W38-1, which no
    one means in a form or a file.
    """
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def long_date(day: dt.date) -> str:
    """A date in words, e.g. 1 June 2018."""
    return f"{day.day} {day:%B %Y}"
