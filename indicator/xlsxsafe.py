"""Writing tables to xlsx so that no cell can run as a formula when the file is opened.

Spreadsheet programs treat text starting with ``= + - @`` (and tab or carriage return) as a formula;
such text is prefixed with an apostrophe-like quote character so that it stays text. Numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import pandas as pd

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
MAX_SHEET_NAME = 31


def escape_cell(value: object) -> object:
    """Text that a spreadsheet would read as a formula gets a leading ``'``; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells, column names and index labels are formula-safe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].astype(object).map(escape_cell)
    out.columns = [escape_cell(str(c)) if not isinstance(c, str) else escape_cell(c) for c in out.columns]
    if not isinstance(out.index, pd.MultiIndex) and (
        out.index.dtype == object or pd.api.types.is_string_dtype(out.index)
    ):
        out.index = out.index.map(escape_cell)
    return out


def sheet_name(name: str, taken: set[str] | None = None) -> str:
    """A valid, unique sheet name (max 31 chars, no ``[]:*?/\\``)."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name).strip("'")[:MAX_SHEET_NAME] or "Sheet"
    taken = taken if taken is not None else set()
    candidate, n = clean, 2
    while candidate in taken:
        suffix = f" ({n})"
        candidate = clean[: MAX_SHEET_NAME - len(suffix)] + suffix
        n += 1
    taken.add(candidate)
    return candidate


def write_xlsx(sheets: Mapping[str, pd.DataFrame], target: str | Path | BinaryIO, *, index: bool = False) -> None:
    """Write several tables, one sheet each, all cells formula-safe."""
    taken: set[str] = set()
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            escape_frame(frame).to_excel(writer, sheet_name=sheet_name(name, taken), index=index)


def xlsx_bytes(sheets: Mapping[str, pd.DataFrame], *, index: bool = False) -> bytes:
    """The workbook as bytes, for downloads."""
    buffer = io.BytesIO()
    write_xlsx(sheets, buffer, index=index)
    return buffer.getvalue()
