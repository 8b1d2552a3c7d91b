"""Values into and out of the database: UTC times, JSON text, query results as DataFrames.

SQLite hands back naive datetimes and PostgreSQL aware ones; everything stored is UTC, so every time
read back goes through ``as_utc``. JSON columns (lists of villages, mappings, reports, payloads) are text.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pandas as pd
import sqlalchemy as sa


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (what every stored time is)."""
    return datetime.now(UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """A stored time as aware UTC (SQLite returns naive datetimes); None for a missing one."""
    if value is None or pd.isna(value):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utc_column(values: pd.Series) -> pd.Series:
    """A column of stored times as ``datetime64[ns, UTC]``."""
    return pd.to_datetime(values.map(as_utc), utc=True)


def to_json(value: Any) -> str:
    """JSON text of a value (non-ASCII kept; NaN stays NaN, which Python reads back)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def from_json(text: str | None) -> Any:
    """The value of JSON text, or None (also for a missing value read into a frame, NaN)."""
    return None if text is None or isinstance(text, float) else json.loads(text)


def json_column(values: pd.Series, missing: Callable[[], Any] | None = None) -> pd.Series:
    """A column of JSON text parsed (object dtype); with ``missing`` (e.g. ``list``) an empty or null value
    becomes a fresh ``missing()``."""
    if missing is None:
        return values.map(from_json).astype(object)
    return values.map(lambda text: from_json(text) or missing()).astype(object)


def frame_of(result: sa.CursorResult) -> pd.DataFrame:
    """A query result as a DataFrame with the query's column names (also when it has no rows)."""
    return pd.DataFrame([tuple(r) for r in result.fetchall()], columns=list(result.keys()))


def raw_frame(conn: sa.Connection, query: sa.Select) -> pd.DataFrame:
    """A large plain-typed query through the driver's cursor (SQLAlchemy's row objects cost 3x)."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.cursor()
    try:
        cursor.execute(sql)
        columns = [d[0] for d in cursor.description]
        return pd.DataFrame(cursor.fetchall(), columns=columns)
    finally:
        cursor.close()
