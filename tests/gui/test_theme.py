"""The audit form on a dark theme: labels, headings and grade buttons take the theme's colours,
so nothing turns near-black on dark or white on a dark window."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from pwdesk.domain.templates import TemplateKind
from pwdesk.gui.form.assessment_form import AssessmentForm
from pwdesk.gui.theme import themed_style
from pwdesk.palette import contrast_ratio
from pwdesk.resources import resource_path
from pwdesk.services.templates import catalogue
from pwdesk.store.database import Database

WINDOW, TEXT, BASE = "#202124", "#E8EAED", "#2B2C2F"


def contrast(ink: QColor, paper: QColor) -> float:
    """The WCAG contrast ratio of text in ``ink`` (its transparency shown over ``paper``)."""
    share = ink.alphaF()
    shown = QColor(
        *(
            round(part * share + under * (1 - share))
            for part, under in zip(_rgb(ink), _rgb(paper), strict=True)
        )
    )
    return contrast_ratio(shown.name(), paper.name())


@pytest.fixture
def dark(qapp: QApplication) -> Iterator[QPalette]:
    """A dark palette for the application while the test runs."""
    before = qapp.palette()
    palette = QPalette(before)
    for role, colour in (
        (QPalette.ColorRole.Window, WINDOW),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, BASE),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.Button, BASE),
        (QPalette.ColorRole.ButtonText, TEXT),
    ):
        palette.setColor(role, QColor(colour))
    qapp.setPalette(palette)
    yield palette
    qapp.setPalette(before)


@pytest.fixture
def form(qtbot: QtBot, dark: QPalette, db: Database) -> AssessmentForm:
    """The case audit form, made and shown on the dark theme."""
    template = next(t for t in catalogue(db).all_templates() if t.kind is TemplateKind.CASE_AUDIT)
    made = AssessmentForm(template)
    qtbot.addWidget(made)
    made.show()
    return made


def test_every_label_of_the_form_reads_on_a_dark_theme(form: AssessmentForm) -> None:
    form.show_missing([item.id for item in form.template.items() if item.required][:1])
    labels = [label for label in form.findChildren(QLabel) if label.text().strip()]
    assert len(labels) > 20
    for label in labels:
        label.ensurePolished()
        ink = label.palette().color(QPalette.ColorRole.WindowText)
        assert contrast(ink, QColor(WINDOW)) >= 4.5, (label.text()[:40], ink.name())


def test_an_unpicked_grade_button_is_dark_on_a_dark_theme_and_keeps_its_words(
    form: AssessmentForm,
) -> None:
    buttons = [b for b in form.findChildren(QPushButton) if b.isCheckable()]
    assert {b.text().replace("&", "") for b in buttons} >= {"Good", "Inadequate"}
    button = buttons[0]
    image = button.grab().toImage()
    corner = image.pixelColor(image.width() - 4, 4)  # inside the border, clear of the words
    assert corner.lightness() < 128  # not a white button on a dark window


def test_the_style_sheet_swaps_its_text_colours_on_a_dark_theme_only(
    qapp: QApplication, dark: QPalette
) -> None:
    sheet = resource_path("style.qss").read_text(encoding="utf-8")
    themed = themed_style(sheet)
    for colour in re.findall(r"color: (#[0-9A-Fa-f]{6})", sheet):
        assert colour not in themed  # every text colour of the sheet is swapped on dark
    for swapped in re.findall(r"color: (#[0-9A-Fa-f]{6})", themed):
        assert contrast(QColor(swapped), QColor(WINDOW)) >= 4.5, swapped
    qapp.setPalette(qapp.style().standardPalette())
    assert themed_style(sheet) == sheet


def _rgb(colour: QColor) -> tuple[int, int, int]:
    return colour.red(), colour.green(), colour.blue()
