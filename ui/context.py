"""Who is looking (language, role) and the cached data every page reads.

Data are cached per database state: ``scores()`` and ``responses()`` are keyed by
``Store.state_token()``, so an approved upload shows at once, not after a timer. The caches are shared by
every session of the process: a new visitor gets them ready-made.

An empty database gets the shipped demo in a background thread (``DemoLoad``): the first visitor of a new
server sees the frame and a progress message at once (``demo_progress``), and the page when the demo is in.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

import pandas as pd
import streamlit as st

from indicator.errors import IndicatorError
from indicator.i18n import LANGUAGES

if TYPE_CHECKING:
    from indicator.reading import IsolatedReader
    from indicator.storage import Store

ROLES: tuple[str, ...] = ("public", "coordinator")


def lang() -> str:
    """The chosen interface language (session key ``lang``), Finnish by default."""
    value = st.session_state.get("lang", "fi")
    return value if value in LANGUAGES else "fi"


def role() -> str:
    """``"coordinator"`` after a successful sign-in, otherwise ``"public"``."""
    value = st.session_state.get("role", "public")
    return value if value in ROLES else "public"


def is_coordinator() -> bool:
    return role() == "coordinator"


def database_url() -> str | None:
    """The database the app uses: env ``DATABASE_URL``, else the library's default SQLite file."""
    return os.environ.get("DATABASE_URL") or None


@st.cache_resource(show_spinner=False)
def framework() -> Any:
    """The indicator framework (``data/framework.toml``), loaded and validated once per process."""
    from indicator import framework as fw_module

    return fw_module.load()


@st.cache_resource(show_spinner=False)
def _store(url: str | None) -> Store:
    from indicator.storage import Store

    return Store(url)


class DemoLoad:
    """The shipped demo being stored into an empty database by a background thread (one per process and
    database), so that no visitor waits for it with a blank page."""

    def __init__(self, files: int = 0) -> None:
        self.files = files  # demo files to store; none: nothing to wait for
        self._done = threading.Event()
        if not files:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the end of the loading; True when it has ended."""
        return self._done.wait(seconds)

    def run(self, store: Store, fw: Any) -> None:
        """Store the demo (the thread's body); the app still runs without it when it cannot be read."""
        from indicator.storage import load_demo

        try:
            load_demo(store, fw)
        except (IndicatorError, OSError) as err:
            logging.getLogger(__name__).warning("demo data not loaded: %s", err)
        finally:
            self._done.set()


@st.cache_resource(show_spinner=False)
def _demo(url: str | None) -> DemoLoad:
    """Start storing the demo when the database is empty (unless env ``ALYKYLA_DEMO=0``); done at once
    otherwise."""
    from indicator.storage import demo_files

    store = _store(url)
    if not store.is_empty() or os.environ.get("ALYKYLA_DEMO", "1") == "0":
        return DemoLoad()
    load = DemoLoad(len(demo_files()))
    if not load.done:
        threading.Thread(target=load.run, args=(store, framework()), name="alykyla-demo", daemon=True).start()
    return load


def store() -> Store:
    """The shared ``indicator.storage.Store``; an empty database gets the demo data in the background
    (unless env ``ALYKYLA_DEMO=0``; ``demo_progress()`` tells how far it is)."""
    url = database_url()
    _demo(url)
    return _store(url)


def demo_progress() -> tuple[int, int] | None:
    """While the demo is being stored: (files stored, files in all); None when there is nothing to wait for."""
    url = database_url()
    load = _demo(url)
    if load.done:
        return None
    return min(len(_store(url).uploads.table()), load.files), load.files


@st.cache_resource(show_spinner=False)
def reader() -> IsolatedReader:
    """The one reader of uploaded files for the whole server: each file is read in a worker process with
    a memory cap and a time limit, at most two at a time (``indicator.reading.isolated``)."""
    from indicator.reading import IsolatedReader

    shared = IsolatedReader()
    shared.warm()
    return shared


def state_token() -> str:
    """A token that changes whenever the stored data change, except the seminar poll's answers (the cache
    key of data loaders: no score depends on a poll answer, and a seminar brings one every few seconds)."""
    return str(store().state_token())


def registry() -> pd.DataFrame:
    """The village registry: village, municipality, leader_area, lat, lon, coordinate_source
    (``data/villages.csv``, or the file named by env ``ALYKYLA_REGISTRY``)."""
    return _registry(os.environ.get("ALYKYLA_REGISTRY") or None)


@st.cache_data(max_entries=2, show_spinner=False)
def _registry(path: str | None) -> pd.DataFrame:
    from indicator.registry import load_villages

    return load_villages(path) if path else load_villages()


@st.cache_data(max_entries=16, show_spinner=False)
def _scores(url: str | None, token: str) -> Any:
    return _store(url).scores(framework())


def scores() -> Any:
    """``Scores`` of all approved responses (every round); refreshed when the database changes."""
    return _scores(database_url(), state_token())


def scores_table() -> pd.DataFrame:
    """``scores().table``: one row per village and round (village, round, respondents, index, dims, rank, band)."""
    return scores().table


@st.cache_data(max_entries=16, show_spinner=False)
def _responses(url: str | None, token: str) -> pd.DataFrame:
    return _store(url).responses()


def responses() -> pd.DataFrame:
    """The approved responses table (with ``round``); refreshed when the database changes."""
    return _responses(database_url(), state_token())


@st.cache_data(max_entries=4, show_spinner=False)
def _proposed_grouping(url: str | None, token: str) -> pd.DataFrame | None:
    from indicator.errors import GroupingError
    from indicator.grouping import ASSIGNMENT_COLUMNS, make_groups

    table = _scores(url, token).table
    if table.empty:
        return None
    latest = table[table["round"] == table["round"].max()].reset_index(drop=True)
    try:
        grouping = make_groups(latest, framework(), registry=registry(), bootstraps=0)
    except GroupingError:
        return None
    return grouping.assignments[list(ASSIGNMENT_COLUMNS)]


def proposed_grouping() -> pd.DataFrame | None:
    """The default theme groups (docs/method.md §4) of the latest round, while none has been saved; None
    when the villages cannot be grouped. Refreshed when the database changes."""
    return _proposed_grouping(database_url(), state_token())
