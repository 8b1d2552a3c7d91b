"""The frame every page shares, drawn by ``app.py``: page settings, language menu, page menu, filters."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from indicator.i18n import LANGUAGE_NAMES, LANGUAGES, t
from ui import context, filters


def configure(embedded: bool) -> None:
    """Title, icon and layout; an embedded page (``?embed=true``) starts with the sidebar collapsed."""
    st.set_page_config(
        page_title=t("common.app_title", "fi"),
        page_icon=":material/holiday_village:",
        layout="wide",
        initial_sidebar_state="collapsed" if embedded else "auto",
        menu_items={"About": t("common.footer", "fi")},
    )


def language_selector() -> str:
    """The language menu (fi, sv, en), remembered in the URL as ``?lang=sv``."""
    filters.seed_from_url("lang", LANGUAGES)
    lang = st.selectbox(
        "Kieli · Språk · Language", LANGUAGES, key="lang", format_func=LANGUAGE_NAMES.get
    )
    filters.publish_to_url("lang", lang, "fi")
    return lang


def menu(sections: Mapping[str, Sequence[st.Page]]) -> None:
    """One link per visible page; section headings only when there is more than one section.

    Drawn here rather than by ``st.navigation`` because ``client.showSidebarNavigation = false`` (which
    keeps Streamlit's list of ``pages/`` files out of sight) hides Streamlit's own menu too.
    """
    for title, pages in sections.items():
        if len(sections) > 1:
            st.caption(title)
        for page in pages:
            st.page_link(page)
    st.divider()


def shared_filters(lang: str) -> None:
    """Leader area, municipality and round (``ui.filters``), offered from the stored rounds."""
    table = context.scores_table()
    filters.render(context.registry(), table["round"].dropna().astype(int).unique().tolist(), lang)


@st.fragment(run_every=1)
def demo_progress(lang: str) -> None:
    """While a new server stores the demo into an empty database: the title and a progress bar, refreshed
    every second; then the whole app runs again and shows the page."""
    state = context.demo_progress()
    if state is None:
        st.rerun(scope="app")
    stored, total = state
    st.title(t("common.app_title", lang))
    st.progress(stored / total, text=t("common.demo_loading", lang, stored=stored, total=total))
