"""Weight sets: effective weights, checked overrides, the framework as a table and rank changes.

A weight set is a plain mapping ``{item or dimension id: weight}`` (the ``ScoreOptions.weights`` form);
ids not in it keep the framework's weight. The effective weight of an item is the product of its
normalised weights down the tree (docs/method.md §2): ``w_item / Σ w_items_in_dim · w_dim / Σ w_dims``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from indicator.errors import IndicatorError
from indicator.framework import Framework, text

WEIGHT_SET_KIND = "weights"


def check_weights(weights: Mapping[str, object], framework: Framework) -> dict[str, float]:
    """A weight set with float values; refuse unknown ids and weights below 0 (0 removes one)."""
    known = set(framework.item_ids) | set(framework.dimension_ids)
    clean: dict[str, float] = {}
    for key, value in weights.items():
        if key not in known:
            raise IndicatorError(f"weight set: unknown item or dimension id {key!r}", value=value)
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value) or value < 0:
            raise IndicatorError(f"weight set: the weight of {key!r} must be a number >= 0", value=value)
        clean[key] = float(value)
    return clean


def changed_only(weights: Mapping[str, float], framework: Framework) -> dict[str, float]:
    """Only the entries that differ from the framework's own weights (what is worth saving)."""
    nominal = {d.id: d.weight for d in framework.dimensions} | {i.id: i.weight for i in framework.items}
    return {k: float(v) for k, v in weights.items() if k in nominal and not np.isclose(v, nominal[k])}


def effective_weights(framework: Framework, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """One row per item: item, dimension, weight, dimension_weight, effective (sums to 1 over items)."""
    weights = weights or {}
    frame = framework.items_frame()[["item", "dimension", "weight"]]
    frame["weight"] = frame["item"].map(lambda i: weights.get(i)).fillna(frame["weight"]).astype(float)
    dims = framework.dimension_weights()
    dims = dims.index.to_series().map(lambda d: weights.get(d)).fillna(dims).astype(float)
    frame["dimension_weight"] = frame["dimension"].map(dims).astype(float)
    item_share = (frame["weight"] / frame.groupby("dimension")["weight"].transform("sum")).fillna(0.0)
    total = dims.sum()
    frame["effective"] = item_share * frame["dimension_weight"] / total if total > 0 else 0.0
    return frame


def framework_table(framework: Framework, lang: str, weights: Mapping[str, float] | None = None) -> pd.DataFrame:
    """The framework as a readable table: dimension, item, text, type, weight, effective weight, goalposts."""
    eff = effective_weights(framework, weights).set_index("item")
    rows = [
        {
            "dimension": text(framework.dimension(i.dimension).name, lang),
            "item": i.id,
            "text": text(i.text, lang),
            "type": i.type,
            "weight": eff.at[i.id, "weight"],
            "effective_weight": eff.at[i.id, "effective"],
            "lower": i.lower,
            "target": i.target,
            "direction": "down" if i.less_is_better else "up",
        }
        for i in framework.items
    ]
    return pd.DataFrame(rows)


def rank_changes(nominal: pd.DataFrame, alternative: pd.DataFrame, round_: int) -> pd.DataFrame:
    """Per village in a round: nominal and alternative index and rank, and the shift (positive = up).

    Both inputs are ``Scores.table`` frames. A village ranked under one weighting only keeps an NA rank
    and shift; villages ranked under neither are left out.
    """
    cols = ["village", "index", "rank"]
    left = nominal.loc[nominal["round"] == round_, cols]
    right = alternative.loc[alternative["round"] == round_, cols]
    out = left.merge(right, on="village", how="outer", suffixes=("_nominal", "_new"))
    out["rank_nominal"] = out["rank_nominal"].astype("Int64")
    out["rank_new"] = out["rank_new"].astype("Int64")
    out = out.loc[out["rank_nominal"].notna() | out["rank_new"].notna()]
    out["shift"] = (out["rank_nominal"] - out["rank_new"]).astype("Int64")
    order = out["rank_new"].astype("Float64").fillna(np.inf)
    return out.assign(_o=order).sort_values(["_o", "village"]).drop(columns="_o").reset_index(drop=True)
