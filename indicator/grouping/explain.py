"""Why a village is in its group: group profiles, village margins and swaps, the runner-up grouping and
bootstrap stability (docs/method.md §4). All numbers; the page turns them into sentences.

``stories`` gathers them per group as plain data in the coordinator's terms: what the villages share (in
points), why the theme (the need served and the theme's lowest dimension) and how sure the grouping is
(kept in 9 of 10 bootstrap regroupings), with the statistics alongside.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from indicator.grouping.model import Links, group_means, within_ss
from indicator.grouping.partition import lloyd, swap_matrix
from indicator.grouping.themes import theme_dimensions

if TYPE_CHECKING:
    from indicator.framework import Framework
    from indicator.grouping.core import Grouping

SWAP_CHUNK = 500
SAME_JACCARD = 0.75  # a bootstrap run keeps a group when its best-matching new group overlaps this much
STABLE = 0.6  # a group's bootstrap ARI below this: its membership is doubtful (cf. Hennig 2007)


CLEAR, NOTABLE = 1.0, 0.3  # area standard deviations


def level(z: float) -> str:
    """A group's distance from its area mean in words (a catalog key): ``well_above`` (z >= 1),
    ``above`` (z >= 0.3), ``at``, ``below`` (z <= -0.3), ``well_below`` (z <= -1)."""
    if abs(z) < NOTABLE:
        return "at"
    side = "above" if z > 0 else "below"
    return f"well_{side}" if abs(z) >= CLEAR else side


def profile_rows(raw: np.ndarray, labels: np.ndarray, k: int, dims: list[str], top: int = 3) -> list[dict]:
    """Group mean per dimension against the area mean: ``difference`` in points, ``z`` in area sd units
    (ddof=0; a constant dimension gives 0) with ``level`` in words, and ``share``, how many of the
    group's villages are on the same side of the area mean as the group; the ``top`` dimensions by |z|
    in each group are marked."""
    area_mean = raw.mean(axis=0)
    sd = raw.std(axis=0, ddof=0)
    means = group_means(raw, labels, k)
    z = np.divide(means - area_mean, sd, out=np.zeros_like(means), where=sd > 1e-12)
    side = np.sign(raw - area_mean)  # each village above (+1), at (0) or below (-1) the area mean
    rows = []
    for g in range(k):
        order = np.argsort(-np.abs(z[g]), kind="stable")
        rank = np.empty(len(dims), dtype=int)
        rank[order] = np.arange(1, len(dims) + 1)
        group_side = np.sign(means[g] - area_mean)
        share = ((side[labels == g] == group_side) & (group_side != 0)).sum(axis=0)
        for d, dim in enumerate(dims):
            rows.append(
                {
                    "group": g + 1,
                    "dimension": dim,
                    "group_mean": float(means[g, d]),
                    "area_mean": float(area_mean[d]),
                    "difference": float(means[g, d] - area_mean[d]),
                    "share": int(share[d]),
                    "z": float(z[g, d]),
                    "level": level(float(z[g, d])),
                    "rank": int(rank[d]),
                    "top": bool(rank[d] <= top),
                }
            )
    return rows


def _fixed(links: Links, n: int) -> np.ndarray:
    fixed = links.pins >= 0
    fixed[links.together.ravel()] = True
    fixed[links.apart.ravel()] = True
    return fixed


def margin_rows(x: np.ndarray, labels: np.ndarray, k: int, links: Links) -> dict[str, np.ndarray]:
    """Per village: squared distance to its own group mean and the nearest other one (the margin is the
    difference), and its cheapest size-preserving swap (partner index, exact objective change).
    Pinned or linked villages are not offered swaps."""
    n = len(x)
    means = group_means(x, labels, k)
    dist = ((x[:, None, :] - means[None, :, :]) ** 2).sum(axis=2)
    own = dist[np.arange(n), labels]
    other = dist.copy()
    other[np.arange(n), labels] = np.inf
    next_group = np.argmin(other, axis=1) if k > 1 else np.full(n, -1)
    next_dist = other[np.arange(n), next_group] if k > 1 else np.full(n, np.nan)
    partner = np.full(n, -1)
    delta = np.full(n, np.nan)
    if k > 1:
        fixed = _fixed(links, n)
        alone = np.bincount(labels, minlength=k)[labels] == 1  # two lone villages swapped: the same grouping
        for start in range(0, n, SWAP_CHUNK):
            rows = np.arange(start, min(n, start + SWAP_CHUNK))
            block = swap_matrix(x, labels, k, rows)
            block[:, fixed] = np.inf
            block[fixed[rows]] = np.inf
            block[np.ix_(alone[rows], alone)] = np.inf
            best = np.argmin(block, axis=1)
            value = block[np.arange(len(rows)), best]
            ok = np.isfinite(value)
            partner[rows[ok]] = best[ok]
            delta[rows[ok]] = value[ok]
    return {
        "distance": own,
        "next_group": next_group,
        "next_distance": next_dist,
        "margin": next_dist - own,
        "swap_with": partner,
        "swap_cost": delta,
    }


def match_labels(reference: np.ndarray, other: np.ndarray, k: int) -> np.ndarray:
    """``other`` relabelled so that its groups line up with ``reference``'s as far as possible."""
    overlap = np.zeros((k, k))
    np.add.at(overlap, (other, reference), 1)
    rows, cols = linear_sum_assignment(-overlap)
    mapping = np.empty(k, dtype=int)
    mapping[rows] = cols
    return mapping[other]


def alternative(
    x: np.ndarray, labels: np.ndarray, k: int, runner_up: np.ndarray | None, margins: dict[str, np.ndarray]
) -> tuple[np.ndarray | None, float]:
    """The next-best grouping: the search's runner-up or the cheapest single swap, whichever costs less."""
    candidates: list[tuple[float, np.ndarray]] = []
    if runner_up is not None:
        candidates.append((within_ss(x, runner_up, k), match_labels(labels, runner_up, k)))
    swaps = margins["swap_cost"]
    if np.isfinite(swaps).any():
        i = int(np.nanargmin(swaps))
        j = int(margins["swap_with"][i])
        swapped = labels.copy()
        swapped[i], swapped[j] = labels[j], labels[i]
        candidates.append((within_ss(x, swapped, k), swapped))
    if not candidates:
        return None, float("nan")
    cost, best = min(candidates, key=lambda item: item[0])
    return best, cost


@dataclass(frozen=True)
class Bootstrap:
    """Bootstrap stability: the area's mean ARI; per group the mean best Jaccard, the mean two-way ARI,
    ``same`` (runs whose best-matching new group has Jaccard >= SAME_JACCARD) out of ``runs`` (runs in
    which at least one of the group's villages was drawn)."""

    area_ari: float
    jaccard: np.ndarray
    ari: np.ndarray
    same: np.ndarray
    runs: np.ndarray


def bootstrap(x: np.ndarray, labels: np.ndarray, k: int, *, seed: int, runs: int) -> Bootstrap:
    """Stability under bootstrap resampling: regroupings of bootstrap samples (balanced k-means started
    from the grouping's means, no pins or links) against the grouping. Returns the area's mean adjusted
    Rand index, and per group the mean best Jaccard overlap, the mean adjusted Rand index of
    "in this group or not" against "in its best-matching new group or not", and how many runs kept
    the group (best Jaccard >= SAME_JACCARD) out of the runs that drew one of its villages."""
    if k < 2 or runs <= 0:
        counts = np.full(k, max(runs, 0))
        return Bootstrap(1.0, np.ones(k), np.ones(k), counts, counts)
    rng = np.random.default_rng(seed)
    n = len(x)
    centres = group_means(x, labels, k)
    aris, jaccards, group_aris = [], [], []
    free = np.full(n, -1)
    for _ in range(runs):
        idx = rng.integers(0, n, n)
        new = lloyd(x[idx], k, free, centres.copy())
        aris.append(adjusted_rand(labels[idx], new))
        jaccard, group_ari = _per_group(labels, idx, new, k)
        jaccards.append(jaccard)
        group_aris.append(group_ari)
    jaccards_arr = np.array(jaccards)
    seen = ~np.isnan(jaccards_arr)
    same = (np.where(seen, jaccards_arr, 0.0) >= SAME_JACCARD - 1e-12).sum(axis=0)
    return Bootstrap(float(np.mean(aris)), np.nanmean(jaccards_arr, axis=0),
                     np.nanmean(np.array(group_aris), axis=0), same, seen.sum(axis=0))


def adjusted_rand(true: np.ndarray, pred: np.ndarray) -> float:
    """The adjusted Rand index of two labelings of the same items, computed as scikit-learn's
    ``adjusted_rand_score`` does (its pair confusion matrix in whole numbers, 1.0 for full agreement and for
    no items) but without its input checks, which were 80 % of a bootstrap's time (cProfile: 0.19 of 0.25 s for 200
    runs); tests/test_groups.py checks the two agree."""
    n = len(true)
    if n == 0:
        return 1.0
    _, t = np.unique(true, return_inverse=True)
    _, p = np.unique(pred, return_inverse=True)
    width = int(p.max()) + 1
    table = np.bincount(t * width + p, minlength=(int(t.max()) + 1) * width).reshape(-1, width).astype(np.int64)
    squares = int((table**2).sum())
    fp = int((table * table.sum(axis=0)).sum()) - squares  # pairs together in ``pred`` only
    fn = int((table * table.sum(axis=1)[:, None]).sum()) - squares  # pairs together in ``true`` only
    tp, tn = squares - n, n * n - fp - fn - squares
    if fn == 0 and fp == 0:
        return 1.0
    return 2.0 * (tp * tn - fn * fp) / ((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))


def _pairs(count: np.ndarray) -> np.ndarray:
    return count * (count - 1) / 2.0


def _per_group(labels: np.ndarray, idx: np.ndarray, new: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For each original group, over the villages drawn: the best Jaccard overlap with a new group,
    and the adjusted Rand index of the two-way split (in the group or not) against that new group's."""
    drawn, first = np.unique(idx, return_index=True)
    overlap = np.zeros((k, k))
    np.add.at(overlap, (labels[drawn], new[first]), 1)
    sizes, new_sizes, m = overlap.sum(axis=1), overlap.sum(axis=0), float(len(drawn))
    union = sizes[:, None] + new_sizes[None, :] - overlap
    with np.errstate(invalid="ignore", divide="ignore"):
        jac = overlap / union
        match = np.where(np.isnan(jac), -1.0, jac).argmax(axis=1)
        best = jac[np.arange(k), match]
        both = overlap[np.arange(k), match]
        a, b = sizes, new_sizes[match]
        index = _pairs(both) + _pairs(a - both) + _pairs(b - both) + _pairs(m - a - b + both)
        rows, cols = _pairs(a) + _pairs(m - a), _pairs(b) + _pairs(m - b)
        expected = rows * cols / _pairs(np.array(m))
        top = (rows + cols) / 2.0
        ari = np.where(top == expected, 1.0, (index - expected) / (top - expected))
    absent = sizes == 0
    best[absent], ari[absent] = np.nan, np.nan
    return best, ari




# --- the groups in words: plain data for the page -------------------------------------------------------


@dataclass(frozen=True)
class Trait:
    """Something a group's villages share: the group is above or below the area mean (|z| >= 0.3) in a
    dimension and most of its villages (``share`` of ``size``) are on that side. Numbers in points."""

    dimension: str
    direction: str  # "above" | "below"
    level: str  # the words: a ``level`` key (well_above, above, below, well_below)
    group_mean: float
    area_mean: float
    difference: float  # group mean - area mean, in points
    share: int
    size: int


@dataclass(frozen=True)
class ThemeReason:
    """Why the group has its theme: the need it serves (100 - the group's mean over the theme's
    dimensions), the theme's dimension where the group scores lowest, and where the theme ranks among the
    group's needs (1 + the number of themes with a larger need: 1 is its largest, ties included; themes are
    spread evenly, so not every group gets its largest)."""

    theme: str
    need: float
    dimension: str
    score: float
    rank: int
    largest: str  # the theme of the group's largest need


@dataclass(frozen=True)
class Stability:
    """How sure the grouping is: the group stayed (best Jaccard >= SAME_JACCARD) in ``same`` of ``runs``
    bootstrap regroupings; the statistics behind it."""

    same: int
    runs: int
    ari: float
    jaccard: float
    flag: bool


@dataclass(frozen=True)
class GroupStory:
    """One group in the coordinator's words: members, what they share, why this theme, how sure."""

    area: str
    group: int
    villages: tuple[str, ...]
    exemplar: str
    shared: tuple[Trait, ...]
    theme: ThemeReason | None
    stability: Stability
    moved_in: tuple[str, ...]  # villages that pins or links brought here from another reference group


def _traits(profile: pd.DataFrame, size: int, top: int) -> tuple[Trait, ...]:
    clear = profile[(profile["level"] != "at") & (profile["share"] * 2 > size)].sort_values("rank")
    return tuple(
        Trait(r.dimension, "above" if r.difference > 0 else "below", r.level, r.group_mean, r.area_mean,
              r.difference, int(r.share), size)
        for r in clear.head(top).itertuples(index=False)
    )


def _theme_reason(need: pd.DataFrame, profile: pd.DataFrame, themes: dict[str, list[str]]) -> ThemeReason | None:
    chosen = need[need["assigned"]]
    if chosen.empty:
        return None
    theme, served = str(chosen["theme"].iloc[0]), float(chosen["need"].iloc[0])
    larger = need[need["need"] > served + 1e-9]
    largest = str(larger.sort_values("need", ascending=False, kind="stable")["theme"].iloc[0]) if len(larger) else theme
    means = profile.set_index("dimension")["group_mean"]
    lowest = min(themes[theme], key=lambda d: means[d])
    return ThemeReason(theme, served, lowest, float(means[lowest]), len(larger) + 1, largest)


def stories(grouping: Grouping, framework: Framework, *, top: int = 3) -> list[GroupStory]:
    """Every group of ``grouping`` as plain data, areas and groups in order (docs/method.md §4)."""
    themes = theme_dimensions(framework)
    out = []
    for row in grouping.summary.sort_values(["area", "group"], kind="stable").itertuples(index=False):
        key = (grouping.profiles["area"] == row.area) & (grouping.profiles["group"] == row.group)
        members = grouping.assignments[(grouping.assignments["area"] == row.area)
                                       & (grouping.assignments["group"] == row.group)]
        stab = grouping.stability[(grouping.stability["area"] == row.area)
                                  & (grouping.stability["group"] == row.group)].iloc[0]
        need = grouping.need[(grouping.need["area"] == row.area) & (grouping.need["group"] == row.group)]
        out.append(
            GroupStory(
                area=row.area,
                group=int(row.group),
                villages=tuple(members["village"]),
                exemplar=row.exemplar,
                shared=_traits(grouping.profiles[key], int(row.size), top),
                theme=_theme_reason(need, grouping.profiles[key], themes),
                stability=Stability(int(stab["same"]), int(stab["runs"]), float(stab["ari"]),
                                    float(stab["jaccard"]), bool(stab["flag"])),
                moved_in=tuple(members.loc[members["reference_group"] != members["group"], "village"]),
            )
        )
    return out
