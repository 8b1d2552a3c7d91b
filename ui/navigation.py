"""The dashboard's pages: which exist, their titles, icons and URLs, and which roles see them.

A page not registered for a role cannot be reached by URL: Streamlit falls back to the default page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from indicator.i18n import t

ROOT = Path(__file__).resolve().parent.parent


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


ROUTED_KEY = "_routed"


def mark_routed() -> None:
    """Called by the router (app.py) on every run: pages may trust the frame it drew."""
    st.session_state[ROUTED_KEY] = True


def ensure_routed(*, coordinator: bool = False) -> None:
    """First line of every page: run only through the router, coordinator pages only for coordinators.

    While no session has called ``st.navigation`` yet (a fresh server), Streamlit's legacy multipage mode
    runs a file of ``pages/`` named in the URL directly, without app.py and its sign-in gate. Such a
    run hands over to the router for good: ``st.navigation`` switches Streamlit to it, then a rerun.
    """
    if not st.session_state.get(ROUTED_KEY):
        st.navigation(build_pages(st.session_state.get("role", "public"), "fi"), position="hidden")
        st.rerun()
    if coordinator and st.session_state.get("role") != "coordinator":
        st.stop()


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
