"""Monte Carlo rank uncertainty: noise formula, determinism, zero-noise identity, bands, unranked draws."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from indicator.errors import IndicatorError
from indicator.scoring import ScoreOptions, score
from indicator.uncertainty import COLUMNS, draw, draw_ranks, rank_uncertainty, renormalised, summarise

NAN = float("nan")


def _responses(rows: dict[str, dict[str, list[float]]], round_: int = 2025) -> pd.DataFrame:
    frames = []
    for village, answers in rows.items():
        n = len(next(iter(answers.values())))
        frame = pd.DataFrame({k: np.asarray(v, dtype=float) for k, v in answers.items()})
        frames.append(frame.assign(village=village, round=round_, respondent=[str(i) for i in range(n)]))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture
def mixed_responses() -> pd.DataFrame:
    """Six villages with crossing profiles (ranks move under noise), F with too few respondents.

    Item scores (T1, T2, Y1, Y2): A (0, 0, 0, 0), B (25, 50, 25, 0), C (50, 50, 50, 100), D (100, 100,
    100, 100), E (-, 100, 50, 50), G (100, 0, 100, 100).
    """
    rows = {
        "A": {"T1": [1, 1], "T2": [0, 0], "Y1": [0, 0], "Y2": [40, 40]},
        "B": {"T1": [2, 2], "T2": [1, 0], "Y1": [3, 3], "Y2": [40, 40]},
        "C": {"T1": [3, 3], "T2": [1, 0], "Y1": [6, 6], "Y2": [5, 5]},
        "D": {"T1": [5, 5], "T2": [1, 1], "Y1": [12, 12], "Y2": [5, 5]},
        "E": {"T1": [NAN, NAN], "T2": [1, 1], "Y1": [6, 6], "Y2": [20, 25]},
        "F": {"T1": [5], "T2": [1], "Y1": [12], "Y2": [5]},
        "G": {"T1": [5, 5], "T2": [0, 0], "Y1": [12, 12], "Y2": [5, 5]},
    }
    return _responses(rows)


@pytest.fixture
def mixed(mixed_responses, small_framework):
    return score(mixed_responses, small_framework)


def test_columns_and_village_order(mixed, small_framework) -> None:
    out = rank_uncertainty(mixed, small_framework, n=50)
    assert tuple(out.columns) == COLUMNS
    assert out["village"].tolist()[-1] == "F"  # too few respondents: unranked, last
    assert out.loc[out["village"] == "F", "ranked_draws"].item() == 0
    assert out.loc[out["village"] == "F", ["median_rank", "mean_abs_shift"]].isna().all(axis=None)
    assert out["nominal_rank"].dtype == "Int64"


def test_nominal_rank_is_the_scores_rank(mixed, small_framework) -> None:
    out = rank_uncertainty(mixed, small_framework, n=10).set_index("village")
    table = mixed.table.set_index("village")
    assert out["nominal_rank"].equals(table.loc[out.index, "rank"])


def test_zero_noise_arithmetic_reproduces_the_nominal_ranks(mixed, small_framework) -> None:
    out = rank_uncertainty(mixed, small_framework, n=30, noise=0.0, aggregations=["arithmetic"])
    ranked = out[out["nominal_rank"].notna()]
    nominal = ranked["nominal_rank"].astype(float)
    for column in ("median_rank", "p05_rank", "p95_rank"):
        assert ranked[column].tolist() == nominal.tolist()
    assert ranked["mean_abs_shift"].eq(0.0).all()
    assert ranked["ranked_draws"].eq(30).all()


def test_same_seed_same_result_other_seed_differs(mixed, small_framework) -> None:
    first = rank_uncertainty(mixed, small_framework, n=200, seed=7)
    pd.testing.assert_frame_equal(first, rank_uncertainty(mixed, small_framework, n=200, seed=7))
    other = rank_uncertainty(mixed, small_framework, n=200, seed=8)
    assert not first["mean_abs_shift"].equals(other["mean_abs_shift"])


def test_bands_are_ordered_and_contain_nominal_for_robust_villages(mixed, small_framework) -> None:
    out = rank_uncertainty(mixed, small_framework, n=400, seed=1).set_index("village")
    ranked = out[out["ranked_draws"] > 0]
    assert (ranked["p05_rank"] <= ranked["median_rank"]).all()
    assert (ranked["median_rank"] <= ranked["p95_rank"]).all()
    # D is 100 everywhere and A 0 everywhere: first and last whatever the weights and the mean.
    assert out.loc["D", ["p05_rank", "median_rank", "p95_rank", "mean_abs_shift"]].tolist() == [1, 1, 1, 0]
    assert out.loc["A", ["p05_rank", "p95_rank"]].tolist() == [6, 6]
    inside = (ranked["p05_rank"] <= ranked["nominal_rank"]) & (ranked["nominal_rank"] <= ranked["p95_rank"])
    assert inside.all()


def test_geometric_keeps_zero_scores_on_the_1_100_scale(small_framework) -> None:
    # X: T1 0, rest 100 -> arithmetic 83.3 beats Y (50 everywhere); geometric on 1 + 0.99x:
    # talous 100^(3/4) = 31.6, index exp((2 ln 31.6 + ln 100) / 3) = 46.4 -> (46.4 - 1) / 0.99 = 45.9 < 50.
    rows = {
        "X": {"T1": [1, 1], "T2": [1, 1], "Y1": [12, 12], "Y2": [5, 5]},
        "Y": {"T1": [3, 3], "T2": [1, 0], "Y1": [6, 6], "Y2": [22.5, 22.5]},
    }
    scores = score(_responses(rows), small_framework)
    arith = rank_uncertainty(scores, small_framework, n=5, noise=0.0, aggregations=["arithmetic"])
    geo = rank_uncertainty(scores, small_framework, n=5, noise=0.0, aggregations=["geometric"])
    assert arith.set_index("village")["median_rank"].to_dict() == {"X": 1.0, "Y": 2.0}
    assert geo.set_index("village")["median_rank"].to_dict() == {"X": 2.0, "Y": 1.0}
    assert geo["ranked_draws"].eq(5).all()  # the zero is not dropped, X stays ranked


def test_village_near_a_coverage_threshold_is_unranked_in_some_draws(small_framework) -> None:
    # Only talous data: dimension coverage 2/3 >= 0.6 nominally; with ±25 % weights it ranges
    # from 1.5/2.75 = 0.55 to 2.5/3.25 = 0.77, so some draws leave the village without an index.
    rows = {
        "only_talous": {"T1": [4, 4], "T2": [1, 1], "Y1": [NAN, NAN], "Y2": [NAN, NAN]},
        "full": {"T1": [3, 3], "T2": [1, 0], "Y1": [6, 6], "Y2": [5, 5]},
    }
    scores = score(_responses(rows), small_framework)
    out = rank_uncertainty(scores, small_framework, n=300, seed=3).set_index("village")
    assert 0 < out.loc["only_talous", "ranked_draws"] < 300
    assert out.loc["full", "ranked_draws"] == 300
    assert out.loc["only_talous", "nominal_rank"] == 1


def test_noise_formula_and_aggregation_choice() -> None:
    weights = np.array([1.0, 2.0, 4.0])
    draws = draw(weights, np.array([3.0]), n=2000, seed=11)
    u = np.random.default_rng(11).random((2000, 3))
    np.testing.assert_allclose(draws.item_weights, weights * (1 + 0.25 * (2 * u - 1)))
    assert (draws.item_weights >= 0.75 * weights).all() and (draws.item_weights <= 1.25 * weights).all()
    assert (np.abs(draws.dimension_weights - 3.0) <= 0.75).all()
    share = (draws.aggregation == "geometric").mean()
    assert 0.45 < share < 0.55
    assert set(draws.aggregation) == {"arithmetic", "geometric"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "number of draws"),
        ({"noise": 1.5}, "weight noise"),
        ({"aggregations": ["harmonic"]}, "aggregations"),
        ({"aggregations": []}, "aggregations"),
        ({"normalisations": ["rank"]}, "normalisations"),
    ],
)
def test_bad_settings_are_refused(mixed, small_framework, kwargs, message) -> None:
    with pytest.raises(IndicatorError, match=message):
        rank_uncertainty(mixed, small_framework, **kwargs)


def test_nominal_follows_the_options_weights(mixed, small_framework) -> None:
    # Nominal weights: C 58.3 beats G 50. With talous weighted 0 the index is yhteiso alone: G 100, C 75.
    default = rank_uncertainty(mixed, small_framework, n=5).set_index("village")["nominal_rank"]
    out = rank_uncertainty(mixed, small_framework, n=5, options=ScoreOptions(weights={"talous": 0.0}))
    nominal = out.set_index("village")["nominal_rank"]
    assert default["C"] < default["G"]
    assert nominal["G"] < nominal["C"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    matrix=arrays(
        np.float64,
        st.tuples(st.integers(2, 7), st.just(4)),
        elements=st.one_of(st.just(NAN), st.floats(0, 100, allow_nan=False)),
    ),
    seed=st.integers(0, 2**32 - 1),
)
def test_percentiles_are_ordered_for_any_data(small_framework, matrix: np.ndarray, seed: int) -> None:
    # The framework fixture is immutable, so sharing it between examples is safe.
    draws = draw(np.ones(4), np.array([2.0, 1.0]), n=40, seed=seed)
    ranks = draw_ranks(matrix, small_framework, draws)
    out = summarise(ranks[0], ranks)
    seen = out["ranked_draws"] > 0
    assert (out.loc[seen, "p05_rank"] <= out.loc[seen, "median_rank"] + 1e-12).all()
    assert (out.loc[seen, "median_rank"] <= out.loc[seen, "p95_rank"] + 1e-12).all()
    assert (out.loc[seen, "p95_rank"] <= matrix.shape[0]).all()
    assert out.loc[~seen, "median_rank"].isna().all()


@pytest.mark.parametrize("method", ["goalposts", "minmax", "zscore"])
def test_renormalised_matches_scoring(mixed_responses, mixed, small_framework, method) -> None:
    villages = pd.Index(["A", "E", "F", "G"], name="village")
    got = renormalised(mixed, small_framework, method, 2025, villages)
    expected = score(mixed_responses, small_framework, ScoreOptions(normalisation=method)).item_scores
    expected = expected.xs(2025, level="round").reindex(villages)[list(small_framework.item_ids)]
    np.testing.assert_allclose(got, expected.to_numpy(dtype=float))
    assert np.isnan(got[2]).all()  # F: too few respondents


def test_varying_normalisation_keeps_the_weight_stream() -> None:
    plain = draw(np.ones(3), np.ones(2), n=50, seed=4)
    varied = draw(np.ones(3), np.ones(2), n=50, seed=4, normalisations=["goalposts", "zscore"])
    np.testing.assert_array_equal(plain.item_weights, varied.item_weights)
    np.testing.assert_array_equal(plain.aggregation, varied.aggregation)
    assert plain.normalisation is None and set(varied.normalisation) == {"goalposts", "zscore"}


def test_goalposts_only_normalisation_reproduces_nominal(mixed, small_framework) -> None:
    out = rank_uncertainty(
        mixed, small_framework, n=20, noise=0.0, aggregations=["arithmetic"], normalisations=["goalposts"]
    )
    ranked = out[out["nominal_rank"].notna()]
    assert ranked["median_rank"].tolist() == ranked["nominal_rank"].astype(float).tolist()
    assert out.attrs["uncertainty"] == {
        "round": 2025,
        "n": 20,
        "seed": 0,
        "noise": 0.0,
        "aggregations": ["arithmetic"],
        "normalisations": ["goalposts"],
    }


def test_varying_normalisation_moves_ranks(small_framework) -> None:
    # Goalposts: P talous (100 + 3 * 40) / 4 = 55 beats Q (0 + 3 * 60) / 4 = 45. z-scores put T1 and T2 on
    # the same spread, so T2's weight 3 decides: Q first. Yhteiso is equal for both.
    rows = {
        "P": {"T1": [5] * 5, "T2": [1, 1, 0, 0, 0], "Y1": [6] * 5, "Y2": [5] * 5},
        "Q": {"T1": [1] * 5, "T2": [1, 1, 1, 0, 0], "Y1": [6] * 5, "Y2": [5] * 5},
    }
    scores = score(_responses(rows), small_framework)
    kwargs = {"n": 200, "noise": 0.0, "aggregations": ["arithmetic"]}
    plain = rank_uncertainty(scores, small_framework, **kwargs).set_index("village")
    zscore = rank_uncertainty(scores, small_framework, normalisations=["zscore"], **kwargs).set_index("village")
    both = rank_uncertainty(scores, small_framework, normalisations=["goalposts", "zscore"], **kwargs)
    assert plain["median_rank"].to_dict() == {"P": 1.0, "Q": 2.0}
    assert zscore["median_rank"].to_dict() == {"P": 2.0, "Q": 1.0}
    assert zscore["mean_abs_shift"].tolist() == [1.0, 1.0]
    assert both.set_index("village")[["p05_rank", "p95_rank"]].values.tolist() == [[1.0, 2.0], [1.0, 2.0]]
