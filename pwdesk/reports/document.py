"""What every pwdesk PDF shares: embedded fonts, one style sheet, page furniture, "Page x of y".

Each document (the feedback sheet, the summary report) is a renderer class built on
``PwdeskDocument``: margins and fonts as attributes, the story built from data handed in, output
to bytes.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    PageTemplate,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from pwdesk.domain.dates import long_date
from pwdesk.palette import ACCENT, INK, MUTED, RULE
from pwdesk.resources import resource_path

FONT = "NotoSans"
BOLD = "NotoSans-Bold"
ITALIC = "NotoSans-Italic"
BOLD_ITALIC = "NotoSans-BoldItalic"


@cache
def register_fonts() -> None:
    """Register the shipped TrueType fonts once; ReportLab embeds the glyphs each PDF uses."""
    for name, file in (
        (FONT, "NotoSans-Regular.ttf"),
        (BOLD, "NotoSans-Bold.ttf"),
        (ITALIC, "NotoSans-Italic.ttf"),
        (BOLD_ITALIC, "NotoSans-BoldItalic.ttf"),
    ):
        pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", file))))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC
    )


@cache
def style_sheet() -> StyleSheet1:
    """The one style sheet of pwdesk's documents, built once."""
    register_fonts()
    sheet = StyleSheet1()
    ink, muted, accent = colors.HexColor(INK), colors.HexColor(MUTED), colors.HexColor(ACCENT)
    sheet.add(ParagraphStyle("Body", fontName=FONT, fontSize=9, leading=12, textColor=ink))
    sheet.add(ParagraphStyle("Small", parent=sheet["Body"], fontSize=7.5, leading=9.5))
    sheet.add(ParagraphStyle("SmallBold", parent=sheet["Small"], fontName=BOLD))
    sheet.add(ParagraphStyle("Cell", parent=sheet["Small"], fontSize=7, leading=8.3))
    sheet.add(ParagraphStyle("Para", parent=sheet["Body"], spaceAfter=5))
    sheet.add(ParagraphStyle("CellBold", parent=sheet["Cell"], fontName=BOLD))
    sheet.add(ParagraphStyle("Muted", parent=sheet["Small"], textColor=muted))
    sheet.add(
        ParagraphStyle("Label", parent=sheet["Small"], textColor=muted, fontSize=7, leading=9)
    )
    sheet.add(ParagraphStyle("Value", parent=sheet["Body"], fontName=BOLD, fontSize=9, leading=11))
    sheet.add(
        ParagraphStyle(
            "Title", parent=sheet["Body"], fontName=BOLD, fontSize=15, leading=19, textColor=accent
        )
    )
    sheet.add(
        ParagraphStyle(
            "Heading1",
            parent=sheet["Body"],
            fontName=BOLD,
            fontSize=13,
            leading=17,
            textColor=accent,
            spaceBefore=10,
            spaceAfter=5,
            keepWithNext=1,
        )
    )
    sheet.add(
        ParagraphStyle(
            "Heading2",
            parent=sheet["Body"],
            fontName=BOLD,
            fontSize=10,
            leading=13,
            textColor=accent,
            spaceBefore=7,
            spaceAfter=3,
            keepWithNext=1,
        )
    )
    sheet.add(ParagraphStyle("Centre", parent=sheet["Small"], alignment=TA_CENTER))
    sheet.add(ParagraphStyle("Right", parent=sheet["Small"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("CentreBold", parent=sheet["SmallBold"], alignment=TA_CENTER))
    sheet.add(ParagraphStyle("RightBold", parent=sheet["SmallBold"], alignment=TA_RIGHT))
    sheet.add(ParagraphStyle("Caption", parent=sheet["Muted"], fontName=ITALIC, spaceAfter=2))
    return sheet


def table_style(commands: Sequence[tuple[Any, ...]]) -> TableStyle:
    """A table style in the embedded font: ReportLab tables otherwise start in Helvetica,
    which is not embedded."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def ruled_table(
    rows: list[list[Any]],
    widths: Sequence[float],
    *,
    extra: Sequence[tuple[Any, ...]] = (),
    padding: tuple[float, float] = (2, 2.5),
    split_in_row: bool = False,
) -> Table:
    """A list as a table: a header row ruled in the accent colour, thin rules between rows.

    ``padding`` is (top, bottom) of each cell; ``split_in_row`` lets one very tall row continue
    on the next page instead of leaving a gap.
    """
    table = Table(rows, colWidths=list(widths), repeatRows=1, splitInRow=int(split_in_row))
    top, bottom = padding
    table.setStyle(
        table_style(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.HexColor(ACCENT)),
                ("LINEBELOW", (0, 1), (-1, -1), 0.3, colors.HexColor(RULE)),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), top),
                ("BOTTOMPADDING", (0, 0), (-1, -1), bottom),
                *extra,
            ]
        )
    )
    return table


def escape(text: str) -> str:
    """Text made safe for a ReportLab paragraph, line breaks kept."""
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")
    )


def date_or_dash(day: date | None) -> str:
    """17 September 2018, or a dash when there is no date."""
    return long_date(day) if day else "–"


@dataclass(frozen=True)
class Furniture:
    """What goes on every page: who, how it is marked, what it is."""

    authority: str
    marking: str
    document: str  # short name in the footer, e.g. "Feedback sheet"
    draft: bool = False
    logo: Path | None = None


class _DeferredCanvas(Canvas):
    """A canvas that holds every page until the document is laid out, then finishes each one.

    Only then is the page count known, so "Page x of y" and the contents page are drawn in
    one layout pass: the story is laid out once, and only the contents page is drawn again.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[dict[str, Any]] = []
        self.finish_page: Callable[[Canvas, int, int], None] = lambda canvas, page, total: None

    def showPage(self) -> None:  # noqa: N802 - ReportLab's name
        self._held.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # ReportLab's own page reset
        # Bookmarks name the page they are on by the document's page counter ("Page3"), which
        # only a page written out advances: keep it in step while pages are held.
        self._doc.pageCounter += 1  # type: ignore[attr-defined]  # ReportLab's PDFDocument

    def save(self) -> None:
        total = len(self._held)
        self._doc.pageCounter = 1  # type: ignore[attr-defined]  # written out now: Page1, Page2...
        for number, state in enumerate(self._held, start=1):
            self.__dict__.update(state)
            self.finish_page(self, number, total)
            super().showPage()
        super().save()


class ContentsSpace(Flowable):
    """The rest of the contents page, kept for the listing drawn once the pages are known."""

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width, self.height = available_width, available_height - 1
        return self.width, self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(0, 0)
        template = getattr(self.canv, "template", None)
        if isinstance(template, _Template):
            template.contents_at = (self.canv.getPageNumber(), x, y, self.width, self.height)


class _Template(BaseDocTemplate):
    """Draws the furniture on every page, and files headings in the contents and PDF outline.

    A heading is any flowable with ``outline_level`` and ``outline_text`` attributes.
    """

    def __init__(
        self, *args: Any, furniture: Furniture, contents_styles: list[Any], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.furniture = furniture
        self.contents_styles = contents_styles
        self.entries: list[tuple[int, str, int, str]] = []
        self.contents_at: tuple[int, float, float, float, float] | None = None

    def beforeDocument(self) -> None:  # noqa: N802 - ReportLab's hook
        self.canv.finish_page = self.finish_page  # type: ignore[attr-defined]
        self.canv.template = self  # type: ignore[attr-defined]

    def afterFlowable(self, flowable: Flowable) -> None:  # noqa: N802 - ReportLab's hook
        level = getattr(flowable, "outline_level", None)
        if level is None:
            return
        key = f"heading-{len(self.entries) + 1}"
        text = str(getattr(flowable, "outline_text", ""))
        self.canv.bookmarkPage(key)
        self.canv.addOutlineEntry(text, key, level=level, closed=level > 0)
        # the contents list keeps to the main headings; the outline has all
        self.entries.append((level, text, self.page, key))

    def finish_page(self, canvas: Canvas, page: int, total: int) -> None:
        """Once every page is laid out: the furniture, and the contents where they go."""
        draw_furniture(canvas, self.furniture, page, total)
        if self.contents_at is not None and self.contents_at[0] == page:
            _, x, y, width, height = self.contents_at
            listing = TableOfContents()
            listing.levelStyles = self.contents_styles
            listing._lastEntries = [e for e in self.entries if e[0] == 0]  # type: ignore[attr-defined]
            _, used = listing.wrapOn(canvas, width, height)
            shrink = min(1.0, height / used) if used else 1.0  # a long list is drawn smaller
            canvas.saveState()
            canvas.translate(x, y + height - used * shrink)
            canvas.scale(shrink, shrink)
            listing.drawOn(canvas, 0, 0)
            canvas.restoreState()


def draw_furniture(canvas: Canvas, furniture: Furniture, page: int, total: int) -> None:
    """Header, footer, protective marking (top and bottom) and, for drafts, a watermark."""
    canvas.saveState()
    if furniture.draft:
        _watermark(canvas)
    _header(canvas, furniture)
    _footer(canvas, furniture, page, total)
    canvas.restoreState()


def _watermark(canvas: Canvas) -> None:
    width, height = A4
    canvas.setFont(BOLD, 110)
    canvas.setFillColor(colors.Color(0.78, 0.06, 0.18, alpha=0.10))
    canvas.translate(width / 2, height / 2)
    canvas.rotate(40)
    canvas.drawCentredString(0, -35, "DRAFT")
    canvas.rotate(-40)
    canvas.translate(-width / 2, -height / 2)


def _logo(canvas: Canvas, logo: Path | None, left: float, top: float) -> float:
    """Draw the logo, if there is a readable one; returns where the header's text starts."""
    if logo is None or not logo.is_file():
        return left
    try:
        canvas.drawImage(
            str(logo),
            left,
            top - 2.5 * mm,
            height=8 * mm,
            width=24 * mm,
            preserveAspectRatio=True,
            anchor="sw",
            mask="auto",
        )
    except OSError:
        return left  # an unreadable logo file is left out rather than failing the print
    return left + 26 * mm


def _header(canvas: Canvas, furniture: Furniture) -> None:
    width, height = A4
    left, right = 15 * mm, width - 15 * mm
    top = height - 11 * mm
    x = _logo(canvas, furniture.logo, left, top)
    marking = furniture.marking.upper()
    room = right - x - (stringWidth(marking, BOLD, 8) + 12 if marking else 0)
    size, lines = fit_lines(furniture.authority or "Children's Social Care", room)
    canvas.setFont(BOLD, size)
    canvas.setFillColor(colors.HexColor(ACCENT))
    for number, line in enumerate(lines):  # a second line sits above, so the rule stays put
        canvas.drawString(x, top + (len(lines) - 1 - number) * (size + 1), line)
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(colors.HexColor(MUTED))
    service = "Children's Social Care · Practice Week" if furniture.authority else "Practice Week"
    canvas.drawString(x, top - 9, service)
    _marking(canvas, furniture.marking, right, top - 1)
    canvas.setStrokeColor(colors.HexColor(RULE))
    canvas.setLineWidth(0.6)
    canvas.line(left, top - 13, right, top - 13)


def fit_lines(text: str, width: float) -> tuple[float, list[str]]:
    """The header's bold name at the largest size from 9 points down to 6 that fits ``width``
    on one line, or else on two; a name longer still is set smaller, on two lines, whole."""

    def fitted(size: float, most: int) -> list[str] | None:
        lines = simpleSplit(text, BOLD, size, width) or [text]
        fits = all(stringWidth(line, BOLD, size) <= width for line in lines)
        return lines if fits and len(lines) <= most else None

    size = 9.0
    while size > 2:
        lines = fitted(size, 1 if size > 7.5 else 2)
        if lines is not None:
            return size, lines
        size -= 0.25
    lines = simpleSplit(text, BOLD, size, width) or [text]
    widest = max(stringWidth(line, BOLD, size) for line in lines)
    return min(size, size * width / widest), lines  # one unbroken run, shrunk to the room


def _footer(canvas: Canvas, furniture: Furniture, page: int, total: int) -> None:
    width, _ = A4
    left, right = 15 * mm, width - 15 * mm
    bottom = 9 * mm
    canvas.line(left, bottom + 9, right, bottom + 9)  # in the header's stroke colour and width
    canvas.setFont(FONT, 7)
    canvas.setFillColor(colors.HexColor(MUTED))
    label = furniture.document + (" · DRAFT" if furniture.draft else "")
    canvas.drawString(left, bottom, label)
    canvas.drawRightString(right, bottom, f"Page {page} of {total}")
    _marking(canvas, furniture.marking, width / 2, bottom, centred=True)


def _marking(canvas: Canvas, marking: str, x: float, y: float, *, centred: bool = False) -> None:
    if not marking:
        return
    canvas.setFont(BOLD, 8)
    canvas.setFillColor(colors.HexColor(INK))
    (canvas.drawCentredString if centred else canvas.drawRightString)(x, y, marking.upper())


class PwdeskDocument:
    """Base of every renderer: A4 pages with pwdesk's furniture, a story in, PDF bytes out."""

    page_size = A4
    left_margin = 15 * mm
    right_margin = 15 * mm
    top_margin = 18 * mm
    bottom_margin = 14 * mm

    def __init__(self, furniture: Furniture, title: str, subject: str = "") -> None:
        register_fonts()
        self.furniture = furniture
        self.title = title
        self.subject = subject
        self.keywords = ""
        self.language = "en-GB"
        self.styles = style_sheet()

    @property
    def body_width(self) -> float:
        """The width between the margins."""
        return float(self.page_size[0] - self.left_margin - self.right_margin)

    def build(self, make_story: Callable[[], Sequence[Flowable]]) -> bytes:
        """Lay out the story once and return the PDF.

        Pages are held until the layout ends, so each can say "Page x of y", and a contents
        list (a ContentsSpace in the story) is drawn with its page numbers then.
        """
        buffer = io.BytesIO()
        document = _Template(
            buffer,
            furniture=self.furniture,
            contents_styles=[self.styles["Body"], self.styles["Small"]],
            pagesize=self.page_size,
            leftMargin=self.left_margin,
            rightMargin=self.right_margin,
            topMargin=self.top_margin,
            bottomMargin=self.bottom_margin,
            title=self.title,
            author=self.furniture.authority or "pwdesk",
            subject=self.subject,
            keywords=self.keywords,
            creator="pwdesk",
            lang=self.language,
            displayDocTitle=True,  # viewers show the title, not the file name
            initialFontName=FONT,  # ReportLab's default, Helvetica, would not be embedded
        )
        frame = Frame(
            document.leftMargin,
            document.bottomMargin,
            document.width,
            document.height,
            id="body",
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )
        document.addPageTemplates([PageTemplate(id="page", frames=[frame])])
        document.build(list(make_story()), canvasmaker=_DeferredCanvas)
        return buffer.getvalue()
