"""Answers in the database: long form in, the responses table out.

Answers are stored long (one row per respondent and item: upload_id, respondent, village, item, value)
and read back wide as the responses table of docs/architecture.md, with ``round`` and ``upload_id``:

| column | dtype | meaning |
|---|---|---|
| ``village`` | object (str) | the village of the answer |
| ``round`` | Int64 | the upload's round (year) |
| ``respondent`` | object (str) | respondent key, unique within its upload |
| ``upload_id`` | Int64 | the upload the answers came from |
| one column per item id | float64 | the answer; NaN = missing (framework order, then any other items) |

Rows are sorted by round, village, upload_id, respondent. For approved uploads only the most recently
approved upload of each (village, round) counts: a newer file of a village replaces the older one even
when the older file also holds other villages (those keep their answers from it).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa

from indicator.errors import IndicatorError
from indicator.framework import Framework
from indicator.storage.convert import frame_of, raw_frame, utc_column
from indicator.storage.engine import Database
from indicator.storage.schema import Role, Status, responses, uploads

KEYS: tuple[str, ...] = ("village", "round", "respondent", "upload_id")


def long_form(frame: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Responses table -> rows (respondent, village, item, value), missing answers and villages dropped."""
    items = [i for i in framework.item_ids if i in frame.columns]
    keys = frame.reindex(columns=["respondent", "village"]).astype(object)
    respondent = keys["respondent"].where(keys["respondent"].notna(), None)
    if respondent.isna().any() or respondent.astype(str).duplicated().any():
        respondent = pd.Series([str(n) for n in range(1, len(frame) + 1)], index=frame.index)
    wide = pd.concat([respondent.astype(str).rename("respondent"), keys["village"]], axis=1)
    wide[items] = frame[items].apply(pd.to_numeric, errors="coerce").astype(float)
    out = wide.melt(id_vars=["respondent", "village"], value_vars=items, var_name="item", value_name="value")
    out = out[out["value"].notna() & out["village"].notna()]
    out["village"] = out["village"].astype(str).str.strip()
    return out[out["village"] != ""].reset_index(drop=True)


def answer_tuples(rows: pd.DataFrame) -> list[tuple[str, str, str, float]]:
    """Long-form rows as (respondent, village, item, value) tuples, made before a write transaction opens
    so that the transaction only inserts."""
    return list(zip(rows["respondent"].tolist(), rows["village"].tolist(), rows["item"].tolist(),
                    rows["value"].astype(float).tolist(), strict=True))


def insert_answers(conn: sa.Connection, upload_id: int,
                   rows: pd.DataFrame | Sequence[tuple[str, str, str, float]]) -> None:
    """Bulk insert of long-form rows (``long_form``, or their ``answer_tuples``) into the open transaction
    (PostgreSQL COPY, SQLite executemany)."""
    if not len(rows):
        return
    prepared = answer_tuples(rows) if isinstance(rows, pd.DataFrame) else rows
    data = ((upload_id, *row) for row in prepared)
    names = "upload_id, respondent, village, item, value"
    cursor = conn.connection.cursor()
    try:
        if conn.dialect.name == "postgresql":
            with cursor.copy(f"COPY responses ({names}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO responses ({names}) VALUES (?, ?, ?, ?, ?)", data)
    finally:
        cursor.close()


def responses_table(database: Database, status: str | None = Status.APPROVED,
                    framework: Framework | None = None) -> pd.DataFrame:
    """The responses table (module docstring) of the non-poll uploads with this status (None: all).

    With ``framework`` every framework item is a column, answered or not.
    """
    chosen = sa.select(uploads.c.id, uploads.c.round, uploads.c.decided_at).where(uploads.c.role != Role.POLL.value)
    if status is not None:
        chosen = chosen.where(uploads.c.status == str(status))
    query = sa.select(responses.c.upload_id, responses.c.respondent, responses.c.village, responses.c.item,
                      responses.c.value).where(responses.c.upload_id.in_(chosen.with_only_columns(uploads.c.id)))
    with database.read() as conn:
        picked = frame_of(conn.execute(chosen)).rename(columns={"id": "upload_id"})
        long = raw_frame(conn, query)
    long = long.merge(picked, on="upload_id")  # inner: an upload decided meanwhile is left out
    if status == Status.APPROVED and len(long):
        long = _latest_per_village(long)
    return _wide(long, framework)


def _latest_per_village(long: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each (village, round), only the answers of the most recently approved upload."""
    keys = long[["village", "round", "decided_at", "upload_id"]].drop_duplicates(["village", "round", "upload_id"])
    keys = keys.assign(decided_at=utc_column(keys["decided_at"]))
    latest = keys.sort_values(["decided_at", "upload_id"]).drop_duplicates(["village", "round"], keep="last")
    return long.merge(latest[["village", "round", "upload_id"]], on=["village", "round", "upload_id"])


def _wide(long: pd.DataFrame, framework: Framework | None) -> pd.DataFrame:
    """Long rows -> the responses table with the documented column order and dtypes."""
    keys = list(KEYS)
    items = list(framework.item_ids) if framework is not None else sorted(long["item"].unique()) if len(long) else []
    if len(long):
        wide = long.set_index([*keys, "item"])["value"].unstack("item").reset_index()
        wide.columns.name = None
    else:
        wide = pd.DataFrame(columns=keys)
    wide = wide.reindex(columns=[*keys, *items, *(c for c in wide.columns if c not in keys and c not in items)])
    wide["village"] = wide["village"].astype(object)
    wide["respondent"] = wide["respondent"].astype(object)
    wide["round"] = wide["round"].astype("Int64")
    wide["upload_id"] = wide["upload_id"].astype("Int64")
    for item in wide.columns[len(keys):]:
        wide[item] = wide[item].astype(float)
    return wide.sort_values(["round", "village", "upload_id", "respondent"], kind="stable").reset_index(drop=True)


def village_registry() -> pd.DataFrame | None:
    """The shipped village registry, or None when it cannot be read (progress then has no area rows)."""
    from indicator.registry import load_villages

    try:
        return load_villages()
    except IndicatorError:
        return None
