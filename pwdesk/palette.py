"""Colours shared by the screens and the printed documents.

Grades use a colour-blind-safe diverging palette (blue for the better grades, orange and red for
the worse), and everywhere a colour is shown the grade's words are shown too.
"""

from __future__ import annotations

from collections.abc import Mapping

from pwdesk.domain.grades import NOT_APPLICABLE_ID

# Fill and text colour for each grade of the Ofsted scale; other scales take FALLBACK in order.
GRADE_COLOURS: Mapping[str, tuple[str, str]] = {
    "outstanding": ("#1F4E9A", "#FFFFFF"),
    "good": ("#6FA8DC", "#000000"),
    "requires-improvement": ("#F6A04D", "#000000"),
    "inadequate": ("#C8102E", "#FFFFFF"),
    NOT_APPLICABLE_ID: ("#D0D0D0", "#000000"),
}
FALLBACK: tuple[tuple[str, str], ...] = (
    ("#1F4E9A", "#FFFFFF"),
    ("#6FA8DC", "#000000"),
    ("#FDD98B", "#000000"),
    ("#F6A04D", "#000000"),
    ("#C8102E", "#FFFFFF"),
)

INK = "#1A1A1A"  # body text
MUTED = "#5F6368"  # secondary text
ACCENT = "#1F4E9A"  # headings and rules
RULE = "#C9CED6"  # thin lines


def grade_colours(grade_id: str, scale_ids: tuple[str, ...] = ()) -> tuple[str, str]:
    """(fill, text) colours for a grade; grades of other scales are coloured by rank."""
    if grade_id in GRADE_COLOURS:
        return GRADE_COLOURS[grade_id]
    if grade_id in scale_ids:
        rank = scale_ids.index(grade_id)
        position = round(rank * (len(FALLBACK) - 1) / max(len(scale_ids) - 1, 1))
        return FALLBACK[position]
    return GRADE_COLOURS[NOT_APPLICABLE_ID]


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #RRGGBB colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    """WCAG's relative luminance of a #RRGGBB colour."""
    digits = colour.removeprefix("#")
    if len(digits) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    channels = [int(digits[start : start + 2], 16) / 255 for start in (0, 2, 4)]
    red, green, blue = (
        value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4
        for value in channels
    )
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue
