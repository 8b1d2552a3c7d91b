"""Writing tables to xlsx so that no cell can run as a formula when the file is opened.

Every cell, column name and index label goes through ``indicator.cellsafe.escape_frame`` (the project's
one formula-escaping rule); sheet names are made valid and unique.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from indicator.cellsafe import escape_frame

MAX_SHEET_NAME = 31


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


def rounded(frame: pd.DataFrame, decimals: int = 1) -> pd.DataFrame:
    """The table for people: every float cell rounded to ``decimals`` (float columns, and floats inside
    mixed text columns); whole numbers (counts) and texts stay as they are, numbers stay numbers."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_float_dtype(values):
            out[column] = values.round(decimals)
        elif values.dtype == object:
            out[column] = values.map(lambda v: round(v, decimals) if isinstance(v, float) else v).astype(object)
    return out


def people_and_machines(sheets: Mapping[str, pd.DataFrame], full_name: str, *,
                        decimals: int = 1) -> dict[str, pd.DataFrame]:
    """Each sheet rounded for people, followed by the same tables at full precision for machines
    (``full_name`` formats a sheet's name into the name of its full-precision copy)."""
    out = {name: rounded(frame, decimals) for name, frame in sheets.items()}
    out.update({full_name.format(name=name): frame for name, frame in sheets.items()})
    return out


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
