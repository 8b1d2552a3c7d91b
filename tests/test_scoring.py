"""Scoring (docs/method.md §2) against numbers worked out by hand, plus invariants."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.errors import IndicatorError
from indicator.scoring import ScoreOptions, aggregate_batch, rank_desc, score

NAN = math.nan


def responses(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["village", "round", "T1", "T2", "Y1", "Y2"])
    frame["respondent"] = [str(n) for n in range(2, len(frame) + 2)]
    return frame


HAND = [
    ("A", 2024, 3, 1, 6, 20),
    ("A", 2024, 4, 0, 12, 20),
    ("A", 2024, 5, 1, 30, NAN),
    ("A", 2024, NAN, NAN, NAN, NAN),  # no valid answer: not a respondent
    ("B", 2024, 5, NAN, NAN, 50),
    ("B", 2024, 5, NAN, NAN, 60),
    ("C", 2024, 4, 1, 10, 10),
    ("D", 2024, 5, 1, 12, 5),
    ("D", 2024, 5, 1, 12, 5),
]


def row(table: pd.DataFrame, village: str, round_: int = 2024) -> pd.Series:
    return table[(table["village"] == village) & (table["round"] == round_)].iloc[0]


def test_hand_computed_village(small_framework):
    result = score(responses(HAND), small_framework)
    a = row(result.table, "A")
    assert a["respondents"] == 3
    values = result.item_values.loc[("A", 2024)]
    assert values["T1"] == pytest.approx(4.0)
    assert values["T2"] == pytest.approx(200 / 3)
    assert values["Y1"] == pytest.approx(12.0)
    assert values["Y2"] == pytest.approx(20.0)
    item_scores = result.item_scores.loc[("A", 2024)]
    assert item_scores["T1"] == pytest.approx(75.0)
    assert item_scores["Y2"] == pytest.approx(100 * 20 / 35)  # less is better: 40 -> 0, 5 -> 100
    assert a["talous"] == pytest.approx((75 * 1 + 200 / 3 * 3) / 4)
    assert a["yhteiso"] == pytest.approx((100 + 100 * 20 / 35) / 2)
    assert a["index"] == pytest.approx((68.75 * 2 + (100 + 100 * 20 / 35) / 2) / 3)
    assert a["band"] == "mid"
    assert a["rank"] == 2


def test_coverage_thresholds(small_framework):
    result = score(responses(HAND), small_framework)
    b = row(result.table, "B")
    assert pd.isna(b["talous"])  # 1 of 4 item weight < 0.5
    assert b["yhteiso"] == 0.0  # exactly 0.5 of the weight is enough; 55 km is beyond the lower goalpost
    assert pd.isna(b["index"])  # 1 of 3 dimension weight < 0.6
    assert pd.isna(b["rank"]) and pd.isna(b["band"])
    assert result.coverage.loc[("B", 2024), "talous"] == pytest.approx(0.25)
    flags = result.flags[result.flags["village"] == "B"]
    assert set(flags["flag"]) == {"low_item_coverage", "low_dimension_coverage"}


def test_too_few_respondents_keeps_a_row_without_scores(small_framework):
    result = score(responses(HAND), small_framework)
    c = row(result.table, "C")
    assert c["respondents"] == 1
    assert c[["index", "talous", "yhteiso"]].isna().all()
    assert result.item_values.loc[("C", 2024), "T1"] == 4.0  # data kept
    assert result.item_scores.loc[("C", 2024)].isna().all()  # but no breakdown
    assert list(result.flags.loc[result.flags["village"] == "C", "flag"]) == ["too_few_respondents"]


def test_full_marks_and_band(small_framework):
    d = row(score(responses(HAND), small_framework).table, "D")
    assert d["index"] == pytest.approx(100.0)
    assert d["band"] == "high" and d["rank"] == 1


def test_table_columns_match_the_contract(small_framework):
    table = score(responses(HAND), small_framework).table
    assert list(table.columns) == ["village", "round", "respondents", "index", "talous", "yhteiso", "rank", "band"]


def test_ties_share_the_lowest_rank():
    assert list(rank_desc([70, 80, 80, 60, np.nan])[:4]) == [3, 1, 1, 4]
    assert np.isnan(rank_desc([70, np.nan])[1])


def test_ranks_are_within_each_round(small_framework):
    rows = [(v, r, 5, 1, 12, 5) for v in "AB" for r in (2024, 2025) for _ in range(2)]
    rows += [("C", 2025, 1, 0, 0, 40), ("C", 2025, 1, 0, 0, 40)]
    table = score(responses(rows), small_framework).table
    assert list(table.loc[table["round"] == 2024, "rank"]) == [1, 1]
    assert list(table.loc[table["round"] == 2025, "rank"]) == [1, 1, 3]
    assert row(table, "C", 2025)["band"] == "low" and row(table, "C", 2025)["index"] == 0.0


def test_band_boundaries_are_inclusive(small_framework):
    assert small_framework.band_for(50.0).id == "mid"
    assert small_framework.band_for(49.999).id == "low"
    assert small_framework.band_for(80.0).id == "high"
    assert small_framework.band_for(float("nan")) is None


def test_weight_override_changes_the_index(small_framework):
    options = ScoreOptions(weights={"talous": 1.0, "T2": 1.0})
    a = row(score(responses(HAND), small_framework, options).table, "A")
    talous = (75 + 200 / 3) / 2
    yhteiso = (100 + 100 * 20 / 35) / 2
    assert a["index"] == pytest.approx((talous + yhteiso) / 2)


def test_unknown_weight_and_option_are_refused(small_framework):
    with pytest.raises(IndicatorError, match="unknown items or dimensions: NOPE"):
        score(responses(HAND), small_framework, ScoreOptions(weights={"NOPE": 1.0}))
    with pytest.raises(IndicatorError, match="unknown normalisation 'rank'"):
        ScoreOptions(normalisation="rank")
    with pytest.raises(IndicatorError, match="must be a number >= 0"):
        ScoreOptions(weights={"T1": -1})


def test_geometric_aggregation_on_the_shifted_scale(small_framework):
    rows = [("A", 2024, 5, 0, 12, 5), ("A", 2024, 5, 0, 12, 5)]  # T1 100, T2 0, Y1 100, Y2 100
    a = row(score(responses(rows), small_framework, ScoreOptions(aggregation="geometric")).table, "A")
    # talous: exp((1*ln(1+99) + 3*ln(1+0)) / 4) - 1 over 0.99
    talous = (math.exp(math.log(100.0) / 4) - 1) / 0.99
    assert a["talous"] == pytest.approx(talous)
    assert a["yhteiso"] == pytest.approx(100.0)
    expected = (math.exp((2 * math.log1p(talous * 0.99) + math.log(100.0)) / 3) - 1) / 0.99
    assert a["index"] == pytest.approx(expected)


def test_minmax_and_zscore_compare_villages(small_framework):
    rows = [(v, 2024, t1, 1, 12, 5) for v, t1 in (("A", 2), ("B", 3), ("C", 5)) for _ in range(2)]
    minmax = score(responses(rows), small_framework, ScoreOptions(normalisation="minmax"))
    assert list(minmax.item_scores["T1"]) == pytest.approx([0.0, 100 / 3, 100.0])
    assert list(minmax.item_scores["T2"]) == [50.0, 50.0, 50.0]  # no spread: the middle
    z = score(responses(rows), small_framework, ScoreOptions(normalisation="zscore"))
    sd = np.std([2, 3, 5], ddof=1)
    assert z.item_scores.loc[("A", 2024), "T1"] == pytest.approx(50 + 10 * (2 - 10 / 3) / sd)


def test_batch_aggregation_equals_single_runs(small_framework):
    result = score(responses(HAND), small_framework)
    s = result.item_scores.to_numpy(dtype=float)
    weights = np.array([[1.0, 3.0, 1.0, 1.0], [2.0, 1.0, 1.0, 1.0]])
    dims = np.array([[2.0, 1.0], [1.0, 1.0]])
    _, index = aggregate_batch(s, small_framework, weights, dims)
    for r in range(2):
        w = dict(zip(["T1", "T2", "Y1", "Y2"], weights[r], strict=True)) | {"talous": dims[r, 0], "yhteiso": dims[r, 1]}
        single = score(responses(HAND), small_framework, ScoreOptions(weights=w))
        expected = single.table.set_index(["village", "round"])["index"].reindex(result.item_scores.index)
        np.testing.assert_allclose(index[r], expected.to_numpy(dtype=float))


# --- invariants -------------------------------------------------------------------------------------

answer = st.one_of(st.none(), st.integers(1, 5))
yes = st.one_of(st.none(), st.integers(0, 1))
count = st.one_of(st.none(), st.floats(0, 60, allow_nan=False))
respondent = st.tuples(st.sampled_from("ABC"), st.sampled_from([2024, 2025]), answer, yes, count, count)


def _rows(draw_rows):
    return [tuple(NAN if x is None else x for x in r) for r in draw_rows]


@settings(max_examples=60, deadline=None)
@given(st.lists(respondent, min_size=1, max_size=30))
def test_scores_stay_within_0_and_100(small_framework, rows):
    table = score(responses(_rows(rows)), small_framework).table
    values = table[["index", "talous", "yhteiso"]].to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    assert ((values >= 0) & (values <= 100)).all()


@settings(max_examples=40, deadline=None)
@given(st.lists(respondent, min_size=1, max_size=30), st.randoms(use_true_random=False))
def test_row_order_does_not_matter(small_framework, rows, rnd):
    frame = responses(_rows(rows))
    shuffled = frame.sample(frac=1.0, random_state=rnd.randint(0, 10**6))
    a = score(frame, small_framework).table
    b = score(shuffled, small_framework).table
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=60, deadline=None)
@given(st.lists(respondent, min_size=2, max_size=20), st.data())
def test_a_better_answer_never_lowers_a_score(small_framework, rows, data):
    frame = responses(_rows(rows))
    pick = data.draw(st.integers(0, len(frame) - 1))
    better = frame.copy()
    if pd.isna(better.loc[pick, "T1"]) or better.loc[pick, "T1"] == 5:
        return
    better.loc[pick, "T1"] += 1
    before = score(frame, small_framework).table.set_index(["village", "round"])
    after = score(better, small_framework).table.set_index(["village", "round"])
    key = (frame.loc[pick, "village"], frame.loc[pick, "round"])
    for column in ("index", "talous"):
        if not pd.isna(before.loc[key, column]):
            assert after.loc[key, column] >= before.loc[key, column] - 1e-9


def test_scores_pickle_for_caching(small_framework):
    import pickle

    options = ScoreOptions(weights={"T1": 2.0})
    result = score(responses(HAND), small_framework, options)
    again = pickle.loads(pickle.dumps(result))
    pd.testing.assert_frame_equal(again.table, result.table)
    assert again.options == options


def test_float_noise_does_not_split_ties_or_bands():
    # 49.999999999999986 is 50 by hand: same rank as 50.0 and in the band starting at 50
    assert list(rank_desc([100.0, 50.0, 49.999999999999986])) == [1, 2, 2]
