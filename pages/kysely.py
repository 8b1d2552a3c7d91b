"""Seminaarikysely: a short phone form of framework items; anonymous answers feed the seminar screen.

URL parameters: ``?poll_round=2026`` (default: this year), ``?items=E2,B5,K6`` (default: one item per
theme dimension). One answer per browser session: a random key kept in the session state.
"""

import secrets
from datetime import date

import streamlit as st

from indicator import poll
from indicator.errors import IndicatorError
from indicator.framework import text
from indicator.i18n import t
from indicator.report import markdown_escape
from ui import context
from ui.navigation import ensure_routed

ensure_routed()

# Thumb-sized answers: Streamlit draws a radio option 22 px and a button 40 px tall, and none of its choice
# widgets (radio, pills, segmented control) reach the 44 px a phone needs (measured in Chromium at 390×844).
# One scoped rule, for this page's own widgets only, makes every option a full-width 44 px row and the
# submit button 48 px; tests/e2e/test_screens_e2e.py measures both.
TOUCH_CSS = (
    "<style>[class*='st-key-poll_item_'] [data-testid='stRadioOption'] {min-height: 44px; width: 100%;"
    " display: flex; align-items: center;} .st-key-poll_submit button {min-height: 48px;}</style>"
)

lang, fw = context.lang(), context.framework()
params = st.query_params
round_ = int(params["poll_round"]) if str(params.get("poll_round", "")).isdigit() else date.today().year

st.title(t("poll.title", lang))
try:
    items = poll.choose_items(fw, poll.parse_item_list(params.get("items")))
except IndicatorError as err:
    st.error(markdown_escape(err.localized(lang)))
    st.stop()

done_key = f"poll_done_{round_}"
if st.session_state.get(done_key):
    st.success(t("poll.thanks", lang), icon=":material/check_circle:")
    st.stop()

st.markdown(t("poll.intro", lang))
st.caption(f"{t('poll.privacy', lang)} {t('poll.round', lang, round=round_)}")
st.session_state.setdefault("poll_session_key", secrets.token_urlsafe(16))
labels = {v: t(f"poll.likert.{v}", lang) for v in poll.SCALE}
with st.form("poll_form", border=False):
    for n, item in enumerate(items, start=1):
        st.radio(
            f"**{t('poll.question', lang, n=n, total=len(items))}** · {text(item.text, lang)}",
            poll.SCALE,
            index=None,
            key=f"poll_item_{item.id}",
            format_func=labels.get,
        )
    sent = st.form_submit_button(t("poll.submit", lang), type="primary", width="stretch", key="poll_submit")
st.html(TOUCH_CSS)

if sent:
    try:
        values = poll.validate_answers(
            items, {i.id: st.session_state.get(f"poll_item_{i.id}") for i in items}
        )
    except IndicatorError:
        st.warning(t("poll.empty", lang))
        st.stop()
    if context.store().poll.add(st.session_state["poll_session_key"], values, round_):
        st.session_state[done_key] = True
        st.rerun()
    else:
        st.warning(t("poll.busy", lang))
