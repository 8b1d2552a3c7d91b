"""Seminaari: a projector screen of rotating slides with live data and a QR code for the poll.

Open as ``/seminaari?embed=true``. URL parameters: ``every`` (seconds per slide, default 15),
``slide`` (pin one of progress, bands, groups, goals, impact, participation), ``poll_url`` (the address the QR
code leads to; default: the poll page on this server), ``poll_round`` and ``items`` (passed to the poll).
"""

import textwrap
import time
from datetime import date, datetime

import pandas as pd
import streamlit as st

from indicator import goals as project_goals
from indicator import impact as impact_lib
from indicator import poll, qr
from indicator import strategies as plans
from indicator.charts import progress as progress_charts
from indicator.charts import seminar as charts
from indicator.charts import strategies as strategy_charts
from indicator.errors import IndicatorError
from indicator.framework import text
from indicator.i18n import t
from indicator.progress import Level, progress
from indicator.scoring import band_counts
from ui import addresses, context, filters, strategy_views
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed()

lang, fw = context.lang(), context.framework()
params = st.query_params
every = charts.parse_every(params.get("every"))
pinned = params.get("slide") if params.get("slide") in charts.SLIDES else None
poll_round = poll.parse_round(params.get("poll_round")) or date.today().year
poll_items = poll.parse_item_list(params.get("items"))
FONT = charts.FONT_SIZE


@st.cache_resource(show_spinner=False)
def load_goals() -> project_goals.Goals:
    return project_goals.load()


def poll_address() -> str | None:
    """The QR code's target: this app's own poll page (``?poll_url=`` only when it is that page, at the
    configured public address or where this screen was opened: ``ui.addresses``), else None."""
    try:
        bases = addresses.own_addresses()
        if params.get("poll_url"):
            return qr.own_poll_url(params["poll_url"], bases)
        extra = {
            "poll_round": str(poll_round),
            "items": ",".join(poll_items),
            "lang": lang if lang != "fi" else "",
        }
        return qr.poll_url(bases[0] if bases else "", "kysely", extra)
    except IndicatorError:
        return None


def chart(fig, alt: str, key: str) -> None:
    st.plotly_chart(
        fig,
        width="stretch",
        alt=alt,
        key=key,
        theme=None,
        config={"displayModeBar": False, "staticPlot": True},
    )


@st.cache_data(max_entries=4, show_spinner=False)
def progress_table(token: str) -> pd.DataFrame:
    """Progress of every level for the database state ``token`` (the screen refreshes every few seconds)."""
    return progress(context.scores_table(), context.framework(), registry=context.registry())


def slide_progress(scores: pd.DataFrame) -> None:
    st.markdown(f"# {t('seminar.title.progress', lang, year=fw.target_year)}")
    table = progress_table(context.state_token())
    province = table[table["level"] == Level.PROVINCE]
    row = province[province["measure"] == "index"].iloc[0]
    series = progress_charts.measure_series(
        progress_charts.level_history(scores, None, Level.PROVINCE, fw), row["village"], "index"
    )
    label = progress_charts.measure_label("index", fw, lang)
    villages = table[table["level"] == Level.VILLAGE]
    on, total = progress_charts.on_path_count(villages)
    latest = t("seminar.progress.latest", lang, label=label, round=int(row["last_round"]),
               score=fmt.number(row["last_score"], lang, 1)) if pd.notna(row["last_score"]) else ""
    st.markdown(
        f"## {latest + ' · ' if latest else ''}{progress_charts.status_label(row['status'], lang)} · "
        f"{t('progress.summary.village', lang, on=on, total=total)}"
    )
    fig = progress_charts.progress_figure(series, row, fw.target_year, title="", lang=lang, font_size=FONT)
    chart(
        fig.update_layout(height=700),
        progress_charts.alt_text(row, label, fw.target_year, lang),
        "seminar_fig",
    )


def slide_bands(scores: pd.DataFrame) -> None:
    latest = int(scores["round"].max())
    counts = band_counts(scores[scores["round"] == latest], [b.id for b in fw.bands])
    st.markdown(f"# {t('seminar.title.bands', lang, round=latest)}")
    names = charts.band_names(fw, lang)
    alt = t("seminar.bands.alt", lang, items=charts.pairs(map(names.get, counts.index), counts.to_numpy()))
    chart(charts.bands_figure(counts, fw, lang=lang).update_layout(height=720), alt, "seminar_fig")


def slide_groups(_scores: pd.DataFrame) -> None:
    st.markdown(f"# {t('seminar.title.groups', lang)}")
    grouping = charts.latest_grouping(context.store())
    if grouping is None:
        grouping = context.proposed_grouping()
        if grouping is None:
            st.markdown(f"## {t('seminar.groups.none', lang)}")
            return
        st.markdown(f"### {t('seminar.groups.proposal', lang)}")
    themes = {th.id: text(th.name, lang) for th in fw.themes}
    areas = filters.area_names(lang)
    table = charts.groups_table(grouping, themes, areas)
    headers = [t(f"seminar.groups.col.{c}", lang) for c in ("area", "group", "theme", "villages")]
    alt = t(
        "seminar.groups.alt",
        lang,
        items=charts.pairs((f"{r.area} {r.group} {r.theme}" for r in table.itertuples()), table["villages"]),
    )
    chart(charts.groups_figure(table, headers), alt, "seminar_fig")


def slide_goals(_scores: pd.DataFrame) -> None:
    st.markdown(f"# {t('seminar.title.goals', lang)}")
    goals = load_goals()
    table = project_goals.goal_progress(goals, plans.recorded(context.store(), goals, context.registry()))
    names = {g.id: text(g.name, lang) for g in goals.goals}
    projects = {p.id: text(p.name, lang) for p in goals.projects}
    line = " · ".join(
        t(
            "goals.summary",
            lang,
            project=t(f"common.area_{r.project}", lang),
            reached=r.reached,
            goals=r.goals,
        )
        for r in project_goals.summary(table).itertuples()
    )
    st.markdown(f"### {line}")
    short = {k: textwrap.shorten(v, 100, placeholder=" …") for k, v in names.items()}  # wrapped, not cut
    fig = progress_charts.goals_figure(table, short, projects, lang=lang, font_size=FONT - 2)
    chart(fig.update_layout(height=780).update_xaxes(visible=False), line, "seminar_fig")


def slide_impact(_scores: pd.DataFrame) -> None:
    st.markdown(f"# {t('impact.slide_title', lang)}")
    _name, table = strategy_views.impact_table()
    if table is None or table.empty:
        st.markdown(f"## {t('impact.none', lang)}")
        return
    st.markdown(f"### {t('impact.intro', lang, baseline=int(table['baseline'].iloc[0]), followup=int(table['followup'].iloc[0]))}")
    areas = strategy_views.area_names(lang)
    shown = impact_lib.display_table(table, fw, lang, areas).drop(columns=t("impact.col.rounds", lang))
    alt = " ".join(impact_lib.reading(r, fw, lang, areas) for _, r in table.iterrows())
    chart(strategy_charts.impact_table_figure(shown, lang=lang, font_size=FONT), alt, "seminar_fig")
    st.markdown(f"### {t('impact.slide_note', lang)}")


def slide_participation(scores: pd.DataFrame) -> None:
    st.markdown(f"# {t('seminar.title.participation', lang)}")
    rounds = charts.participation(scores)
    for r in rounds.itertuples():
        st.markdown(
            f"### {t('seminar.survey.line', lang, round=r.round, respondents=r.respondents, villages=r.villages)}"
        )
    try:
        items = poll.choose_items(fw, poll_items)
    except IndicatorError as err:
        st.error(fmt.plain(err.localized(lang)))
        return
    summary = poll.summarise(context.store().poll.responses(poll_round), items)
    labels = {i.id: text(i.text, lang) for i in items}
    scale = [t(f"poll.likert.{v}", lang) for v in poll.SCALE]
    st.markdown(f"## {t('seminar.poll.title', lang)}")
    alt = t(
        "seminar.poll.alt", lang, items=charts.pairs(map(labels.get, summary["item"]), summary["answers"])
    )
    chart(
        charts.poll_figure(summary, labels, scale, lang=lang, font_size=FONT).update_layout(height=560),
        alt,
        "seminar_fig",
    )


SLIDE_DRAW = {
    "progress": slide_progress,
    "bands": slide_bands,
    "groups": slide_groups,
    "goals": slide_goals,
    "impact": slide_impact,
    "participation": slide_participation,
}


def side_panel(address: str | None) -> None:
    """The poll's QR code and its live count: on every slide."""
    st.markdown(f"## {t('seminar.poll.cta', lang)}")
    if address:
        st.image(qr.qr_png(address, box_size=10), width="stretch", caption=address)
    else:
        st.caption(t("seminar.poll.no_url", lang))
    count = poll.respondents(context.store().poll.responses(poll_round))
    with st.container(key="seminar_count"):
        st.markdown(f"## {t('seminar.poll.count', lang, n=count)}")


@st.fragment(run_every=min(every, 5))
def screen(address: str | None) -> None:
    """One refresh of the screen: the slide the clock points at, and the side panel."""
    slide = pinned or charts.slide_at(time.time(), every)
    scores = context.scores_table()
    main, side = st.columns([3, 1], gap="large")
    with main, st.container(key=f"seminar_slide_{slide}"):
        if scores.empty or scores["index"].notna().sum() == 0:
            st.markdown(f"# {t('seminar.no_data', lang)}")
        else:
            SLIDE_DRAW[slide](scores)
    with side:
        side_panel(address)
    n = charts.SLIDES.index(slide) + 1
    st.caption(
        t(
            "seminar.footer_pinned" if pinned else "seminar.footer",
            lang,
            n=n,
            total=len(charts.SLIDES),
            every=every,
            time=datetime.now().strftime("%H:%M:%S"),
        )
    )


screen(poll_address())
