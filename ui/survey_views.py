"""Sections of the village survey shared by several pages: the survey kit (Mittaristo), the open and closed
rounds of the survey answered in the app (Hallinta) and the answers awaiting approval (Kylä).

The questionnaires come from ``indicator.questionnaire``, the rounds and answers from
``Store.app_survey``; this lays them out.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from indicator.errors import IndicatorError
from indicator.i18n import LANGUAGE_NAMES, LANGUAGES, t
from indicator.qr import qr_png
from indicator.questionnaire import FORMATS, MEDIA_TYPES, SUFFIXES, build_survey, file_name, render
from indicator.questionnaire.answering import survey_link
from indicator.questionnaire.model import finnish_sorted
from indicator.questionnaire.poster import poster_html
from indicator.reading import round_choices
from ui import context
from ui import format as fmt

KIT_ANCHOR = "kyselypohja"  # the kit's heading on the Mittaristo page: mittaristo#kyselypohja
ACTOR = "coordinator"


def villages() -> tuple[str, ...]:
    """The registry's villages in Finnish alphabetical order."""
    return finnish_sorted(context.registry()["village"].dropna().astype(str).tolist())


# --- the survey kit (Mittaristo) -------------------------------------------------------------------------


@st.cache_data(max_entries=32, show_spinner=False)
def kit_survey(lang: str, village: str | None):
    """The questionnaire of the shipped framework in ``lang`` (village fixed or chosen), built once."""
    return build_survey(context.framework(), lang, village=village, registry=context.registry())


@st.cache_data(max_entries=32, show_spinner=False)
def qr_image(url: str) -> bytes:
    """The QR code of ``url`` as PNG (about 12 ms to draw, so drawn once per link)."""
    return qr_png(url, box_size=8)


def kit(fw, lang: str) -> None:
    """Kyselypohja: the questionnaire in each format, the village link with its QR code, and the poster."""
    st.header(t("kit.title", lang), anchor=KIT_ANCHOR)
    st.markdown(t("kit.intro", lang))
    with st.container(horizontal=True, vertical_alignment="bottom", key="framework_kit_choices"):
        chosen_lang = st.segmented_control(t("kit.language", lang), LANGUAGES, default=lang, required=True,
                                           format_func=LANGUAGE_NAMES.get, key="framework_kit_lang") or lang
        village = st.selectbox(t("kit.village", lang), [None, *villages()], key="framework_kit_village",
                               help=t("kit.village_help", lang), width=320,
                               format_func=lambda v: t("kit.village_any", lang) if v is None else v)
    registry = context.registry()
    try:
        survey = kit_survey(chosen_lang, village)
    except IndicatorError as err:
        st.error(fmt.plain(err.localized(lang)), icon=":material/error:")
        return
    st.subheader(t("kit.formats", lang))
    for kind in FORMATS:
        button, explanation = st.columns([2, 5], vertical_alignment="center")
        button.download_button(
            f"{t(f'kit.name_{kind}', lang)} ({SUFFIXES[kind]})", icon=":material/download:",
            key=f"framework_kit_{kind}", width="stretch", on_click="ignore",
            data=lambda kind=kind: render(fw, kind, lang=chosen_lang, village=village, registry=registry),
            file_name=file_name(fw, kind, lang=chosen_lang, village=village), mime=MEDIA_TYPES[kind])
        explanation.markdown(t(f"kit.format_{kind}", lang))
    link_and_poster(survey, village, chosen_lang, lang)


def link_and_poster(survey, village: str | None, survey_lang: str, lang: str) -> None:
    """The village link (``/vastaa?kyla=...``) as text and QR code, and the A4 poster to print."""
    st.subheader(t("kit.link_title", lang))
    st.caption(t("kit.link_caption", lang))
    try:
        url = survey_link(str(st.context.url or ""), village, survey_lang)
    except IndicatorError:
        st.info(t("kit.no_address", lang))
        return
    if village is None:
        st.caption(t("kit.link_no_village", lang))
    left, right = st.columns([1, 2], vertical_alignment="center")
    left.image(qr_image(url), width=220, caption=t("kit.qr_caption", lang), alt=t("kit.qr_caption", lang))
    with right:
        st.code(url, language=None, wrap_lines=True)
        st.download_button(t("kit.poster", lang), data=lambda: poster_html(survey, url), icon=":material/print:",
                           file_name=file_name_poster(survey, village), mime="text/html", key="framework_kit_poster",
                           help=t("kit.poster_help", lang), on_click="ignore")


def file_name_poster(survey, village: str | None) -> str:
    """``juliste-fi-Sippola.html`` (letters, digits, - and _ only)."""
    stem = "-".join(["juliste", survey.lang, *([village] if village else [])])
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem) + ".html"


# --- rounds of the survey in the app (Hallinta) ----------------------------------------------------------


def round_controls(lang: str) -> None:
    """Open or close a round of the app survey for every village or for one, and how the round stands."""
    store, fw = context.store(), context.framework()
    st.subheader(t("admin.rounds_title", lang))
    st.caption(t("admin.rounds_caption", lang))
    rounds = round_choices(fw.baseline_year)
    with st.container(horizontal=True, vertical_alignment="bottom", key="admin_rounds"):
        round_ = st.selectbox(t("admin.rounds_round", lang), rounds, index=rounds.index(date.today().year),
                              key="admin_rounds_round", width=160)
        village = st.selectbox(t("admin.rounds_village", lang), [None, *villages()], key="admin_rounds_village",
                               format_func=lambda v: t("admin.rounds_all", lang) if v is None else v, width=280)
        opened = st.button(t("admin.rounds_open", lang), key="admin_rounds_open", icon=":material/lock_open:")
        closed = st.button(t("admin.rounds_close", lang), key="admin_rounds_close", icon=":material/lock:")
    if opened or closed:
        who = fmt.plain(village) if village else t("admin.rounds_all", lang)
        try:
            store.app_survey.set_open(int(round_), opened, village=village, actor=ACTOR)
        except IndicatorError as err:
            st.error(fmt.plain(err.localized(lang)), icon=":material/error:")
        else:
            st.toast(t("admin.rounds_opened" if opened else "admin.rounds_closed", lang, round=round_, villages=who),
                     icon=":material/task_alt:")
    state = store.app_survey.round_state(int(round_))
    if state.all_open:
        lines = [t("admin.rounds_state_all_open", lang, round=state.round)]
        if state.closed:
            lines.append(t("admin.rounds_state_except", lang, villages=fmt.plain(", ".join(state.closed))))
    elif state.opened:
        lines = [t("admin.rounds_state_only", lang, round=state.round, villages=fmt.plain(", ".join(state.opened)))]
    else:
        lines = [t("admin.rounds_state_all_closed", lang, round=state.round)]
    st.markdown("  \n".join(lines))


# --- answers awaiting approval (Kylä) --------------------------------------------------------------------


def waiting_note(village: str, lang: str) -> None:
    """How many answers of ``village`` await a coordinator's approval, per round (nothing when none)."""
    for row in context.store().app_survey.waiting(village).itertuples():
        st.info(t("village.pending_answers", lang, round=int(row.round), n=fmt.integer(row.answers, lang),
                  app=fmt.integer(row.app, lang)), icon=":material/pending_actions:")
