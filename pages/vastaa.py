"""Vastaa asukaskyselyyn: residents answer the village survey on a phone or a computer, without an account.

Reached by the village link ``/vastaa?kyla=<village>`` (the survey kit's QR code and poster) or by
choosing the village here. One part (a dimension) per screen with Back / Next and a progress bar; the
answer options are pills (big tap targets, "don't know" last) that keep their value while other parts are
shown (``persist_state="page"``) and send it with the next button press (``on_change="ignore"``: a tap
costs no round trip). Sending stores the answers in the village's pending upload of the open round
(``Store.app_survey``): one answer per device and round (the signed device cookie of ``ui.device``, so a
reload or a new tab cannot answer again), at most a number of answers per network address.
"""

import streamlit as st

from indicator.errors import IndicatorError, clip
from indicator.i18n import t
from indicator.questionnaire import Survey, build_survey
from indicator.questionnaire.answering import VILLAGE_PARAM, answer_values
from indicator.questionnaire.model import Question
from indicator.questionnaire.poster import answer_minutes
from indicator.registry import find
from indicator.storage.app_survey import Outcome
from ui import context
from ui import format as fmt
from ui.device import client_address, device_id
from ui.navigation import ensure_routed
from ui.survey_views import villages

ensure_routed()

STEP_KEY, FOR_KEY, DONE_KEY, CHOICE_KEY = "vastaa_step", "vastaa_for", "vastaa_done", "vastaa_village_choice"
# Pills and buttons at least 44 px high (measured at 390 px wide: pills 32 px, buttons 40 px by default).
# Only the page's own containers (the st-key-<key> class of a keyed container) and the ARIA role of the pills.
TAP_STYLE = ("<style>.st-key-vastaa_questions [role='radio'], .st-key-vastaa_nav button "
             "{ min-height: 2.75rem; }</style>")


def item_key(item_id: str) -> str:
    return f"vastaa_q_{item_id}"


@st.cache_data(max_entries=64, show_spinner=False)
def survey_for(lang: str, village: str, round_: int) -> Survey:
    """The questionnaire of the village and round in ``lang`` (cached: it is the same for every resident)."""
    return build_survey(context.framework(), lang, village=village, round=round_, registry=context.registry())


def chosen_village(lang: str) -> str | None:
    """The village of ``?kyla=`` (any case, a "(kirkon)kylä" ending tolerated), else the one chosen here."""
    asked = st.query_params.get(VILLAGE_PARAM)
    if asked:
        found = find(asked, context.registry())
        if found is not None:
            return found
        st.warning(t("vastaa.unknown_village", lang, village=fmt.plain(clip(asked, 80))), icon=":material/help:")
    else:
        st.markdown(t("vastaa.choose_intro", lang))
    chosen = st.selectbox(t("vastaa.choose_village", lang), villages(), index=None, key=CHOICE_KEY,
                          placeholder=t("vastaa.choose_placeholder", lang))
    if chosen is not None:
        st.query_params[VILLAGE_PARAM] = chosen  # a reload (or a shared link) keeps the village
    return chosen


def go_to(step: int) -> None:
    st.session_state[STEP_KEY] = step


def scroll_to_top(step: int) -> None:
    """Show a new part from its top: a phone keeps the scroll position of the part before. One line of
    JavaScript scrolls every element around the page's first element back to the top (the step number makes
    each part's script a new element, so it runs once per part)."""
    st.html(f"<div id='vastaa-top-{step}'></div><script>for (let e = document.getElementById('vastaa-top-{step}'); "
            "e; e = e.parentElement) { e.scrollTop = 0; } window.scrollTo(0, 0);</script>",
            unsafe_allow_javascript=True)


def question(q: Question, number: int, lang: str) -> None:
    """One question: pills for the options ("don't know" last), a number field for a number."""
    label = f"**{number}.** {fmt.plain(q.text)}"
    if q.kind == "number":
        st.number_input(label, min_value=q.minimum, max_value=q.maximum, value=None, step=1.0, format="%g",
                        key=item_key(q.item), placeholder=t("vastaa.number_placeholder", lang),
                        on_change="ignore", persist_state="page")
        st.caption(fmt.plain(q.hint))
        return
    labels = {o.code: o.label for o in q.options}
    st.pills(label, list(labels), format_func=labels.get, key=item_key(q.item), on_change="ignore",
             persist_state="page")


def part(survey: Survey, step: int, device: str, lang: str) -> None:
    """One part (dimension) of the questionnaire with its progress and the Back / Next / Send buttons."""
    sections = survey.sections
    section = sections[step]
    st.progress((step + 1) / len(sections), text=t("vastaa.progress", lang, step=step + 1, total=len(sections)))
    first = sum(len(s.questions) for s in sections[:step]) + 1
    with st.container(key="vastaa_questions"):
        st.subheader(fmt.plain(section.title), anchor=False)
        for number, q in enumerate(section.questions, start=first):
            question(q, number, lang)
    last = step == len(sections) - 1
    if last:
        st.caption(t("vastaa.send_caption", lang))
    sent = False
    with st.container(horizontal=True, key="vastaa_nav"):
        if step > 0:
            st.button(t("vastaa.back", lang), key="vastaa_back", on_click=go_to, args=(step - 1,), width="stretch",
                      icon=":material/arrow_back:")
        if last:
            sent = st.button(t("vastaa.send", lang), key="vastaa_send", type="primary", width="stretch",
                             icon=":material/send:")
        else:
            st.button(t("vastaa.next", lang), key="vastaa_next", on_click=go_to, args=(step + 1,), type="primary",
                      width="stretch", icon=":material/arrow_forward:", icon_position="right")
    if sent:
        send(survey, device, lang)


def send(survey: Survey, device: str, lang: str) -> None:
    """Store the answers; once stored the page shows its thanks (after a reload: "already answered")."""
    chosen = {q.item: st.session_state.get(item_key(q.item)) for q in survey.questions}
    village, round_ = survey.village.fixed, survey.round
    try:
        outcome = context.store().app_survey.add(context.framework(), device, village, round_,
                                                 answer_values(survey, chosen), address=client_address())
    except IndicatorError as err:
        st.error(fmt.plain(err.localized(lang)), icon=":material/error:")
        return
    if outcome == Outcome.STORED:
        st.session_state[DONE_KEY] = (village, round_)
        go_to(0)
    if outcome in (Outcome.STORED, Outcome.ALREADY_ANSWERED):
        st.rerun()
    elif outcome == Outcome.CLOSED:
        st.info(t("vastaa.closed", lang, village=fmt.plain(village)), icon=":material/lock:")
    elif outcome == Outcome.EMPTY:
        st.warning(t("vastaa.empty", lang, dont_know=survey.questions[0].dont_know.label), icon=":material/info:")
    else:
        st.warning(t("vastaa.rate_limited", lang), icon=":material/hourglass_top:")


def finished(survey: Survey, device: str, lang: str) -> bool:
    """The thanks (just sent) or the "already answered" note when this device answered the round."""
    village, round_ = survey.village.fixed, survey.round
    answered = context.store().app_survey.answered(device, round_)
    if answered is None:
        return False
    if st.session_state.get(DONE_KEY) == (village, round_):
        st.success(fmt.plain(survey.thanks), icon=":material/check_circle:")
        st.markdown(t("vastaa.stored", lang))
    else:
        st.info(t("vastaa.already", lang, round=round_, village=fmt.plain(answered)), icon=":material/task_alt:")
    return True


def main() -> None:
    lang = context.lang()
    device = device_id()  # sets the device cookie on the first visit, before anything is answered
    step = int(st.session_state.get(STEP_KEY, 0))
    scroll_to_top(step)
    st.html(TAP_STYLE)
    if step == 0:  # later parts leave the phone's screen to the questions
        st.title(t("common.nav_answer", lang))
    village = chosen_village(lang)
    if village is None:
        return
    round_ = context.store().app_survey.open_round(village)
    if round_ is None:
        st.info(t("vastaa.closed", lang, village=fmt.plain(village)), icon=":material/lock:")
        return
    st.markdown(t("vastaa.village_line", lang, village=fmt.plain(village), round=round_))
    try:
        survey = survey_for(lang, village, round_)
    except IndicatorError as err:
        st.error(fmt.plain(err.localized(lang)), icon=":material/error:")
        return
    if finished(survey, device, lang):
        return
    if st.session_state.get(FOR_KEY) != (village, round_):
        st.session_state[FOR_KEY] = (village, round_)
        go_to(0)
    step = min(int(st.session_state.get(STEP_KEY, 0)), len(survey.sections) - 1)
    if step == 0:
        st.caption(fmt.plain(survey.intro))
        st.caption(t("vastaa.time", lang, questions=len(survey.questions), sections=len(survey.sections),
                     minutes=answer_minutes(survey)))
    part(survey, step, device, lang)


main()
