"""Ingest benchmark: scoring a 20 000 × 60 xlsx export against bare pandas reads of the same file.

Goal (issue "Survey import"): ``python -m indicator score FILE --format csv`` costs at most 1.5× a bare
``pd.read_excel(FILE, engine="calamine")`` and at least 3× less than a bare openpyxl read, each timed as a
whole separate process (start-up and imports included), several repeats, medians.

    python benchmarks/ingest.py [--rows 20000] [--repeats 3] [--keep FILE]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicator.framework import load  # noqa: E402
from tools.demo_exports.exports import AGREEMENT, YES_NO  # noqa: E402

VILLAGES = ("Ahvio", "Kaipiainen", "Sippola", "Muhniemi", "Keltakangas", "Anjala", "Inkeroinen", "Myllykoski")
WIDTH = 60


def make_file(path: Path, rows: int, seed: int = 0) -> None:
    """A Webropol-like raw export: time, village, one column per item (Finnish labels and numbers),
    then comment and metadata columns up to 60 columns."""
    framework = load()
    rng = np.random.default_rng(seed)
    items = list(framework.items)
    extra = WIDTH - 2 - len(items)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Vastaukset")
    sheet.append(["Vastausaika", "Asuinkylä", *[f"{i.id}. {i.text.get('fi', i.id)}" for i in items],
                  *[f"Lisätieto {k + 1}" for k in range(extra)]])
    labels = np.array([*AGREEMENT["fi"], "En osaa sanoa"], dtype=object)
    yes_no = np.array([*YES_NO["fi"]], dtype=object)
    columns = []
    for n, item in enumerate(items):
        if item.type == "likert5":
            codes = rng.integers(0, 6, rows)
            col = labels[codes] if n % 2 else np.where(codes < 5, codes + 1, None).astype(object)
        elif item.type == "yesno":
            col = yes_no[rng.integers(0, 2, rows)]
        else:
            col = np.round(rng.uniform(0, 200, rows), 1).astype(object)
        columns.append(col)
    villages = np.array(VILLAGES, dtype=object)[rng.integers(0, len(VILLAGES), rows)]
    days = rng.integers(0, 60, rows)
    for r in range(rows):
        stamp = f"{1 + days[r] % 28}.{4 + days[r] // 28}.2024 {r % 24}:{r % 60:02d}:{r % 59:02d}"
        sheet.append([stamp, villages[r], *(c[r] for c in columns), *(f"kommentti {r}" for _ in range(extra))])
    book.save(path)


def _once(code: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(code, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if done.returncode:
        print(f"failed ({done.returncode}): {' '.join(code)}\n{done.stderr.strip()[-500:]}", file=sys.stderr)
        return float("nan")
    return time.perf_counter() - start


def run(path: Path, repeats: int, skip: tuple[str, ...] = ()) -> dict[str, float]:
    """Median wall seconds of each variant as its own process; variants interleaved in every repeat so
    that a change in machine load hits all of them alike."""
    py = sys.executable
    variants = {
        "calamine": [py, "-c", f"import pandas as pd; pd.read_excel({str(path)!r}, engine='calamine')"],
        "openpyxl": [py, "-c", f"import pandas as pd; pd.read_excel({str(path)!r}, engine='openpyxl')"],
        "score": [py, "-m", "indicator", "score", str(path), "--format", "csv"],
        "read_survey": [py, "-c", "from indicator.framework import load; from indicator.reading import "
                        f"read_survey; read_survey({str(path)!r}, load())"],
        # the same work as `score` without the command line's imports of every subcommand's modules
        "pipeline": [py, "-c", "import sys; from indicator.framework import load; from indicator.pipeline "
                     f"import score_files; score_files([{str(path)!r}], load()).table.to_csv(sys.stdout)"],
    }
    variants = {name: code for name, code in variants.items() if name not in skip}
    times: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(repeats):
        for name, code in variants.items():
            times[name].append(_once(code))
    return {name: statistics.median(values) for name, values in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--keep", help="write the generated file here (and reuse it if it exists)")
    parser.add_argument("--skip", action="append", default=[], choices=["openpyxl", "read_survey", "pipeline"],
                        help="leave out a variant (openpyxl takes ~10x longer than the others)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "ingest.xlsx"
        if not path.exists():
            start = time.perf_counter()
            make_file(path, args.rows)
            print(f"generated {path} ({path.stat().st_size / 2**20:.1f} MB) in {time.perf_counter() - start:.1f} s")
        times = run(path, args.repeats, tuple(args.skip))
    for name, seconds in times.items():
        print(f"{name:12s} {seconds:7.2f} s (median of {args.repeats})")
    print(f"score / calamine       = {times['score'] / times['calamine']:.2f}  (goal <= 1.5)")
    if "openpyxl" in times:
        print(f"openpyxl / score       = {times['openpyxl'] / times['score']:.2f}  (goal >= 3)")
    for name in ("read_survey", "pipeline"):
        if name in times:
            print(f"{name + ' / calamine':22s} = {times[name] / times['calamine']:.2f}")


if __name__ == "__main__":
    main()
