"""Hankkeen tavoitteet: the sub-projects' quantitative goals, done versus target, and what was recorded."""

from datetime import date

import streamlit as st

from indicator import goals as project_goals
from indicator import strategies as plans
from indicator.charts import progress as charts
from indicator.charts import seminar as seminar_charts
from indicator.errors import IndicatorError
from indicator.i18n import t
from ui import context, figures
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed()

lang, store = context.lang(), context.store()


@st.cache_resource(show_spinner=False)
def load_goals() -> project_goals.Goals:
    """``data/goals.toml``, loaded and validated once per process."""
    return project_goals.load()


goals = load_goals()
goal_names, project_names = project_goals.names(goals, lang)

st.title(t("goals.title", lang))
st.markdown(t("goals.intro", lang))
activities = store.activities.table()
table = project_goals.goal_progress(goals, plans.recorded(store, goals, context.registry()))

with st.container(horizontal=True, key="goals_kpis"):
    for row in project_goals.summary(table).itertuples():
        st.metric(
            project_names[row.project],
            f"{row.reached} / {row.goals}",
            border=True,
            width="stretch",
            help=t(
                "goals.summary",
                lang,
                project=project_names[row.project],
                reached=row.reached,
                goals=row.goals,
            ),
        )

fig = figures.shared(charts.goals_figure, table, goal_names, project_names, lang=lang)
st.plotly_chart(fig, width="stretch", alt=project_goals.alt_text(table, goals, lang), key="goals_chart",
                config={"displayModeBar": False})

with st.expander(t("goals.table", lang)):
    st.dataframe(project_goals.progress_frame(table, goals, lang), hide_index=True, key="goals_table")

st.subheader(t("goals.records", lang))
if activities.empty:
    st.caption(t("goals.records.none", lang))
else:
    st.dataframe(project_goals.records_frame(activities, goals, lang), hide_index=True, key="goals_records")

st.subheader(t("goals.record.title", lang))
if not context.is_coordinator():
    st.caption(t("goals.record.public", lang))
    st.stop()

grouping = seminar_charts.latest_grouping(store)
group_options = seminar_charts.group_labels(grouping) if grouping is not None else []
with st.form("goals_record", clear_on_submit=True):
    when = st.date_input(t("goals.record.date", lang), value=date.today(), format="DD.MM.YYYY")
    goal = st.selectbox(t("goals.record.goal", lang), project_goals.recordable(goals), format_func=goal_names.get)
    project = st.selectbox(
        t("goals.record.project", lang),
        [*[p.id for p in goals.projects], project_goals.JOINT],
        format_func=project_names.get,
    )
    what = st.text_input(t("goals.record.what", lang), max_chars=500)
    groups = st.multiselect(t("goals.record.groups", lang), group_options,
                            placeholder=t("common.choose_options", lang))
    villages = st.multiselect(t("goals.record.villages", lang), sorted(context.registry()["village"]),
                              placeholder=t("common.choose_options", lang))
    note = st.text_area(t("goals.record.note", lang), max_chars=2000)
    submitted = st.form_submit_button(t("goals.record.submit", lang), type="primary")
if submitted:
    try:
        project_goals.check_activity(goals, goal=goal, project=project, when=when, what=what)
        store.activities.add(
            goal,
            what.strip(),
            when,
            area=None if project == project_goals.JOINT else project,
            groups=groups,
            villages=villages,
            note=note.strip() or None,
            actor="coordinator",
        )
    except IndicatorError as err:
        st.error(fmt.plain(err.localized(lang)))
    else:
        st.session_state["goals_saved"] = True
        st.rerun()
if st.session_state.pop("goals_saved", False):
    st.success(t("goals.record.saved", lang))

if not activities.empty:
    with st.expander(t("goals.delete.title", lang), icon=":material/delete:"):
        labels = {
            int(r.id): f"{fmt.date(r.done_on, lang)} · {goal_names.get(r.goal_id, r.goal_id)} · {r.title}"
            for r in activities.itertuples()
        }
        chosen = st.selectbox(
            t("goals.delete.which", lang), list(labels), format_func=labels.get, key="goals_delete_id"
        )
        if st.button(t("goals.delete.submit", lang), key="goals_delete"):
            store.activities.delete(chosen, actor="coordinator")
            st.rerun()
