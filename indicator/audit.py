"""Statistical audit of one survey round: data checks per item, consistency per dimension (docs/method.md §5).

`audit(scores, framework)` returns tidy tables ready for the dashboard. The villages audited are those
the indicator scores in the round (at least ``min_respondents`` valid respondents); villages with too
few respondents have no scores and would only add noise.

Table columns (one row per element; flags are nullable booleans, NA where a statistic cannot be computed):

``Audit.items`` (per item, over the item *values* - what villages actually differ on)
    item, dimension, type, villages (audited villages), available (villages with a value),
    availability (available / villages), low_availability (< 0.65), mode_share (share of the available
    values equal to the most common one), unique_share (distinct values / available), low_uniqueness (< 0.5), zero_share (values equal to 0 / available), many_zeros
    (non-zero share < 0.5), skew, kurtosis (bias-corrected, excess; pandas ``skew``/``kurt``),
    outlier (``|skew| > 2 and kurtosis > 3.5``; NA with fewer than 4 values), mean, sd, min, max.
``Audit.dimensions`` (per dimension, over the item *scores* - what the index aggregates)
    dimension, items, villages (villages with at least one item score), alpha (Cronbach's alpha from
    pairwise-complete covariances; NA with < 2 items, < 3 villages or an incomputable covariance),
    mean_r (mean inter-item Pearson r), pc1_share (share of variance on the first principal component
    of the correlation matrix), collinear_pairs (pairs with r > 0.9).
``Audit.correlations`` (every pair of items within a dimension, item scores, pairwise complete)
    dimension, item_a, item_b, r (Pearson), n (villages with both), reading (``negative`` r < -0.4,
    ``weak`` -0.4..0.3, ``ok`` 0.3..0.9, ``collinear`` > 0.9; NA when r is NA).
``Audit.collinear``: the rows of ``correlations`` whose reading is ``collinear``.
``Audit.availability`` (per framework element)
    level (item | dimension | index), id, dimension (the parent dimension; NA for dimension and index),
    villages, data_share (share of village x item cells under the element that have a value),
    scored_share (share of villages with a score for the element), low_availability (data_share < 0.65).
``Audit.villages``: village, items (items with a value), data_share, low_availability (< 2/3).
``Audit.remove_one`` (each dimension, then each item, given weight 0 in turn; docs/method.md §5)
    level (dimension | item), id, villages (ranked both nominally and without the element),
    mean_abs_rank_change and max_abs_rank_change over those villages, unranked (villages ranked
    nominally that lose their index without the element).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from indicator.framework import Framework
from indicator.scoring import ScoreOptions, aggregate_batch, effective_weights, rank_desc


@dataclass(frozen=True)
class AuditRules:
    """Thresholds of the checks (COINr / JRC defaults, docs/method.md §5)."""

    min_availability: float = 0.65
    min_unique_share: float = 0.5
    min_nonzero_share: float = 0.5
    max_abs_skew: float = 2.0
    max_kurtosis: float = 3.5
    collinear_r: float = 0.9
    negative_r: float = -0.4
    weak_r: float = 0.3
    min_unit_availability: float = 2 / 3


@dataclass(frozen=True)
class RoundData:
    """The audited villages of one round: item values and item scores, village x item (framework order)."""

    round: Any
    values: pd.DataFrame
    item_scores: pd.DataFrame
    table: pd.DataFrame


@dataclass(frozen=True)
class Audit:
    """The audit tables of one round; see the module docstring for the columns."""

    round: Any
    items: pd.DataFrame
    dimensions: pd.DataFrame
    correlations: pd.DataFrame
    collinear: pd.DataFrame
    availability: pd.DataFrame
    villages: pd.DataFrame
    remove_one: pd.DataFrame
    rules: AuditRules = field(default_factory=AuditRules)


# --- selecting the round ---------------------------------------------------------------------------


def latest_round(scores: Any) -> Any:
    """The latest round present in ``scores.table`` (None when the table is empty)."""
    rounds = scores.table["round"].dropna()
    return None if rounds.empty else rounds.max()


def round_data(scores: Any, framework: Framework, round: Any = None, *, scored_only: bool = True) -> RoundData:
    """Item values and scores of one round (default: the latest), village x item in framework order.

    With ``scored_only`` only villages with at least ``min_respondents`` valid respondents are kept;
    otherwise every village of the round is kept and those below the threshold get all-NaN rows.
    """
    round = latest_round(scores) if round is None else round
    table = scores.table[scores.table["round"] == round].drop_duplicates("village")
    eligible = framework.enough_respondents(table["respondents"]).to_numpy()
    if scored_only:
        table, eligible = table[eligible], eligible[eligible]
    table = table.reset_index(drop=True)
    villages = pd.Index(table["village"].astype(object), name="village")
    frames = [round_frame(f, round, villages, framework) for f in (scores.item_values, scores.item_scores)]
    values, item_scores = (f.where(np.broadcast_to(eligible[:, None], f.shape)) for f in frames)
    return RoundData(round=round, values=values, item_scores=item_scores, table=table)


def round_frame(frame: pd.DataFrame, round: Any, villages: pd.Index, framework: Framework) -> pd.DataFrame:
    """One round of a (village, round)-indexed item frame: rows ``villages``, columns the framework's items."""
    if frame.empty or round not in frame.index.get_level_values("round"):
        part = pd.DataFrame(index=villages, columns=list(framework.item_ids), dtype=float)
    else:
        part = frame.xs(round, level="round")
        part.index = part.index.astype(object)
    out = part.reindex(index=villages, columns=list(framework.item_ids)).astype(float)
    out.index.name, out.columns.name = "village", "item"
    return out


# --- per item ---------------------------------------------------------------------------------------


def _flag(condition: Any, known: Any) -> pd.arrays.BooleanArray:
    """A nullable boolean flag: ``condition`` where ``known``, NA elsewhere."""
    known = np.asarray(known, dtype=bool)
    return pd.arrays.BooleanArray(np.asarray(condition, dtype=bool) & known, ~known)


def item_checks(values: pd.DataFrame, rules: AuditRules = AuditRules()) -> pd.DataFrame:
    """Availability, uniqueness, zeros, skew/kurtosis and outlier flags for each column of ``values``.

    Examples
    --------
    >>> out = item_checks(pd.DataFrame({"A": [1.0, 1.0, 2.0, np.nan]}))
    >>> float(out.loc[0, "availability"]), float(out.loc[0, "unique_share"]), bool(out.loc[0, "low_uniqueness"])
    (0.75, 0.6666666666666666, False)
    """
    villages = len(values)
    available = values.notna().sum()
    known = available > 0
    unique_share = values.nunique() / available.where(known)
    mode_count = values.apply(lambda column: column.value_counts().max() if column.notna().any() else np.nan)
    zero_share = values.eq(0).sum() / available.where(known)
    skew, kurt = values.skew(), values.kurt()
    enough = available >= 4
    outlier = (skew.abs() > rules.max_abs_skew) & (kurt > rules.max_kurtosis)
    availability = available / villages if villages else available * np.nan
    out = pd.DataFrame(
        {
            "item": values.columns.astype(object),
            "villages": villages,
            "available": available.to_numpy(),
            "availability": availability.to_numpy(dtype=float),
            "low_availability": _flag(availability < rules.min_availability, np.repeat(villages > 0, values.shape[1])),
            "mode_share": (mode_count / available.where(known)).to_numpy(dtype=float),
            "unique_share": unique_share.to_numpy(dtype=float),
            "low_uniqueness": _flag(unique_share < rules.min_unique_share, known),
            "zero_share": zero_share.to_numpy(dtype=float),
            "many_zeros": _flag(1 - zero_share < rules.min_nonzero_share, known),
            "skew": skew.to_numpy(dtype=float),
            "kurtosis": kurt.where(enough).to_numpy(dtype=float),
            "outlier": _flag(outlier, enough & kurt.notna() & skew.notna()),
            "mean": values.mean().to_numpy(dtype=float),
            "sd": values.std().to_numpy(dtype=float),
            "min": values.min().to_numpy(dtype=float),
            "max": values.max().to_numpy(dtype=float),
        }
    )
    return out


# --- per dimension ----------------------------------------------------------------------------------


def cronbach_alpha(item_scores: pd.DataFrame) -> float:
    """Cronbach's alpha of the columns from pairwise-complete covariances: ``k² mean(off-diag) / Σ cov``.

    NaN with fewer than 2 items, fewer than 3 villages with any data, an incomputable covariance or a
    total variance that is not positive.

    Examples
    --------
    >>> cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 3.0, 2.0]}))
    0.6666666666666666
    """
    k = item_scores.shape[1]
    if k < 2 or item_scores.notna().any(axis=1).sum() < 3:
        return float("nan")
    cov = item_scores.cov().to_numpy()
    total = cov.sum()
    if np.isnan(cov).any() or not total > 0:
        return float("nan")
    off_diagonal = (total - np.trace(cov)) / (k * (k - 1))
    return float(k * k * off_diagonal / total)


def _pc1_share(corr: np.ndarray) -> float:
    """Share of the variance on the first principal component of a correlation matrix (NaN if incomplete)."""
    if corr.shape[0] < 2 or np.isnan(corr).any():
        return float("nan")
    return float(np.linalg.eigvalsh(corr)[-1] / corr.shape[0])


def correlations(item_scores: pd.DataFrame, framework: Framework, rules: AuditRules = AuditRules()) -> pd.DataFrame:
    """Every pair of items within a dimension with its Pearson r, n and reading (``collinear`` above 0.9)."""
    present = item_scores.notna().astype(float)
    counts = present.T @ present
    corr = item_scores.corr(min_periods=3)
    rows = []
    for dim in framework.dimension_ids:
        ids = [i.id for i in framework.items_of(dim)]
        for a_pos, a in enumerate(ids):
            for b in ids[a_pos + 1 :]:
                rows.append((dim, a, b, corr.loc[a, b], int(counts.loc[a, b])))
    out = pd.DataFrame(rows, columns=["dimension", "item_a", "item_b", "r", "n"])
    out["dimension"] = out["dimension"].astype(object)
    out["r"] = out["r"].astype(float)
    out["reading"] = _reading(out["r"], rules)
    return out


def _reading(r: pd.Series, rules: AuditRules) -> pd.Series:
    """The docs/method.md §5 reading of a correlation: negative, weak, ok or collinear (NA for NaN)."""
    bins = [-np.inf, rules.negative_r, rules.weak_r, rules.collinear_r, np.inf]
    labels = ["negative", "weak", "ok", "collinear"]
    cut = pd.cut(r, bins=bins, labels=labels, right=False)
    cut = cut.astype(object).where(~(r == rules.collinear_r), "ok")
    return cut.where(r.notna(), pd.NA).astype(object)


def dimension_checks(
    item_scores: pd.DataFrame, framework: Framework, pairs: pd.DataFrame
) -> pd.DataFrame:
    """Items, villages, Cronbach's alpha, mean inter-item r, PC1 share and collinear pairs per dimension."""
    rows = []
    for dim in framework.dimension_ids:
        ids = [i.id for i in framework.items_of(dim)]
        part = item_scores[ids]
        corr = part.corr(min_periods=3).to_numpy()
        off = corr[~np.eye(len(ids), dtype=bool)]
        mine = pairs[pairs["dimension"] == dim]
        rows.append(
            {
                "dimension": dim,
                "items": len(ids),
                "villages": int(part.notna().any(axis=1).sum()),
                "alpha": cronbach_alpha(part),
                "mean_r": float(np.nanmean(off)) if np.isfinite(off).any() else float("nan"),
                "pc1_share": _pc1_share(corr),
                "collinear_pairs": int((mine["reading"] == "collinear").sum()),
            }
        )
    out = pd.DataFrame(rows)
    out["dimension"] = out["dimension"].astype(object)
    return out


# --- availability -----------------------------------------------------------------------------------


def availability(data: RoundData, framework: Framework, rules: AuditRules = AuditRules()) -> pd.DataFrame:
    """Data availability of every framework element: items, dimensions and the index."""
    has_value = data.values.notna()
    villages = len(has_value)
    scored = data.item_scores.notna()
    rows = [
        ("item", item.id, item.dimension, has_value[item.id].mean(), scored[item.id].mean())
        for item in framework.items
    ]
    for dim in framework.dimension_ids:
        ids = [i.id for i in framework.items_of(dim)]
        rows.append(("dimension", dim, pd.NA, _cell_share(has_value[ids]), _score_share(data.table, dim)))
    rows.append(("index", "index", pd.NA, _cell_share(has_value), _score_share(data.table, "index")))
    out = pd.DataFrame(rows, columns=["level", "id", "dimension", "data_share", "scored_share"])
    for column in ("level", "id", "dimension"):
        out[column] = out[column].astype(object)
    out.insert(3, "villages", villages)
    out[["data_share", "scored_share"]] = out[["data_share", "scored_share"]].astype(float)
    out["low_availability"] = _flag(out["data_share"] < rules.min_availability, out["data_share"].notna())
    return out


def _cell_share(has_value: pd.DataFrame) -> float:
    return float(has_value.to_numpy().mean()) if has_value.size else float("nan")


def _score_share(table: pd.DataFrame, column: str) -> float:
    if table.empty or column not in table:
        return float("nan")
    return float(pd.to_numeric(table[column], errors="coerce").notna().mean())


def village_checks(values: pd.DataFrame, rules: AuditRules = AuditRules()) -> pd.DataFrame:
    """Per village: items with a value, their share, and the unit-screening flag (< 2/3 of items)."""
    items = values.notna().sum(axis=1)
    share = items / values.shape[1] if values.shape[1] else items * np.nan
    out = pd.DataFrame(
        {
            "village": values.index.astype(object),
            "items": items.to_numpy(),
            "data_share": share.to_numpy(dtype=float),
        }
    )
    out["low_availability"] = _flag(out["data_share"] < rules.min_unit_availability, out["data_share"].notna())
    return out


# --- remove one -------------------------------------------------------------------------------------


def remove_one(
    item_scores: pd.DataFrame, framework: Framework, options: ScoreOptions | None = None
) -> pd.DataFrame:
    """Mean and max |rank change| against the nominal ranking when each dimension, then item, weighs 0.

    ``item_scores``: village x item (framework order) of one round; ``options`` the nominal weights and
    aggregation. One batch through `scoring.aggregate_batch`: row 0 nominal, then one row per element.
    """
    options = ScoreOptions() if options is None else options
    item_w, dim_w = effective_weights(framework, options)
    n_dims, n_items = len(dim_w), len(item_w)
    dims = np.tile(dim_w, (1 + n_dims + n_items, 1))
    items = np.tile(item_w, (1 + n_dims + n_items, 1))
    dims[1 + np.arange(n_dims), np.arange(n_dims)] = 0.0
    items[1 + n_dims + np.arange(n_items), np.arange(n_items)] = 0.0
    x = item_scores[list(framework.item_ids)].to_numpy(dtype=float)
    _, index = aggregate_batch(x, framework, items, dims, options.aggregation)
    ranks = np.vstack([rank_desc(row) for row in index])
    nominal, other = ranks[0], ranks[1:]
    both = ~np.isnan(other) & ~np.isnan(nominal)[None, :]
    change = np.where(both, np.abs(other - nominal[None, :]), 0.0)
    compared = both.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_change = np.where(compared > 0, change.sum(axis=1) / compared, np.nan)
    return pd.DataFrame(
        {
            "level": ["dimension"] * n_dims + ["item"] * n_items,
            "id": [*framework.dimension_ids, *framework.item_ids],
            "villages": compared,
            "mean_abs_rank_change": mean_change,
            "max_abs_rank_change": np.where(compared > 0, change.max(axis=1, initial=0.0), np.nan),
            "unranked": (np.isnan(other) & ~np.isnan(nominal)[None, :]).sum(axis=1),
        }
    ).astype({"level": object, "id": object})


# --- the whole audit --------------------------------------------------------------------------------


def audit(
    scores: Any,
    framework: Framework,
    *,
    round: Any = None,
    rules: AuditRules = AuditRules(),
    options: ScoreOptions | None = None,
) -> Audit:
    """Audit one round (default: the latest) of ``scores``; returns the tables of the module docstring.

    ``options``: the weights and aggregation ``scores`` were computed with (for ``remove_one``).
    """
    data = round_data(scores, framework, round)
    items = item_checks(data.values, rules)
    meta = framework.items_frame().set_index("item")
    items.insert(1, "dimension", items["item"].map(meta["dimension"]).astype(object))
    items.insert(2, "type", items["item"].map(meta["type"]).astype(object))
    pairs = correlations(data.item_scores, framework, rules)
    return Audit(
        round=data.round,
        items=items,
        dimensions=dimension_checks(data.item_scores, framework, pairs),
        correlations=pairs,
        collinear=pairs[pairs["reading"] == "collinear"].reset_index(drop=True),
        availability=availability(data, framework, rules),
        villages=village_checks(data.values, rules),
        remove_one=remove_one(data.item_scores, framework, options),
        rules=rules,
    )
