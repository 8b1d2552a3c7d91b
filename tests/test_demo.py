"""The demo exports (tools.demo_exports.demo) and their loader (indicator.storage.demo): deterministic, both
Leader areas, three rounds, believable numbers."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from indicator.framework import load
from indicator.registry import load_villages
from indicator.storage.demo import DEMO_DIR, demo_files
from tools.demo_exports import demo
from tools.demo_exports.exports import TOOLS, export_bytes


@pytest.fixture(scope="module")
def fw():
    return load()


@pytest.fixture(scope="module")
def truth(fw) -> pd.DataFrame:
    return demo.truth_table(fw)


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Path, Path]:
    one, two = tmp_path_factory.mktemp("one"), tmp_path_factory.mktemp("two")
    demo.write_demo(one)
    assert demo.main(["--output", str(two)]) == 0
    return one, two


def cells(path: Path) -> list[list[object]]:
    wb = openpyxl.load_workbook(io.BytesIO(path.read_bytes()))
    return [[list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets]


@pytest.mark.slow
def test_two_runs_give_identical_files(written):
    one, two = written
    files = sorted(p.relative_to(one) for p in one.rglob("*.*"))
    assert files == sorted(p.relative_to(two) for p in two.rglob("*.*"))
    assert len(files) == 30
    for rel in files:
        if rel.suffix == ".csv":
            assert (one / rel).read_bytes() == (two / rel).read_bytes(), rel
        else:
            assert cells(one / rel) == cells(two / rel), rel


def test_the_loader_lists_what_is_written(written):
    one, _ = written
    listed = demo_files(one)
    assert {p for p, _ in listed} == set(one.rglob("*.*"))
    assert all(p.parent.name == str(r) for p, r in listed)
    assert [r for _, r in listed].count(2024) == 10


def test_shipped_demo_is_current(truth, fw):
    """data/demo holds exactly what `python -m tools.make_demo` writes (regenerate after changes)."""
    listed = demo_files()
    assert sorted(p for p, _ in listed) == sorted(DEMO_DIR / f.path for f in demo.plan())
    assert all(p.exists() for p, _ in listed)
    assert sum(p.stat().st_size for p, _ in listed) < 3 * 2**20
    csv_file = next(p for p, _ in listed if p.suffix == ".csv")
    plan = {DEMO_DIR / f.path: (n, f) for n, f in enumerate(demo.plan())}
    n, entry = plan[csv_file]
    rows = truth[(truth["round"] == entry.round) & truth["village"].isin(entry.villages)]
    assert export_bytes(rows, fw, entry.tool, lang=entry.lang, seed=demo.SEED + n) == csv_file.read_bytes()


def test_coverage_of_villages_rounds_and_tools(truth):
    registry = load_villages()
    assert set(truth["village"]) <= set(registry["village"])
    per_village = truth.groupby("village")["round"].nunique()
    assert (per_village == 3).sum() >= 30
    areas = registry.set_index("village").loc[sorted(set(truth["village"])), "leader_area"]
    assert areas.value_counts().min() >= 15
    tools = {f.tool for f in demo.plan()}
    assert len(tools) >= 5 and tools <= set(TOOLS)
    assert {f.lang for f in demo.plan()} == {"fi", "sv"}


def test_dates_fall_in_their_round(truth):
    assert (truth["date"].dt.year == truth["round"].astype(int)).all()


def test_respondent_counts(truth, fw):
    counts = truth.groupby(["village", "round"]).size()
    few = counts[counts < 5]
    assert sorted(few.index.tolist()) == sorted((v, r) for v, r, _ in demo.FEW_RESPONDENTS)
    assert counts[counts >= 5].between(8, 25).all()
    assert 12 <= counts.median() <= 20


def test_answers_are_valid_and_dont_know_is_realistic(truth, fw):
    for item in fw.items:
        values = truth[item.id].dropna()
        if item.type == "likert5":
            assert values.isin([1, 2, 3, 4, 5]).all(), item.id
        elif item.type == "yesno":
            assert values.isin([0, 1]).all(), item.id
        else:
            assert (values >= 0).all() and (values <= 100).all(), item.id
    missing = truth[list(fw.item_ids)].isna().mean()
    assert missing.min() > 0.05 and missing.max() < 0.5


def test_trend_kinds_all_present(fw):
    kinds = demo.trends(fw)
    assert set(kinds) == {"improving", "stagnating", "declining"}
    assert kinds.value_counts().min() >= 5


def test_scores_spread_over_all_bands(truth, fw):
    scoring = pytest.importorskip("indicator.scoring")
    table = scoring.score(truth, fw).table
    assert set(table["band"].dropna()) == {b.id for b in fw.bands}
    improving = demo.trends(fw).loc[lambda s: s == "improving"].index
    latest = table.pivot(index="village", columns="round", values="index").loc[improving]
    assert (latest[2026] > latest[2025]).mean() > 0.7


def test_no_demo_files_is_one_clear_error(tmp_path):
    from indicator.errors import StorageError
    from indicator.framework import load
    from indicator.storage import Store, load_demo

    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    with pytest.raises(StorageError, match="no demo files") as err:
        load_demo(store, load(), directory=tmp_path / "missing")
    assert "esimerkkiaineisto" in err.value.localized("fi").lower()
    store.close()
