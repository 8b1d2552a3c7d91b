"""What an upload keeps of its file: a sanitised copy, never the uploaded bytes.

The copy is the file's table as the reader kept it (``ReadResult.kept``: the answer rows; the village, date
and item columns; no personal column; e-mail addresses, phone numbers and identity codes masked in every
text), stored as gzip-compressed UTF-8 csv with the spreadsheet row number as first column (``row``).
The file's other columns (free text) are not needed for scores and stay out, unless a coordinator keeps
them (masked, names too: ``indicator.reading.personal.mask_free_text``).

Only the SHA-256 of the uploaded bytes is kept besides, to recognise the same file sent twice. A hash is
not the file: it cannot be turned back into the answers, and the text of a whole survey export has far
too many possibilities to be found by trying (a guess must match every byte of the file). It only tells
someone who already holds the very same file that this file was uploaded, which the upload's own row
(round, time, villages) says anyway.
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from indicator.reading.personal import mask
from indicator.storage.schema import CONTENT_KIND

ROW = "row"


def encode(table: pd.DataFrame) -> bytes:
    """The table as gzip-compressed UTF-8 csv (the same bytes for the same table)."""
    text = table.to_csv(index=True, index_label=ROW, lineterminator="\n")
    return gzip.compress(text.encode("utf-8"), compresslevel=6, mtime=0)


def decode(content: bytes) -> pd.DataFrame:
    """A stored copy back as a table of text cells (index ``row``; missing cells NaN)."""
    text = gzip.decompress(content).decode("utf-8")
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""]).set_index(ROW)


def sanitised_copy(kept: pd.DataFrame | None, responses: pd.DataFrame, report: Mapping[str, Any], *,
                   keep_free_text: bool = False) -> pd.DataFrame:
    """The table an upload keeps: the reader's sanitised copy without the file's other (unmapped)
    columns unless ``keep_free_text``; without a copy from the reader, the answers themselves (village,
    respondent, date and items of the responses table, the village masked)."""
    if kept is not None:
        other = [c for c in report.get("unmapped") or [] if c in kept.columns]
        return kept if keep_free_text else kept.drop(columns=other)
    return answers_copy(responses)


def answers_copy(responses: pd.DataFrame, items: Sequence[str] | None = None) -> pd.DataFrame:
    """A responses table (village, respondent, items, optionally date) as a kept copy: one row per
    respondent, indexed by respondent, villages masked."""
    keys = ["village", *(["date"] if "date" in responses.columns else [])]
    chosen = list(items) if items is not None else [
        c for c in responses.columns if c not in ("village", "respondent", "date", "round", "upload_id")]
    table = responses[[*keys, *chosen]].copy()
    table["village"] = table["village"].map(mask)
    table.index = pd.Index(responses["respondent"].astype(str), name=ROW)
    return table


def stored(table: pd.DataFrame) -> dict[str, Any]:
    """The ``uploads`` values of a kept copy."""
    return {"content": encode(table), "content_kind": CONTENT_KIND}
