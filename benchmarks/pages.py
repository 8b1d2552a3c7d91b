"""Script run time of every dashboard page with AppTest on a warm cache, on a province-size dataset.

    python benchmarks/pages.py [--runs 7] [--villages 150] [--respondents 10000]

The dataset: 150 villages (the 75 registry villages plus made-up ones near the municipal centres),
3 rounds, 10,000 responses in all, written as generic survey exports by the demo tool
(`tools.demo_exports.exports`) and stored and approved through `indicator.storage.Store`. Each page is run once
to warm the caches, then timed ``--runs`` times (median reported). Goal: under 300 ms per page.
Run times include AppTest's own overhead, so they are an upper bound of the script time.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicator.framework import Framework, load  # noqa: E402
from indicator.registry import load_villages  # noqa: E402
from indicator.storage import Store  # noqa: E402
from tools.demo_exports.exports import export_bytes  # noqa: E402

GOAL_MS = 300.0
ROUNDS = (2024, 2025, 2026)


def province_registry(n: int, folder: Path, seed: int = 7) -> pd.DataFrame:
    """The registry grown to ``n`` villages: extra ones copy a real village's municipality and area and
    sit a few kilometres from it (coordinate_source "anchor")."""
    real = load_villages()
    rng = np.random.default_rng(seed)
    extra = real.sample(max(0, n - len(real)), replace=True, random_state=seed).reset_index(drop=True)
    extra["village"] = [f"Testikylä {k + 1:03d}" for k in range(len(extra))]
    extra["lat"] = extra["lat"] + rng.uniform(-0.06, 0.06, len(extra))
    extra["lon"] = extra["lon"] + rng.uniform(-0.06, 0.06, len(extra))
    extra["coordinate_source"] = "anchor"
    registry = pd.concat([real, extra], ignore_index=True).head(n)
    registry.to_csv(folder / "villages.csv", index=False)
    return registry


def truth(framework: Framework, villages: list[str], respondents: int, seed: int = 11) -> pd.DataFrame:
    """Responses for every village and round: a village level and trend, residents scattered around it,
    about 8 % unanswered items; ``respondents`` rows in all."""
    rng = np.random.default_rng(seed)
    cells = [(v, r) for r in ROUNDS for v in villages]
    counts = np.full(len(cells), respondents // len(cells))
    counts[: respondents - counts.sum()] += 1
    level = dict(zip(villages, rng.uniform(0.2, 0.8, len(villages)), strict=True))
    trend = dict(zip(villages, rng.normal(0.03, 0.05, len(villages)), strict=True))
    rows = []
    for (village, round_), n in zip(cells, counts, strict=True):
        p = np.clip(level[village] + trend[village] * (round_ - ROUNDS[0]) + rng.normal(0, 0.15, (n, 1)), 0, 1)
        frame = pd.DataFrame({"village": village, "round": round_,
                              "date": pd.Timestamp(round_, 4, 15) + pd.to_timedelta(rng.integers(0, 20, n), "D")})
        for item in framework.items:
            if item.type == "likert5":
                values = np.clip(np.rint(1 + 4 * p[:, 0] + rng.normal(0, 0.8, n)), 1, 5)
            elif item.type == "yesno":
                values = (rng.random(n) < p[:, 0]).astype(float)
            else:
                values = np.rint(np.maximum(0, rng.normal(p[:, 0] * max(item.lower, item.target), 2, n)))
            values[rng.random(n) < 0.08] = np.nan
            frame[item.id] = values
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)


def build(folder: Path, villages: int, respondents: int) -> str:
    """Write the registry, store one approved export per round; return the database URL."""
    framework = load()
    registry = province_registry(villages, folder)
    table = truth(framework, list(registry["village"]), respondents)
    url = f"sqlite:///{folder / 'province.db'}"
    store = Store(url)
    for round_ in ROUNDS:
        part = table[table["round"] == round_].drop(columns="round")
        data = export_bytes(part, framework, "generic_csv", seed=round_)
        store.uploads.add(data, f"province_{round_}.csv", round_, framework, role="admin", approve=True)
    stored = len(store.responses())
    store.close()
    print(f"dataset: {villages} villages, {len(ROUNDS)} rounds, {stored} responses stored")
    return url


def time_pages(runs: int) -> list[tuple[str, float, float]]:
    """(page, median ms, max ms) for every page registered for a coordinator."""
    from ui import testing
    from ui.navigation import PAGES

    results = []
    for spec in PAGES:
        at = testing.app(timeout=120, address=spec.address)
        at.session_state["role"] = "coordinator"
        at.run()
        at.run()  # warm
        if at.exception:
            print(f"  {spec.path}: raised {at.exception[0].message}", file=sys.stderr)
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            timings.append((time.perf_counter() - start) * 1000)
        results.append((spec.path, statistics.median(timings), max(timings)))
    return results


def baseline_ms(runs: int) -> float:
    """Median AppTest run of a one-line page (``st.write``): the harness's own cost, same machine, same run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_string("import streamlit as st\nst.write('Hei')", default_timeout=60)
    at.run()
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--villages", type=int, default=150)
    parser.add_argument("--respondents", type=int, default=10_000)
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="alykyla-bench-"))
    start = time.perf_counter()
    os.environ["DATABASE_URL"] = build(folder, args.villages, args.respondents)
    os.environ["ALYKYLA_REGISTRY"] = str(folder / "villages.csv")
    print(f"built in {time.perf_counter() - start:.1f} s; timing {args.runs} warm runs per page")
    base = baseline_ms(args.runs)
    print(f"baseline: a one-line page runs in {base:.0f} ms (median) under the same AppTest harness")
    print(f"{'page':<24} {'median ms':>10} {'max ms':>8} {'x baseline':>11}  goal < {GOAL_MS:.0f} ms")
    slow = 0
    for page, median, worst in time_pages(args.runs):
        flag = "ok" if median < GOAL_MS else "SLOW"
        slow += median >= GOAL_MS
        print(f"{page:<24} {median:>10.0f} {worst:>8.0f} {median / base:>11.1f}  {flag}")
    return 1 if slow else 0


if __name__ == "__main__":
    raise SystemExit(main())
