"""Figures of the village card: dimension radar, history over rounds and the rank uncertainty band.

Inputs are the tidy frames of ``indicator.report.VillageResults``; texts that come from data (village
and dimension names) are HTML-escaped because Plotly reads a subset of HTML in labels.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from indicator.charts import palette
from indicator.charts.labels import escape
from indicator.framework import Framework, text
from indicator.i18n import fmt_number, plotly_separators, t

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}
RADAR_LABEL_WIDTH = 14  # characters per line of a radar label
RADAR_LABEL_LINES = 3   # more lines than this and labels of neighbouring spokes run into each other


def radar_label(name: str, width: int = RADAR_LABEL_WIDTH, lines: int = RADAR_LABEL_LINES) -> str:
    """A dimension name short enough for a spoke of the radar, wrapped at ``width`` characters.

    A name that needs more than two lines keeps its part before the first comma ("Identity, branding and
    visibility" is "Identity"); a name that still needs more than ``lines`` lines ends in an ellipsis. The
    full name is in the hover text and in the table beside the chart.

    >>> radar_label("Elinkeinot ja yrittäjyys")
    'Elinkeinot ja<br>yrittäjyys'
    >>> radar_label("Yhteisöllisyys, osallisuus ja vetovoima")
    'Yhteisöllisyys'
    >>> radar_label("Kylätalo ja yhteisölliset tilat")
    'Kylätalo ja<br>yhteisölliset<br>tilat'
    """
    import textwrap

    def wrapped(value: str) -> list[str]:
        return textwrap.wrap(value, width, break_long_words=False, break_on_hyphens=False) or [value]

    parts = wrapped(name)
    if len(parts) > 2 and "," in name:
        parts = wrapped(name.split(",", 1)[0])
    if len(parts) > lines:
        parts = [*parts[: lines - 1], parts[lines - 1].rstrip(",") + "…"]
    return "<br>".join(escape(p) for p in parts)


def _closed(values: pd.Series | list) -> list:
    values = list(values)
    return [*values, values[0]] if values else values


def radar_chart(dimensions: pd.DataFrame, framework: Framework, village: str, lang: str) -> go.Figure:
    """The village's dimension scores against the province and Leader-area medians (closed polygons).

    ``dimensions``: columns dimension, village, province, area (the area trace is left out when empty).
    """
    names = [text(framework.dimension(d).name, lang) for d in dimensions["dimension"]]
    theta = _closed([radar_label(name) for name in names])
    full = _closed([escape(name) for name in names])
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
                customdata=full,
                hovertemplate="%{customdata}: %{r:.1f}<extra>" + name + "</extra>",
            )
        )
    spoke = 360 / max(len(names), 1)
    fig.update_layout(
        polar={"radialaxis": {"range": [0, 100], "tickvals": [20, 40, 60, 80, 100], "angle": 90 - spoke / 2,
                              "tickangle": 90 - spoke / 2, "tickfont": {"size": 10, "color": palette.NEUTRAL}},
               "angularaxis": {"direction": "clockwise", "rotation": 90, "tickfont": {"size": 12}}},
        legend={"orientation": "h", "y": -0.08, "yanchor": "top", "x": 0.5, "xanchor": "center"},
        margin={"l": 90, "r": 90, "t": 40, "b": 30},
        height=470,
        font=FONT,
        separators=plotly_separators(lang),
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
        separators=plotly_separators(lang),
    )
    return fig


def rank_band_chart(band: Mapping[str, float], n_ranked: int, village: str, lang: str) -> go.Figure:
    """The rank and its 5th–95th percentile band on a line of ranks 1..n (1 = best, on the left), labelled
    on the chart itself (no legend to decode): the band's text under it, the rank above its dot."""
    low, high, rank = band["p05_rank"], band["p95_rank"], band["nominal_rank"]
    top = max(n_ranked, high)
    band_text = t("village.rank_band_label", lang, low=fmt_number(low, lang, 0), high=fmt_number(high, lang, 0))
    rank_text = t("village.rank_label", lang, rank=fmt_number(rank, lang, 0))
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=[1, top], y=[0, 0], mode="lines", line={"color": palette.MISSING, "width": 2},
                             hoverinfo="skip", showlegend=False))
    fig.add_trace(go.Scatter(x=[low, high], y=[0, 0], mode="lines", name=t("village.rank_band", lang),
                             line={"color": palette.SKY_BLUE, "width": 14}, showlegend=False,
                             hovertemplate=escape(band_text) + "<extra></extra>"))
    fig.add_trace(go.Scatter(x=[rank], y=[0], mode="markers+text", name=t("village.nominal_rank", lang),
                             marker={"size": 16, "color": palette.BLUE, "line": {"color": "white", "width": 2}},
                             text=[escape(rank_text)], textposition="top center", textfont={"size": 14},
                             showlegend=False, hovertemplate=escape(village) + ": " + escape(rank_text) + "<extra></extra>"))
    fig.add_annotation(x=(low + high) / 2, y=0, yshift=-22, text=escape(band_text), showarrow=False,
                       font={"size": 13, "color": palette.NEUTRAL})
    fig.update_layout(
        xaxis={"range": [0.5, top + 0.5], "title": {"text": t("village.rank_axis", lang), "standoff": 4},
               "tickvals": rank_ticks(int(top)), "zeroline": False, "showgrid": False, "fixedrange": True},
        yaxis={"visible": False, "range": [-1, 1.1], "fixedrange": True},
        margin={"l": 16, "r": 16, "t": 8, "b": 8},
        height=170,
        font=FONT,
        separators=plotly_separators(lang),
        plot_bgcolor="white",
    )
    return fig


def rank_ticks(n: int) -> list[int]:
    """Rank ticks: 1, the multiples of a step that keeps about eight ticks, and the last rank."""
    step = next(s for s in (1, 2, 5, 10, 20, 50, 100, 10**9) if n / s <= 8)
    ticks = [1, *range(step, n, step), n]
    return sorted({tick for tick in ticks if tick == n or n - tick >= step / 2})
