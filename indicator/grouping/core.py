"""``make_groups``: theme groups for one survey round, per Leader area or over the whole province.

Rules (docs/method.md §4) and the choices made here:

- Villages with a missing dimension score are left out (``Grouping.excluded``, reason given).
- Areas come from the registry (name matched as ``indicator.registry.find`` does); a village not in it
  gets area ``unknown``. With ``by="none"`` every village is in area ``all``.
- Dimension scores are standardised within each area to mean 0 and *population* sd 1 (``ddof=0``);
  a constant dimension contributes 0.
- Exhaustive search (the true optimum) when at most ``ENUMERATION_LIMIT`` balanced partitions exist
  (every case up to 18 villages in 3 groups); otherwise balanced k-means with an exact assignment step
  (above 1,000 villages, sparse steps over the 40 nearest centres and the previous one, until an exact
  dense step confirms the labels), ``restarts`` seeded
  k-means++ starts (proportionally fewer above 1,000 villages, at least one), swap refinement up to
  1,000 villages, then the cheapest swaps that mend broken together/apart links.
- Stability: 100 bootstraps regrouped by balanced k-means from the grouping's means (no pins or links);
  per group the mean adjusted Rand index of "in the group or not" against its best-matching new group
  (flagged below 0.6) and the mean best Jaccard overlap; the whole area's mean ARI too.
- Group numbers: a pinned group keeps its pin's number; the others are numbered, in the order of their
  alphabetically first village, with the numbers left.
- Themes: per area, via ``themes.assign_themes``; need uses raw 0-100 scores and the plain mean of the
  theme's dimensions. Stated theme interest is not used (the framework format has no item for it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicator.errors import GroupingError
from indicator.framework import Framework
from indicator.grouping import explain
from indicator.grouping.model import (
    Links,
    group_count,
    group_means,
    make_links,
    partition_count,
    standardise,
    within_ss,
)
from indicator.grouping.partition import ENUMERATION_LIMIT, Partition, exhaustive, kmeans
from indicator.grouping.themes import assign_themes, need_matrix, theme_dimensions

BY_OPTIONS: tuple[str, ...] = ("leader_area", "none")
UNKNOWN_AREA = "unknown"
ALL_AREA = "all"
ASSIGNMENT_COLUMNS: tuple[str, ...] = ("village", "area", "group", "theme")


@dataclass(frozen=True)
class Grouping:
    """Theme groups and everything that explains them; ``assignments`` is the documented table (village, area, group, theme)."""

    assignments: pd.DataFrame  # village, area, group, theme, + margin and swap columns
    excluded: pd.DataFrame  # village, area, reason
    cost: pd.DataFrame  # area, villages, groups, method, optimal, cost
    alternative: pd.DataFrame  # area, cost, alternative_cost, extra_cost, extra_pct, moved
    alternative_assignments: pd.DataFrame  # village, area, group
    profiles: pd.DataFrame  # area, group, dimension, group_mean, area_mean, z, level, rank, top
    need: pd.DataFrame  # area, group, theme, need, assigned
    stability: pd.DataFrame  # area, group, ari, jaccard, area_ari, flag (ari < 0.6)
    summary: pd.DataFrame  # area, group, theme, size, need, exemplar, villages, ari


@dataclass(frozen=True)
class _Area:
    name: str
    villages: list[str]
    raw: np.ndarray


def _check_options(size: int, by: str, restarts: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size < 1:
        raise GroupingError(f"group size must be a whole number of at least 1, got {size!r}")
    if by not in BY_OPTIONS:
        raise GroupingError(f"'by' must be one of {', '.join(BY_OPTIONS)}, got {by!r}")
    if restarts < 1:
        raise GroupingError(f"restarts must be at least 1, got {restarts!r}")


def _check_scores(scores: pd.DataFrame, dims: list[str]) -> None:
    missing = [c for c in ("village", *dims) if c not in scores.columns]
    if missing:
        raise GroupingError(f"the scores have no column(s) {', '.join(missing)}")
    if "round" in scores.columns and scores["round"].dropna().nunique() > 1:
        rounds = ", ".join(str(r) for r in sorted(scores["round"].dropna().unique()))
        raise GroupingError(f"the scores hold several rounds ({rounds}); group one round at a time")
    dupes = scores["village"].astype(str)[scores["village"].astype(str).duplicated()]
    if len(dupes):
        raise GroupingError(f"village {dupes.iloc[0]} appears more than once in the scores")


def _default_registry() -> pd.DataFrame | None:
    try:
        from indicator.registry import load_villages

        return load_villages()
    except Exception:  # noqa: BLE001 - no registry simply means unknown areas
        return None


def village_areas(villages: pd.Series, registry: pd.DataFrame | None, by: str) -> pd.Series:
    """The area of each village: ``all`` with ``by='none'``, else its registry Leader area or ``unknown``."""
    if by == "none":
        return pd.Series(ALL_AREA, index=villages.index, dtype=object)
    if registry is None or registry.empty:
        return pd.Series(UNKNOWN_AREA, index=villages.index, dtype=object)
    from indicator.registry import VillageIndex

    index = VillageIndex(registry)
    areas = dict(zip(registry["village"].astype(str), registry["leader_area"].astype(str), strict=False))
    return villages.map(lambda v: areas.get(index.find(str(v)) or "", UNKNOWN_AREA)).astype(object)


def _reason(dims: list[str], present: np.ndarray) -> str:
    if not present.any():
        return "no dimension scores (e.g. too few respondents)"
    return "missing dimension scores: " + ", ".join(d for d, ok in zip(dims, present, strict=True) if not ok)


def _split(scores: pd.DataFrame, dims: list[str], areas: pd.Series) -> tuple[list[_Area], pd.DataFrame]:
    """Areas with their complete villages (sorted by name), and the villages left out with a reason."""
    values = scores[dims].apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    complete = np.isfinite(values).all(axis=1)
    names = scores["village"].astype(str).to_numpy()
    excluded = pd.DataFrame(
        {
            "village": names[~complete],
            "area": areas.to_numpy()[~complete],
            "reason": [_reason(dims, row) for row in np.isfinite(values[~complete])],
        }
    )
    out = []
    for area in sorted(set(areas.to_numpy()[complete])):
        mask = complete & (areas.to_numpy() == area)
        order = np.argsort(names[mask], kind="stable")
        out.append(_Area(area, list(names[mask][order]), values[mask][order]))
    return out, excluded


def _area_constraints(area: _Area, k: int, pins, together, apart) -> Links:
    here = set(area.villages)
    return make_links(
        area.villages,
        k,
        {v: g for v, g in pins.items() if v in here},
        [p for p in together if p[0] in here],
        [p for p in apart if p[0] in here and p[1] in here],
        area.name,
    )


def _check_names(located: dict[str, str], excluded: pd.DataFrame, pins, together, apart) -> None:
    """Every pinned or linked village must be among those being grouped; together-pairs in one area."""
    left_out = set(excluded["village"])
    for name in [*pins, *(v for pair in [*together, *apart] for v in pair)]:
        if name in left_out:
            raise GroupingError(f"{name} is pinned or linked but left out (missing dimension scores)")
        if name not in located:
            raise GroupingError(f"{name} is pinned or linked but not among the villages being grouped")
    for a, b in together:
        if located[a] != located[b]:
            raise GroupingError(f"{a} and {b} must be together but are in different areas")
    for name, group in pins.items():
        if isinstance(group, bool) or not isinstance(group, int | np.integer):
            raise GroupingError(f"{name} is pinned to {group!r}; a group number is a whole number")


def number_groups(labels: np.ndarray, k: int, villages: list[str], pins: np.ndarray) -> np.ndarray:
    """0-based group numbers: pinned groups keep their pin, the rest in order of their first village name."""
    mapping = np.full(k, -1)
    for i in np.flatnonzero(pins >= 0):
        mapping[labels[i]] = pins[i]
    free_numbers = iter(sorted(set(range(k)) - set(mapping[mapping >= 0].tolist())))
    first = {}
    for i in np.argsort(np.array(villages, dtype=object), kind="stable"):
        first.setdefault(int(labels[i]), i)
    for label in sorted(first, key=lambda lab: first[lab]):
        if mapping[label] < 0:
            mapping[label] = next(free_numbers)
    return mapping[labels]


def _search(x: np.ndarray, k: int, links: Links, seed: int, restarts: int) -> tuple[Partition, str]:
    if partition_count(len(x), k) <= ENUMERATION_LIMIT:
        return exhaustive(x, k, links), "exhaustive"
    return kmeans(x, k, links, seed=seed, restarts=restarts), "kmeans"


def _group_area(area: _Area, k: int, links: Links, opts: dict) -> dict[str, list[dict]]:
    """Group one area and explain it; returns lists of table rows keyed by table name."""
    x = standardise(area.raw)
    found, method = _search(x, k, links, opts["seed"], opts["restarts"])
    labels = number_groups(found.labels, k, area.villages, links.pins)
    margins = explain.margin_rows(x, labels, k, links)
    runner = None if found.runner_up is None else number_groups(found.runner_up, k, area.villages, links.pins)
    alt_labels, alt_cost = explain.alternative(x, labels, k, runner, margins)
    cost = within_ss(x, labels, k)
    themes = theme_dimensions(opts["framework"])
    dims = opts["dims"]
    group_raw = group_means(area.raw, labels, k)
    need = need_matrix(group_raw, dims, themes) if themes else np.zeros((k, 0))
    theme_ids = list(themes)
    chosen = assign_themes(need)
    area_ari, jaccard, ari = explain.bootstrap(x, labels, k, seed=opts["seed"], runs=opts["bootstraps"])
    return {
        "assignments": _assignment_rows(area, labels, chosen, theme_ids, margins),
        "alternative_assignments": [
            {"village": v, "area": area.name, "group": int(g) + 1}
            for v, g in zip(area.villages, labels if alt_labels is None else alt_labels, strict=True)
        ],
        "cost": [
            {
                "area": area.name,
                "villages": len(area.villages),
                "groups": k,
                "method": method,
                "optimal": found.exact,
                "cost": cost,
            }
        ],
        "alternative": [_alternative_row(area, labels, alt_labels, cost, alt_cost)],
        "profiles": [{"area": area.name, **row} for row in explain.profile_rows(area.raw, labels, k, dims)],
        "need": [
            {"area": area.name, "group": g + 1, "theme": t, "need": float(need[g, j]), "assigned": chosen[g] == j}
            for g in range(k)
            for j, t in enumerate(theme_ids)
        ],
        "stability": [
            {
                "area": area.name,
                "group": g + 1,
                "ari": float(ari[g]),
                "jaccard": float(jaccard[g]),
                "area_ari": area_ari,
                "flag": bool(opts["bootstraps"] > 0 and ari[g] < explain.STABLE),
            }
            for g in range(k)
        ],
        "summary": _summary_rows(area, x, labels, k, chosen, theme_ids, need, ari),
    }


def _assignment_rows(area, labels, chosen, theme_ids, margins) -> list[dict]:
    rows = []
    for i, village in enumerate(area.villages):
        partner = int(margins["swap_with"][i])
        rows.append(
            {
                "village": village,
                "area": area.name,
                "group": int(labels[i]) + 1,
                "theme": theme_ids[chosen[labels[i]]] if theme_ids else "",
                "distance": float(margins["distance"][i]),
                "next_group": int(margins["next_group"][i]) + 1 if margins["next_group"][i] >= 0 else None,
                "margin": float(margins["margin"][i]),
                "swap_with": area.villages[partner] if partner >= 0 else None,
                "swap_cost": float(margins["swap_cost"][i]),
            }
        )
    return rows


def _alternative_row(area, labels, alt_labels, cost, alt_cost) -> dict:
    moved = [] if alt_labels is None else [v for v, a, b in zip(area.villages, labels, alt_labels, strict=True) if a != b]
    extra = alt_cost - cost
    return {
        "area": area.name,
        "cost": cost,
        "alternative_cost": alt_cost,
        "extra_cost": extra,
        "extra_pct": 100.0 * extra / cost if cost > 0 else float("nan"),
        "moved": ", ".join(moved),
    }


def _summary_rows(area, x, labels, k, chosen, theme_ids, need, ari) -> list[dict]:
    """One row per group: theme, size, need served, villages and the exemplar (closest to the mean)."""
    means = group_means(x, labels, k)
    rows = []
    for g in range(k):
        members = np.flatnonzero(labels == g)
        closest = members[np.argmin(((x[members] - means[g]) ** 2).sum(axis=1))]
        rows.append(
            {
                "area": area.name,
                "group": g + 1,
                "theme": theme_ids[chosen[g]] if theme_ids else "",
                "size": len(members),
                "need": float(need[g, chosen[g]]) if theme_ids else float("nan"),
                "exemplar": area.villages[closest],
                "villages": ", ".join(area.villages[i] for i in members),
                "ari": float(ari[g]),
            }
        )
    return rows


def make_groups(
    scores: pd.DataFrame,
    framework: Framework,
    *,
    registry: pd.DataFrame | None = None,
    size: int = 5,
    by: str = "leader_area",
    pins: Mapping[str, int] | None = None,
    together: Sequence[tuple[str, str]] = (),
    apart: Sequence[tuple[str, str]] = (),
    seed: int = 0,
    restarts: int = 10,
    bootstraps: int = 100,
) -> Grouping:
    """Theme groups of about ``size`` villages for one round of scores (docs/method.md §4).

    ``scores`` is a ``Scores.table`` for one round; ``registry`` a ``load_villages()`` table (None loads
    the shipped one). ``pins`` map villages to group numbers 1..k in their area; ``together``/``apart``
    are village pairs. ``bootstraps=0`` skips the stability check. Raises GroupingError when the request
    cannot be met. Same input, same output.
    """
    pins = dict(pins or {})
    _check_options(size, by, restarts)
    dims = list(framework.dimension_ids)
    _check_scores(scores, dims)
    scores = scores.reset_index(drop=True)
    if by == "leader_area" and registry is None:
        registry = _default_registry()
    areas, excluded = _split(scores, dims, village_areas(scores["village"].astype(str), registry, by))
    located = {v: a.name for a in areas for v in a.villages}
    _check_names(located, excluded, pins, together, apart)
    opts = {"seed": seed, "restarts": restarts, "bootstraps": bootstraps, "framework": framework, "dims": dims}
    tables: dict[str, list[dict]] = {}
    for area in areas:
        k = group_count(len(area.villages), size)
        links = _area_constraints(area, k, pins, together, apart)
        for name, rows in _group_area(area, k, links, opts).items():
            tables.setdefault(name, []).extend(rows)
    return _assemble(tables, excluded)


_COLUMNS: dict[str, tuple[str, ...]] = {
    "assignments": (*ASSIGNMENT_COLUMNS, "distance", "next_group", "margin", "swap_with", "swap_cost"),
    "alternative_assignments": ("village", "area", "group"),
    "cost": ("area", "villages", "groups", "method", "optimal", "cost"),
    "alternative": ("area", "cost", "alternative_cost", "extra_cost", "extra_pct", "moved"),
    "profiles": ("area", "group", "dimension", "group_mean", "area_mean", "z", "level", "rank", "top"),
    "need": ("area", "group", "theme", "need", "assigned"),
    "stability": ("area", "group", "ari", "jaccard", "area_ari", "flag"),
    "summary": ("area", "group", "theme", "size", "need", "exemplar", "villages", "ari"),
}


def _assemble(tables: dict[str, list[dict]], excluded: pd.DataFrame) -> Grouping:
    frames = {name: pd.DataFrame(tables.get(name, []), columns=list(cols)) for name, cols in _COLUMNS.items()}
    assignments = frames["assignments"]
    assignments["group"] = assignments["group"].astype("int64")
    assignments["next_group"] = assignments["next_group"].astype("Int64")
    order = ["area", "group", "village"]
    frames["assignments"] = assignments.sort_values(order, kind="stable").reset_index(drop=True)
    return Grouping(excluded=excluded.reset_index(drop=True), **frames)
