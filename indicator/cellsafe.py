"""Formula-safe cell text: the one rule for every csv and xlsx the project writes.

Spreadsheet programs run text that starts with ``= + - @`` (or a tab or carriage return) as a formula
when they open a csv or xlsx file, which lets a survey answer or a file name run commands ("CSV
injection"). Such text gets a leading apostrophe ``'`` so that it stays text; numbers stay numbers.

``escape_cell`` / ``escape_frame`` are for files people open (exports, downloads, reports).
``escape_reversible`` / ``unescape_reversible`` are the same rule for files the project reads back (the
database backup): they also quote text that already starts with the apostrophe, so that reading back
removes exactly what writing added.
"""

from __future__ import annotations

import pandas as pd

FORMULA_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_cell(value: object) -> object:
    """Text that a spreadsheet would read as a formula gets a leading ``'``; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return QUOTE + value
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


def escape_reversible(value: object) -> object:
    """``escape_cell`` that can be undone: text starting with a formula character or with ``'`` gets a
    leading ``'``. The result is formula-safe and unchanged by ``escape_cell``."""
    if isinstance(value, str) and value.startswith((*FORMULA_PREFIXES, QUOTE)):
        return QUOTE + value
    return value


def unescape_reversible(value: object) -> object:
    """The text ``escape_reversible`` was given (``unescape_reversible(escape_reversible(x)) == x``)."""
    if isinstance(value, str) and value.startswith(QUOTE) and value[1:].startswith((*FORMULA_PREFIXES, QUOTE)):
        return value[1:]
    return value
