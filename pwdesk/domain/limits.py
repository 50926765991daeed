"""The bounds every stored value keeps: lengths, characters and dates, wherever it was typed.

A column of bounded length bounds its text; a name or a role is short; free text (evidence, notes,
narratives) is generous but finite. No text holds a control character but the tab and line
breaks of free text, and no one-line text a line or paragraph separator.
"""

from __future__ import annotations

import re
from datetime import date

SHORT_TEXT = 200
"""The most characters of a name, a role, a team or any other one-line text without a bound."""
FREE_TEXT = 100_000
"""The most characters of one piece of free text: evidence, a note, a report's narrative."""
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2199, 12, 31)
"""The dates a record may hold; anything outside is a typing slip or a forgery."""

UUID_PATTERN = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
"""A record's or a device's id, as pwdesk writes it."""

MAX_LINES = 500
"""The most lines one piece of free text may have: each costs its page layout dearly."""

# Control characters, surrogates and the noncharacters XML (so XLSX) cannot hold. Free text may
# also hold the line breaks a paste brings: tab, line feed, carriage return, and the vertical
# tab, form feed and next-line Word and older programs use; one-line text none of these.
_LINE_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_TEXT_CONTROL = re.compile(
    "[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
_PASTED_BREAKS = re.compile("\r\n|[\x0b\x0c\x85\u2028\u2029\r]")


def text_problem(where: str, value: str, limit: int, *, lines: bool) -> str | None:
    """Why a text value cannot be stored, or None: too long, or holding a control character
    (free text, ``lines``, may hold tabs and line breaks)."""
    if len(value) > limit:
        return f"{where} is longer than the {limit:,} characters pwdesk keeps."
    if (_TEXT_CONTROL if lines else _LINE_CONTROL).search(value):
        return f"{where} holds a control character, which pwdesk never stores."
    if lines and value.count("\n") >= MAX_LINES:
        return f"{where} has more than the {MAX_LINES} lines pwdesk keeps."
    return None


def pasted_text(value: str) -> str:
    """Free text with every kind of line break a paste can bring (Windows' CR LF, Word's vertical
    tab, form feed, next line, the Unicode separators) made one line feed, as the user meant."""
    return _PASTED_BREAKS.sub("\n", value)
