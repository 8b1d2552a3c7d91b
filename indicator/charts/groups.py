"""Figures for theme groups: a 2-D PCA map of the villages coloured by group (no Streamlit)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicator.charts.labels import escape
from indicator.charts.palette import CATEGORICAL
from indicator.grouping.model import standardise
from indicator.i18n import plotly_separators

GROUP_COLOURS: tuple[str, ...] = CATEGORICAL


def pca_coordinates(values: np.ndarray) -> np.ndarray:
    """The first two principal components of the standardised values (zeros when there are none)."""
    z = standardise(values)
    if len(z) < 2:
        return np.zeros((len(z), 2))
    _, _, vt = np.linalg.svd(z, full_matrices=False)
    coords = z @ vt[:2].T
    return np.column_stack([coords, np.zeros((len(z), 2 - coords.shape[1]))]) if coords.shape[1] < 2 else coords


def _padded(values: np.ndarray, share: float) -> list[float]:
    """An axis range around ``values`` with ``share`` of their spread (at least 1) added on each side, so
    that markers and their names stay inside the frame."""
    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 0.0)
    pad = max(high - low, 1.0) * share
    return [low - pad, high + pad]


def group_map(assignments: pd.DataFrame, scores: pd.DataFrame, dims: list[str], labels: dict[str, str],
              lang: str = "fi") -> go.Figure:
    """Villages of one area on their first two principal components, one colour per group.

    ``labels`` holds the axis and legend words (``x``, ``y``, ``group``) in the user's language. Village
    names are escaped (``labels.escape``); the legend sits under the plot and the axes leave room for the
    names, so nothing covers or leaves the frame on a phone.
    """
    merged = assignments[["village", "group"]].merge(scores[["village", *dims]], on="village")
    coords = pca_coordinates(merged[dims].to_numpy(dtype=float))
    fig = go.Figure()
    for n, (group, rows) in enumerate(merged.groupby("group", sort=True)):
        where = rows.index.to_numpy()
        names = [escape(v) for v in rows["village"]]
        fig.add_trace(
            go.Scatter(
                x=coords[where, 0],
                y=coords[where, 1],
                mode="markers+text",
                text=names,
                textposition="top center",
                textfont={"size": 11},
                name=f"{escape(labels.get('group', 'Group'))} {group}",
                marker={"size": 11, "color": GROUP_COLOURS[n % len(GROUP_COLOURS)]},
                hovertemplate="%{text}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_layout(
        xaxis={"title": {"text": escape(labels.get("x", "PC1"))}, "range": _padded(coords[:, 0], 0.15),
               "zeroline": False},
        yaxis={"title": {"text": escape(labels.get("y", "PC2"))}, "range": _padded(coords[:, 1], 0.2),
               "zeroline": False},
        legend={"orientation": "h", "yanchor": "top", "y": -0.15, "xanchor": "left", "x": 0},
        margin={"t": 20, "l": 10, "r": 10, "b": 10}, height=480, separators=plotly_separators(lang),
    )
    return fig
