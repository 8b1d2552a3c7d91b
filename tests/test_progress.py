"""Progress toward the target year (docs/method.md §3, both rules), numbers worked out by hand.

The small framework's target year is 2030.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.errors import IndicatorError
from indicator.progress import (
    COLUMNS,
    METHODS,
    THRESHOLDS,
    Status,
    aggregate_history,
    classify,
    linked_means,
    progress,
    series_status,
)

NAN = float("nan")


def history(rows: list[tuple[str, int, float]], dims: float | None = None) -> pd.DataFrame:
    """A Scores.table-like frame: (village, round, index); dimensions all equal ``dims`` (or the index)."""
    frame = pd.DataFrame(rows, columns=["village", "round", "index"])
    frame["round"] = frame["round"].astype("Int64")
    frame["talous"] = frame["index"] if dims is None else dims
    frame["yhteiso"] = frame["index"] if dims is None else dims
    return frame


def row_of(table: pd.DataFrame, village: str, measure: str = "index") -> dict:
    found = table[(table["village"] == village) & (table["measure"] == measure)]
    assert len(found) == 1, f"expected one row for {village}/{measure}"
    return found.iloc[0].to_dict()


CONTRACT_CASES = [
    # village, rounds, expected status, slope, required, projected
    ("achieved", [(2024, 80.0), (2026, 100.0)], "achieved", 10.0, 20 / 6, 100.0),
    ("achieved_one", [(2026, 100.0)], "achieved", NAN, 0.0, NAN),
    ("on_track", [(2024, 40.0), (2026, 60.0)], "on_track", 10.0, 10.0, 100.0),
    ("moderate", [(2024, 40.0), (2026, 52.0)], "moderately_improving", 6.0, 10.0, 76.0),
    ("stagnating", [(2024, 40.0), (2026, 44.0)], "stagnating", 2.0, 10.0, 52.0),
    ("flat", [(2024, 40.0), (2026, 40.0)], "stagnating", 0.0, 10.0, 40.0),
    ("decreasing", [(2024, 30.0), (2026, 10.0)], "decreasing", -10.0, 70 / 6, 0.0),
    ("one_round", [(2025, 70.0)], "insufficient_data", NAN, 6.0, NAN),
    # three rounds: least squares, xm = 2025, sxy = 12, sxx = 2 -> slope 6 (not (52-40)/2)
    ("three", [(2024, 40.0), (2025, 50.0), (2026, 52.0)], "moderately_improving", 6.0, 10.0, 76.0),
    ("clip_high", [(2024, 90.0), (2026, 98.0)], "on_track", 4.0, 10 / 6, 100.0),
    # first round in the target year: required undefined, status from the slope's sign only
    ("late_up", [(2030, 50.0), (2031, 60.0)], "stagnating", 10.0, NAN, 50.0),
    ("late_down", [(2030, 60.0), (2032, 50.0)], "decreasing", -5.0, NAN, 60.0),
]


@pytest.mark.parametrize(("village", "rounds", "status", "slope", "required", "projected"), CONTRACT_CASES)
def test_contract_status_by_hand(small_framework, village, rounds, status, slope, required, projected):
    table = progress(history([(village, y, s) for y, s in rounds]), small_framework)
    row = row_of(table, village)
    assert row["status"] == status
    assert row["level"] == "village"
    assert row["first_round"] == rounds[0][0] and row["last_round"] == rounds[-1][0]
    assert row["first_score"] == rounds[0][1] and row["last_score"] == rounds[-1][1]
    for key, expected in (("slope", slope), ("required", required), ("projected", projected)):
        assert (math.isnan(row[key]) and math.isnan(expected)) or row[key] == pytest.approx(expected), key


def test_columns_and_order(small_framework):
    table = progress(history([("B", 2024, 50.0), ("A", 2024, 40.0), ("A", 2026, 60.0)]), small_framework)
    assert list(table.columns) == list(COLUMNS)
    assert list(zip(table["village"], table["measure"], strict=True))[:6] == [
        ("A", "index"), ("A", "talous"), ("A", "yhteiso"), ("B", "index"), ("B", "talous"), ("B", "yhteiso"),
    ]
    assert table["first_round"].dtype == "Int64"


def test_achieved_within_tolerance_and_missing_rounds_skipped(small_framework):
    frame = history([("A", 2024, 50.0), ("A", 2025, NAN), ("A", 2026, 100.0 - 1e-10)])
    row = row_of(progress(frame, small_framework), "A")
    assert row["status"] == "achieved"
    assert row["last_round"] == 2026 and row["first_round"] == 2024
    assert row["slope"] == pytest.approx(25.0)


def test_village_without_scores_is_insufficient(small_framework):
    row = row_of(progress(history([("A", 2024, NAN), ("A", 2026, NAN)]), small_framework), "A")
    assert row["status"] == "insufficient_data"
    assert pd.isna(row["first_round"]) and math.isnan(row["slope"])


def test_each_dimension_is_a_measure(small_framework):
    frame = history([("A", 2024, 40.0), ("A", 2026, 60.0)])
    frame["talous"] = [40.0, 44.0]
    table = progress(frame, small_framework)
    assert row_of(table, "A", "talous")["status"] == "stagnating"
    assert row_of(table, "A", "yhteiso")["status"] == "on_track"


GROWTH_CASES = [
    # g_o = (last/first)^(1/2) - 1, g_r = (100/first)^(1/6) - 1, ratio = g_o / g_r
    ("on", 40.0, 60.0, "on_track", 1.362147498752264),
    ("moderate", 40.0, 51.0, "moderately_improving", 0.7828146608354251),
    ("limited", 40.0, 42.0, "stagnating", 0.14967343463011412),
    ("down", 40.0, 38.0, "decreasing", -0.1534644362528963),
    # a last score of 0 counts as 0.001: g_o = (0.001/40)^(1/2) - 1 = -0.995, g_r = 2.5^(1/6) - 1 = 0.16499
    ("to_zero", 40.0, 0.0, "decreasing", -6.030557017236683),
    ("done", 40.0, 100.0, "achieved", None),
]


@pytest.mark.parametrize(("village", "first", "last", "status", "ratio"), GROWTH_CASES)
def test_growth_ratio_by_hand(small_framework, village, first, last, status, ratio):
    table = progress(history([(village, 2024, first), (village, 2026, last)]), small_framework, method="growth_ratio")
    row = row_of(table, village)
    assert row["status"] == status
    if ratio is not None:
        assert row["ratio"] == pytest.approx(ratio)
    assert list(table.columns) == [*COLUMNS, "ratio"]


def test_growth_ratio_edges(small_framework):
    frame = history([("one", 2024, 40.0), ("late", 2030, 50.0), ("late", 2031, 40.0), ("top", 2024, 100.0),
                     ("top", 2026, 90.0)])
    table = progress(frame, small_framework, method="growth_ratio")
    assert row_of(table, "one")["status"] == "insufficient_data"
    assert row_of(table, "late")["status"] == "decreasing" and math.isnan(row_of(table, "late")["ratio"])
    assert row_of(table, "top")["status"] == "decreasing"  # started at the target, fell back


# A series whose first score is 0 has no growth ratio (0 cannot grow by a rate): the slope rule decides.
ZERO_START_CASES = [
    # x 2024, 2025, 2026 (mean 2025), y 0, 0.5, 1: Sxy = (-1)(-0.5) + 0 + (1)(0.5) = 1, Sxx = 2 -> slope 0.5;
    # required (100 - 0) / (2030 - 2024) = 16.67; 0.5 < 0.5 * 16.67 = 8.33 and >= 0 -> stagnating
    ("creep", [(2024, 0.0), (2025, 0.5), (2026, 1.0)], "stagnating", 0.5),
    # 0 -> 0: slope 0 >= 0 -> stagnating
    ("still", [(2024, 0.0), (2026, 0.0)], "stagnating", 0.0),
    # 0 -> 60: slope 30 >= required 16.67 -> on_track
    ("leap", [(2024, 0.0), (2026, 60.0)], "on_track", 30.0),
    # 0 -> 100: the latest score is the target -> achieved
    ("reached", [(2024, 0.0), (2026, 100.0)], "achieved", 50.0),
]


@pytest.mark.parametrize(("village", "rounds", "status", "slope"), ZERO_START_CASES)
def test_growth_ratio_from_zero_uses_the_slope_rule(small_framework, village, rounds, status, slope):
    frame = history([(village, y, s) for y, s in rounds])
    row = row_of(progress(frame, small_framework, method="growth_ratio"), village)
    assert row["status"] == status
    assert row["slope"] == pytest.approx(slope) and row["required"] == pytest.approx(100 / 6)
    assert math.isnan(row["ratio"])
    assert row_of(progress(frame, small_framework, method="slope"), village)["status"] == status


def test_contract_is_an_alias_of_slope(small_framework):
    frame = history([("A", 2024, 40.0), ("A", 2026, 52.0)])
    assert progress(frame, small_framework, method="contract").equals(progress(frame, small_framework))
    assert "contract" not in METHODS and METHODS == ("slope", "growth_ratio")


def test_leader_area_and_province_rows(small_framework):
    registry = pd.DataFrame({"village": ["A", "B", "C"], "leader_area": ["sepra", "sepra", "kasvu"]})
    frame = history([("A", 2024, 40.0), ("A", 2026, 60.0), ("b", 2024, 60.0), ("b", 2026, 60.0), ("C", 2024, 50.0)])
    table = progress(frame, small_framework, registry=registry)
    assert list(table["level"].unique()) == ["village", "leader_area", "province"]
    sepra = row_of(table, "sepra")  # per-round means 50 and 60 ("b" matches "B" case-insensitively)
    assert sepra["level"] == "leader_area"
    assert (sepra["first_score"], sepra["last_score"], sepra["slope"]) == (50.0, 60.0, pytest.approx(5.0))
    assert sepra["required"] == pytest.approx(50 / 6) and sepra["status"] == "moderately_improving"
    assert row_of(table, "kasvu")["status"] == "insufficient_data"
    province = row_of(table, "Kymenlaakso")  # 2024: mean(40, 60, 50) = 50; 2026: mean(60, 60) = 60
    assert province["level"] == "province"
    assert (province["first_score"], province["last_score"]) == (50.0, 60.0)
    assert len(table[table["level"] == "province"]) == 3


def linked(rows: list[tuple[str, int, float]]) -> list[float]:
    """The linked means (one group) of (village, round, score) rows, in round order."""
    long = pd.DataFrame(rows, columns=["village", "round", "score"]).assign(group="G", measure="index")
    return linked_means(long)["score"].tolist()


def test_linked_mean_follows_the_villages_scored_in_both_rounds():
    # 2024: mean(40, 60) = 50; 2026: only A is scored both times (+10), C joins: 50 + 10 = 60, not mean 70
    assert linked([("A", 2024, 40.0), ("B", 2024, 60.0), ("A", 2026, 50.0), ("C", 2026, 90.0)]) == [50.0, 60.0]
    # 2025 links A and B (+4 and -2: +1), 2026 links B alone (+6): 50, 51, 57
    rows = [("A", 2024, 40.0), ("B", 2024, 60.0), ("A", 2025, 44.0), ("B", 2025, 58.0), ("B", 2026, 64.0),
            ("D", 2026, 10.0)]
    assert linked(rows) == pytest.approx([50.0, 51.0, 57.0])


def test_linked_mean_starts_again_when_no_village_links_two_rounds():
    assert linked([("A", 2024, 40.0), ("B", 2026, 70.0), ("C", 2026, 90.0), ("B", 2027, 75.0)]) == [40.0, 80.0, 85.0]


def test_linked_mean_stays_within_0_and_100():
    # 100 (A); 2025 links A (0): 100; 2026 links B (+20): 120, shown as 100
    assert linked([("A", 2024, 100.0), ("A", 2025, 100.0), ("B", 2025, 50.0), ("B", 2026, 70.0)]) == [100.0] * 3


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.floats(0, 100), min_size=3, max_size=3), min_size=1, max_size=6))
def test_linked_mean_of_the_same_villages_is_the_plain_mean(values):
    rows = [(f"V{v}", 2024 + r, score) for v, series in enumerate(values) for r, score in enumerate(series)]
    plain = pd.DataFrame(rows, columns=["village", "round", "score"]).groupby("round")["score"].mean()
    assert linked(rows) == pytest.approx(plain.tolist(), abs=1e-9)


def test_the_province_row_rates_the_linked_series_that_is_drawn(small_framework):
    # C joins in 2026 with 90: the plain means 50 -> 70 would read as a rise of 10 a year; the villages
    # scored both times rose by 10 in all (A +20, B 0): 50 -> 60, 5 a year
    frame = history([("A", 2024, 40.0), ("B", 2024, 60.0), ("A", 2026, 60.0), ("B", 2026, 60.0),
                     ("C", 2026, 90.0)])
    province = row_of(progress(frame, small_framework), "Kymenlaakso")
    assert (province["first_score"], province["last_score"]) == (50.0, 60.0)
    assert province["slope"] == pytest.approx(5.0) and province["status"] == "moderately_improving"
    drawn = aggregate_history(frame, ["index"], by="province")
    assert drawn[["round", "index"]].values.tolist() == [[2024, 50.0], [2026, 60.0]]


def test_without_registry_only_the_province_aggregates(small_framework):
    table = progress(history([("A", 2024, 40.0), ("A", 2026, 60.0)]), small_framework)
    assert set(table["level"]) == {"village", "province"}


def test_empty_history(small_framework):
    table = progress(history([]), small_framework)
    assert table.empty and list(table.columns) == list(COLUMNS)


def test_unknown_method_is_refused(small_framework):
    with pytest.raises(IndicatorError, match="unknown progress method 'cagr'"):
        progress(history([("A", 2024, 40.0)]), small_framework, method="cagr")


def test_history_needs_village_and_round(small_framework):
    with pytest.raises(IndicatorError, match="'round'"):
        progress(pd.DataFrame({"village": ["A"], "index": [1.0]}), small_framework)


def test_classify_thresholds_are_data():
    assert [s for s, _ in THRESHOLDS["slope"]] == [Status.ON_TRACK, Status.MODERATELY_IMPROVING, Status.STAGNATING]
    got = classify(np.array([10.0, 5.0, 4.9, 0.0, -0.1, 1.0]), np.array([10.0, 10.0, 10.0, 10.0, 10.0, np.inf]))
    assert list(got) == ["on_track", "moderately_improving", "stagnating", "stagnating", "decreasing", "stagnating"]


scores = st.floats(0, 100, allow_nan=False)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(2020, 2035), scores), min_size=1, max_size=6, unique_by=lambda t: t[0]),
       st.sampled_from(["slope", "growth_ratio"]))
def test_invariants(rows, method):
    years = pd.Series([y for y, _ in rows])
    values = pd.Series([s for _, s in rows])
    row = series_status(years, values, target_year=2030, method=method)
    assert row["status"] in {s.value for s in Status}
    assert math.isnan(row["projected"]) or 0.0 <= row["projected"] <= 100.0
    if len(rows) == 1 and abs(rows[0][1] - 100) > 1e-9:
        assert row["status"] == "insufficient_data"
    if len(rows) == 2:
        (y0, s0), (y1, s1) = sorted(rows)
        assert row["slope"] == pytest.approx((s1 - s0) / (y1 - y0), abs=1e-9)


@settings(max_examples=25, deadline=None)
@given(st.lists(scores, min_size=3, max_size=6), st.floats(-20, 20), st.floats(0.1, 3))
def test_slope_is_least_squares(values, shift, scale):
    years = pd.Series(range(2024, 2024 + len(values)))
    expected = np.polyfit(years.to_numpy(float), np.array(values), 1)[0]
    assert series_status(years, pd.Series(values), 2030)["slope"] == pytest.approx(expected, abs=1e-6)
    moved = pd.Series(values) * scale + shift
    assert series_status(years + 7, moved, 2030)["slope"] == pytest.approx(expected * scale, abs=1e-6)
