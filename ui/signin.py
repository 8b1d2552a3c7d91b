"""Coordinator sign-in as drawn in the dashboard: the sidebar box and the prompt page.

The passphrase check itself is ``ui.auth``; this module only lays out the forms.
"""

from __future__ import annotations

import streamlit as st

from indicator.i18n import t
from ui import auth, context


def form(lang: str, key: str) -> None:
    """A passphrase form (``key`` names it); a right passphrase signs in and reruns at the same address."""
    with st.form(key, clear_on_submit=True, border=False):
        passphrase = st.text_input(t("common.login_passphrase", lang), type="password")
        submitted = st.form_submit_button(t("common.login_submit", lang))
    if submitted:
        if auth.sign_in(passphrase):
            st.rerun()
        st.error(t("common.login_failed", lang))


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
