"""Writing a result table as csv, json or xlsx to standard output or a file (full precision; csv and xlsx
formula-safe by the project's one rule, ``indicator.cellsafe``)."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import pandas as pd

from indicator.cellsafe import escape_frame
from indicator.errors import IndicatorError
from indicator.xlsxsafe import xlsx_bytes

FORMATS: tuple[str, ...] = ("csv", "json", "xlsx")


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as plain Python dicts; missing values become None (JSON null)."""
    out = []
    for row in frame.astype(object).to_dict(orient="records"):
        out.append({k: (None if _missing(v) else _plain(v)) for k, v in row.items()})
    return out


def _missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and math.isnan(value)


def _plain(value: object) -> object:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return value


def render(frame: pd.DataFrame, fmt: str, sheet: str = "results") -> bytes:
    """The table in a format: csv (empty cells for missing) and xlsx formula-safe (``indicator.cellsafe``:
    text that a spreadsheet would run gets a leading ``'``; numbers stay full precision), json as is."""
    if fmt == "csv":
        return escape_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
    if fmt == "json":
        return (json.dumps(records(frame), ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    if fmt == "xlsx":
        return xlsx_bytes({sheet: frame})
    raise IndicatorError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


def emit(data: bytes, output: str | None) -> None:
    """Write bytes to ``output`` or to standard output."""
    if output:
        try:
            Path(output).write_bytes(data)
        except OSError as exc:
            raise IndicatorError(f"cannot write the output: {exc.strerror}", file=output) from None
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()


def write_table(frame: pd.DataFrame, fmt: str, output: str | None, sheet: str = "results") -> None:
    emit(render(frame, fmt, sheet), output)
