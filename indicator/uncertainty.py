"""Monte Carlo rank uncertainty (methods §5, after Saisana, Saltelli & Tarantola 2005).

Each draw perturbs every item and dimension weight by ±25 % (``w' = w + w·0.25·(2U − 1)``, U uniform on
[0, 1), independent per weight) and picks the aggregation, arithmetic or geometric, with equal chance.
The geometric mean is taken on the [1, 100] rescaled scores (``1 + 0.99·x``) by
`indicator.scoring.aggregate_batch`, so a goalpost score of 0 counts as the lowest value instead of
being dropped or zeroing the product. The contract's coverage rules apply in every draw: noisy weights
can move a village across a coverage threshold, so a village may be unranked (no index) in some draws.

Percentiles, the median and the mean shift of a village are taken over the draws in which it is ranked;
``ranked_draws`` says how many that is (all statistics are NA for a village never ranked, and
``mean_abs_shift`` is NA when the village has no nominal rank). Percentiles interpolate linearly
between order statistics (numpy's default), so a band may end on a half rank.

What is varied: weights and aggregation only. The normalisation is whatever ``scores`` were computed
with; the item scores themselves are not resampled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicator.audit import round_data
from indicator.errors import IndicatorError
from indicator.framework import Framework
from indicator.scoring import AGGREGATIONS, ScoreOptions, aggregate_batch, effective_weights, rank_desc

NOISE = 0.25
COLUMNS: tuple[str, ...] = (
    "village",
    "nominal_rank",
    "median_rank",
    "p05_rank",
    "p95_rank",
    "mean_abs_shift",
    "ranked_draws",
)


@dataclass(frozen=True)
class Draws:
    """The assumptions of R Monte Carlo draws: weights (R × items, R × dims) and an aggregation per draw."""

    item_weights: np.ndarray
    dimension_weights: np.ndarray
    aggregation: np.ndarray


def _check(n: int, noise: float, aggregations: Sequence[str]) -> None:
    """Refuse settings the analysis cannot run with, naming the setting."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise IndicatorError(f"uncertainty: the number of draws must be a whole number >= 1, got {n!r}")
    if not 0 <= noise < 1:
        raise IndicatorError(f"uncertainty: the weight noise must be in [0, 1), got {noise!r}")
    unknown = [a for a in aggregations if a not in AGGREGATIONS]
    if not aggregations or unknown:
        raise IndicatorError(
            f"uncertainty: aggregations must be some of {', '.join(AGGREGATIONS)}, got {list(aggregations)!r}"
        )


def draw(
    item_weights: np.ndarray,
    dimension_weights: np.ndarray,
    *,
    n: int,
    seed: int,
    noise: float = NOISE,
    aggregations: Sequence[str] = AGGREGATIONS,
) -> Draws:
    """Draw n sets of noisy weights and aggregations with ``numpy.random.default_rng(seed)``.

    Examples
    --------
    >>> d = draw(np.array([1.0, 2.0]), np.array([1.0]), n=3, seed=0, noise=0.0, aggregations=["arithmetic"])
    >>> d.item_weights.tolist(), d.aggregation.tolist()
    ([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]], ['arithmetic', 'arithmetic', 'arithmetic'])
    """
    _check(n, noise, aggregations)
    rng = np.random.default_rng(seed)
    item_w = np.asarray(item_weights, dtype=float)
    dim_w = np.asarray(dimension_weights, dtype=float)
    item_draws = item_w * (1 + noise * (2 * rng.random((n, item_w.size)) - 1))
    dim_draws = dim_w * (1 + noise * (2 * rng.random((n, dim_w.size)) - 1))
    choice = np.asarray(list(aggregations), dtype=object)[rng.integers(len(aggregations), size=n)]
    return Draws(item_draws, dim_draws, choice)


def _ranks(index: np.ndarray) -> np.ndarray:
    """Ranks per row of an R × villages index array (NaN = unranked), via `scoring.rank_desc`."""
    return np.vstack([rank_desc(row) for row in index]) if len(index) else np.empty_like(index)


def draw_ranks(item_scores: np.ndarray, framework: Framework, draws: Draws) -> np.ndarray:
    """Ranks (R × villages, NaN = unranked) of the villages in every draw; one batch per aggregation."""
    index = np.full((len(draws.aggregation), item_scores.shape[0]), np.nan)
    for aggregation in np.unique(draws.aggregation):
        rows = draws.aggregation == aggregation
        _, index[rows] = aggregate_batch(
            item_scores, framework, draws.item_weights[rows], draws.dimension_weights[rows], str(aggregation)
        )
    return _ranks(index)


def summarise(nominal: np.ndarray, ranks: np.ndarray) -> pd.DataFrame:
    """Median, 5th and 95th percentile rank, mean |rank − nominal| and ranked draws per village (column)."""
    ranked = ~np.isnan(ranks)
    counts = ranked.sum(axis=0)
    seen = counts > 0
    stats = np.full((3, ranks.shape[1]), np.nan)
    stats[:, seen] = np.nanpercentile(ranks[:, seen], [50, 5, 95], axis=0)
    shift = np.abs(ranks - nominal[None, :])
    both = seen & ~np.isnan(nominal)
    mean_shift = np.full(ranks.shape[1], np.nan)
    mean_shift[both] = np.nanmean(shift[:, both], axis=0)
    return pd.DataFrame(
        {
            "nominal_rank": pd.array(nominal, dtype="Float64").astype("Int64"),
            "median_rank": stats[0],
            "p05_rank": stats[1],
            "p95_rank": stats[2],
            "mean_abs_shift": mean_shift,
            "ranked_draws": counts.astype(int),
        }
    )


def rank_uncertainty(
    scores: Any,
    framework: Framework,
    *,
    round: Any = None,
    n: int = 1000,
    seed: int = 0,
    noise: float = NOISE,
    aggregations: Sequence[str] = AGGREGATIONS,
    options: ScoreOptions | None = None,
) -> pd.DataFrame:
    """Rank bands of the villages of one round (default: the latest) under noisy weights and aggregation.

    ``options`` gives the nominal weights and aggregation, those ``scores`` were computed with
    (default: the contract's, ``ScoreOptions()``).
    Columns: village, nominal_rank, median_rank, p05_rank, p95_rank, mean_abs_shift, ranked_draws;
    sorted by nominal rank (unranked last), then village. Deterministic for a seed.
    """
    _check(n, noise, aggregations)
    options = ScoreOptions() if options is None else options
    data = round_data(scores, framework, round, scored_only=False)
    item_scores = data.item_scores.to_numpy(dtype=float)
    item_w, dim_w = effective_weights(framework, options)
    _, nominal = aggregate_batch(item_scores, framework, item_w[None], dim_w[None], options.aggregation)
    draws = draw(item_w, dim_w, n=n, seed=seed, noise=noise, aggregations=aggregations)
    out = summarise(_ranks(nominal)[0], draw_ranks(item_scores, framework, draws))
    out.insert(0, "village", pd.Series(data.item_scores.index, dtype=object))
    order = out["nominal_rank"].astype("Float64").fillna(np.inf).to_numpy()
    out = out.iloc[np.lexsort((out["village"].astype(str).to_numpy(), order))]
    return out.reset_index(drop=True)
