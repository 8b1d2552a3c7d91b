"""Etusivu: headline figures, the village map, the ranking and the spread of dimension scores."""

import streamlit as st

from indicator.charts import overview as charts
from indicator.i18n import t
from indicator.xlsxsafe import xlsx_bytes
from ui import context, filters
from ui import format as fmt

lang = context.lang()
fw, reg = context.framework(), context.registry()
table = context.scores_table()
chosen = filters.current()
round_ = filters.selected_round(table, chosen)
in_scope = filters.apply(table, chosen, reg, by_round=False)
frame = charts.round_frame(in_scope, reg, fw, round_)
band_names, dim_names = fmt.band_names(fw, lang), fmt.dimension_names(fw, lang)
area = t(f"common_area_{chosen.area}", lang) if chosen.area else t("common_filter_all_areas", lang)

st.title(t("common_app_title", lang))
st.markdown(t("overview_intro", lang))
if round_ is None or frame.empty:
    st.info(t("common_no_data", lang) if table.empty else t("overview_no_rows", lang))
    st.stop()
st.caption(t("overview_scope", lang, round=round_, area=chosen.municipality or area))

head = charts.headline(in_scope, fw, round_)
with st.container(horizontal=True, gap="medium", key="overview_kpis"):
    villages_help = t("overview_kpi_villages_help", lang, scored=head.scored, min=fw.min_respondents)
    st.metric(t("overview_kpi_villages", lang), fmt.integer(head.villages, lang), border=True, width="stretch",
              help=villages_help, delta=t("overview_kpi_scored", lang, scored=head.scored), delta_color="off",
              delta_arrow="off")
    st.metric(t("overview_kpi_respondents", lang), fmt.integer(head.respondents, lang), border=True, width="stretch",
              help=t("overview_kpi_respondents_help", lang))
    st.metric(t("overview_kpi_median", lang), fmt.number(head.median_index, lang), border=True, width="stretch",
              help=t("overview_kpi_median_help", lang))
    change_label = (t("overview_kpi_change", lang, base=head.baseline_round) if head.baseline_round
                    else t("overview_kpi_change_none", lang))
    st.metric(change_label, fmt.number(head.change, lang) if head.change is not None else fmt.MISSING,
              border=True, width="stretch", help=t("overview_kpi_change_help", lang),
              delta=None if head.change is None
              else t("overview_points", lang, value=fmt.number(head.change, lang)).replace("−", "-", 1))

counts = charts.band_counts(frame, list(band_names))
count_lines = [t("overview_band_line", lang, band=band_names.get(b, t("overview_no_score", lang)), n=n)
               for b, n in counts.items() if n]
map_col, band_col = st.columns([3, 1], gap="medium")
with map_col:
    st.subheader(t("overview_map_title", lang))
    labels = {"no_score": t("overview_no_score", lang), "index": t("common_col_index", lang),
              "respondents": t("common_col_respondents", lang), "too_few": t("common_too_few", lang),
              "approximate": t("overview_map_hover_approx", lang)}
    fig = charts.village_map(frame, band_names, labels, number=lambda v: fmt.number(v, lang))
    st.plotly_chart(fig, width="stretch", key="overview_map", config={"scrollZoom": False, "displayModeBar": False},
                    alt=t("overview_map_alt", lang, n=len(frame), summary="; ".join(count_lines)))
    located = frame.dropna(subset=["lat", "lon"])
    approx = int((located["coordinate_source"] == "anchor").sum())
    notes = [t("overview_map_approx", lang, n=approx, total=len(located))] if approx else []
    unlocated = sorted(set(frame["village"]) - set(located["village"]))
    notes += [t("overview_map_unlocated", lang, names=", ".join(unlocated))] if unlocated else []
    st.caption(" ".join([*notes, t("overview_map_credit", lang)]))
with band_col:
    st.subheader(t("overview_bands_title", lang))
    st.markdown("\n".join(f"- {line}" for line in count_lines))
    ranges = ", ".join(f"{band_names[b.id]} ≥ {fmt.integer(b.min, lang)}" for b in fw.bands)
    st.caption(t("overview_band_ranges", lang, ranges=ranges))

st.subheader(t("overview_ranking_title", lang))
headers = {k: t(f"common_col_{k}", lang) for k in ("rank", "village", "municipality", "area", "index",
                                                   "band", "respondents")}
ranking = charts.ranking_table(frame, dim_names, band_names, headers, too_few=t("common_too_few", lang),
                               area_names={a: t(f"common_area_{a}", lang) for a in ("sepra", "kasvu")},
                               no_index=t("overview_no_index", lang))
st.dataframe(fmt.styled(ranking, lang), hide_index=True, width="stretch", key="overview_ranking")
st.caption(t("overview_ranking_caption", lang, min=fw.min_respondents))
st.download_button(t("overview_download", lang), data=lambda: xlsx_bytes({str(round_): ranking}),
                   file_name=f"alykyla-{round_}.xlsx", icon=":material/download:", key="overview_download",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.subheader(t("overview_dist_title", lang))
long = charts.dimension_long(frame, dim_names)
if long.empty:
    st.info(t("overview_dist_none", lang))
    st.stop()
summary = charts.dimension_summary(long, dim_names)
high, low = summary.loc[summary["median"].idxmax()], summary.loc[summary["median"].idxmin()]
sentence = t("overview_dist_summary", lang, high=high["name"], high_value=fmt.number(high["median"], lang),
             low=low["name"], low_value=fmt.number(low["median"], lang))
st.plotly_chart(charts.dimension_distribution(long, dim_names, t("overview_score_axis", lang)),
                width="stretch", key="overview_dist", config={"displayModeBar": False},
                alt=t("overview_dist_alt", lang, n=long["village"].nunique(), summary=sentence))
st.caption(t("overview_dist_caption", lang) + " " + sentence)
with st.expander(t("overview_as_table", lang)):
    shown = summary.drop(columns="dimension").rename(columns={
        "name": t("overview_col_dimension", lang), "villages": t("overview_col_villages", lang),
        "low": t("overview_col_min", lang), "median": t("overview_col_median", lang),
        "high": t("overview_col_max", lang)})
    st.dataframe(fmt.styled(shown, lang), hide_index=True, width="stretch")
