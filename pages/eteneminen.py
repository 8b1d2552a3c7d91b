"""Eteneminen 2030: the index and every dimension over the rounds, with the target path and projection."""

import pandas as pd
import streamlit as st

from indicator.charts import progress as charts
from indicator.errors import IndicatorError
from indicator.i18n import t
from indicator.progress import METHODS, Level, progress
from ui import context, figures, filters, strategy_views
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed()

lang = context.lang()
fw, reg = context.framework(), context.registry()
history = context.scores_table()


@st.cache_data(max_entries=8, show_spinner=False)
def progress_table(token: str, method: str) -> pd.DataFrame:
    """Every level's progress rows (the CLI's ``progress`` plus municipalities), per database state."""
    return progress(context.scores_table(), context.framework(), method=method, registry=context.registry())


def entity_name(level: str, entity: str) -> str:
    return t(f"common.area_{entity}", lang) if level == Level.LEADER_AREA else entity


st.title(t("progress.title", lang))
st.markdown(t("progress.intro", lang, year=fw.target_year))
if history.empty or history["index"].notna().sum() == 0:
    st.info(t("progress.no_data", lang))
    st.stop()

left, right = st.columns(2)
level = left.radio(
    t("progress.level", lang),
    charts.LEVELS,
    key="progress_level",
    horizontal=True,
    format_func=lambda lv: t(f"progress.level.{lv}", lang),
)
method = right.radio(
    t("progress.method", lang),
    METHODS,
    key="progress_method",
    horizontal=True,
    format_func=lambda m: t(f"progress.method.{m}", lang),
    help=t("progress.method.help", lang),
)
try:
    table = progress_table(context.state_token(), method)
except IndicatorError as err:
    st.error(fmt.plain(err.localized(lang)))
    st.stop()

chosen = filters.current()
rows = charts.level_rows(table, level, reg, villages=filters.villages_in(chosen, reg), area=chosen.area)
entities = sorted(rows["village"].unique(), key=lambda e: entity_name(level, e))
if not entities:
    st.info(t("progress.no_entity", lang))
    st.stop()

index_rows = rows[rows["measure"] == "index"]
if level == Level.PROVINCE:  # the headline figure, as on the overview and the seminar screen
    province = index_rows.iloc[0]
    headline = charts.headline_text(province, charts.measure_label("index", fw, lang), lang)
    st.markdown(f"**{t('progress.summary.province', lang, status=headline)}** {charts.pace_text(province, lang)}")
else:
    on, total = charts.on_path_count(rows)
    st.markdown(f"**{t(f'progress.summary.{level}', lang, on=on, total=total)}**")

entity = (
    entities[0]
    if len(entities) == 1
    else st.selectbox(
        t("progress.entity", lang),
        entities,
        key=f"progress_entity_{level}",
        format_func=lambda e: entity_name(level, e),
    )
)
own = table[(table["level"] == level) & (table["village"] == entity)].set_index("measure")
series_source = charts.level_history(history, reg, level, fw)
index_row = own.loc["index"].copy() if "index" in own.index else None
label = charts.measure_label("index", fw, lang)
arrow = charts.STATUS_ARROWS.get(index_row["status"], "") if index_row is not None else ""
st.markdown(f"#### {arrow} {fmt.plain(entity_name(level, entity))}: {label}")  # a title the legend cannot cover
fig = figures.shared(  # built once per state and choice, shared by every visitor (ui/figures.py)
    charts.progress_figure,
    charts.measure_series(series_source, entity, "index"),
    index_row,
    fw.target_year,
    title="",
    lang=lang,
    font_size=15,
)
alt = charts.alt_text(index_row, label, fw.target_year, lang) if index_row is not None else label
st.plotly_chart(fig, width="stretch", alt=alt, key="progress_index_chart", config={"displayModeBar": False})
st.caption(alt)

st.subheader(t("progress.chart.dimensions", lang))
grid = figures.shared(charts.progress_grid, series_source, table[table["level"] == level], entity, fw, lang=lang)
dims_alt = "; ".join(
    charts.alt_text(own.loc[d], charts.measure_label(d, fw, lang), fw.target_year, lang)
    for d in fw.dimension_ids
    if d in own.index
)
st.plotly_chart(
    grid, width="stretch", alt=t("progress.alt.grid", lang, items=dims_alt), key="progress_grid_chart",
    config={"displayModeBar": False},
)

with st.expander(t("progress.legend.title", lang), expanded=True):
    st.html(charts.status_key_html(lang))  # catalog texts, escaped: no Plotly chart for a key
    st.markdown("\n".join(f"- **{arrow}** {words}" for arrow, _, words in charts.status_legend(lang)))

if level != Level.PROVINCE and len(entities) > 1:
    counts = charts.status_counts(rows)
    st.plotly_chart(
        figures.shared(charts.status_bar_figure, counts, lang=lang, title=t("progress.status_counts", lang)),
        width="stretch",
        key="progress_status_chart",
        config={"displayModeBar": False},
        alt="; ".join(
            f"{charts.status_label(s, lang)}: {n}"
            for s, n in zip(counts["status"], counts["count"], strict=True)
        ),
    )

with st.expander(t("progress.table", lang), key="progress_table_open", on_change="rerun") as table_box:
    if table_box.open:  # made and sent only when opened: the first paint needs no table code in the browser
        names = {e: entity_name(level, e) for e in entities}
        shown = charts.display_table(rows[rows["village"].isin(entities)], fw, lang, names)
        st.dataframe(fmt.styled(shown, lang), hide_index=True, key="progress_table")

strategy_views.show_impact(lang, "progress")
