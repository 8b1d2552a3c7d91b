"""Figures and figures-behind-the-figures for the overview page (Etusivu).

Pure functions: tidy DataFrames in, a DataFrame, a small dataclass or a Plotly figure out. Texts arrive
already translated (``labels``), so the module knows no language.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from indicator.charts import palette
from indicator.charts.labels import escape, wrap
from indicator.progress import aggregate_history
from indicator.scoring import NO_SCORE

REGISTRY_COLUMNS: tuple[str, ...] = ("municipality", "leader_area", "lat", "lon", "coordinate_source")


def round_frame(table: pd.DataFrame, registry: pd.DataFrame, framework: object, round_: int | None) -> pd.DataFrame:
    """The villages of one round joined to the registry, with ``too_few`` (below ``min_respondents``).

    Villages missing from the registry keep empty municipality, area and coordinates.
    """
    rows = table[table["round"] == round_] if round_ is not None else table.iloc[0:0]
    reg = registry.drop_duplicates("village").set_index("village")[list(REGISTRY_COLUMNS)]
    out = rows.join(reg, on="village")
    out["too_few"] = ~framework.enough_respondents(out["respondents"])
    return out.reset_index(drop=True)


@dataclass(frozen=True)
class Headline:
    """The KPI row: villages surveyed and scored, respondents, the index and its change since the baseline.

    ``index`` is the villages' index as the progress page draws and rates it (``indicator.progress``'s
    linked mean, docs/method.md §3.1): for the whole province the province line's value, the headline figure
    of every screen; ``baseline_index`` is the same line's value in the baseline round.
    """

    villages: int
    scored: int
    respondents: int
    index: float | None
    baseline_round: int | None
    baseline_index: float | None

    @property
    def change(self) -> float | None:
        if self.index is None or self.baseline_index is None:
            return None
        return self.index - self.baseline_index


def baseline_round(table: pd.DataFrame, framework: object, round_: int | None) -> int | None:
    """The round changes are measured from: the framework's baseline year when it has data, else the
    first round; None when that is the shown round itself (no change to show)."""
    rounds = sorted(int(r) for r in table["round"].dropna().unique())
    if not rounds or round_ is None:
        return None
    base = framework.baseline_year if framework.baseline_year in rounds else rounds[0]
    return base if base < round_ else None


def index_line(table: pd.DataFrame) -> pd.Series:
    """The index of the villages in ``table`` per round (round -> value): their linked mean, the series the
    progress page draws and rates at the province level (``indicator.progress.aggregate_history``)."""
    line = aggregate_history(table, ["index"], by="province")
    return line.set_index("round")["index"] if "index" in line else pd.Series(dtype=float)


def headline(table: pd.DataFrame, framework: object, round_: int | None) -> Headline:
    """KPI figures for ``round_`` over the villages in ``table`` (already filtered by area/municipality).

    The index and its change are read off one line (``index_line``): its value in ``round_`` and that value
    minus its value in the baseline round, so a village joining or missing a round does not show as change.
    """
    now = table[table["round"] == round_]
    base = baseline_round(table, framework, round_)
    line = index_line(table)

    def value(r: int | None) -> float | None:
        return float(line[r]) if r is not None and r in line.index and pd.notna(line[r]) else None

    return Headline(
        villages=int(now["village"].nunique()),
        scored=int(now["index"].notna().sum()),
        respondents=int(now["respondents"].fillna(0).sum()),
        index=value(round_),
        baseline_round=base,
        baseline_index=value(base),
    )


def village_map(
    frame: pd.DataFrame,
    band_names: Mapping[str, str],
    labels: Mapping[str, str],
    *,
    number: Callable[[float], str] = "{:.1f}".format,
    height: int = 520,
) -> go.Figure:
    """Villages on an OpenStreetMap background, one trace per band (legend in band order).

    ``labels`` gives ``no_score`` (legend entry for unscored villages), ``index``, ``respondents``,
    ``approximate`` (hover note for anchor coordinates) and ``too_few``.
    """
    colours = palette.band_colours(list(band_names))
    located = frame.dropna(subset=["lat", "lon"])
    fig = go.Figure()
    groups = [(b, band_names[b], colours[b]) for b in band_names]
    groups.append((NO_SCORE, labels["no_score"], palette.MISSING))
    band_key = located["band"].astype(object).where(located["band"].notna(), NO_SCORE)
    for band_id, name, colour in groups:
        part = located[band_key == band_id]
        if part.empty:
            continue
        fig.add_trace(
            go.Scattermap(
                lat=part["lat"],
                lon=part["lon"],
                mode="markers",
                name=name,
                marker={"size": 13, "color": colour, "opacity": 0.9},
                text=part["village"].map(escape),
                customdata=np.column_stack([_hover_detail(part, labels, number)]),
                hovertemplate="<b>%{text}</b><br>%{customdata[0]}<extra>" + name + "</extra>",
            )
        )
    centre, zoom = fit_view(located["lat"], located["lon"], height=height - 90)
    fig.update_layout(
        map={"style": "open-street-map", "center": centre, "zoom": zoom},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        height=height,
        legend={"orientation": "h", "yanchor": "top", "y": 0.99, "xanchor": "left", "x": 0.01,
                "bgcolor": "rgba(255,255,255,0.85)", "font": {"size": 13}},
    )
    return fig


MAP_TILE = 512  # px of the whole world at zoom 0 in Plotly's maps (MapLibre)


def fit_view(lat: pd.Series, lon: pd.Series, *, width: float = 330.0, height: float = 430.0,
             zooms: tuple[float, float] = (5.0, 10.0)) -> tuple[dict[str, float], float]:
    """Centre and zoom at which every point fits a map ``width`` × ``height`` px (Web Mercator).

    The width is a phone's (a 390 px screen less the page's padding): Streamlit tells a page nothing about
    the screen, so the map is framed for the narrowest one and a desktop shows the same view with room
    around it; no village is drawn outside the frame. Without points: the province's centre.

    >>> centre, zoom = fit_view(pd.Series([60.4, 61.2]), pd.Series([26.0, 28.2]))
    >>> round(centre["lon"], 2), round(zoom, 2)
    (27.1, 6.72)
    """
    lat, lon = lat.dropna().astype(float), lon.dropna().astype(float)
    if lat.empty or lon.empty:
        return {"lat": 60.75, "lon": 26.9}, 7.0

    def mercator(degrees: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(degrees) / 2))

    top, bottom = mercator(lat.max()), mercator(lat.min())
    span_x = max(lon.max() - lon.min(), 0.01) / 360 * MAP_TILE
    span_y = max(top - bottom, 0.0002) / (2 * math.pi) * MAP_TILE
    zoom = min(math.log2(width / span_x), math.log2(height / span_y))
    middle = math.degrees(2 * math.atan(math.exp((top + bottom) / 2)) - math.pi / 2)
    centre = {"lat": middle, "lon": float((lon.max() + lon.min()) / 2)}
    return centre, float(min(max(zoom, zooms[0]), zooms[1]))


def _hover_detail(part: pd.DataFrame, labels: Mapping[str, str], number: Callable[[float], str]) -> list[str]:
    """One hover line per village: municipality, index or "too few", approximate-location note."""
    lines = []
    for row in part.to_dict("records"):
        bits = [escape(row["municipality"]) if isinstance(row["municipality"], str) else ""]
        if row["too_few"]:
            bits.append(labels["too_few"])
        elif pd.notna(row["index"]):
            bits.append(f"{labels['index']} {number(row['index'])}")
        bits.append(f"{labels['respondents']} {int(row['respondents'])}")
        if row["coordinate_source"] == "anchor":
            bits.append(labels["approximate"])
        lines.append("<br>".join(b for b in bits if b))
    return lines


def dimension_long(frame: pd.DataFrame, dimension_names: Mapping[str, str]) -> pd.DataFrame:
    """Scored villages' dimension scores in long form: village, dimension (id), name, score."""
    dims = [d for d in dimension_names if d in frame.columns]
    scored = frame.loc[~frame["too_few"], ["village", *dims]]
    long = scored.melt(id_vars="village", var_name="dimension", value_name="score").dropna(subset=["score"])
    long["name"] = long["dimension"].map(dimension_names)
    return long.reset_index(drop=True)


def dimension_summary(long: pd.DataFrame, dimension_names: Mapping[str, str]) -> pd.DataFrame:
    """Per dimension (framework order): villages, min, median, max of the scores."""
    stats = long.groupby("dimension")["score"].agg(villages="count", low="min", median="median", high="max")
    stats = stats.reindex([d for d in dimension_names if d in stats.index])
    stats.insert(0, "name", [dimension_names[d] for d in stats.index])
    return stats.reset_index()


def dimension_distribution(long: pd.DataFrame, dimension_names: Mapping[str, str], score_label: str) -> go.Figure:
    """Box plot of each dimension's village scores (0–100) with every village as a point."""
    fig = go.Figure()
    order = [wrap(dimension_names[d]) for d in dimension_names]
    for dim, full_name in dimension_names.items():
        part, name = long[long["dimension"] == dim], wrap(full_name)
        fig.add_trace(
            go.Box(
                y=[name] * len(part),
                x=part["score"],
                name=name,
                orientation="h",
                boxpoints="all",
                jitter=0.4,
                pointpos=0,
                marker={"size": 6, "color": palette.PRIMARY, "opacity": 0.55},
                line={"color": palette.PRIMARY},
                fillcolor="rgba(86,180,233,0.25)",
                text=part["village"].map(escape),
                hovertemplate="%{text}: %{x:.1f}<extra>" + escape(full_name) + "</extra>",
                showlegend=False,
            )
        )
    fig.update_layout(
        xaxis={"range": [0, 100], "title": score_label, "dtick": 20, "gridcolor": "#E3E8EE"},
        yaxis={"categoryorder": "array", "categoryarray": order[::-1], "automargin": True},
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        height=max(260, 56 * len(order) + 60),
        plot_bgcolor="white",
        boxgap=0.35,
        font={"size": 13},
    )
    return fig


def ranking_table(
    frame: pd.DataFrame,
    dimension_names: Mapping[str, str],
    band_names: Mapping[str, str],
    headers: Mapping[str, str],
    *,
    area_names: Mapping[str, str] | None = None,
    too_few: str = "too few respondents",
    no_index: str = "no index",
) -> pd.DataFrame:
    """The ranking as shown: rank, village, municipality, area, index, level, respondents, dimensions.

    Villages below ``min_respondents`` keep their row with the level text ``too_few`` and no scores;
    ``headers`` maps rank, village, municipality, area, index, band and respondents to column titles.
    """
    dims = [d for d in dimension_names if d in frame.columns]
    out = frame.sort_values(["rank", "village"], na_position="last", kind="stable")
    level = out["band"].astype(object).map(band_names)
    level = level.where(out["band"].notna(), no_index).where(~out["too_few"], too_few)
    scores = out[["index", *dims]].astype(float)
    scores.loc[out["too_few"].to_numpy(bool)] = np.nan
    table = pd.DataFrame(
        {
            headers["rank"]: out["rank"].astype("Int64"),
            headers["village"]: out["village"].astype(str),
            headers["municipality"]: out["municipality"].astype(object),
            headers["area"]: out["leader_area"].astype(object).map(area_names or {}).fillna(out["leader_area"]),
            headers["index"]: scores["index"],
            headers["band"]: level,
            headers["respondents"]: out["respondents"].astype("Int64"),
        }
    )
    for dim in dims:
        table[dimension_names[dim]] = scores[dim]
    return table.reset_index(drop=True)


def band_bars(counts: pd.Series, band_names: Mapping[str, str], no_score: str) -> go.Figure:
    """Villages per band (``indicator.scoring.band_counts``) as horizontal bars in the map's colours (best band
    on top), with counts."""
    colours = {**palette.band_colours(list(band_names)), NO_SCORE: palette.MISSING}
    names = {**band_names, NO_SCORE: no_score}
    # Plotly draws the first category at the bottom: unscored, then the bands from lowest to highest.
    order = [b for b in [NO_SCORE, *band_names] if b in counts.index and (b != NO_SCORE or counts[b])]
    fig = go.Figure(
        go.Bar(
            y=[wrap(names[b], 16) for b in order],
            x=[int(counts[b]) for b in order],
            orientation="h",
            marker={"color": [colours[b] for b in order]},
            text=[int(counts[b]) for b in order],
            textposition="outside",
            cliponaxis=False,
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=60 + 44 * len(order),
        margin={"l": 10, "r": 30, "t": 10, "b": 10},
        xaxis={"visible": False},
        yaxis={"automargin": True},
        plot_bgcolor="white",
        font={"size": 13},
        bargap=0.3,
    )
    return fig
