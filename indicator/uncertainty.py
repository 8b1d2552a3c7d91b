"""Monte Carlo rank uncertainty (docs/method.md §6, after Saisana, Saltelli & Tarantola 2005).

Each draw perturbs every item and dimension weight by ±25 % (``w' = w + w·0.25·(2U − 1)``, U uniform on
[0, 1), independent per weight) and picks the aggregation, arithmetic or geometric, with equal chance.
The geometric mean is taken on the [1, 100] rescaled scores (``1 + 0.99·x``) by
`indicator.scoring.aggregate_batch`, so a goalpost score of 0 counts as the lowest value instead of
being dropped or zeroing the product. The default coverage rules apply in every draw: noisy weights
can move a village across a coverage threshold, so a village may be unranked (no index) in some draws.

Percentiles, the median and the mean shift of a village are taken over the draws in which it is ranked;
``ranked_draws`` says how many that is (all statistics are NA for a village never ranked, and
``mean_abs_shift`` is NA when the village has no nominal rank). Percentiles interpolate linearly
between order statistics (numpy's default), so a band may end on a half rank.

What is varied by default: weights and aggregation. The normalisation is whatever ``scores`` were
computed with, unless ``normalisations`` names several: then each draw also picks one of them uniformly,
and the item scores are renormalised from ``scores.item_values`` the way `scoring.score` does it (over
the scored villages of all rounds together). The survey answers themselves are not resampled. The
settings of a run are kept in the result's ``attrs`` (n, seed, noise, aggregations, normalisations).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicator.audit import round_data, round_frame
from indicator.errors import IndicatorError, clip
from indicator.framework import Framework
from indicator.scoring import (
    AGGREGATIONS,
    NORMALISATIONS,
    ScoreOptions,
    aggregate_batch,
    effective_weights,
    normalise,
    rank_desc,
)

NOISE = 0.25
DRAWS = 1000  # the village card's draws and seed (the command line's defaults too)
SEED = 0
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
    """The assumptions of R draws: weights (R × items, R × dims), an aggregation and a normalisation each.

    ``normalisation`` is None when the normalisation is not varied.
    """

    item_weights: np.ndarray
    dimension_weights: np.ndarray
    aggregation: np.ndarray
    normalisation: np.ndarray | None = None


def _check_choice(kind: str, chosen: Sequence[str], allowed: Sequence[str], code: str) -> None:
    if not chosen or any(c not in allowed for c in chosen):
        raise IndicatorError(f"uncertainty: {kind} must be some of {', '.join(allowed)}, got {list(chosen)!r}",
                             code=code,
                             params={"choices": ", ".join(allowed), "chosen": clip(", ".join(map(str, chosen)))})


def _check(n: int, noise: float, aggregations: Sequence[str], normalisations: Sequence[str] | None) -> None:
    """Refuse settings the analysis cannot run with, naming the setting."""
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise IndicatorError(f"uncertainty: the number of draws must be a whole number >= 1, got {n!r}",
                             code="uncertainty.bad_draws", params={"draws": clip(n)})
    if not 0 <= noise < 1:
        raise IndicatorError(f"uncertainty: the weight noise must be in [0, 1), got {noise!r}",
                             code="uncertainty.bad_noise", params={"noise": clip(noise)})
    _check_choice("aggregations", aggregations, AGGREGATIONS, code="uncertainty.bad_aggregations")
    if normalisations is not None:
        _check_choice("normalisations", normalisations, NORMALISATIONS, code="uncertainty.bad_normalisations")


def draw(
    item_weights: np.ndarray,
    dimension_weights: np.ndarray,
    *,
    n: int,
    seed: int,
    noise: float = NOISE,
    aggregations: Sequence[str] = AGGREGATIONS,
    normalisations: Sequence[str] | None = None,
) -> Draws:
    """Draw n sets of noisy weights, aggregations (and normalisations) with ``default_rng(seed)``.

    The stream is used in a fixed order (item weights, dimension weights, aggregation, normalisation),
    so varying the normalisation leaves the weights and aggregations of a seed unchanged.

    Examples
    --------
    >>> d = draw(np.array([1.0, 2.0]), np.array([1.0]), n=3, seed=0, noise=0.0, aggregations=["arithmetic"])
    >>> d.item_weights.tolist(), d.aggregation.tolist()
    ([[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]], ['arithmetic', 'arithmetic', 'arithmetic'])
    """
    _check(n, noise, aggregations, normalisations)
    rng = np.random.default_rng(seed)
    item_w = np.asarray(item_weights, dtype=float)
    dim_w = np.asarray(dimension_weights, dtype=float)
    item_draws = item_w * (1 + noise * (2 * rng.random((n, item_w.size)) - 1))
    dim_draws = dim_w * (1 + noise * (2 * rng.random((n, dim_w.size)) - 1))
    aggregation = _pick(aggregations, n, rng)
    normalisation = None if normalisations is None else _pick(normalisations, n, rng)
    return Draws(item_draws, dim_draws, aggregation, normalisation)


def _pick(options: Sequence[str], n: int, rng: np.random.Generator) -> np.ndarray:
    """n uniform picks from ``options`` as an object array of names."""
    return np.asarray(list(options), dtype=object)[rng.integers(len(options), size=n)]


def _ranks(index: np.ndarray) -> np.ndarray:
    """Ranks per row of an R × villages index array (NaN = unranked), via `scoring.rank_desc`."""
    return np.vstack([rank_desc(row) for row in index]) if len(index) else np.empty_like(index)


def draw_ranks(
    item_scores: np.ndarray | Mapping[str, np.ndarray], framework: Framework, draws: Draws
) -> np.ndarray:
    """Ranks (R × villages, NaN = unranked) in every draw; one batch per (normalisation, aggregation).

    ``item_scores``: villages × items, or one such array per normalisation when the draws vary it.
    """
    varied = draws.normalisation is not None
    norm = draws.normalisation if varied else np.full(len(draws.aggregation), "", dtype=object)
    villages = next(iter(item_scores.values())).shape[0] if varied else item_scores.shape[0]
    index = np.full((len(draws.aggregation), villages), np.nan)
    for method, aggregation in sorted(set(zip(norm, draws.aggregation, strict=True))):
        rows = (norm == method) & (draws.aggregation == aggregation)
        x = item_scores[method] if varied else item_scores
        _, index[rows] = aggregate_batch(
            x, framework, draws.item_weights[rows], draws.dimension_weights[rows], str(aggregation)
        )
    return _ranks(index)


def renormalised(scores: Any, framework: Framework, method: str, round: Any, villages: pd.Index) -> np.ndarray:
    """Item scores of ``villages`` in ``round`` under another normalisation, as `scoring.score` makes them.

    The scored (village, round) rows of all rounds are normalised together; other villages get NaN rows.
    """
    table = scores.table
    enough = framework.enough_respondents(table["respondents"])
    keys = pd.MultiIndex.from_frame(table.loc[enough, ["village", "round"]])
    values = scores.item_values[scores.item_values.index.isin(keys)]
    with warnings.catch_warnings(action="ignore", category=RuntimeWarning):  # all-NaN item columns
        normalised = normalise(values, framework, method)
    return round_frame(normalised, round, villages, framework).to_numpy(dtype=float)


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
    n: int = DRAWS,
    seed: int = SEED,
    noise: float = NOISE,
    aggregations: Sequence[str] = AGGREGATIONS,
    normalisations: Sequence[str] | None = None,
    options: ScoreOptions | None = None,
) -> pd.DataFrame:
    """Rank bands of the villages of one round (default: the latest) under noisy weights and aggregation.

    ``options`` gives the nominal weights and aggregation, those ``scores`` were computed with
    (default: the default method, ``ScoreOptions()``). ``normalisations``: None keeps the item scores as
    scored; a list of names varies the normalisation too.
    Columns: village, nominal_rank, median_rank, p05_rank, p95_rank, mean_abs_shift, ranked_draws;
    sorted by nominal rank (unranked last), then village. Deterministic for a seed.
    """
    _check(n, noise, aggregations, normalisations)
    options = ScoreOptions() if options is None else options
    data = round_data(scores, framework, round, scored_only=False)
    item_scores = data.item_scores.to_numpy(dtype=float)
    item_w, dim_w = effective_weights(framework, options)
    _, nominal = aggregate_batch(item_scores, framework, item_w[None], dim_w[None], options.aggregation)
    draws = draw(
        item_w, dim_w, n=n, seed=seed, noise=noise, aggregations=aggregations, normalisations=normalisations
    )
    villages = data.item_scores.index
    matrices = (
        item_scores
        if normalisations is None
        else {m: renormalised(scores, framework, m, data.round, villages) for m in set(normalisations)}
    )
    out = summarise(_ranks(nominal)[0], draw_ranks(matrices, framework, draws))
    out.insert(0, "village", pd.Series(data.item_scores.index, dtype=object))
    order = out["nominal_rank"].astype("Float64").fillna(np.inf).to_numpy()
    out = out.iloc[np.lexsort((out["village"].astype(str).to_numpy(), order))].reset_index(drop=True)
    out.attrs["uncertainty"] = {
        "round": data.round,
        "n": n,
        "seed": seed,
        "noise": noise,
        "aggregations": list(aggregations),
        "normalisations": None if normalisations is None else list(normalisations),
    }
    return out
