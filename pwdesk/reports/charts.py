"""Charts for printed documents: horizontal stacked bars with the counts written on them.

Colour-blind-safe grade colours from the shared palette, and the grade's words in the legend, so
no figure depends on colour alone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from reportlab.graphics.shapes import Drawing, Rect, String
from reportlab.lib import colors
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from pwdesk.domain.grades import GradeScale
from pwdesk.domain.wording import percent
from pwdesk.palette import INK, MUTED, RULE, grade_colours
from pwdesk.reports.blocks import Chart
from pwdesk.reports.document import BOLD, FONT, register_fonts

Anchor = Literal["start", "middle", "end"]

BAR = 11.0
GAP = 5.0
LABEL_SIZE = 7.0
LINE = 8.5  # between the lines of a wrapped label
COUNT_SIZE = 6.5
LEGEND_HEIGHT = 16.0
PCT_WIDTH = 34.0  # room at the right for good or better


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


def _text(
    x: float, y: float, text: str, font: str, size: float, ink: str, anchor: Anchor = "start"
) -> String:
    return String(
        x, y, text, fontName=font, fontSize=size, fillColor=colors.HexColor(ink), textAnchor=anchor
    )


def _legend(drawing: Drawing, scale: GradeScale, top: float) -> None:
    """A colour swatch and the grade's words for each grade, along the top."""
    x = 0.0
    for grade in scale.choices:
        fill, _ = grade_colours(grade.id, scale.ids)
        drawing.add(_rect(x, top - 10, 8, 8, fill))
        drawing.add(_text(x + 11, top - 9, grade.label, FONT, 7, INK))
        x += 11 + stringWidth(grade.label, FONT, 7) + 12


@dataclass(frozen=True)
class _Bars:
    """Where the bars go: from ``left``, ``room`` wide for the row with the most answers."""

    left: float
    room: float
    biggest: int


def _bar(
    drawing: Drawing, bars: _Bars, y: float, counts: Mapping[str, int], scale: GradeScale
) -> None:
    """One row's segments, each with its count where the segment is wide enough to hold it."""
    grades = [grade.id for grade in scale.choices]
    left = bars.left
    if sum(counts.get(g, 0) for g in grades) == 0:
        drawing.add(_rect(left, y, bars.room, BAR, None, RULE))
    for grade_id in grades:
        count = counts.get(grade_id, 0)
        if not count:
            continue
        span = bars.room * count / bars.biggest
        fill, ink = grade_colours(grade_id, scale.ids)
        drawing.add(_rect(left, y, span, BAR, fill, "#FFFFFF"))
        text = str(count)
        if stringWidth(text, BOLD, COUNT_SIZE) + 3 <= span:
            drawing.add(_text(left + span / 2, y + 3, text, BOLD, COUNT_SIZE, ink, "middle"))
        left += span


def _good_or_better(right: float, y: float, counts: Mapping[str, int], scale: GradeScale) -> String:
    pct = scale.good_or_better_pct(counts)
    ink = MUTED if pct is None else INK
    return _text(right, y + 3, percent(pct), BOLD, 7, ink, "end")


def chart_drawing(chart: Chart, width: float) -> Drawing:
    """A report's chart block drawn ``width`` wide, its description as the text alternative."""
    return stacked_bars(
        chart.rows,
        chart.scale,
        width,
        label_width=width * chart.label_share,
        description=f"{chart.title}. {chart.description}",
    )


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
    segments wide enough to hold them; good or better is written at the right, as the tables
    write it. A label too long for its column wraps onto more lines, and its row grows to hold
    them: no label is ever cut short.
    """
    register_fonts()
    labels = [simpleSplit(label, FONT, LABEL_SIZE, label_width) or [""] for label, _ in rows]
    heights = [max(BAR, len(lines) * LINE) for lines in labels]
    height = LEGEND_HEIGHT + sum(h + GAP for h in heights) + 4
    drawing = Drawing(width, height)
    if description:
        drawing.setProperties({"desc": description})  # alternative text where readers use it
    _legend(drawing, scale, height)
    bar_left = label_width + 6
    bars = _Bars(
        left=bar_left,
        room=width - bar_left - PCT_WIDTH,
        biggest=max((sum(counts.values()) for _, counts in rows), default=0) or 1,
    )
    top = height - LEGEND_HEIGHT
    for (_, counts), lines, row_height in zip(rows, labels, heights, strict=True):
        y = top - row_height + (row_height - BAR) / 2  # the bar centred on its label
        for number, line in enumerate(lines):
            baseline = top - (number + 1) * LINE + 2
            drawing.add(_text(0, baseline, line, FONT, LABEL_SIZE, INK))
        _bar(drawing, bars, y, counts, scale)
        drawing.add(_good_or_better(width, y, counts, scale))
        top -= row_height + GAP
    return drawing
