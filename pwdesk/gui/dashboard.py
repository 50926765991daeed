"""The week dashboard: a Practice Week's figures as tiles, lines and grade charts.

Every figure comes from :class:`~pwdesk.domain.analysis.WeekStats`; the widgets take plain data
and never open the database. Wherever a grade colour is shown, the grade's words are shown too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSizePolicy,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from pwdesk.domain.analysis import AspectResult, WeekStats
from pwdesk.domain.grades import Grade, GradeScale
from pwdesk.palette import RULE, grade_colours
from pwdesk.services.weeks import WeekSummary

NO_FIGURE = "\N{EN DASH}"  # shown where there is nothing to count, such as a percentage of none

_ALIGN_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_ALIGN_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_ALIGN_CENTRE = Qt.AlignmentFlag.AlignCenter


def format_pct(pct: float | None, *, whole: bool = False) -> str:
    """A good-or-better percentage as people read it: "71.4%", "71%" when whole, or a dash."""
    if pct is None:
        return NO_FIGURE
    if whole:
        return f"{int(pct + 0.5)}%"  # halves up, as the analysis rounds
    return f"{pct:.1f}%"


def describe_counts(aspect: AspectResult, scale: GradeScale) -> str:
    """The counts of an aspect in words, best grade first, Not applicable last."""
    return ", ".join(f"{aspect.counts.get(grade.id, 0)} {grade.label}" for grade in scale.choices)


def describe_aspect(aspect: AspectResult, scale: GradeScale) -> str:
    """One plain-text line for an aspect: its counts in words and its percentage."""
    if aspect.good_or_better_pct is None:
        share = "nothing graded, so no percentage"
    else:
        share = f"{format_pct(aspect.good_or_better_pct)} good or better"
    return f"{aspect.label}: {describe_counts(aspect, scale)}; {share}"


def _muted(colour: QColor) -> QColor:
    """Secondary text: the text colour, softened, so it follows light and dark palettes."""
    softer = QColor(colour)
    softer.setAlphaF(0.68)
    return softer


def _wrap_label(metrics: QFontMetricsF, text: str, width: float) -> tuple[str, ...]:
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
class _LegendEntry:
    grade: Grade
    swatch: QRectF
    text: QRectF


@dataclass(frozen=True)
class _Row:
    aspect: AspectResult
    area: QRectF  # the whole row, for tooltips
    label: QRectF
    label_lines: tuple[str, ...]
    track: QRectF  # where the longest bar would reach
    segments: tuple[tuple[Grade, QRectF], ...]
    pct: QRectF


@dataclass(frozen=True)
class _Layout:
    title: QRectF | None
    legend: tuple[_LegendEntry, ...]
    header: QRectF | None
    rows: tuple[_Row, ...]
    height: float


class GradeChart(QWidget):
    """One horizontal stacked bar per aspect: how many answers got each grade.

    Bars are proportional to the number of answers, Not applicable included (grey, last); the
    good-or-better percentage is written on the right, and a legend names every colour.
    """

    MARGIN = 8.0
    GAP = 12.0  # between label, bar and percentage
    LEGEND_SPACING = 18.0

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
                f"{format_pct(aspect.good_or_better_pct)} good or better"
                f" (of {aspect.graded} graded, Not applicable left out)"
            )
        return "\n".join(lines)

    # -- geometry ---------------------------------------------------------------------------

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        return font

    def _small_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.9)
        return font

    def _layout(self, width: float) -> _Layout:
        """Where everything goes at this width, in logical pixels (so high DPI just works)."""
        metrics = QFontMetricsF(self.font())
        line = metrics.height()
        # No side margin: the chart lines up with the headings and tiles around it.
        inner_left, inner_right = 0.0, max(float(width), 1.0)
        inner = inner_right - inner_left
        y = self.MARGIN

        title = None
        if self._title:
            title_height = QFontMetricsF(self._title_font()).height()
            title = QRectF(inner_left, y, inner, title_height)
            y += title_height + 6

        legend: list[_LegendEntry] = []
        scale = self._scale
        if self._show_legend and scale is not None:
            swatch_size = round(line * 0.8)
            x = inner_left
            for grade in scale.choices:
                text_width = metrics.horizontalAdvance(grade.label)
                entry_width = swatch_size + 6 + text_width
                if x > inner_left and x + entry_width > inner_right:
                    x, y = inner_left, y + line + 4
                swatch = QRectF(x, y + (line - swatch_size) / 2, swatch_size, swatch_size)
                text = QRectF(x + swatch_size + 6, y, text_width + 1, line)
                legend.append(_LegendEntry(grade, swatch, text))
                x += entry_width + self.LEGEND_SPACING
            y += line + 10

        pct_width = max(metrics.horizontalAdvance(t) for t in ("100%", NO_FIGURE)) + 2
        label_width = min(max(inner * 0.34, 110.0), 340.0)
        bar_left = inner_left + label_width + self.GAP
        bar_right = max(inner_right - pct_width - self.GAP, bar_left + 1)
        header = None
        if self._aspects:
            small_height = QFontMetricsF(self._small_font()).height()
            header = QRectF(bar_left, y, inner_right - bar_left, small_height)
            y += small_height + 2

        bar_height = round(line * 1.5)
        row_height = max(bar_height, 2 * metrics.lineSpacing()) + 10
        most = max((sum(a.counts.values()) for a in self._aspects), default=0)
        unit = (bar_right - bar_left) / most if most else 0.0
        rows = []
        for aspect in self._aspects:
            area = QRectF(inner_left, y, inner, row_height)
            bar_top = y + (row_height - bar_height) / 2
            segments = []
            position = 0
            for grade in scale.choices if scale is not None else ():
                count = aspect.counts.get(grade.id, 0)
                if count:
                    # Whole logical pixels keep the edges between segments crisp.
                    left = round(bar_left + position * unit)
                    right = round(bar_left + (position + count) * unit)
                    segments.append((grade, QRectF(left, bar_top, right - left, bar_height)))
                    position += count
            rows.append(
                _Row(
                    aspect=aspect,
                    area=area,
                    label=QRectF(inner_left, y, label_width, row_height),
                    label_lines=_wrap_label(metrics, aspect.label, label_width),
                    track=QRectF(bar_left, bar_top, bar_right - bar_left, bar_height),
                    segments=tuple(segments),
                    pct=QRectF(inner_right - pct_width, y, pct_width, row_height),
                )
            )
            y += row_height
        return _Layout(title, tuple(legend), header, tuple(rows), y + self.MARGIN)

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
        muted = _muted(ink)
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
                painter.setPen(muted)
                painter.drawText(layout.header, _ALIGN_RIGHT, "good or better")
            painter.setFont(self.font())
            for row in layout.rows:
                self._paint_row(painter, row, ink, muted)
        finally:
            painter.end()

    def _paint_swatch(self, painter: QPainter, entry: _LegendEntry, ink: QColor) -> None:
        fill, _ = grade_colours(entry.grade.id, self._scale.ids if self._scale else ())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(fill))
        painter.drawRoundedRect(entry.swatch, 2, 2)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(ink)
        painter.drawText(entry.text, _ALIGN_LEFT, entry.grade.label)

    def _paint_row(self, painter: QPainter, row: _Row, ink: QColor, muted: QColor) -> None:
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
            painter.setPen(muted)
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
        painter.setPen(ink if row.aspect.good_or_better_pct is not None else muted)
        painter.drawText(
            row.pct, _ALIGN_RIGHT, format_pct(row.aspect.good_or_better_pct, whole=True)
        )

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


class FigureTile(QFrame):
    """One figure of the week: a caption, the figure in large type, and a smaller detail line."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("figureTile")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setStyleSheet(
            f"QFrame#figureTile {{ background: palette(base); border: 1px solid {RULE};"
            " border-radius: 6px; }"
        )
        self._caption = _plain_label(caption, self)
        self._value = _plain_label("", self)
        self._detail = _plain_label("", self)
        self._caption.setPalette(_muted_palette(self._caption))
        self._detail.setPalette(_muted_palette(self._detail))
        value_font = QFont(self.font())
        value_font.setBold(True)
        value_font.setPointSizeF(value_font.pointSizeF() * 2.0)
        self._value.setFont(value_font)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.9)
        self._detail.setFont(small)
        self._detail.setWordWrap(True)
        self._caption.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(2)
        layout.addWidget(self._caption)
        layout.addWidget(self._value)
        layout.addWidget(self._detail)
        layout.addStretch(1)
        self.setMinimumWidth(170)

    def set_figure(self, value: str, detail: str = "") -> None:
        """Show a figure and, if given, a detail line under it."""
        self._value.setText(value)
        self._detail.setText(detail)
        self._detail.setVisible(bool(detail))
        self.setAccessibleName(" ".join(t for t in (f"{self.caption()}:", value, detail) if t))

    def caption(self) -> str:
        """What the figure counts."""
        return self._caption.text()

    def value(self) -> str:
        """The figure as shown."""
        return self._value.text()

    def detail(self) -> str:
        """The detail line as shown (empty if none)."""
        return self._detail.text()


def _plain_label(text: str, parent: QWidget | None = None) -> QLabel:
    """A label that shows names as typed: never read as rich text."""
    label = QLabel(text, parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _muted_palette(widget: QWidget) -> QPalette:
    palette = QPalette(widget.palette())
    palette.setColor(
        QPalette.ColorRole.WindowText, _muted(palette.color(QPalette.ColorRole.WindowText))
    )
    return palette


def _scaled_font(widget: QWidget, factor: float, *, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def _date_range(starts_on: date, ends_on: date) -> str:
    """The dates of a week in words, such as 17 to 21 September 2018 (with an en dash)."""
    end = f"{ends_on.day} {ends_on:%B %Y}"
    if starts_on == ends_on:
        return end
    if (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month):
        return f"{starts_on.day}\N{EN DASH}{end}"
    if starts_on.year == ends_on.year:
        return f"{starts_on.day} {starts_on:%B} \N{EN DASH} {end}"
    return f"{starts_on.day} {starts_on:%B %Y} \N{EN DASH} {end}"


def _count(n: int, singular: str, plural: str) -> str:
    return f"{n} {singular if n == 1 else plural}"


class DashboardPage(QWidget):
    """One Practice Week at a glance: its figures, cohorts and grades, in a scrolling page."""

    TILE_MIN_WIDTH = 190
    SIDE_MARGIN = 24

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Week dashboard")
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # No layout of our own: resizeEvent reflows the tiles *before* sizing the scroll area,
        # so the content never keeps the width of the previous arrangement.

        content = QWidget()
        scroll.setWidget(content)
        self._scroll = scroll
        column = QVBoxLayout(content)
        column.setContentsMargins(self.SIDE_MARGIN, 20, self.SIDE_MARGIN, 24)
        column.setSpacing(0)

        self._message = _plain_label("", content)
        self._message.setWordWrap(True)
        self._message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._message.setPalette(_muted_palette(self._message))
        self._message.setFont(_scaled_font(self._message, 1.15))
        self._message.setMinimumHeight(120)
        column.addWidget(self._message)

        self._body = QWidget(content)
        column.addWidget(self._body)
        column.addStretch(1)
        body = QVBoxLayout(self._body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)

        self._heading = _plain_label("", self._body)
        self._heading.setObjectName("weekHeading")
        self._heading.setFont(_scaled_font(self._heading, 1.6, bold=True))
        self._heading.setWordWrap(True)
        self._subheading = _plain_label("", self._body)
        self._subheading.setObjectName("weekTheme")
        self._subheading.setPalette(_muted_palette(self._subheading))
        self._subheading.setWordWrap(True)
        body.addWidget(self._heading)
        body.addWidget(self._subheading)
        body.addSpacing(14)

        self._tiles = {
            "case_audits": FigureTile("Case audits"),
            "children": FigureTile("Children audited"),
            "observations": FigureTile("Observations"),
            "senior_leaders": FigureTile("Senior leaders"),
            "overall": FigureTile("Overall good or better"),
        }
        for name, tile in self._tiles.items():
            tile.setProperty("figure", name)
        self._tile_grid = QGridLayout()
        self._tile_grid.setHorizontalSpacing(12)
        self._tile_grid.setVerticalSpacing(12)
        self._tile_columns = 0
        self._arrange_tiles(len(self._tiles))
        body.addLayout(self._tile_grid)
        body.addSpacing(18)

        self._cohorts_heading = self._section_heading("Cohorts")
        body.addWidget(self._cohorts_heading)
        self._cohort_lines = QVBoxLayout()
        self._cohort_lines.setSpacing(4)
        body.addLayout(self._cohort_lines)
        self._drafts_note = _plain_label("", self._body)
        self._drafts_note.setObjectName("draftsNote")
        self._drafts_note.setWordWrap(True)
        self._drafts_note.setPalette(_muted_palette(self._drafts_note))
        body.addSpacing(6)
        body.addWidget(self._drafts_note)
        body.addSpacing(18)

        self._aspect_chart = GradeChart(self._body)
        self._overall_chart = GradeChart(
            self._body,
            show_legend=False,
            words_on_segments=True,
            accessible_name="Overall grade distribution",
        )
        body.addWidget(self._aspect_chart)
        body.addSpacing(12)
        body.addWidget(self._overall_chart)
        self.clear("No Practice Week is selected.")

    def _section_heading(self, text: str) -> QLabel:
        label = _plain_label(text, self._body)
        label.setFont(_scaled_font(label, 1.15, bold=True))
        return label

    # -- public -----------------------------------------------------------------------------

    @property
    def aspect_chart(self) -> GradeChart:
        """The chart of grades per aspect."""
        return self._aspect_chart

    @property
    def overall_chart(self) -> GradeChart:
        """The single bar of overall grades."""
        return self._overall_chart

    def tile(self, name: str) -> FigureTile:
        """A figure tile: case_audits, children, observations, senior_leaders or overall."""
        return self._tiles[name]

    def show_week(self, week: WeekSummary, stats: WeekStats) -> None:
        """Show one week's figures, all taken from its analysis."""
        self._heading.setText(f"{week.code} \N{MIDDLE DOT} {week.title}")
        parts = [f"Theme: {week.theme}"] if week.theme else []
        parts.append(_date_range(week.starts_on, week.ends_on))
        self._subheading.setText("\n".join(parts))

        planned = sum(cohort.children for cohort in stats.cohorts)
        self._tiles["case_audits"].set_figure(
            str(stats.audits), f"of {planned} planned" if stats.cohorts else ""
        )
        self._tiles["children"].set_figure(str(stats.children))
        by_type = [
            f"{stats.observation_labels.get(kind, kind)}: {count}"
            for kind, count in stats.observations.items()
            if count
        ]
        self._tiles["observations"].set_figure(
            str(stats.observations_total), "\n".join(by_type) or "None recorded yet"
        )
        self._tiles["senior_leaders"].set_figure(str(stats.senior_leaders), "auditing or observing")
        overall = stats.overall
        self._tiles["overall"].set_figure(
            format_pct(overall.good_or_better_pct),
            f"of {_count(overall.graded, 'case', 'cases')} graded"
            if overall.graded
            else "No case graded yet",
        )

        self._show_cohorts(stats)
        if stats.drafts:
            verb = "is" if stats.drafts == 1 else "are"
            self._drafts_note.setText(
                f"{_count(stats.drafts, 'draft', 'drafts')} {verb} not counted here"
                " until completed."
            )
        self._drafts_note.setVisible(stats.drafts > 0)

        self._aspect_chart.set_data(stats.aspects, stats.scale, "Grades per aspect")
        self._overall_chart.set_data([overall], stats.scale, "Overall grade")
        self._message.hide()
        self._body.show()
        self._scroll.verticalScrollBar().setValue(0)

    def clear(self, message: str) -> None:
        """Show a message instead of a week, such as when there is no week yet."""
        self._message.setText(message)
        self._body.hide()
        self._message.show()

    def message(self) -> str:
        """The message shown instead of a week (meaningful after :meth:`clear`)."""
        return self._message.text()

    # -- helpers ----------------------------------------------------------------------------

    def _show_cohorts(self, stats: WeekStats) -> None:
        while (item := self._cohort_lines.takeAt(0)) is not None:
            widget = item.widget()
            if widget is not None:
                widget.deleteLater()
        for cohort in stats.cohorts:
            line = _plain_label(
                f"{cohort.name}: {cohort.audited} of {cohort.children} audited", self._body
            )
            line.setObjectName("cohortLine")
            line.setWordWrap(True)
            line.setToolTip(f"Children {cohort.rules}" if cohort.rules else "")
            self._cohort_lines.addWidget(line)
        if not stats.cohorts:
            none = _plain_label("This week has no cohorts.", self._body)
            none.setPalette(_muted_palette(none))
            self._cohort_lines.addWidget(none)

    def _arrange_tiles(self, columns: int) -> None:
        """Lay the tiles out in rows of ``columns``, so they fit a narrow window."""
        if columns == self._tile_columns:
            return
        for old in range(self._tile_grid.columnCount()):
            self._tile_grid.setColumnStretch(old, 0)
        for index, tile in enumerate(self._tiles.values()):
            self._tile_grid.addWidget(tile, index // columns, index % columns)
        for new in range(columns):
            self._tile_grid.setColumnStretch(new, 1)
        self._tile_columns = columns

    def sizeHint(self) -> QSize:
        """Room for the tiles in one row and the top of the charts."""
        return QSize(1000, 720)

    def minimumSizeHint(self) -> QSize:
        """Small enough for a small laptop screen; the page scrolls."""
        return QSize(420, 300)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Reflow the tiles to the new width, then fit the scroll area to the page."""
        scrollbar = self._scroll.verticalScrollBar().sizeHint().width()
        available = event.size().width() - scrollbar - self.SIDE_MARGIN * 2
        spacing = self._tile_grid.horizontalSpacing()
        fits = max(1, (available + spacing) // (self.TILE_MIN_WIDTH + spacing))
        self._arrange_tiles(min(len(self._tiles), fits))
        self._scroll.setGeometry(self.rect())
        super().resizeEvent(event)
