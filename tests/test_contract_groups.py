"""docs/method.md §4 (theme groups) through `python -m indicator groups`.

Framework: themes ta, tb; dimensions g1 (theme ta), g2 (theme tb), each one number item 0 -> 100, so a
village's dimension scores are its answers; min_respondents 1, min_dimension_coverage 1.0.
The optimum is found here by brute force over every balanced partition.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.test_contract_support import (
    band,
    dim,
    header,
    item,
    ok,
    require_groups,
    rows_csv,
    rows_json,
    run_many,
    write_framework,
)

COLUMNS = ["village", "area", "group", "theme"]
SEVENTH = {"V8": (40, 40)}
POINTS = {"V1": (10, 90), "V2": (20, 80), "V3": (15, 70), "V4": (90, 15), "V5": (80, 30), "V6": (60, 50)}


def _framework(themes: int = 2) -> dict[str, Any]:
    ids = ["ta", "tb", "tc"][:themes]
    return {
        "indicator": header(id="ryhmat", min_respondents=1, min_dimension_coverage=1.0),
        "bands": [band("b", 0)],
        "themes": [{"id": t, "name": {"fi": t}} for t in ids],
        "dimensions": [dim(f"g{n}", 1.0, t) for n, t in enumerate(ids, 1)],
        "items": [item(f"G{n}", f"g{n}", "number", 0, 100) for n in range(1, themes + 1)],
    }


def _survey(path: Path, points: dict[str, tuple[float | None, ...]], date: str | None = None) -> Path:
    width = len(next(iter(points.values())))
    cols = ";".join(f"G{n}" for n in range(1, width + 1))
    lines = [("Response date;" if date else "") + f"ort;{cols}"]
    for village, values in points.items():
        cells = ";".join("" if v is None else str(v) for v in values)
        lines.append((f"{date};" if date else "") + f"{village};{cells}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _brute_force(points: dict[str, tuple[float, ...]], k: int) -> set[frozenset[str]]:
    """Balanced partition into k groups with the least within-group sum of squares (z-scores)."""
    names = list(points)
    x = np.array([points[n] for n in names], dtype=float)
    z = (x - x.mean(axis=0)) / x.std(axis=0)  # the ddof does not change the arg-min
    n = len(names)
    sizes = [n // k + (1 if g < n % k else 0) for g in range(k)]
    best: tuple[float, set[frozenset[str]]] = (np.inf, set())

    def parts(rest: list[int], sizes_: list[int]) -> Any:
        if not sizes_:
            yield []
            return
        first, others = rest[0], rest[1:]
        for combo in itertools.combinations(others, sizes_[0] - 1):
            group = [first, *combo]
            left = [i for i in rest if i not in group]
            for tail in parts(left, sizes_[1:]):
                yield [group, *tail]

    for size_order in set(itertools.permutations(sizes)):
        for partition in parts(list(range(n)), list(size_order)):
            sse = sum(((z[g] - z[g].mean(axis=0)) ** 2).sum() for g in partition)
            if sse < best[0] - 1e-12:
                best = (sse, {frozenset(names[i] for i in g) for g in partition})
    return best[1]


@pytest.fixture(scope="module")
def grouped(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("groups")
    fw2 = write_framework(tmp / "ryhmat.toml", _framework(2))
    survey = _survey(tmp / "kylat.csv", {**POINTS, "V7": (50, None)})  # V7 has no g2 score
    # leader areas from the shipped village registry: sepra and kasvu
    areas = {"Husula": (10, 80), "Mäntlahti": (20, 70), "Salmenkylä": (80, 10), "Haapasaari": (70, 30),
             "Anjala": (30, 30), "Elimäki": (35, 40), "Hartola": (90, 80), "Aitomäki": (85, 95)}  # fmt: skip
    by_area = _survey(tmp / "alueet.csv", areas)
    old = _survey(tmp / "vanha.csv", {"W1": (10, 10), "W2": (20, 20), "V1": (99, 99)}, date="2024-05-01 10:00")
    new = _survey(tmp / "uusi.csv", POINTS, date="2025-05-01 10:00")
    db = f"sqlite:///{tmp / 'ryhmat.db'}"
    fw3 = write_framework(tmp / "kolme.toml", _framework(3))
    seven = _survey(tmp / "seitseman.csv", {**POINTS, **SEVENTH})
    three = _survey(tmp / "kolme.csv", {f"T{n}": (10 * n, 90 - 10 * n, (37 * n) % 100) for n in range(1, 9)})
    runs = run_many(
        ["groups", survey, "--size", "3", "--by", "none", "--format", "json", "--framework", fw2],
        ["groups", survey, "--size", "3", "--by", "none", "--format", "csv", "--framework", fw2],
        ["groups", survey, "--size", "2", "--by", "none", "--format", "json", "--framework", fw2],
        ["groups", survey, "--size", "5", "--by", "none", "--format", "json", "--framework", fw2],
        ["groups", survey, "--size", "3", "--by", "none", "--pin", "V1=2", "--pin", "V4=2", "--format", "json",
         "--framework", fw2],
        ["groups", by_area, "--size", "2", "--by", "leader_area", "--format", "json", "--framework", fw2],
        ["groups", old, new, "--size", "3", "--by", "none", "--format", "json", "--framework", fw2],
        ["ingest", new, "--round", "2025", "--approve", "--db", db, "--framework", fw2],
        ["groups", "--db", db, "--size", "3", "--by", "none", "--format", "csv",
         "--output", tmp / "ryhmat.csv", "--framework", fw2],
        ["groups", survey, "--by", "none", "--format", "json", "--framework", fw2],
        ["groups", three, "--size", "2", "--by", "none", "--format", "json", "--framework", fw3],
        ["groups", old, new, "--round", "2024", "--size", "3", "--by", "none", "--format", "json",
         "--framework", fw2],
        ["ingest", old, "--round", "2024", "--approve", "--db", db, "--framework", fw2],
        ["groups", "--db", db, "--size", "3", "--by", "none", "--format", "json", "--framework", fw2],
        ["groups", seven, "--size", "3", "--by", "none", "--format", "json", "--framework", fw2],
    )  # fmt: skip
    require_groups(runs[0])
    return {"runs": runs, "tmp": tmp}


def _grouped_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r.get("group") not in (None, "")]


def _partition(rows: list[dict[str, Any]]) -> set[frozenset[str]]:
    groups: dict[Any, set[str]] = {}
    for r in _grouped_rows(rows):
        groups.setdefault((r["area"], int(r["group"])), set()).add(r["village"])
    return {frozenset(g) for g in groups.values()}


def test_optimal_partition_and_themes_by_need(grouped: dict[str, Any]) -> None:
    rows = rows_json(ok(grouped["runs"][0]))
    got = _grouped_rows(rows)
    # 6 full villages, size 3 -> max(1, round(6/3)) = 2 groups of 3; V7 (no g2) left out
    assert sorted(r["village"] for r in got) == sorted(POINTS)
    assert all(r["village"] != "V7" for r in got)
    # ... and listed as left out (in the output or as a note)
    assert "V7" in grouped["runs"][0].stdout + grouped["runs"][0].stderr
    assert {r["area"] for r in got} == {"all"}
    assert sorted(int(r["group"]) for r in got) == [1, 1, 1, 2, 2, 2]
    best = _brute_force(POINTS, 2)
    assert _partition(rows) == best
    # themes: each theme one group (2 groups, 2 themes); need = 100 - group mean in the theme's dimension;
    # pick the assignment with the largest total need, by hand over both possibilities
    groups = list(best)
    mean = {g: np.mean([POINTS[v] for v in g], axis=0) for g in groups}
    a, b = groups
    one = (100 - mean[a][0]) + (100 - mean[b][1])  # a -> ta (g1), b -> tb (g2)
    two = (100 - mean[a][1]) + (100 - mean[b][0])
    want = {a: "ta", b: "tb"} if one > two else {a: "tb", b: "ta"}
    for r in got:
        group = next(g for g in groups if r["village"] in g)
        assert r["theme"] == want[group], r


def test_groups_csv_columns(grouped: dict[str, Any]) -> None:
    text = ok(grouped["runs"][1])
    assert text.splitlines()[0].split(",")[:4] == COLUMNS
    rows = rows_csv(text)
    assert _partition(rows) == _brute_force(POINTS, 2)


def _best_themes(partition: set[frozenset[str]], themes: list[str]) -> dict[frozenset[str], str]:
    """Themes as evenly as possible (counts differ by <= 1), then the largest total need, by brute force."""
    groups = sorted(partition, key=sorted)
    best: tuple[float, dict[frozenset[str], str]] = (-np.inf, {})
    for choice in itertools.product(range(len(themes)), repeat=len(groups)):
        counts = [choice.count(t) for t in range(len(themes))]
        if max(counts) - min(counts) > 1:
            continue
        # need = 100 - the group's mean score in its theme's dimension (theme t <-> dimension t)
        need = sum(100 - np.mean([POINTS[v][t] for v in g]) for g, t in zip(groups, choice, strict=True))
        if need > best[0] + 1e-9:
            best = (need, {g: themes[t] for g, t in zip(groups, choice, strict=True)})
    return best[1]


def test_group_count_sizes_and_even_themes(grouped: dict[str, Any]) -> None:
    # size 2: round(6/2) = 3 groups of 2; 2 themes over 3 groups -> 2 and 1
    rows = _grouped_rows(rows_json(ok(grouped["runs"][2])))
    partition = _partition(rows)
    assert partition == _brute_force(POINTS, 3)
    want = _best_themes(partition, ["ta", "tb"])
    for r in rows:
        assert r["theme"] == want[next(g for g in partition if r["village"] in g)], r
    sizes: dict[int, int] = {}
    themes: dict[int, str] = {}
    for r in rows:
        sizes[int(r["group"])] = sizes.get(int(r["group"]), 0) + 1
        assert themes.setdefault(int(r["group"]), r["theme"]) == r["theme"], "one theme per group"
    assert sorted(sizes) == [1, 2, 3] and set(sizes.values()) == {2}
    assert sorted(list(themes.values()).count(t) for t in ("ta", "tb")) == [1, 2]
    # size 5: max(1, round(6/5)) = 1 group of 6
    rows = _grouped_rows(rows_json(ok(grouped["runs"][3])))
    assert {int(r["group"]) for r in rows} == {1} and len(rows) == 6
    # default size 5 gives the same
    rows = _grouped_rows(rows_json(ok(grouped["runs"][9])))
    assert {int(r["group"]) for r in rows} == {1} and len(rows) == 6


def test_pins_are_honoured(grouped: dict[str, Any]) -> None:
    rows = _grouped_rows(rows_json(ok(grouped["runs"][4])))
    group = {r["village"]: int(r["group"]) for r in rows}
    assert group["V1"] == 2 and group["V4"] == 2
    assert sorted(group.values()) == [1, 1, 1, 2, 2, 2]


def test_groups_within_each_leader_area(grouped: dict[str, Any]) -> None:
    rows = _grouped_rows(rows_json(ok(grouped["runs"][5])))
    area = {r["village"]: r["area"] for r in rows}
    sepra = {area[v] for v in ("Husula", "Mäntlahti", "Salmenkylä", "Haapasaari")}
    kasvu = {area[v] for v in ("Anjala", "Elimäki", "Hartola", "Aitomäki")}
    assert len(sepra) == 1 and len(kasvu) == 1 and sepra != kasvu
    for name in sepra | kasvu:
        # 4 villages per area, size 2 -> 2 groups of 2, numbered 1..2 within the area
        numbers = sorted(int(r["group"]) for r in rows if r["area"] == name)
        assert numbers == [1, 1, 2, 2]


def test_latest_round_of_the_files_is_grouped(grouped: dict[str, Any]) -> None:
    rows = _grouped_rows(rows_json(ok(grouped["runs"][6])))
    # vanha.csv is round 2024 (W1, W2, V1), uusi.csv round 2025 (V1..V6): only 2025 is grouped
    assert sorted(r["village"] for r in rows) == sorted(POINTS)
    assert _partition(rows) == _brute_force(POINTS, 2)


def test_groups_from_the_database(grouped: dict[str, Any]) -> None:
    ok(grouped["runs"][7])
    ok(grouped["runs"][8])
    text = (grouped["tmp"] / "ryhmat.csv").read_text(encoding="utf-8")
    assert text.splitlines()[0].split(",")[:4] == COLUMNS
    rows = rows_csv(text)
    assert {r["area"] for r in rows} == {"all"}
    assert _partition(rows) == _brute_force(POINTS, 2)


def test_three_themes_over_four_groups_as_evenly_as_possible(grouped: dict[str, Any]) -> None:
    rows = _grouped_rows(rows_json(ok(grouped["runs"][10])))
    # 8 villages, size 2 -> 4 groups of 2; 3 themes over 4 groups -> counts 2, 1, 1
    themes = {int(r["group"]): r["theme"] for r in rows}
    assert sorted(themes) == [1, 2, 3, 4]
    assert sorted(list(themes.values()).count(t) for t in ("ta", "tb", "tc")) == [1, 1, 2]


def test_round_option_selects_the_round(grouped: dict[str, Any]) -> None:
    rows = _grouped_rows(rows_json(ok(grouped["runs"][11])))
    # round 2024: W1, W2, V1 -> size 3 -> one group of 3
    assert sorted(r["village"] for r in rows) == ["V1", "W1", "W2"]
    assert {int(r["group"]) for r in rows} == {1}


def test_database_with_two_rounds_groups_the_latest(grouped: dict[str, Any]) -> None:
    ok(grouped["runs"][12])
    rows = _grouped_rows(rows_json(ok(grouped["runs"][13])))
    assert sorted(r["village"] for r in rows) == sorted(POINTS)


def test_sizes_differ_by_at_most_one(grouped: dict[str, Any]) -> None:
    rows = _grouped_rows(rows_json(ok(grouped["runs"][14])))
    # 7 villages, size 3 -> max(1, round(7/3)) = round(2.33) = 2 groups: 4 and 3
    sizes = sorted(len(g) for g in _partition(rows))
    assert sizes == [3, 4]
    assert _partition(rows) == _brute_force({**POINTS, **SEVENTH}, 2)
