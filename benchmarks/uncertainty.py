"""Benchmark: Monte Carlo rank uncertainty, 1,000 draws for 200 synthetic villages (goal: under 2 s).

Run ``python benchmarks/uncertainty.py``. Uses the shipped framework (``data/framework.toml``), or a
synthetic 7 × 5 framework when it is absent. Prints the median wall time of 5 runs, a baseline measured
in the same run (one nominal ``score()`` call over the same responses, also median of 5) and the ratio.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from indicator.errors import FrameworkError  # noqa: E402
from indicator.framework import Framework, load, loads  # noqa: E402
from indicator.scoring import score  # noqa: E402
from indicator.uncertainty import rank_uncertainty  # noqa: E402

VILLAGES, DRAWS, REPEATS, GOAL_SECONDS = 200, 1000, 5, 2.0


def synthetic_framework(dimensions: int = 7, items: int = 5) -> Framework:
    """A framework of ``dimensions`` × ``items`` items cycling through the three item types."""
    head = (
        '[indicator]\nid = "bench"\nname = "Bench"\nbaseline_year = 2024\ntarget_year = 2030\n'
        '[[bands]]\nid = "b0"\nmin = 0\nname = "B0"\n'
    )
    parts = [head]
    kinds = [("likert5", 1, 5), ("yesno", 0, 100), ("number", 0, 10)]
    for d in range(dimensions):
        parts.append(f'[[dimensions]]\nid = "d{d}"\nname = "D{d}"\nweight = {1 + d % 3}\n')
        for i in range(items):
            kind, lower, target = kinds[(d + i) % 3]
            parts.append(
                f'[[items]]\nid = "I{d}_{i}"\ndimension = "d{d}"\ntext = "I{d}_{i}"\n'
                f'type = "{kind}"\nlower = {lower}\ntarget = {target}\n'
            )
    return loads("".join(parts), source="synthetic")


def framework_for_benchmark() -> tuple[Framework, str]:
    try:
        return load(), "data/framework.toml"
    except FrameworkError:
        return synthetic_framework(), "synthetic 7 x 5"


def synthetic_responses(framework: Framework, villages: int = VILLAGES, seed: int = 1) -> pd.DataFrame:
    """Respondent rows for ``villages`` villages; each has a latent level per dimension, 10 % no answer."""
    rng = np.random.default_rng(seed)
    sizes = rng.integers(6, 16, size=villages)
    sizes[:5] = 3  # a few villages below min_respondents
    village = np.repeat([f"Kylä {v:03d}" for v in range(villages)], sizes)
    rows = len(village)
    level = rng.random((villages, len(framework.dimensions)))
    dim_pos = {d: k for k, d in enumerate(framework.dimension_ids)}
    columns: dict[str, object] = {"village": village, "round": np.full(rows, 2025), "respondent": np.arange(rows).astype(str)}
    for item in framework.items:
        p = np.repeat(level[:, dim_pos[item.dimension]], sizes)
        if item.type == "likert5":
            answers = np.clip(np.rint(rng.normal(1 + 4 * p, 1.0)), 1, 5)
        elif item.type == "yesno":
            answers = (rng.random(rows) < p).astype(float)
        else:
            top = max(item.lower, item.target)
            answers = rng.poisson(np.maximum(p * top * 1.2, 0.01)).astype(float)
        answers[rng.random(rows) < 0.1] = np.nan
        columns[item.id] = answers
    return pd.DataFrame(columns)


def median_seconds(run, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    framework, source = framework_for_benchmark()
    responses = synthetic_responses(framework)
    scores = score(responses, framework)
    result = rank_uncertainty(scores, framework, n=DRAWS, seed=0)
    baseline = median_seconds(lambda: score(responses, framework))
    seconds = median_seconds(lambda: rank_uncertainty(scores, framework, n=DRAWS, seed=0))
    ranked = int(result["nominal_rank"].notna().sum())
    print(f"framework: {source} ({len(framework.items)} items, {len(framework.dimensions)} dimensions)")
    print(f"villages: {VILLAGES} ({ranked} ranked), respondents: {len(responses)}, draws: {DRAWS}")
    print(f"baseline score() (median of {REPEATS}): {baseline:.4f} s")
    print(f"rank_uncertainty (median of {REPEATS}): {seconds:.4f} s  ({seconds / baseline:.1f} x baseline)")
    width = (result["p95_rank"] - result["p05_rank"]).median()
    print(f"median 5-95 % band width: {width:.1f} ranks; mean |shift|: {result['mean_abs_shift'].mean():.2f}")
    passed = seconds < GOAL_SECONDS
    print(f"goal < {GOAL_SECONDS:.0f} s: {'PASS' if passed else 'FAIL'}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
