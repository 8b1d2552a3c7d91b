"""The groups in the coordinator's words (indicator.grouping.explain.stories) and the stability count, by hand
on the six villages of docs/method.md §4: {A, B, C} = 1 (theme t1) and {D, E, F} = 2 (theme t2)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicator.framework import loads
from indicator.grouping import explain, make_groups, stories
from indicator.grouping.model import group_means, standardise
from indicator.grouping.partition import lloyd
from tests.test_groups import THEMED


@pytest.fixture(scope="module")
def fw():
    return loads(THEMED, source="themed.toml")


@pytest.fixture(scope="module")
def six() -> pd.DataFrame:
    return pd.DataFrame({"village": list("ABCDEF"), "round": 2025, "a": [40, 40, 40, 60, 60, 60.0],
                         "b": [50, 60, 70, 50, 60, 70.0], "c": [50, 50, 50, 50, 50, 56.0]})


def test_stories_say_what_the_villages_share_in_points(fw, six):
    one, two = stories(make_groups(six, fw, size=3, by="none", bootstraps=0), fw)
    assert (one.group, one.villages, two.villages) == (1, ("A", "B", "C"), ("D", "E", "F"))
    # a: group 40 against the area's 50, z = -1 (sd 10): clearly below, all three below; b is at the mean;
    # c: 50 against 51 (sd 2.24, z = -0.45): below, with all three villages below 51
    assert [t.dimension for t in one.shared] == ["a", "c"]
    trait = one.shared[0]
    assert (trait.direction, trait.level, trait.share, trait.size) == ("below", "well_below", 3, 3)
    assert (trait.group_mean, trait.area_mean, trait.difference) == pytest.approx((40.0, 50.0, -10.0))
    # group 2: a +10 (3 of 3 above); c 52 against 51 (z = +0.45) but only F is above: not shared
    assert [(t.dimension, t.direction, t.share) for t in two.shared] == [("a", "above", 3)]


def test_stories_say_why_the_theme(fw, six):
    one, two = stories(make_groups(six, fw, size=3, by="none", bootstraps=0), fw)
    # group 1: need t1 = 100 - 40 = 60 (its largest), t2 = 100 - 60 = 40
    assert (one.theme.theme, one.theme.need, one.theme.dimension, one.theme.score) == ("t1", 60.0, "a", 40.0)
    assert (one.theme.rank, one.theme.largest) == (1, "t1")
    # group 2: t1 = 40 and t2 = 40 tie, so t2 is not second: rank 1
    assert (two.theme.theme, two.theme.need, two.theme.rank, two.theme.largest) == ("t2", 40.0, 1, "t2")


def test_theme_rank_when_the_even_spread_gives_a_smaller_need(fw):
    # both groups need t1 most; one of them must take t2
    frame = pd.DataFrame({"village": list("ABCD"), "round": 2025, "a": [10, 12, 30, 32.0],
                          "b": [60, 62, 90, 92.0], "c": 50.0})
    theirs = stories(make_groups(frame, fw, size=2, by="none", bootstraps=0), fw)
    ranks = sorted((s.theme.theme, s.theme.rank, s.theme.largest) for s in theirs)
    assert ranks == [("t1", 1, "t1"), ("t2", 2, "t1")]


def test_stability_counts_runs_that_keep_the_group(fw, six):
    grouping = make_groups(six, fw, size=3, by="none", bootstraps=20, seed=4)
    counted = grouping.stability.set_index("group")
    # the count, recomputed from the same draws: a run keeps a group when its best Jaccard is >= 0.75
    x = standardise(six[["a", "b", "c"]].to_numpy())
    labels = grouping.assignments.set_index("village").loc[list("ABCDEF"), "group"].to_numpy() - 1
    rng, centres = np.random.default_rng(4), group_means(x, labels, 2)
    same, runs = np.zeros(2, int), np.zeros(2, int)
    for _ in range(20):
        idx = rng.integers(0, 6, 6)
        jaccard, _ = explain._per_group(labels, idx, lloyd(x[idx], 2, np.full(6, -1), centres.copy()), 2)
        runs += ~np.isnan(jaccard)
        same += np.nan_to_num(jaccard) >= 0.75
    assert counted["same"].tolist() == same.tolist() and counted["runs"].tolist() == runs.tolist()
    story = stories(grouping, fw)[0]
    assert (story.stability.same, story.stability.runs) == (same[0], runs[0])
    assert story.stability.ari == pytest.approx(counted.loc[1, "ari"])


def test_stability_without_bootstraps_is_zero_of_zero(fw, six):
    grouping = make_groups(six, fw, size=3, by="none", bootstraps=0)
    assert grouping.stability[["same", "runs"]].to_numpy().tolist() == [[0, 0], [0, 0]]


def test_one_group_keeps_itself_in_every_run():
    result = explain.bootstrap(np.zeros((4, 2)), np.zeros(4, dtype=int), 1, seed=0, runs=7)
    assert result.same.tolist() == [7] and result.runs.tolist() == [7]


def test_stories_name_the_villages_a_pin_brought_in(fw, six):
    pinned = stories(make_groups(six, fw, size=3, by="none", pins={"C": 2}, pins_as_shown=True, bootstraps=0), fw)
    assert pinned[0].moved_in == ("D",) and pinned[1].moved_in == ("C",)


def test_profiles_in_points_and_share(fw, six):
    profiles = make_groups(six, fw, size=3, by="none", bootstraps=0).profiles.set_index(["group", "dimension"])
    assert profiles.loc[(2, "c"), "difference"] == pytest.approx(1.0)
    assert profiles.loc[(2, "c"), "share"] == 1 and profiles.loc[(1, "c"), "share"] == 3
    assert profiles.loc[(1, "b"), "share"] == 0  # at the area mean: no side
