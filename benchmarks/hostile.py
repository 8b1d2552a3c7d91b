"""Hostile corpus benchmark: per file of ``tests/hostile_corpus.py``, the time and peak memory of the worker
that reads it (``indicator.reading.IsolatedReader``), and what came of it.

Goal (issue 12): every upload up to the size limit within 10 s and 1 GB peak. Seconds are wall-clock from
the worker's readiness to its answer; CPU seconds are the worker's own (the budget counts those). The corpus's hostile files
come first, then real-looking files at the limits (``at_the_limits``). Each file is read in its own
fresh process (so that one file's memory does not count for the next); the worker's peak is its
high-water resident memory as the operating system tells it (``RUSAGE_CHILDREN`` after the worker ended,
which covers workers that were killed). Prints figures; it is not a timed test.

    python benchmarks/hostile.py [--only NAME ...] [--markdown]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GOAL_SECONDS = 10.0
GOAL_BYTES = 2**30


def measure_one(path: Path, filename: str) -> dict:
    """Read one file through the isolated reader in this (fresh) process; figures as a dict."""
    from indicator.framework import load
    from indicator.reading import IsolatedReader

    framework = load()
    outcome = IsolatedReader().run(path.read_bytes(), framework, filename=filename)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    if outcome.error is not None:
        first = str(outcome.error).split(": ", 1)[-1]
        what = f"refused ({outcome.error.code or 'reading'}): {first[:70]}"
    else:
        what = f"read: {len(outcome.result.responses)} rows, {len(outcome.result.report.problems)} problems"
    return {"seconds": outcome.seconds, "cpu": outcome.cpu if outcome.cpu is not None else children.ru_utime
            + children.ru_stime, "peak": max(outcome.peak or 0, children.ru_maxrss * 1024), "what": what}


def run(names: list[str], markdown: bool) -> int:
    from tests.hostile_corpus import at_the_limits, content, corpus

    entries = [e for e in (*corpus(), *at_the_limits()) if not names or e.name in names]
    over = 0
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        rows = []
        for entry in entries:
            path = Path(folder) / entry.name
            path.write_bytes(content(entry.name))
            done = subprocess.run([sys.executable, __file__, "--one", str(path), entry.filename],
                                  capture_output=True, text=True, cwd=ROOT, timeout=300)
            if done.returncode != 0:
                rows.append((entry.name, path.stat().st_size, None, None, None,
                             f"benchmark failed: {done.stderr[-200:]}"))
                over += 1
                continue
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            over += figures["seconds"] > GOAL_SECONDS or figures["peak"] > GOAL_BYTES
            rows.append((entry.name, path.stat().st_size, figures["seconds"], figures["cpu"], figures["peak"],
                         figures["what"]))
            print(_line(rows[-1], markdown) if not markdown else "", end="" if markdown else "\n", flush=True)
    if markdown:
        print("| file | size | seconds | CPU s | peak MB | outcome |\n|---|---:|---:|---:|---:|---|")
        for row in rows:
            print(_line(row, True))
    print(f"\n{len(rows)} files; {over} over the goal of {GOAL_SECONDS:g} s and {GOAL_BYTES // 2**20} MB")
    return 1 if over else 0


def _line(row: tuple, markdown: bool) -> str:
    name, size, seconds, cpu, peak, what = row
    secs = "–" if seconds is None else f"{seconds:.2f}"
    used = "–" if cpu is None else f"{cpu:.2f}"
    mem = "–" if peak is None else f"{peak / 2**20:.0f}"
    if markdown:
        return f"| {name} | {size:,} | {secs} | {used} | {mem} | {what.replace('|', '/')} |"
    return f"{name:34s} {size:>11,} B {secs:>7} s {used:>6} s CPU {mem:>6} MB  {what}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", default=[], help="corpus entries to measure (default: all)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table at the end")
    parser.add_argument("--one", nargs=2, metavar=("PATH", "FILENAME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(Path(args.one[0]), args.one[1])))
        return 0
    return run(args.only, args.markdown)


if __name__ == "__main__":
    raise SystemExit(main())
