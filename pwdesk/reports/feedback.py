"""The feedback sheet: one page, handed to the practitioner when the discussion ends."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table

from pwdesk.palette import RULE, grade_colours
from pwdesk.reports.document import (
    Furniture,
    PwdeskDocument,
    date_or_dash,
    escape,
    ruled_table,
    table_style,
)


@dataclass(frozen=True)
class GradedLine:
    """One graded aspect as the sheet shows it."""

    label: str
    grade_id: str | None
    grade_label: str  # the grade's words, or "Not graded"
    evidence: str = ""


@dataclass(frozen=True)
class AgreedActionLine:
    """One agreed action: what, who, by when."""

    description: str
    owner: str
    due_on: date | None


@dataclass(frozen=True)
class FeedbackContent:
    """Everything one feedback sheet shows; the child appears by case reference only."""

    title: str
    kind: str  # "Case discussion audit", "Observation of practice: home visit"
    week: str
    held_on: date | None
    case_reference: str | None
    practitioner: str
    auditor: str
    draft: bool
    scale_ids: tuple[str, ...]
    aspects: tuple[GradedLine, ...]
    overall: GradedLine
    strengths: str = ""
    development: str = ""
    reflection: str = ""
    facts: tuple[tuple[str, str], ...] = ()
    actions: tuple[AgreedActionLine, ...] = ()


class FeedbackSheet(PwdeskDocument):
    """Renders a FeedbackContent to PDF bytes: A4, one page for a typical record."""

    grade_width = 35 * mm
    aspect_width = 50 * mm

    def __init__(self, furniture: Furniture) -> None:
        super().__init__(furniture, title="Practice Week feedback", subject="Feedback sheet")
        # A sheet is dense: its own tighter title and headings, from the shared style sheet.
        self.compact = {
            "Title": ParagraphStyle(
                "SheetTitle", parent=self.styles["Title"], fontSize=13, leading=16
            ),
            "Heading2": ParagraphStyle(
                "SheetHeading",
                parent=self.styles["Heading2"],
                fontSize=9.5,
                leading=12,
                spaceBefore=4,
                spaceAfter=1.5,
            ),
            "Value": ParagraphStyle(
                "SheetValue", parent=self.styles["Value"], fontSize=8.5, leading=10.5
            ),
        }

    def render(self, content: FeedbackContent) -> bytes:
        """The sheet as a PDF."""
        self.title = f"Feedback: {content.title}"
        return self.build(lambda: self._story(content))

    def _story(self, content: FeedbackContent) -> list[Flowable]:
        story: list[Flowable] = [*self._heading(content), self._details(content), Spacer(1, 2 * mm)]
        story.append(self._grades(content))
        story.append(Spacer(1, 1 * mm))
        story.append(self._findings(content))
        if content.actions:
            story.append(self._actions(content))
        if content.facts:
            story.append(self._facts(content))
        story.append(self._reflection_and_signatures(content))
        return story

    # --- parts ---------------------------------------------------------------------------------

    def _style(self, name: str) -> ParagraphStyle:
        style = self.compact.get(name) or self.styles[name]
        assert isinstance(style, ParagraphStyle)
        return style

    def _p(self, text: str, style: str = "Small") -> Paragraph:
        return Paragraph(escape(text), self._style(style))

    def _heading(self, content: FeedbackContent) -> list[Flowable]:
        parts: list[Flowable] = [
            self._p(f"Feedback for the practitioner · {content.kind}", "Muted"),
            Paragraph(escape(content.title), self._style("Title")),
        ]
        if content.draft:
            parts.append(
                Paragraph(
                    "<font color='#C8102E'><b>DRAFT</b></font> — this record is not yet completed; "
                    "grades may still change.",
                    self.styles["Small"],
                )
            )
        parts.append(Spacer(1, 1.5 * mm))
        return parts

    def _details(self, content: FeedbackContent) -> Table:
        def cell(label: str, value: str) -> list[Paragraph]:
            return [self._p(label, "Label"), self._p(value or "–", "Value")]

        rows = [
            [
                cell("Child (case reference)", content.case_reference or "No particular child"),
                cell("Date", date_or_dash(content.held_on)),
                cell("Overall grade", ""),
            ],
            [
                cell("Practitioner", content.practitioner),
                cell("Senior leader", content.auditor),
                cell("Practice Week", content.week),
            ],
        ]
        fill, ink = grade_colours(content.overall.grade_id or "", content.scale_ids)
        rows[0][2] = [
            self._p("Overall grade", "Label"),
            Paragraph(
                f"<font color='{ink}'><b>{escape(content.overall.grade_label)}</b></font>",
                self._style("Value"),
            ),
        ]
        width = self.body_width
        table = Table(rows, colWidths=[width * 0.36, width * 0.28, width * 0.36])
        style: list[tuple[Any, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(RULE)),
            ("INNERGRID", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
            ("LEFTPADDING", (0, 0), (-1, -1), 5),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ]
        if content.overall.grade_id:
            style.append(("BACKGROUND", (2, 0), (2, 0), colors.HexColor(fill)))
        table.setStyle(table_style(style))
        return table

    def _grades(self, content: FeedbackContent) -> Table:
        header = [
            self._p("Aspect of practice", "CellBold"),
            self._p("Grade", "CellBold"),
            self._p("Evidence", "CellBold"),
        ]
        rows: list[list[Any]] = [header]
        fills: list[tuple[Any, ...]] = []
        # The overall grade closes the table, so its evidence is printed with the others'.
        lines = [*content.aspects, replace(content.overall, label="Overall grade")]
        for row, line in enumerate(lines, start=1):
            fill, ink = grade_colours(line.grade_id or "", content.scale_ids)
            grade = Paragraph(
                f"<font color='{ink}'><b>{escape(line.grade_label)}</b></font>",
                self.styles["Small"],
            )
            label = escape(line.label)
            if row == len(lines):
                label = f"<b>{label}</b>"
            rows.append(
                [Paragraph(label, self._style("Small")), grade, self._p(line.evidence or "–")]
            )
            if line.grade_id:
                fills.append(("BACKGROUND", (1, row), (1, row), colors.HexColor(fill)))
        evidence_width = self.body_width - self.aspect_width - self.grade_width
        return ruled_table(
            rows,
            [self.aspect_width, self.grade_width, evidence_width],
            extra=fills,
            padding=(1, 1.5),
            split_in_row=True,  # very long evidence continues on the next page, not after a gap
        )

    def _findings(self, content: FeedbackContent) -> Table:
        width = self.body_width
        rows = [
            [
                self._p("What is working well", "Heading2"),
                self._p("What needs to improve", "Heading2"),
            ],
            [self._p(content.strengths or "–"), self._p(content.development or "–")],
        ]
        table = Table(rows, colWidths=[width / 2, width / 2])
        table.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (0, -1), 8),
                    ("TOPPADDING", (0, 0), (-1, 0), 0),
                ]
            )
        )
        return table

    def _actions(self, content: FeedbackContent) -> Flowable:
        rows = [
            [
                self._p("Agreed action", "SmallBold"),
                self._p("Owner", "SmallBold"),
                self._p("Due by", "SmallBold"),
            ]
        ]
        rows += [
            [self._p(a.description), self._p(a.owner or "–"), self._p(date_or_dash(a.due_on))]
            for a in content.actions
        ]
        table = ruled_table(rows, [self.body_width - 80 * mm, 48 * mm, 32 * mm])
        return KeepTogether([self._p("Agreed actions", "Heading2"), table])

    def _facts(self, content: FeedbackContent) -> Flowable:
        text = " · ".join(
            f"{escape(label)}: <b>{escape(value)}</b>" for label, value in content.facts
        )
        return KeepTogether(
            [self._p("Also recorded", "Heading2"), Paragraph(text, self.styles["Small"])]
        )

    def _reflection_and_signatures(self, content: FeedbackContent) -> Flowable:
        reflection: list[Flowable] = [self._p("Practitioner's reflection", "Heading2")]
        if content.reflection:
            reflection.append(self._p(content.reflection))
        lines = Table([[""], [""]], colWidths=[self.body_width], rowHeights=[6 * mm] * 2)
        lines.setStyle(
            table_style(
                [
                    ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor(RULE)),
                ]
            )
        )
        reflection.append(lines)
        reflection.append(self._signatures())
        return KeepTogether(reflection)

    def _signatures(self) -> Table:
        """Lines for the practitioner and the senior leader to sign and date."""
        signature = Table(
            [
                [
                    self._p("Practitioner's signature"),
                    "",
                    self._p("Date"),
                    "",
                    self._p("Senior leader's signature"),
                    "",
                    self._p("Date"),
                    "",
                ]
            ],
            colWidths=[
                30 * mm,
                35 * mm,
                9 * mm,
                16 * mm,
                32 * mm,
                35 * mm,
                9 * mm,
                self.body_width - 166 * mm,
            ],
            rowHeights=[9 * mm],
        )
        signature.setStyle(
            table_style(
                [
                    ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("LINEBELOW", (1, 0), (1, 0), 0.5, colors.black),
                    ("LINEBELOW", (3, 0), (3, 0), 0.5, colors.black),
                    ("LINEBELOW", (5, 0), (5, 0), 0.5, colors.black),
                    ("LINEBELOW", (7, 0), (7, 0), 0.5, colors.black),
                ]
            )
        )
        return signature
