"""Theme-group timings and quality: python -m benchmarks.groups (or python benchmarks/groups.py).

Prints, every figure measured in the same run:

- the exact search against the old exhaustive enumeration (where it is feasible: up to 3,000,000
  partitions), balanced k-means (``exact=False``) and plain scikit-learn k-means, for 15 villages in 3
  groups, 17 in 3, 20 in 4 and 20 in 3 (5 random areas each: median times, how often k-means missed the
  optimum and by how much);
- one 17-village area as the page asks for it (100 bootstraps, then with a pin);
- 200 villages with 100 bootstraps and 4,000 villages without stability (heuristic range);
- balanced k-means against the exact optimum on 20 random 15-village cases.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from indicator.framework import load  # noqa: E402
from indicator.grouping import make_groups, partition, standardise  # noqa: E402
from indicator.grouping.model import Links, partition_count  # noqa: E402

SEEDS = range(5)
EXHAUSTIVE_LIMIT = 3_000_000  # partitions: the old exact range


def synthetic(n: int, framework, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"village": [f"Kylä {i:04d}" for i in range(n)], "round": 2025})
    for dim in framework.dimension_ids:
        frame[dim] = rng.uniform(0, 100, n)
    return frame


def timed(scores: pd.DataFrame, framework, **kwargs) -> tuple[float, object]:
    start = time.perf_counter()
    grouping = make_groups(scores, framework, by="none", **kwargs)
    return time.perf_counter() - start, grouping


def baseline(scores: pd.DataFrame, framework, k: int) -> float:
    """Seconds for plain (size-free) scikit-learn k-means, n_init=10, on the same standardised scores."""
    from sklearn.cluster import KMeans

    values = scores[list(framework.dimension_ids)].to_numpy(dtype=float)
    values = (values - values.mean(axis=0)) / values.std(axis=0)
    start = time.perf_counter()
    KMeans(n_clusters=k, n_init=10, random_state=0).fit(values)
    return time.perf_counter() - start


def exhaustive(scores: pd.DataFrame, framework, k: int) -> tuple[float, float]:
    """Seconds and cost of the old exhaustive enumeration on the same standardised scores."""
    x = standardise(scores[list(framework.dimension_ids)].to_numpy(dtype=float))
    free = Links(np.full(len(x), -1), np.zeros((0, 2), dtype=int), np.zeros((0, 2), dtype=int))
    start = time.perf_counter()
    found = partition.exhaustive(x, k, free)
    return time.perf_counter() - start, found.cost


def compare(framework, n: int, k: int) -> None:
    """The exact search against the old enumeration, balanced k-means and plain k-means on random areas."""
    rows = []
    for seed in SEEDS:
        scores = synthetic(n, framework, 1000 * n + 10 * k + seed)
        seconds, grouping = timed(scores, framework, n_groups=k, bootstraps=0)
        km_seconds, km = timed(scores, framework, n_groups=k, bootstraps=0, exact=False)
        row = {"exact": seconds, "optimal": grouping.optimal, "cost": grouping.cost["cost"].iloc[0],
               "kmeans": km_seconds, "kmeans_gap": 100 * (km.cost["cost"].iloc[0] / grouping.cost["cost"].iloc[0] - 1),
               "plain": baseline(scores, framework, k)}
        if partition_count(n, k) <= EXHAUSTIVE_LIMIT:
            row["old"], old_cost = exhaustive(scores, framework, k)
            row["same"] = abs(old_cost - row["cost"]) <= 1e-9 * old_cost
        rows.append(row)
    table = pd.DataFrame(rows)
    median = table.median(numeric_only=True)
    line = (f"{n} villages in {k} groups ({partition_count(n, k):,} partitions), median of {len(rows)}: "
            f"exact {median['exact']:.3f} s (max {table['exact'].max():.3f} s, proven optimal "
            f"{int(table['optimal'].sum())}/{len(rows)})")
    if "old" in table:
        line += (f"; old exhaustive {median['old']:.2f} s, {median['old'] / median['exact']:.0f}x slower, "
                 f"same optimum {int(table['same'].sum())}/{len(rows)}")
    else:
        line += "; old exhaustive: not feasible (above 3,000,000 partitions, it fell back to k-means)"
    missed = table["kmeans_gap"] > 1e-7
    line += (f"; balanced k-means {median['kmeans']:.3f} s (ratio {median['exact'] / median['kmeans']:.1f}x), "
             f"missed the optimum {int(missed.sum())}/{len(rows)}, worst +{table['kmeans_gap'].max():.2f} %"
             f"; plain k-means {median['plain']:.3f} s (ratio {median['exact'] / median['plain']:.1f}x)")
    print(line, flush=True)


def page_case(framework) -> None:
    """One 17-village area as the page asks for it: 100 bootstraps, then a pin moving one village."""
    scores = synthetic(17, framework, 17)
    seconds, grouping = timed(scores, framework, n_groups=3)
    first = grouping.assignments.set_index("village")["group"]
    village = first.index[first != 1][0]
    pinned_seconds, pinned = timed(scores, framework, n_groups=3, pins={village: 1})
    print(f"17 villages, 3 groups, 100 bootstraps (the page): {seconds:.2f} s, goal < 1 s; with the pin "
          f"{village} = 1: {pinned_seconds:.2f} s (two exact searches), +{pinned.changes['extra_pct'].iloc[0]:.1f} %, "
          f"moved {pinned.changes['moved'].iloc[0]}", flush=True)


def main() -> None:
    framework = load()
    for n, k in [(15, 3), (17, 3), (20, 4), (20, 3)]:
        compare(framework, n, k)
    page_case(framework)
    small, large = synthetic(200, framework, 1), synthetic(4000, framework, 2)
    seconds, grouping = timed(small, framework, bootstraps=100)
    base = baseline(small, framework, 40)
    print(f"200 villages, 40 groups, 100 bootstraps: {seconds:.2f} s, goal < 5 s "
          f"(area ARI {grouping.stability['area_ari'].iloc[0]:.2f}, {int(grouping.stability['flag'].sum())} groups flagged); "
          f"plain k-means without sizes or stability {base:.2f} s in the same run, ratio {seconds / base:.1f}x")
    seconds, grouping = timed(large, framework, bootstraps=0)
    base = baseline(large, framework, 800)
    print(f"4,000 villages, 800 groups, no stability: {seconds:.2f} s, goal < 60 s "
          f"(cost {grouping.cost['cost'].iloc[0]:.1f}); plain k-means {base:.2f} s, ratio {seconds / base:.1f}x")
    equal, worst = 0, 0.0
    for seed in range(20):
        scores = synthetic(15, framework, 100 + seed)
        exact = make_groups(scores, framework, by="none", bootstraps=0).cost["cost"].iloc[0]
        heuristic = make_groups(scores, framework, by="none", bootstraps=0, exact=False).cost["cost"].iloc[0]
        equal += abs(heuristic - exact) < 1e-9
        worst = max(worst, 100 * (heuristic - exact) / exact)
    print(f"k-means vs the exact optimum on 20 random 15-village cases: {equal}/20 equal optima, worst +{worst:.2f} %")


if __name__ == "__main__":
    main()
