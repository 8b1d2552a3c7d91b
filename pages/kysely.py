"""Seminaarikysely: a short phone form of framework items; anonymous answers feed the seminar screen.

URL parameters: ``?poll_round=2026`` (default: this year; anything but a year is ignored), ``?items=E2,B5,K6``
(default: one item per theme dimension). One answer per device and round: the device is the signed cookie
of ``ui.device.device_id`` (it survives reloads and new tabs); answers are limited per network address and
in total as well (``indicator.storage.poll``).
"""

from datetime import date

import streamlit as st

from indicator import poll
from indicator.errors import IndicatorError, StorageError
from indicator.framework import text
from indicator.i18n import t
from indicator.report import markdown_escape
from indicator.storage.poll import Vote
from ui import context, device
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
round_ = poll.parse_round(params.get("poll_round")) or date.today().year

st.title(t("poll.title", lang))
if params.get("poll_round") and poll.parse_round(params.get("poll_round")) is None:
    st.caption(t("poll.round_ignored", lang, round=round_))
try:
    items = poll.choose_items(fw, poll.parse_item_list(params.get("items")))
except IndicatorError as err:
    st.error(markdown_escape(err.localized(lang)))
    st.stop()

done_key = f"poll_done_{round_}"
try:
    me = device.device_id()
    if not st.session_state.get(done_key) and context.store().poll.answered(me, round_):
        st.session_state[done_key] = "already"
except StorageError as err:
    st.error(markdown_escape(err.localized(lang)), icon=":material/error:")
    st.stop()
if st.session_state.get(done_key):
    message = "poll.already" if st.session_state[done_key] == "already" else "poll.thanks"
    st.success(t(message, lang), icon=":material/check_circle:")
    st.stop()

st.markdown(t("poll.intro", lang))
st.caption(f"{t('poll.privacy', lang)} {t('poll.round', lang, round=round_)}")
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
    try:
        vote = context.store().poll.vote(me, values, round_, address=device.client_address())
    except StorageError as err:
        st.error(markdown_escape(err.localized(lang)), icon=":material/error:")
        st.stop()
    if vote in (Vote.COUNTED, Vote.ALREADY):
        st.session_state[done_key] = "thanks" if vote is Vote.COUNTED else "already"
        st.rerun()
    st.warning(t("poll.address_busy" if vote is Vote.ADDRESS_BUSY else "poll.busy", lang))
