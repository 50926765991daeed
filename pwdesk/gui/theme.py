"""Text colours that read on the desktop's theme, light or dark.

pwdesk's own colours (palette.py) are chosen for white paper and a light window. On a dark or
high-contrast theme each is swapped for a lighter one, or for a blend of the theme's own text
and window colours, so labels never turn near-black on dark.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QColor, QGuiApplication, QPalette

from pwdesk.gui.widgets import muted
from pwdesk.palette import ACCENT

ERROR_ON_LIGHT = "#B3261E"  # text of a value that will not be kept; always with words why
ERROR_ON_DARK = "#FF8A80"
ACCENT_ON_DARK = "#8AB4F8"
AMBER_ON_DARK = "#FDD663"
GREEN_ON_DARK = "#81C995"


def dark_theme() -> bool:
    """Whether the application's window colour is dark (its text then light)."""
    return QGuiApplication.palette().color(QPalette.ColorRole.Window).lightness() < 128


def muted_text() -> str:
    """Secondary text for a style sheet: what widgets.muted makes of the theme's text colour,
    flattened onto its window colour (a style sheet's colour is opaque)."""
    palette = QGuiApplication.palette()
    ink = muted(palette.color(QPalette.ColorRole.WindowText))
    paper = palette.color(QPalette.ColorRole.Window)
    share = ink.alphaF()
    blend = QColor(
        *(
            round(part * share + under * (1 - share))
            for part, under in zip(_rgb(ink), _rgb(paper), strict=True)
        )
    )
    return str(blend.name())


def accent_text() -> str:
    """Headings: pwdesk's blue, or a lighter blue on a dark theme."""
    return ACCENT_ON_DARK if dark_theme() else ACCENT


def error_text() -> str:
    """What is wrong or missing: a red that reads on the theme's window colour."""
    return ERROR_ON_DARK if dark_theme() else ERROR_ON_LIGHT


# The style sheet's colours (resources/style.qss) and what each becomes on the theme.
_STYLE_COLOURS: dict[str, Callable[[], str]] = {
    "#5F6368": muted_text,
    "#1F4E9A": accent_text,
    "#B00020": error_text,
    "#8A4B00": lambda: AMBER_ON_DARK,  # what is still missing, a fair passphrase
    "#1B5E20": lambda: GREEN_ON_DARK,  # a strong passphrase
}


def themed_style(style_sheet: str) -> str:
    """The style sheet with its text colours made to read on the theme (unchanged on light)."""
    if not dark_theme():
        return style_sheet
    for colour, themed in _STYLE_COLOURS.items():
        style_sheet = style_sheet.replace(colour, themed())
    return style_sheet


def _rgb(colour: QColor) -> tuple[int, int, int]:
    return colour.red(), colour.green(), colour.blue()
