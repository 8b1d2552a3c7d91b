"""One area's theme groups: the search, the reference grouping, pins, and the rows that explain them.

``core.make_groups`` splits the villages into areas and calls ``group_area`` for each; this module turns
one area's scores into table rows (docs/method.md §4).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from indicator.errors import GroupingError
from indicator.framework import Framework
from indicator.grouping import exact, explain
from indicator.grouping.exact import Quota
from indicator.grouping.model import Links, group_means, make_links, standardise, within_ss
from indicator.grouping.partition import Partition, kmeans
from indicator.grouping.pins import anchors, number_groups, quotas
from indicator.grouping.themes import assign_themes, need_matrix, theme_dimensions

EXACT, HEURISTIC = "exact", "heuristic"


@dataclass(frozen=True)
class Area:
    """One area's complete villages (sorted by name) and their raw dimension scores."""

    name: str
    villages: list[str]
    raw: np.ndarray


@dataclass(frozen=True)
class Options:
    """Settings shared by every area of one ``make_groups`` call."""

    framework: Framework
    dims: list[str]
    seed: int
    restarts: int
    bootstraps: int
    exact: bool
    pins_as_shown: bool = False  # a pin's number means the group as numbered without pins (the page)


@dataclass(frozen=True)
class Request:
    """The user's pins (village -> group 1..k) and together/apart pairs for one area."""

    pins: Mapping[str, int]
    together: Sequence[tuple[str, str]]
    apart: Sequence[tuple[str, str]]

    @property
    def empty(self) -> bool:
        return not self.pins and not self.together and not self.apart

    def links(self, area: Area, k: int, extra: Mapping[str, int] | None = None) -> Links:
        return make_links(area.villages, k, {**self.pins, **(extra or {})}, self.together, self.apart, area.name)


def _exact_applies(n: int, k: int, opts: Options) -> bool:
    return opts.exact and exact.feasible(n, k)


def find(x: np.ndarray, k: int, links: Links, opts: Options, quotas: tuple[Quota, ...] = ()) -> tuple[Partition, str]:
    """The proven optimum when the exact method applies (``exact.feasible``), else the best of balanced
    k-means (which does not know ``quotas``); the method says which (``exact`` only when proven)."""
    use_exact = _exact_applies(len(x), k, opts)
    try:
        heuristic = kmeans(x, k, links, seed=opts.seed, restarts=opts.restarts)
    except GroupingError:
        if not use_exact:
            raise
        heuristic = None  # the links could not be mended by swaps; the exact search decides
    if not use_exact:
        return heuristic, HEURISTIC
    found = exact.solve(x, k, links, heuristic, quotas=quotas)
    return found, EXACT if found.exact else HEURISTIC


def _find_pinned(x: np.ndarray, k: int, area: Area, request: Request, reference: np.ndarray,
                 opts: Options) -> tuple[Partition, str, Links]:
    """The grouping that keeps the request with pin numbers as in the reference: quotas for the exact
    search, anchors for k-means; without them when they make the request impossible."""
    links = request.links(area, k)  # checks the user's own request first
    if not opts.pins_as_shown:  # documented rule: pins only say which villages share a group
        found, method = find(x, k, links, opts)
        return found, method, links
    try:
        if _exact_applies(len(x), k, opts):
            found, method = find(x, k, links, opts, quotas(reference, area.villages, request.pins, links))
            return found, method, links
        extra = anchors(x, reference, area.villages, k, request.pins, request.together, request.apart, area.name)
        anchored = request.links(area, k, extra)
        found, method = find(x, k, anchored, opts)
        return found, method, anchored
    except GroupingError:
        if not request.pins:
            raise
    found, method = find(x, k, links, opts)  # the numbers' meaning and the request cannot both be kept
    return found, method, links


def group_area(area: Area, k: int, request: Request, opts: Options) -> dict[str, list[dict]]:
    """Group one area and explain it; returns lists of table rows keyed by table name."""
    x = standardise(area.raw)
    free = Request({}, (), ()).links(area, k)
    reference_found, reference_method = find(x, k, free, opts)
    reference = number_groups(reference_found.labels, k, area.villages, free.pins)
    if request.empty:
        found, method, links, labels = reference_found, reference_method, free, reference
    else:
        found, method, links = _find_pinned(x, k, area, request, reference, opts)
        labels = number_groups(found.labels, k, area.villages, links.pins, reference)
    runner = None if found.runner_up is None else number_groups(found.runner_up, k, area.villages, links.pins, labels)
    rows = _explain(area, x, k, labels, links, runner, opts)
    cost, reference_cost = within_ss(x, labels, k), within_ss(x, reference, k)
    rows["cost"] = [{"area": area.name, "villages": len(area.villages), "groups": k, "method": method,
                     "optimal": method == EXACT, "cost": cost}]
    matched = _matched(area, labels, reference, k)
    rows["changes"] = [_change_row(area, labels, reference, matched, cost, reference_cost, reference_method)]
    rows["pins"] = _pin_rows(area, labels, reference, matched, request)
    rows["assignments"] = _assignment_rows(area, labels, reference, rows.pop("themes"), rows.pop("margins"))
    return rows


def _explain(area: Area, x: np.ndarray, k: int, labels: np.ndarray, links: Links, runner, opts: Options) -> dict:
    margins = explain.margin_rows(x, labels, k, links)
    alt_labels, alt_cost = explain.alternative(x, labels, k, runner, margins)
    cost = within_ss(x, labels, k)
    themes = theme_dimensions(opts.framework)
    group_raw = group_means(area.raw, labels, k)
    need = need_matrix(group_raw, opts.dims, themes) if themes else np.zeros((k, 0))
    theme_ids = list(themes)
    chosen = assign_themes(need)
    group_theme = [theme_ids[chosen[g]] if theme_ids else "" for g in range(k)]
    stable = explain.bootstrap(x, labels, k, seed=opts.seed, runs=opts.bootstraps)
    return {
        "themes": group_theme,
        "margins": margins,
        "alternative_assignments": [
            {"village": v, "area": area.name, "group": int(g) + 1}
            for v, g in zip(area.villages, labels if alt_labels is None else alt_labels, strict=True)
        ],
        "alternative": [_alternative_row(area, labels, alt_labels, cost, alt_cost)],
        "profiles": [{"area": area.name, **row} for row in explain.profile_rows(area.raw, labels, k, opts.dims)],
        "need": [
            {"area": area.name, "group": g + 1, "theme": t, "need": float(need[g, j]), "assigned": chosen[g] == j}
            for g in range(k)
            for j, t in enumerate(theme_ids)
        ],
        "stability": [
            {
                "area": area.name,
                "group": g + 1,
                "ari": float(stable.ari[g]),
                "jaccard": float(stable.jaccard[g]),
                "area_ari": stable.area_ari,
                "flag": bool(opts.bootstraps > 0 and stable.ari[g] < explain.STABLE),
                "same": int(stable.same[g]),
                "runs": int(stable.runs[g]),
            }
            for g in range(k)
        ],
        "summary": _summary_rows(area, x, labels, k, group_theme, need, chosen, stable.ari),
        "scores": [
            {"village": v, "area": area.name, "group": int(labels[i]) + 1,
             **{d: float(area.raw[i, j]) for j, d in enumerate(opts.dims)}}
            for i, v in enumerate(area.villages)
        ],
    }


def _assignment_rows(area: Area, labels, reference, group_theme, margins) -> list[dict]:
    rows = []
    for i, village in enumerate(area.villages):
        partner = int(margins["swap_with"][i])
        rows.append(
            {
                "village": village,
                "area": area.name,
                "group": int(labels[i]) + 1,
                "theme": group_theme[labels[i]],
                "distance": float(margins["distance"][i]),
                "next_group": int(margins["next_group"][i]) + 1 if margins["next_group"][i] >= 0 else None,
                "margin": float(margins["margin"][i]),
                "swap_with": area.villages[partner] if partner >= 0 else None,
                "swap_cost": float(margins["swap_cost"][i]),
                "reference_group": int(reference[i]) + 1,
            }
        )
    return rows


def _alternative_row(area: Area, labels, alt_labels, cost, alt_cost) -> dict:
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


def _matched(area: Area, labels: np.ndarray, reference: np.ndarray, k: int) -> np.ndarray:
    """The groups numbered by overlap with the reference alone (no pins): where a village's number differs
    from its reference number, its membership changed; renaming groups moves nobody."""
    return number_groups(labels, k, area.villages, np.full(len(labels), -1), reference)


def _change_row(area: Area, labels, reference, matched, cost, reference_cost, reference_method) -> dict:
    """What the pins and links changed against the reference grouping (no pins or links): the cost,
    the villages that changed group, and whether the groups' numbers differ from the overlap numbering."""
    extra = cost - reference_cost
    moved = [v for v, a, b in zip(area.villages, matched, reference, strict=True) if a != b]
    pct = 100.0 * extra / reference_cost if reference_cost > 0 else (0.0 if extra <= 0 else float("nan"))
    return {
        "area": area.name,
        "reference_cost": reference_cost,
        "cost": cost,
        "extra_cost": extra,
        "extra_pct": pct,
        "moved": ", ".join(moved),
        "renumbered": bool((matched != labels).any()),
        "reference_optimal": reference_method == EXACT,
    }


def _pin_rows(area: Area, labels, reference, matched, request: Request) -> list[dict]:
    """Per user pin: the group it is in, its group in the reference, and whether its membership changed
    (False: it was already with these villages)."""
    index = {v: i for i, v in enumerate(area.villages)}
    return [
        {
            "area": area.name,
            "village": village,
            "group": int(labels[index[village]]) + 1,
            "reference_group": int(reference[index[village]]) + 1,
            "moved": bool(matched[index[village]] != reference[index[village]]),
        }
        for village in sorted(request.pins)
    ]


def _summary_rows(area: Area, x, labels, k, group_theme, need, chosen, ari) -> list[dict]:
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
                "theme": group_theme[g],
                "size": len(members),
                "need": float(need[g, chosen[g]]) if need.shape[1] else float("nan"),
                "exemplar": area.villages[closest],
                "villages": ", ".join(area.villages[i] for i in members),
                "ari": float(ari[g]),
            }
        )
    return rows
