"""Where a grade chart draws its title, legend and bars at a given width.

Pure arithmetic on font metrics, in logical pixels (so high DPI just works); the chart paints
what this lays out, and finds the bar under the pointer in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QFont, QFontMetricsF

from pwdesk.domain.analysis import AspectResult
from pwdesk.domain.grades import Grade, GradeScale
from pwdesk.domain.wording import NO_FIGURE

MARGIN = 8.0
GAP = 12.0  # between label, bar and percentage
LEGEND_SPACING = 18.0


@dataclass(frozen=True)
class LegendEntry:
    """A grade's colour swatch in the legend, and its words beside it."""

    grade: Grade
    swatch: QRectF
    text: QRectF


@dataclass(frozen=True)
class ChartRow:
    """One aspect's line: its label, its bar in segments, and its percentage."""

    aspect: AspectResult
    area: QRectF  # the whole row, for tooltips
    label: QRectF
    label_lines: tuple[str, ...]
    track: QRectF  # where the longest bar would reach
    segments: tuple[tuple[Grade, QRectF], ...]
    pct: QRectF


@dataclass(frozen=True)
class ChartLayout:
    """Where everything goes; ``height`` is what shows every row."""

    title: QRectF | None
    legend: tuple[LegendEntry, ...]
    header: QRectF | None
    rows: tuple[ChartRow, ...]
    height: float


@dataclass(frozen=True)
class _Columns:
    right: float  # the chart's width: it has no side margin
    label_width: float
    bar_left: float
    bar_right: float  # where the longest bar would reach
    pct_width: float


def wrap_label(metrics: QFontMetricsF, text: str, width: float) -> tuple[str, ...]:
    """The label on one line, or broken at a word onto two, the second elided if need be."""
    if metrics.horizontalAdvance(text) <= width:
        return (text,)
    words = text.split()
    first: list[str] = []
    for word in words:
        if metrics.horizontalAdvance(" ".join([*first, word])) > width:
            break
        first.append(word)
    if not first:
        return (metrics.elidedText(text, Qt.TextElideMode.ElideRight, width),)
    rest = " ".join(words[len(first) :])
    return (" ".join(first), metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width))


@dataclass(frozen=True)
class ChartGeometry:
    """A chart's content and fonts; :meth:`at` lays them out at a width."""

    font: QFont
    title_font: QFont
    small_font: QFont
    title: str
    aspects: Sequence[AspectResult]
    scale: GradeScale | None
    show_legend: bool

    def at(self, width: float) -> ChartLayout:
        """Where everything goes at this width."""
        metrics = QFontMetricsF(self.font)
        # No side margin: the chart lines up with the headings and tiles around it.
        right = max(float(width), 1.0)
        y = MARGIN

        title = None
        if self.title:
            title_height = QFontMetricsF(self.title_font).height()
            title = QRectF(0.0, y, right, title_height)
            y += title_height + 6

        legend, y = self._legend(metrics, right, y)
        columns = _columns(metrics, right)
        header = None
        if self.aspects:
            small_height = QFontMetricsF(self.small_font).height()
            header = QRectF(columns.bar_left, y, right - columns.bar_left, small_height)
            y += small_height + 2

        rows, y = self._rows(metrics, columns, y)
        return ChartLayout(title, legend, header, rows, y + MARGIN)

    def _legend(
        self, metrics: QFontMetricsF, right: float, y: float
    ) -> tuple[tuple[LegendEntry, ...], float]:
        """The legend's swatches and words, wrapped to the width; and the y below them."""
        if not self.show_legend or self.scale is None:
            return (), y
        line = metrics.height()
        swatch_size = round(line * 0.8)
        legend: list[LegendEntry] = []
        x = 0.0
        for grade in self.scale.choices:
            text_width = metrics.horizontalAdvance(grade.label)
            entry_width = swatch_size + 6 + text_width
            if x > 0.0 and x + entry_width > right:
                x, y = 0.0, y + line + 4
            swatch = QRectF(x, y + (line - swatch_size) / 2, swatch_size, swatch_size)
            text = QRectF(x + swatch_size + 6, y, text_width + 1, line)
            legend.append(LegendEntry(grade, swatch, text))
            x += entry_width + LEGEND_SPACING
        return tuple(legend), y + line + 10

    def _rows(
        self, metrics: QFontMetricsF, columns: _Columns, y: float
    ) -> tuple[tuple[ChartRow, ...], float]:
        """One row per aspect, its bar's length in proportion to its answers; and the y below."""
        bar_height = round(metrics.height() * 1.5)
        row_height = max(bar_height, 2 * metrics.lineSpacing()) + 10
        most = max((sum(a.counts.values()) for a in self.aspects), default=0)
        unit = (columns.bar_right - columns.bar_left) / most if most else 0.0
        bar_width = columns.bar_right - columns.bar_left
        rows = []
        for aspect in self.aspects:
            bar_top = y + (row_height - bar_height) / 2
            rows.append(
                ChartRow(
                    aspect=aspect,
                    area=QRectF(0.0, y, columns.right, row_height),
                    label=QRectF(0.0, y, columns.label_width, row_height),
                    label_lines=wrap_label(metrics, aspect.label, columns.label_width),
                    track=QRectF(columns.bar_left, bar_top, bar_width, bar_height),
                    segments=self._segments(aspect, columns.bar_left, unit, bar_top, bar_height),
                    pct=QRectF(columns.right - columns.pct_width, y, columns.pct_width, row_height),
                )
            )
            y += row_height
        return tuple(rows), y

    def _segments(
        self, aspect: AspectResult, bar_left: float, unit: float, top: float, height: float
    ) -> tuple[tuple[Grade, QRectF], ...]:
        """Each grade's stretch of an aspect's bar, best first; grades with no answers left out."""
        segments = []
        position = 0
        for grade in self.scale.choices if self.scale is not None else ():
            count = aspect.counts.get(grade.id, 0)
            if count:
                # Whole logical pixels keep the edges between segments crisp.
                left = round(bar_left + position * unit)
                right = round(bar_left + (position + count) * unit)
                segments.append((grade, QRectF(left, top, right - left, height)))
                position += count
        return tuple(segments)


def _columns(metrics: QFontMetricsF, right: float) -> _Columns:
    """The label's column on the left, the percentage's on the right, the bars between."""
    pct_width = max(metrics.horizontalAdvance(t) for t in ("100.0%", NO_FIGURE)) + 2
    label_width = min(max(right * 0.34, 110.0), 340.0)
    bar_left = label_width + GAP
    bar_right = max(right - pct_width - GAP, bar_left + 1)
    return _Columns(right, label_width, bar_left, bar_right, pct_width)
