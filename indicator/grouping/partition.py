"""Balanced partitions minimising the within-group sum of squares: exhaustive search or balanced k-means.

Both return labels ``0..k-1`` in an arbitrary order; ``core`` numbers the groups. Labels from the
enumeration are blocks in the order of their lowest village index; in k-means they are centre indices,
and a pinned village is kept on centre ``pin``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import min_weight_full_bipartite_matching

from indicator.errors import GroupingError
from indicator.grouping.model import Links, group_means, group_sizes, within_ss

ENUMERATION_LIMIT = 3_000_000  # partitions; 18 villages into 3 x 6 is 2,858,856
CHUNK_ROWS = 250_000
DENSE_LIMIT = 1_000  # villages; above it the steps look at nearest centres until an exact step confirms
NEAREST_CENTRES = 40
MAX_ITER = 60


@dataclass(frozen=True)
class Partition:
    """A partition with its objective; ``runner_up`` is the next-best one found, when any."""

    labels: np.ndarray
    cost: float
    exact: bool
    runner_up: np.ndarray | None = None
    runner_up_cost: float = float("nan")


# --- exhaustive search ------------------------------------------------------------------------------


def _size_sequences(n: int, k: int) -> list[tuple[int, ...]]:
    """Block sizes in block order: every distinct arrangement of the balanced size multiset."""
    small, large, n_large = group_sizes(n, k)
    out = []
    for where in combinations(range(k), n_large):
        seq = [small] * k
        for position in where:
            seq[position] = large
        out.append(tuple(seq))
    return sorted(out, reverse=True)


def _prune(labels: np.ndarray, block: int, together: np.ndarray, apart: np.ndarray) -> np.ndarray:
    """Drop rows whose closed block ``block`` splits a together-pair or holds an apart-pair."""
    keep = np.ones(len(labels), dtype=bool)
    for i, j in together:
        keep &= (labels[:, i] == block) == (labels[:, j] == block)
    for i, j in apart:
        keep &= ~((labels[:, i] == block) & (labels[:, j] == block))
    return labels[keep]


def _expand(labels: np.ndarray, block: int, seq: tuple[int, ...], links: tuple[np.ndarray, np.ndarray]):
    """Depth-first: give block ``block`` its members in every way, in chunks; yield complete label rows."""
    if len(labels) == 0:
        return
    if block == len(seq) - 1:
        done = labels.copy()
        done[done < 0] = block
        yield _prune(done, block, *links)
        return
    m = int((labels[0] < 0).sum())
    pick = list(combinations(range(1, m), seq[block] - 1))
    combos = np.array(pick, dtype=np.intp).reshape(len(pick), seq[block] - 1)
    step = max(1, CHUNK_ROWS // max(1, len(combos)))
    for start in range(0, len(labels), step):
        chunk = labels[start : start + step]
        free = np.nonzero(chunk < 0)[1].reshape(len(chunk), m)
        new = np.repeat(chunk, len(combos), axis=0)
        rows = np.arange(len(new))
        new[rows, np.repeat(free[:, 0], len(combos))] = block
        members = free[:, combos].reshape(len(new), -1)
        new[rows[:, None], members] = block
        yield from _expand(_prune(new, block, *links), block + 1, seq, links)


def _partitions(n: int, k: int, links: Links) -> Iterator[tuple[np.ndarray, tuple[int, ...]]]:
    """Every balanced partition that keeps the links, as chunks of label rows with their block sizes."""
    label_links = links.block_links()
    for seq in _size_sequences(n, k):
        start = np.full((1, n), -1, dtype=np.int8)
        for chunk in _expand(start, 0, seq, label_links):
            yield chunk, seq


def exhaustive(x: np.ndarray, k: int, links: Links) -> Partition:
    """The true optimum by enumerating every balanced partition (pins and links as filters)."""
    n = len(x)
    base = float((x**2).sum())
    best: list[tuple[float, int, np.ndarray]] = []
    order = 0
    for chunk, seq in _partitions(n, k, links):
        gain = np.zeros(len(chunk))
        for block, size in enumerate(seq):
            sums = (chunk == block).astype(float) @ x
            gain += (sums**2).sum(axis=1) / size
        cost = base - gain
        top = np.argsort(cost, kind="stable")[:2]
        best += [(float(cost[t]), order + int(t), chunk[t].astype(np.intp)) for t in top]
        best = sorted(best, key=lambda item: (item[0], item[1]))[:2]
        order += len(chunk)
    if not best:
        raise GroupingError("no grouping keeps all the pins and together/apart links", code="grouping.no_partition")
    labels = best[0][2]
    runner = best[1][2] if len(best) > 1 else None
    return Partition(
        labels,
        within_ss(x, labels, k),
        exact=True,
        runner_up=runner,
        runner_up_cost=within_ss(x, runner, k) if runner is not None else float("nan"),
    )


# --- balanced k-means ---------------------------------------------------------------------------------


def _sq_dist(x: np.ndarray, centres: np.ndarray) -> np.ndarray:
    d = (x**2).sum(axis=1)[:, None] - 2 * x @ centres.T + (centres**2).sum(axis=1)[None, :]
    return np.maximum(d, 0.0)


def _dense_assign(dist: np.ndarray, small: int, large: int, big: float) -> np.ndarray:
    """Exact balanced assignment: ``large`` slot copies per centre, dummies barred from the first
    ``small`` slots so that every centre gets at least ``small`` villages."""
    n, k = dist.shape
    cost = np.repeat(dist, large, axis=1)
    dummies = k * large - n
    if dummies:
        filler = np.zeros((dummies, k * large))
        filler[:, np.tile(np.arange(large) < small, k)] = big
        cost = np.vstack([cost, filler])
    _, cols = linear_sum_assignment(cost)
    return cols[:n] // large


def _sparse_assign(dist: np.ndarray, small: int, large: int, previous: np.ndarray) -> np.ndarray:
    """Balanced assignment over each village's nearest centres and its previous one (sparse Hungarian);
    the previous balanced labels keep the problem feasible."""
    n, k = dist.shape
    near = min(k, NEAREST_CENTRES)
    cand = np.argpartition(dist, near - 1, axis=1)[:, :near] if near < k else np.tile(np.arange(k), (n, 1))
    cand = np.column_stack([cand, previous])
    weight = np.take_along_axis(dist, cand, axis=1) + 1.0
    rows = np.repeat(np.arange(n), cand.shape[1] * large)
    cols = (cand[:, :, None] * large + np.arange(large)).ravel()
    vals = np.repeat(weight, large, axis=1).ravel()
    dummies = k * large - n
    if dummies:
        extra = np.flatnonzero(np.tile(np.arange(large) >= small, k))
        rows = np.concatenate([rows, np.repeat(np.arange(n, n + dummies), len(extra))])
        cols = np.concatenate([cols, np.tile(extra, dummies)])
        vals = np.concatenate([vals, np.ones(dummies * len(extra))])
    keys, first = np.unique(rows.astype(np.int64) * (k * large) + cols, return_index=True)
    graph = csr_matrix((vals[first], (rows[first], cols[first])), shape=(n + dummies, k * large))
    matched_rows, matched_cols = min_weight_full_bipartite_matching(graph)
    labels = np.empty(n, dtype=np.intp)
    real = matched_rows < n
    labels[matched_rows[real]] = matched_cols[real] // large
    return labels


def _start_labels(n: int, k: int, pins: np.ndarray) -> np.ndarray:
    """Any balanced labelling that keeps the pins (the sparse step's first fallback)."""
    small, large, n_large = group_sizes(n, k)
    pinned = np.bincount(pins[pins >= 0], minlength=k)
    full_first = np.argsort(-pinned, kind="stable")
    capacity = np.full(k, small)
    capacity[full_first[:n_large]] = large
    labels = pins.copy()
    space = capacity - pinned
    free = np.flatnonzero(labels < 0)
    labels[free] = np.repeat(np.arange(k), space)[: len(free)]
    return labels


def _kmeans_pp(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """k-means++ seeding: each next centre drawn with probability proportional to squared distance."""
    centres = [x[rng.integers(len(x))]]
    closest = ((x - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = closest.sum()
        pick = rng.choice(len(x), p=closest / total) if total > 0 else rng.integers(len(x))
        centres.append(x[pick])
        closest = np.minimum(closest, ((x - x[pick]) ** 2).sum(axis=1))
    return np.array(centres)


def lloyd(x: np.ndarray, k: int, pins: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Balanced Lloyd iterations from ``centres`` until the labels stop changing.

    Every step is an exact assignment up to ``DENSE_LIMIT`` villages. Above it the steps look at each
    village's nearest centres (sparse), and a converged sparse step is confirmed by one exact dense
    step: the iterations end only at labels that the exact assignment keeps.
    """
    n = len(x)
    small, large, _ = group_sizes(n, k)
    pinned = pins >= 0
    labels = _start_labels(n, k, pins)
    last = np.inf
    exact = n <= DENSE_LIMIT
    for _ in range(MAX_ITER):
        dist = _sq_dist(x, centres)
        big = (float(dist.max()) + 1.0) * (n + 1)
        dist[pinned] = big
        dist[pinned, pins[pinned]] = 0.0
        new = _dense_assign(dist, small, large, big) if exact else _sparse_assign(dist, small, large, labels)
        if not np.array_equal(new, labels):
            new_centres = group_means(x, new, k)
            cost = float(((x - new_centres[new]) ** 2).sum())
        if np.array_equal(new, labels) or not exact and cost >= last - 1e-9 * max(1.0, last):
            if exact:
                break
            exact = True  # the sparse steps have converged: confirm (or improve) with an exact step
            continue
        labels, centres = new, new_centres
        if cost >= last - 1e-9 * max(1.0, cost):
            break  # no real progress (exact steps never increase the cost; ties may cycle)
        last = cost
        exact = n <= DENSE_LIMIT
    return labels


def kmeans(x: np.ndarray, k: int, links: Links, *, seed: int, restarts: int) -> Partition:
    """Balanced k-means with an exact assignment step, best of seeded k-means++ restarts;
    together/apart links broken by it are then repaired by the cheapest swaps."""
    rng = np.random.default_rng(seed)
    found: list[tuple[float, np.ndarray]] = []
    for _ in range(effective_restarts(len(x), restarts)):
        centres = _kmeans_pp(x, k, rng)
        for g in np.unique(links.pins[links.pins >= 0]):
            centres[g] = x[links.pins == g].mean(axis=0)
        labels = repair(x, lloyd(x, k, links.pins, centres), k, links)
        if len(x) <= DENSE_LIMIT:
            labels = improve_by_swaps(x, labels, k, links)
        cost = within_ss(x, labels, k)
        if not any(_same_partition(labels, other) for _, other in found):
            found.append((cost, labels))
    found.sort(key=lambda item: item[0])
    runner = found[1] if len(found) > 1 else (float("nan"), None)
    return Partition(found[0][1], found[0][0], exact=False, runner_up=runner[1], runner_up_cost=runner[0])


def effective_restarts(n: int, restarts: int) -> int:
    """Restarts actually run: all of them up to ``DENSE_LIMIT`` villages, then proportionally fewer
    (at least one) so that a province of thousands of villages stays within a minute.

    >>> effective_restarts(200, 10), effective_restarts(4000, 10)
    (10, 5)
    """
    return max(1, restarts if n <= DENSE_LIMIT else restarts * 2 * DENSE_LIMIT // n)


def _same_partition(a: np.ndarray, b: np.ndarray) -> bool:
    pairs = np.unique(np.column_stack([a, b]), axis=0)
    return len(pairs) == len(np.unique(a)) == len(np.unique(b))


def swap_delta(x: np.ndarray, labels: np.ndarray, k: int, i: int, j: int) -> float:
    """Exact change of the objective when villages i and j (in different groups) change places."""
    a, b = labels[i], labels[j]
    counts = np.bincount(labels, minlength=k)
    sums = np.zeros((k, x.shape[1]))
    np.add.at(sums, labels, x)
    diff = x[j] - x[i]
    before = (sums[a] ** 2).sum() / counts[a] + (sums[b] ** 2).sum() / counts[b]
    after = ((sums[a] + diff) ** 2).sum() / counts[a] + ((sums[b] - diff) ** 2).sum() / counts[b]
    return float(before - after)


def _broken_ends(labels: np.ndarray, links: Links) -> np.ndarray:
    """Villages at either end of a broken link: every swap that mends a link moves one of them."""
    ends = [links.together[labels[links.together[:, 0]] != labels[links.together[:, 1]]]]
    ends.append(links.apart[labels[links.apart[:, 0]] == labels[links.apart[:, 1]]])
    return np.unique(np.concatenate([e.ravel() for e in ends]))


def repair(x: np.ndarray, labels: np.ndarray, k: int, links: Links) -> np.ndarray:
    """Fix broken together/apart links by the swaps that remove most breaks at the least cost."""
    labels = labels.copy()
    broken = links.violations(labels)
    movable = np.flatnonzero(links.pins < 0)
    while broken:
        best: tuple[int, float, int, int] | None = None
        for i in np.intersect1d(_broken_ends(labels, links), movable):
            for j in movable[labels[movable] != labels[i]]:
                trial = labels.copy()
                trial[i], trial[j] = labels[j], labels[i]
                count = links.violations(trial)
                if count < broken:
                    candidate = (count, swap_delta(x, labels, k, int(i), int(j)), int(i), int(j))
                    best = candidate if best is None or candidate[:2] < best[:2] else best
        if best is None:
            raise GroupingError("the together/apart links cannot all be kept with these group sizes",
                                code="grouping.links_unkept")
        broken, _, i, j = best
        labels[i], labels[j] = labels[j], labels[i]
    return labels


def swap_matrix(x: np.ndarray, labels: np.ndarray, k: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Exact objective change of swapping village i (rows) with village j (columns);
    ``inf`` within a group. ``2 (m_a - m_b)·(x_i - x_j) - |x_i - x_j|^2 (1/n_a + 1/n_b)``."""
    rows = np.arange(len(x)) if rows is None else rows
    means = group_means(x, labels, k)
    inv = 1.0 / np.bincount(labels, minlength=k)
    proj = x @ means.T  # proj[i, c] = x_i · m_c
    a, b = labels[rows], labels
    sq = (x**2).sum(axis=1)
    dist = np.maximum(sq[rows, None] + sq[None, :] - 2 * x[rows] @ x.T, 0.0)
    cross = proj[rows, a][:, None] - proj[:, a].T - proj[rows][:, b] + proj[np.arange(len(x)), b][None, :]
    delta = 2 * cross - dist * (inv[a][:, None] + inv[b][None, :])
    delta[a[:, None] == b[None, :]] = np.inf
    return delta


def improve_by_swaps(x: np.ndarray, labels: np.ndarray, k: int, links: Links) -> np.ndarray:
    """Apply the best improving size-preserving swap until none lowers the objective; villages that are
    pinned or linked stay where they are."""
    labels = labels.copy()
    fixed = links.pins >= 0
    fixed[links.together.ravel()] = True
    fixed[links.apart.ravel()] = True
    for _ in range(10 * len(x)):
        delta = swap_matrix(x, labels, k)
        delta[fixed] = np.inf
        delta[:, fixed] = np.inf
        gains = np.flatnonzero(delta.ravel() < -1e-9)
        if not len(gains):
            break
        touched: set[int] = set()
        for flat in gains[np.argsort(delta.ravel()[gains], kind="stable")]:
            i, j = divmod(int(flat), len(x))
            if labels[i] in touched or labels[j] in touched:
                continue  # swaps between untouched groups do not change each other's gain
            touched.update((int(labels[i]), int(labels[j])))
            labels[i], labels[j] = labels[j], labels[i]
    return labels
