"""Figures for the seminar screen: large type for a projector, one figure per slide.

Slides rotate by the clock (``slide_at``), so every screen showing the page is on the same slide and
no state is kept between reruns. Names that come from data (villages, areas) are escaped before they
go into Plotly texts, which understand a few HTML tags.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pandas as pd
import plotly.graph_objects as go

from indicator.charts import palette
from indicator.charts.labels import escape, table_height, wrap
from indicator.framework import Framework, text
from indicator.i18n import t
from indicator.poll import SCALE
from indicator.scoring import NO_SCORE

if TYPE_CHECKING:
    from indicator.storage import Store

SLIDES: tuple[str, ...] = ("progress", "bands", "groups", "goals", "impact", "participation")
FONT_SIZE = 26
LOCAL_TIME = ZoneInfo("Europe/Helsinki")  # the hall's clock, whatever the server's zone (often UTC)
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


# Streamlit's heading sizes in px (h1..h5) and the room each of its elements takes besides its lines.
HEADING_PX: Mapping[int, int] = {1: 44, 2: 36, 3: 28, 4: 24, 5: 20}
ELEMENT_GAP = 16


NARROW = 640  # px: Streamlit stacks columns in a narrower window
NO_LIMIT = 100_000  # px of room for a figure on a page that scrolls


@dataclass(frozen=True)
class SlideLayout:
    """How large a slide is drawn in a browser window of ``width`` × ``height`` CSS pixels.

    ``slide_height``: the window less Streamlit's padding and the footer; ``font``: the figures' type (26 px
    on a 1920×1080 screen, in proportion on a smaller one); headings one level smaller on a screen under
    900 px high, so that a 720-line projector keeps room for the figure.
    """

    width: int = 1920
    height: int = 1080

    WINDOW = (1920, 1080)  # assumed until the browser reports its window
    CHROME = 160  # px of the window's height that are not the slide: top and bottom padding, the footer
    SIDE = 208  # px of the window's width beside the slide's column: padding and the column gap

    @classmethod
    def for_window(cls, size: tuple[int, int] | None) -> SlideLayout:
        """The layout for a window of ``size`` (width, height), or the 1920×1080 default.

        >>> layout = SlideLayout.for_window((1280, 720))
        >>> layout.slide_height, layout.font, layout.level(1)
        (560, 17, 2)
        """
        width, height = size or cls.WINDOW
        return cls(width=int(width), height=int(height))

    @property
    def slide_height(self) -> int:
        return max(320, self.height - self.CHROME)

    @property
    def font(self) -> int:
        scale = min(self.width / self.WINDOW[0], self.height / self.WINDOW[1])
        return max(14, round(FONT_SIZE * scale))

    @property
    def narrow(self) -> bool:
        """A phone-sized window (under 640 px, where Streamlit stacks columns): the slide and the side panel
        one under the other, the page scrolls, and figures keep their own height instead of filling the
        window (a figure squeezed into what a phone's height leaves runs past the screen's edge)."""
        return self.width < NARROW

    @property
    def roomy(self) -> bool:
        """A screen at least 900 px high: headings at their own size, and room for a slide's intro text."""
        return self.height >= 900

    def level(self, level: int) -> int:
        """The Markdown heading level to draw a level-``level`` text at on this screen."""
        return min(5, level + (0 if self.roomy else 1))

    def heading(self, text: str, level: int) -> str:
        """``text`` as a Markdown heading of ``level`` for this screen, e.g. ``"# Title"``."""
        return f"{'#' * self.level(level)} {text}"

    def text_height(self, text: str, level: int) -> int:
        """About how many px a heading of ``text`` takes in the slide's column (3/4 of the width), with the
        gap after it: its wrapped lines at 1.25 line height, plus the heading's padding."""
        px = HEADING_PX[self.level(level)]
        lines = max(1, math.ceil(len(text) * 0.5 * px / self.column))
        return int(lines * px * 1.25 + px * 0.5 + ELEMENT_GAP)

    @property
    def column(self) -> float:
        """The slide column's width in px (3/4 of the window less padding and the gap to the side panel; the
        window less its padding on a narrow screen)."""
        if self.narrow:
            return max(200.0, self.width - 32.0)
        return max(200.0, (self.width - self.SIDE) * 0.75)

    def chars(self, font: int) -> int:
        """About how many characters of ``font`` px fit across the slide's column (for wrapping tables)."""
        return int(self.column / (0.6 * font))

    def room(self, *texts: tuple[str, int]) -> int:
        """The px left for a figure under headings (``text``, ``level``); no limit on a narrow screen,
        which scrolls."""
        if self.narrow:
            return NO_LIMIT
        return self.slide_height - sum(self.text_height(text, level) for text, level in texts)


def fit_font(build: Callable[[int], go.Figure], room: int, font: int, smallest: int = 10) -> go.Figure:
    """The figure ``build(size)`` at the largest type size from ``font`` down to ``smallest`` whose own
    height (``layout.height``, e.g. a table as tall as its rows) fits in ``room`` px."""
    for size in range(font, smallest - 1, -1):
        fig = build(size)
        if (fig.layout.height or 0) <= room:
            return fig
    return fig


def clock(now: datetime | None = None) -> str:
    """The time in Helsinki as ``HH:MM:SS`` (for the footer; the server's clock is often UTC).

    >>> from datetime import timezone
    >>> clock(datetime(2026, 3, 20, 10, 0, 5, tzinfo=timezone.utc))
    '12:00:05'
    """
    return (now or datetime.now(LOCAL_TIME)).astimezone(LOCAL_TIME).strftime("%H:%M:%S")


def short_address(url: str) -> str:
    """A web address to read off a screen: without ``https://`` and a trailing slash.

    >>> short_address("https://kylat.example.fi/kysely?poll_round=2026")
    'kylat.example.fi/kysely?poll_round=2026'
    """
    parts = urlsplit(url)
    shown = parts.netloc + parts.path.rstrip("/") if parts.netloc else url
    return shown + (f"?{parts.query}" if parts.query else "")


def goals_done(table: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """``indicator.goals.goal_progress`` rows split for the goals slide: the rows of the goals with something
    done (in any sub-project), and the ids of the goals with nothing done yet, in file order."""
    started = table.groupby("goal", sort=False)["done"].transform("sum") > 0
    coming = list(dict.fromkeys(table.loc[~started, "goal"]))
    return table[started].reset_index(drop=True), coming


def goals_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per sub-project: goals reached (the minimum target met) and goals started but not yet reached."""
    reached = table["status"].isin(("reached", "max_reached"))
    frame = table.assign(reached=reached, started=(table["done"] > 0) & ~reached)
    return frame.groupby("project", sort=False, as_index=False)[["reached", "started"]].sum()


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


GROUP_COLUMNS: tuple[float, ...] = (1.7, 0.85, 2.5, 4.0)  # area, group, theme, villages: shares of the width


def groups_figure(
    table: pd.DataFrame, headers: Sequence[str], *, font_size: int = FONT_SIZE, width_chars: int = 82
) -> go.Figure:
    """The theme groups as a large table (area, group, theme, villages); every cell escaped.

    Every text is wrapped to its column's share of ``width_chars`` (about the characters of ``font_size``
    type that fit across the slide), so the figure is exactly as tall as its rows (``table_height``).
    """
    colours = [palette.CATEGORICAL[i % len(palette.CATEGORICAL)] for i in range(len(table))]
    chars = [max(4, int(width_chars * share / sum(GROUP_COLUMNS))) for share in GROUP_COLUMNS]
    columns = [[wrap(v, n) for v in table[c].astype(str)]
               for c, n in zip(("area", "group", "theme", "villages"), chars, strict=True)]
    fig = go.Figure(
        go.Table(
            columnwidth=list(GROUP_COLUMNS),
            header={
                "values": [f"<b>{escape(h)}</b>" for h in headers],
                "font": {"size": font_size},
                "fill_color": "#EEF3F8",
                "align": "left",
                "height": font_size * 1.8,
            },
            cells={  # projector type: the cells as large as the rest of the slide's text
                "values": columns,
                "font": {"size": font_size},
                "align": "left",
                "height": font_size * 1.9,
                "line": {"color": [colours], "width": 1},
            },
        )
    )
    lines = [max(col[i].count("<br>") + 1 for col in columns) for i in range(len(table))]
    height = table_height([1, *lines], font_size, minimum=font_size * 1.9) + 40
    return _base(fig, font_size).update_layout(height=int(height))


# --- poll answers -------------------------------------------------------------------------------------


def poll_figure(
    summary: pd.DataFrame,
    labels: Mapping[str, str],
    scale_names: Sequence[str],
    *,
    lang: str = "fi",
    font_size: int = FONT_SIZE,
    label_chars: int = 40,
) -> go.Figure:
    """Stacked horizontal bars: the share of each answer 1..5 per poll item, the mean at the end (item texts
    wrapped to ``label_chars``: fewer on a phone, so that the bars and the mean keep room)."""
    rows = summary.iloc[::-1]
    y = [wrap(labels.get(i, i), label_chars) for i in rows["item"]]
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
