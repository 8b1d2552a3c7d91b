"""The exact optimum of the grouping objective without enumerating partitions (docs/method.md §4).

A grouping is a choice of k groups ("columns") that covers every village once, with exactly ``n_large``
groups of the larger size. Its cost is the sum of the groups' within-group sums of squares.

1. Pool: every group of an allowed size that keeps the together/apart links, with its cost (at most
   ``POOL_LIMIT`` groups and ``MAX_VILLAGES`` villages; otherwise the caller uses the heuristic).
2. Bound: the linear relaxation of choosing groups from the pool, by column generation (HiGHS through
   ``scipy.optimize.linprog`` on the groups generated so far; the whole pool is priced in one vectorised
   step). Its duals ``pi`` (one per village) and ``mu`` (the size row) give every group the reduced cost
   ``rc(S) = cost(S) - sum(pi[S]) - mu * w(S)`` and every grouping P the identity
   ``cost(P) = base + sum(rc(S) for S in P)`` with ``base = sum(pi) + mu * r``. The identity is plain
   algebra and holds for *any* duals, so the proof does not rest on the solver's tolerances.
3. Search: depth first over the pool groups whose reduced cost still fits under ``T - base`` (groups
   sorted by reduced cost, so a loop stops at the first that does not fit), each step placing the
   village with the fewest groups still open to it; ``T`` is the second-best cost known (or, without
   one, rises from 1 % above the bound until two groupings are found). The search keeps the best two
   groupings, so the runner-up is exact too. It is complete unless it visits more than ``SEARCH_LIMIT``
   nodes.

The linear relaxation of this set-partitioning model is almost always integral for such data, so the
search usually has a few dozen groups to look at. Everything is deterministic: the same villages in the
same order give the same answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import comb

import numpy as np
from scipy.optimize import linprog

from indicator.errors import GroupingError
from indicator.grouping.model import Links, group_sizes, within_ss
from indicator.grouping.partition import Partition, swap_matrix

POOL_LIMIT = 400_000  # candidate groups (e.g. 30 villages in 6 groups of 5: 142,506; 35 in 7: 324,632)
MAX_VILLAGES = 62  # groups are bit masks in 64-bit integers
MAX_ROUNDS = 200  # column generation rounds
SEARCH_LIMIT = 200_000  # search nodes
INDEX = np.int16  # village indices in the pool (at most MAX_VILLAGES), small to keep big pools light
ADD_PER_VILLAGE = 5  # new columns per round: at least 50, or 5 per village


@dataclass(frozen=True)
class Quota:
    """The group of village ``village`` must hold at least ``minimum`` of the villages ``members``
    (how a pin keeps the meaning of a group number, see ``indicator.grouping.pins``)."""

    village: int
    members: np.ndarray
    minimum: int


@dataclass(frozen=True)
class Pool:
    """Every allowed group: ``members`` (m x largest size, padded with n), ``large`` and ``cost``."""

    members: np.ndarray
    large: np.ndarray
    cost: np.ndarray
    masks: np.ndarray  # int64 bit masks of the members


@dataclass(frozen=True)
class Solution:
    """The best groupings found (each a list of pool column indices, cost ascending) and whether the
    search was complete (then the first is the proven optimum and the second the exact runner-up)."""

    groupings: list[tuple[float, list[int]]]
    complete: bool
    nodes: int = 0


def pool_size(n: int, k: int) -> int:
    """How many candidate groups a pool without links would hold.

    >>> pool_size(17, 3), pool_size(20, 4)
    (18564, 15504)
    """
    small, large, n_large = group_sizes(n, k)
    return comb(n, small) + (comb(n, large) if n_large else 0)


def feasible(n: int, k: int) -> bool:
    """Whether the exact method applies: small enough pool and at most ``MAX_VILLAGES`` villages."""
    return 1 <= k <= n <= MAX_VILLAGES and pool_size(n, k) <= POOL_LIMIT


def _extend(rows: np.ndarray, n: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    """One more element for every partial subset in ``rows`` (lexicographic order, only those that can
    still reach size ``s``): the parent row of each new row and the element added."""
    last = rows[:, -1]
    counts = np.maximum(n - (s - rows.shape[1]) - last, 0)
    parent = np.repeat(np.arange(len(rows)), counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return parent, last[parent] + 1 + offsets


def combinations_array(n: int, s: int) -> np.ndarray:
    """Every s-subset of range(n) in lexicographic order, one per row (vectorised itertools.combinations).

    >>> combinations_array(4, 2).tolist()
    [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
    """
    return _subsets(np.zeros((n, 0)), s)[0]


def _subsets(x: np.ndarray, s: int) -> tuple[np.ndarray, np.ndarray]:
    """Every s-subset of the rows of ``x`` and its within-group sum of squares, ``sum |x|^2 - |sum x|^2 / s``
    built up element by element (one vector addition per subset and step)."""
    n = len(x)
    if s == 0:
        return np.zeros((1, 0), dtype=INDEX), np.zeros(1)
    squares = (x**2).sum(axis=1)
    rows = np.arange(n - s + 1, dtype=INDEX)[:, None]
    sums, sq = x[rows[:, 0]], squares[rows[:, 0]]
    while rows.shape[1] < s:
        parent, new = _extend(rows, n, s)
        rows = np.column_stack([rows[parent], new.astype(INDEX)])
        sums, sq = sums[parent] + x[new], sq[parent] + squares[new]
    return rows, np.maximum(sq - (sums**2).sum(axis=1) / s, 0.0)


def _keeps_links(combos: np.ndarray, n: int, together: np.ndarray, apart: np.ndarray,
                 quotas: tuple[Quota, ...] = ()) -> np.ndarray:
    """Which groups hold both or neither end of every together-pair, not both ends of an apart-pair,
    and, when they hold a quota's village, at least its minimum of the quota's members."""
    if not len(together) and not len(apart) and not quotas:
        return np.ones(len(combos), dtype=bool)
    inside = np.zeros((len(combos), n), dtype=bool)
    inside[np.arange(len(combos))[:, None], combos] = True
    keep = np.ones(len(combos), dtype=bool)
    for i, j in together:
        keep &= inside[:, i] == inside[:, j]
    for i, j in apart:
        keep &= ~(inside[:, i] & inside[:, j])
    for quota in quotas:
        keep &= ~inside[:, quota.village] | (inside[:, quota.members].sum(axis=1) >= quota.minimum)
    return keep


def build_pool(x: np.ndarray, k: int, links: tuple[np.ndarray, np.ndarray], quotas: tuple[Quota, ...] = ()) -> Pool:
    """Every group of an allowed size that keeps the (label-free) links and the quotas, with its
    within-group sum of squares."""
    n = len(x)
    small, large, n_large = group_sizes(n, k)
    together, apart = links
    parts, flags, costs = [], [], []
    for size in sorted({small, large} if n_large else {small}):
        combos, cost = _subsets(x, size)
        keep = _keeps_links(combos, n, together, apart, quotas)
        combos, cost = combos[keep], cost[keep]
        padded = np.full((len(combos), large), n, dtype=INDEX)
        padded[:, :size] = combos
        parts.append(padded)
        flags.append(np.full(len(combos), size == large and n_large > 0))
        costs.append(cost)
    members = np.concatenate(parts)
    bits = np.append(np.left_shift(np.int64(1), np.arange(n, dtype=np.int64)), np.int64(0))
    return Pool(members, np.concatenate(flags), np.concatenate(costs), bits[members].sum(axis=1))


def columns_of(pool: Pool, labels: np.ndarray, k: int) -> list[int] | None:
    """The pool columns of a labelling's groups, or None when one of them is not in the pool."""
    out = []
    for g in range(k):
        mask = np.left_shift(np.int64(1), np.flatnonzero(labels == g).astype(np.int64)).sum()
        found = np.flatnonzero(pool.masks == mask)
        if not len(found):
            return None
        out.append(int(found[0]))
    return out


# --- the linear relaxation ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bound:
    """Duals of the relaxation and what they prove: ``rc`` per pool column, ``base``, ``rc_low``
    (min(0, smallest rc)), whether column generation converged, and the relaxation's integral solution
    (pool columns) when it has one."""

    rc: np.ndarray
    base: float
    rc_low: float
    converged: bool
    rounds: int
    integral: list[int] | None


def _weights(pool: Pool, has_large: bool) -> np.ndarray:
    return pool.large.astype(float) if has_large else np.ones(len(pool.cost))


def relaxation(pool: Pool, n: int, k: int, start: list[int]) -> Bound:
    """Column generation for the set-partitioning relaxation, from the columns ``start``.

    The restricted problems always have artificial columns (cost ``big``) so they are feasible; if the
    pool cannot cover the villages the duals become so large that no grouping fits under any bound.
    """
    small, large, n_large = group_sizes(n, k)
    has_large = n_large > 0
    weight = _weights(pool, has_large)
    target = float(n_large if has_large else k)
    scale = max(1.0, float(np.abs(pool.cost).max(initial=0.0)))
    big = (n + 1) * (scale + 1.0) * k
    tol = 1e-9 * scale
    active = list(dict.fromkeys(start))
    in_active = np.zeros(len(pool.cost), dtype=bool)
    in_active[active] = True
    add = max(50, ADD_PER_VILLAGE * n)
    pi_ext = np.zeros(n + 1)
    mu, rounds, converged, solution = 0.0, 0, False, None
    while rounds < MAX_ROUNDS:
        rounds += 1
        pi, mu, solution = _restricted(pool, active, n, weight, target, big)
        pi_ext[:n] = pi
        rc = pool.cost - pi_ext[pool.members].sum(axis=1) - mu * weight
        candidates = np.flatnonzero((rc < -tol) & ~in_active)
        if not len(candidates):
            converged = True
            break
        if len(candidates) > add:
            candidates = candidates[np.argpartition(rc[candidates], add - 1)[:add]]
        candidates = candidates[np.lexsort((candidates, rc[candidates]))]
        active.extend(candidates.tolist())
        in_active[candidates] = True
    base = float(pi_ext[:n].sum() + mu * target)
    rc_low = min(0.0, float(rc.min(initial=0.0)))
    integral = None
    if solution is not None:
        values, slack = solution
        chosen = [active[j] for j in np.flatnonzero(values > 0.5)]
        if slack < 1e-9 and np.all(np.minimum(values, np.abs(1 - values)) < 1e-9) and len(chosen) == k:
            integral = chosen
    return Bound(rc, base, rc_low, converged, rounds, integral)


def _restricted(pool: Pool, active: list[int], n: int, weight: np.ndarray, target: float, big: float):
    """Solve the relaxation on the ``active`` columns (plus artificial ones); return duals and solution."""
    m = len(active)
    a = np.zeros((n + 1, m + n + 2))
    cols = np.asarray(active, dtype=np.intp)
    rows = pool.members[cols]
    a[rows.ravel(), np.repeat(np.arange(m), rows.shape[1])] = 1.0  # the pad index n is overwritten below
    a[n, :m] = weight[cols]
    a[:n, m : m + n] = np.eye(n)
    a[n, m + n], a[n, m + n + 1] = 1.0, -1.0
    cost = np.concatenate([pool.cost[cols], np.full(n + 2, big)])
    b = np.concatenate([np.ones(n), [target]])
    result = linprog(cost, A_eq=a, b_eq=b, bounds=(0, None), method="highs")
    if result.status != 0:  # cannot happen with the artificial columns; treat as no information
        return np.zeros(n), 0.0, None
    duals = result.eqlin.marginals
    return duals[:n], float(duals[n]), (result.x[:m], float(result.x[m:].sum()))


# --- the search -------------------------------------------------------------------------------------------


def search(pool: Pool, bound: Bound, n: int, k: int, threshold: float, limit: int | None = None) -> Solution:
    """The best two groupings of cost at most ``threshold`` (exact when ``complete``), depth first, in at
    most ``limit`` nodes (default ``SEARCH_LIMIT``).

    Only groups whose reduced cost fits under ``threshold`` are listed, per village and by reduced cost.
    Each step places the village with the fewest groups still open to it (a village with none ends the
    branch), trying its groups in order until their reduced cost no longer fits. Every grouping is
    reached once: the group of the chosen village is its own. ``threshold`` drops to the second-best cost
    once two groupings are found.
    """
    limit = SEARCH_LIMIT if limit is None else limit
    small, large, n_large = group_sizes(n, k)
    eps = 1e-9 * max(1.0, abs(bound.base), abs(threshold))  # threshold is finite
    room0 = threshold - bound.base - (k - 1) * bound.rc_low + eps
    columns = np.flatnonzero(bound.rc <= room0)
    columns = columns[np.lexsort((columns, bound.rc[columns]))]
    lists: list[list[tuple[float, int, int, bool]]] = [[] for _ in range(n)]
    rows = zip(columns.tolist(), pool.masks[columns].tolist(), bound.rc[columns].tolist(),
               pool.large[columns].tolist(), pool.members[columns].tolist(), strict=True)
    for col, mask, rc, is_large, members in rows:
        for village in members:
            if village < n:
                lists[village].append((rc, col, mask, is_large))
    state = _State(threshold, limit)
    full = (1 << n) - 1

    def choose(covered: int, room: float) -> int:
        """The open village with the fewest groups still possible (stopping at one with none or one)."""
        best, fewest = -1, -1
        for village in range(n):
            if covered >> village & 1:
                continue
            count = 0
            for rc, _, mask, _ in lists[village]:
                if rc > room:
                    break
                if not mask & covered:
                    count += 1
                    if fewest >= 0 and count >= fewest:
                        break
            if fewest < 0 or count < fewest:
                best, fewest = village, count
                if count <= 1:
                    break
        return best

    def go(covered: int, used: int, n_big: int, excess: float, chosen: list[int]) -> None:
        if state.nodes > state.limit:
            return
        state.nodes += 1
        if covered == full:
            state.offer(float(pool.cost[chosen].sum()), list(chosen))
            return
        room = state.threshold - bound.base + eps - (k - used - 1) * bound.rc_low - excess
        for rc, col, mask, is_large in lists[choose(covered, room)]:
            if rc > room:
                break
            if mask & covered or (n_big >= n_large if is_large else used - n_big >= k - n_large):
                continue
            chosen.append(col)
            go(covered | mask, used + 1, n_big + is_large, excess + rc, chosen)
            chosen.pop()
            room = state.threshold - bound.base + eps - (k - used - 1) * bound.rc_low - excess

    go(0, 0, 0, 0.0, [])
    return Solution(state.best, state.nodes <= state.limit, state.nodes)


def deepening(pool: Pool, bound: Bound, n: int, k: int, ceiling: float, limit: int | None = None) -> Solution:
    """``search`` without a known second-best cost: thresholds from 1 % above the bound upwards (times
    four each time) until two groupings are found or the threshold passes ``ceiling`` (a cost no grouping
    exceeds), sharing one budget of nodes."""
    left = SEARCH_LIMIT if limit is None else limit
    gap = max(1e-6, 0.01 * abs(bound.base))
    while True:
        threshold = min(bound.base + gap, ceiling)
        found = search(pool, bound, n, k, threshold, left)
        left -= found.nodes
        if not found.complete or len(found.groupings) >= 2 or threshold >= ceiling:
            return found
        gap *= 4


class _State:
    """The search's best two groupings and its threshold (the second-best cost, once two are known)."""

    def __init__(self, threshold: float, limit: int) -> None:
        self.initial = threshold
        self.threshold = threshold
        self.limit = limit
        self.nodes = 0
        self.best: list[tuple[float, list[int]]] = []

    def offer(self, cost: float, columns: list[int]) -> None:
        self.best.append((cost, columns))
        self.best.sort(key=lambda item: item[0])  # stable: the first found wins a tie
        del self.best[2:]
        if len(self.best) == 2:
            self.threshold = min(self.initial, self.best[1][0])


def labels_of(pool: Pool, columns: list[int], n: int) -> np.ndarray:
    """Labels 0..k-1 from pool columns, groups in the order of their first village."""
    ordered = sorted(columns, key=lambda c: int(pool.members[c, 0]))
    labels = np.full(n, -1, dtype=np.intp)
    for g, col in enumerate(ordered):
        members = pool.members[col]
        labels[members[members < n]] = g
    return labels


# --- the whole method -------------------------------------------------------------------------------------


def _swap_neighbour(x: np.ndarray, labels: np.ndarray, k: int, links: Links, quotas: tuple[Quota, ...]) -> float:
    """Cost of the cheapest other grouping one swap away (villages with pins, links or quotas stay, so the
    swap keeps them; two villages alone in their groups are not swapped, that gives the same grouping),
    or inf."""
    if k < 2:
        return float("inf")
    fixed = links.pins >= 0
    fixed[links.together.ravel()] = True
    fixed[links.apart.ravel()] = True
    for quota in quotas:
        fixed[quota.village] = True
        fixed[quota.members] = True
    fixed |= np.bincount(labels, minlength=k)[labels] == 1
    delta = swap_matrix(x, labels, k)
    delta[fixed] = np.inf
    delta[:, fixed] = np.inf
    return within_ss(x, labels, k) + float(delta.min())


def solve(x: np.ndarray, k: int, links: Links, heuristic: Partition | None, limit: int | None = None,
          quotas: tuple[Quota, ...] = ()) -> Partition:
    """The proven optimum and exact runner-up (``exact=True``), or, when the search hits ``limit``,
    the best grouping seen (``exact=False``). ``heuristic`` (e.g. balanced k-means) gives the first
    bounds when it keeps every constraint; it may be None. Raises GroupingError when no grouping keeps
    the pins, links and quotas."""
    n = len(x)
    pool = build_pool(x, k, links.block_links(), quotas)
    if heuristic is not None and columns_of(pool, heuristic.labels, k) is None:
        heuristic = None  # it breaks a quota (k-means does not know them)
    if not len(pool.cost):
        raise GroupingError("no grouping keeps all the pins and together/apart links",
                            code="grouping.no_partition")
    known: list[tuple[float, list[int]]] = []
    for labels in [] if heuristic is None else [heuristic.labels, heuristic.runner_up]:
        columns = None if labels is None else columns_of(pool, labels, k)
        if columns is not None:
            known.append((float(pool.cost[columns].sum()), columns))
    bound = relaxation(pool, n, k, [c for _, cols in known for c in cols])
    if bound.integral is not None:
        known.append((float(pool.cost[bound.integral].sum()), bound.integral))
    distinct: dict[frozenset[int], float] = {}
    for cost, columns in sorted(known, key=lambda item: item[0]):
        distinct.setdefault(frozenset(columns), cost)
    costs = sorted(distinct.values())
    if costs:
        best = min(distinct, key=distinct.__getitem__)
        neighbour = _swap_neighbour(x, labels_of(pool, list(best), n), k, links, quotas)
        costs = sorted([*costs, neighbour] if np.isfinite(neighbour) else costs)
    if len(costs) > 1:
        found = search(pool, bound, n, k, costs[1], limit)
    else:  # the total sum of squares: no grouping costs more
        found = deepening(pool, bound, n, k, float(((x - x.mean(axis=0)) ** 2).sum()) * (1 + 1e-9) + 1e-9, limit)
    if not found.groupings:
        if found.complete or heuristic is None:
            raise GroupingError("no grouping keeps all the pins and together/apart links",
                                code="grouping.no_partition")
        return heuristic
    (_, columns), *rest = found.groupings
    labels = labels_of(pool, columns, n)
    if not found.complete and heuristic is not None and heuristic.cost < within_ss(x, labels, k):
        return heuristic
    runner = labels_of(pool, rest[0][1], n) if rest else None
    return Partition(
        labels,
        within_ss(x, labels, k),
        exact=found.complete,
        runner_up=runner,
        runner_up_cost=within_ss(x, runner, k) if runner is not None else float("nan"),
    )
