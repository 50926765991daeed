"""A report as a Word document, for the QA officer to edit before it goes to committee.

The same ``ReportDocument`` the PDF prints, written in Word's own styles (Title, Heading 1 and 2,
Caption, Table Grid), so Word's navigation pane, contents field, accessibility checker and screen
readers treat it like a document written by hand. The module is named ``word`` rather than
``docx`` so that it is never mistaken for the python-docx package it imports.

The contents is a real TOC field: its stored result already lists the main headings (so the
list reads correctly in any program, before anything is updated) and a note saying how to add
the page numbers, which Word replaces with the full contents when the field is updated. We do
not set Word's "update fields on open", which greets the reader with a question about fields
that "may refer to other files" before they have seen the report.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from datetime import UTC, datetime
from xml.sax.saxutils import escape as xml_escape

import docx
from docx.document import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Length, Mm, Pt, RGBColor
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph

from pwdesk.domain.cells import NOT_XML  # Word refuses a whole file holding one
from pwdesk.palette import ACCENT, MUTED
from pwdesk.reports.blocks import (
    Align,
    Block,
    Cell,
    Chart,
    Contents,
    Cover,
    Heading,
    PageBreak,
    Para,
    ReportDocument,
    Table,
)
from pwdesk.reports.chart_image import chart_png

PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(20)  # A4, as the PDF
TEXT_WIDTH = Length(PAGE_WIDTH - 2 * MARGIN)
CONTENTS_TITLE = "Contents"
CONTENTS_LEVELS = "1-1"  # the main headings only, as the PDF's contents list
CONTENTS_FIELD = f'TOC \\o "{CONTENTS_LEVELS}" \\h \\z \\u'
CONTENTS_HINT = "To add page numbers, right-click this list and choose Update Field."
CELL_PADDING = 40  # twentieths of a point, above and below a cell's text
SIDE_PADDING = 70  # twentieths of a point, left and right of it (Word's own is 108)
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip can hold: no clock in the file

STYLES_WITH_EFFECTS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"

_JUSTIFY = {"left": "left", "right": "right", "centre": "center"}  # w:jc values


def render_docx(document: ReportDocument, *, created: datetime | None = None) -> bytes:
    """``document`` as the bytes of a .docx file; the same document always gives the same bytes.

    ``created`` (UTC) is written as the file's created and modified time; without it the file
    carries no time at all rather than one made up.
    """
    word = docx.Document()
    _set_up_page(word)
    _set_up_styles(word, document.language)
    _set_properties(word, document, created)
    _drop_template_leftovers(word)
    _page_furniture(word, document.cover)
    headings = [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1]
    writer = _Writer(word, headings)
    writer.cover(document.cover)
    for block in document.blocks:
        writer.block(block)
    output = io.BytesIO()
    word.save(output)
    return _without_clock(output.getvalue())


def _clean(text: str) -> str:
    return NOT_XML.sub("", text)


def _colour(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


class _Writer:
    """Appends blocks to a Word document, remembering a page break until the next paragraph.

    A page break is the next paragraph's "page break before" rather than a paragraph holding a
    break, which would leave an empty line at the top of the new page.
    """

    def __init__(self, word: Document, headings: Sequence[str]) -> None:
        self.word = word
        self.headings = headings
        self.break_pending = False
        self.level = 0  # the last heading's level, so none is skipped

    def paragraph(self, text: str = "", style: str = "Normal") -> Paragraph:
        """A new paragraph at the end of the document, after a page break if one is pending."""
        paragraph = self.word.add_paragraph(_clean(text), style)
        self._take_break(paragraph)
        return paragraph

    def _take_break(self, paragraph: Paragraph) -> None:
        if self.break_pending:
            paragraph.paragraph_format.page_break_before = True
            self.break_pending = False

    def block(self, block: Block) -> None:
        """Write one block."""
        if isinstance(block, Heading):
            self.heading(block)
        elif isinstance(block, Para):
            self.para(block)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Chart):
            self.chart(block)
        elif isinstance(block, Contents):
            self.contents()
        elif isinstance(block, PageBreak):
            self.break_pending = True

    def cover(self, cover: Cover) -> None:
        """The cover page: who, the title, which week, for whom, and the marking."""
        self.strong_line(cover.authority)
        self.paragraph(cover.title, "Title")
        if cover.week_title:
            self.paragraph(cover.week_title, "Subtitle")
        for line in (cover.theme, cover.dates, cover.purpose, cover.prepared):
            if line:
                self.paragraph(line)
        self.strong_line(cover.marking)
        self.break_pending = True

    def strong_line(self, text: str) -> None:
        """A bold paragraph, if there is any text."""
        if text:
            self.paragraph().add_run(_clean(text)).bold = True

    def heading(self, heading: Heading) -> None:
        """Heading 1 or 2; a level deeper than the one before is brought up so none is skipped."""
        level = max(1, min(heading.level, self.level + 1, 9))
        self.level = level
        self.break_pending = self.break_pending or heading.new_page
        self.paragraph(heading.text, f"Heading {level}")

    def para(self, para: Para) -> None:
        """A Normal paragraph: muted text in a grey that keeps 4.5:1 on white, strong in bold."""
        if not para.text:
            return
        run = self.paragraph().add_run(_clean(para.text))
        if para.tone == "muted":
            run.font.color.rgb = _colour(MUTED)
        elif para.tone == "strong":
            run.bold = True

    def table(self, table: Table) -> None:
        """The caption, then the table with a header row that repeats on every page."""
        caption = self.paragraph(table.caption, "Caption")
        caption.paragraph_format.keep_with_next = True
        grid = self.word.add_table(rows=0, cols=len(table.header))
        grid.style = self.word.styles["Table Grid"]
        grid.autofit = False
        widths = _widths(table.weights)
        for column, width in zip(grid.columns, widths, strict=True):
            column.width = width
        header = tuple(Cell((text,), strong=True) for text in table.header)
        # Each row is written as XML in one go: python-docx's cell API walks the whole table
        # for every cell, which made the appendix of 2,000 audits take minutes.
        for cells in (header, *table.rows):
            grid._tbl.append(parse_xml(_row_xml(cells, widths, table.align)))
        _mark_header_row(grid)
        _caption_table(grid, table.caption)

    def chart(self, chart: Chart) -> None:
        """The chart's title, its picture with the description as alt text, then its table."""
        title = self.paragraph(chart.title, "Caption")
        title.paragraph_format.keep_with_next = True
        holder = self.paragraph()
        holder.paragraph_format.keep_with_next = True
        png = chart_png(chart, Emu(TEXT_WIDTH).pt)
        picture = holder.add_run().add_picture(io.BytesIO(png), width=TEXT_WIDTH)
        doc_pr = picture._inline.docPr  # python-docx has no API for alt text
        doc_pr.set("title", _clean(chart.title))
        doc_pr.set("descr", _clean(chart.description or chart.title))
        self.table(chart.table)

    def contents(self) -> None:
        """A TOC field whose stored result lists the main headings and how to add pages."""
        self.paragraph(CONTENTS_TITLE, "TOC Heading")
        entries = [self.paragraph(text, "toc 1") for text in self.headings]
        hint = self.paragraph()
        hint.add_run(CONTENTS_HINT).font.color.rgb = _colour(MUTED)
        first, last = (entries or [hint])[0], hint
        opening = [_field_char("begin"), _instruction(CONTENTS_FIELD), _field_char("separate")]
        for position, run in enumerate(opening):
            first._p.insert(position + (first._p.pPr is not None), run)
        last._p.append(_field_char("end"))


def _widths(weights: Sequence[float]) -> list[Length]:
    """The text width shared between the columns by weight."""
    total = sum(weights) or 1.0
    return [Emu(int(TEXT_WIDTH * weight / total)) for weight in weights]


def _row_xml(cells: Sequence[Cell], widths: Sequence[Length], aligns: Sequence[Align]) -> str:
    """A table row as WordprocessingML: each cell's width, fill, alignment and lines."""
    return (
        f"<w:tr {nsdecls('w')}>"
        + "".join(
            _cell_xml(cell, width, align)
            for cell, width, align in zip(cells, widths, aligns, strict=True)
        )
        + "</w:tr>"
    )


def _cell_xml(cell: Cell, width: Length, align: Align) -> str:
    """One cell: its lines as paragraphs aligned as its column, in the cell's colours."""
    shading = (
        f'<w:shd w:val="clear" w:color="auto" w:fill="{cell.fill.lstrip("#").upper()}"/>'
        if cell.fill
        else ""
    )
    run_properties = ("<w:b/>" if cell.strong else "") + (
        f'<w:color w:val="{cell.ink.lstrip("#").upper()}"/>' if cell.ink else ""
    )
    paragraphs = "".join(
        f'<w:p><w:pPr><w:jc w:val="{_JUSTIFY[align]}"/></w:pPr>'
        + (
            f"<w:r>{f'<w:rPr>{run_properties}</w:rPr>' if run_properties else ''}"
            f'<w:t xml:space="preserve">{xml_escape(_clean(line))}</w:t></w:r>'
            if line
            else ""
        )
        + "</w:p>"
        for line in (cell.lines or ("",))
    )
    twips = int(width.twips)
    return f'<w:tc><w:tcPr><w:tcW w:w="{twips}" w:type="dxa"/>{shading}</w:tcPr>{paragraphs}</w:tc>'


def _mark_header_row(grid: WordTable) -> None:
    """The first row is the table's header: repeated on each page and read out as headings."""
    row_properties = grid.rows[0]._tr.get_or_add_trPr()
    row_properties.append(OxmlElement("w:tblHeader"))


def _caption_table(grid: WordTable, caption: str) -> None:
    """The caption as the table's own title, which Word's Alt Text pane and readers show."""
    properties = grid._tbl.tblPr
    properties.append(OxmlElement("w:tblCaption", {qn("w:val"): _clean(caption)}))


def _field_char(kind: str) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:fldChar", {qn("w:fldCharType"): kind}))
    return run


def _instruction(code: str) -> BaseOxmlElement:
    run = OxmlElement("w:r")
    text = OxmlElement("w:instrText", {qn("xml:space"): "preserve"})
    text.text = f" {code} "
    run.append(text)
    return run


def _field(paragraph: Paragraph, code: str, placeholder: str) -> None:
    """A field (PAGE, NUMPAGES) with the result shown until Word or LibreOffice works it out."""
    paragraph._p.append(_field_char("begin"))
    paragraph._p.append(_instruction(code))
    paragraph._p.append(_field_char("separate"))
    paragraph.add_run(placeholder)
    paragraph._p.append(_field_char("end"))


def _set_up_page(word: Document) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN
    section.header_distance = section.footer_distance = Mm(10)


def _set_up_styles(word: Document, language: str) -> None:
    """The document's language for proofing and speech, and heading colours that read well."""
    styles = word.styles
    languages = styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    languages.find(qn("w:lang")).set(qn("w:val"), language)
    word.settings.element.find(qn("w:themeFontLang")).set(qn("w:val"), language)
    proofed = word.settings.element.find(qn("w:proofState"))
    if proofed is not None:  # the template claims it was spell-checked: let Word check afresh
        word.settings.element.remove(proofed)
    # The template's pale blue (4.0:1 on white) is too light for 13-point and smaller text.
    for name in ("Title", "Subtitle", "Heading 1", "Heading 2", "TOC Heading", "Caption"):
        styles[name].font.color.rgb = _colour(ACCENT)
    _set_up_tables(word)
    contents_entry = styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH, builtin=True)
    contents_entry.element.styleId = "TOC1"
    contents_entry.base_style = styles["Normal"]
    contents_entry.next_paragraph_style = styles["Normal"]
    contents_entry.paragraph_format.space_after = Pt(4)
    for name in ("Header", "Footer"):
        tabs = styles[name].paragraph_format.tab_stops
        tabs.clear_all()
        tabs.add_tab_stop(Emu(TEXT_WIDTH // 2), WD_TAB_ALIGNMENT.CENTER)
        tabs.add_tab_stop(TEXT_WIDTH, WD_TAB_ALIGNMENT.RIGHT)
        styles[name].font.size = Pt(8)


def _set_up_tables(word: Document) -> None:
    """Table Grid in a smaller size, with a little room above and below the text of a cell."""
    grid = word.styles["Table Grid"]
    grid.font.size = Pt(8.5)
    margins = grid.element.find(qn("w:tblPr")).find(qn("w:tblCellMar"))
    for side in ("w:top", "w:bottom"):
        margins.find(qn(side)).set(qn("w:w"), str(CELL_PADDING))
    for side in ("w:left", "w:right"):  # room for "Outstanding" over a narrow column of counts
        found = margins.find(qn(side))
        if found is not None:
            found.set(qn("w:w"), str(SIDE_PADDING))


def _set_properties(word: Document, document: ReportDocument, created: datetime | None) -> None:
    """Title, subject, keywords and language for search and readers; no clock unless given."""
    properties = word.core_properties
    properties.title = _clean(document.title)
    properties.subject = _clean(document.subject)
    properties.keywords = _clean(", ".join(document.keywords))
    properties.language = document.language
    properties.author = _clean(document.cover.authority)
    properties.comments = ""  # the template's "generated by python-docx"
    properties.last_modified_by = ""
    properties.revision = 1
    if created is not None:
        if created.tzinfo is not None:  # python-docx writes the time as given, marked UTC
            created = created.astimezone(UTC).replace(tzinfo=None)
        properties.created = properties.modified = created
    else:
        element = properties._element  # python-docx can set these times but not remove them
        for name in ("dcterms:created", "dcterms:modified"):
            stamp = element.find(qn(name))
            if stamp is not None:
                element.remove(stamp)


def _drop_template_leftovers(word: Document) -> None:
    """The template's picture of a blank page, and its second copy of the styles.

    The copy (``stylesWithEffects.xml``, for Word 2010) still says en-US and pale blue: it is
    dropped so one set of styles holds the language and colours set here.
    """
    package = word.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            del package.rels[rel_id]
    for rel_id, rel in list(word.part.rels.items()):
        if rel.reltype == STYLES_WITH_EFFECTS:
            del word.part.rels[rel_id]


def _page_furniture(word: Document, cover: Cover) -> None:
    """The authority and marking at the top of every page; marking and "Page x of y" below."""
    section = word.sections[0]
    header = section.header.paragraphs[0]
    header.add_run(_clean(cover.authority)).bold = True
    header.add_run("\t\t")
    header.add_run(_clean(cover.marking)).bold = True
    footer = section.footer.paragraphs[0]
    footer.add_run("\t")
    footer.add_run(_clean(cover.marking)).bold = True
    footer.add_run("\tPage ")
    _field(footer, "PAGE", "1")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES", "1")


def _without_clock(package: bytes) -> bytes:
    """The zip rewritten with a fixed time on every entry, so equal documents are equal files."""
    source = zipfile.ZipFile(io.BytesIO(package))
    output = io.BytesIO()
    with source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry))
    return output.getvalue()
