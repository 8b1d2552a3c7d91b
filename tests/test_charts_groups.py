"""Figures of the theme-group page (indicator.charts.groups)."""

from __future__ import annotations

import pandas as pd

from indicator.charts.groups import group_map


def test_group_map_uses_the_locale_decimal_mark():
    assignments = pd.DataFrame({"village": ["A", "B", "C"], "group": [1, 1, 2]})
    scores = pd.DataFrame({"village": ["A", "B", "C"], "d1": [10.0, 20.0, 90.0], "d2": [5.0, 50.0, 40.0]})
    assert group_map(assignments, scores, ["d1", "d2"], {}, "fi").layout.separators == ",\u202f"
    assert group_map(assignments, scores, ["d1", "d2"], {}, "en").layout.separators == ".,"
