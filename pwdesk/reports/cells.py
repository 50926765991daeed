"""The one way pwdesk writes a cell into an XLSX sheet: text stays text, never a formula."""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from pwdesk.domain.cells import xlsx_text


def put_cell(sheet: Worksheet, row: int, column: int, value: Any) -> Cell:
    """Write a value into a cell: text as a string cell (so "=HYPERLINK(...)" is shown, not
    run) with control characters replaced; numbers, dates and None as they are."""
    if isinstance(value, str):
        cell = sheet.cell(row=row, column=column, value=xlsx_text(value))
        cell.data_type = "s"
        return cell
    found: Cell = sheet.cell(row=row, column=column, value=value)
    return found
