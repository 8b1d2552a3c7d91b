"""Import reports as tables for the upload and admin pages (pure pandas, no Streamlit).

Works on ``ImportReport.to_dict()`` (also what the store keeps), so a stored upload's report is shown
the same way as a fresh one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from indicator.framework import text


def mapped_table(report: Mapping[str, Any], framework: Any, lang: str, headers: Mapping[str, str]) -> pd.DataFrame:
    """Mapped columns: the file's column, the item id and the item's text in ``lang``."""
    mapped = dict(report.get("mapped") or {})
    known = {i.id: i for i in framework.items}
    return pd.DataFrame(
        {
            headers["column"]: list(mapped),
            headers["item"]: list(mapped.values()),
            headers["text"]: [text(known[i].text, lang) if i in known else "" for i in mapped.values()],
        },
        dtype=object,
    )


def problems_table(report: Mapping[str, Any], headers: Mapping[str, str]) -> pd.DataFrame:
    """Cell problems: row, column, value, message (as the reader reported them)."""
    rows = [p if isinstance(p, Mapping) else vars(p) for p in report.get("problems") or []]
    frame = pd.DataFrame(rows, columns=["row", "column", "value", "message"])
    frame["row"] = pd.to_numeric(frame["row"], errors="coerce").astype("Int64")
    frame[["column", "value", "message"]] = frame[["column", "value", "message"]].astype(object)
    return frame.rename(columns=dict(headers))


def item_choices(framework: Any, report: Mapping[str, Any], lang: str, width: int = 70) -> dict[str, str]:
    """Items a still-unmapped column may be mapped to (those not mapped yet): id -> "id – text"."""
    taken = set((report.get("mapped") or {}).values())
    choices = {}
    for item in framework.items:
        if item.id in taken:
            continue
        label = text(item.text, lang)
        label = label if len(label) <= width else label[: width - 1] + "…"
        choices[item.id] = f"{item.id} – {label}"
    return choices


def unknown_villages(villages: list[str], registry: pd.DataFrame) -> list[str]:
    """Village names in the file that the registry does not know (exact, after stripping)."""
    known = set(registry["village"].astype(str).str.strip())
    return [v for v in villages if str(v).strip() not in known]
