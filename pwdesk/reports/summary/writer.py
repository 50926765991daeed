"""The summary report's building blocks: paragraphs in its styles, numbered headings, tables."""

from __future__ import annotations

from typing import Any

from reportlab.lib.styles import ParagraphStyle, StyleSheet1
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Table

from pwdesk.reports.document import escape, ruled_table


class SummaryWriter:
    """Writes the parts of one layout run of the report; its headings are numbered 1, 2, 3...

    ReportLab lays the story out more than once, so each run takes a fresh writer.
    """

    def __init__(self, styles: StyleSheet1, body_width: float) -> None:
        self.styles = styles
        self.body_width = body_width
        self._heading_number = 0

    def style(self, name: str) -> ParagraphStyle:
        """A paragraph style of the shared style sheet."""
        style = self.styles[name]
        assert isinstance(style, ParagraphStyle)
        return style

    def p(self, text: str, style: str = "Para") -> Paragraph:
        """Plain text as a paragraph."""
        return Paragraph(escape(text), self.styles[style])

    def header(self, *titles: str, style: str = "SmallBold") -> list[Any]:
        """A table's header row."""
        return [self.p(title, style) for title in titles]

    def heading(self, text: str, level: int = 1) -> Paragraph:
        """A heading filed in the outline; a main heading is numbered and in the contents."""
        if level == 1:
            self._heading_number += 1
            text = f"{self._heading_number}. {text}"
        paragraph = Paragraph(escape(text), self.styles["Heading1" if level == 1 else "Heading2"])
        paragraph.outline_level = level - 1  # type: ignore[attr-defined]  # read in after_flowable
        paragraph.outline_text = text  # type: ignore[attr-defined]
        return paragraph

    def section(self, title: str, room: float = 60 * mm) -> list[Flowable]:
        """A section's numbered heading, on a new page unless ``room`` is left on this one."""
        return [CondPageBreak(room), self.heading(title)]

    def narrative(self, text: str, missing: str) -> list[Flowable]:
        """The QA officer's text, a paragraph a line, or ``missing`` when there is none."""
        if not text.strip():
            return [self.p(missing, "Muted")]
        return [self.p(part.strip()) for part in text.split("\n") if part.strip()]

    def table(
        self, rows: list[list[Any]], widths: list[float], extra: list[tuple[Any, ...]] | None = None
    ) -> Table:
        """A ruled table whose tall rows may continue on the next page."""
        return ruled_table(rows, widths, extra=extra or (), split_in_row=True)
