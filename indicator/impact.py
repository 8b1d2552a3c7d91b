"""Measured impact: did the villages of a theme group move more on their theme than the other villages?

For every group of a groups file (``village, area, group, theme``, what ``groups --format csv`` writes) and
every dimension whose theme is the group's theme (docs/method.md §7):

- ``treated``: the group's villages with a score in that dimension in both rounds;
- ``comparison``: the villages with a score in that dimension in both rounds, in the group's Leader area
  (any area when the file's area is ``all``), that are in no group of the file with the same theme
  (villages missing from the file count as comparison);
- ``treated_change`` / ``comparison_change``: the mean of (follow-up score − baseline score) over each set;
  ``difference`` = treated_change − comparison_change (a difference in differences);
- ``ci_low``, ``ci_high``: a 90 % percentile bootstrap interval of the difference, villages resampled with
  replacement within each set independently (2,000 draws, seed 0, the same draws for every row); empty
  when either set has fewer than 2 villages.

``impact`` returns the table; ``reading`` says one row in plain words, with a caution when the interval
crosses zero.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from indicator.errors import IndicatorError
from indicator.framework import Framework, text
from indicator.i18n import fmt_number, t

IMPACT_COLUMNS: tuple[str, ...] = ("area", "group", "theme", "measure", "baseline", "followup", "treated_n",
                                   "comparison_n", "treated_change", "comparison_change", "difference", "ci_low",
                                   "ci_high")
GROUP_COLUMNS: tuple[str, ...] = ("village", "area", "group", "theme")
DRAWS = 2000
SEED = 0
LEVEL = 0.90
ALL_AREA = "all"
UNKNOWN_AREA = "unknown"


class ImpactError(IndicatorError):
    """The impact cannot be computed as asked (an unusable groups file, rounds without scores)."""


# --- the groups file ------------------------------------------------------------------------------------


def read_groups(source: str | Path | bytes) -> pd.DataFrame:
    """A groups file (csv with a header ``village, area, group, theme``; other columns ignored) as a table
    of those four text columns; a whole-number group becomes an int."""
    name = "<bytes>" if isinstance(source, bytes) else str(source)
    try:
        raw = source if isinstance(source, bytes) else Path(source).read_bytes()
    except OSError as exc:
        raise ImpactError(f"cannot read the groups file: {exc.strerror}", code="impact.unreadable",
                          params={"reason": str(exc.strerror)}, file=name) from None
    try:
        frame = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        reason = " ".join(str(exc).split())
        raise ImpactError(f"not a csv groups file: {reason}", code="impact.not_csv", params={"reason": reason},
                          file=name) from None
    return check_groups(frame, name)


def check_groups(frame: pd.DataFrame, source: str = "groups") -> pd.DataFrame:
    """The groups table with its four columns as clean text (group as int when whole); refuses a table
    without them, without rows, or with a village in two groups."""
    frame = frame.rename(columns=lambda c: str(c).strip().lower())
    missing = [c for c in GROUP_COLUMNS if c not in frame.columns]
    if missing:
        raise ImpactError(f"the groups file needs the columns {', '.join(GROUP_COLUMNS)}; missing: {', '.join(missing)}",
                          code="impact.columns", params={"missing": ", ".join(missing)}, file=source)
    out = frame[list(GROUP_COLUMNS)].astype(object).where(frame[list(GROUP_COLUMNS)].notna(), "")
    out = out.map(lambda v: str(v).strip())
    out = out[out["village"] != ""].reset_index(drop=True)
    if out.empty:
        raise ImpactError("the groups file has no villages", code="impact.no_villages", file=source)
    twice = out["village"][out["village"].duplicated()].unique()
    if len(twice):
        raise ImpactError(f"a village is in two groups: {', '.join(twice)}", code="impact.village_twice",
                          params={"villages": ", ".join(twice)}, file=source)
    out["group"] = out["group"].map(lambda g: int(g) if g.isdigit() else g).astype(object)
    return out


# --- rounds and changes ---------------------------------------------------------------------------------


def scored_rounds(scores: pd.DataFrame, framework: Framework) -> list[int]:
    """The rounds in which some village has a score in some dimension, ascending."""
    dims = [d for d in framework.dimension_ids if d in scores]
    if scores.empty or not dims:
        return []
    has = scores[dims].notna().any(axis=1)
    return sorted(int(r) for r in scores.loc[has, "round"].dropna().unique())


def choose_rounds(scores: pd.DataFrame, framework: Framework, baseline: int | None = None,
                  followup: int | None = None) -> tuple[int, int]:
    """(baseline, follow-up): the given rounds, by default the earliest and the latest round with scores."""
    rounds = scored_rounds(scores, framework)
    if not rounds:
        raise ImpactError("there are no scores to compare", code="impact.no_scores")
    chosen = (rounds[0] if baseline is None else int(baseline), rounds[-1] if followup is None else int(followup))
    for which in chosen:
        if which not in rounds:
            listed = ", ".join(map(str, rounds))
            raise ImpactError(f"no scores for round {which} (rounds: {listed})", code="impact.no_round",
                              params={"round": which, "rounds": listed})
    if chosen[1] <= chosen[0]:
        raise ImpactError(f"the follow-up round ({chosen[1]}) must come after the baseline ({chosen[0]})",
                          code="impact.rounds_order", params={"baseline": chosen[0], "followup": chosen[1]})
    return chosen


def changes(scores: pd.DataFrame, measure: str, baseline: int, followup: int) -> pd.Series:
    """Follow-up score − baseline score of ``measure`` per village, for villages scored in both rounds."""
    if measure not in scores:
        return pd.Series(dtype=float, name=measure)
    rows = scores[scores["round"].isin([baseline, followup])]
    wide = rows.pivot_table(index="village", columns="round", values=measure, aggfunc="first", dropna=False)
    if baseline not in wide or followup not in wide:
        return pd.Series(dtype=float, name=measure)
    return (wide[followup] - wide[baseline]).astype(float).dropna().rename(measure)


def bootstrap_interval(treated: np.ndarray, comparison: np.ndarray, *, draws: int = DRAWS, seed: int = SEED,
                       level: float = LEVEL) -> tuple[float, float]:
    """The percentile bootstrap interval of mean(treated) − mean(comparison).

    A new generator ``numpy.random.default_rng(seed)`` draws first the treated resamples (``draws`` rows of
    ``len(treated)`` indices), then the comparison ones; the interval is the ``(1 − level)/2`` and
    ``(1 + level)/2`` percentiles (numpy's linear interpolation) of the ``draws`` differences. NaN for
    either end when a set has fewer than 2 villages.
    """
    if len(treated) < 2 or len(comparison) < 2:
        return float("nan"), float("nan")
    rng = np.random.default_rng(seed)
    t_means = treated[rng.integers(0, len(treated), size=(draws, len(treated)))].mean(axis=1)
    c_means = comparison[rng.integers(0, len(comparison), size=(draws, len(comparison)))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(t_means - c_means, [tail, 100 - tail])
    return float(low), float(high)


# --- the table ------------------------------------------------------------------------------------------


def _village_areas(villages: pd.Series, registry: pd.DataFrame | None) -> pd.Series:
    """Each village's registry Leader area, ``unknown`` when it is not in the registry (as the groups have
    them, ``indicator.grouping.village_areas``, without importing the grouping engine)."""
    if registry is None or registry.empty:
        return pd.Series(UNKNOWN_AREA, index=villages.index, dtype=object)
    from indicator.registry import find

    areas = dict(zip(registry["village"].astype(str), registry["leader_area"].astype(str), strict=False))
    return villages.map(lambda v: areas.get(find(str(v), registry) or "", UNKNOWN_AREA)).astype(object)


def impact(scores: pd.DataFrame, groups: pd.DataFrame, framework: Framework, *, registry: pd.DataFrame | None = None,
           baseline: int | None = None, followup: int | None = None, draws: int = DRAWS,
           seed: int = SEED) -> pd.DataFrame:
    """One row per group of ``groups`` and dimension of the group's theme (``IMPACT_COLUMNS``; see the module).

    ``scores``: ``Scores.table`` of every round; ``groups``: a groups table (``check_groups`` is applied);
    ``registry``: the village registry that gives each comparison village its Leader area (villages not in it
    are in area ``unknown``). Groups keep the file's order, dimensions the framework's; a group whose theme is
    empty or has no dimension gives no row. Full precision; empty (NaN) where a set is empty.
    """
    groups = check_groups(groups)
    themes = {th.id for th in framework.themes}
    unknown = sorted({th for th in groups["theme"] if th and th not in themes})
    if unknown:
        raise ImpactError(f"themes not in the framework: {', '.join(unknown)}", code="impact.unknown_theme",
                          params={"themes": ", ".join(unknown)})
    start, end = choose_rounds(scores, framework, baseline, followup)
    villages = pd.Series(sorted(scores["village"].dropna().astype(str).unique()), dtype=object)
    area_of = dict(zip(villages, _village_areas(villages, registry), strict=True))
    rows = []
    for (area, group), members in groups.groupby(["area", "group"], sort=False):
        theme = members["theme"].iloc[0]
        in_theme = set(groups.loc[groups["theme"] == theme, "village"])
        for dim in (d for d in framework.dimensions if theme and d.theme == theme):
            change = changes(scores, dim.id, start, end)
            treated = change[change.index.isin(set(members["village"]))].to_numpy(float)
            others = change[~change.index.isin(in_theme)]
            if area != ALL_AREA:
                others = others[[area_of.get(v, UNKNOWN_AREA) == area for v in others.index]]
            rows.append(_row(area, group, theme, dim.id, start, end, treated, others.to_numpy(float), draws, seed))
    out = pd.DataFrame(rows, columns=list(IMPACT_COLUMNS))
    return out.astype({"area": object, "group": object, "theme": object, "measure": object, "baseline": "int64",
                       "followup": "int64", "treated_n": "int64", "comparison_n": "int64"} | {
        c: float for c in IMPACT_COLUMNS[8:]})


def _row(area: str, group: object, theme: str, measure: str, start: int, end: int, treated: np.ndarray,
         comparison: np.ndarray, draws: int, seed: int) -> dict:
    t_change = float(treated.mean()) if len(treated) else float("nan")
    c_change = float(comparison.mean()) if len(comparison) else float("nan")
    low, high = bootstrap_interval(treated, comparison, draws=draws, seed=seed)
    return {"area": area, "group": group, "theme": theme, "measure": measure, "baseline": start, "followup": end,
            "treated_n": len(treated), "comparison_n": len(comparison), "treated_change": t_change,
            "comparison_change": c_change, "difference": t_change - c_change, "ci_low": low, "ci_high": high}


# --- in words -------------------------------------------------------------------------------------------


def crosses_zero(row: Mapping[str, object]) -> bool:
    """True when the row's interval includes 0 (the data are consistent with no difference at all)."""
    low, high = row["ci_low"], row["ci_high"]
    return bool(pd.notna(low) and pd.notna(high) and low <= 0 <= high)


def _signed(value: float, lang: str) -> str:
    number = fmt_number(abs(value), lang, 1)
    return f"+{number}" if value > 0 else (f"−{number}" if value < 0 else number)


def reading(row: Mapping[str, object], framework: Framework, lang: str = "fi",
            area_names: Mapping[str, str] | None = None) -> str:
    """One impact row in plain words: how much more (or less) the group's villages moved than the others, the
    90 % interval, and a caution when it crosses zero or cannot be computed."""
    area = str(row["area"])
    group = t("impact.group_name", lang, group=row["group"], area=(area_names or {}).get(area, area)) \
        if area not in (ALL_AREA, "") else t("impact.group_name_all", lang, group=row["group"])
    measure = text(framework.dimension(str(row["measure"])).name, lang)
    years = {"baseline": row["baseline"], "followup": row["followup"]}
    if pd.isna(row["difference"]):
        return t("impact.read.no_comparison", lang, group=group, measure=measure, **years)
    diff = float(row["difference"])
    key = "more" if round(diff, 1) > 0 else ("less" if round(diff, 1) < 0 else "same")
    sentence = t(f"impact.read.{key}", lang, group=group, measure=measure, points=fmt_number(abs(diff), lang, 1),
                 **years)
    sentence += " " + t("impact.read.changes", lang, treated=_signed(float(row["treated_change"]), lang),
                        comparison=_signed(float(row["comparison_change"]), lang), treated_n=row["treated_n"],
                        comparison_n=row["comparison_n"])
    if pd.isna(row["ci_low"]):
        return sentence + " " + t("impact.read.no_interval", lang)
    sentence += " " + t("impact.read.interval", lang, low=fmt_number(float(row["ci_low"]), lang, 1),
                        high=fmt_number(float(row["ci_high"]), lang, 1))
    if crosses_zero(row):
        sentence += " " + t("impact.read.crosses_zero", lang)
    return sentence


def display_table(table: pd.DataFrame, framework: Framework, lang: str = "fi",
                  area_names: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The impact table for people: names instead of ids, translated headers, numbers unrounded (the screen
    and the report round them), the interval as one text column."""
    names = area_names or {}

    def interval(r: pd.Series) -> str:
        if pd.isna(r["ci_low"]):
            return "–"
        return f"{fmt_number(r['ci_low'], lang, 1)} … {fmt_number(r['ci_high'], lang, 1)}"

    out = pd.DataFrame({
        t("impact.col.area", lang): table["area"].map(lambda a: names.get(a, a)),
        t("impact.col.group", lang): table["group"].astype(str),
        t("impact.col.measure", lang): table["measure"].map(lambda m: text(framework.dimension(m).name, lang)),
        t("impact.col.rounds", lang): [f"{b}–{f}" for b, f in zip(table["baseline"], table["followup"], strict=True)],
        t("impact.col.treated_n", lang): table["treated_n"],
        t("impact.col.comparison_n", lang): table["comparison_n"],
        t("impact.col.treated_change", lang): table["treated_change"],
        t("impact.col.comparison_change", lang): table["comparison_change"],
        t("impact.col.difference", lang): table["difference"],
        t("impact.col.interval", lang): [interval(r) for _, r in table.iterrows()],
    })
    return out.reset_index(drop=True)
