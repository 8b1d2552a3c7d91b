"""Etusivu: headline figures, the village map, the ranking and the spread of dimension scores."""

import streamlit as st

from indicator.charts import overview as charts
from indicator.i18n import plotly_separators, t
from indicator.scoring import band_counts
from indicator.xlsxsafe import people_and_machines, xlsx_bytes
from ui import context, filters
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed()


@st.cache_resource(max_entries=48, show_spinner=False)
def build(token: str, area: str | None, municipality: str | None, round_: int | None, lang: str) -> dict:
    """Every table and figure of the page for one database state, filter choice and language.

    Shared by every session as it is (a resource, not copied on each run: unpickling the three figures took
    longer than the rest of the run); the page only reads what it gets."""
    fw, reg = context.framework(), context.registry()
    chosen = filters.Filters(area, municipality, round_)
    in_scope = filters.apply(context.scores_table(), chosen, reg, by_round=False)
    frame = charts.round_frame(in_scope, reg, fw, round_)
    band_names, dim_names = fmt.band_names(fw, lang), fmt.dimension_names(fw, lang)
    counts = band_counts(frame, list(band_names))
    labels = {"no_score": t("overview.no_score", lang), "index": t("common.col_index", lang),
              "respondents": t("common.col_respondents", lang), "too_few": t("common.too_few", lang),
              "approximate": t("overview.map_hover_approx", lang)}
    headers = {k: t(f"common.col_{k}", lang) for k in ("rank", "village", "municipality", "area", "index",
                                                       "band", "respondents")}
    long = charts.dimension_long(frame, dim_names)
    return {
        "frame": frame,
        "head": charts.headline(in_scope, fw, round_),
        "counts": [(band_names.get(b, t("overview.no_score", lang)), int(n)) for b, n in counts.items() if n],
        "bars": charts.band_bars(counts, band_names, t("overview.no_score", lang)),
        "map": charts.village_map(frame, band_names, labels, number=lambda v: fmt.number(v, lang)),
        "ranking": charts.ranking_table(frame, dim_names, band_names, headers, too_few=t("common.too_few", lang),
                                        area_names=filters.area_names(lang),
                                        no_index=t("overview.no_index", lang)),
        "long": long,
        "summary": charts.dimension_summary(long, dim_names) if len(long) else None,
        "spread": charts.dimension_distribution(long, dim_names, t("overview.score_axis", lang)).update_layout(
            separators=plotly_separators(lang)),  # hover values with the locale's decimal mark
    }


def kpi_row(head: charts.Headline, lang: str) -> None:
    """Villages, respondents, the index (the headline figure: the progress page's line) and its change since
    the baseline round."""
    with st.container(horizontal=True, gap="medium", key="overview_kpis"):
        st.metric(t("overview.kpi_villages", lang), fmt.integer(head.villages, lang), border=True, width="stretch",
                  help=t("overview.kpi_villages_help", lang, scored=head.scored, min=fw.min_respondents),
                  delta=t("overview.kpi_scored", lang, scored=head.scored), delta_color="off", delta_arrow="off")
        st.metric(t("overview.kpi_respondents", lang), fmt.integer(head.respondents, lang), border=True,
                  width="stretch", help=t("overview.kpi_respondents_help", lang))
        st.metric(t("progress.measure.index", lang), fmt.number(head.index, lang), border=True,
                  width="stretch", help=t("overview.kpi_index_help", lang))
        change = None if head.change is None else fmt.number(head.change, lang)
        st.metric(t("overview.kpi_change", lang, base=head.baseline_round) if head.baseline_round
                  else t("overview.kpi_change_none", lang), change or fmt.MISSING, border=True, width="stretch",
                  help=t("overview.kpi_change_help", lang),
                  delta=change and t("overview.points", lang, value=change).replace("−", "-", 1))


def map_notes(frame, lang: str) -> str:
    """Where positions are approximate, which villages are not on the map, and the tile credit."""
    located = frame.dropna(subset=["lat", "lon"])
    approx = int((located["coordinate_source"] == "anchor").sum())
    notes = [t("overview.map_approx", lang, n=approx, total=len(located))] if approx else []
    unlocated = sorted(set(frame["village"]) - set(located["village"]))
    if unlocated:
        notes.append(t("overview.map_unlocated", lang, names=", ".join(fmt.plain(v) for v in unlocated)))
    return " ".join([*notes, t("overview.map_credit", lang)])


lang, fw = context.lang(), context.framework()
table = context.scores_table()
chosen = filters.current()
round_ = filters.selected_round(table, chosen)
parts = build(context.state_token(), chosen.area, chosen.municipality, round_, lang)
frame = parts["frame"]

st.title(t("common.app_title", lang))
st.markdown(t("overview.intro", lang))
if round_ is None or frame.empty:
    st.info(t("common.no_data", lang) if table.empty else t("overview.no_rows", lang))
    st.stop()
area = t(f"common.area_{chosen.area}", lang) if chosen.area else t("common.filter_all_areas", lang)
st.caption(t("overview.scope", lang, round=round_, area=fmt.plain(chosen.municipality) if chosen.municipality
             else area))
kpi_row(parts["head"], lang)

count_lines = [t("overview.band_line", lang, band=band, n=n) for band, n in parts["counts"]]
map_col, band_col = st.columns([5, 2], gap="medium")
with map_col:
    st.subheader(t("overview.map_title", lang))
    st.plotly_chart(parts["map"], width="stretch", key="overview_map",
                    config={"scrollZoom": False, "displayModeBar": False},
                    alt=t("overview.map_alt", lang, n=len(frame), summary="; ".join(count_lines)))
    st.caption(map_notes(frame, lang))
with band_col:
    st.subheader(t("overview.bands_title", lang))
    st.plotly_chart(parts["bars"], width="stretch", key="overview_bands", config={"displayModeBar": False,
                    "staticPlot": True}, alt=t("overview.bands_title", lang) + ": " + "; ".join(count_lines))
    names = fmt.band_names(fw, lang)
    ranges = t("overview.band_ranges", lang,
               ranges=", ".join(f"{names[b.id]} ≥ {fmt.integer(b.min, lang)}" for b in fw.bands))
    st.caption(" · ".join(count_lines) + ". " + ranges)

st.subheader(t("overview.ranking_title", lang))
ranking = parts["ranking"]
wide = st.toggle(t("overview.ranking_all", lang), key="overview_ranking_all", help=t("overview.ranking_all_help", lang))
compact = [t(f"common.col_{k}", lang) for k in ("rank", "village", "index", "band")]  # fits a phone's width
st.dataframe(fmt.styled(ranking, lang), hide_index=True, width="stretch", key="overview_ranking",
             column_order=None if wide else compact)
st.caption(t("overview.ranking_caption", lang, min=fw.min_respondents))
st.download_button(t("overview.download", lang), data=lambda: xlsx_bytes(people_and_machines(
                       {str(round_): ranking}, t("common.sheet_full", lang, name="{name}"))),
                   file_name=f"alykyla-{round_}.xlsx", icon=":material/download:", key="overview.download",
                   on_click="ignore",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("overview.dist_title", lang))
summary = parts["summary"]
if summary is None:
    st.info(t("overview.dist_none", lang))
    st.stop()
high, low = summary.loc[summary["median"].idxmax()], summary.loc[summary["median"].idxmin()]
sentence = t("overview.dist_summary", lang, high=high["name"], high_value=fmt.number(high["median"], lang),
             low=low["name"], low_value=fmt.number(low["median"], lang))
st.plotly_chart(parts["spread"], width="stretch", key="overview_dist", config={"displayModeBar": False},
                alt=t("overview.dist_alt", lang, n=parts["long"]["village"].nunique(), summary=sentence))
st.caption(t("overview.dist_caption", lang) + " " + sentence)
with st.expander(t("overview.as_table", lang)):
    shown = summary.drop(columns="dimension").rename(columns={
        "name": t("overview.col_dimension", lang), "villages": t("overview.col_villages", lang),
        "low": t("overview.col_min", lang), "median": t("overview.col_median", lang),
        "high": t("overview.col_max", lang)})
    st.dataframe(fmt.styled(shown, lang), hide_index=True, width="stretch")
