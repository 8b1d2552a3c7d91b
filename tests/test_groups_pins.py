"""Pins mean the group numbers the user sees (indicator.grouping.pins): hand-made cases on the six villages of
docs/method.md §4, where the grouping without pins is {A, B, C} = 1 (cost 3) and {D, E, F} = 2 (cost 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicator.framework import loads
from indicator.grouping import make_groups
from indicator.grouping.model import make_links
from indicator.grouping.pins import anchors, number_groups, quotas
from tests.test_groups import THEMED


@pytest.fixture(scope="module")
def fw():
    return loads(THEMED, source="themed.toml")


@pytest.fixture(scope="module")
def six() -> pd.DataFrame:
    # z of a: 40 -> -1, 60 -> 1; z of b: 50 -> -1.2247, 60 -> 0, 70 -> 1.2247; c is constant
    return pd.DataFrame({"village": list("ABCDEF"), "round": 2025, "a": [40, 40, 40, 60, 60, 60.0],
                         "b": [50, 60, 70, 50, 60, 70.0], "c": 50.0})


def groups(grouping) -> dict[str, int]:
    return grouping.assignments.set_index("village")["group"].to_dict()


def test_a_pin_moves_the_village_into_the_group_with_that_number(fw, six):
    free = make_groups(six, fw, size=3, by="none", bootstraps=0)
    assert groups(free) == {"A": 1, "B": 1, "C": 1, "D": 2, "E": 2, "F": 2}
    pinned = make_groups(six, fw, size=3, by="none", pins={"C": 2}, pins_as_shown=True, bootstraps=0)
    # C joins group 2 (its group keeps at least 2 of D, E, F); D takes C's place: the runner-up grouping
    assert groups(pinned) == {"A": 1, "B": 1, "D": 1, "C": 2, "E": 2, "F": 2}
    pin = pinned.pins.iloc[0]
    assert (pin["village"], pin["group"], pin["reference_group"], bool(pin["moved"])) == ("C", 2, 1, True)
    change = pinned.changes.iloc[0]
    assert change["reference_cost"] == pytest.approx(6.0) and change["cost"] == pytest.approx(22 / 3)
    assert change["extra_pct"] == pytest.approx(100 * (22 / 3 - 6) / 6)  # +22.2 %
    assert change["moved"] == "C, D" and not change["renumbered"]
    assert pinned.assignments.set_index("village")["reference_group"].to_dict() == groups(free)
    assert pinned.optimal


def test_a_pin_to_the_village_s_own_group_changes_nothing(fw, six):
    pinned = make_groups(six, fw, size=3, by="none", pins={"C": 1}, pins_as_shown=True, bootstraps=0)
    assert groups(pinned) == {"A": 1, "B": 1, "C": 1, "D": 2, "E": 2, "F": 2}
    pin = pinned.pins.iloc[0]
    assert not pin["moved"] and pin["reference_group"] == 1
    assert pinned.changes["extra_pct"].iloc[0] == 0.0 and pinned.changes["moved"].iloc[0] == ""


def test_two_pins_report_each_village(fw, six):
    pinned = make_groups(six, fw, size=3, by="none", pins={"A": 1, "D": 1}, pins_as_shown=True, bootstraps=0)
    assert groups(pinned) == {"A": 1, "B": 1, "D": 1, "C": 2, "E": 2, "F": 2}
    rows = pinned.pins.set_index("village")
    assert not rows.loc["A", "moved"] and rows.loc["D", "moved"]
    assert pinned.cost["cost"].iloc[0] == pytest.approx(22 / 3)


def test_the_kept_half_leaves_out_villages_kept_apart(fw, six):
    # E may not join C: C's group keeps one of D, F (half of two); {A, D, E} | {B, C, F} costs 22/3 as well
    pinned = make_groups(six, fw, size=3, by="none", pins={"C": 2}, pins_as_shown=True, apart=[("E", "C")], bootstraps=0)
    assert groups(pinned) == {"A": 1, "D": 1, "E": 1, "B": 2, "C": 2, "F": 2}
    assert pinned.cost["cost"].iloc[0] == pytest.approx(22 / 3)
    # E and F may not: D must join C; {A, C, D}: z of a -1, -1, 1 give 24/9, z of b -1.22, 1.22, -1.22 give 4;
    # {B, E, F}: 24/9 and 1
    pinned = make_groups(six, fw, size=3, by="none", pins={"C": 2}, pins_as_shown=True, apart=[("E", "C"), ("F", "C")], bootstraps=0)
    assert groups(pinned) == {"B": 1, "E": 1, "F": 1, "A": 2, "C": 2, "D": 2}
    assert pinned.cost["cost"].iloc[0] == pytest.approx(24 / 9 + 4 + 24 / 9 + 1)


def test_links_without_pins_keep_the_reference_numbers(fw, six):
    linked = make_groups(six, fw, size=3, by="none", together=[("C", "D")], bootstraps=0)
    # {A, B, E} shares A and B with reference group 1, {C, D, F} shares F with group 2
    assert groups(linked) == {"A": 1, "B": 1, "E": 1, "C": 2, "D": 2, "F": 2}
    assert linked.pins.empty and linked.changes["moved"].iloc[0] == "C, E"


def test_when_the_number_cannot_keep_its_meaning_the_pin_only_renames(fw, six):
    # C with D (the only one of D, E, F not kept apart from C) would split A and B: impossible. The request
    # alone is met by {A, B, C} and {D, E, F}, so the groups are renumbered and nobody moves
    pinned = make_groups(six, fw, size=3, by="none", pins={"C": 2}, pins_as_shown=True, together=[("A", "B")],
                         apart=[("C", "E"), ("C", "F"), ("D", "A")], bootstraps=0)
    assert groups(pinned) == {"A": 2, "B": 2, "C": 2, "D": 1, "E": 1, "F": 1}
    change = pinned.changes.iloc[0]
    assert change["moved"] == "" and change["renumbered"] and not pinned.pins["moved"].iloc[0]


def test_beyond_the_exact_range_an_anchor_keeps_the_meaning(fw, six, monkeypatch):
    monkeypatch.setattr("indicator.grouping.exact.POOL_LIMIT", 0)  # balanced k-means only
    pinned = make_groups(six, fw, size=3, by="none", pins={"C": 2}, pins_as_shown=True, bootstraps=0)
    assert pinned.cost["method"].iloc[0] == "heuristic" and not pinned.optimal
    # E (at group 2's mean) is pinned to 2 along with C
    assert groups(pinned) == {"A": 1, "B": 1, "D": 1, "C": 2, "E": 2, "F": 2}


def test_number_groups_by_pins_then_overlap_with_the_reference():
    villages = list("ABCDEF")
    labels = np.array([0, 0, 1, 1, 2, 2])
    reference = np.array([2, 2, 0, 1, 1, 0])  # label 0 is reference number 2 by both villages
    free = np.full(6, -1)
    assert number_groups(labels, 3, villages, free).tolist() == [0, 0, 1, 1, 2, 2]  # first-village order
    # label 1 ({C, D}) and label 2 ({E, F}) overlap numbers 0 and 1 once each: ties go by first-village order
    assert number_groups(labels, 3, villages, free, reference).tolist() == [2, 2, 0, 0, 1, 1]
    pins = free.copy()
    pins[4] = 0  # E pinned to number 0: label 2 takes it; label 0 keeps 2 by overlap, label 1 gets 1
    assert number_groups(labels, 3, villages, pins, reference).tolist() == [2, 2, 1, 1, 0, 0]


def test_anchor_is_the_member_closest_to_the_reference_mean():
    x = np.array([[0.0], [1.0], [2.0], [10.0], [11.0], [15.0]])
    reference = np.array([0, 0, 0, 1, 1, 1])  # group 2's mean is 12: E (11) is closest
    villages = list("ABCDEF")
    assert anchors(x, reference, villages, 2, {"A": 2}, [], [], "a") == {"E": 2}
    assert anchors(x, reference, villages, 2, {"A": 2, "F": 2}, [], [], "a") == {}  # F stands for group 2
    assert anchors(x, reference, villages, 2, {"A": 2}, [], [("A", "E")], "a") == {"D": 2}


def test_quota_is_half_of_the_reference_group_not_pinned_elsewhere():
    villages = list("ABCDEF")
    reference = np.array([0, 0, 0, 1, 1, 1])
    links = make_links(villages, 2, {"C": 2, "F": 1}, [], [("C", "E")], "a")
    (quota,) = quotas(reference, villages, {"C": 2, "F": 1}, links)[1:]
    # group 2's villages D, E, F: F is pinned to 1 and E kept apart from C, so C's group keeps D (1 of 1)
    assert (quota.village, quota.members.tolist(), quota.minimum) == (2, [3], 1)
    (first,) = quotas(reference, villages, {"C": 2, "F": 1}, links)[:1]
    assert (first.village, first.members.tolist(), first.minimum) == (5, [0, 1], 1)  # C is pinned to 2


def test_by_default_a_pin_only_constrains_membership_as_the_command_line_documents(fw, six):
    """docs/method.md §4: the optimum under the pins, numbered so that the pinned village is in its group."""
    free = make_groups(six, fw, size=3, by="none", bootstraps=0)
    pinned = make_groups(six, fw, size=3, by="none", pins={"C": 2}, bootstraps=0)
    # same members as the unpinned optimum ({A, B, C}, {D, E, F}); only the numbers follow the pin
    assert groups(pinned) == {"A": 2, "B": 2, "C": 2, "D": 1, "E": 1, "F": 1}
    assert pinned.cost["cost"].sum() == pytest.approx(free.cost["cost"].sum()) == pytest.approx(6.0)
    pin = pinned.pins.iloc[0]
    assert (pin["village"], pin["group"], pin["reference_group"], bool(pin["moved"])) == ("C", 2, 1, False)
    together = make_groups(six, fw, size=3, by="none", pins={"C": 1, "D": 1}, bootstraps=0)
    assert groups(together)["C"] == groups(together)["D"] == 1  # two pins to one group: they share it
