"""The week dashboard, driven offscreen with real widgets on the demo database."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from PySide6.QtCore import QEvent, QPoint, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QImage, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QToolTip
from pytestqt.qtbot import QtBot

from pwdesk.domain.analysis import WeekStats
from pwdesk.gui.dashboard import DashboardPage
from pwdesk.gui.grade_chart import GradeChart
from pwdesk.palette import grade_colours
from pwdesk.services.stats import week_stats
from pwdesk.services.weeks import WeekDetails, WeekSummary, create_week
from pwdesk.store.database import Database

DASH = "\N{EN DASH}"


@pytest.fixture
def reference_week(demo_db: Database) -> tuple[WeekSummary, WeekStats]:
    """The reference week of the demo, analysed as the page would be given it."""
    return week_stats(demo_db, "2018-09")


@pytest.fixture
def page(qtbot: QtBot) -> DashboardPage:
    """A dashboard page at a laptop's size."""
    dashboard = DashboardPage()
    qtbot.addWidget(dashboard)
    dashboard.resize(1100, 800)
    return dashboard


def label_texts(page: DashboardPage) -> list[str]:
    """Every non-empty label the page holds, in creation order."""
    return [label.text() for label in page.findChildren(QLabel) if label.text()]


def tile_text(page: DashboardPage, name: str) -> str:
    """A figure tile read as a person reads it: caption, figure, detail."""
    labels = page.tile(name).findChildren(QLabel)
    return " ".join(label.text() for label in labels if label.text())


def test_the_page_shows_the_figures_of_the_week(
    page: DashboardPage, reference_week: tuple[WeekSummary, WeekStats]
) -> None:
    week, stats = reference_week
    page.show_week(week, stats)

    assert tile_text(page, "case_audits") == "Case audits 42 of 42 planned"
    assert page.tile("case_audits").accessibleName() == "Case audits: 42 of 42 planned"
    assert stats.children == 42
    assert tile_text(page, "children") == "Children audited 42"
    observations = tile_text(page, "observations")
    assert observations.startswith(f"Observations {stats.observations_total} ")
    for kind, count in stats.observations.items():
        shown = f"{stats.observation_labels[kind]}: {count}"
        assert (shown in observations) == (count > 0)
    assert tile_text(page, "senior_leaders").startswith(f"Senior leaders {stats.senior_leaders} ")
    assert stats.overall.good_or_better_pct is not None
    assert tile_text(page, "overall") == (
        f"Overall good or better {stats.overall.good_or_better_pct:.1f}%"
        f" of {stats.overall.graded} cases graded"
    )

    texts = label_texts(page)
    assert "2018-09 \N{MIDDLE DOT} Practice Week September 2018" in texts
    assert f"Theme: {week.theme}\n17{DASH}21 September 2018" in texts
    cohort_lines = [f"{c.name}: {c.audited} of {c.children} audited" for c in stats.cohorts]
    assert cohort_lines == [t for t in texts if t.endswith(" audited") and ": " in t]
    assert [line.split(": ")[1] for line in cohort_lines] == [
        "24 of 24 audited",
        "18 of 18 audited",
    ]
    drafts_note = page.findChild(QLabel, "draftsNote")
    assert drafts_note is not None
    assert drafts_note.isHidden()


def test_the_chart_describes_every_aspect_in_words(
    page: DashboardPage, reference_week: tuple[WeekSummary, WeekStats]
) -> None:
    week, stats = reference_week
    page.show_week(week, stats)
    chart = page.aspect_chart

    assert chart.accessibleName() == "Grade distribution per aspect"
    assert chart.title() == "Grades per aspect"
    lines = chart.accessibleDescription().splitlines()
    assert len(lines) == len(stats.aspects) == 17
    for line, aspect in zip(lines, stats.aspects, strict=True):
        counts = ", ".join(
            f"{aspect.counts[grade.id]} {grade.label}" for grade in stats.scale.choices
        )
        assert line == f"{aspect.label}: {counts}; {aspect.good_or_better_pct:.1f}% good or better"
    stability = next(line for line in lines if line.startswith("Stability of the placement:"))
    assert stability == (
        "Stability of the placement: 5 Outstanding, 25 Good, 8 Requires improvement to be good,"
        " 4 Inadequate, 0 Not applicable / not seen; 71.4% good or better"
    )
    overall = page.overall_chart.accessibleDescription()
    assert overall.startswith("Overall grade for the case: 0 Outstanding, 20 Good, 22 Requires")


def test_drafts_are_noted_as_not_counted(
    page: DashboardPage, reference_week: tuple[WeekSummary, WeekStats]
) -> None:
    week, stats = reference_week
    page.show_week(week, dataclasses.replace(stats, drafts=3))
    note = page.findChild(QLabel, "draftsNote")
    assert note is not None
    assert not note.isHidden()
    assert note.text() == "3 drafts are not counted here until completed."

    page.show_week(week, dataclasses.replace(stats, drafts=1))
    assert note.text() == "1 draft is not counted here until completed."
    page.show_week(week, stats)
    assert note.isHidden()


def test_a_week_without_audits_shows_zeros_and_dashes(db: Database, page: DashboardPage) -> None:
    create_week(
        db,
        WeekDetails(
            code="2019-03",
            title="Practice Week March 2019",
            starts_on=date(2019, 3, 28),
            ends_on=date(2019, 4, 3),
            theme="Neglect",
        ),
    )
    week, stats = week_stats(db, "2019-03")
    page.show_week(week, stats)

    assert tile_text(page, "case_audits") == "Case audits 0"  # no cohorts, so nothing planned
    assert tile_text(page, "children") == "Children audited 0"
    assert tile_text(page, "observations") == "Observations 0 None recorded yet"
    assert tile_text(page, "senior_leaders").startswith("Senior leaders 0 ")
    assert tile_text(page, "overall") == f"Overall good or better {DASH} No case graded yet"
    texts = label_texts(page)
    assert "This week has no cohorts." in texts
    assert f"Theme: Neglect\n28 March {DASH} 3 April 2019" in texts
    lines = page.aspect_chart.accessibleDescription().splitlines()
    assert len(lines) == len(stats.aspects)
    assert all(line.endswith("; nothing graded, so no percentage") for line in lines)
    image = page.grab().toImage()  # paints every part without an error or a Qt warning
    assert not image.isNull()


def test_clear_shows_a_message_instead_of_a_week(
    page: DashboardPage, reference_week: tuple[WeekSummary, WeekStats]
) -> None:
    page.show_week(*reference_week)
    page.clear("There is no Practice Week yet: create one to see its figures.")
    assert page.message() == "There is no Practice Week yet: create one to see its figures."
    assert not page.tile("case_audits").isVisibleTo(page)
    assert not page.aspect_chart.isVisibleTo(page)
    page.show_week(*reference_week)
    assert page.aspect_chart.isVisibleTo(page)


def assert_bars_painted(chart: GradeChart, image: QImage, ratio: int) -> None:
    """Sample the painted image: bars in their grade colours, words in ink, background between."""
    assert image.width() == chart.width() * ratio
    for grade_id in ("outstanding", "good", "requires-improvement", "inadequate"):
        rect = chart.segment_rect(5, grade_id)  # Stability of the placement: every grade given
        assert rect is not None
        corner = QPoint(int((rect.left() + 2) * ratio), int((rect.top() + 2) * ratio))
        assert image.pixelColor(corner) == QColor(grade_colours(grade_id)[0]), grade_id
    # Between two bars there is only background.
    first, second = chart.segment_rect(0, "good"), chart.segment_rect(1, "good")
    assert first is not None
    assert second is not None
    gap = QPoint(int((first.left() + 2) * ratio), int((first.bottom() + second.top()) / 2 * ratio))
    background = chart.palette().color(chart.backgroundRole())
    assert image.pixelColor(gap) == background
    # The aspect labels are written in the label column, left of the bars.
    label_column = image.copy(0, int(first.top() * ratio), int(first.left() * ratio) - 4, 20)
    colours = {
        label_column.pixel(x, y)
        for x in range(label_column.width())
        for y in range(label_column.height())
    }
    assert len(colours) > 2


@pytest.mark.parametrize("width", [520, 1000])
def test_the_chart_paints_at_different_sizes(
    qtbot: QtBot, reference_week: tuple[WeekSummary, WeekStats], width: int
) -> None:
    _, stats = reference_week
    chart = GradeChart()
    qtbot.addWidget(chart)
    chart.set_data(stats.aspects, stats.scale, "Grades per aspect")
    chart.resize(width, chart.heightForWidth(width))
    assert_bars_painted(chart, chart.grab().toImage(), ratio=1)


def test_the_chart_paints_sharply_at_twice_the_pixel_density(
    qtbot: QtBot, reference_week: tuple[WeekSummary, WeekStats]
) -> None:
    _, stats = reference_week
    chart = GradeChart()
    qtbot.addWidget(chart)
    chart.set_data(stats.aspects, stats.scale, "Grades per aspect")
    chart.resize(700, chart.heightForWidth(700))
    pixmap = QPixmap(QSize(chart.width() * 2, chart.height() * 2))
    pixmap.setDevicePixelRatio(2)
    pixmap.fill(Qt.GlobalColor.transparent)
    chart.render(pixmap)
    assert_bars_painted(chart, pixmap.toImage(), ratio=2)


def test_the_chart_grows_with_the_number_of_aspects(
    qtbot: QtBot, reference_week: tuple[WeekSummary, WeekStats]
) -> None:
    _, stats = reference_week
    chart = GradeChart()
    qtbot.addWidget(chart)
    chart.set_data(stats.aspects[:3], stats.scale, "Grades per aspect")
    three = chart.sizeHint().height()
    chart.set_data(stats.aspects, stats.scale, "Grades per aspect")
    assert chart.sizeHint().height() > three
    # A narrow chart wraps its legend, so it needs more height.
    assert chart.heightForWidth(360) > chart.heightForWidth(1000)


# The offscreen platform cannot raise the tooltip's window; a real desktop can.
@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_bar_tooltip_gives_the_counts_in_words(
    qtbot: QtBot, reference_week: tuple[WeekSummary, WeekStats]
) -> None:
    _, stats = reference_week
    chart = GradeChart()
    qtbot.addWidget(chart)
    chart.set_data(stats.aspects, stats.scale, "Grades per aspect")
    chart.resize(800, chart.heightForWidth(800))
    rect = chart.segment_rect(5, "good")
    assert rect is not None
    row = chart.row_at(rect.center())
    assert row == 5
    text = chart.tooltip_for(5)
    assert text.splitlines()[0] == "Stability of the placement"
    assert "Good: 25" in text
    assert "Not applicable / not seen: 0" in text
    assert "71.4% good or better" in text

    point = rect.center().toPoint()
    event = QHelpEvent(QEvent.Type.ToolTip, point, chart.mapToGlobal(point))
    QApplication.sendEvent(chart, event)
    assert QToolTip.text() == text
    QToolTip.hideText()


def test_the_page_reflows_to_a_small_screen_without_scrolling_sideways(
    page: DashboardPage, reference_week: tuple[WeekSummary, WeekStats]
) -> None:
    page.show_week(*reference_week)
    scroll = page.findChild(QScrollArea)
    assert scroll is not None
    for width in (1100, 700, 460):
        page.resize(width, 600)
        page.grab()
        content = scroll.widget()
        assert content is not None
        assert content.width() <= scroll.viewport().width()
        chart = page.aspect_chart
        assert chart.height() >= chart.heightForWidth(chart.width())  # never squashed
