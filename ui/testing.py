"""Support for tests and benchmarks of the dashboard (AppTest); the running app never imports this.

A demo database is built once per test run (or per process outside pytest) from the shipped demo exports
(``data/demo``) and copied for each test, so every test gets its own SQLite file quickly.
"""

from __future__ import annotations

import atexit
import fcntl
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.auth import hash_passphrase

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"
TEST_PASSPHRASE = "Kylätesti-2026"


@cache
def test_hash() -> str:
    """A hash of ``TEST_PASSPHRASE`` with few iterations (fast in tests; real hashes use 600,000)."""
    return hash_passphrase(TEST_PASSPHRASE, iterations=1_000, salt=b"alykyla-test-salt")


SHARED_DIR = "ALYKYLA_TEST_SHARED_DIR"  # a folder the processes of one test run share (tests/conftest.py)


@cache
def _workdir() -> Path:
    """Where this process keeps the databases it copies from: the folder its test run shares (``SHARED_DIR``,
    inside pytest's temporary folders, which pytest removes after a few runs), else a temporary folder
    removed when the process ends."""
    if shared := os.environ.get(SHARED_DIR):
        return Path(shared)
    path = Path(tempfile.mkdtemp(prefix="alykyla-ui-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _built_once(name: str, build: Callable[[Path], None]) -> Path:
    """The file ``name`` in `_workdir`, made by ``build(path)`` unless another process of the run has made it:
    the first process builds it under a lock, the others wait and use it (the pytest-xdist workers built the
    demo database three times, about four CPU-seconds each)."""
    path = _workdir() / name
    with open(path.with_name(name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not path.exists():
            part = path.with_name(name + ".part")
            part.unlink(missing_ok=True)
            build(part)
            os.replace(part, path)
    return path


@cache
def demo_exports() -> tuple[tuple[Path, int], ...]:
    """The shipped demo survey exports (path, round) in ``data/demo``, in the order the demo loads them."""
    from indicator.storage import demo_files

    return tuple(demo_files())


@cache
def demo_template() -> Path:
    """A SQLite file with every demo export approved (built once per test run, see `_built_once`)."""
    from indicator.framework import load
    from indicator.storage import Store, load_demo

    def build(path: Path) -> None:
        store = Store(f"sqlite:///{path}")
        load_demo(store, load())
        store.close()

    return _built_once("demo-template.db", build)


@cache
def demo_scores_table() -> object:
    """``Scores.table`` of the demo database, computed by the library (what pages must show)."""
    from indicator.framework import load
    from indicator.storage import Store

    store = Store(f"sqlite:///{demo_template()}")
    try:
        return store.scores(load()).table
    finally:
        store.close()


def demo_database(directory: Path) -> str:
    """A fresh copy of the demo database in ``directory``; returns its SQLAlchemy URL."""
    target = Path(directory) / "alykyla-test.db"
    shutil.copyfile(demo_template(), target)
    return f"sqlite:///{target}"


@cache
def _empty_template() -> Path:
    """A SQLite file with the current schema and no data (migrated once per test run)."""
    from indicator.storage import Store

    return _built_once("empty-template.db", lambda path: Store(f"sqlite:///{path}").close())


def empty_database(directory: Path) -> str:
    """The URL of a new SQLite file in ``directory`` with the schema and no data (use with env
    ``ALYKYLA_DEMO=0``): a copy of one migrated file instead of the migrations run for every test (about
    0.02 CPU-seconds each, 0.08 for the first in a process)."""
    target = Path(directory) / "alykyla-empty.db"
    shutil.copyfile(_empty_template(), target)
    return f"sqlite:///{target}"


@cache
def _component_manager() -> object:
    """One scan of installed custom components per process (AppTest otherwise rescans per instance,
    about a second each; the app uses no custom components)."""
    from streamlit.testing.v1 import app_test

    manager = app_test.BidiComponentManager()
    manager.discover_and_register_components(start_file_watching=False)
    return manager


def app(timeout: float = 60, address: str | None = None) -> AppTest:
    """An AppTest of the router (not yet run); with ``address``, opened there as a browser would be.

    AppTest starts every run in Streamlit's legacy ``pages/`` mode, as a fresh server does: a run opens
    the file named by the address, whose ``ensure_routed`` calls the router (``app.main``) in its place
    (ui/navigation.py). ``address`` is a page's file name or a former name (``"admin"``). A page test opens
    its page this way: one run, where running the front page first and switching would run the heaviest
    page too.
    """
    at = AppTest.from_file(str(APP), default_timeout=timeout)
    if getattr(at, "_bidi_component_manager", "missing") is None:
        at._bidi_component_manager = _component_manager()
    return at.switch_page(f"pages/{address}.py") if address else at


def opened(address: str | None = None, *, state: Mapping[str, object] | None = None,
           query: Mapping[str, str] | None = None, timeout: float = 60) -> AppTest:
    """The app at ``address`` (see `app`) after its first run, with session ``state`` and URL ``query`` set
    before it as a browser and a signed-in session would have them; a run that raised fails here."""
    at = app(timeout=timeout, address=address)
    for key, value in (state or {}).items():
        at.session_state[key] = value
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def download_buttons(at: AppTest) -> int:
    """How many download buttons the page shows, after checking that none reruns the page when pressed
    (``on_click="ignore"``): a rerun would redraw the whole page for a file, and Streamlit's queue clear at
    the rerun's start can drop the answer to a deferred download, leaving its button disabled."""
    buttons = at.get("download_button")
    rerunning = [b.proto.label for b in buttons if not b.proto.ignore_rerun]
    assert not rerunning, f"download buttons that rerun the page: {rerunning}"
    return len(buttons)
