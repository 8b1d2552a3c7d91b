"""Weight sets: effective weights, checked overrides, the framework as a table and rank changes.

A weight set is a plain mapping ``{item or dimension id: weight}`` (the ``ScoreOptions.weights`` form);
ids not in it keep the framework's weight. The effective weight of an item is the product of its
normalised weights down the tree (docs/method.md §2): ``w_item / Σ w_items_in_dim · w_dim / Σ w_dims``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicator.errors import IndicatorError, clip
from indicator.framework import Framework, text
from indicator.scoring import ScoreOptions, score

WEIGHT_SET_KIND = "weights"
MIN_RANKED = 2  # rank shifts (and the audit beside them) need at least two villages with an index


@dataclass(frozen=True)
class ShiftSummary:
    """How a weight set moves the ranking of a round: villages ranked under both weightings, those that
    moved, and the largest move in places."""

    ranked: int
    moved: int
    largest: int


def check_weights(weights: Mapping[str, object], framework: Framework) -> dict[str, float]:
    """A weight set with float values; refuse unknown ids and weights below 0 (0 removes one)."""
    known = set(framework.item_ids) | set(framework.dimension_ids)
    clean: dict[str, float] = {}
    for key, value in weights.items():
        if key not in known:
            raise IndicatorError(f"weight set: unknown item or dimension id {key!r}", code="weights.unknown_id",
                                 params={"id": clip(key)}, value=value)
        if isinstance(value, bool) or not isinstance(value, int | float) or not np.isfinite(value) or value < 0:
            raise IndicatorError(f"weight set: the weight of {key!r} must be a number >= 0", code="weights.bad_weight",
                                 params={"id": clip(key)}, value=value)
        clean[key] = float(value)
    return clean


def nominal_weights(framework: Framework) -> dict[str, float]:
    """The framework's own weights as a full weight set: every dimension id and item id."""
    return {d.id: d.weight for d in framework.dimensions} | {i.id: i.weight for i in framework.items}


def saved_weights(payload: Mapping[str, Any] | None, framework: Framework) -> dict[str, float]:
    """A saved weight set (a stored document's payload, ``{"weights": {...}}``) as a full weight set: its
    entries over the framework's own weights."""
    return nominal_weights(framework) | dict((payload or {}).get("weights", {}))


def has_item_weights(weights: Mapping[str, object], framework: Framework) -> bool:
    """True when a weight set sets the weight of an item (not only of dimensions)."""
    return any(i in weights for i in framework.item_ids)


def changed_only(weights: Mapping[str, float], framework: Framework) -> dict[str, float]:
    """Only the entries that differ from the framework's own weights (what is worth saving)."""
    nominal = nominal_weights(framework)
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


def enough_ranked(table: pd.DataFrame, round_: int | None) -> bool:
    """True when ``round_`` of a ``Scores.table`` has at least ``MIN_RANKED`` villages with an index: a
    ranking to compare a weight set against."""
    return round_ is not None and int(table.loc[table["round"] == round_, "index"].notna().sum()) >= MIN_RANKED


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


def shift_summary(changes: pd.DataFrame) -> ShiftSummary:
    """The counts behind a ``rank_changes`` table (villages ranked under one weighting only do not count)."""
    shifts = changes["shift"].dropna()
    return ShiftSummary(
        ranked=len(shifts), moved=int((shifts != 0).sum()), largest=int(shifts.abs().max()) if len(shifts) else 0
    )


def moved(changes: pd.DataFrame) -> pd.DataFrame:
    """The rows of a ``rank_changes`` table whose village moved (ranked under both weightings, shift not 0)."""
    return changes.loc[changes["shift"].fillna(0) != 0]


def compare(
    responses: pd.DataFrame, nominal: pd.DataFrame, framework: Framework, weights: Mapping[str, float], round_: int
) -> pd.DataFrame:
    """``rank_changes`` of ``round_`` when ``responses`` are scored with ``weights`` instead of the nominal
    weights that gave ``nominal`` (a ``Scores.table``)."""
    alternative = score(responses, framework, ScoreOptions(weights=dict(weights))).table
    return rank_changes(nominal, alternative, round_)
