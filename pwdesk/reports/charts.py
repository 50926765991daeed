"""Charts for printed documents: horizontal stacked bars with the counts written on them.

Colour-blind-safe grade colours from the shared palette, and the grade's words in the legend, so
no figure depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from pwdesk.domain.grades import GradeScale
from pwdesk.palette import INK, MUTED, RULE, grade_colours
from pwdesk.reports.document import BOLD, FONT

BAR = 11.0
GAP = 5.0
LABEL_SIZE = 7.0


def _rect(
    x: float,
    y: float,
    width: float,
    height: float,
    fill: str | None,
    stroke: str | None = None,
    stroke_width: float = 0.5,
) -> Rect:
    rect = Rect(x, y, width, height)
    rect.fillColor = colors.HexColor(fill) if fill else None
    rect.strokeColor = colors.HexColor(stroke) if stroke else None
    rect.strokeWidth = stroke_width
    return rect


def _fit(text: str, width: float, size: float) -> str:
    if stringWidth(text, FONT, size) <= width:
        return text
    while text and stringWidth(text + "…", FONT, size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


def stacked_bars(
    rows: Sequence[tuple[str, Mapping[str, int]]],
    scale: GradeScale,
    width: float,
    *,
    label_width: float = 150.0,
    description: str = "",
) -> Drawing:
    """One bar per row, its segments the grades in scale order (Not applicable last).

    Each bar is as long as its row's answers relative to the longest; counts are written on
    segments wide enough to hold them; good or better is written at the right.
    """
    grades = [grade.id for grade in scale.choices]
    legend_height = 16.0
    height = legend_height + len(rows) * (BAR + GAP) + 4
    drawing = Drawing(width, height)
    if description:
        drawing.setProperties({"desc": description})  # alternative text where readers use it
    pct_width = 34.0
    bar_left = label_width + 6
    bar_room = width - bar_left - pct_width
    biggest = max((sum(counts.values()) for _, counts in rows), default=0) or 1
    x = 0.0
    for grade in scale.choices:  # the legend: colour swatch and the grade's words
        fill, _ = grade_colours(grade.id, scale.ids)
        drawing.add(_rect(x, height - 10, 8, 8, fill))
        drawing.add(
            String(
                x + 11,
                height - 9,
                grade.label,
                fontName=FONT,
                fontSize=7,
                fillColor=colors.HexColor(INK),
            )
        )
        x += 11 + stringWidth(grade.label, FONT, 7) + 12
    y = height - legend_height - BAR
    for label, counts in rows:
        drawing.add(
            String(
                0,
                y + 3,
                _fit(label, label_width, LABEL_SIZE),
                fontName=FONT,
                fontSize=LABEL_SIZE,
                fillColor=colors.HexColor(INK),
            )
        )
        left = bar_left
        total = sum(counts.get(g, 0) for g in grades)
        if total == 0:
            drawing.add(_rect(left, y, bar_room, BAR, None, RULE))
        for grade_id in grades:
            count = counts.get(grade_id, 0)
            if not count:
                continue
            span = bar_room * count / biggest
            fill, ink = grade_colours(grade_id, scale.ids)
            drawing.add(_rect(left, y, span, BAR, fill, "#FFFFFF"))
            text = str(count)
            if stringWidth(text, BOLD, 6.5) + 3 <= span:
                drawing.add(
                    String(
                        left + span / 2,
                        y + 3,
                        text,
                        fontName=BOLD,
                        fontSize=6.5,
                        fillColor=colors.HexColor(ink),
                        textAnchor="middle",
                    )
                )
            left += span
        pct = scale.good_or_better_pct(counts)
        drawing.add(
            String(
                width,
                y + 3,
                "–" if pct is None else f"{pct:.0f}%",
                fontName=BOLD,
                fontSize=7,
                fillColor=colors.HexColor(INK if pct is not None else MUTED),
                textAnchor="end",
            )
        )
        y -= BAR + GAP
    return drawing
