"""The page header fits the authority's name beside the protective marking, however long the
name the settings accept."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth

from pwdesk.reports.document import BOLD, fit_lines, register_fonts

SHARED_SERVICE = (
    "Royal Borough of Northfield and Easthaven, Westbridge City Council and the London "
    "Borough of Southmoor"
)  # fictional, 100 characters


@pytest.mark.parametrize(
    ("name", "largest_lines"),
    [("Fictional Borough Council", 1), (SHARED_SERVICE, 2), ("W" * 120, 1)],
)
def test_the_name_fits_its_room_whole(name: str, largest_lines: int) -> None:
    register_fonts()
    room = 206.0  # beside a logo and a 40-character marking
    size, lines = fit_lines(name, room)
    assert 1 <= len(lines) <= largest_lines
    assert all(stringWidth(line, BOLD, size) <= room for line in lines)
    assert "".join(lines).replace(" ", "") == name.replace(" ", "")
    if name == "Fictional Borough Council":
        assert size == 9.0
    if name == SHARED_SERVICE:
        assert size >= 6.0
