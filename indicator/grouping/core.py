"""``make_groups``: theme groups for one survey round, per Leader area or over the whole province.

Rules (docs/method.md §4) and the choices made here:

- The villages grouped are those of ``scores``, or the ``villages`` named (the participants); villages
  with a missing dimension score are left out (``Grouping.excluded``, reason given).
- Areas come from the registry (name matched as ``indicator.registry.find`` does); a village not in it
  gets area ``unknown``. With ``by="none"`` every village is in area ``all``.
- Number of groups per area: ``n_groups`` when given (one number, or a number per area), else
  ``max(1, round(n / size))``; sizes differ
  by at most one.
- Dimension scores are standardised within each area to mean 0 and *population* sd 1 (``ddof=0``);
  a constant dimension contributes 0.
- Search: the proven optimum (``exact``: column generation and an exact search, see
  ``indicator.grouping.exact``) whenever the pool of candidate groups is small enough (e.g. up to 29
  villages in groups of 5 or 6, 37 in groups of 5); otherwise, or if its search budget runs out,
  balanced k-means with an exact assignment step (above 1,000 villages, sparse steps over the 40 nearest
  centres and the previous one, until an exact dense step confirms the labels), ``restarts`` seeded
  k-means++ starts (proportionally fewer above 1,000 villages, at least one), swap refinement up to
  1,000 villages, then the cheapest swaps that mend broken together/apart links (``heuristic``).
  ``Grouping.cost`` says per area which method answered and whether the answer is proven optimal.
- Reference and pins: the grouping without pins or links is the *reference*, its groups numbered in
  the order of their alphabetically first village. A pin "village = g" (the command line's rule) only
  constrains which villages share a group: the optimum under the pins, numbered so each pinned village is
  in group g and the other groups by their overlap with the reference. With ``pins_as_shown`` (the page)
  g is the reference's group g (``indicator.grouping.pins``: the village's group keeps at least half of
  it). ``Grouping.changes``
  and ``Grouping.pins`` say what the pins and links changed and what they cost.
- Stability: 100 bootstraps regrouped by balanced k-means from the grouping's means (no pins or links);
  per group the mean adjusted Rand index of "in the group or not" against its best-matching new group
  (flagged below 0.6), the mean best Jaccard overlap and how many runs kept the group (best Jaccard
  >= 0.75); the whole area's mean ARI too.
- Themes: per area, via ``themes.assign_themes``; need uses raw 0-100 scores and the plain mean of the
  theme's dimensions. Stated theme interest is not used (the framework format has no item for it).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from indicator.errors import GroupingError, clip
from indicator.framework import Framework
from indicator.grouping.area import Area, Options, Request, group_area
from indicator.grouping.model import group_count
from indicator.registry import optional_villages

BY_OPTIONS: tuple[str, ...] = ("leader_area", "none")
UNKNOWN_AREA = "unknown"
ALL_AREA = "all"
ASSIGNMENT_COLUMNS: tuple[str, ...] = ("village", "area", "group", "theme")


@dataclass(frozen=True)
class Grouping:
    """Theme groups and everything that explains them; ``assignments`` is the documented table (village, area, group, theme)."""

    assignments: pd.DataFrame  # village, area, group, theme, + margin and swap columns, reference_group
    excluded: pd.DataFrame  # village, area, reason
    cost: pd.DataFrame  # area, villages, groups, method ("exact" | "heuristic"), optimal, cost
    alternative: pd.DataFrame  # area, cost, alternative_cost, extra_cost, extra_pct, moved
    alternative_assignments: pd.DataFrame  # village, area, group
    profiles: pd.DataFrame  # area, group, dimension, group_mean, area_mean, difference, share, z, level, rank, top
    need: pd.DataFrame  # area, group, theme, need, assigned
    stability: pd.DataFrame  # area, group, ari, jaccard, area_ari, flag (ari < 0.6), same, runs
    summary: pd.DataFrame  # area, group, theme, size, need, exemplar, villages, ari
    changes: pd.DataFrame  # area, reference_cost, cost, extra_cost, extra_pct, moved, renumbered, reference_optimal
    pins: pd.DataFrame  # area, village, group, reference_group, moved
    scores: pd.DataFrame  # village, area, group, <dimension ids>: the raw scores grouped

    @property
    def optimal(self) -> bool:
        """Whether every area's grouping is the proven optimum (False if any area fell back to k-means)."""
        return bool(self.cost["optimal"].all())


def _is_whole(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, int | np.integer)


def _check_options(size: int, by: str, restarts: int, n_groups: int | Mapping[str, int] | None) -> None:
    if not _is_whole(size) or size < 1:
        raise GroupingError(f"group size must be a whole number of at least 1, got {size!r}",
                            code="grouping.bad_size", params={"size": clip(size)})
    counts = n_groups.values() if isinstance(n_groups, Mapping) else [] if n_groups is None else [n_groups]
    for count in counts:
        if not _is_whole(count) or count < 1:
            raise GroupingError(f"the number of groups must be a whole number of at least 1, got {count!r}",
                                code="grouping.bad_group_count", params={"groups": clip(count)})
    if by not in BY_OPTIONS:
        raise GroupingError(f"'by' must be one of {', '.join(BY_OPTIONS)}, got {by!r}", code="grouping.bad_by",
                            params={"by": clip(by), "choices": ", ".join(BY_OPTIONS)})
    if restarts < 1:
        raise GroupingError(f"restarts must be at least 1, got {restarts!r}", code="grouping.bad_restarts",
                            params={"restarts": clip(restarts)})


def _check_scores(scores: pd.DataFrame, dims: list[str]) -> None:
    missing = [c for c in ("village", *dims) if c not in scores.columns]
    if missing:
        raise GroupingError(f"the scores have no column(s) {', '.join(missing)}", code="grouping.missing_columns",
                            params={"columns": ", ".join(missing)})
    if "round" in scores.columns and scores["round"].dropna().nunique() > 1:
        rounds = ", ".join(str(r) for r in sorted(scores["round"].dropna().unique()))
        raise GroupingError(f"the scores hold several rounds ({rounds}); group one round at a time",
                            code="grouping.several_rounds", params={"rounds": rounds})
    dupes = scores["village"].astype(str)[scores["village"].astype(str).duplicated()]
    if len(dupes):
        raise GroupingError(f"village {dupes.iloc[0]} appears more than once in the scores",
                            code="grouping.duplicate_village", params={"village": clip(dupes.iloc[0])})


def _participants(scores: pd.DataFrame, villages: Collection[str] | None) -> pd.DataFrame:
    """The rows of the villages taking part (all when ``villages`` is None)."""
    if villages is None:
        return scores
    wanted = [str(v) for v in villages]
    names = scores["village"].astype(str)
    unknown = sorted(set(wanted) - set(names))
    if unknown:
        raise GroupingError(f"{unknown[0]} is not among the scored villages, so it cannot take part in the grouping",
                            code="grouping.unknown_village", params={"village": clip(unknown[0])})
    if not wanted:
        raise GroupingError("no villages were chosen to be grouped", code="grouping.no_villages")
    return scores[names.isin(wanted)]


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


def _split(scores: pd.DataFrame, dims: list[str], areas: pd.Series) -> tuple[list[Area], pd.DataFrame]:
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
        out.append(Area(area, list(names[mask][order]), values[mask][order]))
    return out, excluded


def _area_request(area: Area, pins, together, apart) -> Request:
    here = set(area.villages)
    return Request(
        {v: g for v, g in pins.items() if v in here},
        [p for p in together if p[0] in here],
        [p for p in apart if p[0] in here and p[1] in here],
    )


def _check_names(located: dict[str, str], excluded: pd.DataFrame, pins, together, apart) -> None:
    """Every pinned or linked village must be among those being grouped; together-pairs in one area."""
    left_out = set(excluded["village"])
    for name in [*pins, *(v for pair in [*together, *apart] for v in pair)]:
        if name in left_out:
            raise GroupingError(f"{name} is pinned or linked but left out (missing dimension scores)",
                                code="grouping.linked_left_out", params={"village": clip(name)})
        if name not in located:
            raise GroupingError(f"{name} is pinned or linked but not among the villages being grouped",
                                code="grouping.linked_unknown", params={"village": clip(name)})
    for a, b in together:
        if located[a] != located[b]:
            raise GroupingError(f"{a} and {b} must be together but are in different areas",
                                code="grouping.together_areas", params={"a": clip(a), "b": clip(b)})
    for name, group in pins.items():
        if not _is_whole(group):
            raise GroupingError(f"{name} is pinned to {group!r}; a group number is a whole number",
                                code="grouping.bad_pin", params={"village": clip(name), "group": clip(group)})


def _groups_in(area: Area, size: int, n_groups: int | Mapping[str, int] | None) -> int:
    """The number of groups in ``area``: ``n_groups`` (or its entry for the area) if given, at most one
    per village, else the size rule."""
    n = len(area.villages)
    if isinstance(n_groups, Mapping):
        n_groups = n_groups.get(area.name)
    if n_groups is None:
        return group_count(n, size)
    if n_groups > n:
        raise GroupingError(f"area {area.name} has {n} villages, too few for {n_groups} groups",
                            code="grouping.too_many_groups",
                            params={"area": clip(area.name), "villages": n, "groups": n_groups})
    return n_groups


def make_groups(
    scores: pd.DataFrame,
    framework: Framework,
    *,
    registry: pd.DataFrame | None = None,
    size: int = 5,
    n_groups: int | Mapping[str, int] | None = None,
    villages: Collection[str] | None = None,
    by: str = "leader_area",
    pins: Mapping[str, int] | None = None,
    together: Sequence[tuple[str, str]] = (),
    apart: Sequence[tuple[str, str]] = (),
    seed: int = 0,
    restarts: int = 10,
    bootstraps: int = 100,
    exact: bool = True,
    pins_as_shown: bool = False,
) -> Grouping:
    """Theme groups of about ``size`` villages (or ``n_groups`` groups per area) for one round of
    scores (docs/method.md §4).

    ``scores`` is a ``Scores.table`` for one round; ``villages`` limits the grouping to those villages
    (the participants; None: all). ``n_groups`` is the number of groups in every area, or per area (a
    mapping; areas not in it use ``size``). ``registry`` is a ``load_villages()`` table (None loads the
    shipped one). ``pins`` map villages to group numbers 1..k in their area, numbers as in the grouping without
    pins; ``together``/``apart`` are village pairs. ``bootstraps=0`` skips the stability check;
    ``exact=False`` skips the exact search (balanced k-means only, for comparisons).
    ``pins_as_shown=False`` (the command line, docs/method.md §4): a pin only says which villages share a
    group and the result is the optimum under that; the groups are then numbered so that each pinned
    village is in its group. ``pins_as_shown=True`` (the page, where a coordinator moves a village into a
    group she sees): the number means the group as numbered without pins, so the pinned village's group
    keeps at least half of that group. Raises
    GroupingError when the request cannot be met. Same input, same output.
    """
    pins = dict(pins or {})
    _check_options(size, by, restarts, n_groups)
    dims = list(framework.dimension_ids)
    _check_scores(scores, dims)
    scores = _participants(scores, villages).reset_index(drop=True)
    if by == "leader_area" and registry is None:
        registry = optional_villages()
    areas, excluded = _split(scores, dims, village_areas(scores["village"].astype(str), registry, by))
    located = {v: a.name for a in areas for v in a.villages}
    _check_names(located, excluded, pins, together, apart)
    opts = Options(framework, dims, seed, restarts, bootstraps, exact, pins_as_shown)
    tables: dict[str, list[dict]] = {}
    for area in areas:
        k = _groups_in(area, size, n_groups)
        for name, rows in group_area(area, k, _area_request(area, pins, together, apart), opts).items():
            tables.setdefault(name, []).extend(rows)
    return _assemble(tables, excluded, dims)


_COLUMNS: dict[str, tuple[str, ...]] = {
    "assignments": (*ASSIGNMENT_COLUMNS, "distance", "next_group", "margin", "swap_with", "swap_cost",
                    "reference_group"),
    "alternative_assignments": ("village", "area", "group"),
    "cost": ("area", "villages", "groups", "method", "optimal", "cost"),
    "alternative": ("area", "cost", "alternative_cost", "extra_cost", "extra_pct", "moved"),
    "profiles": ("area", "group", "dimension", "group_mean", "area_mean", "difference", "share", "z", "level",
                 "rank", "top"),
    "need": ("area", "group", "theme", "need", "assigned"),
    "stability": ("area", "group", "ari", "jaccard", "area_ari", "flag", "same", "runs"),
    "summary": ("area", "group", "theme", "size", "need", "exemplar", "villages", "ari"),
    "changes": ("area", "reference_cost", "cost", "extra_cost", "extra_pct", "moved", "renumbered",
                "reference_optimal"),
    "pins": ("area", "village", "group", "reference_group", "moved"),
}


def _assemble(tables: dict[str, list[dict]], excluded: pd.DataFrame, dims: list[str]) -> Grouping:
    columns = {**_COLUMNS, "scores": ("village", "area", "group", *dims)}
    frames = {name: pd.DataFrame(tables.get(name, []), columns=list(cols)) for name, cols in columns.items()}
    assignments = frames["assignments"]
    assignments["group"] = assignments["group"].astype("int64")
    assignments["reference_group"] = assignments["reference_group"].astype("int64")
    assignments["next_group"] = assignments["next_group"].astype("Int64")
    order = ["area", "group", "village"]
    frames["assignments"] = assignments.sort_values(order, kind="stable").reset_index(drop=True)
    frames["scores"] = frames["scores"].sort_values(order, kind="stable").reset_index(drop=True)
    return Grouping(excluded=excluded.reset_index(drop=True), **frames)
