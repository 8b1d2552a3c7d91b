"""Plausibility warnings after reading: reversed scales and village names not in the registry."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from indicator.framework import Framework
from indicator.text import normalise

MIN_PAIRS = 10
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


def _registry_names(registry: pd.DataFrame | None) -> list[str] | None:
    if registry is None or "village" not in registry.columns:
        return None
    return [str(v) for v in registry["village"].dropna()]


def unknown_villages(villages: Sequence[str], registry: pd.DataFrame | None) -> list[str]:
    """A warning per village name not in the registry, with the nearest registry names."""
    names = _registry_names(registry)
    if not names:
        return []
    known = {normalise(n) for n in names}
    out = []
    for village in villages:
        if normalise(village) in known:
            continue
        close = _nearest(village, registry, names)
        hint = f"; nearest: {', '.join(close)}" if close else ""
        out.append(f"village {village!r} is not in the village registry{hint}")
    return out


def _nearest(name: str, registry: pd.DataFrame, names: list[str]) -> list[str]:
    try:
        from indicator.registry import nearest
    except ImportError:
        nearest = None
    if nearest is not None:
        try:
            return list(nearest(name, registry, n=3))
        except Exception:  # noqa: BLE001 - a hint only; fall back to difflib
            pass
    import difflib

    lookup = {normalise(n): n for n in names}
    return [lookup[m] for m in difflib.get_close_matches(normalise(name), list(lookup), n=3, cutoff=0.5)]
