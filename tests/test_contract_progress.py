"""docs/method.md §3 (progress toward the target year) through `ingest --approve` and `progress --db`.

Framework: baseline_year 2024, target_year 2030, min_respondents 1, min_dimension_coverage 1.0;
dimensions p1, p2 with one number item each (0 -> 100), so a village's dimension score is its answer
and its index the mean of both.  Rounds 2022 (before the baseline), 2024 and 2026.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from tests.test_contract_support import (
    band,
    dim,
    header,
    item,
    ok,
    rows_csv,
    rows_json,
    run_many,
    write_framework,
)

COLUMNS = [
    "village", "measure", "first_round", "last_round", "first_score", "last_score",
    "slope", "required", "status", "projected",
]  # fmt: skip

# village -> {round: (P1, P2)}; None = no answer
DATA: dict[str, dict[int, tuple[float | None, float | None]]] = {
    "Aa": {2022: (20, 20), 2024: (30, 30), 2026: (50, 50)},
    "Bb": {2024: (40, 40), 2026: (60, 60)},
    "Cc": {2024: (50, 50), 2026: (90, 90)},
    "Dd": {2024: (50, 50), 2026: (52, 52)},
    "Ee": {2024: (60, 60), 2026: (30, 30)},
    "Ff": {2026: (100, 100)},
    "Ll": {2024: (100, 100), 2026: (100, 100)},
    "Gg": {2026: (70, 70)},
    "Hh": {2024: (50, 50), 2026: (50, 50)},
    "Ii": {2024: (40, 40), 2026: (50, 50)},
    "Jj": {2024: (20, 60), 2026: (40, 60)},
    "Kk": {2022: (90, None), 2024: (40, 40), 2026: (50, 50)},
}

# (village, measure) -> first_round, last_round, first_score, last_score, slope, required, status, projected
E = dict
EXPECTED: dict[tuple[str, str], dict[str, Any]] = {}
for _m in ("index", "p1", "p2"):
    # x 2022, 2024, 2026 (mean 2024), y 20, 30, 50 (mean 33.33): Sxy = (-2)(-13.33) + 0 + 2(16.67) = 60,
    # Sxx = 8 -> slope 7.5; first round 2022 is before the baseline: required (100-20)/(2030-2022) = 10;
    # 7.5 >= 0.5*10 -> moderately_improving; projected 50 + 7.5*4 = 80
    EXPECTED[("Aa", _m)] = E(fr=2022, lr=2026, fs=20, ls=50, slope=7.5, req=10, st="moderately_improving", pr=80)
    # (60-40)/2 = 10 = required (100-40)/6 = 10 -> on_track (slope >= required); projected 60 + 40 = 100
    EXPECTED[("Bb", _m)] = E(fr=2024, lr=2026, fs=40, ls=60, slope=10, req=10, st="on_track", pr=100)
    # slope 20 >= 50/6; projected 90 + 20*4 = 170 -> clipped to 100
    EXPECTED[("Cc", _m)] = E(fr=2024, lr=2026, fs=50, ls=90, slope=20, req=50 / 6, st="on_track", pr=100)
    # slope 1 < 0.5 * 50/6 = 4.17, >= 0 -> stagnating; projected 52 + 4 = 56
    EXPECTED[("Dd", _m)] = E(fr=2024, lr=2026, fs=50, ls=52, slope=1, req=50 / 6, st="stagnating", pr=56)
    # slope -15 -> decreasing; projected 30 - 60 = -30 -> clipped to 0
    EXPECTED[("Ee", _m)] = E(fr=2024, lr=2026, fs=60, ls=30, slope=-15, req=40 / 6, st="decreasing", pr=0)
    # one round with 100: achieved
    EXPECTED[("Ff", _m)] = E(fr=2026, lr=2026, fs=100, ls=100, st="achieved")
    # 100 in both rounds: slope 0 >= required 0 would be on_track, but the latest score is 100 -> achieved
    EXPECTED[("Ll", _m)] = E(fr=2024, lr=2026, fs=100, ls=100, slope=0, req=0, st="achieved", pr=100)
    # one round below 100: insufficient_data
    EXPECTED[("Gg", _m)] = E(fr=2026, lr=2026, fs=70, ls=70, st="insufficient_data")
    # slope 0 >= 0 -> stagnating; projected 50
    EXPECTED[("Hh", _m)] = E(fr=2024, lr=2026, fs=50, ls=50, slope=0, req=50 / 6, st="stagnating", pr=50)
    # slope 5 = 0.5 * required 10 -> moderately_improving; projected 50 + 20 = 70
    EXPECTED[("Ii", _m)] = E(fr=2024, lr=2026, fs=40, ls=50, slope=5, req=10, st="moderately_improving", pr=70)
# Jj: index 40 -> 50 (slope 5, required 60/6 = 10 -> moderately_improving, projected 70);
# p1 20 -> 40 (slope 10, required 80/6 = 13.33, half 6.67 -> moderately_improving, projected 40+40 = 80);
# p2 60 -> 60 (slope 0 -> stagnating, required 40/6, projected 60)
EXPECTED[("Jj", "index")] = E(fr=2024, lr=2026, fs=40, ls=50, slope=5, req=10, st="moderately_improving", pr=70)
EXPECTED[("Jj", "p1")] = E(fr=2024, lr=2026, fs=20, ls=40, slope=10, req=80 / 6, st="moderately_improving", pr=80)
EXPECTED[("Jj", "p2")] = E(fr=2024, lr=2026, fs=60, ls=60, slope=0, req=40 / 6, st="stagnating", pr=60)
# Kk 2022: P2 missing -> no p2 and no index (coverage 1/2 < 1.0) in 2022, only p1 = 90.
# index: scored rounds 2024 (40), 2026 (50) only -> first_round 2024, slope 5, required 10 -> moderately
# p1: 90, 40, 50 at 2022/24/26: mean 60, Sxy = (-2)(30) + 0 + 2(-10) = -80, Sxx = 8 -> slope -10 ->
#     decreasing; required (100-90)/(2030-2022) = 1.25; projected 50 - 40 = 10
EXPECTED[("Kk", "index")] = E(fr=2024, lr=2026, fs=40, ls=50, slope=5, req=10, st="moderately_improving", pr=70)
EXPECTED[("Kk", "p1")] = E(fr=2022, lr=2026, fs=90, ls=50, slope=-10, req=1.25, st="decreasing", pr=10)
EXPECTED[("Kk", "p2")] = E(fr=2024, lr=2026, fs=40, ls=50, slope=5, req=10, st="moderately_improving", pr=70)


def _framework() -> dict[str, Any]:
    return {
        "indicator": header(id="edistys", min_respondents=1, min_dimension_coverage=1.0),
        "bands": [band("b", 0)],
        "dimensions": [dim("p1"), dim("p2")],
        "items": [item("P1", "p1", "number", 0, 100), item("P2", "p2", "number", 0, 100)],
    }


def _round_file(path: Path, year: int) -> Path:
    lines = ["ort;P1;P2"]
    for village, rounds in DATA.items():
        if year in rounds:
            p1, p2 = rounds[year]
            lines.append(f"{village};{'' if p1 is None else p1};{'' if p2 is None else p2}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def progress(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("progress")
    fw = write_framework(tmp / "edistys.toml", _framework())
    db = f"sqlite:///{tmp / 'edistys.db'}"
    pending = tmp / "pending.csv"
    pending.write_text("ort;P1;P2\nPp;10;10\n", encoding="utf-8")
    calls = [
        ["ingest", _round_file(tmp / f"r{year}.csv", year), "--round", str(year), "--approve", "--db", db]
        for year in (2022, 2024, 2026)
    ]
    calls.append(["ingest", pending, "--round", "2026", "--db", db])  # not approved: must not count
    calls += [
        ["progress", "--db", db, "--format", "json"],
        ["progress", "--db", db, "--format", "csv"],
        ["progress", "--db", db, "--format", "csv", "--output", tmp / "progress.csv"],
    ]
    runs = [call for call in run_many(*[[*c, "--framework", fw] for c in calls])]
    for run in runs[:4]:
        ok(run)
    return {"runs": runs, "tmp": tmp}


def _village_rows(rows: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    if rows and "level" in rows[0]:
        rows = [r for r in rows if r["level"] in ("village", None, "")]
    out = {(r["village"], r["measure"]): r for r in rows}
    assert len(out) == len(rows), "one row per village and measure"
    return out


def _num(value: Any) -> float | None:
    return None if value in (None, "") else float(value)


def _check(got: dict[str, Any], want: dict[str, Any], key: tuple[str, str]) -> None:
    assert int(got["first_round"]) == want["fr"], (key, got)
    assert int(got["last_round"]) == want["lr"], (key, got)
    assert _num(got["first_score"]) == pytest.approx(want["fs"], abs=1e-9), (key, got)
    assert _num(got["last_score"]) == pytest.approx(want["ls"], abs=1e-9), (key, got)
    assert got["status"] == want["st"], (key, got)
    for name, short in (("slope", "slope"), ("required", "req"), ("projected", "pr")):
        if short in want:
            assert _num(got[name]) == pytest.approx(want[short], abs=1e-9), (key, name, got)


def test_progress_json_every_status(progress: dict[str, Any]) -> None:
    rows = _village_rows(rows_json(ok(progress["runs"][4])))
    assert set(rows) == set(EXPECTED), "one row per village and measure (index + each dimension)"
    for key, want in EXPECTED.items():
        _check(rows[key], want, key)


def test_progress_csv_columns_and_values(progress: dict[str, Any]) -> None:
    text = ok(progress["runs"][5])
    head = text.splitlines()[0].split(",")
    assert head[: len(COLUMNS)] == COLUMNS
    assert set(head) - set(COLUMNS) <= {"level"}
    rows = _village_rows(rows_csv(text))
    assert set(rows) == set(EXPECTED)
    for key, want in EXPECTED.items():
        _check(rows[key], want, key)
    # full precision: required 50/6 = 8.333... written unrounded
    assert float(rows[("Cc", "index")]["required"]) == pytest.approx(50 / 6, abs=1e-12)
    saved = (progress["tmp"] / "progress.csv").read_text(encoding="utf-8")
    assert saved.splitlines()[0].split(",")[: len(COLUMNS)] == COLUMNS
    assert len(rows_csv(saved)) == len(rows_csv(text))


def test_pending_uploads_do_not_count(progress: dict[str, Any]) -> None:
    rows = rows_json(ok(progress["runs"][4]))
    assert "Pp" not in {r["village"] for r in rows}


def test_area_and_province_rows_are_marked_by_level(progress: dict[str, Any]) -> None:
    rows = rows_json(ok(progress["runs"][4]))
    if any(r.get("level") not in (None, "village") for r in rows):
        assert all("level" in r for r in rows)
    for r in rows:
        for key in ("slope", "projected"):
            value = r.get(key)
            assert value is None or isinstance(value, int | float) and not math.isnan(value)
    json.dumps(rows)  # valid json without NaN
