"""The summary report's building blocks: narrative paragraphs and tables, as format-neutral
blocks (``pwdesk.reports.blocks``) that the PDF, Word and HTML renderers all read."""

from __future__ import annotations

from collections.abc import Sequence

from pwdesk.reports.blocks import Align, Block, Cell, Para, Table, cell

ALIGN: dict[str, Align] = {"l": "left", "r": "right", "c": "centre"}


def narrative(text: str, missing: str) -> list[Block]:
    """The QA officer's text, a paragraph a line, or ``missing`` when there is none."""
    if not text.strip():
        return [Para(missing, "muted")]
    return [Para(part.strip()) for part in text.split("\n") if part.strip()]


def table(
    caption: str,
    header: Sequence[str],
    rows: Sequence[Sequence[Cell | str]],
    align: str,
    weights: Sequence[float],
    *,
    row_headers: bool = True,
) -> Table:
    """A table from plain strings or cells; ``align`` has a letter a column, l, r or c."""
    return Table(
        caption=caption,
        header=tuple(header),
        rows=tuple(
            tuple(value if isinstance(value, Cell) else cell(value) for value in row)
            for row in rows
        ),
        align=tuple(ALIGN[letter] for letter in align),
        weights=tuple(weights),
        row_headers=row_headers,
    )
