"""Kylä: one village's card — index, band and trend, dimensions against medians, strengths, development
targets with ideas, rank uncertainty, history and downloads; a note when newer answers wait for approval
(``ui.survey_views.waiting_note``). Computation lives in ``indicator.report``; this lays it out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicator import report
from indicator.charts.village import history_chart, radar_chart, rank_band_chart
from indicator.errors import IndicatorError
from indicator.framework import text
from indicator.i18n import t
from ui import context, figures, filters, strategy_views, survey_views
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed()

SELECT_KEY, URL_KEY = "village_select", "village"


@st.cache_data(max_entries=8, show_spinner=False)
def rank_bands(token: str, round_: int) -> pd.DataFrame:
    """Monte Carlo rank bands of a round (1000 draws), cached per database state."""
    from indicator.uncertainty import rank_uncertainty

    try:
        return rank_uncertainty(context.scores(), context.framework(), round=round_, n=1000, seed=0)
    except IndicatorError:
        return pd.DataFrame()


def choose_village(villages: list[str], lang: str) -> str:
    """The village selectbox, seeded from ``?village=`` and mirrored back to the URL."""
    asked = st.query_params.get(URL_KEY)
    if SELECT_KEY not in st.session_state and asked:
        if asked in villages:
            st.session_state[SELECT_KEY] = asked
        else:
            st.warning(t("village.unknown_village", lang, village=report.markdown_escape(asked),
                         shown=report.markdown_escape(villages[0])))
    village = st.selectbox(t("village.choose_village", lang), villages, key=SELECT_KEY)
    filters.publish_to_url(URL_KEY, village, None)
    return village


def kpis(res: report.VillageResults, fw, lang: str) -> None:
    """Index, band and trend side by side (with one line telling band and trend apart), rank, respondents."""
    band = fw.band_for(res.index) if res.index is not None else None
    with st.container(horizontal=True, key="village_kpis"):
        st.metric(t("village.kpi_index", lang), fmt.number(res.index, lang), border=True)
        st.metric(t("village.kpi_band", lang), text(band.name, lang) if band else "–", border=True)
        st.metric(t("village.kpi_trend", lang), report.trend_label(res, lang), border=True)
        rank = t("village.kpi_rank_of", lang, rank=res.rank, n=res.n_ranked) if res.rank else "–"
        st.metric(t("village.kpi_rank", lang), rank, border=True)
        st.metric(t("village.kpi_respondents", lang), report.respondents_text(res.respondents, fw, lang), border=True)
    sentence = report.trend_sentence(res, fw, lang)
    if sentence:
        st.caption(report.markdown_escape(sentence))


def strengths(res: report.VillageResults, fw, lang: str) -> None:
    """The items furthest ahead of their target path, in plain words."""
    st.subheader(t("village.strengths", lang), help=t("village.strengths_help", lang))
    for row in res.strengths.itertuples():
        item = fw.item(row.item)
        where = report.where_it_stands(row.value, item.type, item.target, fw.target_year, lang)
        st.markdown("- " + t("village.highlight_line", lang, text=report.markdown_escape(text(item.text, lang)),
                             where=report.markdown_escape(where), gap=report.markdown_escape(
                                 report.describe_gap(row.gap, lang))))


def development_targets(res: report.VillageResults, fw, lang: str) -> None:
    """The items the village is furthest behind on, each with the framework's ideas, side by side."""
    st.subheader(t("village.weaknesses", lang), help=t("village.weaknesses_help", lang))
    targets = report.development_targets(res, fw, lang)
    if not targets:
        st.caption(t("village.no_targets", lang))
        return
    for column, target in zip(st.columns(len(targets)), targets, strict=True):
        with column.container(border=True):
            st.markdown(f"**{report.markdown_escape(target.title)}**")
            st.caption(report.markdown_escape(f"{target.where} {target.gap[:1].upper()}{target.gap[1:]}."))
            if target.ideas:
                st.markdown(f"**{t('village.ideas', lang)}**\n\n" + "\n".join(
                    f"- {report.markdown_escape(idea)}" for idea in target.ideas))


def breakdown(res: report.VillageResults, fw, lang: str) -> None:
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader(t("village.dimensions", lang))
        st.plotly_chart(figures.shared(radar_chart, res.dimensions, fw, res.village, lang), width="stretch",
                        alt=t("village.radar_alt", lang, village=res.village), key="village_radar",
                        config={"displayModeBar": False})
    with right:
        strengths(res, fw, lang)
        st.subheader(t("village.rank_uncertainty", lang))
        if res.rank_band:
            st.plotly_chart(figures.shared(rank_band_chart, res.rank_band, res.n_ranked, res.village, lang),
                            width="stretch", alt=report.rank_band_sentence(res, lang), key="village.rank_band",
                            config={"displayModeBar": False})
            st.caption(report.rank_band_sentence(res, lang))
        else:
            st.caption(t("village.rank_uncertainty_missing", lang))
    development_targets(res, fw, lang)
    st.dataframe(fmt.styled(report.dimension_table(res, fw, lang), lang), hide_index=True, placeholder="–")
    with st.expander(t("village.all_items", lang), icon=":material/list:", key="village_items_open",
                     on_change="rerun") as items_box:
        if items_box.open:  # made and sent only when opened (a lighter first paint)
            st.dataframe(fmt.styled(report.items_table(res, fw, lang), lang, decimals={
                t("village.col_answers", lang): 0}), hide_index=True, placeholder="–")


def history(res: report.VillageResults, fw, lang: str) -> None:
    st.subheader(t("village.history", lang))
    if res.history["index"].notna().any():
        st.plotly_chart(figures.shared(history_chart, res.history, fw, res.village, lang), width="stretch",
                        alt=t("village.history_alt", lang, village=res.village), key="village.history",
                        config={"displayModeBar": False})  # the toolbar would cover the legend on a phone
    table = report.history_table(res, fw, lang)
    table[table.columns[0]] = table[table.columns[0]].astype(str)  # a year, not a number to format
    st.dataframe(fmt.styled(table, lang), hide_index=True, placeholder="–")


def downloads(res: report.VillageResults, fw, lang: str) -> None:
    st.subheader(t("village.downloads", lang))
    stem = "".join(ch if ch.isalnum() else "_" for ch in res.village)[:40] or "village"
    with st.container(horizontal=True):
        st.download_button(t("village.download_xlsx", lang), lambda: report.results_xlsx(res, fw, lang),
                           file_name=f"{stem}_{res.round}.xlsx", icon=":material/table:", key="village_xlsx",
                           on_click="ignore", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        st.download_button(t("village.download_html", lang), lambda: report.report_html(res, fw, lang),
                           file_name=f"{stem}_{res.round}.html", mime="text/html", icon=":material/print:",
                           key="village_html", help=t("village.download_help", lang), on_click="ignore")


def main() -> None:
    lang, fw = context.lang(), context.framework()
    st.title(t("village.title", lang))
    st.caption(t("village.intro", lang, target_year=fw.target_year))
    scores = context.scores()
    table = scores.table
    if table.empty:
        st.info(t("village.no_data", lang))
        return
    village = choose_village(sorted(table["village"].unique(), key=str.casefold), lang)
    rounds = sorted(table.loc[table["village"] == village, "round"].dropna().astype(int).unique())
    chosen = filters.current().round
    round_ = chosen if chosen in rounds else rounds[-1]
    if chosen is not None and chosen not in rounds:
        st.caption(t("village.round_fallback", lang, asked=chosen, shown=round_))
    res = report.village_results(scores, fw, village, round_, registry=context.registry(),
                                 uncertainty=rank_bands(context.state_token(), round_))
    name = report.markdown_escape(village)
    st.header(f"{name} · {round_}", anchor=False)
    st.markdown(report.markdown_escape(report.summary_sentence(res, fw, lang)))
    kpis(res, fw, lang)
    survey_views.waiting_note(village, lang)
    if res.private:
        st.info(t("village.private_note", lang, n=fw.min_respondents), icon=":material/lock:")
    else:
        breakdown(res, fw, lang)
    history(res, fw, lang)
    strategy_views.village_plans(village, lang)
    downloads(res, fw, lang)
    st.caption(t("village.path_note", lang, baseline_year=fw.baseline_year, target_year=fw.target_year))


main()
