"""Älykylä-mittaristo: the dashboard's entry point and router.

Run with ``streamlit run app.py``. The router draws the frame every page shares (language, filters,
coordinator sign-in) and registers the pages allowed for the current role; a coordinator page is not
registered for the public, so its URL does not reach it.
"""

from __future__ import annotations

import streamlit as st

from indicator.i18n import LANGUAGE_NAMES, LANGUAGES, t
from ui import auth, context, filters, navigation
from ui.navigation import build_pages


def language_selector() -> str:
    """The language menu (fi, sv, en), remembered in the URL as ``?lang=sv``."""
    filters.seed_from_url("lang", LANGUAGES)
    lang = st.selectbox(
        "Kieli · Språk · Language", LANGUAGES, key="lang", format_func=LANGUAGE_NAMES.get
    )
    filters.publish_to_url("lang", lang, "fi")
    return lang


def coordinator_box(lang: str) -> None:
    """Sign-in form for coordinators, or the signed-in state with a sign-out button."""
    if context.is_coordinator():
        st.caption(t("common.signed_in", lang))
        if st.button(t("common.logout", lang), key="common.logout", icon=":material/logout:"):
            auth.sign_out()
            st.rerun()
        return
    with st.expander(t("common.login_title", lang), icon=":material/lock:"):
        with st.form("common_login", clear_on_submit=True, border=False):
            passphrase = st.text_input(t("common.login_passphrase", lang), type="password")
            submitted = st.form_submit_button(t("common.login_submit", lang))
        if submitted:
            if auth.sign_in(passphrase):
                st.rerun()
            st.error(t("common.login_failed", lang))


def shared_filters(lang: str) -> None:
    """Leader area, municipality and round; skipped (with a note) while the data layer is missing."""
    try:
        table = context.scores_table()
        registry = context.registry()
    except ImportError:
        st.caption(t("common.not_ready", lang))
        return
    filters.render(registry, table["round"].dropna().astype(int).unique().tolist(), lang)


def main() -> None:
    """Draw the frame and run the chosen page."""
    embedded = bool(st.context.is_embedded)
    st.session_state.setdefault("role", "public")
    st.set_page_config(
        page_title=t("common.app_title", "fi"),
        page_icon=":material/holiday_village:",
        layout="wide",
        initial_sidebar_state="collapsed" if embedded else "auto",
        menu_items={"About": t("common.footer", "fi")},
    )
    with st.sidebar:
        lang = language_selector()
        st.subheader(t("common.filters", lang))
        shared_filters(lang)
        st.divider()
        coordinator_box(lang)
    page = st.navigation(
        build_pages(context.role(), lang), position="hidden" if embedded else "sidebar", expanded=True
    )
    navigation.mark_routed()
    page.run()


with navigation.router_identity():
    main()
