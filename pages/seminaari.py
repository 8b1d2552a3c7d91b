"""Seminaari: a projector screen of rotating slides with live data and a QR code for the poll.

Open as ``/seminaari?embed=true``. URL parameters: ``every`` (seconds per slide, default 15),
``slide`` (pin one of progress, bands, groups, goals, impact, participation), ``poll_url`` (the address the QR
code leads to; default: the poll page on this server), ``poll_round`` and ``items`` (passed to the poll).
"""

import textwrap
import time
from datetime import date

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
from indicator.report import markdown_escape
from indicator.scoring import band_counts
from ui import addresses, context, filters, screen, strategy_views
from ui import format as fmt
from ui.navigation import ensure_routed

ensure_routed()

lang, fw = context.lang(), context.framework()
params = st.query_params
every = charts.parse_every(params.get("every"))
pinned = params.get("slide") if params.get("slide") in charts.SLIDES else None
poll_round = poll.parse_round(params.get("poll_round")) or date.today().year
poll_items = poll.parse_item_list(params.get("items"))
with st.sidebar:  # collapsed on the projector: the window's size, so that a slide fills the screen
    layout = charts.SlideLayout.for_window(screen.size())
FONT = layout.font


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


def chart(fig, alt: str, key: str, *, stretch: bool = True) -> None:
    """A slide's figure, its last element: it takes the height the slide's texts leave (the slide is as tall
    as the window allows), or keeps its own height (a table sized to fit with ``fit_font``)."""
    stretch = stretch and not layout.narrow  # a phone scrolls: the figure keeps its own height
    st.plotly_chart(
        fig.update_layout(height=None) if stretch else fig,
        width="stretch",
        height="stretch" if stretch else "content",
        alt=alt,
        key=key,
        theme=None,
        config={"displayModeBar": False, "staticPlot": True},
    )


def say(text: str, level: int) -> tuple[str, int]:
    """Draw ``text`` as a heading sized for this screen; return it, to count the room it takes."""
    st.markdown(layout.heading(text, level))
    return text, level


@st.cache_data(max_entries=4, show_spinner=False)
def progress_table(token: str) -> pd.DataFrame:
    """Progress of every level for the database state ``token`` (the screen refreshes every few seconds)."""
    return progress(context.scores_table(), context.framework(), registry=context.registry())


def slide_progress(scores: pd.DataFrame) -> None:
    """The province's index (the headline figure: the same number and line as the overview and the progress
    page), its status read off that line, and how many villages are on their path."""
    say(t("seminar.title.progress", lang, year=fw.target_year), 1)
    table = progress_table(context.state_token())
    province = table[table["level"] == Level.PROVINCE]
    row = province[province["measure"] == "index"].iloc[0]
    series = progress_charts.measure_series(
        progress_charts.level_history(scores, None, Level.PROVINCE, fw), row["village"], "index"
    )
    label = progress_charts.measure_label("index", fw, lang)
    on, total = progress_charts.on_path_count(table[table["level"] == Level.VILLAGE])
    say(progress_charts.headline_text(row, label, lang), 2)
    pace = progress_charts.pace_text(row, lang)
    say(" · ".join(p for p in (pace, t("progress.summary.village", lang, on=on, total=total)) if p), 3)
    fig = progress_charts.progress_figure(series, row, fw.target_year, title="", lang=lang, font_size=FONT)
    chart(fig, progress_charts.alt_text(row, label, fw.target_year, lang), "seminar_fig")


def slide_bands(scores: pd.DataFrame) -> None:
    latest = int(scores["round"].max())
    counts = band_counts(scores[scores["round"] == latest], [b.id for b in fw.bands])
    say(t("seminar.title.bands", lang, round=latest), 1)
    names = charts.band_names(fw, lang)
    alt = t("seminar.bands.alt", lang, items=charts.pairs(map(names.get, counts.index), counts.to_numpy()))
    chart(charts.bands_figure(counts, fw, lang=lang, font_size=FONT), alt, "seminar_fig")


def slide_groups(_scores: pd.DataFrame) -> None:
    said = [say(t("seminar.title.groups", lang), 1)]
    grouping = charts.latest_grouping(context.store())
    if grouping is None:
        grouping = context.proposed_grouping()
        if grouping is None:
            say(t("seminar.groups.none", lang), 2)
            return
        said.append(say(t("seminar.groups.proposal", lang), 3))
    themes = {th.id: text(th.name, lang) for th in fw.themes}
    areas = filters.area_names(lang)
    table = charts.groups_table(grouping, themes, areas)
    headers = [t(f"seminar.groups.col.{c}", lang) for c in ("area", "group", "theme", "villages")]
    alt = t(
        "seminar.groups.alt",
        lang,
        items=charts.pairs((f"{r.area} {r.group} {r.theme}" for r in table.itertuples()), table["villages"]),
    )
    fig = charts.fit_font(lambda size: charts.groups_figure(table, headers, font_size=size,
                                                            width_chars=layout.chars(size)), layout.room(*said), FONT)
    chart(fig, alt, "seminar_fig", stretch=False)


def slide_goals(_scores: pd.DataFrame) -> None:
    """What the project has done toward its goals: the goals with something recorded, each sub-project's
    count against its target; the goals with nothing yet are named as coming, not drawn as "0 / 9"."""
    say(t("seminar.title.goals", lang), 1)
    goals = load_goals()
    table = project_goals.goal_progress(goals, plans.recorded(context.store(), goals, context.registry()))
    names, projects = project_goals.names(goals, lang)
    shown, coming = charts.goals_done(table)
    line = " · ".join(
        t("seminar.goals.summary", lang, project=t(f"common.area_{r.project}", lang), reached=r.reached,
          started=r.started)
        for r in charts.goals_summary(table).itertuples()
    )
    say(line, 3)
    if coming:  # above the figure: a slide's figure comes last and takes the height that is left
        say(t("seminar.goals.coming", lang, goals=", ".join(names[g] for g in coming)), 4)
    if shown.empty:
        say(t("seminar.goals.nothing_yet", lang), 2)
        return
    short = {k: textwrap.shorten(v, 100, placeholder=" …") for k, v in names.items()}  # wrapped, not cut
    fig = progress_charts.goals_figure(shown, short, projects, lang=lang, font_size=FONT - 2,
                                       coming=t("seminar.goals.coming_bar", lang))
    chart(fig.update_xaxes(visible=False), line, "seminar_fig")


def slide_impact(_scores: pd.DataFrame) -> None:
    said = [say(t("impact.slide_title", lang), 1)]
    _name, table = strategy_views.impact_table()
    if table is None or table.empty:
        say(t("impact.none", lang), 2)
        return
    rounds = {"baseline": int(table["baseline"].iloc[0]), "followup": int(table["followup"].iloc[0])}
    if layout.roomy:  # a 720-line projector keeps the table readable without the intro; the note stays
        said.append(say(t("impact.intro", lang, **rounds), 3))
    said.append(say(t("impact.slide_note", lang), 4))
    areas = strategy_views.area_names(lang)
    shown = impact_lib.display_table(table, fw, lang, areas).drop(columns=t("impact.col.rounds", lang))
    alt = " ".join(impact_lib.reading(r, fw, lang, areas) for _, r in table.iterrows())
    fig = charts.fit_font(lambda size: strategy_charts.impact_table_figure(
        shown, lang=lang, font_size=size, width_chars=layout.chars(size)), layout.room(*said), FONT)
    chart(fig, alt, "seminar_fig", stretch=False)


def slide_participation(scores: pd.DataFrame) -> None:
    say(t("seminar.title.participation", lang), 1)
    rounds = charts.participation(scores)
    for r in rounds.itertuples():
        say(t("seminar.survey.line", lang, round=r.round, respondents=r.respondents, villages=r.villages), 3)
    try:
        items = poll.choose_items(fw, poll_items)
    except IndicatorError as err:
        st.error(fmt.plain(err.localized(lang)))
        return
    summary = poll.summarise(context.store().poll.responses(poll_round), items)
    labels = {i.id: text(i.text, lang) for i in items}
    scale = [t(f"poll.likert.{v}", lang) for v in poll.SCALE]
    say(t("seminar.poll.title", lang), 2)
    alt = t(
        "seminar.poll.alt", lang, items=charts.pairs(map(labels.get, summary["item"]), summary["answers"])
    )
    figure = charts.poll_figure(summary, labels, scale, lang=lang, font_size=FONT,
                                label_chars=18 if layout.narrow else 40)
    chart(figure, alt, "seminar_fig")


SLIDE_DRAW = {
    "progress": slide_progress,
    "bands": slide_bands,
    "groups": slide_groups,
    "goals": slide_goals,
    "impact": slide_impact,
    "participation": slide_participation,
}


def side_panel(address: str | None) -> None:
    """The poll's QR code, its address in type that reads from the back of the hall, and the live count:
    on every slide."""
    st.markdown(f"## {t('seminar.poll.cta', lang)}")
    if address:
        st.image(qr.qr_png(address, box_size=10), width="stretch")
        st.markdown(f"#### {markdown_escape(charts.short_address(address))}")
    else:
        st.caption(t("seminar.poll.no_url", lang))
    count = poll.respondents(context.store().poll.responses(poll_round))
    with st.container(key="seminar_count"):
        st.markdown(f"## {t('seminar.poll.count', lang, n=count)}")


@st.fragment(run_every=min(every, 5))
def screen_run(address: str | None, shape: charts.SlideLayout) -> None:
    """One refresh of the screen: the slide the clock points at (as tall as the window allows), the side
    panel, and a footer with the slide's number and the time in Helsinki."""
    slide = pinned or charts.slide_at(time.time(), every)
    scores = context.scores_table()
    main, side = st.columns([3, 1], gap="large")
    with main:
        height = "content" if shape.narrow else shape.slide_height  # a phone scrolls the page
        with st.container(height=height, border=False, key=f"seminar_slide_{slide}"):
            if scores.empty or scores["index"].notna().sum() == 0:
                say(t("seminar.no_data", lang), 1)
            else:
                SLIDE_DRAW[slide](scores)
        n = charts.SLIDES.index(slide) + 1
        footer = t(
            "seminar.footer_pinned" if pinned else "seminar.footer",
            lang,
            n=n,
            total=len(charts.SLIDES),
            every=every,
            time=charts.clock(),
        )
        with st.container(key="seminar_footer"):
            st.markdown(f"#### {footer}")
    with side, st.container(key="seminar_side"):
        side_panel(address)


screen_run(poll_address(), layout)
