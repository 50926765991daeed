"""Spreadsheets as pwdesk reads and writes them: CSV (UTF-8, formulas neutralised) and XLSX
(text as text), read into plain rows whatever program wrote them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pwdesk.domain.cells import csv_text, from_csv_text, has_xlsx_unsafe
from pwdesk.domain.errors import PwdeskError

FORMATS = (".csv", ".xlsx")


class TableError(PwdeskError):
    """A table cannot be read, written or imported; ``problems`` has one sentence for each fault."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise TableError(
            [
                f"A table is a .csv or .xlsx file; {path.name} is neither "
                "(give the file one of those endings)."
            ]
        )
    return suffix


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return csv_text(value) if isinstance(value, str) else str(value)


def csv_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)  # Excel's dialect: commas, quotes where needed, CRLF
    writer.writerow(headers)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM tells Excel the file is UTF-8


def xlsx_bytes(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    from pwdesk.reports.cells import put_cell

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = "Case audits"
    bold = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        sheet.cell(row=1, column=index, value=header).font = bold
    widths = [len(header) for header in headers]
    for row_number, row in enumerate(rows, start=2):
        for index, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            if isinstance(value, str) and has_xlsx_unsafe(value):
                raise TableError(
                    [
                        f"Record {row[0]} holds a control character in its {headers[index - 1]} "
                        "column, which an XLSX file cannot store; export to CSV instead."
                    ]
                )
            cell = put_cell(sheet, row_number, index, value)  # text stays text, never a formula
            if isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"
            longest = max((len(line) for line in csv_cell(value).splitlines()), default=0)
            widths[index - 1] = max(widths[index - 1], longest)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 10), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class TableRows:
    """A table as read: its header cells and its rows, each with the row number people see."""

    headers: list[str]
    rows: list[tuple[int, list[Any]]]


def _read_csv(path: Path) -> list[list[Any]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise TableError(
            [f"{path.name} is not UTF-8 text; in Excel, save it as 'CSV UTF-8'."]
        ) from None
    first_line = text.split("\n", 1)[0]
    # Excel saves ';'-separated CSV where the decimal mark is a comma.
    delimiter = ";" if "," not in first_line and ";" in first_line else ","
    try:
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [[from_csv_text(cell) for cell in row] for row in rows]
    except csv.Error as error:
        raise TableError([f"{path.name} is not a readable CSV file: {error}."]) from None


def _read_xlsx(path: Path) -> list[list[Any]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, ValueError):
        raise TableError([f"{path.name} is not an XLSX workbook that can be read."]) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some programs record a wrong size; read what is there
        return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()


def blank(value: Any) -> bool:
    """Whether a cell is empty or holds only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(path: Path) -> TableRows:
    """The header and the non-blank rows of a .csv or .xlsx table."""
    suffix = format_of(path)
    if not path.is_file():
        raise TableError([f"There is no file {path}."])
    try:
        cells = _read_csv(path) if suffix == ".csv" else _read_xlsx(path)
    except OSError as error:
        raise TableError([f"{path} cannot be read: {error.strerror}."]) from None
    if not cells or all(blank(value) for value in cells[0]):
        raise TableError([f"{path.name} has no header row: row 1 must name the columns."])
    header = cells[0]
    while header and blank(header[-1]):
        header = header[:-1]
    headers = ["" if value is None else str(value).strip() for value in header]
    rows = [
        (number, row)
        for number, row in enumerate(cells[1:], start=2)
        if not all(blank(value) for value in row)
    ]
    return TableRows(headers, rows)


def cell_text(value: Any) -> str:
    """A cell as text, whatever type the spreadsheet gave it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
