"""A report as plain blocks: headings, paragraphs, tables and charts, in reading order.

The summary report is written once, as blocks (``pwdesk.reports.summary``); the PDF, the Word
document and the HTML page are each a renderer of the same blocks, so their words and figures
cannot drift apart. Blocks carry meaning only (a table's caption, which column holds numbers, a
chart's description), never a format's layout.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from pwdesk.domain.grades import GradeScale

Align = Literal["left", "right", "centre"]
Tone = Literal["body", "muted", "strong"]


@dataclass(frozen=True)
class Heading:
    """A heading: level 1 is a numbered section in the contents, level 2 a part of one."""

    text: str
    level: int = 1
    new_page: bool = False  # a section that starts on a page of its own in print


@dataclass(frozen=True)
class Para:
    """A paragraph of plain text."""

    text: str
    tone: Tone = "body"


@dataclass(frozen=True)
class Cell:
    """A table cell: plain text (one line a paragraph), optionally in a grade's colours."""

    lines: tuple[str, ...]
    fill: str | None = None  # background colour, #RRGGBB
    ink: str | None = None  # text colour that reads on ``fill``
    strong: bool = False

    @property
    def text(self) -> str:
        """The cell's lines as one text."""
        return "\n".join(self.lines)


def cell(
    text: str, *, fill: str | None = None, ink: str | None = None, strong: bool = False
) -> Cell:
    """A one-line cell."""
    return Cell((text,), fill, ink, strong)


@dataclass(frozen=True)
class Table:
    """A table with a caption, a header row and rows; the first column names each row unless
    ``row_headers`` is false.

    ``align`` is per column; numbers are right-aligned (their headings too), and ``weights``
    share the width between the columns.
    """

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    align: tuple[Align, ...]
    weights: tuple[float, ...]
    row_headers: bool = True  # the first column names its row (not so for side-by-side text)

    def __post_init__(self) -> None:
        width = len(self.header)
        if len(self.align) != width or len(self.weights) != width:
            raise ValueError(f"table {self.caption!r}: align and weights need {width} entries")
        for row in self.rows:
            if len(row) != width:
                raise ValueError(f"table {self.caption!r}: a row has {len(row)} cells of {width}")


@dataclass(frozen=True)
class Chart:
    """Stacked bars of grade counts, one bar a row, with the table of the same figures.

    ``title`` and ``description`` are the chart's text alternative; ``table`` is printed
    beside it, so no reader depends on the picture.
    """

    title: str
    description: str
    rows: tuple[tuple[str, Mapping[str, int]], ...]
    scale: GradeScale
    table: Table
    label_share: float = 0.3  # of the width, for the row labels


@dataclass(frozen=True)
class Contents:
    """Where the contents list goes: every level-1 heading, with its page in print."""


@dataclass(frozen=True)
class PageBreak:
    """A new page in print; nothing in a web page."""


Block = Heading | Para | Table | Chart | Contents | PageBreak


@dataclass(frozen=True)
class Cover:
    """The cover: who, which week, for whom, and the protective marking."""

    authority: str
    title: str  # "Practice Week summary"
    week_title: str
    theme: str
    dates: str
    purpose: str
    prepared: str
    marking: str


@dataclass(frozen=True)
class ReportDocument:
    """A whole report: its title and language (for every format's metadata), cover and blocks."""

    title: str
    cover: Cover
    blocks: tuple[Block, ...]
    language: str = "en-GB"
    subject: str = "Practice Week summary"
    keywords: tuple[str, ...] = field(default=("Practice Week", "children's social care"))
