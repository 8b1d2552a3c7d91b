"""Theme groups: the grouping objective against an independent brute force, balance, pins and links,
themes by need, standardisation and explanations, with numbers worked out by hand."""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicator.errors import GroupingError
from indicator.framework import loads
from indicator.grouping import (
    ASSIGNMENT_COLUMNS,
    assign_themes,
    group_count,
    group_sizes,
    make_groups,
    need_matrix,
    partition,
    partition_count,
    standardise,
)
from tests.conftest import SMALL_FRAMEWORK

THEMED = """
[indicator]
id = "teemat"
name = "Teemat"
version = "1"
baseline_year = 2024
target_year = 2030

[[themes]]
id = "t1"
name = "Yksi"

[[themes]]
id = "t2"
name = "Kaksi"

[[dimensions]]
id = "a"
name = "A"
theme = "t1"

[[dimensions]]
id = "b"
name = "B"
theme = "t2"

[[dimensions]]
id = "c"
name = "C"

[[items]]
id = "A1"
dimension = "a"
text = "a"
type = "likert5"
lower = 1
target = 5

[[items]]
id = "B1"
dimension = "b"
text = "b"
type = "likert5"
lower = 1
target = 5

[[items]]
id = "C1"
dimension = "c"
text = "c"
type = "likert5"
lower = 1
target = 5
"""


@pytest.fixture(scope="module")
def fw():
    return loads(THEMED, source="themed.toml")


@pytest.fixture(scope="module")
def no_themes():
    text = SMALL_FRAMEWORK.replace('theme = "talous"\n', "")
    return loads(text, source="nothemes.toml")


def scores_frame(values: np.ndarray, dims=("a", "b", "c"), names=None) -> pd.DataFrame:
    names = names or [f"K{i:02d}" for i in range(len(values))]
    frame = pd.DataFrame({"village": names, "round": 2025, "respondents": 10, "index": 50.0})
    for d, dim in enumerate(dims):
        frame[dim] = values[:, d]
    return frame


def random_scores(n: int, seed: int, d: int = 3) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 100, size=(n, d))


def brute_force(values: np.ndarray, k: int) -> list[float]:
    """The cost of every partition into ``k`` groups of balanced sizes, sorted. Each partition is listed once:
    a group is the lowest village not yet placed and a choice of mates (itertools.combinations) for one of the
    sizes still open."""
    n = len(values)
    sd = values.std(axis=0)
    z = (values - values.mean(axis=0)) / np.where(sd > 0, sd, 1.0)
    costs: list[float] = []

    @functools.cache
    def sse(block: tuple[int, ...]) -> float:
        members = z[list(block)]
        return float(((members - members.mean(axis=0)) ** 2).sum())

    def place(rest: tuple[int, ...], sizes: tuple[int, ...], cost: float) -> None:
        if not rest:
            costs.append(cost)
            return
        for size in set(sizes):
            left_sizes = list(sizes)
            left_sizes.remove(size)
            for mates in itertools.combinations(rest[1:], size - 1):
                block = (rest[0], *mates)
                place(tuple(v for v in rest if v not in block), tuple(left_sizes), cost + sse(block))

    place(tuple(range(n)), tuple([n // k + 1] * (n % k) + [n // k] * (k - n % k)), 0.0)
    return sorted(costs)


def contract_cost(frame: pd.DataFrame, grouping, dims=("a", "b", "c")) -> float:
    merged = grouping.assignments.merge(frame, on="village")
    z = standardise(merged[list(dims)].to_numpy())
    return sum(((z[merged.group == g] - z[merged.group == g].mean(axis=0)) ** 2).sum() for g in merged.group.unique())


# --- counts, sizes, standardisation -------------------------------------------------------------------


def test_group_count_and_sizes_by_hand():
    assert [group_count(n, 5) for n in (1, 2, 3, 7, 8, 12, 13, 15, 17, 18)] == [1, 1, 1, 1, 2, 2, 3, 3, 3, 4]
    assert group_count(5, 2) == 2  # round(2.5) is 2 in Python (halves to even)
    assert group_sizes(17, 3) == (5, 6, 2)
    assert group_sizes(15, 3) == (5, 5, 0)
    assert partition_count(15, 3) == 126126
    assert partition_count(6, 2) == 10


def test_standardise_population_sd_and_constant_column():
    z = standardise(np.array([[1.0, 5.0], [3.0, 5.0], [5.0, 5.0]]))
    sd = np.sqrt(8 / 3)  # population sd of 1, 3, 5
    assert z[:, 0] == pytest.approx([-2 / sd, 0.0, 2 / sd])
    assert z[:, 1].tolist() == [0.0, 0.0, 0.0]


def test_cost_is_within_group_ss_of_standardised_scores(fw):
    # a: 0, 1, 10, 11 -> mean 5.5, population variance 25.25; groups {0,1} {10,11} have SS 0.5 + 0.5
    # b is constant (contributes 0), c repeats a.
    values = np.array([[0, 40, 0], [1, 40, 1], [10, 40, 10], [11, 40, 11]], dtype=float)
    grouping = make_groups(scores_frame(values), fw, size=2, by="none", bootstraps=0)
    assert grouping.cost["cost"].iloc[0] == pytest.approx(2 * 1 / 25.25)
    assert grouping.assignments["group"].tolist() == [1, 1, 2, 2]
    assert grouping.cost["method"].iloc[0] == "exact"
    assert bool(grouping.cost["optimal"].iloc[0]) and grouping.optimal


# --- the optimum --------------------------------------------------------------------------------------


@pytest.mark.parametrize("n,size,seed", [(6, 3, 1), (7, 3, 2), (8, 4, 3), (9, 3, 4), (8, 3, 5), (10, 5, 6)])
def test_optimum_and_runner_up_equal_brute_force(fw, n, size, seed):
    values = random_scores(n, seed)
    k = group_count(n, size)
    costs = brute_force(values, k)
    grouping = make_groups(scores_frame(values), fw, size=size, by="none", bootstraps=0)
    assert grouping.cost["cost"].iloc[0] == pytest.approx(costs[0])
    assert contract_cost(scores_frame(values), grouping) == pytest.approx(costs[0])
    assert grouping.alternative["alternative_cost"].iloc[0] == pytest.approx(costs[1])
    assert grouping.alternative["extra_pct"].iloc[0] == pytest.approx(100 * (costs[1] - costs[0]) / costs[0])
    # at the optimum no single swap lowers the objective
    assert (grouping.assignments["swap_cost"] >= -1e-9).all()


def test_kmeans_reaches_the_exact_optimum_on_small_cases(fw):
    values = [random_scores(15, seed, d=3) for seed in range(8)]
    exact = [make_groups(scores_frame(v), fw, by="none", bootstraps=0).cost["cost"].iloc[0] for v in values]
    heuristic = [make_groups(scores_frame(v), fw, by="none", bootstraps=0, exact=False) for v in values]
    assert all(g.cost["method"].iloc[0] == "heuristic" and not g.optimal for g in heuristic)
    costs = [g.cost["cost"].iloc[0] for g in heuristic]
    assert all(h >= e - 1e-9 for h, e in zip(costs, exact, strict=True))
    assert sum(abs(h - e) < 1e-9 for h, e in zip(costs, exact, strict=True)) >= 7


@pytest.mark.slow
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(1, 40), size=st.integers(1, 8), seed=st.integers(0, 1000))
def test_sizes_balanced_and_count_by_contract(fw, n, size, seed):
    grouping = make_groups(scores_frame(random_scores(n, seed)), fw, size=size, by="none", bootstraps=0, restarts=2)
    counts = grouping.assignments["group"].value_counts()
    assert len(grouping.assignments) == n
    assert sorted(counts.index) == list(range(1, max(1, round(n / size)) + 1))
    assert counts.max() - counts.min() <= 1


# --- pins and links -------------------------------------------------------------------------------------


@pytest.fixture(params=["exact", "heuristic"])
def method(request, monkeypatch):
    if request.param == "heuristic":
        monkeypatch.setattr("indicator.grouping.exact.POOL_LIMIT", 0)
    return request.param


def test_pins_and_links_are_kept(fw, method):
    frame = scores_frame(random_scores(12, 7))
    grouping = make_groups(
        frame,
        fw,
        size=4,
        by="none",
        pins={"K00": 3, "K05": 3, "K07": 1},
        together=[("K01", "K02"), ("K02", "K09")],
        apart=[("K03", "K04"), ("K03", "K10")],
        bootstraps=0,
    )
    group = grouping.assignments.set_index("village")["group"]
    assert grouping.cost["method"].iloc[0] == method
    assert group["K00"] == group["K05"] == 3 and group["K07"] == 1
    assert group["K01"] == group["K02"] == group["K09"]
    assert group["K03"] != group["K04"] and group["K03"] != group["K10"]
    assert sorted(grouping.assignments["group"].value_counts()) == [4, 4, 4]


def test_pin_costs_are_never_below_the_free_optimum(fw):
    frame = scores_frame(random_scores(9, 11))
    free = make_groups(frame, fw, size=3, by="none", bootstraps=0)
    first = free.assignments.set_index("village")["group"]
    other = next(v for v in first.index if first[v] != first["K00"])
    pinned = make_groups(frame, fw, size=3, by="none", together=[("K00", other)], bootstraps=0)
    assert pinned.cost["cost"].iloc[0] > free.cost["cost"].iloc[0]


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"pins": {"K00": 4}}, "groups 1..3"),
        ({"pins": {"K00": 0}}, "groups 1..3"),
        ({"pins": {"K00": 1, "K01": 1}, "apart": [("K00", "K01")]}, "pinned to the same group"),
        ({"together": [("K00", "K01")], "apart": [("K01", "K00")]}, "both together and apart"),
        ({"together": [("K00", "K01"), ("K01", "K02"), ("K02", "K03")]}, "at most 3"),
        ({"pins": {"K00": 1, "K01": 1, "K02": 1, "K03": 1}}, "at most 3"),
        ({"pins": {"K00": 1, "K01": 2}, "together": [("K00", "K01")]}, "pinned to different groups"),
        ({"pins": {"Nowhere": 1}}, "not among the villages"),
        ({"apart": [("K00", "K01"), ("K00", "K02"), ("K00", "K03"), ("K01", "K02")]}, None),
    ],
)
def test_impossible_requests_raise_grouping_error(fw, method, kwargs, message):
    frame = scores_frame(random_scores(9, 3))
    if message is None:  # 9 villages in 3 groups: K00, K01, K02 pairwise apart is fine, add K03 too
        kwargs = {"apart": [(a, b) for a, b in itertools.combinations(["K00", "K01", "K02", "K03"], 2)]}
        message = "together/apart|no grouping"
    with pytest.raises(GroupingError, match=message):
        make_groups(frame, fw, size=3, by="none", bootstraps=0, **kwargs)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"size": 0}, "at least 1"),
        ({"by": "municipality"}, "'by' must be one of"),
        ({"pins": {"K00": "2"}}, "whole number"),
    ],
)
def test_bad_options_raise(fw, kwargs, message):
    with pytest.raises(GroupingError, match=message):
        make_groups(scores_frame(random_scores(6, 1)), fw, by=kwargs.pop("by", "none"), bootstraps=0, **kwargs)


def test_several_rounds_and_missing_columns_are_refused(fw):
    frame = scores_frame(random_scores(6, 1))
    frame.loc[0, "round"] = 2024
    with pytest.raises(GroupingError, match="several rounds"):
        make_groups(frame, fw, by="none")
    with pytest.raises(GroupingError, match="no column"):
        make_groups(frame.drop(columns="c"), fw, by="none")


# --- determinism, areas, exclusions ---------------------------------------------------------------------


def test_same_input_same_output_whatever_the_row_order(fw):
    frame = scores_frame(random_scores(40, 5))
    one = make_groups(frame, fw, by="none", bootstraps=10)
    two = make_groups(frame.sample(frac=1, random_state=3), fw, by="none", bootstraps=10)
    pd.testing.assert_frame_equal(one.assignments, two.assignments)
    pd.testing.assert_frame_equal(one.stability, two.stability)
    assert list(one.assignments.columns[:4]) == list(ASSIGNMENT_COLUMNS)


def test_groups_numbered_by_first_village_name(fw):
    grouping = make_groups(scores_frame(random_scores(20, 8)), fw, by="none", bootstraps=0)
    firsts = grouping.assignments.groupby("group")["village"].min()
    assert firsts.is_monotonic_increasing and firsts.iloc[0] == "K00"


def test_areas_from_registry_unknown_and_all(fw):
    frame = scores_frame(random_scores(12, 9))
    registry = pd.DataFrame(
        {"village": [f"K{i:02d}" for i in range(10)], "municipality": "M", "leader_area": ["sepra"] * 5 + ["kasvu"] * 5}
    )
    grouping = make_groups(frame, fw, registry=registry, bootstraps=0)
    area = grouping.assignments.set_index("village")["area"]
    assert area["K00"] == "sepra" and area["K07"] == "kasvu" and area["K11"] == "unknown"
    assert grouping.cost.set_index("area")["groups"].to_dict() == {"kasvu": 1, "sepra": 1, "unknown": 1}
    # each area is standardised and grouped on its own
    sepra = make_groups(frame.iloc[:5], fw, by="none", size=2, bootstraps=0)
    by_area = make_groups(frame, fw, registry=registry, size=2, bootstraps=0)
    assert by_area.cost.set_index("area").loc["sepra", "cost"] == pytest.approx(sepra.cost["cost"].iloc[0])
    everything = make_groups(frame, fw, by="none", bootstraps=0)
    assert set(everything.assignments["area"]) == {"all"}


def test_villages_without_every_dimension_score_are_listed(fw):
    frame = scores_frame(random_scores(7, 2))
    frame.loc[2, "b"] = np.nan
    frame.loc[4, ["a", "b", "c"]] = np.nan
    grouping = make_groups(frame, fw, size=3, by="none", bootstraps=0)
    assert set(grouping.assignments["village"]) == {"K00", "K01", "K03", "K05", "K06"}
    reasons = grouping.excluded.set_index("village")["reason"]
    assert reasons["K02"] == "missing dimension scores: b"
    assert reasons["K04"].startswith("no dimension scores")
    with pytest.raises(GroupingError, match="left out"):
        make_groups(frame, fw, size=3, by="none", pins={"K02": 1})


# --- themes -------------------------------------------------------------------------------------------------


def test_need_matrix_by_hand():
    group_scores = np.array([[20.0, 40.0, 90.0], [60.0, 80.0, 10.0]])
    need = need_matrix(group_scores, ["a", "b", "c"], {"t1": ["a", "b"], "t2": ["c"]})
    assert need.tolist() == [[70.0, 10.0], [30.0, 90.0]]


def test_themes_spread_evenly_and_maximise_need_by_hand():
    need = np.array([[90.0, 10.0], [80.0, 20.0], [70.0, 60.0], [60.0, 65.0]])
    # {0,1} to theme 0: 90 + 80 + 60 + 65 = 295, the best of the six balanced choices
    assert assign_themes(need).tolist() == [0, 0, 1, 1]
    # two groups, three themes: 40 + 45 = 85 beats 50 + 30; the uncapacitated answer would be [0, 0]
    assert assign_themes(np.array([[50.0, 40.0, 10.0], [45.0, 5.0, 30.0]])).tolist() == [1, 0]
    assert assign_themes(np.zeros((3, 0))).tolist() == [-1, -1, -1]


@settings(max_examples=40, deadline=None)
@given(g=st.integers(1, 6), t=st.integers(1, 3), seed=st.integers(0, 10_000))
def test_theme_assignment_is_the_best_balanced_one(g, t, seed):
    need = np.random.default_rng(seed).integers(0, 100, size=(g, t)).astype(float)
    chosen = assign_themes(need)
    counts = np.bincount(chosen, minlength=t)
    assert counts.max() - counts.min() <= 1
    best = max(
        need[np.arange(g), list(c)].sum()
        for c in itertools.product(range(t), repeat=g)
        if np.ptp(np.bincount(c, minlength=t)) <= 1
    )
    assert need[np.arange(g), chosen].sum() == pytest.approx(best)


def test_group_themes_use_raw_scores(fw):
    # two clear groups: low a (need for t1 high) and low b; size 2 -> one group per theme
    values = np.array([[10, 90, 50], [12, 88, 50], [90, 10, 50], [88, 12, 50]], dtype=float)
    grouping = make_groups(scores_frame(values), fw, size=2, by="none", bootstraps=0)
    theme = grouping.assignments.set_index("village")["theme"]
    assert theme["K00"] == theme["K01"] == "t1" and theme["K02"] == theme["K03"] == "t2"
    need = grouping.need.set_index(["group", "theme"])["need"]
    assert need[(1, "t1")] == pytest.approx(100 - 11) and need[(2, "t2")] == pytest.approx(100 - 11)
    summary = grouping.summary.set_index("group")
    assert summary.loc[1, "need"] == pytest.approx(89) and summary.loc[1, "size"] == 2


def test_framework_without_themes_leaves_theme_empty(no_themes):
    frame = scores_frame(random_scores(6, 4, d=2), dims=("talous", "yhteiso"))
    grouping = make_groups(frame, no_themes, size=3, by="none", bootstraps=0)
    assert set(grouping.assignments["theme"]) == {""}
    assert grouping.need.empty


# --- explanations -------------------------------------------------------------------------------------------


def test_profile_in_area_sd_units_by_hand(fw):
    values = np.array([[0, 40, 0], [1, 40, 1], [10, 40, 10], [11, 40, 11]], dtype=float)
    grouping = make_groups(scores_frame(values), fw, size=2, by="none", bootstraps=0)
    profile = grouping.profiles.set_index(["group", "dimension"])
    # group 1 mean of a is 0.5, area mean 5.5, population sd sqrt(25.25)
    assert profile.loc[(1, "a"), "z"] == pytest.approx(-5 / np.sqrt(25.25))
    assert profile.loc[(1, "b"), "z"] == 0.0
    assert profile.loc[(1, "a"), "group_mean"] == 0.5 and profile.loc[(1, "a"), "area_mean"] == 5.5
    assert profile.loc[(1, "b"), "rank"] == 3 and profile.groupby("group")["top"].sum().tolist() == [3, 3]


def test_margins_and_swaps(fw):
    values = np.array([[0, 40, 0], [1, 40, 1], [10, 40, 10], [11, 40, 11]], dtype=float)
    grouping = make_groups(scores_frame(values), fw, size=2, by="none", bootstraps=0)
    row = grouping.assignments.set_index("village").loc["K01"]
    assert row["distance"] == pytest.approx(2 * 0.5**2 / 25.25)  # 0.5 raw from the mean, in a and c
    assert row["next_group"] == 2 and row["margin"] > 0
    # swapping K01 with K02 gives groups {0, 10} and {1, 11}: SS 2 * 50 raw per dimension
    assert row["swap_with"] == "K02"
    assert row["swap_cost"] == pytest.approx(2 * (50 + 50) / 25.25 - 2 * 1 / 25.25)


def test_stability_of_clear_groups_and_flags(fw):
    rng = np.random.default_rng(0)
    centres = np.array([[10, 10, 10], [50, 90, 10], [90, 10, 90]])
    values = np.vstack([c + rng.normal(0, 2, size=(5, 3)) for c in centres])
    grouping = make_groups(scores_frame(values), fw, by="none", bootstraps=50)
    # balanced sizes force a split when a draw holds 7 villages of one cluster, so not 1.0
    assert (grouping.stability["jaccard"] > 0.7).all() and (grouping.stability["ari"] > 0.6).all()
    assert not grouping.stability["flag"].any()
    noise = make_groups(scores_frame(random_scores(15, 1)), fw, by="none", bootstraps=50)
    assert noise.stability["area_ari"].iloc[0] < grouping.stability["area_ari"].iloc[0]
    assert noise.stability["ari"].mean() < grouping.stability["ari"].mean()
    assert noise.stability["jaccard"].mean() < grouping.stability["jaccard"].mean()
    flagged = noise.stability["ari"] < 0.6
    assert flagged.any() and (noise.stability["flag"] == flagged).all()
    assert noise.stability["jaccard"].between(0, 1).all() and noise.stability["ari"].between(-1, 1).all()


@pytest.mark.slow
def test_large_case_ends_at_labels_the_exact_assignment_keeps():
    """Above DENSE_LIMIT the steps are sparse, but the result must be a fixed point of the exact step."""
    from indicator.grouping.model import group_means, group_sizes

    rng = np.random.default_rng(3)
    n, k = partition.DENSE_LIMIT + 200, (partition.DENSE_LIMIT + 200) // 5
    # 600 villages in one tight cluster that only two starting centres are near: most of them must go
    # to centres beyond their nearest ones, which the sparse steps alone do not consider
    x = np.vstack([rng.normal(scale=0.01, size=(600, 2)), rng.uniform(-10, 10, size=(n - 600, 2))])
    pins = np.full(n, -1)
    labels = partition.lloyd(x, k, pins, np.vstack([x[:2], x[600:600 + k - 2]]))
    assert np.bincount(labels, minlength=k).tolist() == [5] * k
    small, large, _ = group_sizes(n, k)
    dist = partition._sq_dist(x, group_means(x, labels, k))
    exact = partition._dense_assign(dist, small, large, float(dist.max() + 1) * (n + 1))
    cost = dist[np.arange(n), labels].sum()
    assert dist[np.arange(n), exact].sum() == pytest.approx(cost, rel=1e-9)


@pytest.mark.parametrize(
    ("z", "words"),
    [(1.0, "well_above"), (0.99, "above"), (0.3, "above"), (0.29, "at"), (0.0, "at"), (-0.29, "at"),
     (-0.3, "below"), (-0.99, "below"), (-1.0, "well_below"), (-2.5, "well_below")],
)
def test_profile_level_words_follow_the_area_sd(z, words):
    from indicator.grouping.explain import level

    assert level(z) == words


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(-2, 3)), max_size=40))
def test_adjusted_rand_equals_sklearn(pairs):
    """The bootstrap's own adjusted Rand index is scikit-learn's, to the last bit, on any two labelings."""
    from sklearn.metrics import adjusted_rand_score

    from indicator.grouping.explain import adjusted_rand

    true, pred = np.array([a for a, _ in pairs], dtype=int), np.array([b for _, b in pairs], dtype=int)
    assert adjusted_rand(true, pred) == adjusted_rand_score(true, pred)


def test_adjusted_rand_by_hand():
    """Six items, {0,1,2}{3,4,5} against {0,1}{2,3}{4,5}: 15 pairs, 6 together in the first, 3 in the
    second, 2 in both; expected index 6*3/15 = 1.2, so ARI = (2 - 1.2) / ((6 + 3)/2 - 1.2) = 0.8/3.3."""
    from indicator.grouping.explain import adjusted_rand

    assert adjusted_rand(np.array([0, 0, 0, 1, 1, 1]), np.array([0, 0, 1, 1, 2, 2])) == pytest.approx(0.8 / 3.3)
    assert adjusted_rand(np.array([3, 3, 7]), np.array([1, 1, 0])) == 1.0  # the same split, other names


def test_group_ari_equals_sklearn_on_the_two_way_split():
    """Each group's bootstrap ARI is the ARI of 'in the group or not' against its best-matching new group."""
    from sklearn.metrics import adjusted_rand_score

    from indicator.grouping.explain import _per_group

    labels = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])
    idx = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8, 0])  # village 0 drawn twice: counted once
    new = np.array([0, 0, 1, 1, 1, 2, 2, 2, 2, 0])  # village 2 moved to group 1, village 5 to group 2
    jaccard, ari = _per_group(labels, idx, new, 3)
    assert jaccard.tolist() == pytest.approx([2 / 3, 2 / 4, 3 / 4])
    in_0, in_new_0 = labels == 0, np.array([1, 1, 0, 0, 0, 0, 0, 0, 0], dtype=bool)
    assert ari[0] == pytest.approx(adjusted_rand_score(in_0, in_new_0))
    assert ari[2] == pytest.approx(adjusted_rand_score(labels == 2, np.arange(9) >= 5))


# --- the exact search through make_groups, group counts, participants ------------------------------------


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(2, 9), size=st.integers(2, 5), seed=st.integers(0, 10_000))
def test_make_groups_optimum_and_alternative_equal_brute_force(fw, n, size, seed):
    k = group_count(n, size)
    values = random_scores(n, seed)
    costs = brute_force(values, k)
    grouping = make_groups(scores_frame(values), fw, size=size, by="none", bootstraps=0)
    assert grouping.optimal and grouping.cost["method"].iloc[0] == "exact"
    assert grouping.cost["cost"].iloc[0] == pytest.approx(costs[0], rel=1e-9, abs=1e-9)
    assert contract_cost(scores_frame(values), grouping) == pytest.approx(costs[0], rel=1e-9, abs=1e-9)
    if len(costs) > 1:
        assert grouping.alternative["alternative_cost"].iloc[0] == pytest.approx(costs[1], rel=1e-9, abs=1e-9)


def test_n_groups_with_a_subset_of_villages(fw):
    frame = scores_frame(random_scores(14, 21))
    chosen = [f"K{i:02d}" for i in (0, 1, 2, 4, 5, 7, 9, 11, 13)]
    grouping = make_groups(frame, fw, n_groups=3, villages=chosen, by="none", bootstraps=0)
    assert sorted(grouping.assignments["village"]) == chosen
    assert grouping.assignments["group"].value_counts().sort_index().tolist() == [3, 3, 3]
    # the subset is standardised and grouped on its own: the same as grouping only those rows
    alone = make_groups(frame[frame["village"].isin(chosen)], fw, size=3, by="none", bootstraps=0)
    assert grouping.cost["cost"].iloc[0] == pytest.approx(alone.cost["cost"].iloc[0])
    assert grouping.cost["cost"].iloc[0] == pytest.approx(brute_force(random_scores(14, 21)[[0, 1, 2, 4, 5, 7, 9, 11, 13]], 3)[0])
    # n_groups overrides the size rule (round(9 / 5) = 2 groups)
    assert make_groups(frame, fw, villages=chosen, by="none", bootstraps=0).cost["groups"].iloc[0] == 2


def test_n_groups_per_area(fw):
    frame = scores_frame(random_scores(12, 9))
    registry = pd.DataFrame(
        {"village": [f"K{i:02d}" for i in range(12)], "municipality": "M", "leader_area": ["sepra"] * 6 + ["kasvu"] * 6}
    )
    grouping = make_groups(frame, fw, registry=registry, n_groups={"sepra": 3}, size=2, bootstraps=0)
    assert grouping.cost.set_index("area")["groups"].to_dict() == {"kasvu": 3, "sepra": 3}
    grouping = make_groups(frame, fw, registry=registry, n_groups={"sepra": 3}, size=6, bootstraps=0)
    assert grouping.cost.set_index("area")["groups"].to_dict() == {"kasvu": 1, "sepra": 3}


@pytest.mark.parametrize(
    "kwargs,code",
    [
        ({"n_groups": 0}, "grouping.bad_group_count"),
        ({"n_groups": {"all": 2.5}}, "grouping.bad_group_count"),
        ({"n_groups": 7}, "grouping.too_many_groups"),
        ({"villages": ["K00", "Nowhere"]}, "grouping.unknown_village"),
        ({"villages": []}, "grouping.no_villages"),
        ({"villages": ["K00", "K01"], "pins": {"K02": 1}}, "grouping.linked_unknown"),
    ],
)
def test_bad_counts_and_participants_raise_with_a_code(fw, kwargs, code):
    with pytest.raises(GroupingError) as caught:
        make_groups(scores_frame(random_scores(6, 1)), fw, by="none", bootstraps=0, **kwargs)
    assert caught.value.code == code
    assert caught.value.localized("fi") != str(caught.value)  # a Finnish text exists


def test_default_group_count_one_group_per_theme_when_groups_of_four_to_six(fw):
    from indicator.grouping import default_group_count

    # fw has two themes with a dimension: 8..12 villages give two groups of 4..6
    assert [default_group_count(n, fw) for n in (8, 9, 12)] == [2, 2, 2]
    # otherwise the size rule max(1, round(n / 5)): 7 -> 1 (two groups of 3-4 too small), 13 -> 3, 20 -> 4
    assert [default_group_count(n, fw) for n in (1, 7, 13, 20)] == [1, 1, 3, 4]
    assert default_group_count(15, fw, size=3) == 5


def test_framework_without_themes_uses_the_size_rule(no_themes):
    from indicator.grouping import default_group_count

    assert default_group_count(15, no_themes) == 3
