"""Figures of the framework page: the indicator tree as a sunburst and the rank shifts of a weight set."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from indicator.charts import palette
from indicator.charts.labels import escape, wrap
from indicator.framework import Framework, text
from indicator.i18n import fmt_number, t
from indicator.weights import effective_weights

FONT = {"family": "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", "size": 13}


def sunburst_chart(framework: Framework, lang: str, weights: Mapping[str, float] | None = None) -> go.Figure:
    """Index → dimensions → items, each item's wedge sized by its effective weight (docs/method.md §2).

    Node ids are ``index``, ``d:<dimension id>`` and ``i:<item id>``; values sit on the items only
    (``branchvalues="remainder"``), so a dimension's size is the sum of its items' effective weights.
    """
    eff = effective_weights(framework, weights)
    colours = dict(zip(framework.dimension_ids, palette.categorical(len(framework.dimensions)), strict=True))
    dims = eff.groupby("dimension", sort=False)["effective"].sum()
    ids = ["index", *(f"d:{d.id}" for d in framework.dimensions), *(f"i:{i}" for i in eff["item"])]
    parents = ["", *(["index"] * len(framework.dimensions)), *(f"d:{d}" for d in eff["dimension"])]
    labels = [
        wrap(text(framework.name, lang), 14),
        *(wrap(text(d.name, lang), 18) for d in framework.dimensions),
        *eff["item"].map(escape),
    ]
    hover = [
        escape(text(framework.name, lang)),
        *(f"{escape(text(d.name, lang))}<br>{t('framework.effective_weight', lang)}: "
          f"{fmt_number(100 * dims.get(d.id, 0.0), lang, 1)} %" for d in framework.dimensions),
        *(f"{escape(i)}: {wrap(text(framework.item(i).text, lang), 50)}<br>"
          f"{t('framework.effective_weight', lang)}: {fmt_number(100 * w, lang, 1)} %"
          for i, w in zip(eff["item"], eff["effective"], strict=True)),
    ]
    fig = go.Figure(
        go.Sunburst(
            ids=ids,
            parents=parents,
            labels=labels,
            values=[0.0] * (1 + len(framework.dimensions)) + eff["effective"].astype(float).tolist(),
            branchvalues="remainder",
            hovertext=hover,
            hoverinfo="text",
            marker={"colors": ["#FFFFFF", *colours.values(), *eff["dimension"].map(colours)],
                    "line": {"color": "white", "width": 1}},
            insidetextorientation="radial",
            sort=False,
        )
    )
    fig.update_layout(margin={"l": 10, "r": 10, "t": 10, "b": 10}, height=620, font=FONT)
    return fig


def rank_shift_chart(changes: pd.DataFrame, lang: str) -> go.Figure:
    """Horizontal bars of each village's rank shift under a weight set (positive = moves up).

    ``changes``: ``indicator.weights.rank_changes`` output; villages without a shift are left out.
    """
    rows = changes.dropna(subset=["shift"])
    rows = rows.assign(shift=rows["shift"].astype(int)).sort_values(["shift", "village"], ascending=[True, False])
    colours = [palette.BLUISH_GREEN if s > 0 else palette.VERMILLION if s < 0 else palette.GREY
               for s in rows["shift"]]
    fig = go.Figure(
        go.Bar(
            x=rows["shift"].tolist(),
            y=rows["village"].map(escape).tolist(),
            orientation="h",
            marker={"color": colours},
            customdata=list(zip(rows["rank_nominal"].astype(int), rows["rank_new"].astype(int), strict=True)),
            hovertemplate="%{y}: %{customdata[0]} → %{customdata[1]}<extra></extra>",
            name=t("framework.shift", lang),
        )
    )
    fig.add_vline(x=0, line={"color": palette.BLACK, "width": 1})
    fig.update_layout(
        xaxis={"title": t("framework.shift_axis", lang), "dtick": 1, "zeroline": False},
        yaxis={"automargin": True, "dtick": 1},
        margin={"l": 10, "r": 20, "t": 10, "b": 40},
        height=max(170, 28 * len(rows) + 90),
        bargap=0.35,
        font=FONT,
        showlegend=False,
    )
    return fig
