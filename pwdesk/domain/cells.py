"""Text for spreadsheet cells that a spreadsheet program can never run as a formula.

Following the OWASP guidance on CSV injection, a text cell that begins with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return is written with a leading apostrophe in CSV, which Excel and
LibreOffice show as text; pwdesk's own import takes the apostrophe off again. XLSX cells are
stored as text, never as formulas, and characters XLSX cannot hold are replaced.
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (so neither XLSX nor DOCX can): pasted control codes and such.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
REPLACEMENT = "\ufffd"


_ESCAPED = (*FORMULA_STARTS, "'")


def csv_text(text: str) -> str:
    """A text cell for CSV, neutralised if a spreadsheet would read it as a formula. Text that
    already begins with an apostrophe gets one more, so reading it back is exact."""
    return "'" + text if text.startswith(_ESCAPED) else text


def from_csv_text(text: str) -> str:
    """A CSV cell as pwdesk wrote it, with a neutralising apostrophe taken off."""
    return text[1:] if text.startswith("'") and text[1:].startswith(_ESCAPED) else text


def has_xlsx_unsafe(text: str) -> bool:
    """Whether the text holds a control character an XLSX file cannot store."""
    return NOT_XML.search(text) is not None


def xlsx_text(text: str) -> str:
    """A text cell for XLSX: every character an XLSX file cannot store replaced by U+FFFD."""
    return NOT_XML.sub(REPLACEMENT, text)
