"""Figures for the seminar screen: large type for a projector, one figure per slide.

Slides rotate by the clock (``slide_at``), so every screen showing the page is on the same slide and
no state is kept between reruns. Names that come from data (villages, areas) are escaped before they
go into Plotly texts, which understand a few HTML tags.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go

from indicator.charts import palette
from indicator.charts.labels import escape, wrap
from indicator.framework import Framework, text
from indicator.i18n import t
from indicator.poll import SCALE
from indicator.scoring import NO_SCORE

if TYPE_CHECKING:
    from indicator.storage import Store

SLIDES: tuple[str, ...] = ("progress", "bands", "groups", "goals", "impact", "participation")
FONT_SIZE = 26
GROUPING_KIND = "grouping"
# Diverging five-point scale: disagree (vermillion) ... agree (blue); the midpoint is a light grey.
SCALE_COLOURS: tuple[str, ...] = (
    palette.VERMILLION,
    palette.ORANGE,
    "#D9D9D9",
    palette.SKY_BLUE,
    palette.BLUE,
)


def pairs(labels: Iterable[object], values: Iterable[object]) -> str:
    """``label: value`` pairs joined by ``;`` for a chart's text alternative.

    >>> pairs(["A", "B"], [1, 2])
    'A: 1; B: 2'
    """
    return "; ".join(f"{label}: {value}" for label, value in zip(labels, values, strict=True))


def slide_at(now: float, every: float, slides: Sequence[str] = SLIDES) -> str:
    """The slide shown at time ``now`` (seconds) when slides change every ``every`` seconds.

    >>> [slide_at(s, 15, ("a", "b", "c")) for s in (0, 14.9, 15, 44, 45)]
    ['a', 'a', 'b', 'c', 'a']
    """
    return slides[int(now // every) % len(slides)]


def parse_every(value: object, default: int = 15, low: int = 5, high: int = 600) -> int:
    """Seconds per slide from a ``?every=`` parameter: a whole number, clipped to ``low``..``high``."""
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


def _base(fig: go.Figure, font_size: int, title: str = "") -> go.Figure:
    fig.update_layout(
        font={"size": font_size, "color": "#1B2733"},
        plot_bgcolor="white",
        paper_bgcolor="white",
        title={"text": title, "font": {"size": font_size * 1.2}} if title else None,
        margin={"l": 10, "r": 30, "t": 30 + (font_size * 2 if title else 0), "b": 10},
        legend_font_size=font_size * 0.8,
        hoverlabel_font_size=font_size,
    )
    fig.update_xaxes(tickfont={"size": font_size}, automargin=True)
    fig.update_yaxes(tickfont={"size": font_size}, automargin=True)
    return fig


# --- villages by band ---------------------------------------------------------------------------------


def band_names(framework: Framework, lang: str) -> dict[str, str]:
    """Band id -> name in ``lang``, and ``NO_SCORE`` -> the words for villages without a band."""
    return {b.id: text(b.name, lang) for b in framework.bands} | {NO_SCORE: t("seminar.bands.none", lang)}


def bands_figure(
    counts: pd.Series, framework: Framework, *, lang: str = "fi", font_size: int = FONT_SIZE
) -> go.Figure:
    """Horizontal bars of ``indicator.scoring.band_counts``: villages per band, best band on top, then the
    villages without a band (when there are any)."""
    colours = palette.band_colours([b.id for b in framework.bands]) | {NO_SCORE: palette.MISSING}
    names = band_names(framework, lang)
    shown = pd.concat([counts.drop(NO_SCORE).iloc[::-1], counts[[NO_SCORE]][counts[[NO_SCORE]] > 0]])
    fig = go.Figure(
        go.Bar(
            x=shown.to_numpy(),
            y=[names[b] for b in shown.index],
            orientation="h",
            text=shown.to_numpy(),
            textposition="outside",
            marker_color=[colours[b] for b in shown.index],
            cliponaxis=False,
        )
    )
    fig.update_xaxes(visible=False, range=[0, max(1, int(shown.max())) * 1.15])
    fig.update_yaxes(autorange="reversed")
    return _base(fig, font_size).update_layout(showlegend=False, bargap=0.25)


# --- theme groups -------------------------------------------------------------------------------------


def grouping_frame(payload: Any) -> pd.DataFrame | None:
    """A saved grouping's assignments (village, area, group, theme) from its stored payload, or None.

    Accepts a list of assignment records or a mapping with such a list under ``assignments``.
    """
    records = payload.get("assignments") if isinstance(payload, Mapping) else payload
    if not isinstance(records, list) or not records or not all(isinstance(r, Mapping) for r in records):
        return None
    frame = pd.DataFrame(records)
    if not {"village", "group"} <= set(frame.columns):
        return None
    for column in ("area", "theme"):
        if column not in frame:
            frame[column] = None
    return frame[["village", "area", "group", "theme"]].astype(object)


def latest_grouping(store: Store) -> pd.DataFrame | None:
    """The most recently saved grouping in ``store`` (its ``grouping`` documents), or None."""
    docs = store.documents.table(GROUPING_KIND)
    if docs.empty:
        return None
    for payload in docs.sort_values("created_at", ascending=False)["payload"]:
        frame = grouping_frame(payload)
        if frame is not None:
            return frame
    return None


def group_labels(frame: pd.DataFrame) -> list[str]:
    """One label per group, e.g. ``sepra 1``, in area and group order."""
    keys = frame[["area", "group"]].drop_duplicates()
    keys = keys.assign(order=pd.to_numeric(keys["group"], errors="coerce")).sort_values(["area", "order"])
    return [
        f"{a} {g}" if a not in (None, "all") and pd.notna(a) else f"{g}"
        for a, g in zip(keys["area"], keys["group"], strict=True)
    ]


def groups_table(
    frame: pd.DataFrame, theme_names: Mapping[str, str], area_names: Mapping[str, str]
) -> pd.DataFrame:
    """One row per group: area, group, theme (names) and its villages (comma-separated, sorted)."""
    out = (
        frame.assign(order=pd.to_numeric(frame["group"], errors="coerce"))
        .groupby(["area", "group", "order"], dropna=False, sort=False)
        .agg(theme=("theme", "first"), villages=("village", lambda v: ", ".join(sorted(map(str, v)))))
        .reset_index()
        .sort_values(["area", "order"], na_position="last")
    )
    out["area"] = out["area"].map(lambda a: area_names.get(a, "" if pd.isna(a) or a == "all" else str(a)))
    out["theme"] = out["theme"].map(lambda th: theme_names.get(th, "" if pd.isna(th) else str(th)))
    return out[["area", "group", "theme", "villages"]].reset_index(drop=True)


def groups_figure(table: pd.DataFrame, headers: Sequence[str], *, font_size: int = FONT_SIZE) -> go.Figure:
    """The theme groups as a large table (area, group, theme, villages); every cell escaped."""
    colours = [palette.CATEGORICAL[i % len(palette.CATEGORICAL)] for i in range(len(table))]
    villages = [wrap(v, 44) for v in table["villages"]]
    fig = go.Figure(
        go.Table(
            columnwidth=[1.7, 0.85, 2.5, 4.0],
            header={
                "values": [f"<b>{escape(h)}</b>" for h in headers],
                "font": {"size": font_size},
                "fill_color": "#EEF3F8",
                "align": "left",
                "height": font_size * 1.8,
            },
            cells={  # projector type: the cells as large as the rest of the slide's text
                "values": [[escape(v) for v in table[c]] for c in ("area", "group", "theme")]
                + [villages],
                "font": {"size": font_size},
                "align": "left",
                "height": font_size * 1.9,
                "line": {"color": [colours], "width": 1},
            },
        )
    )
    lines = [max(v.count("<br>") + 1, math.ceil(len(str(r.theme)) / 24), math.ceil(len(str(r.area)) / 16))
             for v, r in zip(villages, table.itertuples(), strict=True)]
    height = font_size * 2.2 + sum(n * font_size * 1.35 + font_size * 0.8 for n in lines) + 40
    return _base(fig, font_size).update_layout(height=max(300, int(height)))


# --- poll answers -------------------------------------------------------------------------------------


def poll_figure(
    summary: pd.DataFrame,
    labels: Mapping[str, str],
    scale_names: Sequence[str],
    *,
    lang: str = "fi",
    font_size: int = FONT_SIZE,
) -> go.Figure:
    """Stacked horizontal bars: the share of each answer 1..5 per poll item, the mean at the end."""
    rows = summary.iloc[::-1]
    y = [wrap(labels.get(i, i), 40) for i in rows["item"]]
    totals = rows["answers"].where(rows["answers"] > 0, 1)
    fig = go.Figure()
    for value, name, colour in zip(SCALE, scale_names, SCALE_COLOURS, strict=True):
        share = rows[f"n{value}"] / totals * 100
        fig.add_trace(
            go.Bar(
                y=y,
                x=share,
                name=f"{value} {name}",
                orientation="h",
                marker_color=colour,
                customdata=rows[f"n{value}"],
                hovertemplate="%{customdata}<extra></extra>",
            )
        )
    means = [
        t("seminar.poll.mean", lang, mean=f"{m:.1f}".replace(".", "," if lang != "en" else "."), n=n)
        if n
        else t("seminar.poll.no_answers", lang)
        for m, n in zip(rows["mean"], rows["answers"], strict=True)
    ]
    fig.add_trace(
        go.Scatter(
            y=y,
            x=[101] * len(y),
            mode="text",
            text=means,
            textposition="middle right",
            showlegend=False,
            hoverinfo="skip",
            textfont={"size": font_size},
            cliponaxis=False,  # the mean or "no answers" may run past the plot area; never cut it
        )
    )
    fig.update_xaxes(range=[0, 150], visible=False)
    fig.update_layout(
        barmode="stack",
        legend={
            "orientation": "h",
            "yanchor": "top",
            "y": -0.02,
            "x": 0,
            "font": {"size": font_size * 0.9},
            "traceorder": "normal",
        },
    )
    return _base(fig, font_size)


def participation(scores: pd.DataFrame) -> pd.DataFrame:
    """Per round: villages with respondents, villages scored and respondents (survey participation)."""
    frame = scores.assign(scored=scores["index"].notna())
    out = frame.groupby("round", as_index=False).agg(
        villages=("village", "nunique"), scored=("scored", "sum"), respondents=("respondents", "sum")
    )
    return out.astype({"round": "int64", "villages": "int64", "scored": "int64", "respondents": "int64"})
