"""The grade chart: one horizontal stacked bar per aspect, with its counts in words.

The chart takes plain data (:class:`~pwdesk.domain.analysis.AspectResult` rows and their scale)
and never opens the database. Wherever a grade colour is shown, the grade's words are shown too.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from pwdesk.domain.analysis import AspectResult
from pwdesk.domain.grades import Grade, GradeScale
from pwdesk.domain.wording import percent
from pwdesk.gui.chart_geometry import ChartGeometry, ChartLayout, ChartRow, LegendEntry
from pwdesk.gui.widgets import muted, scaled_font
from pwdesk.palette import grade_colours

_ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ALIGN_CENTRE = Qt.AlignmentFlag.AlignCenter


def describe_counts(aspect: AspectResult, scale: GradeScale) -> str:
    """The counts of an aspect in words, best grade first, Not applicable last."""
    return ", ".join(f"{aspect.counts.get(grade.id, 0)} {grade.label}" for grade in scale.choices)


def describe_aspect(aspect: AspectResult, scale: GradeScale) -> str:
    """One plain-text line for an aspect: its counts in words and its percentage."""
    if aspect.good_or_better_pct is None:
        share = "nothing graded, so no percentage"
    else:
        share = f"{percent(aspect.good_or_better_pct)} good or better"
    return f"{aspect.label}: {describe_counts(aspect, scale)}; {share}"


class GradeChart(QWidget):
    """One horizontal stacked bar per aspect: how many answers got each grade.

    Bars are proportional to the number of answers, Not applicable included (grey, last); the
    good-or-better percentage is written on the right, and a legend names every colour.
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        show_legend: bool = True,
        words_on_segments: bool = False,
        accessible_name: str = "Grade distribution per aspect",
    ) -> None:
        super().__init__(parent)
        self._aspects: tuple[AspectResult, ...] = ()
        self._scale: GradeScale | None = None
        self._title = ""
        self._show_legend = show_legend
        self._words_on_segments = words_on_segments
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setAccessibleName(accessible_name)
        self.setAccessibleDescription("")

    # -- data -------------------------------------------------------------------------------

    def set_data(self, aspects: Sequence[AspectResult], scale: GradeScale, title: str) -> None:
        """Show these aspects, graded on this scale, under this title."""
        self._aspects = tuple(aspects)
        self._scale = scale
        self._title = title
        self.setAccessibleDescription(
            "\n".join(describe_aspect(aspect, scale) for aspect in self._aspects)
        )
        self.updateGeometry()
        self.update()

    @property
    def aspects(self) -> tuple[AspectResult, ...]:
        """The aspects shown, in order."""
        return self._aspects

    def title(self) -> str:
        """The chart's title."""
        return self._title

    def segment_rect(self, row: int, grade_id: str) -> QRectF | None:
        """Where a grade's segment of a bar is drawn (logical pixels); None if it has no answers."""
        for grade, rect in self._layout(self.width()).rows[row].segments:
            if grade.id == grade_id:
                return QRectF(rect)
        return None

    def row_at(self, point: QPointF) -> int | None:
        """The row of the aspect under a point of the widget, if any."""
        for index, row in enumerate(self._layout(self.width()).rows):
            if row.area.contains(point):
                return index
        return None

    def tooltip_for(self, row: int) -> str:
        """A bar's tooltip: the aspect's full label, its section and its counts in words."""
        aspect = self._aspects[row]
        assert self._scale is not None, "rows exist only once data is set"
        lines = [aspect.label]
        if aspect.section:
            lines.append(f"Section: {aspect.section}")
        lines += [
            f"{grade.label}: {aspect.counts.get(grade.id, 0)}" for grade in self._scale.choices
        ]
        if aspect.good_or_better_pct is None:
            lines.append("Nothing graded, so no good-or-better percentage")
        else:
            lines.append(
                f"{percent(aspect.good_or_better_pct)} good or better"
                f" (of {aspect.graded} graded, Not applicable left out)"
            )
        return "\n".join(lines)

    # -- geometry ---------------------------------------------------------------------------

    def _title_font(self) -> QFont:
        return scaled_font(self.font(), 1.15, QFont.Weight.Bold)

    def _small_font(self) -> QFont:
        return scaled_font(self.font(), 0.9)

    def _layout(self, width: float) -> ChartLayout:
        """Where everything goes at this width, in logical pixels (so high DPI just works)."""
        geometry = ChartGeometry(
            font=self.font(),
            title_font=self._title_font(),
            small_font=self._small_font(),
            title=self._title,
            aspects=self._aspects,
            scale=self._scale,
            show_legend=self._show_legend,
        )
        return geometry.at(width)

    def hasHeightForWidth(self) -> bool:
        """The legend wraps, so the height depends on the width."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height that shows every row at this width."""
        return int(self._layout(width).height + 0.999)

    def sizeHint(self) -> QSize:
        """Comfortable width; height grows with the number of aspects."""
        return QSize(720, self.heightForWidth(720))

    def minimumSizeHint(self) -> QSize:
        """Narrow enough for a small laptop, tall enough for every row."""
        return QSize(360, self.heightForWidth(360))

    # -- painting ---------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """A new font or palette changes the layout and the colours."""
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self.updateGeometry()
            self.update()
        super().changeEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Title, legend, then one labelled bar per aspect with its percentage."""
        layout = self._layout(self.width())
        palette = self.palette()
        ink = palette.color(QPalette.ColorRole.WindowText)
        secondary = muted(ink)
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            if layout.title is not None:
                painter.setFont(self._title_font())
                painter.setPen(ink)
                painter.drawText(layout.title, _ALIGN_LEFT, self._title)
            painter.setFont(self.font())
            for entry in layout.legend:
                self._paint_swatch(painter, entry, ink)
            if layout.header is not None:
                painter.setFont(self._small_font())
                painter.setPen(secondary)
                painter.drawText(layout.header, _ALIGN_RIGHT, "good or better")
            painter.setFont(self.font())
            for row in layout.rows:
                self._paint_row(painter, row, ink, secondary)
        finally:
            painter.end()

    def _paint_swatch(self, painter: QPainter, entry: LegendEntry, ink: QColor) -> None:
        fill, _ = grade_colours(entry.grade.id, self._scale.ids if self._scale else ())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(entry.swatch, 2, 2)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(ink)
        painter.drawText(entry.text, _ALIGN_LEFT, entry.grade.label)

    def _paint_row(self, painter: QPainter, row: ChartRow, ink: QColor, secondary: QColor) -> None:
        metrics = QFontMetricsF(self.font())
        painter.setPen(ink)
        line = metrics.lineSpacing()
        top = row.label.center().y() - line * len(row.label_lines) / 2
        for index, text in enumerate(row.label_lines):
            line_rect = QRectF(row.label.left(), top + index * line, row.label.width(), line)
            painter.drawText(line_rect, _ALIGN_LEFT, text)

        track = QColor(ink)
        track.setAlphaF(0.06)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(track)
        painter.drawRect(row.track)
        if not row.segments:
            painter.setPen(secondary)
            painter.drawText(row.track.adjusted(8, 0, 0, 0), _ALIGN_LEFT, "No answers yet")
        scale_ids = self._scale.ids if self._scale else ()
        for index, (grade, rect) in enumerate(row.segments):
            fill, text_colour = grade_colours(grade.id, scale_ids)
            # A hairline gap between segments keeps neighbouring colours apart.
            shape = rect.adjusted(0, 0, -1, 0) if index < len(row.segments) - 1 else rect
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(fill))
            painter.drawRect(shape)
            text = self._segment_text(metrics, grade, row.aspect, shape.width() - 4)
            if text:
                painter.setPen(QColor(text_colour))
                painter.drawText(shape, _ALIGN_CENTRE, text)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(ink if row.aspect.good_or_better_pct is not None else secondary)
        painter.drawText(row.pct, _ALIGN_RIGHT, percent(row.aspect.good_or_better_pct))

    def _segment_text(
        self, metrics: QFontMetricsF, grade: Grade, aspect: AspectResult, room: float
    ) -> str:
        """The count, with the grade's words when asked for and they fit; "" if nothing fits."""
        count = str(aspect.counts.get(grade.id, 0))
        choices = [count]
        if self._words_on_segments:
            choices[:0] = [f"{count} {grade.label}", f"{count} {grade.abbreviation}"]
        return next((text for text in choices if metrics.horizontalAdvance(text) <= room), "")

    def event(self, event: QEvent) -> bool:
        """Tooltips name the bar under the pointer and its counts in words."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            row = self.row_at(QPointF(event.pos()))
            if row is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), self.tooltip_for(row), self)
            return True
        return super().event(event)
