"""Scoring as docs/method.md §2: item values -> item scores -> dimension scores -> index -> rank and band.

A pure, vectorised pipeline: `score(responses, framework, options)` does no I/O, reads no clock and
mutates nothing. The aggregation core works on numpy arrays and accepts a batch of weight vectors, so
the Monte Carlo uncertainty analysis reuses it instead of copying it.

>>> from indicator.framework import loads
>>> fw = loads('''
... [indicator]
... id = "t"
... name = "T"
... baseline_year = 2024
... target_year = 2030
... min_respondents = 1
... [[bands]]
... id = "low"
... min = 0
... name = "Low"
... [[dimensions]]
... id = "d"
... name = "D"
... [[items]]
... id = "A"
... dimension = "d"
... text = "A"
... type = "likert5"
... lower = 1
... target = 5
... ''')
>>> import pandas as pd
>>> r = pd.DataFrame({"village": ["X", "X"], "round": [2024, 2024], "respondent": ["2", "3"], "A": [3.0, 5.0]})
>>> float(score(r, fw).table.loc[0, "index"])
75.0
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from indicator.errors import IndicatorError, clip
from indicator.framework import Framework

KEYS: tuple[str, str] = ("village", "round")
NORMALISATIONS: tuple[str, ...] = ("goalposts", "minmax", "zscore")
AGGREGATIONS: tuple[str, ...] = ("arithmetic", "geometric")
_EPS = 1e-12
# Scores equal up to this many decimals are equal for ranks and bands: weighted means of decimal weights
# (0.1, 0.2, 0.3) carry float noise such as 49.999999999999986 for a true 50.
TIE_DECIMALS = 9
NO_SCORE = "__no_score__"  # band_counts' key for the villages without a band

# z-score normalisation: mean 50, one standard deviation = 10 points, then clipped to 0-100.
Z_MEAN, Z_SD = 50.0, 10.0


@dataclass(frozen=True)
class ScoreOptions:
    """How to score; the defaults are exactly the default method (docs/method.md §2).

    ``weights`` overrides item or dimension weights by id (0 allowed: "remove this one").
    """

    normalisation: str = "goalposts"
    aggregation: str = "arithmetic"
    weights: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A private plain-dict copy: picklable (Streamlit caches Scores) and safe from the caller's edits.
        object.__setattr__(self, "weights", dict(self.weights))
        if self.normalisation not in NORMALISATIONS:
            raise IndicatorError(
                f"unknown normalisation {self.normalisation!r}; choose one of {', '.join(NORMALISATIONS)}",
                code="scoring.unknown_normalisation",
                params={"name": clip(self.normalisation), "choices": ", ".join(NORMALISATIONS)},
            )
        if self.aggregation not in AGGREGATIONS:
            raise IndicatorError(
                f"unknown aggregation {self.aggregation!r}; choose one of {', '.join(AGGREGATIONS)}",
                code="scoring.unknown_aggregation",
                params={"name": clip(self.aggregation), "choices": ", ".join(AGGREGATIONS)},
            )
        for key, value in self.weights.items():
            if not isinstance(value, int | float) or not np.isfinite(value) or value < 0:
                raise IndicatorError(f"weight of {key!r} must be a number >= 0, got {value!r}",
                                     code="scoring.bad_weight", params={"id": clip(key), "weight": clip(value)})


DEFAULT_OPTIONS = ScoreOptions()


@dataclass(frozen=True)
class Scores:
    """Everything one scoring run produces; frames are indexed or keyed by (village, round)."""

    table: pd.DataFrame
    item_values: pd.DataFrame
    item_scores: pd.DataFrame
    item_counts: pd.DataFrame
    coverage: pd.DataFrame
    flags: pd.DataFrame
    options: ScoreOptions = DEFAULT_OPTIONS


# --- weights ----------------------------------------------------------------------------------------


def effective_weights(framework: Framework, options: ScoreOptions = DEFAULT_OPTIONS) -> tuple[np.ndarray, np.ndarray]:
    """Item weights (in framework order) and dimension weights with the options' overrides applied."""
    known = set(framework.item_ids) | set(framework.dimension_ids)
    unknown = sorted(set(options.weights) - known)
    if unknown:
        raise IndicatorError(f"weights given for unknown items or dimensions: {', '.join(unknown)}",
                             code="scoring.unknown_weights", params={"ids": clip(", ".join(unknown))})
    items = np.array([options.weights.get(i.id, i.weight) for i in framework.items], dtype=float)
    dims = np.array([options.weights.get(d.id, d.weight) for d in framework.dimensions], dtype=float)
    return items, dims


def membership(framework: Framework) -> np.ndarray:
    """Items × dimensions 0/1 matrix: which dimension each item belongs to."""
    dims = {d: k for k, d in enumerate(framework.dimension_ids)}
    matrix = np.zeros((len(framework.items), len(dims)))
    matrix[np.arange(len(framework.items)), [dims[i.dimension] for i in framework.items]] = 1.0
    return matrix


# --- the numeric core -------------------------------------------------------------------------------


def _weighted_mean(
    values: np.ndarray, weights: np.ndarray, threshold: float, aggregation: str
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted means of the present values per group, kept where the present weight share >= threshold.

    values: (..., n, m) with NaN for missing; weights: (..., m, g) group-weight matrix.
    Returns (means (..., n, g), coverage (..., n, g)).
    """
    present = ~np.isnan(values)
    covered = present.astype(float) @ weights
    total = weights.sum(axis=-2, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = covered / total
        if aggregation == "geometric":
            # On the [1, 100] scale (a goalpost score of 0 would make the product 0), then back to 0-100.
            logs = np.where(present, np.log1p(np.nan_to_num(values) * 0.99), 0.0)
            means = (np.expm1((logs @ weights) / covered)) / 0.99
        else:
            means = (np.where(present, values, 0.0) @ weights) / covered
    keep = (coverage >= threshold - _EPS) & (covered > 0)
    return np.where(keep, means, np.nan), coverage


def aggregate_batch(
    item_scores: np.ndarray,
    framework: Framework,
    item_weights: np.ndarray,
    dimension_weights: np.ndarray,
    aggregation: str = "arithmetic",
) -> tuple[np.ndarray, np.ndarray]:
    """Dimension scores and index for a batch of weight vectors, with the default method's coverage rules.

    item_scores: villages × items (NaN = missing); item_weights: R × items; dimension_weights: R × dims.
    Returns (R × villages × dims, R × villages).
    """
    member = membership(framework)
    item_w = np.atleast_2d(item_weights)[:, :, None] * member[None, :, :]
    dims, _ = _weighted_mean(item_scores[None, :, :], item_w, framework.min_item_coverage, aggregation)
    dim_w = np.atleast_2d(dimension_weights)[:, :, None]
    index, _ = _weighted_mean(dims, dim_w, framework.min_dimension_coverage, aggregation)
    return dims, index[..., 0]


def rank_desc(values: pd.Series | np.ndarray) -> np.ndarray:
    """Ranks, highest first, ties sharing the lowest rank (1, 2, 2, 4); NaN stays unranked (NaN)."""
    rounded = np.round(np.asarray(values, dtype=float), TIE_DECIMALS)
    return pd.Series(rounded).rank(method="min", ascending=False).to_numpy()


# --- item values and scores -------------------------------------------------------------------------


def _prepare(responses: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """The responses with every item column present as float and a round column."""
    missing_keys = [k for k in ("village",) if k not in responses.columns]
    if missing_keys:
        raise IndicatorError("the responses table has no 'village' column", code="scoring.no_village_column")
    items = list(framework.item_ids)
    frame = responses.reindex(columns=["village", "round", *items])
    frame[items] = frame[items].apply(pd.to_numeric, errors="coerce").astype(float)
    frame["round"] = pd.array(frame["round"], dtype="Int64") if len(frame) else pd.array([], dtype="Int64")
    frame["village"] = frame["village"].astype(object)
    return frame


def item_values(responses: pd.DataFrame, framework: Framework) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Per village and round: item values (likert mean, % yes, number median), answer counts, respondents."""
    frame = _prepare(responses, framework)
    items = list(framework.item_ids)
    frame = frame[frame["village"].notna()]
    # every village and round of the file gets a row, also one without a valid respondent (docs/method.md §2.2)
    present = frame.groupby(list(KEYS), sort=True, dropna=False).size().index
    frame = frame[frame[items].notna().any(axis=1)]
    grouped = frame.groupby(list(KEYS), sort=True, dropna=False)[items]
    values = grouped.mean()
    numbers = [i.id for i in framework.items if i.type == "number"]
    if numbers:
        values[numbers] = grouped.median()[numbers]
    yesno = [i.id for i in framework.items if i.type == "yesno"]
    values[yesno] = values[yesno] * 100.0
    counts = grouped.count().reindex(present, fill_value=0)
    respondents = frame.groupby(list(KEYS), sort=True, dropna=False).size().rename("respondents")
    return values.reindex(present), counts, respondents.reindex(present, fill_value=0)


def normalise(values: pd.DataFrame, framework: Framework, method: str = "goalposts") -> pd.DataFrame:
    """Item scores 0-100 from item values; goalposts is the default, the others compare villages."""
    lower = np.array([i.lower for i in framework.items])
    target = np.array([i.target for i in framework.items])
    v = values[list(framework.item_ids)].to_numpy(dtype=float)
    if method == "goalposts":
        scores = 100.0 * np.clip((v - lower) / (target - lower), 0.0, 1.0)
    else:
        direction = np.where(lower > target, -1.0, 1.0)
        oriented = v * direction
        with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # an item without any data: all-NaN slice
            if method == "minmax":
                lo, hi = np.nanmin(oriented, axis=0), np.nanmax(oriented, axis=0)
                scores = np.where(hi > lo, 100.0 * (oriented - lo) / (hi - lo), 50.0)
            else:
                mean, sd = np.nanmean(oriented, axis=0), np.nanstd(oriented, axis=0, ddof=1)
                z = np.where(sd > 0, (oriented - mean) / sd, 0.0)
                scores = np.clip(Z_MEAN + Z_SD * z, 0.0, 100.0)
        scores = np.where(np.isnan(v), np.nan, scores)
    return pd.DataFrame(scores, index=values.index, columns=list(framework.item_ids))


# --- the whole pipeline -----------------------------------------------------------------------------


def band_counts(table: pd.DataFrame, band_ids: Sequence[str]) -> pd.Series:
    """How many rows (villages) of ``table`` fall in each band, in band order, then ``NO_SCORE`` for the rows
    without a band (no index, or too few respondents).

    >>> band_counts(pd.DataFrame({"band": ["low", None, "high", "low"]}), ["low", "mid", "high"]).to_dict()
    {'low': 2, 'mid': 0, 'high': 1, '__no_score__': 1}
    """
    counts = table["band"].astype(object).where(table["band"].notna(), NO_SCORE).value_counts()
    return counts.reindex([*band_ids, NO_SCORE], fill_value=0).astype(int)


def _bands(index: np.ndarray, framework: Framework) -> pd.Series:
    mins = np.array([b.min for b in framework.bands])
    ids = np.array([b.id for b in framework.bands] + [None], dtype=object)
    pos = np.searchsorted(mins, np.round(index, TIE_DECIMALS), side="right") - 1
    pos = np.where(np.isnan(index) | (pos < 0), len(mins), pos)
    return pd.Series(ids[pos], dtype=object)


def _flags(table: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Why a village has no score: too few respondents, too little item or dimension coverage."""
    enough = framework.enough_respondents(table["respondents"])
    few = table.loc[~enough, ["village", "round"]].assign(
        flag="too_few_respondents",
        detail=table.loc[~enough, "respondents"].astype(str) + f" < {framework.min_respondents}",
    )
    dims = table.loc[enough, ["village", "round", *framework.dimension_ids]].melt(
        id_vars=["village", "round"], var_name="detail", value_name="score"
    )
    low_items = dims[dims["score"].isna()].drop(columns="score").assign(flag="low_item_coverage")
    no_index = table.loc[enough & table["index"].isna(), ["village", "round"]].assign(
        flag="low_dimension_coverage", detail=""
    )
    flags = pd.concat([few, low_items, no_index], ignore_index=True)
    return flags.reindex(columns=["village", "round", "flag", "detail"]).reset_index(drop=True)


def score(responses: pd.DataFrame, framework: Framework, options: ScoreOptions = DEFAULT_OPTIONS) -> Scores:
    """Score every village and round of a responses table (see docs/architecture.md)."""
    values, counts, respondents = item_values(responses, framework)
    enough = framework.enough_respondents(respondents).to_numpy()
    eligible = values[enough]
    item_scores = normalise(eligible, framework, options.normalisation).reindex(values.index)
    item_w, dim_w = effective_weights(framework, options)
    dims, index = aggregate_batch(item_scores.to_numpy(dtype=float), framework, item_w, dim_w, options.aggregation)
    _, item_coverage = _weighted_mean(
        item_scores.to_numpy(dtype=float), item_w[:, None] * membership(framework), 0.0, "arithmetic"
    )
    table = values.index.to_frame(index=False)
    table["round"] = table["round"].astype("Int64")
    table["respondents"] = respondents.to_numpy()
    table["index"] = index[0]
    table[list(framework.dimension_ids)] = dims[0]
    ranked = table.assign(index=np.round(table["index"].to_numpy(dtype=float), TIE_DECIMALS))
    table["rank"] = ranked.groupby("round", dropna=False)["index"].rank(method="min", ascending=False).astype("Int64")
    table["band"] = _bands(index[0], framework)
    coverage = pd.DataFrame(item_coverage, index=values.index, columns=list(framework.dimension_ids))
    dim_present = ~np.isnan(dims[0])
    coverage["index"] = (dim_present * dim_w).sum(axis=1) / dim_w.sum() if dim_w.sum() > 0 else np.nan
    table = table.sort_values(["round", "rank", "village"], na_position="last", kind="stable").reset_index(drop=True)
    return Scores(
        table=table,
        item_values=values,
        item_scores=item_scores,
        item_counts=counts,
        coverage=coverage,
        flags=_flags(table, framework),
        options=options,
    )
