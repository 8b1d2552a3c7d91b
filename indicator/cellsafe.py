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
    """A copy of ``frame`` whose text cells, column names and index labels (every level of a MultiIndex, and
    the index names, which a spreadsheet shows as headers) are formula-safe."""
    out = frame.copy()
    for n in range(out.shape[1]):
        values = out.iloc[:, n]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            out.isetitem(n, values.astype(object).map(escape_cell))
    out.columns = escape_index(out.columns)
    out.index = escape_index(out.index)
    return out


def escape_index(index: pd.Index) -> pd.Index:
    """An index (or MultiIndex) with its text labels and names formula-safe; numbers and dates unchanged."""
    names = [escape_cell(n) for n in index.names]
    if isinstance(index, pd.MultiIndex):
        levels = [_escaped_labels(level) for level in index.levels]
        return index.set_levels(levels, verify_integrity=False).set_names(names)
    return _escaped_labels(index).set_names(names)


def _escaped_labels(index: pd.Index) -> pd.Index:
    if index.dtype == object or pd.api.types.is_string_dtype(index):
        return pd.Index([escape_cell(v) for v in index], dtype=object, name=index.name)
    return index


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
