"""The week dashboard: a Practice Week's figures as tiles, lines and grade charts.

Every figure comes from :class:`~pwdesk.domain.analysis.WeekStats`; the page takes plain data
and never opens the database. The tiles and charts are widgets of their own (figure_tile,
grade_chart).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QResizeEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QScrollArea, QVBoxLayout, QWidget

from pwdesk.domain.analysis import WeekStats
from pwdesk.domain.wording import count, date_span, percent
from pwdesk.gui.figure_tile import FigureTile
from pwdesk.gui.grade_chart import GradeChart
from pwdesk.gui.widgets import muted_palette, plain_label, scaled_font
from pwdesk.services.weeks import WeekSummary


class DashboardPage(QWidget):
    """One Practice Week at a glance: its figures, cohorts and grades, in a scrolling page."""

    TILE_MIN_WIDTH = 190
    SIDE_MARGIN = 24

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Week dashboard")
        # No layout of our own: resizeEvent reflows the tiles *before* sizing the scroll area,
        # so the content never keeps the width of the previous arrangement.
        self._scroll = QScrollArea(self)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        content = QWidget()
        self._scroll.setWidget(content)
        column = QVBoxLayout(content)
        column.setContentsMargins(self.SIDE_MARGIN, 20, self.SIDE_MARGIN, 24)
        column.setSpacing(0)
        self._message = self._build_message(content)
        column.addWidget(self._message)

        self._body = QWidget(content)
        column.addWidget(self._body)
        column.addStretch(1)
        body = QVBoxLayout(self._body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        self._build_headings(body)
        self._build_tiles(body)
        self._build_cohorts(body)
        self._build_charts(body)
        self.clear("No Practice Week is selected.")

    def _build_message(self, content: QWidget) -> QLabel:
        """The message shown instead of a week."""
        message = plain_label("", content)
        message.setWordWrap(True)
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.setPalette(muted_palette(message))
        message.setFont(scaled_font(message.font(), 1.15, QFont.Weight.Normal))
        message.setMinimumHeight(120)
        return message

    def _build_headings(self, body: QVBoxLayout) -> None:
        """The week's code and title, and under them its theme and dates."""
        self._heading = plain_label("", self._body)
        self._heading.setObjectName("weekHeading")
        self._heading.setFont(scaled_font(self._heading.font(), 1.6, QFont.Weight.Bold))
        self._heading.setWordWrap(True)
        self._subheading = plain_label("", self._body)
        self._subheading.setObjectName("weekTheme")
        self._subheading.setPalette(muted_palette(self._subheading))
        self._subheading.setWordWrap(True)
        body.addWidget(self._heading)
        body.addWidget(self._subheading)
        body.addSpacing(14)

    def _build_tiles(self, body: QVBoxLayout) -> None:
        """The week's figures, one tile each, in a grid that reflows to the width."""
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

    def _build_cohorts(self, body: QVBoxLayout) -> None:
        """A line per cohort, and a note of the drafts not counted."""
        self._cohorts_heading = self._section_heading("Cohorts")
        body.addWidget(self._cohorts_heading)
        self._cohort_lines = QVBoxLayout()
        self._cohort_lines.setSpacing(4)
        body.addLayout(self._cohort_lines)
        self._drafts_note = plain_label("", self._body)
        self._drafts_note.setObjectName("draftsNote")
        self._drafts_note.setWordWrap(True)
        self._drafts_note.setPalette(muted_palette(self._drafts_note))
        body.addSpacing(6)
        body.addWidget(self._drafts_note)
        body.addSpacing(18)

    def _build_charts(self, body: QVBoxLayout) -> None:
        """The grades per aspect, then the overall grades in a single bar."""
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

    def _section_heading(self, text: str) -> QLabel:
        label = plain_label(text, self._body)
        label.setFont(scaled_font(label.font(), 1.15, QFont.Weight.Bold))
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
        parts.append(date_span(week.starts_on, week.ends_on))
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
            percent(overall.good_or_better_pct),
            f"of {count(overall.graded, 'case', 'cases')} graded"
            if overall.graded
            else "No case graded yet",
        )

        self._show_cohorts(stats)
        if stats.drafts:
            verb = "is" if stats.drafts == 1 else "are"
            self._drafts_note.setText(
                f"{count(stats.drafts, 'draft', 'drafts')} {verb} not counted here until completed."
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
            line = plain_label(
                f"{cohort.name}: {cohort.audited} of {cohort.children} audited", self._body
            )
            line.setObjectName("cohortLine")
            line.setWordWrap(True)
            line.setToolTip(f"Children {cohort.rules}" if cohort.rules else "")
            self._cohort_lines.addWidget(line)
        if not stats.cohorts:
            none = plain_label("This week has no cohorts.", self._body)
            none.setPalette(muted_palette(none))
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
