"""A report's blocks as PDF: the cover, the contents with page numbers, headings filed in the
PDF's outline, ruled tables with their captions, and charts drawn above their tables."""

from __future__ import annotations

from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    HRFlowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    Spacer,
)
from reportlab.platypus import Table as PdfTable

from pwdesk.palette import ACCENT
from pwdesk.reports.blocks import (
    Block,
    Cell,
    Chart,
    Contents,
    Cover,
    Heading,
    Para,
    ReportDocument,
    Table,
)
from pwdesk.reports.blocks import PageBreak as BlockBreak
from pwdesk.reports.charts import chart_drawing
from pwdesk.reports.document import (
    ContentsSpace,
    Furniture,
    PwdeskDocument,
    escape,
    ruled_table,
)

TONES = {"body": "Para", "muted": "Muted", "strong": "Value"}
CELL_STYLES = {"left": "Small", "right": "Right", "centre": "Centre"}
HEADER_STYLES = {"left": "SmallBold", "right": "RightBold", "centre": "CentreBold"}
SECTION_ROOM = 50 * mm  # a main heading starts a new page unless this much is left


class BlocksPdf(PwdeskDocument):
    """Renders a ReportDocument to PDF bytes, A4 with pwdesk's page furniture."""

    def __init__(self, furniture: Furniture) -> None:
        super().__init__(furniture, title="", subject="")

    def render(self, document: ReportDocument) -> bytes:
        """The document as a PDF, its title, subject and language in the PDF's metadata."""
        self.title = document.title
        self.subject = document.subject
        self.language = document.language
        self.keywords = ", ".join(document.keywords)
        return self.build(lambda: self._story(document))

    def _story(self, document: ReportDocument) -> list[Flowable]:
        story = self._cover(document.cover)
        lead: list[Flowable] = []  # headings and paragraphs kept with the chart after them
        for block in document.blocks:
            if isinstance(block, Heading | Para):
                lead += self._block(block)
                continue
            if isinstance(block, Chart):
                drawing = chart_drawing(block, self.body_width)
                story += [KeepTogether([*lead, Spacer(1, 2 * mm), drawing]), Spacer(1, 2 * mm)]
                story += self._table(block.table)
            else:
                story += lead + self._block(block)
            lead = []
        return story + lead

    def _p(self, text: str, style: str) -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    def _cover(self, cover: Cover) -> list[Flowable]:
        return [
            Spacer(1, 30 * mm),
            self._p(cover.authority, "Heading2"),
            Spacer(1, 4 * mm),
            self._p(cover.title, "Title"),
            Spacer(1, 2 * mm),
            HRFlowable(width="100%", thickness=2.5, color=colors.HexColor(ACCENT)),
            Spacer(1, 3 * mm),
            self._p(cover.week_title, "Heading1"),
            self._p(cover.theme, "Body"),
            self._p(cover.dates, "Body"),
            Spacer(1, 12 * mm),
            self._p(cover.purpose, "Body"),
            Spacer(1, 6 * mm),
            self._p(cover.prepared, "Muted"),
            self._p(cover.marking, "SmallBold"),
            PageBreak(),
        ]

    def _block(self, block: Block) -> list[Flowable]:
        if isinstance(block, Heading):
            return self._heading(block)
        if isinstance(block, Para):
            return [self._p(block.text, TONES[block.tone])]
        if isinstance(block, Table):
            return self._table(block)
        if isinstance(block, Contents):
            title = ParagraphStyle("Contents", parent=self.styles["Heading1"], keepWithNext=0)
            return [Paragraph("Contents", title), ContentsSpace(), PageBreak()]
        if isinstance(block, BlockBreak):
            return [PageBreak()]
        raise TypeError(f"no PDF for {type(block).__name__}")

    def _heading(self, heading: Heading) -> list[Flowable]:
        """A heading filed in the outline; a main heading also in the contents."""
        paragraph = self._p(heading.text, "Heading1" if heading.level == 1 else "Heading2")
        paragraph.outline_level = heading.level - 1  # type: ignore[attr-defined]
        paragraph.outline_text = heading.text  # type: ignore[attr-defined]
        if heading.level > 1:
            return [paragraph]
        return [PageBreak() if heading.new_page else CondPageBreak(SECTION_ROOM), paragraph]

    def _cell(self, cell: Cell, align: str) -> Paragraph | list[Paragraph]:
        style = self.styles["SmallBold" if cell.strong and align == "left" else CELL_STYLES[align]]
        paragraphs = [
            Paragraph(
                f"<font color='{cell.ink}'>{escape(line)}</font>" if cell.ink else escape(line),
                style,
            )
            for line in cell.lines
        ]
        return paragraphs[0] if len(paragraphs) == 1 else paragraphs

    def _table(self, table: Table) -> list[Flowable]:
        header = [
            self._p(title, HEADER_STYLES[align])
            for title, align in zip(table.header, table.align, strict=True)
        ]
        rows: list[list[Any]] = [header]
        extra: list[tuple[Any, ...]] = []
        for number, row in enumerate(table.rows, start=1):
            rows.append([self._cell(c, a) for c, a in zip(row, table.align, strict=True)])
            for column, cell in enumerate(row):
                if cell.fill:
                    place = (column, number)
                    extra.append(("BACKGROUND", place, place, colors.HexColor(cell.fill)))
        total = sum(table.weights)
        widths = [self.body_width * weight / total for weight in table.weights]
        grid: PdfTable = ruled_table(rows, widths, extra=extra, split_in_row=True)
        return [self._p(table.caption, "Caption"), grid, Spacer(1, 3 * mm)]
