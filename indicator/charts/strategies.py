"""Figures of the Strategiat page: a strategy's actions on a timeline, and the theme groups' measured impact.

Texts that come from users (action titles, village names) are escaped before they go into Plotly, which
renders a few HTML tags.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from indicator.charts import palette
from indicator.charts.labels import table_height, wrap
from indicator.i18n import plotly_separators, t

STATUS_COLOURS: dict[str, str] = {
    "planned": palette.SKY_BLUE,
    "under_way": palette.ORANGE,
    "done": palette.BLUISH_GREEN,
    "dropped": palette.MISSING,
}
SHORT_ACTION = timedelta(days=14)
DATE_FORMATS = {"fi": "%-d.%-m.%Y", "sv": "%Y-%m-%d", "en": "%-d %b %Y"}  # as indicator.i18n.fmt_date  # an action with one date is drawn as two weeks long


def timeline_frame(actions: pd.DataFrame) -> pd.DataFrame:
    """The dated actions as bars: title, status, experiment, start, end (an action with only one date gets
    ``SHORT_ACTION`` from it); undated actions are left out (the page lists them in its table)."""
    rows = []
    for r in actions.itertuples():
        start, end = r.starts_on, r.ends_on
        if start is None and end is None:
            continue
        start = start or end - SHORT_ACTION
        end = end or start + SHORT_ACTION
        rows.append({"id": int(r.id), "title": r.title, "status": r.status, "experiment": bool(r.experiment),
                     "start": start, "end": end})
    return pd.DataFrame(rows, columns=["id", "title", "status", "experiment", "start", "end"])


def timeline_figure(actions: pd.DataFrame, *, lang: str = "fi", today: date | None = None,
                    font_size: int = 14) -> go.Figure:
    """Horizontal bars from start to end, one row per action (first on top), coloured by status; an
    experiment is hatched. A dotted line marks today."""
    frame = timeline_frame(actions)
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        rows = frame[frame["status"] == status]
        if rows.empty:
            continue
        ms = [(pd.Timestamp(e) - pd.Timestamp(s)).total_seconds() * 1000 for s, e in zip(rows["start"], rows["end"],
                                                                                      strict=True)]
        fig.add_trace(go.Bar(
            y=[wrap(title, 34) for title in rows["title"]], x=ms, base=[pd.Timestamp(s).isoformat() for s in rows["start"]],
            orientation="h", name=t(f"strategy.status.{status}", lang), marker_color=colour,
            marker_pattern_shape=["/" if e else "" for e in rows["experiment"]],
            customdata=[[str(s), str(e)] for s, e in zip(rows["start"], rows["end"], strict=True)],
            hovertemplate="%{y}<br>%{customdata[0]} – %{customdata[1]}<extra></extra>",
        ))
    order = [wrap(title, 34) for title in frame["title"]]
    fig.update_yaxes(categoryorder="array", categoryarray=order[::-1], automargin=True)
    fig.update_xaxes(type="date", automargin=True, tickformat=DATE_FORMATS.get(lang, DATE_FORMATS["en"]))
    if today is not None:
        fig.add_vline(x=pd.Timestamp(today).timestamp() * 1000, line_dash="dot", line_color=palette.BLACK)
    fig.update_layout(
        barmode="overlay", separators=plotly_separators(lang), font_size=font_size, plot_bgcolor="white",
        height=120 + 48 * max(1, len(frame)), margin={"l": 10, "r": 10, "t": 10, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
    )
    return fig


def timeline_alt(actions: pd.DataFrame, lang: str = "fi") -> str:
    """The timeline in words: each action's title, dates and status."""
    items = "; ".join(
        f"{r.title}: {r.starts_on or '–'} – {r.ends_on or '–'}, {t(f'strategy.status.{r.status}', lang)}"
        for r in actions.itertuples()
    )
    return t("strategy.timeline_alt", lang, items=items or "–")


def impact_figure(table: pd.DataFrame, labels: Sequence[str], *, lang: str = "fi", font_size: int = 14) -> go.Figure:
    """Each impact row's difference as a dot with its 90 % interval; a line at zero. Blue when the interval
    lies above zero, vermillion below, grey when it crosses zero or is missing."""
    def colour(r: pd.Series) -> str:
        if pd.isna(r["ci_low"]) or r["ci_low"] <= 0 <= r["ci_high"]:
            return palette.GREY
        return palette.BLUE if r["ci_low"] > 0 else palette.VERMILLION

    rows = table.reset_index(drop=True)
    shown = rows["difference"].notna()
    y = [wrap(label, 30) for label in labels]
    fig = go.Figure(go.Scatter(
        x=rows.loc[shown, "difference"], y=[y[i] for i in rows.index[shown]], mode="markers",
        marker={"size": font_size, "color": [colour(r) for _, r in rows[shown].iterrows()]},
        error_x={"type": "data", "symmetric": False, "color": palette.NEUTRAL, "thickness": 2,
                 "array": (rows.loc[shown, "ci_high"] - rows.loc[shown, "difference"]).fillna(0),
                 "arrayminus": (rows.loc[shown, "difference"] - rows.loc[shown, "ci_low"]).fillna(0)},
        hovertemplate="%{y}: %{x:.1f}<extra></extra>",
    ))
    fig.add_vline(x=0, line_color=palette.BLACK, line_width=1)
    fig.update_yaxes(categoryorder="array", categoryarray=y[::-1], automargin=True)
    fig.update_xaxes(title=wrap(t("impact.chart.x", lang), 28), zeroline=False, automargin=True)
    fig.update_layout(separators=plotly_separators(lang), font_size=font_size, plot_bgcolor="white",
                      showlegend=False, height=140 + 50 * max(1, len(rows)),
                      margin={"l": 10, "r": 20, "t": 10, "b": 10})
    return fig


def impact_labels(table: pd.DataFrame, dimension_names: Mapping[str, str], area_names: Mapping[str, str],
                  lang: str = "fi") -> list[str]:
    """One label per impact row: ``<area> · group <n> · <dimension>``."""
    return [
        f"{area_names.get(r.area, r.area)} · {t('impact.col.group', lang)} {r.group} · "
        f"{dimension_names.get(r.measure, r.measure)}"
        for r in table.itertuples()
    ]


def impact_table_figure(shown: pd.DataFrame, *, font_size: int = 26, decimals: int = 1, lang: str = "fi",
                        width_chars: int = 96) -> go.Figure:
    """The impact table in projector type (``indicator.impact.display_table``'s columns); numbers rounded.

    Text columns are wrapped to their share of ``width_chars`` (about the characters that fit across the
    slide) and the figure is as tall as its wrapped rows, so no row is cut off.
    """
    from indicator.i18n import fmt_number

    def cell(value: object) -> str:
        if isinstance(value, float):
            return "–" if pd.isna(value) else fmt_number(value, lang, decimals)
        return str(value)

    texts = [[cell(v) for v in shown[c]] for c in shown.columns]
    longest_word = [max(len(w) for w in str(c).split()) + 2 for c in shown.columns]  # bold header: wider
    weights = [max(word, min(16, max(map(len, col)))) for word, col in zip(longest_word, texts, strict=True)]
    scale = max(1.0, width_chars / sum(weights))
    widths = [max(word, int(w * scale)) for word, w in zip(longest_word, weights, strict=True)]
    wrapped = [[wrap(v, n) for v in col] for col, n in zip(texts, widths, strict=True)]
    headers = [wrap(str(c), n) for c, n in zip(shown.columns, widths, strict=True)]
    size = font_size * 0.85
    lines = [max(col[i].count("<br>") + 1 for col in wrapped) for i in range(len(shown))]
    header_lines = max(h.count("<br>") + 1 for h in headers)
    fig = go.Figure(go.Table(
        columnwidth=widths,
        header={"values": [f"<b>{h}</b>" for h in headers], "font": {"size": size}, "fill_color": "#EEF3F8",
                "align": "left", "height": size * 1.4},
        cells={"values": wrapped, "font": {"size": size}, "align": "left", "height": size * 1.4},
    ))
    height = table_height([header_lines, *lines], size, minimum=size * 1.4) + 30
    fig.update_layout(font={"size": font_size, "color": "#1B2733"}, margin={"l": 10, "r": 10, "t": 10, "b": 10},
                      height=int(height))
    return fig
