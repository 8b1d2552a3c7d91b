"""ui.figures: a figure is built once per builder and argument content, and shared afterwards."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.framework import load
from ui import figures

CALLS: list[tuple] = []


def bars(frame: pd.DataFrame, title: str = "") -> go.Figure:
    """A builder that counts its calls."""
    CALLS.append((len(frame), title))
    return go.Figure(go.Bar(x=frame["village"], y=frame["score"])).update_layout(title=title)


@pytest.fixture(autouse=True)
def fresh():
    figures._built.clear()
    CALLS.clear()


def frame(scores: list[float]) -> pd.DataFrame:
    return pd.DataFrame({"village": [f"V{n}" for n in range(len(scores))], "score": scores})


def test_equal_arguments_build_once_and_share_the_figure():
    first = figures.shared(bars, frame([1.0, 2.0]), title="a")
    again = figures.shared(bars, frame([1.0, 2.0]), title="a")  # an equal, not the same, frame
    assert again is first
    assert CALLS == [(2, "a")]
    assert list(first.data[0].y) == [1.0, 2.0]


def test_a_changed_cell_keyword_or_builder_builds_anew():
    figures.shared(bars, frame([1.0, 2.0]), title="a")
    changed = figures.shared(bars, frame([1.0, 2.5]), title="a")
    figures.shared(bars, frame([1.0, 2.0]), title="b")
    assert list(changed.data[0].y) == [1.0, 2.5]
    assert CALLS == [(2, "a"), (2, "a"), (2, "b")]
    assert figures.figure_key(bars, (frame([1.0]),), {}) != figures.figure_key(frame, (frame([1.0]),), {})


def test_types_and_index_count_not_only_the_printed_values():
    ints = pd.DataFrame({"village": ["A"], "score": [1]})
    floats = pd.DataFrame({"village": ["A"], "score": [1.0]})
    moved = floats.set_axis([7])
    keys = {figures.figure_key(bars, (f,), {}) for f in (ints, floats, moved)}
    assert len(keys) == 3


def test_the_framework_counts_by_identity_and_unhashable_cells_by_text():
    fw = load()
    assert figures.figure_key(bars, (fw,), {}) == figures.figure_key(bars, (fw,), {})
    lists = pd.Series([["A", "B"], ["C"]])
    assert figures.figure_key(bars, (lists,), {}) != figures.figure_key(bars, (pd.Series([["A"], ["C"]]),), {})


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=False, width=32), min_size=1, max_size=6),
       st.integers(min_value=0, max_value=5))
def test_a_key_changes_with_any_single_cell(values, where):
    base = pd.DataFrame({"score": np.array(values, dtype=float)})
    other = base.copy()
    where %= len(values)
    old = other.loc[where, "score"]
    other.loc[where, "score"] = 0.5 if pd.isna(old) or old != 0.5 else 1.5
    assert figures.figure_key(bars, (base,), {}) != figures.figure_key(bars, (other,), {})
    assert figures.figure_key(bars, (base,), {}) == figures.figure_key(bars, (base.copy(),), {})
