"""Progress toward the target year (docs/method.md §3) for every village, Leader area and the province.

``progress(history, framework)`` takes ``Scores.table`` over several rounds and returns one row per
village and measure (``index`` and every dimension id) with the ingredients of the status next to it:
``village, measure, first_round, last_round, first_score, last_score, slope, required, status,
projected, level``.

Methods (thresholds in ``THRESHOLDS``; statuses are the closed set ``Status``; ``contract`` is accepted as
an old name of ``slope``):

``slope`` (default, docs/method.md §3)
    ``slope``: least-squares slope of score on round year (two rounds: difference over years);
    ``required = (100 - first_score) / (target_year - first_year)``. Status: ``achieved`` when the latest
    score is 100 (within 1e-9, even with one round); else ``insufficient_data`` with < 2 scored rounds;
    ``on_track`` slope >= required; ``moderately_improving`` slope >= 0.5 required; ``stagnating``
    slope >= 0; ``decreasing`` slope < 0.
``growth_ratio`` (Eurostat / Open SDG)
    Observed growth ``g_o = (last/first)^(1/(last_year-first_year)) - 1``, required growth
    ``g_r = (100/first)^(1/(target_year-first_year)) - 1`` (a last score of 0 counts as 0.001, so a fall
    to 0 is ``decreasing``); ``ratio = g_o / g_r``: >= 0.95 ``on_track``, >= 0.60 ``moderately_improving``
    (Open SDG: "progress, acceleration needed"), >= 0 ``stagnating`` (limited progress), < 0
    ``decreasing``; achieved and insufficient data as above. The result has an extra ``ratio`` column.
    A series whose first score is 0 is classified with the slope rule, because the growth ratio is
    undefined (Open SDG gives such a series no status); its ``ratio`` is NaN.

When the first scored round is at or after the target year the required rate is undefined: ``required``
(and ``ratio``) are NaN and the status is ``achieved``, ``stagnating`` (slope >= 0) or ``decreasing``.
``projected = clip(last_score + slope * (target_year - last_year), 0, 100)`` (NaN with one round).

Municipalities, Leader areas and the province: with a ``registry`` (``village``, ``municipality``,
``leader_area``) each municipality gets rows (``village`` = its name, ``level`` = ``municipality``), each
area too (``village`` = area id, ``level`` = ``leader_area``), and the province one more (``village`` =
``province``, default ``Kymenlaakso``, ``level`` = ``province``). Their score is the linked mean of their
villages' scores (docs/method.md §3.1, ``linked_means``): in the first round the plain mean of the villages
scored, then in each round the previous round's value plus the mean change of the villages scored in both
rounds, so that a village joining or missing a round does not move the line. ``aggregate_history`` gives
these series (the ones drawn next to each status).

>>> import pandas as pd
>>> from indicator.progress import series_status
>>> series_status(pd.Series([2024, 2026]), pd.Series([40.0, 52.0]), target_year=2030)["status"]
'moderately_improving'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import numpy as np
import pandas as pd

from indicator.errors import IndicatorError, clip
from indicator.framework import Framework

COLUMNS: tuple[str, ...] = (
    "village", "measure", "first_round", "last_round", "first_score", "last_score",
    "slope", "required", "status", "projected", "level",
)
KEYS: list[str] = ["village", "measure"]
TARGET_SCORE = 100.0
ACHIEVED_TOLERANCE = 1e-9
ZERO_SUBSTITUTE = 0.001  # a last score of 0 in growth rates (a first score of 0 uses the slope rule)
PROVINCE = "Kymenlaakso"


class Status(StrEnum):
    """The closed set of progress statuses (strings as in docs/method.md §3)."""

    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    MODERATELY_IMPROVING = "moderately_improving"
    STAGNATING = "stagnating"
    DECREASING = "decreasing"
    INSUFFICIENT_DATA = "insufficient_data"


class Level(StrEnum):
    VILLAGE = "village"
    MUNICIPALITY = "municipality"
    LEADER_AREA = "leader_area"
    PROVINCE = "province"


# Aggregate levels taken from a registry column: (registry column, level).
REGISTRY_LEVELS: tuple[tuple[str, Level], ...] = (
    ("municipality", Level.MUNICIPALITY),
    ("leader_area", Level.LEADER_AREA),
)


# method -> (status, factor): the first status whose "observed >= factor * required" holds; else decreasing.
# A factor of 0 means "observed >= 0" (also when the required rate is infinite).
THRESHOLDS: Mapping[str, tuple[tuple[Status, float], ...]] = {
    "slope": ((Status.ON_TRACK, 1.0), (Status.MODERATELY_IMPROVING, 0.5), (Status.STAGNATING, 0.0)),
    "growth_ratio": ((Status.ON_TRACK, 0.95), (Status.MODERATELY_IMPROVING, 0.60), (Status.STAGNATING, 0.0)),
}
METHODS: tuple[str, ...] = tuple(THRESHOLDS)
DEFAULT_METHOD = "slope"
# Old names still accepted (not offered): ``contract`` named the slope rule after a document users do not have.
METHOD_ALIASES: Mapping[str, str] = {"contract": "slope"}


def method_name(method: str) -> str:
    """The rule's name for ``method`` (an alias becomes its rule); IndicatorError for an unknown one."""
    name = METHOD_ALIASES.get(method, method)
    if name not in THRESHOLDS:
        raise IndicatorError(
            f"unknown progress method {method!r}; choose one of {', '.join(METHODS)}",
            code="progress.unknown_method", params={"method": clip(method), "choices": ", ".join(METHODS)},
        )
    return name


# --- small pure pieces ------------------------------------------------------------------------------


def classify(observed: np.ndarray, required: np.ndarray, method: str = DEFAULT_METHOD) -> np.ndarray:
    """Status by rate: the first threshold with ``observed >= factor * required`` (required may be inf)."""
    observed = np.asarray(observed, dtype=float)
    required = np.asarray(required, dtype=float)
    conditions, choices = [], []
    with np.errstate(invalid="ignore"):
        for status, factor in THRESHOLDS[method_name(method)]:
            bound = factor * required if factor else np.zeros_like(required)
            conditions.append(observed >= bound)
            choices.append(status.value)
    return np.select(conditions, choices, default=Status.DECREASING.value)


def path_score(start_score: Any, start_year: Any, year: Any, target_year: int) -> np.ndarray:
    """The score the target path expects in ``year``: the straight line from ``start_score`` in ``start_year``
    to 100 in ``target_year`` (its slope is ``required_rate``), clipped to 0–100; 100 where the line has
    no length (``start_year`` at or after the target year). Arguments broadcast like numpy arrays.

    >>> path_score(40.0, 2024, [2024, 2026, 2030, 2031], 2030).tolist()
    [40.0, 60.0, 100.0, 100.0]
    """
    start = np.asarray(start_score, dtype=float)
    first = np.asarray(start_year, dtype=float)
    span = target_year - first
    with np.errstate(divide="ignore", invalid="ignore"):
        value = start + (TARGET_SCORE - start) * (np.asarray(year, dtype=float) - first) / span
    return np.clip(np.where(span > 0, value, TARGET_SCORE), 0.0, TARGET_SCORE)


def required_rate(first_score: np.ndarray, first_year: np.ndarray, target_year: int) -> np.ndarray:
    """``(100 - first_score) / (target_year - first_year)``; NaN when the first year is not before it."""
    years = target_year - np.asarray(first_year, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(years > 0, (TARGET_SCORE - np.asarray(first_score, dtype=float)) / years, np.nan)


def growth(first: np.ndarray, last: np.ndarray, years: np.ndarray) -> np.ndarray:
    """Compound annual growth from ``first`` to ``last`` over ``years`` (zeros as 0.001); NaN if years <= 0."""
    first = np.maximum(np.asarray(first, dtype=float), ZERO_SUBSTITUTE)
    last = np.maximum(np.asarray(last, dtype=float), ZERO_SUBSTITUTE)
    years = np.asarray(years, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(years > 0, (last / first) ** (1.0 / years) - 1.0, np.nan)


def projected_score(last_score: np.ndarray, slope: np.ndarray, last_year: np.ndarray, target_year: int) -> np.ndarray:
    """``clip(last_score + slope * (target_year - last_year), 0, 100)``; NaN where the slope is NaN."""
    value = np.asarray(last_score, dtype=float) + np.asarray(slope, dtype=float) * (
        target_year - np.asarray(last_year, dtype=float)
    )
    return np.clip(value, 0.0, TARGET_SCORE)


def series_status(
    years: pd.Series, scores: pd.Series, target_year: int, method: str = DEFAULT_METHOD
) -> dict[str, Any]:
    """Progress of one series (years, scores; NaN scores ignored): the row ``progress`` would give."""
    frame = pd.DataFrame({"village": "x", "measure": "m", "round": years.to_numpy(), "score": scores.to_numpy()})
    return measure_series(frame, target_year, method).iloc[0].to_dict()


# --- the vectorised core ----------------------------------------------------------------------------


def _least_squares(scored: pd.DataFrame) -> pd.Series:
    """Slope of score on round per (village, measure); NaN with fewer than two rounds."""
    group = scored.groupby(KEYS, sort=False)
    dx = scored["round"] - group["round"].transform("mean")
    dy = scored["score"] - group["score"].transform("mean")
    sxy = (dx * dy).groupby([scored["village"], scored["measure"]], sort=False).sum()
    sxx = (dx * dx).groupby([scored["village"], scored["measure"]], sort=False).sum()
    return (sxy / sxx.where(sxx > 0)).rename("slope")


def measure_series(long: pd.DataFrame, target_year: int, method: str = DEFAULT_METHOD) -> pd.DataFrame:
    """Progress rows for a long table (village, measure, round, score); one row per (village, measure)."""
    method = method_name(method)
    every = long[KEYS].drop_duplicates()
    scored = long[long["score"].notna()].astype({"round": float, "score": float}).sort_values("round")
    group = scored.groupby(KEYS, sort=False)
    out = pd.concat(
        [
            group["round"].agg(first_round="first", last_round="last", n="size"),
            group["score"].agg(first_score="first", last_score="last"),
            _least_squares(scored),
        ],
        axis=1,
    ).reset_index()
    out = every.merge(out, on=KEYS, how="left")
    n = out["n"].fillna(0).to_numpy()
    out["required"] = required_rate(out["first_score"], out["first_round"], target_year)
    reach = np.where(np.isnan(out["required"]), np.inf, out["required"])  # target year passed: out of reach
    status = classify(out["slope"], reach, "slope")
    if method == "growth_ratio":  # a first score of 0: the ratio is undefined, the slope rule decides
        ratio, growth_status = _growth_rule(out, target_year)
        from_zero = (out["first_score"] == 0).to_numpy()
        status = np.where(from_zero, status, growth_status)
        out["ratio"] = np.where(np.isnan(out["required"]) | from_zero, np.nan, ratio)
    achieved = np.abs(out["last_score"].to_numpy() - TARGET_SCORE) <= ACHIEVED_TOLERANCE
    status = np.where(n < 2, Status.INSUFFICIENT_DATA.value, status)
    out["status"] = np.where(achieved, Status.ACHIEVED.value, status)
    out["projected"] = projected_score(out["last_score"], out["slope"], out["last_round"], target_year)
    out["first_round"] = out["first_round"].round().astype("Int64")
    out["last_round"] = out["last_round"].round().astype("Int64")
    return out.drop(columns="n")


def _growth_rule(out: pd.DataFrame, target_year: int) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the ratio of observed to required compound growth, and the growth-ratio status (before the
    achieved, insufficient-data and first-score-0 rules)."""
    observed = growth(out["first_score"], out["last_score"], out["last_round"] - out["first_round"])
    needed = growth(out["first_score"], np.full(len(out), TARGET_SCORE), target_year - out["first_round"])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = observed / needed
    status = classify(observed, np.where(np.isnan(out["required"]), np.inf, needed), "growth_ratio")
    return ratio, status


# --- public entry point -----------------------------------------------------------------------------


def _history_long(history: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    missing = [c for c in ("village", "round") if c not in history.columns]
    if missing:
        raise IndicatorError(f"the score history has no {', '.join(repr(c) for c in missing)} column",
                             code="progress.missing_columns", params={"columns": ", ".join(missing)})
    measures = [m for m in ("index", *framework.dimension_ids) if m in history.columns]
    frame = history[["village", "round", *measures]].copy()
    frame[measures] = frame[measures].apply(pd.to_numeric, errors="coerce").astype(float)
    frame["village"] = frame["village"].astype(object)
    frame = frame[frame["round"].notna() & frame["village"].notna()]
    long = frame.melt(id_vars=["village", "round"], value_vars=measures, var_name="measure", value_name="score")
    long["round"] = long["round"].astype(float)
    return long


def linked_means(long: pd.DataFrame) -> pd.DataFrame:
    """The score of each group of villages per measure and round (docs/method.md §3.1): ``long`` has the
    columns group, village, measure, round, score; the result group, measure, round, score, villages.

    A group's first round: the plain mean of its villages' scores. Every later round (in the order of the
    rounds in which the group has a score): the previous value plus the mean change of the villages scored
    in both rounds (``villages`` counts the villages scored in the round). When no village is scored in both,
    the series starts again from that round's plain mean. Clipped to 0–100. With the same villages in every
    round this is the plain mean of each round.

    >>> long = pd.DataFrame({"group": "G", "village": ["A", "B", "A", "C"], "measure": "index",
    ...                      "round": [2024, 2024, 2026, 2026], "score": [40.0, 60.0, 50.0, 90.0]})
    >>> linked_means(long)[["round", "score"]].to_dict("list")  # C joins in 2026: 50 + (50 - 40)
    {'round': [2024, 2026], 'score': [50.0, 60.0]}
    """
    keys = ["group", "measure"]
    scored = long[long["score"].notna() & long["group"].notna()]
    rounds = (
        scored.groupby([*keys, "round"], sort=True)["score"]
        .agg(plain="mean", villages="size")
        .reset_index()
    )
    rounds["previous"] = rounds.groupby(keys, sort=False)["round"].shift()
    now = scored.merge(rounds[[*keys, "round", "previous"]], on=[*keys, "round"])
    before = scored.rename(columns={"round": "previous", "score": "before"})[[*keys, "village", "previous", "before"]]
    pairs = now.merge(before, on=[*keys, "village", "previous"])
    change = (pairs["score"] - pairs["before"]).groupby([pairs[k] for k in (*keys, "round")]).mean()
    out = rounds.merge(change.rename("change").reset_index(), on=[*keys, "round"], how="left")
    anchor = out["change"].isna()  # a series' first round, or no village scored in both rounds
    segment = anchor.astype(int).groupby([out[k] for k in keys], sort=False).cumsum()
    step = out["change"].where(~anchor, out["plain"])
    out["score"] = step.groupby([out["group"], out["measure"], segment], sort=False).cumsum()
    out["score"] = out["score"].clip(0.0, TARGET_SCORE)
    return out[[*keys, "round", "score", "villages"]].reset_index(drop=True)


def _aggregate(long: pd.DataFrame, key: pd.Series | str) -> pd.DataFrame:
    """The linked mean (``linked_means``) of the villages' scores for each value of ``key`` (a municipality,
    an area id or the province name), as a long history: village (the group), measure, round, score."""
    means = linked_means(long.assign(group=key))
    return means.drop(columns="villages").rename(columns={"group": "village"})


def group_key(villages: pd.Series, level: str, registry: pd.DataFrame | None, province: str = PROVINCE) -> pd.Series:
    """Each village's entity at ``level``: itself, its registry municipality or Leader area (NaN if unknown),
    or the province."""
    if level == Level.VILLAGE:
        return villages.astype(object)
    if level == Level.PROVINCE:
        return pd.Series(province, index=villages.index, dtype=object)
    if registry is None:
        raise IndicatorError(f"the {level} level needs a village registry",
                             code="progress.registry_columns", params={"column": level})
    return registry_column(villages, registry, level)


def aggregate_history(
    history: pd.DataFrame,
    measures: Sequence[str],
    *,
    by: str = Level.PROVINCE,
    registry: pd.DataFrame | None = None,
    province: str = PROVINCE,
) -> pd.DataFrame:
    """The history of every entity at level ``by`` as ``progress`` rates it: one row per (entity, round) with
    ``village`` (the entity), ``round`` and one column per measure of ``measures`` found in ``history``.

    ``by`` is ``village`` (the table as it is), ``municipality`` or ``leader_area`` (a registry column) or
    ``province`` (all villages); a group's score is its villages' linked mean (``linked_means``).
    """
    cols = [m for m in measures if m in history]
    frame = history[["village", "round", *cols]].astype({c: float for c in cols})
    frame = frame[frame["round"].notna() & frame["village"].notna()]
    if by == Level.VILLAGE:
        return frame.astype({"round": "int64", "village": object}).reset_index(drop=True)
    long = frame.melt(id_vars=["village", "round"], value_vars=cols, var_name="measure", value_name="score")
    key = group_key(long["village"], by, registry, province)
    means = _aggregate(long[key.notna()], key[key.notna()].astype(str))
    wide = means.pivot_table(index=["village", "round"], columns="measure", values="score", sort=True)
    wide = wide.reindex(columns=cols).reset_index()
    wide.columns.name = None
    return wide.astype({"round": "int64", "village": object})


def registry_column(villages: pd.Series, registry: pd.DataFrame, column: str) -> pd.Series:
    """Each village's ``column`` value from the registry (names matched by ``registry.find``), NaN if unknown."""
    from indicator.registry import VillageIndex

    if not {"village", column} <= set(registry.columns):
        raise IndicatorError(f"the village registry needs 'village' and {column!r} columns",
                             code="progress.registry_columns", params={"column": column})
    values = dict(zip(registry["village"].astype(str), registry[column], strict=False))
    index = VillageIndex(registry)
    names = {name: index.find(str(name)) for name in villages.dropna().unique()}
    return villages.map(lambda v: values.get(names.get(v)))


def progress(
    history: pd.DataFrame,
    framework: Framework,
    *,
    method: str = DEFAULT_METHOD,
    registry: pd.DataFrame | None = None,
    province: str = PROVINCE,
) -> pd.DataFrame:
    """Progress per village and measure, then per Leader area (with a registry) and the province.

    ``history`` is ``Scores.table`` (village, round, index, dimension ids) over any number of rounds.
    """
    method = method_name(method)
    long = _history_long(history, framework)
    parts = [measure_series(long, framework.target_year, method).assign(level=Level.VILLAGE.value)]
    if registry is not None and len(long):
        for column, level in REGISTRY_LEVELS:
            if column not in registry.columns:
                continue
            group = registry_column(long["village"], registry, column)
            known = group.notna()
            if known.any():
                means = _aggregate(long[known], group[known].astype(str))
                parts.append(measure_series(means, framework.target_year, method).assign(level=level.value))
    if len(long):
        whole = _aggregate(long, province)
        parts.append(measure_series(whole, framework.target_year, method).assign(level=Level.PROVINCE.value))
    out = pd.concat(parts, ignore_index=True)
    order = {m: n for n, m in enumerate(("index", *framework.dimension_ids))}
    level_order = {lv.value: n for n, lv in enumerate(Level)}
    out = out.sort_values(
        ["level", "village", "measure"],
        key=lambda s: s.map(level_order) if s.name == "level" else s.map(order) if s.name == "measure" else s,
        kind="stable",
    )
    columns = [*COLUMNS, "ratio"] if method == "growth_ratio" else list(COLUMNS)
    out = out.reindex(columns=columns).reset_index(drop=True)
    out["village"] = out["village"].astype(object)
    out["status"] = out["status"].astype(object)
    return out
