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


def group_map(assignments: pd.DataFrame, scores: pd.DataFrame, dims: list[str], labels: dict[str, str],
              lang: str = "fi") -> go.Figure:
    """Villages of one area on their first two principal components, one colour per group.

    ``labels`` holds the axis and legend words (``x``, ``y``, ``group``) in the user's language.
    """
    merged = assignments[["village", "group"]].merge(scores[["village", *dims]], on="village")
    coords = pca_coordinates(merged[dims].to_numpy(dtype=float))
    fig = go.Figure()
    for n, (group, rows) in enumerate(merged.groupby("group", sort=True)):
        where = rows.index.to_numpy()
        fig.add_trace(
            go.Scatter(
                x=coords[where, 0],
                y=coords[where, 1],
                mode="markers+text",
                text=[escape(v) for v in rows["village"]],  # data made inert (indicator.charts.labels)
                textposition="top center",
                name=f"{labels.get('group', 'Group')} {group}",
                marker={"size": 12, "color": GROUP_COLOURS[n % len(GROUP_COLOURS)]},
            )
        )
    fig.update_layout(
        xaxis_title=labels.get("x", "PC1"), yaxis_title=labels.get("y", "PC2"), margin={"t": 30}, height=480,
        separators=plotly_separators(lang),
    )
    return fig
