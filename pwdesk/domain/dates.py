"""Dates as people and files write them: files exactly YYYY-MM-DD; typed dates in common forms."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH_NAMES = (
    *("january", "february", "march", "april", "may", "june"),
    *("july", "august", "september", "october", "november", "december"),
)
# English whatever the desktop's language (the forms are English), so not strftime's %B.
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS.update({name[:3]: number for number, name in enumerate(_MONTH_NAMES, 1)})
_MONTHS["sept"] = 9


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
    """A date in words, e.g. 1 June 2018: English whatever the desktop's language."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1].title()} {day.year}"


def short_date(day: dt.date) -> str:
    """A date as date fields show it, e.g. 18 Sep 2018."""
    return f"{day.day} {_MONTH_NAMES[day.month - 1][:3].title()} {day.year}"


# 18/09/2018, 18.9.18, 18-09-2018: day first, as dates are written in the UK.
_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
# 18 Sep 2018, 18 September 2018, 18th Sept 2018, Tue 18 Sep 2018, 18-Sep-2018
_WORDED = re.compile(
    r"^(?:[a-z]+,?\s+)?(\d{1,2})(?:st|nd|rd|th)?[\s\-/.]*([a-z]+)\.?[\s\-/.,]*(\d{2}|\d{4})$"
)


def read_typed_date(text: str) -> dt.date | None:
    """The date someone typed, or None if it cannot be read for certain.

    Takes 2018-09-18, 18/09/2018 (day first, two- or four-digit year), 18 Sep 2018 and
    18 September 2018. Never guesses: a day or month out of range, an unknown month word or a
    missing year gives None, so the field can say so instead of silently showing another date.
    """
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        return None
    if iso := parse_date(cleaned):
        return iso
    numeric = _NUMERIC.match(cleaned)
    worded = _WORDED.match(cleaned)
    if numeric:
        day, month, year = int(numeric[1]), int(numeric[2]), numeric[3]
    elif worded and worded[2] in _MONTHS:
        day, month, year = int(worded[1]), _MONTHS[worded[2]], worded[3]
    else:
        return None
    full_year = int(year) if len(year) == 4 else 2000 + int(year)
    try:
        return dt.date(full_year, month, day)
    except ValueError:
        return None
