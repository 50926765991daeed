"""A report as one web page: a single self-contained, accessible HTML file.

The page carries its own style sheet and draws its charts as inline SVG, so it opens anywhere,
offline, and can be mailed as one attachment: no scripts, fonts, images or links out. Every text
comes from users' files and is escaped; headings never skip a level; every table has a caption
and scoped header cells; every chart has a text alternative and is followed by its figures.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from pwdesk.domain.grades import GradeScale
from pwdesk.domain.wording import percent
from pwdesk.palette import ACCENT, INK, MUTED, RULE, contrast_ratio, grade_colours
from pwdesk.reports.blocks import (
    Align,
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

__all__ = ["render_html"]

WHITE = "#FFFFFF"
BLACK = "#000000"
HEAD_FILL = "#EEF1F6"  # table header rows; INK on it reads at well over 4.5:1
READABLE = 4.5  # WCAG AA contrast for body text

_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")
# C0 controls other than tab, newline and carriage return are not allowed in an HTML document.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ALIGN_CLASS: Mapping[Align, str] = {"left": "", "right": "num", "centre": "centre"}

# The chart's drawing units: the SVG scales to the page, and its text scales with it.
SVG_WIDTH = 760.0
LABEL_SIZE = 13.0
LINE = 16.0
BAR = 20.0
GAP = 8.0
LEGEND_SIZE = 12.0
LEGEND_LINE = 22.0
SWATCH = 12.0
PCT_WIDTH = 70.0  # room at the right for good or better
CHAR_WIDTH = 0.6  # of the font size; generous, so an estimated line never runs over

FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Liberation Sans", sans-serif'
_STYLE = f"""
:root {{ color-scheme: light; }}
html {{ background: {WHITE}; color: {INK}; }}
body {{ margin: 0 auto; max-width: 62rem; padding: 1.5rem 1.25rem 3rem; line-height: 1.5;
  font-family: {FONTS}; font-size: 1rem; }}
h1, h2, h3, h4, h5, h6 {{ color: {ACCENT}; line-height: 1.25; }}
h1 {{ font-size: 2rem; margin: 0.75rem 0 0.5rem; }}
h2 {{ font-size: 1.5rem; margin: 2.5rem 0 0.75rem; padding-bottom: 0.25rem;
  border-bottom: 2px solid {ACCENT}; }}
h3, h4, h5, h6 {{ font-size: 1.2rem; margin: 1.75rem 0 0.5rem; }}
p, li, caption, figcaption {{ overflow-wrap: anywhere; }}  /* a long pasted word or link wraps */
p {{ margin: 0 0 0.75rem; max-width: 75ch; }}
.muted {{ color: {MUTED}; }}
.cover {{ border-bottom: 4px solid {ACCENT}; padding-bottom: 1.25rem; margin-bottom: 2rem; }}
.cover .authority {{ font-size: 1.15rem; font-weight: 600; margin-top: 1rem; }}
.cover .week {{ font-size: 1.35rem; font-weight: 600; }}
.marking {{ font-weight: 700; letter-spacing: 0.03em; }}
a {{ color: {ACCENT}; }}
a:focus-visible {{ outline: 3px solid {ACCENT}; outline-offset: 2px; }}
nav ol {{ list-style: none; padding: 0; margin: 0 0 1.5rem; }}
nav li {{ margin: 0.3rem 0; }}
table {{ border-collapse: collapse; width: 100%; margin: 0 0 1.75rem; font-size: 0.9375rem; }}
caption {{ caption-side: top; text-align: left; font-weight: 700; padding: 0 0 0.4rem; }}
th, td {{ border: 1px solid {RULE}; padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; overflow-wrap: anywhere; }}
td.num, td.centre, th.num, th.centre {{ overflow-wrap: normal; }}
thead th {{ background: {HEAD_FILL}; color: {INK}; vertical-align: bottom; }}
tbody th {{ font-weight: 600; }}
.line {{ display: block; }}
.line + .line {{ margin-top: 0.4rem; }}
.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.centre {{ text-align: center; font-variant-numeric: tabular-nums; }}
figure {{ margin: 1.5rem 0 2rem; }}
figcaption {{ font-weight: 700; margin-bottom: 0.5rem; }}
figure svg {{ display: block; width: 100%; height: auto; margin: 0 0 1rem; }}
svg text {{ font-family: inherit; font-size: {LEGEND_SIZE:.0f}px; }}
svg .legend, svg .head, svg .label, svg .pct {{ fill: {INK}; }}
svg .label, svg .pct {{ font-size: {LABEL_SIZE:.0f}px; }}
svg .pct, svg .count {{ font-weight: 700; }}
svg .pct, svg .head {{ text-anchor: end; }}
svg .count {{ text-anchor: middle; }}
footer {{ margin-top: 3rem; padding-top: 0.75rem; border-top: 1px solid {RULE}; }}
@media (max-width: 40rem) {{  /* phones: tables shrink and wrap rather than run off the page */
  table {{ font-size: 0.8rem; }}
  th, td {{ padding: 0.25rem; overflow-wrap: anywhere; hyphens: auto; }}
  td.num, td.centre {{ overflow-wrap: normal; }}
}}
@media print {{
  html {{ font-size: 10.5pt; }}
  body {{ max-width: none; padding: 0; }}
  .cover {{ break-after: page; border-bottom: 0; }}
  .new-page, .page-break {{ break-before: page; }}
  h2, h3, h4, h5, h6, caption, figcaption {{ break-after: avoid; }}
  tr, svg, figcaption {{ break-inside: avoid; }}
  thead {{ display: table-header-group; }}
  a {{ color: inherit; text-decoration: none; }}
  td, th, svg {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  p {{ orphans: 3; widows: 3; }}
}}
"""


def render_html(document: ReportDocument) -> str:
    """The document as one HTML page with its styles inline: no scripts, fonts or links out."""
    outline = _outline(document.blocks)
    body = "\n".join(_block(block, index, outline) for index, block in enumerate(document.blocks))
    marking = document.cover.marking
    footer = f'<p class="marking">{_text(marking)}</p>' if marking else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{_text(document.language)}">\n<head>\n'
        '<meta charset="utf-8" />\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
        f"<title>{_text(document.title)}</title>\n"
        f'<meta name="description" content="{_text(document.subject)}" />\n'
        f'<meta name="keywords" content="{_text(", ".join(document.keywords))}" />\n'
        '<meta name="generator" content="pwdesk" />\n'
        f"<style>{_STYLE}{_page_style(marking)}</style>\n</head>\n<body>\n"
        f"{_cover(document.cover)}\n<main>\n{body}\n</main>\n<footer>{footer}</footer>\n"
        "</body>\n</html>\n"
    )


def _colour(colour: str) -> str:
    # Colours go into style attributes: anything but #RRGGBB could smuggle in other CSS.
    if not _COLOUR.fullmatch(colour):
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return colour.upper()


def _readable(fill: str | None, ink: str | None) -> tuple[str | None, str | None]:
    """``fill`` and an ink that reads on it at 4.5:1: ``ink`` if it does, else body ink, black
    or white, whichever reads best."""
    if fill is None and ink is None:
        return None, None
    background = _colour(fill) if fill else WHITE
    candidates = [_colour(ink)] if ink else []
    candidates += [INK, BLACK, WHITE]
    for candidate in candidates:
        if contrast_ratio(candidate, background) >= READABLE:
            return fill and background, candidate
    return fill and background, max(candidates, key=lambda c: contrast_ratio(c, background))


def _text(text: str) -> str:
    """User text made safe for element content and quoted attributes alike."""
    return html.escape(_CONTROLS.sub("", text), quote=True)


def _lines(text: str) -> str:
    return "<br />".join(_text(line) for line in text.split("\n"))


def _css_string(text: str) -> str:
    """Text as a CSS string: every character but letters, digits and spaces hex-escaped, so no
    text can end the string, the rule or the style element."""
    parts = [
        ch if (ch.isalnum() and ch.isascii()) or ch == " " else f"\\{ord(ch):06X} " for ch in text
    ]
    return '"' + "".join(parts) + '"'


def _page_style(marking: str) -> str:
    """The printed page: A4, the protective marking at the top and bottom, "Page x of y"."""
    font = f"font-family: {FONTS}; font-size: 8.5pt; color: {INK};"
    mark = f"content: {_css_string(_CONTROLS.sub('', marking).replace(chr(10), ' '))};"
    boxes = f"@top-center {{ {mark} {font} }} @bottom-center {{ {mark} {font} }} "
    return (
        f"@page {{ size: A4; margin: 18mm 16mm 20mm; {boxes if marking else ''}"
        f'@bottom-right {{ content: "Page " counter(page) " of " counter(pages); {font} }} }}\n'
    )


def _cover(cover: Cover) -> str:
    """The banner: marking, authority, the title (the page's only h1), week, and the rest."""
    parts = ['<header class="cover">']
    if cover.marking:
        parts.append(f'<p class="marking">{_text(cover.marking)}</p>')
    if cover.authority:
        parts.append(f'<p class="authority">{_text(cover.authority)}</p>')
    parts.append(f"<h1>{_text(cover.title)}</h1>")
    for css, text in (
        ("week", cover.week_title),
        ("theme", cover.theme),
        ("dates", cover.dates),
        ("purpose", cover.purpose),
        ("prepared muted", cover.prepared),
    ):
        if text:
            parts.append(f'<p class="{css}">{_lines(text)}</p>')
    parts.append("</header>")
    return "\n".join(parts)


@dataclass(frozen=True)
class _Entry:
    """A heading as the page shows it: its anchor, its words and its tag."""

    anchor: str
    text: str
    rank: int  # 2 for h2...
    section: bool
    new_page: bool


def _outline(blocks: tuple[Block, ...]) -> dict[int, _Entry]:
    """Every heading by its block's index, with an anchor for the contents to link to.

    A heading is never more than one level below the one before it (the title is the h1), so
    the page's outline has no gaps even if the blocks jump a level.
    """
    entries: dict[int, _Entry] = {}
    section = part = 0
    previous = 1
    for index, block in enumerate(blocks):
        if not isinstance(block, Heading):
            continue
        if block.level <= 1:
            section, part = section + 1, 0
            anchor = f"section-{section}"
        else:
            part += 1
            anchor = f"section-{section}-{part}"
        previous = min(max(block.level, 1) + 1, previous + 1, 6)
        entries[index] = _Entry(anchor, block.text, previous, block.level <= 1, block.new_page)
    return entries


def _block(block: Block, index: int, outline: Mapping[int, _Entry]) -> str:
    if isinstance(block, Heading):
        entry = outline[index]
        css = ' class="new-page"' if entry.new_page else ""
        tag = f"h{entry.rank}"
        return f'<{tag} id="{entry.anchor}"{css}>{_text(entry.text)}</{tag}>'
    if isinstance(block, Para):
        return _para(block)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Chart):
        return _chart(block, f"chart-{index}")
    if isinstance(block, Contents):
        return _contents(outline)
    return '<div class="page-break"></div>'


def _para(para: Para) -> str:
    text = _lines(para.text)
    if para.tone == "strong":
        return f"<p><strong>{text}</strong></p>"
    if para.tone == "muted":
        return f'<p class="muted">{text}</p>'
    return f"<p>{text}</p>"


def _contents(outline: Mapping[int, _Entry]) -> str:
    """The contents: a link to every level-1 heading, the sections of the report."""
    links = [
        f'<li><a href="#{entry.anchor}">{_text(entry.text)}</a></li>'
        for entry in outline.values()
        if entry.section
    ]
    if not links:
        return ""
    items = "\n".join(links)
    return f'<nav aria-label="Contents">\n<h2>Contents</h2>\n<ol>\n{items}\n</ol>\n</nav>'


def _table(table: Table) -> str:
    """A table with its caption, scoped header cells, and numbers aligned with their heading."""
    total = sum(table.weights)
    widths = [w / total if total > 0 else 1 / len(table.weights) for w in table.weights]
    columns = "".join(f'<col style="width: {width * 100:.1f}%" />' for width in widths)
    head = "".join(
        _header_cell(text, align) for text, align in zip(table.header, table.align, strict=True)
    )
    rows = "\n".join(
        "<tr>"
        + "".join(
            _cell(cell, align, row_header=table.row_headers and column == 0)
            for column, (cell, align) in enumerate(zip(row, table.align, strict=True))
        )
        + "</tr>"
        for row in table.rows
    )
    return (
        f"<table>\n<caption>{_text(table.caption)}</caption>\n"
        f"<colgroup>{columns}</colgroup>\n<thead><tr>{head}</tr></thead>\n"
        f"<tbody>\n{rows}\n</tbody>\n</table>"
    )


def _class(align: Align) -> str:
    css = _ALIGN_CLASS[align]
    return f' class="{css}"' if css else ""


def _header_cell(text: str, align: Align) -> str:
    if not text.strip():
        return f"<td{_class(align)}></td>"  # a header cell with no words would name nothing
    return f'<th scope="col"{_class(align)}>{_lines(text)}</th>'


def _cell(cell: Cell, align: Align, *, row_header: bool) -> str:
    """A cell, its lines on lines of their own, in its colours with ink that reads on them."""
    fill, ink = _readable(cell.fill, cell.ink)
    styles = ([f"background-color: {fill}"] if fill else []) + ([f"color: {ink}"] if ink else [])
    style = f' style="{"; ".join(styles)}"' if styles else ""
    content = (
        _text(cell.lines[0])
        if len(cell.lines) == 1
        else "".join(f'<span class="line">{_text(line)}</span>' for line in cell.lines)
    )
    if cell.strong:
        content = f"<strong>{content}</strong>"
    if row_header and "".join(cell.lines).strip():
        return f'<th scope="row"{_class(align)}{style}>{content}</th>'
    return f"<td{_class(align)}{style}>{content}</td>"


def _chart(chart: Chart, anchor: str) -> str:
    """The chart as a figure: its title, the bars as an SVG image, then its table of figures."""
    return (
        f'<figure class="chart">\n<figcaption>{_text(chart.title)}</figcaption>\n'
        f"{_svg(chart, anchor)}\n{_table(chart.table)}\n</figure>"
    )


def _estimate(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _svg_text(x: float, y: float, text: str, css: str, ink: str = "") -> str:
    """A chart's text; its size, weight and anchor come from the style sheet's ``css`` class."""
    fill = f' fill="{_colour(ink)}"' if ink else ""
    return f'<text class="{css}" x="{x:.1f}" y="{y:.1f}"{fill}>{_text(text)}</text>'


def _legend(scale: GradeScale) -> tuple[list[str], float]:
    """A swatch and the grade's words for each grade, flowing onto more lines as needed."""
    shapes: list[str] = []
    x, y = 0.0, 0.0
    for grade in scale.choices:
        fill, _ = grade_colours(grade.id, scale.ids)
        width = SWATCH + 6 + _estimate(grade.label, LEGEND_SIZE) + 18
        if x > 0 and x + width > SVG_WIDTH:
            x, y = 0.0, y + LEGEND_LINE
        shapes.append(
            f'<rect x="{x:.1f}" y="{y + 4:.1f}" width="{SWATCH}" height="{SWATCH}" '
            f'fill="{_colour(fill)}" stroke="{INK}" stroke-width="0.5" />'
        )
        shapes.append(_svg_text(x + SWATCH + 6, y + 15, grade.label, "legend"))
        x += width
    shapes.append(_svg_text(SVG_WIDTH, y + LEGEND_LINE + 12, "Good or better", "head"))
    return shapes, y + LEGEND_LINE + 12 + GAP


def _segments(
    counts: Mapping[str, int], scale: GradeScale, left: float, y: float, unit: float
) -> list[str]:
    """One bar's segments in scale order, each with its count where it is wide enough."""
    shapes: list[str] = []
    for grade in scale.choices:
        number = counts.get(grade.id, 0)
        if number <= 0:
            continue
        span = unit * number
        fill, ink = _readable(*grade_colours(grade.id, scale.ids))
        shapes.append(
            f'<rect x="{left:.1f}" y="{y:.1f}" width="{span:.1f}" height="{BAR}" '
            f'fill="{fill}" stroke="{WHITE}" stroke-width="1" />'
        )
        if _estimate(str(number), LEGEND_SIZE) + 6 <= span:
            shapes.append(
                _svg_text(left + span / 2, y + BAR / 2 + 4, str(number), "count", ink or INK)
            )
        left += span
    return shapes


def _svg(chart: Chart, anchor: str) -> str:
    """Stacked bars, one a row, as long as the row's answers; labels wrap, never cut short."""
    share = min(max(chart.label_share, 0.1), 0.6)
    bar_left = SVG_WIDTH * share
    room = SVG_WIDTH - bar_left - PCT_WIDTH - 8
    per_line = max(int((bar_left - 10) / (LABEL_SIZE * CHAR_WIDTH)), 1)
    totals = [sum(counts.get(g.id, 0) for g in chart.scale.choices) for _, counts in chart.rows]
    unit = room / max([*totals, 1])
    shapes, y = _legend(chart.scale)
    for (label, counts), total in zip(chart.rows, totals, strict=True):
        lines = textwrap.wrap(label, per_line, break_long_words=True) or [""]
        height = max(BAR, len(lines) * LINE)
        top = y + (height - len(lines) * LINE) / 2
        spans = "".join(
            f'<tspan x="0" y="{top + LINE * (n + 1) - 4:.1f}">{_text(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        shapes.append(f'<text class="label">{spans}</text>')
        bar_y = y + (height - BAR) / 2
        if total == 0:
            shapes.append(
                f'<rect x="{bar_left:.1f}" y="{bar_y:.1f}" width="{room:.1f}" height="{BAR}" '
                f'fill="none" stroke="{MUTED}" stroke-width="1" />'
            )
        shapes += _segments(counts, chart.scale, bar_left, bar_y, unit)
        pct = percent(chart.scale.good_or_better_pct(counts))
        shapes.append(_svg_text(SVG_WIDTH, bar_y + BAR / 2 + 5, pct, "pct"))
        y += height + GAP
    height = y + 4
    return (
        f'<svg role="img" aria-labelledby="{anchor}-title" aria-describedby="{anchor}-desc" '
        f'width="{SVG_WIDTH:.0f}" height="{height:.0f}" viewBox="0 0 {SVG_WIDTH:.0f} {height:.0f}"'
        ">\n"
        f'<title id="{anchor}-title">{_text(chart.title)}</title>\n'
        f'<desc id="{anchor}-desc">{_text(chart.description)}</desc>\n'
        + "\n".join(shapes)
        + "\n</svg>"
    )
