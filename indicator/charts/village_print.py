"""The village card's figures as static SVG for the printable HTML report (``indicator.report.report_html``).

The dashboard draws them with Plotly (``indicator.charts.village``); a report that carried Plotly would
carry its 3.6 MB script, and drawing Plotly figures into images needs a browser on the server (kaleido).
These are the same three figures drawn as plain SVG: a few kilobytes each, sharp in print, no script.
Every text is XML-escaped; numbers use the locale's decimal mark.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

import pandas as pd

from indicator.charts import palette
from indicator.charts.village import RADAR_LABEL_LINES, RADAR_LABEL_WIDTH
from indicator.framework import Framework, text
from indicator.i18n import fmt_number, t

FONT = "system-ui,-apple-system,'Segoe UI',Roboto,sans-serif"


def _svg(width: int, height: int, body: Sequence[str], title: str) -> str:
    """An inline SVG element that scales to the page width (its own size is the aspect ratio)."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
            f'style="width:100%;max-width:{width}px;height:auto" font-family="{FONT}" font-size="13">'
            f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def _text(x: float, y: float, words: str, *, anchor: str = "middle", size: int = 13, colour: str = "#1b1f24",
          weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{colour}" '
            f'font-weight="{weight}">{escape(words)}</text>')


def _lines(name: str) -> list[str]:
    """A dimension name in the radar's lines (the same rule as the dashboard's radar labels)."""
    from indicator.charts.village import radar_label

    return [part.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            for part in radar_label(name, RADAR_LABEL_WIDTH, RADAR_LABEL_LINES).split("<br>")]


def _legend(entries: Sequence[tuple[str, str, str, float]], x: float, y: float, column: float) -> list[str]:
    """Legend keys (name, colour, dash, width) in rows of as many as fit ``column``-wide cells."""
    out = []
    for n, (name, colour, dash, width) in enumerate(entries):
        left = x + (n % 2) * column
        top = y + (n // 2) * 18
        out.append(f'<line x1="{left:.1f}" y1="{top - 4:.1f}" x2="{left + 22:.1f}" y2="{top - 4:.1f}" '
                   f'stroke="{colour}" stroke-width="{width}" stroke-dasharray="{dash}"/>')
        out.append(_text(left + 28, top, name, anchor="start", size=12))
    return out


def radar_svg(dimensions: pd.DataFrame, framework: Framework, village: str, lang: str) -> str:
    """The village's dimension scores against the province and Leader-area medians (0–100 on each spoke)."""
    width, height, cx, cy, radius = 640, 500, 320, 230, 150
    dims = list(dimensions["dimension"])
    n = max(len(dims), 1)
    angle = [math.radians(90 - 360 * k / n) for k in range(n)]  # the first spoke up, then clockwise
    body = []
    for level in (20, 40, 60, 80, 100):
        r = radius * level / 100
        points = " ".join(f"{cx + r * math.cos(a):.1f},{cy - r * math.sin(a):.1f}" for a in angle)
        body.append(f'<polygon points="{points}" fill="none" stroke="#d6d9de" stroke-width="1"/>')
        tick = math.radians(90 - 180 / n)
        body.append(_text(cx + r * math.cos(tick) + 3, cy - r * math.sin(tick), str(level), anchor="start",
                          size=10, colour=palette.NEUTRAL))
    for a, dim in zip(angle, dims, strict=True):
        body.append(f'<line x1="{cx}" y1="{cy}" x2="{cx + radius * math.cos(a):.1f}" '
                    f'y2="{cy - radius * math.sin(a):.1f}" stroke="#d6d9de"/>')
        lx, ly = cx + (radius + 16) * math.cos(a), cy - (radius + 16) * math.sin(a)
        anchor = "middle" if abs(math.cos(a)) < 0.2 else ("start" if math.cos(a) > 0 else "end")
        lines = _lines(text(framework.dimension(dim).name, lang))
        top = ly - (len(lines) - 1) * 15 if math.sin(a) > 0.2 else (ly + 10 if math.sin(a) < -0.2 else ly - 3)
        body += [_text(lx, top + 15 * k, line, anchor=anchor, size=12) for k, line in enumerate(lines)]
    series = [("province", t("village.province_median", lang), palette.GREY, "2 3", 2, "none"),
              ("area", t("village.area_median", lang), palette.ORANGE, "7 4", 2, "none"),
              ("village", village, palette.BLUE, "none", 3, "rgba(0,114,178,0.15)")]
    legend = []
    for column, name, colour, dash, stroke, fill in series:
        values = dimensions[column].astype(float)
        if values.isna().all():
            continue
        points = " ".join(f"{cx + radius * v / 100 * math.cos(a):.1f},{cy - radius * v / 100 * math.sin(a):.1f}"
                          for a, v in zip(angle, values, strict=True) if not math.isnan(v))
        body.append(f'<polygon points="{points}" fill="{fill}" stroke="{colour}" stroke-width="{stroke}" '
                    f'stroke-dasharray="{dash}"/>')
        legend.append((name, colour, dash, stroke))
    body += _legend(legend, 60, height - 30, 260)
    return _svg(width, height, body, t("village.radar_alt", lang, village=village))


def history_svg(history: pd.DataFrame, framework: Framework, village: str, lang: str) -> str:
    """The index (thick, black) and the dimension scores (thin) over the village's rounds, with the target
    line at 100; private rounds are gaps."""
    width, left, right, top, plot_h = 640, 50, 20, 20, 220
    rounds = history["round"].astype(int).tolist()
    first, last = min(rounds), max(rounds)
    span = max(last - first, 1)

    def x(year: int) -> float:
        return left + (width - left - right) * ((year - first) / span if last > first else 0.5)

    def y(score: float) -> float:
        return top + plot_h * (1 - score / 105)

    body = []
    for level in (0, 20, 40, 60, 80, 100):
        body.append(f'<line x1="{left}" y1="{y(level):.1f}" x2="{width - right}" y2="{y(level):.1f}" '
                    f'stroke="{"#000" if level == 100 else "#e3e5e8"}" stroke-dasharray="{"3 3" if level == 100 else "none"}"/>')
        body.append(_text(left - 6, y(level) + 4, str(level), anchor="end", size=11, colour=palette.NEUTRAL))
    body.append(_text(left + 4, y(100) - 5, t("village.target_line", lang, year=framework.target_year),
                      anchor="start", size=11))
    for year in rounds:
        body.append(_text(x(year), top + plot_h + 22, str(year), size=12))
    lines = [(text(d.name, lang), d.id, colour, 1.5)
             for d, colour in zip(framework.dimensions, palette.categorical(len(framework.dimensions)), strict=True)]
    lines.append((t("village.col_index", lang), "index", palette.BLACK, 4))
    for _, column, colour, stroke in lines:
        body.append(_polyline([(x(r), y(v)) for r, v in zip(rounds, history[column].astype(float), strict=True)],
                              colour, stroke))
    legend_top = top + plot_h + 44
    body += _legend([(name, colour, "none", stroke) for name, _, colour, stroke in lines], left, legend_top, 290)
    height = int(legend_top + 18 * math.ceil(len(lines) / 2))
    return _svg(width, height, body, t("village.history_alt", lang, village=village))


def _polyline(points: Sequence[tuple[float, float]], colour: str, stroke: float) -> str:
    """Connected runs of the finite points (a missing score breaks the line), each point marked."""
    runs, run = [], []
    for px, py in points:
        if math.isnan(py):
            runs, run = ([*runs, run] if run else runs), []
        else:
            run.append((px, py))
    runs = [*runs, run] if run else runs
    out = []
    for part in runs:
        coords = " ".join(f"{px:.1f},{py:.1f}" for px, py in part)
        out.append(f'<polyline points="{coords}" fill="none" stroke="{colour}" stroke-width="{stroke}"/>')
        out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="{2 + stroke / 2:.1f}" fill="{colour}"/>' for px, py in part]
    return "".join(out)


def rank_band_svg(band: Mapping[str, float], n_ranked: int, village: str, lang: str) -> str:
    """The rank and its 5th–95th percentile band on a line of ranks 1..n (1 = best, on the left)."""
    from indicator.charts.village import rank_ticks

    width, left, right, mid = 640, 20, 20, 44
    low, high, rank = band["p05_rank"], band["p95_rank"], band["nominal_rank"]
    top = max(n_ranked, high)

    def x(value: float) -> float:
        return left + (width - left - right) * ((value - 0.5) / top)

    band_text = t("village.rank_band_label", lang, low=fmt_number(low, lang, 0), high=fmt_number(high, lang, 0))
    body = [f'<line x1="{x(1):.1f}" y1="{mid}" x2="{x(top):.1f}" y2="{mid}" stroke="{palette.MISSING}" stroke-width="2"/>',
            f'<line x1="{x(low):.1f}" y1="{mid}" x2="{x(high):.1f}" y2="{mid}" stroke="{palette.SKY_BLUE}" '
            f'stroke-width="14" stroke-linecap="round"/>',
            f'<circle cx="{x(rank):.1f}" cy="{mid}" r="8" fill="{palette.BLUE}" stroke="white" stroke-width="2"/>',
            _text(x(rank), mid - 16, t("village.rank_label", lang, rank=fmt_number(rank, lang, 0)), size=14,
                  weight="bold"),
            _text(x((low + high) / 2), mid + 28, band_text, size=12, colour=palette.NEUTRAL)]
    body += [_text(x(tick), mid + 50, str(tick), size=11, colour=palette.NEUTRAL) for tick in rank_ticks(int(top))]
    body.append(_text(width / 2, mid + 68, t("village.rank_axis", lang), size=12))
    return _svg(width, mid + 76, body, t("village.rank_band_label", lang, low=fmt_number(low, lang, 0),
                                         high=fmt_number(high, lang, 0)) + f" · {village}")
