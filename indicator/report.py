"""One village's results: dimensions against medians, strengths and weaknesses, history, downloads.

The target path of an item: for a round in year ``y`` the expected item score lies on the straight line
from the village's *baseline* — its score for that item in its earliest earlier round with a score, at
that round's year — to 100 in the framework's ``target_year``. Without an earlier score the line starts
at 0 in the framework's ``baseline_year`` (``indicator.progress.path_score``, the same line the progress
charts draw). ``gap = score - expected``: positive is ahead of the path.
Strengths are the items furthest ahead, weaknesses the items furthest behind; the weaknesses that are
behind their path are the card's development targets, each with the item's ideas from the framework file.

The trend beside the band is the village index's progress status (``indicator.progress.series_status``,
the progress page's rule) over its public rounds up to the shown one: the band says where the village is,
the trend where it is heading.

A village/round with fewer than ``framework.min_respondents`` respondents is *private*: its results carry
no dimension or item breakdown, and neither do its downloads.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from indicator.framework import Framework, ideas, text
from indicator.i18n import fmt_number, t
from indicator.progress import Status, path_score, series_status
from indicator.xlsxsafe import xlsx_bytes

N_HIGHLIGHTS = 3
ON_PATH_POINTS = 0.5


@dataclass(frozen=True)
class VillageResults:
    """Everything the village card and its downloads show, already made private where needed."""

    village: str
    round: int
    respondents: int | None
    private: bool
    index: float | None
    band: str | None  # band id
    rank: int | None
    n_ranked: int
    area: str | None
    dimensions: pd.DataFrame  # dimension, village, province, area
    items: pd.DataFrame  # item, dimension, type, value, answers, score, baseline_round, expected, gap
    history: pd.DataFrame  # round, respondents, private, index, <dimension ids>
    rank_band: Mapping[str, float] = field(default_factory=dict)  # nominal/median/p05/p95 rank
    trend: Mapping[str, Any] = field(default_factory=dict)  # status, first_round, last_round, slope, required

    def _highlights(self) -> int:
        return min(N_HIGHLIGHTS, int(self.items["gap"].notna().sum()) // 2)

    @property
    def strengths(self) -> pd.DataFrame:
        """The items furthest ahead of their target path (largest gap first); at most half the items."""
        return self.items.dropna(subset=["gap"]).sort_values(["gap", "item"], ascending=[False, True]).head(
            self._highlights()
        )

    @property
    def weaknesses(self) -> pd.DataFrame:
        """The items furthest behind their target path (smallest gap first); at most half the items."""
        return self.items.dropna(subset=["gap"]).sort_values(["gap", "item"]).head(self._highlights())


# --- computing --------------------------------------------------------------------------------------


def _private_rows(table: pd.DataFrame, framework: Framework) -> pd.MultiIndex:
    rows = table.loc[~framework.enough_respondents(table["respondents"])]
    return pd.MultiIndex.from_frame(rows[["village", "round"]])


def public_item_scores(scores: object, framework: Framework) -> pd.DataFrame:
    """``Scores.item_scores`` with every private village/round row removed."""
    item_scores = scores.item_scores
    return item_scores.loc[~item_scores.index.isin(_private_rows(scores.table, framework))]


def target_path(item_scores: pd.DataFrame, framework: Framework, village: str, round_: int) -> pd.DataFrame:
    """Per item: baseline_round, baseline (score), expected score on the path in ``round_``."""
    rows = item_scores.loc[item_scores.index.get_level_values(0) == village]
    earlier = rows.loc[rows.index.get_level_values(1) < round_].droplevel(0).sort_index()
    earlier = earlier.reindex(columns=list(framework.item_ids)).astype(float)
    valid = earlier.notna()
    out = pd.DataFrame(index=pd.Index(framework.item_ids, name="item"))
    first = valid.idxmax().where(valid.any()) if len(earlier) else pd.Series(np.nan, index=out.index)
    out["baseline_round"] = first.astype(float).to_numpy()
    out["baseline"] = [earlier.at[r, i] if pd.notna(r) else np.nan for i, r in first.items()]
    start_year = out["baseline_round"].fillna(float(framework.baseline_year))
    start = out["baseline"].fillna(0.0)
    out["expected"] = path_score(start.to_numpy(), start_year.to_numpy(), round_, framework.target_year)
    return out


def _medians(table: pd.DataFrame, framework: Framework, round_: int, villages: pd.Index | None) -> pd.Series:
    rows = table.loc[table["round"] == round_]
    if villages is not None:
        rows = rows.loc[rows["village"].isin(villages)]
    return rows[list(framework.dimension_ids)].astype(float).median()


def _area_of(village: str, registry: pd.DataFrame | None) -> str | None:
    if registry is None or registry.empty:
        return None
    match = registry.loc[registry["village"] == village, "leader_area"]
    return str(match.iloc[0]) if len(match) and pd.notna(match.iloc[0]) else None


def dimension_frame(
    table: pd.DataFrame, framework: Framework, village: str, round_: int, registry: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per dimension: the village's score, the province median and the village's Leader-area median."""
    row = table.loc[(table["village"] == village) & (table["round"] == round_)]
    dims = list(framework.dimension_ids)
    own = row[dims].astype(float).iloc[0] if len(row) else pd.Series(np.nan, index=dims)
    area = _area_of(village, registry)
    peers = registry.loc[registry["leader_area"] == area, "village"] if area is not None else None
    area_median = _medians(table, framework, round_, pd.Index(peers)) if area is not None else np.nan
    return pd.DataFrame(
        {
            "dimension": dims,
            "village": own.to_numpy(),
            "province": _medians(table, framework, round_, None).reindex(dims).to_numpy(),
            "area": pd.Series(area_median, index=dims, dtype=float).reindex(dims).to_numpy(),
        }
    )


def item_frame(scores: object, framework: Framework, village: str, round_: int) -> pd.DataFrame:
    """Per item: value, answers, score, the target-path baseline and expected score, and the gap."""
    key = (village, round_)
    items = framework.items_frame()[["item", "dimension", "type"]]

    def pick(frame: pd.DataFrame) -> pd.Series:
        if key in frame.index:
            return frame.loc[key].reindex(framework.item_ids).astype(float)
        return pd.Series(np.nan, index=framework.item_ids, dtype=float)

    items["value"] = pick(scores.item_values).to_numpy()
    items["answers"] = pick(scores.item_counts).to_numpy()
    items["score"] = pick(scores.item_scores).to_numpy()
    path = target_path(public_item_scores(scores, framework), framework, village, round_)
    items = items.join(path, on="item")
    items["gap"] = items["score"] - items["expected"]
    return items


def history_frame(table: pd.DataFrame, framework: Framework, village: str) -> pd.DataFrame:
    """The village's rounds: respondents, private flag, index and dimension scores (blank when private)."""
    cols = ["index", *framework.dimension_ids]
    rows = table.loc[table["village"] == village, ["round", "respondents", *cols]].sort_values("round")
    rows = rows.reset_index(drop=True)
    rows["private"] = ~framework.enough_respondents(rows["respondents"])
    rows[cols] = rows[cols].astype(float).mask(rows["private"], np.nan)
    return rows[["round", "respondents", "private", *cols]]


def _rank_band(uncertainty: pd.DataFrame | None, village: str) -> dict[str, float]:
    if uncertainty is None or uncertainty.empty:
        return {}
    row = uncertainty.loc[uncertainty["village"] == village]
    keys = ["nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_abs_shift"]
    if row.empty or row[keys[:4]].isna().any(axis=None):
        return {}
    return {k: float(row.iloc[0][k]) for k in keys if k in row}


def index_trend(history: pd.DataFrame, framework: Framework, round_: int) -> dict[str, Any]:
    """The index's progress status over the village's public rounds up to ``round_`` (the progress page's
    rule); {} when none of them has an index."""
    rows = history.loc[history["round"] <= round_]
    if rows["index"].notna().sum() == 0:
        return {}
    row = series_status(rows["round"].astype(float), rows["index"].astype(float), framework.target_year)
    return {"status": str(row["status"]), "first_round": int(row["first_round"]),
            "last_round": int(row["last_round"]), "slope": float(row["slope"]), "required": float(row["required"])}


def village_results(
    scores: object,
    framework: Framework,
    village: str,
    round_: int,
    *,
    registry: pd.DataFrame | None = None,
    uncertainty: pd.DataFrame | None = None,
) -> VillageResults:
    """Collect one village's results in a round from a ``Scores`` object (any object with its frames)."""
    table = scores.table
    row = table.loc[(table["village"] == village) & (table["round"] == round_)]
    respondents = row["respondents"].iloc[0] if len(row) else None
    private = not framework.enough_respondents(respondents)
    index = float(row["index"].iloc[0]) if len(row) and pd.notna(row["index"].iloc[0]) else None
    rank = int(row["rank"].iloc[0]) if len(row) and pd.notna(row["rank"].iloc[0]) else None
    band = str(row["band"].iloc[0]) if len(row) and pd.notna(row["band"].iloc[0]) else None
    dims = dimension_frame(table, framework, village, round_, registry)
    items = item_frame(scores, framework, village, round_)
    history = history_frame(table, framework, village)
    if private:
        dims, items, index, rank, band = dims.iloc[0:0], items.iloc[0:0], None, None, None
    return VillageResults(
        village=village,
        round=int(round_),
        respondents=None if respondents is None or pd.isna(respondents) else int(respondents),
        private=private,
        index=index,
        band=band,
        rank=rank,
        n_ranked=int(table.loc[table["round"] == round_, "rank"].notna().sum()),
        area=_area_of(village, registry),
        dimensions=dims,
        items=items,
        history=history,
        rank_band={} if private else _rank_band(uncertainty, village),
        trend={} if private else index_trend(history, framework, int(round_)),
    )



# --- words -----------------------------------------------------------------------------------------

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~:$])")


def markdown_escape(value: object) -> str:
    """Text safe to put inside Markdown: every character Markdown (or Streamlit) reads is backslashed.

    >>> print(markdown_escape("![x](y) *z*"))
    \\!\\[x\\]\\(y\\) \\*z\\*
    """
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(value))



def format_value(value: float, item_type: str, lang: str) -> str:
    """An item value in plain words: a 1–5 mean, a share of yes answers, or a median number."""
    if pd.isna(value):
        return "–"
    if item_type == "likert5":
        return t("village.value_likert", lang, value=fmt_number(value, lang, 1))
    if item_type == "yesno":
        return t("village.value_yesno", lang, value=fmt_number(value, lang, 0))
    return t("village.value_number", lang, value=fmt_number(value, lang, 1))


def where_it_stands(value: float, item_type: str, target: float, target_year: int, lang: str) -> str:
    """Where an item stands in the units people answered in, against its target: "38 % of respondents
    answered yes; the target for 2030 is 100 %"."""
    if pd.isna(value):
        return t("village.where_missing", lang)
    decimals = 0 if item_type == "yesno" else 1
    return t(f"village.where_{item_type}", lang, value=fmt_number(value, lang, decimals),
             target=fmt_number(target, lang, decimals), year=target_year)


@dataclass(frozen=True)
class DevelopmentTarget:
    """One item the village is behind on, in plain words, with the framework's ideas for it."""

    item: str
    title: str  # the item's text
    where: str  # where_it_stands
    gap: str  # describe_gap
    ideas: tuple[str, ...]


def development_targets(results: VillageResults, framework: Framework, lang: str) -> list[DevelopmentTarget]:
    """The weaknesses that lie behind their target path, furthest behind first (at most ``N_HIGHLIGHTS``)."""
    behind = results.weaknesses.loc[results.weaknesses["gap"] <= -ON_PATH_POINTS]
    out = []
    for row in behind.itertuples():
        item = framework.item(row.item)
        out.append(DevelopmentTarget(
            item=item.id, title=text(item.text, lang),
            where=where_it_stands(row.value, item.type, item.target, framework.target_year, lang),
            gap=describe_gap(row.gap, lang), ideas=ideas(item, lang)))
    return out


def trend_label(results: VillageResults, lang: str) -> str:
    """The trend as the progress page names it: arrow and words ("↓ heikkenee"); "–" without one."""
    if not results.trend:
        return "–"
    from indicator.charts.progress import status_label

    return status_label(results.trend["status"], lang)


def trend_sentence(results: VillageResults, framework: Framework, lang: str) -> str:
    """One line that tells the band and the trend apart (they can point different ways)."""
    band = framework.band_for(results.index) if results.index is not None else None
    if band is None or not results.trend:
        return ""
    trend = results.trend
    name = text(band.name, lang)
    if trend["status"] == Status.INSUFFICIENT_DATA:
        return t("village.trend_one_round", lang, band=name)
    if pd.isna(trend["required"]):
        return t("village.trend_no_required", lang, band=name, status=trend_label(results, lang),
                 first=trend["first_round"], last=trend["last_round"], slope=signed(trend["slope"], lang))
    return t("village.trend_explained", lang, band=name, status=trend_label(results, lang),
             first=trend["first_round"], last=trend["last_round"], slope=signed(trend["slope"], lang),
             required=fmt_number(trend["required"], lang, 1), year=framework.target_year)


def signed(value: float, lang: str) -> str:
    """A change with its sign: +2,5 / −1,0 (a real minus sign)."""
    shown = fmt_number(abs(value), lang, 1)
    return f"+{shown}" if value >= 0 else f"\u2212{shown}"


def describe_gap(gap: float, lang: str) -> str:
    """A gap to the target path in plain words."""
    if pd.isna(gap):
        return "–"
    if abs(gap) < ON_PATH_POINTS:
        return t("village.gap_on_path", lang)
    key = "village.gap_ahead" if gap > 0 else "village.gap_behind"
    return t(key, lang, points=fmt_number(abs(gap), lang, 0))


def respondents_text(respondents: int | None, framework: Framework, lang: str) -> str:
    """The respondent count, or "fewer than N" for a private round (the exact small count is not shown)."""
    if not framework.enough_respondents(respondents):
        return t("village.fewer_than", lang, n=framework.min_respondents)
    return fmt_number(respondents, lang, 0)


def summary_sentence(results: VillageResults, framework: Framework, lang: str) -> str:
    """One sentence for screen readers and the report: index, band and rank of the village."""
    if results.private:
        return t("village.summary_private", lang, village=results.village, round=results.round,
                 n=framework.min_respondents)
    if results.index is None:
        return t("village.summary_no_index", lang, village=results.village, round=results.round)
    band = framework.band_for(results.index)
    return t(
        "village.summary",
        lang,
        village=results.village,
        round=results.round,
        index=fmt_number(results.index, lang, 1),
        band=text(band.name, lang) if band else "–",
        rank=results.rank if results.rank is not None else "–",
        n=results.n_ranked,
    )


def highlight_table(items: pd.DataFrame, framework: Framework, lang: str) -> pd.DataFrame:
    """Strength or weakness rows for display: item, text, value, score, expected and gap in words."""
    return pd.DataFrame(
        {
            t("village.col_item", lang): items["item"].to_numpy(),
            t("village.col_text", lang): [text(framework.item(i).text, lang) for i in items["item"]],
            t("village.col_value", lang): [format_value(v, k, lang) for v, k in zip(items["value"], items["type"], strict=True)],
            t("village.col_score", lang): items["score"].to_numpy(),
            t("village.col_expected", lang): items["expected"].to_numpy(),
            t("village.col_gap", lang): [describe_gap(g, lang) for g in items["gap"]],
        }
    )


def dimension_table(results: VillageResults, framework: Framework, lang: str) -> pd.DataFrame:
    """The radar's numbers as a table (the chart's text alternative)."""
    dims = results.dimensions
    return pd.DataFrame(
        {
            t("village.col_dimension", lang): [text(framework.dimension(d).name, lang) for d in dims["dimension"]],
            results.village: dims["village"].to_numpy(),
            t("village.province_median", lang): dims["province"].to_numpy(),
            t("village.area_median", lang): dims["area"].to_numpy(),
        }
    )


def history_table(results: VillageResults, framework: Framework, lang: str) -> pd.DataFrame:
    """Rounds with respondents (small counts hidden), index and dimension scores, for display."""
    hist = results.history
    out = pd.DataFrame({t("village.col_round", lang): hist["round"].astype(int).to_numpy()})
    out[t("village.col_respondents", lang)] = [respondents_text(
        None if pd.isna(n) else int(n), framework, lang) for n in hist["respondents"]]
    out[t("village.col_index", lang)] = hist["index"].to_numpy()
    for dim in framework.dimensions:
        out[text(dim.name, lang)] = hist[dim.id].to_numpy()
    return out


def items_table(results: VillageResults, framework: Framework, lang: str) -> pd.DataFrame:
    """Every item with its text, value, answers, score, expected score and gap, for display and xlsx."""
    items = results.items
    out = highlight_table(items, framework, lang).drop(columns=t("village.col_gap", lang))
    out.insert(0, t("village.col_dimension", lang), [text(framework.dimension(d).name, lang) for d in items["dimension"]])
    out.insert(4, t("village.col_answers", lang), items["answers"].astype("Int64").to_numpy())
    out[t("village.col_gap_points", lang)] = items["gap"].to_numpy()
    return out


def area_name(area: str | None, lang: str) -> str:
    """A Leader area's name in the language (the shared ``common_area_<id>`` text), else its id."""
    if not area:
        return "–"
    key = f"common.area_{area}"
    name = t(key, lang)
    return area if name == key else name


# --- downloads -------------------------------------------------------------------------------------


def _count(respondents: object, framework: Framework, lang: str) -> object:
    """A respondent count for a workbook: the number itself (a number cell), or "fewer than N" as text
    for a private round (its small count is not shown)."""
    if pd.isna(respondents) or not framework.enough_respondents(respondents):
        return t("village.fewer_than", lang, n=framework.min_respondents)
    return int(respondents)


def _summary_rows(results: VillageResults, framework: Framework, lang: str) -> pd.DataFrame:
    band = framework.band_for(results.index) if results.index is not None else None
    rows = [
        (t("village.col_village", lang), results.village),
        (t("village.col_area", lang), area_name(results.area, lang)),
        (t("village.col_round", lang), results.round),
        (t("village.col_respondents", lang), _count(results.respondents, framework, lang)),
        (t("village.col_index", lang), results.index if results.index is not None else "–"),
        (t("village.col_band", lang), text(band.name, lang) if band else "–"),
        (t("village.kpi_trend", lang), trend_label(results, lang)),
        (t("village.col_rank", lang), results.rank if results.rank is not None else "–"),
        (t("village.col_ranked", lang), results.n_ranked),
    ]
    if results.rank_band:
        rows.append((t("village.col_rank_band", lang),
                     f"{results.rank_band['p05_rank']:.0f}–{results.rank_band['p95_rank']:.0f}"))
    if results.private:
        rows.append((t("village.col_note", lang), t("village.private_note", lang, n=framework.min_respondents)))
    rows.append((t("village.col_note", lang), t("common.export_note", lang)))
    return pd.DataFrame(rows, columns=[t("village.col_field", lang), t("village.col_value", lang)], dtype=object)


def results_xlsx(results: VillageResults, framework: Framework, lang: str) -> bytes:
    """The village's results as a formula-safe workbook for people (numbers rounded to one decimal, counts
    as number cells), then the same results at full precision for machines (the results' own columns); a
    private round has no breakdown sheets."""
    from indicator.xlsxsafe import rounded

    full = t("common.sheet_full", lang, name="{name}")
    history = history_table(results, framework, lang)
    history[t("village.col_respondents", lang)] = [
        _count(n, framework, lang) for n in results.history["respondents"]]
    people = {t("village.sheet_summary", lang): _summary_rows(results, framework, lang)}
    exact: dict[str, pd.DataFrame] = {}
    if not results.private:
        people[t("village.sheet_dimensions", lang)] = dimension_table(results, framework, lang)
        people[t("village.sheet_items", lang)] = items_table(results, framework, lang)
        exact[full.format(name=t("village.sheet_dimensions", lang))] = results.dimensions
        exact[full.format(name=t("village.sheet_items", lang))] = results.items
    people[t("village.sheet_history", lang)] = history
    machine_history = results.history.astype({"respondents": "Int64"})
    machine_history.loc[machine_history["private"], "respondents"] = pd.NA  # a small count is never shown
    exact[full.format(name=t("village.sheet_history", lang))] = machine_history
    return xlsx_bytes({**{name: rounded(frame) for name, frame in people.items()}, **exact})


REPORT_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:2rem auto;
max-width:60rem;padding:0 1rem;line-height:1.45}
h1{font-size:1.7rem;margin-bottom:.2rem}h2{font-size:1.2rem;margin-top:1.8rem;border-bottom:1px solid #ccd;
padding-bottom:.2rem}.lead{color:#444;margin-top:0}
.kpis{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}.kpi{border:1px solid #ccd;border-radius:.4rem;
padding:.5rem .9rem;min-width:8rem}.kpi b{display:block;font-size:1.4rem}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.5rem 0}th,td{border-bottom:1px solid #dde;
padding:.3rem .45rem;text-align:left;vertical-align:top}td.num{text-align:right;white-space:nowrap}
.note{background:#fff6e0;border-left:4px solid #e69f00;padding:.6rem .9rem}footer{margin-top:2rem;color:#555;
font-size:.85rem}
h3{font-size:1rem;margin:.6rem 0 .2rem}.target{border-left:4px solid #0072b2;padding:.1rem .9rem;margin:.8rem 0}
figure{margin:.5rem 0}
@media print{body{margin:0;max-width:none;font-size:10pt}h2{break-after:avoid}section,figure,tr,.target{break-inside:avoid}
@page{size:A4;margin:15mm}}
"""


def _cell(value: object, lang: str) -> str:
    """One table cell: missing as a dash, floats in the locale with one decimal, text escaped."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "<td>–</td>"
    if isinstance(value, float | np.floating):
        return f'<td class="num">{html.escape(fmt_number(float(value), lang, 1))}</td>'
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        return f'<td class="num">{value}</td>'
    return f"<td>{html.escape(str(value))}</td>"


def _html_table(frame: pd.DataFrame, lang: str) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(_cell(v, lang) for v in row) + "</tr>" for row in frame.itertuples(index=False)
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _kpis(results: VillageResults, framework: Framework, lang: str) -> str:
    band = framework.band_for(results.index) if results.index is not None else None
    pairs = [
        (t("village.col_index", lang), fmt_number(results.index, lang, 1)),
        (t("village.col_band", lang), text(band.name, lang) if band else "–"),
        (t("village.kpi_trend", lang), trend_label(results, lang)),
        (t("village.col_rank", lang), f"{results.rank} / {results.n_ranked}" if results.rank else "–"),
        (t("village.col_respondents", lang), respondents_text(results.respondents, framework, lang)),
    ]
    cells = "".join(f'<div class="kpi">{html.escape(k)}<b>{html.escape(v)}</b></div>' for k, v in pairs)
    return f'<div class="kpis">{cells}</div>'


def _targets_html(results: VillageResults, framework: Framework, lang: str) -> list[str]:
    """The development targets with their ideas, as on the card."""
    targets = development_targets(results, framework, lang)
    parts = [f"<section><h2>{html.escape(t('village.weaknesses', lang))}</h2>"]
    if not targets:
        parts.append(f"<p>{html.escape(t('village.no_targets', lang))}</p>")
    for target in targets:
        parts.append(f'<div class="target"><h3>{html.escape(target.title)}</h3>'
                     f"<p>{html.escape(target.where)} {html.escape(target.gap)}.</p>")
        if target.ideas:
            items = "".join(f"<li>{html.escape(idea)}</li>" for idea in target.ideas)
            parts.append(f"<p><b>{html.escape(t('village.ideas', lang))}</b></p><ul>{items}</ul>")
        parts.append("</div>")
    return [*parts, "</section>"]


def _breakdown_sections(results: VillageResults, framework: Framework, lang: str) -> list[str]:
    from indicator.charts.village_print import radar_svg, rank_band_svg

    parts = [f"<section><h2>{html.escape(t('village.dimensions', lang))}</h2>",
             f"<figure>{radar_svg(results.dimensions, framework, results.village, lang)}</figure>",
             _html_table(dimension_table(results, framework, lang), lang), "</section>"]
    if results.rank_band:
        parts += [f"<section><h2>{html.escape(t('village.rank_uncertainty', lang))}</h2>",
                  f"<figure>{rank_band_svg(results.rank_band, results.n_ranked, results.village, lang)}</figure>",
                  f"<p>{html.escape(rank_band_sentence(results, lang))}</p></section>"]
    parts += [f"<section><h2>{html.escape(t('village.strengths', lang))}</h2>",
              _html_table(highlight_table(results.strengths, framework, lang), lang), "</section>"]
    parts += _targets_html(results, framework, lang)
    parts += [f"<section><h2>{html.escape(t('village.all_items', lang))}</h2>",
              _html_table(items_table(results, framework, lang), lang), "</section>"]
    return parts


def rank_band_sentence(results: VillageResults, lang: str) -> str:
    """The rank uncertainty band in words."""
    band = results.rank_band
    if not band:
        return ""
    return t("village.rank_band_sentence", lang, rank=f"{band['nominal_rank']:.0f}",
             low=f"{band['p05_rank']:.0f}", high=f"{band['p95_rank']:.0f}", n=results.n_ranked)


def report_html(results: VillageResults, framework: Framework, lang: str) -> str:
    """A self-contained printable HTML report: charts as inline SVG (no script; a few tens of kilobytes in
    all, where Plotly's script alone is 3.6 MB), every text escaped, print CSS."""
    from indicator.charts.village_print import history_svg

    title = f"{text(framework.name, lang)}: {results.village} {results.round}"
    parts = [
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(title)}</title><style>{REPORT_CSS}</style></head><body>",
        f"<header><h1>{html.escape(results.village)}</h1>",
        f'<p class="lead">{html.escape(text(framework.name, lang))} · {html.escape(t("village.col_round", lang))} '
        f"{results.round}{' · ' + html.escape(area_name(results.area, lang)) if results.area else ''}</p></header>",
        _kpis(results, framework, lang),
        f"<p>{html.escape(summary_sentence(results, framework, lang))}</p>",
        f"<p>{html.escape(trend_sentence(results, framework, lang))}</p>" if results.trend else "",
    ]
    if results.private:
        parts.append(f'<p class="note">{html.escape(t("village.private_note", lang, n=framework.min_respondents))}</p>')
    else:
        parts += _breakdown_sections(results, framework, lang)
    if results.history["index"].notna().any():
        parts += [f"<section><h2>{html.escape(t('village.history', lang))}</h2>",
                  f"<figure>{history_svg(results.history, framework, results.village, lang)}</figure>"]
    else:
        parts.append(f"<section><h2>{html.escape(t('village.history', lang))}</h2>")
    parts += [_html_table(history_table(results, framework, lang), lang), "</section>",
              f"<footer><p>{html.escape(t('village.method_note', lang, target_year=framework.target_year))}</p>",
              f"<p>{html.escape(t('village.path_note', lang, target_year=framework.target_year, baseline_year=framework.baseline_year))}</p>",
              "</footer></body></html>"]
    return "\n".join(parts)
