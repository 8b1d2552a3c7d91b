"""Audit: item checks, Cronbach's alpha, correlations, availability and remove-one, against hand numbers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from indicator.audit import audit, correlations, cronbach_alpha, item_checks
from indicator.scoring import score

NAN = float("nan")


# --- item checks ------------------------------------------------------------------------------------


@pytest.fixture
def crafted() -> pd.DataFrame:
    """Ten villages; one column per situation the checks must tell apart."""
    return pd.DataFrame(
        {
            "spike": [0.0] * 9 + [10.0],  # skew sqrt(10), kurtosis 10: outlier
            "dip": [0.0] * 9 + [-10.0],  # skew -sqrt(10), kurtosis 10: outlier (|skew|)
            "tails": [-10.0] + [0.0] * 8 + [10.0],  # skew 0, kurtosis 4.5: not an outlier
            "plain": np.arange(1.0, 11.0),  # skew 0, kurtosis -1.2
            "short": [1.0, 2.0, 9.0] + [NAN] * 7,  # 3 values: availability 0.3, no kurtosis
        }
    )


def test_skew_kurtosis_and_outlier_flag(crafted: pd.DataFrame) -> None:
    # One point x among n-1 zeros: G1 = sqrt(n), G2 = n (worked out from the bias-corrected formulas).
    out = item_checks(crafted).set_index("item")
    assert out.loc["spike", "skew"] == pytest.approx(math.sqrt(10))
    assert out.loc["spike", "kurtosis"] == pytest.approx(10.0)
    assert out.loc["dip", "skew"] == pytest.approx(-math.sqrt(10))
    assert out.loc["tails", "skew"] == pytest.approx(0.0)
    assert out.loc["tails", "kurtosis"] == pytest.approx(4.5)
    assert out.loc["plain", "kurtosis"] == pytest.approx(-1.2)
    assert out["outlier"].tolist()[:4] == [True, True, False, False]
    assert pd.isna(out.loc["short", "outlier"])
    assert math.isnan(out.loc["short", "kurtosis"])


def test_availability_uniqueness_and_zeros(crafted: pd.DataFrame) -> None:
    out = item_checks(crafted).set_index("item")
    assert out["villages"].eq(10).all()
    assert out.loc["short", "available"] == 3
    assert out.loc["short", "availability"] == pytest.approx(0.3)
    assert out["low_availability"].tolist() == [False, False, False, False, True]
    assert out.loc["spike", "unique_share"] == pytest.approx(0.2)
    assert out["mode_share"].tolist() == pytest.approx([0.9, 0.9, 0.8, 0.1, 1 / 3])
    assert out.loc["tails", "unique_share"] == pytest.approx(0.3)
    assert out.loc["plain", "unique_share"] == pytest.approx(1.0)
    assert out["low_uniqueness"].tolist() == [True, True, True, False, False]
    assert out.loc["spike", "zero_share"] == pytest.approx(0.9)
    assert out.loc["plain", "zero_share"] == pytest.approx(0.0)
    assert out["many_zeros"].tolist() == [True, True, True, False, False]


def test_unique_share_of_exactly_half_is_not_flagged() -> None:
    out = item_checks(pd.DataFrame({"a": [1.0, 1.0, 1.0, 2.0], "b": [1.0, 1.0, 1.0, 1.0]}))
    assert out["unique_share"].tolist() == [0.5, 0.25]
    assert out["low_uniqueness"].tolist() == [False, True]


def test_item_without_any_value_has_na_flags() -> None:
    out = item_checks(pd.DataFrame({"a": [NAN, NAN], "b": [1.0, 2.0]}))
    assert out.loc[0, "availability"] == 0.0
    assert bool(out.loc[0, "low_availability"])
    assert pd.isna(out.loc[0, "low_uniqueness"]) and pd.isna(out.loc[0, "many_zeros"])
    assert np.isnan(out.loc[0, "mode_share"])


# --- Cronbach's alpha -------------------------------------------------------------------------------


def test_alpha_by_hand() -> None:
    # var a = var b = 1, cov = 0.5: alpha = 2 * (1 - 2 / 3) = 2/3.
    assert cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [1.0, 3.0, 2.0]})) == pytest.approx(2 / 3)


def test_alpha_uses_pairwise_complete_covariances() -> None:
    # var a (3 rows) = 1, var b (4 rows) = 35/12, cov (3 rows) = 1/2: alpha = 4 * (1/2) / (59/12) = 24/59.
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, NAN], "b": [1.0, 3.0, 2.0, 5.0]})
    assert cronbach_alpha(frame) == pytest.approx(24 / 59)


def test_alpha_is_na_with_too_few_items_or_villages() -> None:
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0, 3.0]})))
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1.0, 2.0], "b": [2.0, 1.0]})))
    assert math.isnan(cronbach_alpha(pd.DataFrame({"a": [1.0, 1.0, 1.0], "b": [2.0, 2.0, 2.0]})))


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(3, 8), st.integers(2, 5)), elements=st.integers(0, 100).map(float)))
def test_alpha_equals_variance_of_sum_form_on_complete_data(matrix: np.ndarray) -> None:
    frame = pd.DataFrame(matrix)
    k = matrix.shape[1]
    total = frame.sum(axis=1).var()
    if not total > 1e-9:
        return
    expected = k / (k - 1) * (1 - frame.var().sum() / total)
    assert cronbach_alpha(frame) == pytest.approx(expected, rel=1e-9, abs=1e-9)


# --- correlations -----------------------------------------------------------------------------------


def test_collinear_pairs_only_within_a_dimension(small_framework) -> None:
    # T1, T2 (talous): r = 10.75 / sqrt(5 * 23.1875) = 0.99838; Y1, Y2 (yhteiso): r = 4 / 5 = 0.8.
    # T1 and Y1 are identical (r = 1) but in different dimensions: never listed.
    scores = pd.DataFrame(
        {"T1": [1.0, 2.0, 3.0, 4.0], "T2": [2.0, 4.0, 6.0, 8.5], "Y1": [1.0, 2.0, 3.0, 4.0], "Y2": [1.0, 3.0, 2.0, 4.0]}
    )
    out = correlations(scores, small_framework)
    assert out[["dimension", "item_a", "item_b"]].values.tolist() == [["talous", "T1", "T2"], ["yhteiso", "Y1", "Y2"]]
    assert out["r"].tolist() == pytest.approx([10.75 / math.sqrt(5 * 23.1875), 0.8])
    assert out["reading"].tolist() == ["collinear", "ok"]
    assert out["n"].tolist() == [4, 4]


def test_correlation_readings_and_missing_pairs(small_framework) -> None:
    scores = pd.DataFrame(
        {"T1": [1.0, 2.0, 3.0, 4.0], "T2": [4.0, 3.0, 2.0, 1.0], "Y1": [1.0, 2.0, NAN, NAN], "Y2": [1.0, 3.0, 2.0, 4.0]}
    )
    out = correlations(scores, small_framework)
    assert out.loc[0, "r"] == pytest.approx(-1.0)
    assert out.loc[0, "reading"] == "negative"
    assert out.loc[1, "n"] == 2 and math.isnan(out.loc[1, "r"]) and pd.isna(out.loc[1, "reading"])


# --- the whole audit on scored responses ------------------------------------------------------------


def _responses(rows: dict[str, dict[str, list[float]]], round_: int) -> pd.DataFrame:
    frames = []
    for village, answers in rows.items():
        n = len(next(iter(answers.values())))
        frame = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in answers.items()})
        frames.append(frame.assign(village=village, round=round_, respondent=[str(i) for i in range(n)]))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def scored(small_framework):
    """Round 2025: villages A-E with 2 respondents, F with 1 (below min_respondents = 2); 2024: A only.

    Item scores 2025: T1 [0, 25, 50, 100, -], T2 [0, 50, 50, 100, 100], Y1 [0, 25, 50, 100, 50],
    Y2 [0, 0, 100, 100, 50]. Index: A 0, B 33.3, C 58.3, D 100, E 83.3.
    """
    r2025 = _responses(
        {
            "A": {"T1": [1, 1], "T2": [0, 0], "Y1": [0, 0], "Y2": [40, 40]},
            "B": {"T1": [2, 2], "T2": [1, 0], "Y1": [3, 3], "Y2": [40, 40]},
            "C": {"T1": [3, 3], "T2": [1, 0], "Y1": [6, 6], "Y2": [5, 5]},
            "D": {"T1": [5, 5], "T2": [1, 1], "Y1": [12, 12], "Y2": [5, 5]},
            "E": {"T1": [NAN, NAN], "T2": [1, 1], "Y1": [6, 6], "Y2": [20, 25]},
            "F": {"T1": [5], "T2": [1], "Y1": [12], "Y2": [5]},
        },
        2025,
    )
    r2024 = _responses({"A": {"T1": [3, 3], "T2": [1, 1], "Y1": [6, 6], "Y2": [5, 5]}}, 2024)
    return score(pd.concat([r2024, r2025], ignore_index=True), small_framework)


def test_audit_uses_latest_round_and_scored_villages(scored, small_framework) -> None:
    result = audit(scored, small_framework)
    assert result.round == 2025
    items = result.items.set_index("item")
    assert items["villages"].eq(5).all()  # F has too few respondents
    assert items.loc["T1", "availability"] == pytest.approx(0.8)
    assert items.loc["T1", ["dimension", "type"]].tolist() == ["talous", "likert5"]
    assert items.loc["Y2", "mean"] == pytest.approx((40 + 40 + 5 + 5 + 22.5) / 5)
    assert audit(scored, small_framework, round=2024).items["villages"].eq(1).all()


def test_audit_dimensions_by_hand(scored, small_framework) -> None:
    dims = audit(scored, small_framework).dimensions.set_index("dimension")
    # talous, pairwise: var T1 = 21875/12, var T2 = 1750, cov = 5000/3: alpha = 80000/82875 = 640/663.
    assert dims.loc["talous", "alpha"] == pytest.approx(640 / 663)
    assert dims.loc["talous", ["items", "villages", "collinear_pairs"]].tolist() == [2, 5, 1]
    # yhteiso: r = 6250 / sqrt(5500 * 10000); PC1 of a 2 x 2 correlation matrix explains (1 + r) / 2.
    r = 6250 / math.sqrt(5500 * 10000)
    assert dims.loc["yhteiso", "mean_r"] == pytest.approx(r)
    assert dims.loc["yhteiso", "pc1_share"] == pytest.approx((1 + r) / 2)


def test_audit_collinear_table(scored, small_framework) -> None:
    collinear = audit(scored, small_framework).collinear
    assert collinear[["dimension", "item_a", "item_b"]].values.tolist() == [["talous", "T1", "T2"]]
    assert collinear.loc[0, "r"] == pytest.approx(math.sqrt(32 / 35))  # 5000 / sqrt(5468.75 * 5000)


def test_availability_per_framework_element(scored, small_framework) -> None:
    table = audit(scored, small_framework).availability.set_index("id")
    assert table.loc["T1", ["level", "dimension"]].tolist() == ["item", "talous"]
    assert table.loc["T1", "data_share"] == pytest.approx(0.8)
    assert table.loc["talous", "data_share"] == pytest.approx(9 / 10)
    assert table.loc["index", "data_share"] == pytest.approx(19 / 20)
    assert table.loc[["talous", "yhteiso", "index"], "scored_share"].tolist() == [1.0, 1.0, 1.0]
    assert table["villages"].eq(5).all()
    assert not table["low_availability"].any()
    villages = audit(scored, small_framework).villages.set_index("village")
    assert villages.loc["E", ["items", "data_share"]].tolist() == [3, 0.75]


def test_remove_one_by_hand(scored, small_framework) -> None:
    # Nominal ranks D1 E2 C3 B4 A5. Without talous (= yhteiso): D1 C2 E3 B4 A5 -> |change| 0,0,1,0,1.
    # Without yhteiso (= talous): D and E tie at 100, D1 E1 C3 B4 A5 -> |change| 1 for E. Without T2: E loses talous and its index,
    # the others rank D1 C2 B3 A4 -> |change| 0, 1, 1, 1 over 4 villages.
    out = audit(scored, small_framework).remove_one.set_index("id")
    assert out.loc["talous", ["mean_abs_rank_change", "max_abs_rank_change", "villages"]].tolist() == [0.4, 1.0, 5]
    assert out.loc["yhteiso", ["mean_abs_rank_change", "max_abs_rank_change"]].tolist() == [0.2, 1.0]
    assert out.loc["T1", "mean_abs_rank_change"] == 0.0
    assert out.loc["T2", ["mean_abs_rank_change", "villages", "unranked"]].tolist() == [0.75, 4, 1]
    assert out["level"].tolist() == ["dimension"] * 2 + ["item"] * 4
