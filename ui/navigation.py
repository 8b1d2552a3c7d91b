"""The dashboard's pages: which exist, their titles, icons and URLs, and which roles see them.

A page not registered for a role cannot be reached by URL: Streamlit falls back to the default page.
A page's address is its file name (``pages/seminaari.py`` is ``/seminaari``), so that the link works
even as the first request of a fresh server, when Streamlit still resolves it from the ``pages/`` folder.
"""

from __future__ import annotations

import runpy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from indicator.i18n import t

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class PageSpec:
    path: str
    name: str  # catalog key common_nav_<name>
    icon: str
    default: bool = False
    coordinator: bool = False


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/etusivu.py", "overview", ":material/dashboard:", default=True),
    PageSpec("pages/kyla.py", "village", ":material/holiday_village:"),
    PageSpec("pages/mittaristo.py", "framework", ":material/rule:"),
    PageSpec("pages/eteneminen.py", "progress", ":material/trending_up:"),
    PageSpec("pages/tavoitteet.py", "goals", ":material/flag:"),
    PageSpec("pages/lataa.py", "upload", ":material/upload_file:"),
    PageSpec("pages/seminaari.py", "seminar", ":material/co_present:"),
    PageSpec("pages/kysely.py", "poll", ":material/how_to_vote:"),
    PageSpec("pages/hallinta.py", "admin", ":material/admin_panel_settings:", coordinator=True),
    PageSpec("pages/teemaryhmat.py", "groups", ":material/groups:", coordinator=True),
    PageSpec("pages/strategiat.py", "strategies", ":material/flag_circle:", coordinator=True),
)


ROUTED_KEY = "_routed"


@contextmanager
def router_identity() -> Iterator[None]:
    """Run the router's own widgets under the main script's identity, however the run began.

    A widget's id includes the active script's hash. The router runs as the main script normally, but
    as a page of the legacy ``pages/`` mode in a fresh server's first run; without this, a widget used
    on that first screen (the sign-in form, the language menu) would not be recognised on the next run.
    """
    ctx = get_script_run_ctx()
    scoped = getattr(ctx, "run_with_active_hash", None)
    main_hash = getattr(getattr(ctx, "pages_manager", None), "main_script_hash", None)
    if scoped is None or main_hash is None:  # bare mode, or a Streamlit without these internals
        yield
        return
    with scoped(main_hash):
        yield


def mark_routed() -> None:
    """Called by the router (app.py) just before it runs the page: this run drew the frame."""
    st.session_state[ROUTED_KEY] = True


def ensure_routed(*, coordinator: bool = False) -> None:
    """First line of every page: run only through the router, coordinator pages only for coordinators.

    While no session has called ``st.navigation`` yet (a fresh server; every ``AppTest.run``), Streamlit's
    legacy multipage mode runs a file of ``pages/`` named in the URL directly, without app.py and its
    sign-in gate. Such a run runs the router in its place (which runs the page it allows), then stops.
    The router's mark is consumed here, so each run must have passed through the router itself.
    """
    if not st.session_state.pop(ROUTED_KEY, False):
        runpy.run_path(str(ROOT / "app.py"), run_name="__main__")
        st.stop()
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
        section = t("common.nav_section_coordinator" if spec.coordinator else "common.nav_section_public", lang)
        page = st.Page(
            spec.path,
            title=t(f"common.nav_{spec.name}", lang),
            icon=spec.icon,
            url_path=Path(spec.path).stem,
            default=spec.default,
        )
        sections.setdefault(section, []).append(page)
    return sections if len(sections) > 1 else [p for pages in sections.values() for p in pages]
