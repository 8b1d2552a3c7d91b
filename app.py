"""Älykylä-mittaristo: the dashboard's entry point and router.

Run with ``streamlit run app.py``. The router draws the frame every page shares (language, filters,
coordinator sign-in) and registers the pages allowed for the current role; a coordinator page is not
registered for the public, so its URL does not reach it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from indicator.i18n import LANGUAGE_NAMES, LANGUAGES, t
from ui import auth, context, filters

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class PageSpec:
    path: str
    name: str  # catalog key common_nav_<name>
    icon: str
    url_path: str | None = None
    default: bool = False
    coordinator: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/overview.py", "overview", ":material/dashboard:", "etusivu", default=True),
    PageSpec("pages/village.py", "village", ":material/holiday_village:", "kyla"),
    PageSpec("pages/framework.py", "framework", ":material/rule:", "mittaristo"),
    PageSpec("pages/progress.py", "progress", ":material/trending_up:", "eteneminen"),
    PageSpec("pages/goals.py", "goals", ":material/flag:", "tavoitteet"),
    PageSpec("pages/upload.py", "upload", ":material/upload_file:", "lataa"),
    PageSpec("pages/seminar.py", "seminar", ":material/co_present:", "seminaari"),
    PageSpec("pages/poll.py", "poll", ":material/how_to_vote:", "kysely"),
    PageSpec("pages/admin.py", "admin", ":material/admin_panel_settings:", "hallinta", coordinator=True),
    PageSpec("pages/groups.py", "groups", ":material/groups:", "teemaryhmat", coordinator=True),
)


def build_pages(role: str, lang: str) -> dict[str, list[st.Page]] | list[st.Page]:
    """The navigation for ``role``: public pages always, coordinator pages only for coordinators
    (then in two sections). A page is registered only when its file exists, so the app runs while
    pages are being written.
    """
    sections: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        if (spec.coordinator and role != "coordinator") or not (ROOT / spec.path).exists():
            continue
        section = t("common_nav_section_coordinator" if spec.coordinator else "common_nav_section_public", lang)
        page = st.Page(
            spec.path,
            title=t(f"common_nav_{spec.name}", lang),
            icon=spec.icon,
            url_path=spec.url_path,
            default=spec.default,
        )
        sections.setdefault(section, []).append(page)
    return sections if len(sections) > 1 else [p for pages in sections.values() for p in pages]


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
        st.caption(t("common_signed_in", lang))
        if st.button(t("common_logout", lang), key="common_logout", icon=":material/logout:"):
            auth.sign_out()
            st.rerun()
        return
    with st.expander(t("common_login_title", lang), icon=":material/lock:"):
        with st.form("common_login", clear_on_submit=True, border=False):
            passphrase = st.text_input(t("common_login_passphrase", lang), type="password")
            submitted = st.form_submit_button(t("common_login_submit", lang))
        if submitted:
            if auth.sign_in(passphrase):
                st.rerun()
            st.error(t("common_login_failed", lang))


def shared_filters(lang: str) -> None:
    """Leader area, municipality and round; skipped (with a note) while the data layer is missing."""
    try:
        table = context.scores_table()
        registry = context.registry()
    except ImportError:
        st.caption(t("common_not_ready", lang))
        return
    filters.render(registry, table["round"].dropna().astype(int).unique().tolist(), lang)


def main() -> None:
    """Draw the frame and run the chosen page."""
    embedded = bool(st.context.is_embedded)
    st.session_state.setdefault("role", "public")
    st.set_page_config(
        page_title=t("common_app_title", "fi"),
        page_icon=":material/holiday_village:",
        layout="wide",
        initial_sidebar_state="collapsed" if embedded else "auto",
        menu_items={"About": t("common_footer", "fi")},
    )
    with st.sidebar:
        lang = language_selector()
        st.subheader(t("common_filters", lang))
        shared_filters(lang)
        st.divider()
        coordinator_box(lang)
    page = st.navigation(
        build_pages(context.role(), lang), position="hidden" if embedded else "sidebar", expanded=True
    )
    page.run()


main()
