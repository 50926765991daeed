"""The HTML report, read back with an XML parser: structure, escaping and figures.

Every document here is built by hand with fictional data, and uses every kind of block.
"""

from __future__ import annotations

import itertools
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from html.parser import HTMLParser

import pytest

from pwdesk.domain.grades import OFSTED_FOUR_POINT, Grade, GradeScale
from pwdesk.domain.wording import percent
from pwdesk.palette import contrast_ratio, grade_colours
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
    cell,
)
from pwdesk.reports.html import render_html

INJECTION = '<script>alert("x")</script> & <b onclick="y">bold</b>'
LONG_LABEL = (
    "Management oversight and supervision, including the quality of reflective discussion "
    "recorded on the child's file and the timeliness of decisions"
)
ROWS: tuple[tuple[str, Mapping[str, int]], ...] = (
    ("Overall grade", {"outstanding": 3, "good": 9, "requires-improvement": 5, "inadequate": 1}),
    (LONG_LABEL, {"good": 4, "requires-improvement": 8, "not-applicable": 2}),
    ("Voice of the child", {"outstanding": 1, "good": 1, "inadequate": 14}),
    ("Not yet graded", {}),
)


def grade_table(caption: str, rows: tuple[tuple[str, Mapping[str, int]], ...]) -> Table:
    """A chart's figures, as the summary report writes them: a count per grade, good or better."""
    scale = OFSTED_FOUR_POINT
    header = ("Aspect", *(g.abbreviation for g in scale.choices), "Good or better")
    body = []
    for label, counts in rows:
        cells = []
        for grade in scale.choices:
            fill, ink = grade_colours(grade.id, scale.ids)
            number = counts.get(grade.id, 0)
            cells.append(cell(str(number), fill=fill, ink=ink) if number else cell("0"))
        pct = percent(scale.good_or_better_pct(counts))
        body.append((cell(label), *cells, cell(pct, strong=True)))
    right: Align = "right"
    numbers = (right,) * len(scale.choices)
    return Table(
        caption,
        header,
        tuple(body),
        ("left", *numbers, "centre"),
        (3.0, *(1.0,) * (len(header) - 1)),
    )


def sample_document(marking: str = "Protective marking: OFFICIAL-SENSITIVE") -> ReportDocument:
    """A report with every kind of block, cover fields filled, fictional throughout."""
    chart = Chart(
        "Grades per aspect of practice",
        "Stacked bars of how many audits gave each grade to each aspect.",
        ROWS,
        OFSTED_FOUR_POINT,
        grade_table("Grades per aspect of practice, in figures", ROWS),
    )
    audits = Table(
        "The audits by case reference",
        ("Case reference", "Auditor", "Overall grade", "Notes"),
        (
            (cell("CR-0001"), cell("Test Auditor"), cell("Good", fill="#6FA8DC", ink="#000000"),
             Cell(("First line of a note.", "Second line of a note."))),
            (cell("CR-0002"), cell("Another Auditor"), cell("Inadequate", fill="#C8102E"),
             cell(INJECTION)),
            (cell(""), cell("No reference"), cell("Low", fill="#FFFFFF", ink="#FFFF00"),
             Cell(())),
        ),
        ("left", "left", "centre", "left"),
        (1.0, 1.5, 1.2, 3.0),
    )  # fmt: skip
    blocks: tuple[Block, ...] = (
        Contents(),
        Heading("1. Executive summary", new_page=True),
        Para("Senior leaders completed case discussion audits on 18 children."),
        Para("Three records were still drafts and are not counted.", "muted"),
        Para("Overall, 66.7% of the cases graded were good or better.", "strong"),
        Heading("2. Grades", new_page=True),
        Heading("Grades per aspect", level=2),
        chart,
        PageBreak(),
        Heading("3. Appendix: the audits by case reference"),
        Para(INJECTION),
        audits,
        Heading(f"Notes on {INJECTION}", level=2),
        Para("A paragraph\nwith two lines."),
    )
    cover = Cover(
        authority="Test Authority",
        title="Children's Social Care Practice Week summary",
        week_title="Practice Week, September 2030",
        theme=f"Theme: {INJECTION}",
        dates="Monday 2 September to Friday 6 September 2030",
        purpose="A report to a fictional scrutiny sub-committee.",
        prepared="Prepared on 9 September 2030 with pwdesk.",
        marking=marking,
    )
    return ReportDocument(f"Practice Week summary, {INJECTION}", cover, blocks)


@pytest.fixture(scope="module")
def page() -> str:
    return render_html(sample_document())


@pytest.fixture(scope="module")
def tree(page: str) -> ET.Element:
    return ET.fromstring(page.removeprefix("<!DOCTYPE html>"))  # well-formed, XHTML-compatible


def text_of(element: ET.Element) -> str:
    return re.sub(r"\s+", " ", "".join(element.itertext())).strip()


class Tags(HTMLParser):
    """Every start tag of a page, as a browser's tokenizer sees it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_the_page_says_its_language_title_and_charset(tree: ET.Element) -> None:
    assert tree.tag == "html"
    assert tree.get("lang") == "en-GB"
    head = tree.find("head")
    assert head is not None
    assert head.find("meta[@charset='utf-8']") is not None
    title = head.find("title")
    assert title is not None
    assert text_of(title) == f"Practice Week summary, {INJECTION}"


def test_one_h1_and_no_skipped_heading_levels(tree: ET.Element) -> None:
    levels = [int(e.tag[1]) for e in tree.iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels.count(1) == 1
    assert levels[0] == 1
    assert all(after <= before + 1 for before, after in itertools.pairwise(levels))
    h1 = tree.find(".//header/h1")
    assert h1 is not None
    assert text_of(h1) == "Children's Social Care Practice Week summary"


def test_the_contents_links_to_every_section(tree: ET.Element) -> None:
    sections = [e for e in tree.iter("h2") if e.get("id")]
    assert [text_of(e) for e in sections] == [
        "1. Executive summary",
        "2. Grades",
        "3. Appendix: the audits by case reference",
    ]
    nav = tree.find(".//main/nav[@aria-label='Contents']")
    assert nav is not None
    links = nav.findall(".//a")
    assert [a.get("href") for a in links] == [f"#{e.get('id')}" for e in sections]
    assert [text_of(a) for a in links] == [text_of(e) for e in sections]
    new_pages = [text_of(e) for e in tree.iter() if "new-page" in (e.get("class") or "")]
    assert new_pages == ["1. Executive summary", "2. Grades"]
    assert tree.find(".//main/div[@class='page-break']") is not None


def test_the_cover_and_footer_carry_the_marking(tree: ET.Element) -> None:
    header = tree.find("body/header")
    assert header is not None
    cover = text_of(header)
    for words in ("Test Authority", "Practice Week, September 2030", "Monday 2 September"):
        assert words in cover
    assert cover.startswith("Protective marking: OFFICIAL-SENSITIVE")
    footer = tree.find("body/footer")
    assert footer is not None
    assert text_of(footer) == "Protective marking: OFFICIAL-SENSITIVE"


def test_paragraph_tones(tree: ET.Element) -> None:
    muted = tree.find(".//main/p[@class='muted']")
    assert muted is not None
    assert text_of(muted).startswith("Three records")
    strong = tree.find(".//main/p/strong")
    assert strong is not None
    assert text_of(strong).startswith("Overall, 66.7%")
    assert contrast_ratio("#5F6368", "#FFFFFF") >= 4.5  # the muted ink, on the page


def test_every_table_has_a_caption_and_scoped_headers(tree: ET.Element) -> None:
    tables = list(tree.iter("table"))
    assert len(tables) == 2
    for table in tables:
        caption = table.find("caption")
        assert caption is not None
        assert text_of(caption)
        head = table.findall("thead/tr/th")
        assert head
        assert all(th.get("scope") == "col" for th in head)
        for row in table.findall("tbody/tr"):
            first = row[0]
            assert first.tag == "td" or first.get("scope") == "row"
        assert all(th.get("scope") in {"col", "row"} for th in table.iter("th"))


def test_numbers_and_their_headings_are_aligned_alike(tree: ET.Element) -> None:
    chart_table = next(tree.iter("table"))
    header = chart_table.findall("thead/tr/th")
    row = chart_table.findall("tbody/tr")[0]
    assert [th.get("class") for th in header] == [None, *["num"] * 5, "centre"]
    assert [c.get("class") for c in row] == [None, *["num"] * 5, "centre"]


def test_coloured_cells_read_at_four_and_a_half_to_one(tree: ET.Element) -> None:
    styled = [e for e in tree.iter() if e.tag in {"td", "th"} and e.get("style")]
    assert len(styled) >= 10
    for element in styled:
        style = dict(part.split(": ") for part in (element.get("style") or "").split("; ") if part)
        fill, ink = style.get("background-color", "#FFFFFF"), style["color"]
        assert contrast_ratio(ink, fill) >= 4.5, text_of(element)
    # White on the red the palette chooses; the unreadable yellow on white is replaced.
    assert any(e.get("style") == "background-color: #C8102E; color: #FFFFFF" for e in styled)
    assert not any("#FFFF00" in (e.get("style") or "") for e in styled)


def test_multi_line_cells_keep_their_lines(tree: ET.Element) -> None:
    audits = list(tree.iter("table"))[1]
    note = audits.findall("tbody/tr")[0][3]
    assert [(child.tag, child.get("class")) for child in note] == [("span", "line")] * 2
    assert [child.text for child in note] == ["First line of a note.", "Second line of a note."]
    paragraph = next(p for p in tree.iter("p") if (p.text or "").startswith("A paragraph"))
    assert [child.tag for child in paragraph] == ["br"]
    assert paragraph[0].tail == "with two lines."


def test_every_chart_is_an_image_with_a_title_and_description(tree: ET.Element) -> None:
    charts = list(tree.iter("svg"))
    assert len(charts) == 1
    for svg in charts:
        assert svg.get("role") == "img"
        title, desc = svg.find("title"), svg.find("desc")
        assert title is not None
        assert desc is not None
        assert svg.get("aria-labelledby") == title.get("id")
        assert svg.get("aria-describedby") == desc.get("id")
        assert text_of(title) == "Grades per aspect of practice"
        assert text_of(desc).startswith("Stacked bars")


def test_the_chart_is_a_figure_with_its_table(tree: ET.Element) -> None:
    figure = tree.find(".//main/figure")
    assert figure is not None
    assert [child.tag for child in figure] == ["figcaption", "svg", "table"]


def test_chart_percentages_equal_the_table(tree: ET.Element) -> None:
    figure = tree.find(".//main/figure")
    assert figure is not None
    svg, table = figure.find("svg"), figure.find("table")
    assert svg is not None
    assert table is not None
    drawn = [text_of(t) for t in svg.iter("text") if t.get("class") == "pct"]
    written = [text_of(row[-1]) for row in table.findall("tbody/tr")]
    assert drawn == written == ["66.7%", "33.3%", "12.5%", "\N{EN DASH}"]


def test_chart_labels_wrap_and_are_never_cut(tree: ET.Element) -> None:
    svg = tree.find(".//main/figure/svg")
    assert svg is not None
    labels = [t for t in svg.iter("text") if t.get("class") == "label"]
    assert [" ".join(span.text or "" for span in t) for t in labels] == [row[0] for row in ROWS]
    long_label = labels[1]
    assert len(long_label) > 1  # one tspan a line
    assert len({span.get("y") for span in long_label}) == len(long_label)


def test_chart_legend_names_every_grade_and_counts_fit(tree: ET.Element) -> None:
    svg = tree.find(".//main/figure/svg")
    assert svg is not None
    words = [text_of(t) for t in svg.iter("text")]
    for grade in OFSTED_FOUR_POINT.choices:
        assert grade.label in words
    assert "14" in words  # the wide segment of "Voice of the child" shows its count


def test_a_scale_of_many_grades_wraps_its_legend() -> None:
    grades = tuple(Grade(f"grade-{n}", f"A rather long grade name number {n}") for n in range(9))
    scale = GradeScale("long", grades, "grade-4")
    counts = {f"grade-{n}": n + 1 for n in range(9)}
    row = (cell("Row"), cell("45"))
    table = Table("Figures", ("Row", "Count"), (row,), ("left", "right"), (1.0, 1.0))
    chart = Chart("Many grades", "Nine grades.", (("Row", counts),), scale, table)
    cover = Cover("Test Authority", "Title", "", "", "", "", "", "")
    page = render_html(ReportDocument("T", cover, (chart,)))
    svg = ET.fromstring(page.removeprefix("<!DOCTYPE html>")).find(".//svg")
    assert svg is not None
    swatches = [r for r in svg.iter("rect") if r.get("width") == "12.0"]
    assert len(swatches) == len(scale.choices)
    assert len({r.get("y") for r in swatches}) > 1  # more than one line of legend
    assert all(float(r.get("x") or 0) < 760 for r in swatches)
    pct = [t for t in svg.iter("text") if t.get("class") == "pct"]
    assert text_of(pct[0]) == percent(scale.good_or_better_pct(counts))


def test_user_text_is_escaped_everywhere(page: str) -> None:
    assert "<script" not in page
    assert "<b " not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    parser = Tags()
    parser.feed(page)
    tags = {tag for tag, _ in parser.tags}
    assert not tags & {"script", "b", "link", "img", "iframe", "object", "embed"}
    assert not any(name.startswith("on") for _, attrs in parser.tags for name in attrs)


def test_the_marking_cannot_break_out_of_the_style_sheet() -> None:
    page = render_html(sample_document(marking='</style><script>x()</script>"; } * {'))
    style = page.split("<style>")[1].split("</style>")[0]
    assert "<" not in style
    assert "@top-center" in style
    assert "<script" not in page


def test_nothing_is_fetched_from_elsewhere(page: str) -> None:
    for needle in ("http", "src=", "<script", "<link", "url(", "@import", "@font-face"):
        assert needle not in page.lower()


def test_no_ellipsis_anywhere(page: str) -> None:
    assert "\N{HORIZONTAL ELLIPSIS}" not in page
    assert "..." not in page


def test_print_styles_break_pages_and_keep_rows_whole(page: str) -> None:
    style = page.split("<style>")[1].split("</style>")[0]
    printed = style.split("@media print")[1]
    assert re.search(r"\.new-page, \.page-break \{ break-before: page; \}", printed)
    assert "tr, svg, figcaption { break-inside: avoid; }" in printed
    assert "a { color: inherit; text-decoration: none; }" in printed
    assert "counter(pages)" in style


def test_a_document_without_headings_or_marking_still_renders() -> None:
    cover = Cover("Test Authority", "Title", "", "", "", "", "", "")
    page = render_html(ReportDocument("T", cover, (Contents(), Para("Only text."))))
    tree = ET.fromstring(page.removeprefix("<!DOCTYPE html>"))
    assert tree.find(".//nav") is None
    assert "@top-center" not in page
    main = tree.find("body/main")
    assert main is not None
    assert text_of(main) == "Only text."


def test_colours_must_be_hex() -> None:
    table = Table("Bad", ("A",), ((cell("x", fill="red;background:url(x)"),),), ("left",), (1.0,))
    cover = Cover("Test Authority", "Title", "", "", "", "", "", "")
    with pytest.raises(ValueError, match="#RRGGBB"):
        render_html(ReportDocument("T", cover, (table,)))
