"""Figures of the theme-group page (indicator.charts.groups)."""

from __future__ import annotations

import pandas as pd

from indicator.charts.groups import group_map


def test_group_map_uses_the_locale_decimal_mark():
    assignments = pd.DataFrame({"village": ["A", "B", "C"], "group": [1, 1, 2]})
    scores = pd.DataFrame({"village": ["A", "B", "C"], "d1": [10.0, 20.0, 90.0], "d2": [5.0, 50.0, 40.0]})
    assert group_map(assignments, scores, ["d1", "d2"], {}, "fi").layout.separators == ",\u202f"
    assert group_map(assignments, scores, ["d1", "d2"], {}, "en").layout.separators == ".,"


def test_village_names_are_inert_in_labels_and_hover():
    hostile = '<a href="https://evil.example">Kirjaudu tästä</a><img src=x onerror=alert(1)>'
    assignments = pd.DataFrame({"village": [hostile, "B", "C"], "group": [1, 1, 2]})
    scores = pd.DataFrame({"village": [hostile, "B", "C"], "d1": [10.0, 20.0, 90.0], "d2": [5.0, 50.0, 40.0]})
    fig = group_map(assignments, scores, ["d1", "d2"], {}, "fi")
    shown = [text for trace in fig.data for text in trace.text]
    assert shown[0] == ('&lt;a href="https://evil.example"&gt;Kirjaudu tästä&lt;/a&gt;'
                        '&lt;img src=x onerror=alert(1)&gt;')
    assert not any("<" in text for text in shown)
    assert all(trace.hovertemplate is None for trace in fig.data)  # the hover shows the same escaped text
