"""Figures of the theme-group page (indicator.charts.groups)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.charts.groups import group_map, pca_coordinates


def three_villages(names=("A", "B", "C")) -> tuple[pd.DataFrame, pd.DataFrame]:
    assignments = pd.DataFrame({"village": list(names), "group": [1, 1, 2]})
    scores = pd.DataFrame({"village": list(names), "d1": [10.0, 20.0, 90.0], "d2": [5.0, 50.0, 40.0]})
    return assignments, scores


def test_group_map_uses_the_locale_decimal_mark():
    assignments, scores = three_villages()
    assert group_map(assignments, scores, ["d1", "d2"], {}, "fi").layout.separators == ",\u202f"
    assert group_map(assignments, scores, ["d1", "d2"], {}, "en").layout.separators == ".,"


def test_points_on_a_line_lie_on_the_first_component():
    # d1 = d2 = 0, 1, 2: both standardise to -1.2247, 0, 1.2247; the first component is their diagonal,
    # so the villages sit at -1.7321, 0, 1.7321 (up to sign) and the second component is 0
    coords = pca_coordinates(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))
    assert np.allclose(np.abs(coords[:, 0]), [math.sqrt(3), 0.0, math.sqrt(3)])
    assert np.allclose(coords[:, 1], 0.0)
    assert np.allclose(pca_coordinates(np.array([[5.0, 1.0]])), [[0.0, 0.0]])


def test_village_names_are_escaped_and_the_legend_names_groups():
    assignments, scores = three_villages(("<b>Kylä</b>", "B & C", "Sippola"))
    fig = group_map(assignments, scores, ["d1", "d2"], {"group": "Ryhmä", "x": "PC1", "y": "PC2"}, "fi")
    shown = [name for trace in fig.data for name in trace.text]
    assert shown == ["&lt;b&gt;Kylä&lt;/b&gt;", "B &amp; C", "Sippola"]
    assert [trace.name for trace in fig.data] == ["Ryhmä 1", "Ryhmä 2"]
    assert fig.layout.xaxis.title.text == "PC1" and fig.layout.yaxis.title.text == "PC2"


def test_the_legend_sits_under_the_plot_on_a_phone():
    assignments, scores = three_villages()
    legend = group_map(assignments, scores, ["d1", "d2"], {}, "fi").layout.legend
    assert legend.orientation == "h" and legend.y < 0 and legend.yanchor == "top"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 100), st.floats(0, 100), st.floats(0, 100)), min_size=2, max_size=12))
def test_every_village_and_room_for_its_name_are_inside_the_frame(rows):
    scores = pd.DataFrame(rows, columns=["d1", "d2", "d3"]).assign(village=[f"V{i}" for i in range(len(rows))])
    assignments = pd.DataFrame({"village": scores["village"], "group": [1 + i % 2 for i in range(len(rows))]})
    fig = group_map(assignments, scores, ["d1", "d2", "d3"], {}, "fi")
    (x0, x1), (y0, y1) = fig.layout.xaxis.range, fig.layout.yaxis.range
    xs = np.concatenate([trace.x for trace in fig.data])
    ys = np.concatenate([trace.y for trace in fig.data])
    assert len(xs) == len(rows)
    spread_x, spread_y = max(np.ptp(xs), 1.0), max(np.ptp(ys), 1.0)
    assert x0 <= xs.min() - 0.15 * spread_x + 1e-9 and xs.max() + 0.15 * spread_x - 1e-9 <= x1
    assert y0 <= ys.min() - 0.2 * spread_y + 1e-9 and ys.max() + 0.2 * spread_y - 1e-9 <= y1
