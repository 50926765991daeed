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


def test_a_contents_list_longer_than_its_page_stays_on_it() -> None:
    import io

    from pypdf import PdfReader

    from pwdesk.reports.blocks import Contents, Cover, Heading, Para, ReportDocument
    from pwdesk.reports.document import Furniture
    from pwdesk.reports.pdf import BlocksPdf

    headings = [Heading(f"{n}. Section {n}") for n in range(1, 81)]
    blocks = [Contents(), *[b for h in headings for b in (h, Para("Fictional text."))]]
    cover = Cover("Test Authority", "Practice Week summary", "Week", "", "Dates", "", "", "")
    pdf = BlocksPdf(Furniture("Test Authority", "OFFICIAL", "Test")).render(
        ReportDocument("Test", cover, tuple(blocks))
    )
    contents = PdfReader(io.BytesIO(pdf)).pages[1]
    seen: list[float] = []

    def where(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if "Section 80" in text:  # the text's place on the page, through both matrices
            seen.append(cm[1] * tm[4] + cm[3] * tm[5] + cm[5])

    contents.extract_text(visitor_text=where)
    assert seen, "the last section is listed"
    assert min(seen) > 9 * 2.83465 + 9  # above the footer's rule, 9 mm and 9 points up
