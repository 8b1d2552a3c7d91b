"""Figures of the village card: dimension radar, history over rounds and the rank uncertainty band.

Inputs are the tidy frames of ``indicator.report.VillageResults``; texts that come from data (village
and dimension names) are HTML-escaped because Plotly reads a subset of HTML in labels.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from indicator.charts import palette
from indicator.charts.labels import escape, wrap
from indicator.framework import Framework, text
from indicator.i18n import t

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


def _closed(values: pd.Series | list) -> list:
    values = list(values)
    return [*values, values[0]] if values else values


def radar_chart(dimensions: pd.DataFrame, framework: Framework, village: str, lang: str) -> go.Figure:
    """The village's dimension scores against the province and Leader-area medians (closed polygons).

    ``dimensions``: columns dimension, village, province, area (the area trace is left out when empty).
    """
    theta = _closed([wrap(text(framework.dimension(d).name, lang), 16) for d in dimensions["dimension"]])
    series = [
        ("province", t("village.province_median", lang), palette.GREY, "dot", None),
        ("area", t("village.area_median", lang), palette.ORANGE, "dash", None),
        ("village", escape(village), palette.BLUE, "solid", "toself"),
    ]
    fig = go.Figure()
    for column, name, colour, dash, fill in series:
        if dimensions[column].isna().all():
            continue
        fig.add_trace(
            go.Scatterpolar(
                r=_closed(dimensions[column].astype(float).round(4)),
                theta=theta,
                name=name,
                mode="lines+markers",
                line={"color": colour, "dash": dash, "width": 3 if column == "village" else 2},
                fill=fill,
                fillcolor="rgba(0,114,178,0.15)" if fill else None,
                hovertemplate="%{theta}: %{r:.1f}<extra>" + name + "</extra>",
            )
        )
    fig.update_layout(
        polar={"radialaxis": {"range": [0, 100], "tickvals": [0, 20, 40, 60, 80, 100], "angle": 90},
               "angularaxis": {"direction": "clockwise"}},
        legend={"orientation": "h", "y": 1.14, "yanchor": "bottom", "x": 0.5, "xanchor": "center"},
        margin={"l": 110, "r": 110, "t": 110, "b": 50},
        height=560,
        font=FONT,
    )
    return fig


def history_chart(history: pd.DataFrame, framework: Framework, village: str, lang: str) -> go.Figure:
    """Index (thick) and dimension scores (thin) over the village's rounds; private rounds are gaps."""
    rounds = history["round"].astype(int).tolist()
    fig = go.Figure()
    colours = palette.categorical(len(framework.dimensions))
    for dim, colour in zip(framework.dimensions, colours, strict=True):
        fig.add_trace(
            go.Scatter(x=rounds, y=history[dim.id].astype(float).round(4).tolist(), name=escape(text(dim.name, lang)),
                       mode="lines+markers", line={"color": colour, "width": 1.5}, marker={"size": 6},
                       opacity=0.8, hovertemplate="%{x}: %{y:.1f}")
        )
    fig.add_trace(
        go.Scatter(x=rounds, y=history["index"].astype(float).round(4).tolist(), name=t("village.col_index", lang),
                   mode="lines+markers", line={"color": palette.BLACK, "width": 4}, marker={"size": 10},
                   hovertemplate="%{x}: %{y:.1f}")
    )
    fig.add_hline(y=100, line={"color": palette.TARGET, "dash": "dot", "width": 1},
                  annotation_text=t("village.target_line", lang, year=framework.target_year),
                  annotation_position="top left")
    fig.update_layout(
        title={"text": escape(village), "x": 0, "font": {"size": 14}},
        xaxis={"tickmode": "array", "tickvals": rounds, "title": t("village.col_round", lang)},
        yaxis={"range": [0, 105], "title": t("village.score_axis", lang)},
        legend={"orientation": "h", "y": -0.25},
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        height=420,
        font=FONT,
    )
    return fig


def rank_band_chart(band: Mapping[str, float], n_ranked: int, village: str, lang: str) -> go.Figure:
    """Dot and line: the 5th–95th percentile rank band, the median rank and the nominal rank (1 = best)."""
    low, high = band["p05_rank"], band["p95_rank"]
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[low, high], y=[0, 0], mode="lines", name=t("village.rank_band", lang),
                             line={"color": palette.SKY_BLUE, "width": 10},
                             hovertemplate=f"{low:.0f}–{high:.0f}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[band["median_rank"]], y=[0], mode="markers", name=t("village.median_rank", lang),
                             marker={"symbol": "line-ns-open", "size": 26, "color": palette.ORANGE,
                                     "line": {"color": palette.ORANGE, "width": 4}},
                             hovertemplate="%{x}<extra></extra>"))
    fig.add_trace(go.Scatter(x=[band["nominal_rank"]], y=[0], mode="markers", name=t("village.nominal_rank", lang),
                             marker={"size": 14, "color": palette.BLUE, "line": {"color": "white", "width": 2}},
                             hovertemplate=escape(village) + ": %{x}<extra></extra>"))
    fig.update_layout(
        xaxis={"range": [0.5, max(n_ranked, high) + 0.5], "title": {"text": t("village.rank_axis", lang)},
               "dtick": 1 if n_ranked <= 20 else 5, "zeroline": False, "showgrid": True},
        yaxis={"visible": False, "range": [-1, 1]},
        legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0},
        margin={"l": 20, "r": 20, "t": 30, "b": 10},
        height=210,
        font=FONT,
        showlegend=True,
    )
    return fig
