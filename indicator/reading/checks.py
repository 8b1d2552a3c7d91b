"""Plausibility warnings after reading: reversed scales and village names not in the registry."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from indicator.answers import LIKERT5_LABELS
from indicator.framework import Framework
from indicator.registry import VillageIndex
from indicator.text import normalise

_LEGEND = re.compile(r"\b([1-5])\s*=\s*([^,;()/=\d]+)")

MIN_PAIRS = 10
MAX_VILLAGE_WARNINGS = 20
REVERSED_CORRELATION = -0.3


def reversed_items(responses: pd.DataFrame, framework: Framework, mapped: Sequence[str], *,
                   numeric: bool) -> list[str]:
    """Likert items answered as numbers whose answers run against the rest of their dimension.

    For each such item, the correlation of its answers with the mean of its dimension siblings'
    answers (same respondents) is computed; a clearly negative one suggests 1 and 5 were swapped.
    """
    if not numeric or len(responses) < MIN_PAIRS:
        return []
    present = set(mapped)
    out = []
    for dim in framework.dimensions:
        ids = [i.id for i in framework.items_of(dim.id) if i.type == "likert5" and i.id in present]
        if len(ids) < 3:
            continue
        block = responses[ids].to_numpy(dtype=float)
        for k, item_id in enumerate(ids):
            others = np.delete(block, k, axis=1)
            counts = (~np.isnan(others)).sum(axis=1)
            with np.errstate(all="ignore"):
                rest = np.where(counts > 0, np.nansum(others, axis=1) / counts, np.nan)
            pair = ~np.isnan(block[:, k]) & ~np.isnan(rest)
            if pair.sum() < MIN_PAIRS or np.std(block[pair, k]) == 0 or np.std(rest[pair]) == 0:
                continue
            r = float(np.corrcoef(block[pair, k], rest[pair])[0, 1])
            if r <= REVERSED_CORRELATION:
                out.append(
                    f"item {item_id}: its answers run opposite to the other items of dimension {dim.id} "
                    f"(correlation {r:.2f}); check whether its scale was coded 1 = best in this export"
                )
    return out


def unknown_villages(villages: Sequence[str], registry: pd.DataFrame | None) -> list[str]:
    """A warning per village name not in the registry (with the nearest registry names), and per name
    written differently from its registry entry; past ``MAX_VILLAGE_WARNINGS`` of them, one line counts
    the rest. The registry is indexed once for all names."""
    if registry is None or "village" not in registry.columns or registry.empty:
        return []
    index = VillageIndex(registry)
    out = []
    for village in villages:
        known = index.find(village)
        if known is None:
            close = index.nearest(village, 3) if len(out) < MAX_VILLAGE_WARNINGS else []
            hint = f"; nearest: {', '.join(close)}" if close else ""
            out.append(f"village {village!r} is not in the village registry{hint}")
        elif normalise(known) != normalise(village):
            out.append(f"village {village!r} is written differently from its registry name {known!r}")
    if len(out) > MAX_VILLAGE_WARNINGS:
        out[MAX_VILLAGE_WARNINGS:] = [f"{len(out) - MAX_VILLAGE_WARNINGS} more village names are not in the "
                                      "village registry or are written differently"]
    return out


def reversed_legends(headers: Mapping[str, str], framework: Framework) -> list[str]:
    """Likert columns whose header states a reversed code legend, e.g. "(1 = täysin samaa mieltä)".

    ``headers`` maps a column's display name to its item id. Numbers in such a column mean the
    opposite of the expected 1 = disagree … 5 = agree, so the user must recode or use labels.
    """
    out = []
    for header, item_id in headers.items():
        if framework.item(item_id).type != "likert5":
            continue
        for code, label in _LEGEND.findall(header):
            value = LIKERT5_LABELS.get(normalise(label))
            if value is not None and int(code) != 3 and value == 6 - int(code):
                out.append(
                    f"column {header!r}: its legend says {code} = {label.strip()!r}, the reverse of 1 = "
                    f"disagree … 5 = agree; numeric answers in it are read as written and may be reversed"
                )
                break
    return out
