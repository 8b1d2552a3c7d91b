"""The dashboard's pages and addresses, which roles see them, and how a run reaches them.

Only Streamlit's public API is used (``st.navigation``, ``st.Page``); docs/architecture.md ("Router")
explains the choice and the measured behaviour. In short:

- Every address is a file in ``pages/``: ``pages/<address>.py`` for each page and a three-line alias
  file for each former name. Until the first ``st.navigation`` call of a server process, Streamlit runs
  the ``pages/`` file named in the URL directly (its legacy multipage mode; AppTest runs always start
  so); an address without a file gets Streamlit's "Page not found" before any of our code runs.
- Such a run reaches the page file's first line, ``ensure_routed()``, which calls the router
  (``app.main``) and stops: the router registers the pages of the current role with ``st.navigation``
  (ending the legacy mode for the process), draws the frame and runs the page at the URL's address.
- The public gets each coordinator address as a hidden page whose body is a sign-in prompt, so the
  address resolves and no coordinator code runs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from indicator.i18n import t
from ui import context


@dataclass(frozen=True)
class PageSpec:
    """One page: its file (whose name is its address), catalog name, icon, former addresses, role."""

    path: str
    name: str  # catalog key common.nav_<name>
    icon: str
    aliases: tuple[str, ...] = ()  # former addresses; each has an alias file pages/<alias>.py
    default: bool = False
    coordinator: bool = False

    @property
    def address(self) -> str:
        return Path(self.path).stem

    @property
    def addresses(self) -> tuple[str, ...]:
        """The page's own address first, then its former ones."""
        return (self.address, *self.aliases)


PAGES: tuple[PageSpec, ...] = (
    PageSpec("pages/etusivu.py", "overview", ":material/dashboard:", ("overview",), default=True),
    PageSpec("pages/kyla.py", "village", ":material/holiday_village:", ("village",)),
    PageSpec("pages/mittaristo.py", "framework", ":material/rule:", ("framework",)),
    PageSpec("pages/eteneminen.py", "progress", ":material/trending_up:", ("progress",)),
    PageSpec("pages/tavoitteet.py", "goals", ":material/flag:", ("goals",)),
    PageSpec("pages/vastaa.py", "answer", ":material/edit_note:"),
    PageSpec("pages/lataa.py", "upload", ":material/upload_file:", ("upload",)),
    PageSpec("pages/seminaari.py", "seminar", ":material/co_present:", ("seminar",)),
    PageSpec("pages/kysely.py", "poll", ":material/how_to_vote:", ("poll",)),
    PageSpec("pages/hallinta.py", "admin", ":material/admin_panel_settings:", ("admin",), coordinator=True),
    PageSpec("pages/teemaryhmat.py", "groups", ":material/groups:", ("groups",), coordinator=True),
    PageSpec("pages/strategiat.py", "strategies", ":material/flag_circle:", coordinator=True),
)

ROUTED_KEY = "_router_routed"  # set while app.py runs the chosen page


@dataclass(frozen=True)
class Routes:
    """What ``st.navigation`` registers (``pages``) and what the menu lists, per section (``menu``)."""

    pages: list[st.Page]
    menu: dict[str, list[st.Page]]


def _page(spec: PageSpec, address: str, role: str, lang: str, prompt: Callable[[], None]) -> st.Page:
    """``spec`` registered at ``address``: its file, or ``prompt`` when ``role`` may not see it.

    The default page's address is ``/`` (an empty url_path); every other address is its own page, shown
    in the menu only at the page's own address.
    """
    if spec.coordinator and role != "coordinator":
        return st.Page(prompt, title=t("common.signin_required_title", lang), url_path=address,
                       visibility="hidden")
    root = spec.default and address == ""
    visible = root or (address == spec.address and not spec.default)
    return st.Page(spec.path, title=t(f"common.nav_{spec.name}", lang), icon=spec.icon, url_path=address,
                   default=root, visibility="visible" if visible else "hidden")


def build_routes(role: str, lang: str, prompt: Callable[[], None]) -> Routes:
    """The pages of ``role`` at every address; the menu lists the visible ones (coordinator pages in
    their own section, for coordinators only).

    The front page is registered twice: as the default page (``/``) and hidden at ``/etusivu``, because
    ``st.navigation`` answers a default page only at ``/``.
    """
    pages: list[st.Page] = []
    menu: dict[str, list[st.Page]] = {}
    for spec in PAGES:
        addresses = ("", *spec.addresses) if spec.default else spec.addresses
        registered = [_page(spec, address, role, lang, prompt) for address in addresses]
        pages += registered
        section = "common.nav_section_coordinator" if spec.coordinator else "common.nav_section_public"
        menu.setdefault(t(section, lang), []).extend(p for p in registered if p.visibility == "visible")
    return Routes(pages, {title: listed for title, listed in menu.items() if listed})


@contextmanager
def routed() -> Iterator[None]:
    """``app.py`` runs the chosen page inside this, so that the page's ``ensure_routed`` knows the frame
    was drawn in this very run. The mark is removed however the page ends (``st.stop``, a rerun)."""
    st.session_state[ROUTED_KEY] = True
    try:
        yield
    finally:
        st.session_state.pop(ROUTED_KEY, None)


def ensure_routed(*, coordinator: bool = False) -> None:
    """First line of every page file: run only through the router, coordinator pages only for coordinators.

    A page file that runs without the router (Streamlit's legacy ``pages/`` mode: a fresh server's first
    request, every ``AppTest.run``) calls the router (``app.main``) in its place, which draws the frame
    and runs the page registered at the URL's address for the current role, and then stops.
    """
    if not st.session_state.get(ROUTED_KEY):
        from app import main  # the router; imported here because app.py imports this module

        main()
        st.stop()
    if coordinator and context.role() != "coordinator":
        st.stop()
