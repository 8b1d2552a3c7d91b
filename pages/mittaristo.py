"""Mittaristo: the framework as a sunburst and a table; for coordinators a weight sandbox (rank shifts
against the nominal weights, savable weight sets) and the statistical audit of the round."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from indicator import weights as wt
from indicator.charts.framework import rank_shift_chart, sunburst_chart
from indicator.errors import IndicatorError
from indicator.framework import text
from indicator.i18n import t
from indicator.report import markdown_escape
from indicator.xlsxsafe import people_and_machines, xlsx_bytes
from ui import context, figures, filters, survey_views
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed()

ITEMS_TOGGLE, SET_KEY, NAME_KEY = "framework_items_toggle", "framework_set", "framework_set_name"


def slider_key(ident: str) -> str:
    return f"framework_w_{ident}"


def readable_table(fw, lang: str) -> pd.DataFrame:
    """The framework table with translated headers, types and directions; effective weight in %."""
    table = wt.framework_table(fw, lang)
    table["type"] = table["type"].map(lambda k: t(f"framework.type_{k}", lang))
    table["direction"] = table["direction"].map(lambda d: t(f"framework.direction_{d}", lang))
    table["effective_weight"] = 100 * table["effective_weight"]
    return table.rename(columns={c: t(f"framework.col_{k}", lang) for c, k in (
        ("dimension", "dimension"), ("item", "item"), ("text", "text"), ("type", "type"), ("weight", "weight"),
        ("effective_weight", "effective"), ("lower", "lower"), ("target", "target"), ("direction", "direction"))})


def overview(fw, lang: str) -> None:
    eff = wt.effective_weights(fw).sort_values(["effective", "item"], ascending=[True, False])
    st.subheader(t("framework.tree", lang))
    st.plotly_chart(figures.shared(sunburst_chart, fw, lang), width="stretch", key="framework_sunburst",
                    config={"displayModeBar": False},
                    alt=t("framework.sunburst_alt", lang, dims=len(fw.dimensions), items=len(fw.items)))
    st.caption(t("framework.summary", lang, dims=len(fw.dimensions), items=len(fw.items),
                 top=eff["item"].iloc[-1], top_w=fmt.number(100 * eff["effective"].iloc[-1], lang),
                 low=eff["item"].iloc[0], low_w=fmt.number(100 * eff["effective"].iloc[0], lang)))
    st.subheader(t("framework.table", lang))
    table = readable_table(fw, lang)
    st.dataframe(fmt.styled(table, lang, decimals={t("framework.col_weight", lang): 2,
                                                   t("framework.col_effective", lang): 2}), hide_index=True, placeholder="–")
    st.download_button(t("framework.download_table", lang), lambda: xlsx_bytes(people_and_machines(
                           {"framework": table}, t("common.sheet_full", lang, name="{name}"))),
                       file_name=f"{fw.id}_{fw.version}.xlsx", icon=":material/table:", key="framework_xlsx",
                       on_click="ignore",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def load_controls(fw, lang: str, store) -> None:
    """Saved weight sets: pick one and load it into the sliders; or reset to the nominal weights."""
    saved = store.documents.table(wt.WEIGHT_SET_KIND)
    sets = {row.name: row.payload for row in saved.itertuples()}
    with st.container(horizontal=True, vertical_alignment="bottom"):
        name = st.selectbox(t("framework.load_set", lang), ["", *sets], key=SET_KEY,
                            format_func=lambda n: n or t("framework.load_none", lang))
        if st.button(t("framework.load", lang), key="framework.load", disabled=not name):
            for ident, value in wt.saved_weights(sets[name], fw).items():
                st.session_state[slider_key(ident)] = float(value)
            st.session_state[ITEMS_TOGGLE] = wt.has_item_weights((sets[name] or {}).get("weights", {}), fw)
            st.toast(t("framework.loaded", lang, name=markdown_escape(name)))
            st.rerun()
        if st.button(t("framework.reset", lang), key="framework.reset"):
            for ident, value in wt.nominal_weights(fw).items():
                st.session_state[slider_key(ident)] = float(value)
            st.rerun()


WEIGHT_STEPS = tuple(round(0.1 * k, 1) for k in range(31))  # 0,0 … 3,0 in steps of 0,1


def weight_slider(label: str, key: str, lang: str) -> float:
    """A weight from 0 to 3 in steps of 0.1 shown with the locale's decimal mark.

    ``st.slider`` formats its value with a printf pattern (``format="%.1f"``), which has no decimal comma;
    ``st.select_slider`` shows each step through ``format_func``, so it reads "1,5" in Finnish and Swedish.
    A loaded weight between the steps is kept as an option of its own."""
    current = float(st.session_state[key])
    options = sorted({*WEIGHT_STEPS, current})
    return float(st.select_slider(label, options, key=key, format_func=lambda v: fmt.number(v, lang, 1)))


def sliders(fw, lang: str) -> dict[str, float]:
    """Dimension sliders (and item sliders when asked); returns the full weight set."""
    st.markdown(f"**{t('framework.dimension_weights', lang)}**")
    values: dict[str, float] = {}
    cols = st.columns(2)
    for n, dim in enumerate(fw.dimensions):
        st.session_state.setdefault(slider_key(dim.id), float(dim.weight))
        with cols[n % 2]:
            values[dim.id] = weight_slider(text(dim.name, lang), slider_key(dim.id), lang)
    if st.toggle(t("framework.item_weights", lang), key=ITEMS_TOGGLE):
        for dim in fw.dimensions:
            with st.expander(text(dim.name, lang)):
                for item in fw.items_of(dim.id):
                    st.session_state.setdefault(slider_key(item.id), float(item.weight))
                    values[item.id] = weight_slider(f"{item.id}: {text(item.text, lang)}", slider_key(item.id), lang)
    return values


@st.cache_data(max_entries=32, show_spinner=False)
def sandbox_changes(token: str, round_: int, changed: tuple[tuple[str, float], ...]) -> pd.DataFrame:
    """Rank changes of a round under a weight set against the nominal weights (cached per data state)."""
    return wt.compare(context.responses(), context.scores().table, context.framework(), dict(changed), round_)


def changes_view(changes: pd.DataFrame, lang: str) -> None:
    summary = wt.shift_summary(changes)
    st.markdown(t("framework.changes_summary", lang, moved=summary.moved, n=summary.ranked, largest=summary.largest))
    left, right = st.columns([2, 3]) if summary.moved else (None, st.container())
    if left is not None:
        with left:
            st.plotly_chart(rank_shift_chart(wt.moved(changes), lang), width="stretch", config={"displayModeBar": False},
                            key="framework_shift_chart", alt=t("framework.shift_alt", lang))
    with right:
        show(changes, {"village": "village", "index_nominal": "index_nominal", "rank_nominal": "rank_nominal",
                       "index_new": "index_new", "rank_new": "rank_new", "shift": "shift"}, lang)


def save_controls(fw, lang: str, store, changed: Mapping[str, float]) -> None:
    with st.form("framework_save_form", border=False), st.container(horizontal=True, vertical_alignment="bottom"):
        name = st.text_input(t("framework.save_name", lang), key=NAME_KEY, max_chars=80)
        submitted = st.form_submit_button(t("framework.save", lang), icon=":material/save:")
    if submitted:
        if not name.strip():
            st.warning(t("framework.save_needs_name", lang))
            return
        try:
            store.documents.save(wt.WEIGHT_SET_KIND, name.strip(), {"framework": fw.id, "weights": dict(changed)},
                                actor="coordinator")
            st.success(t("framework.saved", lang, name=markdown_escape(name.strip())))
        except IndicatorError as err:
            st.error(fmt.plain(err.localized(lang)))


def sandbox(fw, lang: str, round_: int) -> None:
    st.header(t("framework.sandbox", lang), anchor=False)
    st.caption(t("framework.sandbox_intro", lang, round=round_))
    store = context.store()
    load_controls(fw, lang, store)
    try:
        changed = wt.changed_only(wt.check_weights(sliders(fw, lang), fw), fw)
    except IndicatorError as err:
        st.error(fmt.plain(err.localized(lang)))
        return
    if not changed:
        st.info(t("framework.nothing_changed", lang))
    else:
        changes_view(sandbox_changes(context.state_token(), round_, tuple(sorted(changed.items()))), lang)
    save_controls(fw, lang, store, changed)


@st.cache_data(max_entries=8, show_spinner=False)
def audit_tables(token: str, round_: int) -> dict[str, pd.DataFrame]:
    from indicator.audit import audit

    result = audit(context.scores(), context.framework(), round=round_)
    return {"dimensions": result.dimensions, "items": result.items, "collinear": result.collinear,
            "villages": pd.DataFrame({"n": [len(result.villages)]})}


def show(frame: pd.DataFrame, columns: Mapping[str, str], lang: str, two_decimals: tuple[str, ...] = ()) -> None:
    """A table of ``frame``'s ``columns`` (source -> ``framework_col_<key>`` header), locale-formatted."""
    header = {c: t(f"framework.col_{k}", lang) for c, k in columns.items()}
    out = frame[list(columns)].rename(columns=header)
    decimals = {header[c]: 2 for c in two_decimals}
    st.dataframe(fmt.styled(out, lang, decimals=decimals), hide_index=True, placeholder="–")


def audit_view(fw, lang: str, round_: int) -> None:
    st.header(t("framework.audit", lang), anchor=False)
    tables = audit_tables(context.state_token(), round_)
    st.caption(t("framework.audit_intro", lang, round=round_, villages=int(tables["villages"]["n"].iloc[0])))
    yes_no = {True: t("framework.yes", lang), False: t("framework.no", lang)}
    numbers = ["alpha", "mean_r", "pc1_share", "availability", "skew", "kurtosis", "r"]

    def prepared(frame: pd.DataFrame) -> pd.DataFrame:
        out = frame.assign(**{c: frame[c].astype(float) for c in numbers if c in frame})
        if "dimension" in out:
            out["dimension"] = out["dimension"].map(lambda d: text(fw.dimension(d).name, lang))
        return out

    st.subheader(t("framework.audit_dimensions", lang))
    show(prepared(tables["dimensions"]), {"dimension": "dimension", "items": "items", "villages": "villages",
                                          "alpha": "alpha", "mean_r": "mean_r", "pc1_share": "pc1",
                                          "collinear_pairs": "collinear"}, lang, ("alpha", "mean_r", "pc1_share"))
    items = prepared(tables["items"])
    st.subheader(t("framework.audit_items", lang))
    st.caption(t("framework.audit_flags_summary", lang, low=int(items["low_availability"].fillna(False).sum()),
                 outliers=int(items["outlier"].fillna(False).sum())))
    items = items.assign(text=items["item"].map(lambda i: text(fw.item(i).text, lang)),
                         availability=100 * items["availability"],
                         low_availability=items["low_availability"].map(yes_no.get),
                         outlier=items["outlier"].map(yes_no.get))
    show(items, {"item": "item", "text": "text", "availability": "availability",
                 "low_availability": "low_availability", "outlier": "outlier", "skew": "skew",
                 "kurtosis": "kurtosis"}, lang)
    st.subheader(t("framework.audit_collinear", lang))
    if tables["collinear"].empty:
        st.caption(t("framework.audit_no_collinear", lang))
    else:
        show(prepared(tables["collinear"]), {"dimension": "dimension", "item_a": "item_a", "item_b": "item_b",
                                             "r": "r"}, lang, ("r",))


def main() -> None:
    lang, fw = context.lang(), context.framework()
    st.title(t("framework.title", lang))
    st.caption(t("framework.intro", lang, name=text(fw.name, lang), version=fw.version,
                 baseline_year=fw.baseline_year, target_year=fw.target_year))
    overview(fw, lang)
    st.divider()
    survey_views.kit(fw, lang)
    if not context.is_coordinator():
        st.caption(t("framework.coordinator_only", lang))
        return
    table = context.scores_table()
    round_ = filters.selected_round(table)
    if not wt.enough_ranked(table, round_):
        st.info(t("framework.no_scores", lang))
        return
    st.divider()
    sandbox(fw, lang, round_)
    st.divider()
    audit_view(fw, lang, round_)


main()
