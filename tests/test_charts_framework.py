"""Figures of the framework page and the weight-set helpers they draw on, with hand-computed weights."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator import weights as wt
from indicator.charts import palette
from indicator.charts.framework import rank_shift_chart, sunburst_chart
from indicator.errors import IndicatorError
from tests.test_report import FRAMEWORK


def test_effective_weights_multiply_normalised_weights_down_the_tree():
    # nominal: d1 and d2 share the index equally; A and B split d1
    eff = wt.effective_weights(FRAMEWORK).set_index("item")["effective"]
    assert eff.to_dict() == pytest.approx({"A": 0.25, "B": 0.25, "C": 0.5})
    # d2 weight 3, A weight 3: A = 3/4 * 1/4, B = 1/4 * 1/4, C = 3/4
    eff = wt.effective_weights(FRAMEWORK, {"d2": 3.0, "A": 3.0}).set_index("item")["effective"]
    assert eff.to_dict() == pytest.approx({"A": 3 / 16, "B": 1 / 16, "C": 0.75})


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(0.01, 10), min_size=5, max_size=5), st.floats(0.1, 100))
def test_effective_weights_sum_to_one_and_ignore_scale(values, factor):
    ids = ["A", "B", "C", "d1", "d2"]
    weights = dict(zip(ids, values, strict=True))
    eff = wt.effective_weights(FRAMEWORK, weights)["effective"]
    scaled = wt.effective_weights(FRAMEWORK, {k: v * factor for k, v in weights.items()})["effective"]
    assert eff.sum() == pytest.approx(1.0)
    assert scaled.to_numpy() == pytest.approx(eff.to_numpy())


def test_check_weights_refuses_unknown_ids_and_negative_weights():
    assert wt.check_weights({"A": 2, "d1": 0}, FRAMEWORK) == {"A": 2.0, "d1": 0.0}
    with pytest.raises(IndicatorError, match="unknown item or dimension id 'Z'"):
        wt.check_weights({"Z": 1.0}, FRAMEWORK)
    with pytest.raises(IndicatorError, match="weight of 'A' must be a number >= 0"):
        wt.check_weights({"A": -1.0}, FRAMEWORK)
    assert wt.changed_only({"A": 1.0, "B": 2.0, "d1": 1.0}, FRAMEWORK) == {"B": 2.0}


def test_framework_table_lists_every_item_with_goalposts_and_direction():
    table = wt.framework_table(FRAMEWORK, "sv")
    assert table["item"].tolist() == ["A", "B", "C"]
    assert table["dimension"].tolist() == ["Gemenskap", "Gemenskap", "Tjänster"]
    assert table["effective_weight"].tolist() == pytest.approx([0.25, 0.25, 0.5])
    assert table[["lower", "target"]].to_numpy().tolist() == [[1, 5], [0, 100], [0, 10]]
    assert set(table["direction"]) == {"up"}


def test_rank_changes_compare_two_tables_of_a_round():
    nominal = pd.DataFrame({"village": ["X", "Y", "Z", "W", "V"], "round": [2026] * 5,
                            "index": [60, 50, 40, np.nan, 30], "rank": pd.array([1, 2, 3, pd.NA, 4], dtype="Int64")})
    alt = nominal.assign(index=[45, 55, 50, np.nan, np.nan], rank=pd.array([3, 1, 2, pd.NA, pd.NA], dtype="Int64"))
    out = wt.rank_changes(nominal, alt, 2026)
    assert out["village"].tolist() == ["Y", "Z", "X", "V"]  # W is ranked under neither weighting
    assert out["shift"].tolist()[:3] == [1, 1, -2]
    assert pd.isna(out["shift"].iloc[3]) and out["rank_nominal"].iloc[3] == 4


def test_sunburst_sizes_items_by_effective_weight_in_the_chosen_language():
    fig = sunburst_chart(FRAMEWORK, "en", {"d2": 3.0})
    trace = fig.data[0]
    assert list(trace.ids) == ["index", "d:d1", "d:d2", "i:A", "i:B", "i:C"]
    assert list(trace.parents) == ["", "index", "index", "d:d1", "d:d1", "d:d2"]
    assert list(trace.values) == pytest.approx([0, 0, 0, 0.125, 0.125, 0.75])
    assert trace.branchvalues == "remainder"
    assert list(trace.labels)[1:3] == ["Community", "Services"]
    assert "Events per year" in trace.hovertext[5] and "75.0 %" in trace.hovertext[5]
    assert list(trace.marker.colors)[3:] == [palette.BLUE, palette.BLUE, palette.ORANGE]


def test_sunburst_in_finnish():
    trace = sunburst_chart(FRAMEWORK, "fi").data[0]
    assert list(trace.labels)[:3] == ["Testimittari", "Yhteisö", "Palvelut"]
    assert "50,0 %" in trace.hovertext[5]


def test_rank_shift_bars_are_sorted_and_coloured_by_sign():
    changes = pd.DataFrame({"village": ["X", "Y", "Z", "<b>W</b>"], "rank_nominal": pd.array([1, 2, 3, 4], "Int64"),
                            "rank_new": pd.array([3, 1, 2, 4], "Int64"), "shift": pd.array([-2, 1, 1, 0], "Int64")})
    fig = rank_shift_chart(changes, "en")
    bar = fig.data[0]
    assert list(bar.x) == [-2, 0, 1, 1]
    assert list(bar.y) == ["X", "&lt;b&gt;W&lt;/b&gt;", "Z", "Y"]
    assert list(bar.marker.color) == [palette.VERMILLION, palette.GREY, palette.BLUISH_GREEN, palette.BLUISH_GREEN]
    assert fig.layout.xaxis.title.text == "Rank change (+ = moves up)"
