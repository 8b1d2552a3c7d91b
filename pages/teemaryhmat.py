"""Teemaryhmät (coordinators): theme groups as cards, a PCA map, controls, save and xlsx download."""

import pandas as pd
import streamlit as st

from indicator.charts import groups as charts
from indicator.errors import IndicatorError
from indicator.framework import text
from indicator.grouping import BY_OPTIONS, make_groups
from indicator.grouping.workbook import workbook_bytes
from indicator.i18n import t
from ui import context, filters
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed(coordinator=True)
lang = context.lang()
fw = context.framework()
dims = list(fw.dimension_ids)
names = fmt.dimension_names(fw, lang)
table = context.scores_table()
chosen_round = filters.selected_round(table) if len(table) else None
scores = table[table["round"] == chosen_round].reset_index(drop=True) if chosen_round is not None else table


@st.cache_data(max_entries=16, show_spinner=False)
def grouping_for(token: str, round_: int | None, size: int, by: str, pins: tuple, together: tuple, apart: tuple):
    """The grouping of one round with these settings, per database state."""
    return make_groups(scores, fw, registry=context.registry(), size=size, by=by, pins=dict(pins),
                       together=together, apart=apart)


def parse_lines(raw: str, sep: str) -> list[tuple[str, str]]:
    """Lines ``a<sep>b`` as pairs; a line without the separator is reported and skipped."""
    pairs = []
    for line in filter(None, (ln.strip() for ln in raw.splitlines())):
        left, found, right = line.rpartition(sep)
        if not found or not left.strip() or not right.strip():
            st.warning(t("groups.bad_line", lang, line=line))
            continue
        pairs.append((left.strip(), right.strip()))
    return pairs


def card(area_summary: pd.Series, profile: pd.DataFrame, stability: pd.Series, single: bool) -> None:
    theme = text(fw.theme(area_summary["theme"]).name, lang) if area_summary["theme"] else "–"
    with st.container(border=True):
        st.subheader(t("groups.card_title", lang, group=area_summary["group"], theme=theme))
        st.markdown(fmt.plain(area_summary["villages"]))
        if area_summary["theme"]:
            st.caption(t("groups.need", lang, need=fmt.number(area_summary["need"], lang)))
        top = profile[profile["top"]].sort_values("rank")
        parts = [t("groups.profile_part", lang, dimension=names.get(r.dimension, r.dimension),
                   words=t(f"groups.level.{r.level}", lang), mean=fmt.number(r.group_mean, lang, 0),
                   area_mean=fmt.number(r.area_mean, lang, 0)) for r in top.itertuples()]
        st.write(t("groups.profile_single", lang) if single else t("groups.profile", lang, parts="; ".join(parts)))
        if stability["flag"]:
            st.warning(t("groups.unstable", lang, value=fmt.number(stability["ari"], lang, 2)))


st.title(t("groups.title", lang))
if scores.empty:
    st.info(t("groups.no_data", lang))
    st.stop()
left, right = st.columns(2)
size = int(left.number_input(t("groups.size", lang), 2, 20, 5, key="groups_size"))
st.markdown(t("groups.intro", lang, size=size))
by = right.radio(t("groups.by", lang), BY_OPTIONS, key="groups_by", horizontal=True,
                 format_func=lambda b: t(f"groups.by.{b}", lang))
with st.expander(t("groups.pins", lang)):
    pins = parse_lines(st.text_area(t("groups.pins", lang), key="groups_pins"), "=")
    together = parse_lines(st.text_area(t("groups.together", lang), key="groups_together"), ",")
    apart = parse_lines(st.text_area(t("groups.apart", lang), key="groups_apart"), ",")
try:
    pin_map = tuple((v, int(g)) for v, g in pins)
    grouping = grouping_for(context.state_token(), chosen_round, size, by, pin_map, tuple(together), tuple(apart))
except ValueError:
    st.error(t("groups.bad_line", lang, line=", ".join(g for _, g in pins)))
    st.stop()
except IndicatorError as err:
    st.error(fmt.plain(err.localized(lang)))
    st.stop()

if len(grouping.excluded):
    st.caption(t("groups.excluded", lang, names=", ".join(grouping.excluded["village"])))
for area in grouping.cost["area"]:
    st.header(t("groups.area", lang, area=filters.area_names(lang).get(area, area)))
    cost = grouping.cost.set_index("area").loc[area]
    st.caption(t(f"groups.method.{cost['method']}", lang))
    alt = grouping.alternative.set_index("area").loc[area]
    if alt["moved"]:
        st.caption(t("groups.alternative", lang, pct=fmt.number(alt["extra_pct"], lang, 1), moved=fmt.plain(alt["moved"])))
    summary = grouping.summary[grouping.summary["area"] == area]
    columns = st.columns(min(3, len(summary)))
    stab = grouping.stability[grouping.stability["area"] == area].set_index("group")
    prof = grouping.profiles[grouping.profiles["area"] == area]
    for n, row in enumerate(summary.itertuples(index=False)):
        with columns[n % len(columns)]:
            card(pd.Series(row._asdict()), prof[prof["group"] == row.group], stab.loc[row.group], len(summary) == 1)
    members = grouping.assignments[grouping.assignments["area"] == area]
    labels = {"x": "PC1", "y": "PC2", "group": t("groups.group", lang)}
    st.plotly_chart(charts.group_map(members, scores, dims, labels, lang), key=f"groups_map_{area}",
                    width="stretch", alt=t("groups.map_alt", lang))
    st.caption(t("groups.map", lang))


save_col, download_col = st.columns(2)
with save_col.form("groups_save_form"):
    name = st.text_input(t("groups.save_name", lang), key="groups_save_name")
    if st.form_submit_button(t("groups.save", lang)) and name.strip():
        payload = {"round": chosen_round, "size": size, "by": by,
                   "assignments": grouping.assignments[["village", "area", "group", "theme"]].to_dict("records")}
        context.store().documents.save("grouping", name.strip(), payload, actor="coordinator")
        st.success(t("groups.saved", lang, name=name.strip()))
download_col.download_button(t("groups.download", lang), workbook_bytes(grouping, fw, lang),
                             file_name="teemaryhmat.xlsx",
                             key="groups_download",
                             mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
