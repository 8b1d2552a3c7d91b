"""Response times from a tool's timestamp column, whatever form they arrive in (docs/survey-files.md §3).

Finnish ``d.m.yyyy H:MM(:SS)``, ISO 8601 (with or without offset), US ``m/d/yyyy`` (Forms CSV),
day-first slashes when a first part exceeds 12, JavaScript ``Date.toString()`` strings, Excel serial
numbers and datetimes read from the workbook. Each distinct text is parsed once.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

_FINNISH = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y klo %H.%M", "%d.%m.%Y %H.%M.%S", "%d.%m.%Y %H.%M",
            "%d.%m.%Y")
# Google Forms' own CSV: "2024/12/31 11:59:59 PM" (its zone, "GMT+2", is taken off first)
_YEAR_FIRST = ("%Y/%m/%d %I:%M:%S %p", "%Y/%m/%d %I:%M %p", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d")
_US = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%m/%d/%Y",
       "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M", "%m/%d/%y")
_DAY_FIRST = tuple(f.replace("%m/%d", "%d/%m") for f in _US)
_JS = re.compile(r"^\w{3} (\w{3} \d{1,2} \d{4} \d{2}:\d{2}:\d{2}) GMT([+-]\d{4}).*$", re.ASCII)
_SLASH_DAY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/", re.ASCII)
_OFFSET = re.compile(r"\d(?:Z|[+-]\d{2}:?\d{2})$", re.ASCII)
_GMT = re.compile(r"^(.*?\S)\s*(?:GMT|UTC)\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$", re.ASCII)
_LOCAL_ZONE = "Europe/Helsinki"
_SAMPLE = 20  # texts a format is tried on first: one that finds no date there is left for the second pass
_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_LAST_SERIAL = pd.Timedelta.max.days  # Excel day numbers from 106,751 on (year 2192) are no response time

# Header names of timestamp columns, most telling first (completion before start).
DATE_HEADERS: tuple[str, ...] = (
    "submit date (utc)", "completion time", "valmistumisaika", "slutförandetid", "submitdate",
    "date submitted", "submitted at", "submitted", "submission time", "submission date", "completed at",
    "completed", "lähetetty", "lähetysaika", "inskickad", "end", "end date", "_submission_time", "vastausaika",
    "svarstid", "timestamp", "aikaleima", "tidsstämpel", "response date", "responsedate", "vastauspäivä", "datestamp",
    "date last action", "start time", "aloitusaika", "starttid", "startdate", "start date",
    "start date (utc)", "start", "date", "päivämäärä", "pvm", "datum",
)


def _ns(stamps: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Naive times in nanoseconds, the responses table's unit; a time outside its range (before 1677 or
    after 2262, typing slips such as 9999-12-31 or 0001-01-01) becomes NaT: an unreadable cell, not a
    failure of the whole file."""
    if stamps.unit == "ns":
        return stamps
    inside = (stamps >= pd.Timestamp.min) & (stamps <= pd.Timestamp.max)
    return stamps.where(inside).as_unit("ns")


def _naive(stamps: pd.DatetimeIndex) -> pd.DatetimeIndex:
    if stamps.tz is None:
        return stamps
    try:
        return stamps.tz_convert(_LOCAL_ZONE).tz_localize(None)
    except Exception:  # noqa: BLE001 - no time zone database: keep UTC wall time
        return stamps.tz_convert("UTC").tz_localize(None)


def _parse(texts: pd.Series, fmt: str, utc: bool) -> pd.Series:
    """Texts in one format -> naive timestamps (NaT where the format does not fit)."""
    kwargs = {"utc": True} if utc else {}
    try:
        parsed = pd.to_datetime(texts.to_numpy(), format=fmt, errors="coerce", **kwargs)
    except (ValueError, TypeError):
        return pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns]")
    return pd.Series(_ns(_naive(pd.DatetimeIndex(parsed))), index=texts.index)


def _parse_zoned(texts: pd.Series) -> pd.Series:
    """Texts ending in a ``GMT+2``-style zone (Google Forms) -> local wall time; NaT for the others."""
    parts = texts.str.extract(_GMT)
    zoned = parts[0].dropna()
    if zoned.empty:
        return pd.Series(pd.NaT, index=texts.index, dtype="datetime64[ns]")
    wall = pd.Series(_parse_texts(zoned.to_numpy()).to_numpy(), index=zoned.index)
    sign = parts.loc[zoned.index, 1].map({"+": 1, "-": -1}).fillna(0)
    minutes = sign * (pd.to_numeric(parts.loc[zoned.index, 2]).fillna(0) * 60
                      + pd.to_numeric(parts.loc[zoned.index, 3]).fillna(0))
    utc = (wall - pd.to_timedelta(minutes, unit="min")).to_numpy(dtype="datetime64[ns]")
    return pd.Series(_from_utc(utc), index=zoned.index).reindex(texts.index)


def _parse_texts(texts: np.ndarray) -> pd.Series:
    """Distinct date texts -> timestamps (NaT where no known form fits)."""
    result = pd.Series(pd.NaT, index=pd.Index(texts), dtype="datetime64[ns]")
    remaining = pd.Series(texts, index=texts, dtype=object).str.strip()
    if remaining.str.contains("GMT|UTC", regex=True).any():
        result[:] = _parse_zoned(remaining).to_numpy()
    firsts = remaining.str.extract(_SLASH_DAY)[0].dropna().astype(int)
    slash = _DAY_FIRST + _US if len(firsts) and firsts.max() > 12 else _US + _DAY_FIRST
    aware = remaining.str.contains(_OFFSET, regex=True)
    formats = (("ISO8601", True), ("ISO8601", False), *((f, False) for f in (*_FINNISH, *slash, *_YEAR_FIRST)))
    tried: dict[tuple[str, bool], np.ndarray] = {}  # format -> the texts (a mask) it found no date in
    for sampled in (True, False):  # first the formats that fit a sample, then all on what is left
        for fmt, utc in formats:
            todo = (result.isna() & (aware if utc else ~aware)).to_numpy()
            if not todo.any() or np.array_equal(tried.get((fmt, utc), ()), todo):
                continue  # nothing left, or the very texts this format found no date in
            if sampled and _parse(remaining[todo].iloc[:_SAMPLE], fmt, utc).isna().all():
                if todo.sum() <= _SAMPLE:  # the sample was every text left
                    tried[(fmt, utc)] = todo
                continue
            result[todo] = _parse(remaining[todo], fmt, utc).to_numpy()
    todo = result.isna()
    if todo.any():
        js = remaining[todo].str.extract(_JS)
        joined = (js[0] + " " + js[1]).dropna()
        if len(joined):
            result[joined.index] = _parse_js(joined.to_numpy())
    return result


def _parse_js(texts: np.ndarray) -> np.ndarray:
    """``"May 01 2024 10:00:00 +0300"`` texts -> naive local times (NaT for impossible ones)."""
    try:
        parsed = pd.to_datetime(texts, format="%b %d %Y %H:%M:%S %z", errors="coerce", utc=True)
    except (ValueError, TypeError):  # pandas refuses some impossible offsets even when told to coerce
        return np.array([_parse_js(np.array([t], dtype=object))[0] if len(texts) > 1 else np.datetime64("NaT")
                         for t in texts], dtype="datetime64[ns]")
    return _ns(_naive(pd.DatetimeIndex(parsed))).to_numpy()


def _from_utc(stamps: np.ndarray) -> np.ndarray:
    """Naive UTC times (Typeform "(UTC)" columns, Kobo ``_submission_time``) as local wall time."""
    index = pd.DatetimeIndex(stamps).tz_localize("UTC")
    return _ns(_naive(index)).to_numpy()


def parse_dates(values: np.ndarray, *, utc: bool = False) -> tuple[np.ndarray, int]:
    """(datetime64[ns] array, number of non-empty cells that are not dates) for one column.

    ``utc`` says the column's times without an offset are UTC (they are then given as Finnish time).
    """
    cells = pd.Series(values, dtype=object, copy=False)
    out = pd.Series(pd.NaT, index=cells.index, dtype="datetime64[ns]")
    kinds = cells.map(type)
    is_stamp = kinds.isin([dt.datetime, pd.Timestamp, dt.date])
    if is_stamp.any():
        try:
            stamps = pd.to_datetime(cells[is_stamp].to_numpy(), errors="coerce")
        except (ValueError, TypeError):  # mixed offsets
            stamps = pd.to_datetime(cells[is_stamp].to_numpy(), errors="coerce", utc=True)
        out[is_stamp] = _ns(_naive(pd.DatetimeIndex(stamps))).to_numpy()
    is_number = kinds.isin([float, int, np.float64, np.int64])
    if is_number.any():
        serial = pd.to_numeric(cells[is_number], errors="coerce").astype(float)
        serial = serial.where((serial > 1) & (serial < _LAST_SERIAL))
        stamps = pd.to_datetime(serial.to_numpy(), unit="D", origin=_EXCEL_EPOCH).as_unit("ns")
        out[is_number] = stamps.round("s")  # serial fractions carry float noise below a second
    is_text = kinds.isin([str])
    if is_text.any():
        texts = cells[is_text]
        texts = texts[texts.str.strip() != ""]
        if len(texts):
            uniques = pd.unique(texts.to_numpy())
            table = _parse_texts(np.asarray(uniques, dtype=object))
            out[texts.index] = texts.map(table).to_numpy(dtype="datetime64[ns]")
    filled = cells.notna() & ~(is_text & (cells.astype(str).str.strip() == ""))
    bad = int((filled & out.isna()).sum())
    result = out.to_numpy(dtype="datetime64[ns]")
    return (_from_utc(result) if utc else result), bad


def is_utc_column(header: str) -> bool:
    """Timestamp columns whose naive times are UTC by the tool's definition."""
    return "utc" in header or header == "_submission_time"
