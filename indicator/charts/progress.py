"""Figures and figure data for progress toward the target year (docs/method.md §3) and the project's own goals.

Pure builders: tidy DataFrames in, Plotly figures out, texts through ``indicator.i18n.t``. The target
path runs from the first scored round's score to 100 in the target year (dashed); the projection runs
from the last score with the observed slope, clipped to 0–100 (dotted).
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from indicator import progress as progress_lib
from indicator.charts import palette
from indicator.charts.labels import escape, wrap
from indicator.framework import Framework, text
from indicator.i18n import fmt_number, plotly_separators, t
from indicator.progress import PROVINCE, Level, Status, path_score

STATUS_ARROWS: dict[str, str] = {
    Status.ACHIEVED: "✓",
    Status.ON_TRACK: "↑",
    Status.MODERATELY_IMPROVING: "➚",
    Status.STAGNATING: "→",
    Status.DECREASING: "↓",
    Status.INSUFFICIENT_DATA: "·",
}
ON_PATH: tuple[str, ...] = (Status.ACHIEVED, Status.ON_TRACK)
LEVELS: tuple[str, ...] = (Level.PROVINCE, Level.LEADER_AREA, Level.MUNICIPALITY, Level.VILLAGE)  # screen order
# The three lines of a progress chart (legend order): their dash and width, and their Plotly mode.
LINES: dict[str, dict[str, object]] = {
    "target": {"dash": "dash", "width": 2},
    "projection": {"dash": "dot", "width": 3},
    "actual": {"width": 4},
}
MODES: dict[str, str] = {"target": "lines", "projection": "lines", "actual": "lines+markers"}
TABLE_COLUMNS: tuple[str, ...] = (
    "village",
    "measure",
    "first_round",
    "first_score",
    "last_round",
    "last_score",
    "slope",
    "required",
    "status",
    "projected",
)


# --- figure data ----------------------------------------------------------------------------------------


def target_path(first_round: int, first_score: float, target_year: int) -> pd.DataFrame:
    """The target path (``indicator.progress.path_score``) from the first scored round to the target year,
    as the two end points of its line: columns year, score.

    >>> target_path(2024, 40.0, 2030).to_dict("list")
    {'year': [2024, 2030], 'score': [40.0, 100.0]}
    """
    years = [int(first_round), int(target_year)]
    return pd.DataFrame({"year": years, "score": path_score(first_score, first_round, years, target_year)})


def projection_path(last_round: int, last_score: float, slope: float, target_year: int) -> pd.DataFrame:
    """The projection from the last score with ``slope`` per year, clipped to 0–100: columns year, score.

    Where the straight line leaves 0–100 before the target year, a point at that crossing is added so
    that the drawn line stays flat after it (its end is the documented ``projected``).

    >>> projection_path(2026, 80.0, 10.0, 2030).to_dict("list")
    {'year': [2026.0, 2028.0, 2030.0], 'score': [80.0, 100.0, 100.0]}
    """
    years = [float(last_round)]
    scores = [float(last_score)]
    span = float(target_year) - float(last_round)
    if slope and span > 0:
        bound = 100.0 if slope > 0 else 0.0
        reach = (bound - last_score) / slope
        if 0 < reach < span:
            years.append(float(last_round) + reach)
            scores.append(bound)
    years.append(float(target_year))
    scores.append(float(np.clip(last_score + slope * span, 0.0, 100.0)))
    return pd.DataFrame({"year": years, "score": scores})


def measure_series(history: pd.DataFrame, entity: str, measure: str) -> pd.DataFrame:
    """One entity's scores of one measure over the rounds (scored rounds only): columns round, score."""
    column = measure
    rows = history[history["village"] == entity]
    if column not in rows:
        return pd.DataFrame({"round": pd.Series(dtype="int64"), "score": pd.Series(dtype=float)})
    out = rows[["round", column]].rename(columns={column: "score"}).dropna(subset=["score"])
    out = out.astype({"round": "int64", "score": float}).sort_values("round")
    return out.reset_index(drop=True)


def aggregate_history(
    history: pd.DataFrame,
    registry: pd.DataFrame | None,
    measures: Sequence[str],
    by: str = Level.MUNICIPALITY,
    province: str = PROVINCE,
) -> pd.DataFrame:
    """A history table with one row per (``by`` value, round): the series ``indicator.progress.progress``
    rates at that level (``indicator.progress.aggregate_history``: the villages' linked mean), so that the
    line drawn beside a status is the series the status was computed from.

    ``by`` is ``village`` (the table as it is), a registry column (``municipality``, ``leader_area``) or
    ``province`` (all villages).
    """
    return progress_lib.aggregate_history(history, measures, by=by, registry=registry, province=province)


def level_history(
    history: pd.DataFrame, registry: pd.DataFrame | None, level: str, framework: Framework
) -> pd.DataFrame:
    """The score history of every entity at ``level`` (village, municipality, leader_area, province):
    the villages' own rows, or the per-round means that ``indicator.progress.progress`` scores at that level."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    return aggregate_history(history, registry, ["index", *framework.dimension_ids], by=level)


def level_rows(
    table: pd.DataFrame,
    level: str,
    registry: pd.DataFrame,
    *,
    villages: set[str] | None = None,
    area: str | None = None,
) -> pd.DataFrame:
    """One level's progress rows, narrowed by the shared filters.

    ``villages``: the villages the area/municipality filters allow (None: all); ``area``: the chosen
    Leader area. Villages keep the allowed ones, municipalities those holding an allowed village, the
    Leader-area level the chosen area; the province is never narrowed.
    """
    rows = table[table["level"] == level]
    if level == Level.VILLAGE and villages is not None:
        rows = rows[rows["village"].isin(villages)]
    elif level == Level.MUNICIPALITY and villages is not None:
        rows = rows[
            rows["village"].isin(set(registry.loc[registry["village"].isin(villages), "municipality"]))
        ]
    elif level == Level.LEADER_AREA and area:
        rows = rows[rows["village"] == area]
    return rows


def display_table(
    rows: pd.DataFrame, framework: Framework, lang: str, names: Mapping[str, str]
) -> pd.DataFrame:
    """Progress rows for a table on screen: names, measures and statuses in words, translated headers.

    Scores stay unrounded numbers (the screen formats them); rounds become text so they are not
    shown with thousands separators. ``names`` maps an entity id to its display name.
    """
    shown = rows[list(TABLE_COLUMNS)].assign(
        village=rows["village"].map(lambda e: names.get(e, e)),
        measure=rows["measure"].map(lambda m: measure_label(m, framework, lang)),
        status=rows["status"].map(lambda s: status_label(s, lang)),
        first_round=rows["first_round"].astype(str),
        last_round=rows["last_round"].astype(str),
    )
    headers = {c: t(f"progress.col.{c}", lang, year=framework.target_year) for c in TABLE_COLUMNS}
    return shown.rename(columns=headers).reset_index(drop=True)


def on_path_count(table: pd.DataFrame, measure: str = "index") -> tuple[int, int]:
    """(entities on the target path (achieved or on track), entities in the table) for one measure."""
    rows = table[table["measure"] == measure]
    return int(rows["status"].isin(ON_PATH).sum()), int(rows["village"].nunique())


def status_counts(table: pd.DataFrame, measure: str = "index") -> pd.DataFrame:
    """How many entities have each status for one measure, in the palette's status order."""
    rows = table[table["measure"] == measure]
    counts = rows["status"].value_counts()
    return pd.DataFrame(
        {"status": list(palette.STATUS_ORDER), "count": [int(counts.get(s, 0)) for s in palette.STATUS_ORDER]}
    )


def measure_label(measure: str, framework: Framework, lang: str) -> str:
    """``index`` as the indicator's name, a dimension id as the dimension's name."""
    if measure == "index":
        return t("progress.measure.index", lang)
    if measure in framework.dimension_ids:
        return text(framework.dimension(measure).name, lang)
    return measure


def status_label(status: str, lang: str) -> str:
    """The arrow and the plain-word name of a status, e.g. "↑ tavoitepolulla"."""
    return f"{STATUS_ARROWS.get(status, '?')} {t(f'progress.status.{status}', lang)}"


def headline_text(row: pd.Series, label: str, lang: str) -> str:
    """The headline figure of one entity (the province on every screen): "Älykylä-indeksi 2026: 60,7 ·
    ➚ paranee hitaasti", its latest value on the drawn line and the status of that line."""
    status = status_label(row["status"], lang)
    if pd.isna(row.get("last_score")):
        return status
    figure = t("progress.headline", lang, label=label, round=int(row["last_round"]),
               score=fmt_number(row["last_score"], lang))
    return f"{figure} · {status}"


def pace_text(row: pd.Series, lang: str) -> str:
    """The pace behind a status, in points a year: "+2,7 pistettä vuodessa, tavoitepolku vaatii 7,4" (what
    the line beside it rises, and what the target path needs); empty without a slope."""
    if pd.isna(row.get("slope")):
        return ""
    slope = fmt_number(row["slope"], lang)
    slope = slope if slope.startswith(("-", "−")) or float(row["slope"]) <= 0 else f"+{slope}"
    if pd.isna(row.get("required")):
        return t("progress.pace_no_target", lang, slope=slope)
    return t("progress.pace", lang, slope=slope, required=fmt_number(row["required"], lang))


def alt_text(row: pd.Series, label: str, target_year: int, lang: str) -> str:
    """A one-sentence text alternative of one progress chart."""
    if pd.isna(row.get("last_score")):
        return t("progress.alt.none", lang, measure=label)
    return t(
        "progress.alt.one",
        lang,
        measure=label,
        first_round=int(row["first_round"]),
        first=fmt_number(row["first_score"], lang),
        last_round=int(row["last_round"]),
        last=fmt_number(row["last_score"], lang),
        status=t(f"progress.status.{row['status']}", lang),
        year=target_year,
        projected=fmt_number(row["projected"], lang),
    )


# --- figures --------------------------------------------------------------------------------------------


def _add_measure(
    fig: go.Figure,
    series: pd.DataFrame,
    row: pd.Series | None,
    target_year: int,
    lang: str,
    *,
    cell: tuple[int, int] | None = None,
    legend: bool = True,
    size: int = 14,
) -> None:
    """Draw scores, target path and projection of one measure into ``fig`` (or one subplot cell)."""
    where = {"row": cell[0], "col": cell[1]} if cell else {}
    colour = (
        palette.STATUS_COLOURS.get(row["status"], palette.PRIMARY) if row is not None else palette.PRIMARY
    )

    def add(key: str, x: pd.Series, y: pd.Series, line_colour: str, **extra: object) -> None:
        fig.add_trace(go.Scatter(x=x, y=y, mode=MODES[key], name=t(f"progress.chart.{key}", lang),
                                 line={"color": line_colour, **LINES[key]}, legendgroup=key, showlegend=legend,
                                 **extra), **where)

    if row is not None and pd.notna(row.get("first_score")):
        path = target_path(row["first_round"], row["first_score"], target_year)
        add("target", path["year"], path["score"], palette.TARGET)
    if row is not None and pd.notna(row.get("slope")):
        proj = projection_path(row["last_round"], row["last_score"], row["slope"], target_year)
        add("projection", proj["year"], proj["score"], colour)
    add("actual", series["round"], series["score"], colour, marker={"size": size * 0.8})


def _legend_keys(fig: go.Figure, lang: str, size: int) -> None:
    """Legend-only entries in neutral colours: in small multiples each cell is coloured by its own
    status, so a legend copied from one cell would show the wrong colour for the others."""
    for key in LINES:
        colour = palette.TARGET if key == "target" else palette.NEUTRAL
        fig.add_trace(go.Scatter(x=[None], y=[None], mode=MODES[key], name=t(f"progress.chart.{key}", lang),
                                 line={"color": colour, **LINES[key]}, marker={"size": size * 0.8, "color": colour},
                                 showlegend=True))


def _layout(fig: go.Figure, size: int, target_year: int, first_year: int | None, *, dtick: int = 1) -> go.Figure:
    """Axes 0–100 and first year to target year; the legend under the plot, where it can wrap onto more
    lines on a phone without covering a title (Plotly makes room for it below the axis)."""
    start = (first_year or target_year - 6) - 0.5
    fig.update_yaxes(range=[-2, 104], ticksuffix="", dtick=20)
    fig.update_xaxes(range=[start, target_year + 0.5], dtick=dtick)
    fig.update_layout(
        font={"size": size},
        margin={"l": 10, "r": 10, "t": 10 + (size * 3 if fig.layout.title.text else 0), "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0, "xanchor": "left"},
        plot_bgcolor="white",
        hovermode="x unified",
    )
    fig.update_xaxes(showgrid=True, gridcolor="#E5E5E5", tickfont={"size": size}, automargin=True)
    fig.update_yaxes(showgrid=True, gridcolor="#E5E5E5", tickfont={"size": size}, automargin=True)
    fig.update_layout(legend_font_size=size, hoverlabel_font_size=size)
    return fig


def progress_figure(
    series: pd.DataFrame,
    row: pd.Series | None,
    target_year: int,
    *,
    title: str,
    lang: str = "fi",
    font_size: int = 14,
) -> go.Figure:
    """One measure over the rounds with its target path to the target year and its projection.

    ``title`` is plain text (it may hold a village name from a survey file): it is escaped.
    """
    fig = go.Figure()
    _add_measure(fig, series, row, target_year, lang, size=font_size)
    first = int(series["round"].min()) if not series.empty else None
    if title:
        fig.update_layout(title={"text": escape(title), "font": {"size": font_size * 1.4}})
    fig.update_layout(separators=plotly_separators(lang))  # hover values with the locale's decimal mark
    return _layout(fig, font_size, target_year, first)


def progress_grid(
    history: pd.DataFrame,
    table: pd.DataFrame,
    entity: str,
    framework: Framework,
    *,
    lang: str = "fi",
    columns: int = 2,
    font_size: int = 12,
    cell_height: int = 260,
) -> go.Figure:
    """Small multiples: every dimension of one entity, each with its target path and projection.

    Two columns by default: readable on a 390 px phone (titles wrapped to 22 characters, every second year
    on the axis) and on a desktop. The legend sits at the top of the figure, above the first titles.
    """
    dims = list(framework.dimension_ids)
    rows_n = -(-len(dims) // columns)
    own = table[table["village"] == entity].set_index("measure")
    titles = [  # wrapped, so that long names (Swedish above all) do not run into the next cell
        wrap(f"{STATUS_ARROWS.get(own['status'].get(d), '·')} {measure_label(d, framework, lang)}", 22)
        for d in dims
    ]
    title_room = 3 * font_size * 1.3 + 12  # px above each cell for a title of up to three lines
    gap = title_room + font_size * 2 + 8  # and under the cell above it, room for its year labels
    height = rows_n * cell_height + (rows_n - 1) * gap + title_room + 90
    fig = make_subplots(
        rows=rows_n,
        cols=columns,
        subplot_titles=titles,
        shared_yaxes=True,
        vertical_spacing=gap / (height - title_room - 90) if rows_n > 1 else 0.0,
        horizontal_spacing=0.06,
    )
    first_years = []
    for n, dim in enumerate(dims):
        series = measure_series(history, entity, dim)
        first_years += series["round"].tolist()[:1]
        row = own.loc[dim].copy() if dim in own.index else None
        if row is not None:
            row["measure"] = dim
        _add_measure(
            fig,
            series,
            row,
            framework.target_year,
            lang,
            cell=(n // columns + 1, n % columns + 1),
            legend=False,
            size=font_size,
        )
    _legend_keys(fig, lang, font_size)
    fig.update_annotations(font={"size": font_size}, yanchor="bottom")
    fig.update_layout(height=int(height))
    _layout(fig, font_size, framework.target_year, min(first_years) if first_years else None, dtick=2)
    fig.update_layout(separators=plotly_separators(lang))  # hover values with the locale's decimal mark
    legend = {"yref": "container", "y": 1.0, "yanchor": "top", "x": 0, "xanchor": "left"}
    return fig.update_layout(legend=legend, margin={"t": int(title_room) + 40, "b": 10})


def status_legend(lang: str = "fi") -> list[tuple[str, str, str]]:
    """(arrow, colour, plain-word explanation) for every status, for a legend under the charts."""
    return [
        (STATUS_ARROWS[s], palette.STATUS_COLOURS[s], t(f"progress.legend.{s}", lang))
        for s in palette.STATUS_ORDER
    ]


def status_key_html(lang: str = "fi") -> str:
    """The status colours as a key in plain HTML: a coloured square, the arrow and the words of each status.
    HTML rather than a Plotly chart: one chart fewer for the browser to draw."""
    items = "".join(
        f'<li style="display:flex;align-items:center;gap:0.5em;margin:0.15em 0">'
        f'<span style="display:inline-block;width:1.1em;height:1.1em;background:{html.escape(colour)}"></span>'
        f"{html.escape(status_label(status, lang))}</li>"
        for status, colour in ((s, palette.STATUS_COLOURS[s]) for s in palette.STATUS_ORDER)
    )
    return f'<ul style="list-style:none;padding:0;margin:0">{items}</ul>'


def status_bar_figure(
    counts: pd.DataFrame, *, lang: str = "fi", font_size: int = 14, title: str = ""
) -> go.Figure:
    """Horizontal bars: how many entities have each status (arrow and words on the axis)."""
    labels = [status_label(s, lang) for s in counts["status"]]
    fig = go.Figure(
        go.Bar(
            x=counts["count"],
            y=labels,
            orientation="h",
            text=counts["count"],
            textposition="outside",
            marker_color=[palette.STATUS_COLOURS[s] for s in counts["status"]],
        )
    )
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": font_size})
    fig.update_xaxes(visible=False, range=[0, max(1, int(counts["count"].max())) * 1.2])
    fig.update_layout(
        title={"text": title},
        font={"size": font_size},
        plot_bgcolor="white",
        margin={"l": 10, "r": 10, "t": 50 + font_size, "b": 10},
        showlegend=False,
    )
    return fig


def goals_figure(
    table: pd.DataFrame,
    names: dict[str, str],
    project_names: dict[str, str],
    *,
    lang: str = "fi",
    font_size: int = 14,
    coming: str | None = None,
) -> go.Figure:
    """Project goals: done versus the minimum target per goal, one bar colour per sub-project.

    ``table`` is ``indicator.goals.goal_progress``; the bar shows ``done`` and the label "done / min–max", or
    the word ``coming`` (e.g. "tulossa") where nothing is done yet, when it is given.
    """
    fig = go.Figure()
    for project, rows in table.groupby("project", sort=False):
        target = [
            f"{lo}" if lo == hi else f"{lo}–{hi}" for lo, hi in zip(rows["min"], rows["max"], strict=True)
        ]
        fig.add_trace(
            go.Bar(
                y=[wrap(names.get(g, g), 26) for g in rows["goal"]],
                x=np.minimum(rows["share"], 1.0) * 100,
                orientation="h",
                name=wrap(project_names.get(project, project), 30),
                marker_color=palette.area_colour(project),
                text=[coming if coming and not d else f"{d} / {tg}" for d, tg in zip(rows["done"], target, strict=True)],
                textposition="outside",
                hovertemplate="%{y}: %{text}<extra>%{fullData.name}</extra>",
            )
        )
    fig.update_yaxes(autorange="reversed", automargin=True, tickfont={"size": font_size})
    fig.update_xaxes(
        range=[0, 125], ticksuffix=" %", title=wrap(t("goals.chart.share", lang), 30), tickvals=[0, 50, 100]
    )
    fig.update_layout(
        barmode="group",
        font={"size": font_size},
        plot_bgcolor="white",
        height=max(300, 60 * table["goal"].nunique() + 120),
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        # room above the bars for the legend: one row of two-line names on a desktop, a row per sub-project
        # on a phone (a legend must not cover the first goal's name)
        margin={"l": 10, "r": 10, "t": int(20 + 2.6 * font_size * max(1, table["project"].nunique())), "b": 10},
    )
    return fig
