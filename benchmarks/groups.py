"""Theme-group timings and quality: python -m benchmarks.groups (or python benchmarks/groups.py).

Prints: 200 villages with 100 bootstraps, 4,000 villages without stability (both over the whole
province), and balanced k-means against exhaustive search on 20 random 15-village cases.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

from indicator.framework import load  # noqa: E402
from indicator.grouping import core, make_groups  # noqa: E402


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


def main() -> None:
    framework = load()
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
        limit, core.ENUMERATION_LIMIT = core.ENUMERATION_LIMIT, 0
        try:
            heuristic = make_groups(scores, framework, by="none", bootstraps=0).cost["cost"].iloc[0]
        finally:
            core.ENUMERATION_LIMIT = limit
        equal += abs(heuristic - exact) < 1e-9
        worst = max(worst, 100 * (heuristic - exact) / exact)
    print(f"k-means vs exhaustive on 20 random 15-village cases: {equal}/20 equal optima, worst +{worst:.2f} %")


if __name__ == "__main__":
    main()
