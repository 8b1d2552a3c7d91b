"""Small openpyxl helpers shared by the workbook formats (XLSForm, entry template)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet


def put(ws: Worksheet, row: int, column: int, value: object) -> None:
    """Write one cell; text is always stored as text, never as a formula (even when it starts with '=')."""
    cell = ws.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"


def put_rows(ws: Worksheet, rows: Iterable[Sequence[object]], first_row: int = 1) -> int:
    """Write rows from ``first_row`` on; returns the number of the last row written."""
    row = first_row - 1
    for row, values in enumerate(rows, start=first_row):
        for column, value in enumerate(values, start=1):
            if value is not None and value != "":
                put(ws, row, column, value)
    return row


def widths(ws: Worksheet, sizes: Sequence[float]) -> None:
    """Column widths in characters, from column A on."""
    for column, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(column)].width = size


def workbook_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def quoted_sheet(name: str) -> str:
    """A sheet name as written in a formula reference: ``'Listat'``."""
    return "'" + name.replace("'", "''") + "'"
