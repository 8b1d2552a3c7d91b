"""Sections shared by several pages: the theme groups' measured impact (Eteneminen 2030, Strategiat) and the
strategies a village takes part in (Kylä). Computation lives in ``indicator.impact`` and
``indicator.strategies``; this lays it out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from indicator import impact as impact_lib
from indicator import strategies as plans
from indicator.charts import strategies as charts
from indicator.errors import IndicatorError
from indicator.framework import text
from indicator.i18n import t
from indicator.report import markdown_escape
from ui import context, figures
from ui import format as fmt


def area_names(lang: str) -> dict[str, str]:
    """Leader area id -> its name in ``lang``."""
    return {a: t(f"common.area_{a}", lang) for a in ("sepra", "kasvu")}


@st.cache_data(max_entries=8, show_spinner=False)
def _impact(token: str, grouping: str | None) -> tuple[str | None, pd.DataFrame | None]:
    """(grouping name, impact table) of a saved grouping (default: the latest) for the database state."""
    groupings = plans.saved_groupings(context.store())
    if not groupings:
        return None, None
    name = grouping if grouping in groupings else next(iter(groupings))
    try:
        table = impact_lib.impact(context.scores_table(), groupings[name], context.framework(),
                                  registry=context.registry())
    except IndicatorError:
        return name, None
    return name, table


def impact_table(grouping: str | None = None) -> tuple[str | None, pd.DataFrame | None]:
    """The impact table of a saved grouping (default: the most recently saved) and its name; None when
    there is no grouping or no two rounds to compare."""
    return _impact(context.state_token(), grouping)


def show_impact(lang: str, key: str, grouping: str | None = None) -> None:
    """The impact section: chart, one plain sentence per row, what the figures cannot show, the table."""
    fw = context.framework()
    name, table = impact_table(grouping)
    st.subheader(t("impact.title", lang))
    if table is None or table.empty:
        st.info(t("impact.none", lang))
        return
    st.caption(t("impact.grouping", lang, name=markdown_escape(name)) + " · "
               + t("impact.intro", lang, baseline=int(table["baseline"].iloc[0]),
                   followup=int(table["followup"].iloc[0])))
    areas = area_names(lang)
    labels = charts.impact_labels(table, fmt.dimension_names(fw, lang), areas, lang)
    readings = [impact_lib.reading(row, fw, lang, areas) for _, row in table.iterrows()]
    st.plotly_chart(figures.shared(charts.impact_figure, table, labels, lang=lang), width="stretch",
                    key=f"{key}_impact_chart", alt=t("impact.chart.alt", lang, items="; ".join(readings)),
                    config={"displayModeBar": False})
    st.markdown("\n".join(f"- {markdown_escape(r)}" for r in readings))
    st.info(t("impact.caveats", lang), icon=":material/info:")
    label = t("impact.col.interval", lang) + " · " + t("impact.col.difference", lang)
    with st.expander(label, key=f"{key}_impact_open", on_change="rerun") as box:
        if box.open:  # made and sent only when opened (a lighter first paint)
            shown = impact_lib.display_table(table, fw, lang, areas)
            st.dataframe(fmt.styled(shown, lang), hide_index=True, key=f"{key}_impact_table")


def village_plans(village: str, lang: str) -> None:
    """The strategies and actions ``village`` takes part in (the village card)."""
    store, fw = context.store(), context.framework()
    strategies, actions = plans.village_plans(village, store.strategies.table(), store.strategies.actions())
    st.subheader(t("strategy.village_title", lang))
    if strategies.empty and actions.empty:
        st.caption(t("strategy.village_none", lang))
        return
    themes = {th.id: text(th.name, lang) for th in fw.themes}
    for r in strategies.itertuples():
        st.markdown("- " + t("strategy.village_strategy", lang, name=markdown_escape(r.name), group=r.group,
                             theme=markdown_escape(themes.get(r.theme, r.theme or "–"))))
    if len(actions):
        st.dataframe(action_table(actions, lang, with_strategy=True), hide_index=True, key="village_plans_actions")


def action_table(actions: pd.DataFrame, lang: str, *, with_strategy: bool = False) -> pd.DataFrame:
    """Actions for a table on screen: title, time, status, experiment, villages, learnt (and strategy)."""
    def dates(r: pd.Series) -> str:
        return f"{fmt.date(r['starts_on'], lang) if r['starts_on'] else '–'} – " \
               f"{fmt.date(r['ends_on'], lang) if r['ends_on'] else '–'}"

    columns = {
        "title": actions["title"],
        "dates": [dates(r) for _, r in actions.iterrows()],
        "status": actions["status"].map(lambda s: t(f"strategy.status.{s}", lang)),
        "experiment": actions["experiment"].map(lambda e: t("strategy.action.experiment_yes", lang) if e else ""),
        "villages": actions["villages"].map(", ".join),
        "learnt": actions["learnt"],
    }
    if with_strategy:
        columns = {"strategy": actions["strategy"], **columns}
    return pd.DataFrame({t(f"strategy.col.{k}", lang): v for k, v in columns.items()}).reset_index(drop=True)
