"""Coordinator sign-in as drawn in the dashboard: the sidebar box and the prompt page.

The passphrase check itself is ``ui.auth``; this module only lays out the forms.
"""

from __future__ import annotations

import math
import secrets

import streamlit as st

from indicator.errors import StorageError
from indicator.i18n import t
from ui import auth, context, device


def form(lang: str, key: str) -> None:
    """A passphrase form (``key`` names it); a right passphrase signs in and reruns at the same address."""
    with st.form(key, clear_on_submit=True, border=False):
        passphrase = st.text_input(t("common.login_passphrase", lang), type="password")
        submitted = st.form_submit_button(t("common.login_submit", lang))
    if submitted:
        tried = _attempt(passphrase)
        if tried.ok:
            st.rerun()
        if tried.wait > 0:
            st.error(t("common.login_wait", lang, minutes=max(1, math.ceil(tried.wait / 60))))
        else:
            st.error(t("common.login_failed", lang))


def _attempt(passphrase: str) -> auth.Attempt:
    """One sign-in try, slowed down per address and per session (``auth.attempt_sign_in``); when the
    database cannot count tries (read-only, unreachable), the passphrase is still checked."""
    session = st.session_state.setdefault("_signin_session", secrets.token_urlsafe(16))
    try:
        return auth.attempt_sign_in(passphrase, context.store().limits, device.client_address(), session)
    except StorageError:
        return auth.Attempt(auth.sign_in(passphrase))


def coordinator_box(lang: str) -> None:
    """The sidebar's sign-in form for coordinators, or the signed-in state with a sign-out button."""
    if context.is_coordinator():
        st.caption(t("common.signed_in", lang))
        if st.button(t("common.logout", lang), key="common.logout", icon=":material/logout:"):
            auth.sign_out()
            st.rerun()
        return
    with st.expander(t("common.login_title", lang), icon=":material/lock:"):
        form(lang, "common_login")


def prompt() -> None:
    """The page the public gets at a coordinator address: what the page needs, and the sign-in form.

    After a sign-in the rerun stays at the same address, where the coordinator page is then registered.
    """
    lang = context.lang()
    st.title(t("common.signin_required_title", lang))
    st.info(t("common.signin_required", lang), icon=":material/lock:")
    form(lang, "common_login_page")
