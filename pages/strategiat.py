"""Strategiat (coordinators): per saved theme group its Smart Village strategy, the actions on a timeline, edit
forms, the villages' scores before and after each action, the groups' measured impact and the final report."""

from datetime import date

import pandas as pd
import streamlit as st

from indicator import strategies as plans
from indicator.charts import strategies as charts
from indicator.errors import IndicatorError
from indicator.framework import text
from indicator.i18n import t
from indicator.report import markdown_escape
from ui import context, strategy_views
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed(coordinator=True)
lang, fw, store = context.lang(), context.framework(), context.store()
dim_names = fmt.dimension_names(fw, lang)
item_names = {i.id: f"{i.id} · {text(i.text, lang)}" for i in fw.items}
theme_names = {th.id: text(th.name, lang) for th in fw.themes}
areas = strategy_views.area_names(lang)
STATUSES = list(plans.STATUSES)


def stored(action, *args, **kwargs) -> bool:
    """Run one store change; show the error in the user's language and return False when it is refused."""
    try:
        action(*args, **kwargs)
    except IndicatorError as err:
        st.error(err.localized(lang))
        return False
    return True


def strategy_form(key: str, grouping: str, group: pd.Series, current: pd.Series | None) -> None:
    """Write or edit the strategy of one group."""
    with st.form(f"strategy_form_{key}"):
        name = st.text_input(t("strategy.name", lang), value=current["name"] if current is not None else "",
                             max_chars=500)
        vision = st.text_area(t("strategy.vision", lang), value=current["vision"] if current is not None else "",
                              max_chars=3000)
        default_dims = list(current["dimensions"]) if current is not None else [
            d.id for d in fw.dimensions if group["theme"] and d.theme == group["theme"]]
        dims = st.multiselect(t("strategy.dimensions", lang), list(fw.dimension_ids), default=default_dims,
                              format_func=dim_names.get, placeholder=t("common.choose_options", lang))
        items = st.multiselect(t("strategy.items", lang), list(fw.item_ids),
                               default=list(current["items"]) if current is not None else [],
                               format_func=item_names.get, placeholder=t("common.choose_options", lang))
        if not st.form_submit_button(t("strategy.save", lang), type="primary"):
            return
    try:
        plans.check_strategy(fw, name=name, dimensions=dims, items=items)
    except IndicatorError as err:
        st.error(err.localized(lang))
        return
    if stored(store.strategies.save, grouping=grouping, area=group["area"], group=int(group["group"]),
              theme=group["theme"], name=name, vision=vision, dimensions=dims, items=items,
              villages=group["villages"], actor="coordinator"):
        st.session_state["strategy_saved"] = True
        st.rerun()


def action_form(key: str, strategy: pd.Series, group: pd.Series, current: pd.Series | None) -> None:
    """Add an action to a strategy, or edit one (``current``)."""
    with st.form(f"strategy_action_{key}", clear_on_submit=current is None):
        title = st.text_input(t("strategy.action.title", lang), max_chars=500,
                              value=current["title"] if current is not None else "")
        description = st.text_area(t("strategy.action.description", lang), max_chars=3000,
                                   value=current["description"] if current is not None else "")
        villages = st.multiselect(t("strategy.action.villages", lang), group["villages"],
                                  default=[v for v in (current["villages"] if current is not None else group["villages"])
                                           if v in group["villages"]], placeholder=t("common.choose_options", lang))
        items = st.multiselect(t("strategy.action.items", lang), list(fw.item_ids), format_func=item_names.get,
                               default=list(current["items"] if current is not None else strategy["items"]),
                               placeholder=t("common.choose_options", lang))
        left, right = st.columns(2)
        starts_on = left.date_input(t("strategy.action.starts_on", lang), format="DD.MM.YYYY",
                                    value=current["starts_on"] if current is not None else date.today())
        ends_on = right.date_input(t("strategy.action.ends_on", lang), format="DD.MM.YYYY",
                                   value=current["ends_on"] if current is not None else None)
        status = left.selectbox(t("strategy.action.status", lang), STATUSES,
                                index=STATUSES.index(current["status"]) if current is not None else 0,
                                format_func=lambda s: t(f"strategy.status.{s}", lang))
        experiment = right.checkbox(t("strategy.action.experiment", lang),
                                    value=bool(current["experiment"]) if current is not None else False)
        learnt = st.text_area(t("strategy.action.learnt", lang), max_chars=3000,
                              value=current["learnt"] if current is not None else "")
        if not st.form_submit_button(t("strategy.action.save", lang), type="primary"):
            return
    fields = {"title": title, "villages": villages, "items": items, "starts_on": starts_on, "ends_on": ends_on,
              "status": status}
    try:
        plans.check_action(fw, group["villages"], **fields)
    except IndicatorError as err:
        st.error(err.localized(lang))
        return
    extra = {"description": description, "experiment": experiment, "learnt": learnt, "actor": "coordinator"}
    if current is None:
        ok = stored(store.strategies.add_action, int(strategy["id"]), **fields, **extra)
    else:
        ok = stored(store.strategies.update_action, int(current["id"]), **fields, **extra)
    if ok:
        st.session_state["strategy_saved"] = True
        st.rerun()


def before_after(action: pd.Series, strategy: pd.Series) -> None:
    """The participating villages' scores of the action's target items before and after it."""
    villages = action["villages"] or strategy["villages"]
    items = action["items"] or strategy["items"]
    st.markdown(f"**{t('strategy.before_after', lang)}**", help=t("strategy.before_after_help", lang))
    if not villages or not items:
        st.caption(t("strategy.before_after_none", lang))
        return
    table = plans.before_after(context.scores(), villages, items, action["starts_on"])
    shown = table.assign(item=table["item"].map(item_names),
                         before_round=table["before_round"].astype(str).replace("<NA>", "–"),
                         after_round=table["after_round"].astype(str).replace("<NA>", "–"))
    shown = shown.rename(columns={c: t(f"strategy.col.{c}", lang) for c in shown.columns})
    st.dataframe(fmt.styled(shown, lang), hide_index=True, placeholder="–", key=f"strategy_ba_{action['id']}")


def actions_section(key: str, strategy: pd.Series, group: pd.Series, actions: pd.DataFrame) -> None:
    st.markdown(f"#### {t('strategy.actions', lang)}")
    if actions.empty:
        st.caption(t("strategy.no_actions", lang))
    else:
        st.plotly_chart(charts.timeline_figure(actions, lang=lang, today=date.today()), width="stretch",
                        key=f"strategy_timeline_{key}", alt=charts.timeline_alt(actions, lang),
                        config={"displayModeBar": False})
        st.dataframe(strategy_views.action_table(actions, lang), hide_index=True, key=f"strategy_actions_{key}")
        for _, action in actions.iterrows():
            label = f"{markdown_escape(action['title'])} · {t('strategy.status.' + action['status'], lang)}"
            with st.expander(label):
                if action["description"]:
                    st.markdown(markdown_escape(action["description"]))
                before_after(action, strategy)
                st.markdown(f"**{t('strategy.edit_action', lang)}**")
                action_form(f"{key}_{action['id']}", strategy, group, action)
                if st.button(t("strategy.action.delete", lang), key=f"strategy_delete_action_{action['id']}"):
                    store.strategies.delete_action(int(action["id"]), actor="coordinator")
                    st.rerun()
    with st.expander(t("strategy.add_action", lang), icon=":material/add:"):
        action_form(f"{key}_new", strategy, group, None)


def group_section(grouping: str, group: pd.Series, strategies: pd.DataFrame, actions: pd.DataFrame) -> None:
    key = f"{group['area']}_{group['group']}"
    theme = theme_names.get(group["theme"], group["theme"] or "–")
    with st.container(border=True):
        st.subheader(t("strategy.group_title", lang, area=areas.get(group["area"], group["area"]),
                       group=group["group"], theme=theme), anchor=False)
        st.caption(t("strategy.villages", lang, villages=markdown_escape(", ".join(group["villages"]))))
        mine = strategies[(strategies["grouping"] == grouping) & (strategies["area"] == group["area"])
                          & (strategies["group"] == int(group["group"]))]
        current = mine.iloc[0] if len(mine) else None
        if current is None:
            st.info(t("strategy.none_yet", lang))
        else:
            st.markdown(f"### {markdown_escape(current['name'])}")
            if current["vision"]:
                st.markdown(markdown_escape(current["vision"]))
            targets = [dim_names.get(d, d) for d in current["dimensions"]] + list(current["items"])
            if targets:
                st.caption(t("strategy.targets", lang, targets=markdown_escape(", ".join(targets))))
        with st.expander(t("strategy.edit" if current is not None else "strategy.write", lang), icon=":material/edit:"):
            strategy_form(key, grouping, group, current)
            if current is not None and st.button(t("strategy.delete", lang), key=f"strategy_delete_{key}"):
                store.strategies.delete(int(current["id"]), actor="coordinator")
                st.rerun()
        if current is not None:
            actions_section(key, current, group, actions[actions["strategy_id"] == current["id"]])


def report_button() -> None:
    """Make the final report on request (charts take a few seconds), then offer it for download."""
    from indicator import final_report

    st.subheader(t("strategy.report", lang), help=t("strategy.report_help", lang))
    if st.button(t("strategy.report_make", lang), key="strategy_report_make", icon=":material/description:"):
        with st.spinner(t("strategy.report_make", lang)):
            st.session_state["strategy_report"] = final_report.build(store, fw, lang=lang,
                                                                      registry=context.registry())
    if st.session_state.get("strategy_report"):
        st.download_button(t("strategy.report_download", lang), st.session_state["strategy_report"],
                           file_name="loppuraportti.docx", key="strategy_report_download", icon=":material/download:",
                           on_click="ignore",
                           mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


st.title(t("strategy.title", lang))
st.markdown(t("strategy.intro", lang))
if st.session_state.pop("strategy_saved", False):
    st.success(t("strategy.saved", lang))
groupings = plans.saved_groupings(store)
if not groupings:
    st.info(t("strategy.no_grouping", lang))
    report_button()
    st.stop()
names = list(groupings)
chosen = names[0] if len(names) == 1 else st.selectbox(t("strategy.grouping", lang), names, key="strategy_grouping")
all_strategies, all_actions = store.strategies.table(), store.strategies.actions()
for _, group in plans.group_table(groupings[chosen]).iterrows():
    group_section(chosen, group, all_strategies, all_actions)
strategy_views.show_impact(lang, "strategy", chosen)
report_button()
