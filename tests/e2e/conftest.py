"""End-to-end fixtures: the dashboard served by ``streamlit run`` and Debian's chromium via Playwright.

Locally the tests skip with a reason when playwright or chromium is missing; with ``CI=true`` that is a
failure. No browser is ever downloaded: Playwright drives Debian's ``chromium-headless-shell`` (the same
Chromium 156 build without the desktop browser around it, what Playwright itself runs for headless tests)
or, where the shell is not installed, ``/usr/bin/chromium``. The shell costs a fifth less CPU for the same
pages: the browser tests took 214 CPU-seconds of Chromium processes in it against 265 in ``chromium``
(whole machine, 2026-12-05), which is what a suite bound by two cores is timed by.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from tests.e2e.browser import ROOT
from tests.e2e.zygote import Forked, Starter

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def missing(reason: str) -> None:
    """Skip locally, fail in CI."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"end-to-end test cannot run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's headless shell if installed, else Debian's chromium (see the module's docstring)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing("the playwright package is not installed")
    path = next(filter(None, map(shutil.which, ("chromium-headless-shell", "chromium", "chromium-browser"))), None)
    if not path:
        missing("no chromium on PATH (Debian package 'chromium-headless-shell' or 'chromium')")
    return path


PORT_TAKEN = "is not available"  # what Streamlit logs when its --server.port is taken


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_healthy(base: str, process: Forked | subprocess.Popen, log: Path, timeout: float = 60) -> None:
    """Poll ``/_stcore/health`` until it answers ``ok``; fail with the server log if it dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not become healthy within {timeout:.0f} s")


Server = tuple[Forked, str, Path]  # what ``launch`` returns: (process, base URL, log file)
STARTER = Starter(ROOT)  # this test process's starter of app servers (tests/e2e/zygote.py)


def launch(env: Mapping[str, str], folder: Path, port: int | None = None) -> Server:
    """Start ``streamlit run app.py`` with extra env (not waiting for it), on ``port`` or a free one:
    (process, base URL, log file). The server is forked from a process that has imported Streamlit and
    the libraries (tests/e2e/zygote.py), which saves about 0.7 CPU-seconds a server."""
    port = port or free_port()
    log = folder / "streamlit.log"
    process = STARTER.start(["run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
                             "--global.developmentMode", "false"], {**os.environ, **env}, log)
    return process, f"http://127.0.0.1:{port}", log


def answering(env: Mapping[str, str], server: Server, folder: Callable[[], Path], timeout: float = 60,
              starts: int = 3) -> Server:
    """Wait until ``server`` (from ``launch`` with ``env``) answers, and return the server that does: one
    whose port another process took between ``free_port`` and Streamlit's bind is started again on a free
    port (in a new ``folder()``), up to ``starts`` starts in all. A server that does not answer is stopped
    here, so the caller only has the one returned (and those it started) to stop."""
    for attempt in range(starts):
        process, base, log = server
        try:
            wait_healthy(base, process, log, timeout=timeout)
            return server
        except RuntimeError:
            stop([process])
            if attempt == starts - 1 or PORT_TAKEN not in log.read_text(errors="replace"):
                raise
        server = launch(env, folder())
    raise AssertionError("unreachable")


def stop(processes: Sequence[Forked | subprocess.Popen]) -> None:
    """Stop servers: terminate them all, then kill any that has not ended within 10 s."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def _starter() -> Iterator[None]:
    """The starter of app servers ends with the session (after the fixtures that stopped its servers)."""
    yield
    STARTER.close()


@pytest.fixture(scope="session")
def serve_many(tmp_path_factory) -> Iterator[Callable[[Sequence[Mapping[str, str]]], list[str]]]:
    """A factory: ``serve_many(envs)`` starts one server per env at once, waits until all answer and
    returns their base URLs (in order).

    Safe under pytest-xdist: each worker has its own temporary folders, and a server whose port another
    process took between ``free_port`` and Streamlit's bind is started again on a new one (``answering``).
    Every server started is stopped at the end of the session (of the worker).
    """
    started: list[Forked] = []

    def folder() -> Path:
        return tmp_path_factory.mktemp("server")

    def start(envs: Sequence[Mapping[str, str]]) -> list[str]:
        servers = [launch(env, folder()) for env in envs]
        started.extend(process for process, _, _ in servers)
        timeout = 60 + 2 * len(servers)  # they share the CPU
        bases = []
        for env, server in zip(envs, servers, strict=True):
            process, base, _ = answering(env, server, folder, timeout)
            if process is not server[0]:
                started.append(process)
            bases.append(base)
        return bases

    yield start
    stop(started)


@pytest.fixture(scope="session")
def serve(serve_many) -> Callable[[Mapping[str, str]], str]:
    """A factory: ``serve(env)`` starts ``streamlit run app.py`` with extra env and returns its base URL."""
    return lambda env: serve_many([env])[0]


# A style sheet added to every page the tests open: no CSS animation or transition runs, so no frame is
# drawn only to move a sidebar or fade an element (measured: 2-6 % less Chromium CPU per browser file, the
# same result); the tests wait for what the page shows, never for a motion.
STILL_JS = """(() => { const add = () => { const style = document.createElement("style");
  style.textContent = "*, *::before, *::after { animation: none !important; transition: none !important; }";
  (document.head || document.documentElement).appendChild(style); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", add); else add(); })()"""


class StillBrowser:
    """Playwright's ``Browser`` whose new contexts and pages get ``STILL_JS``; everything else as it is."""

    def __init__(self, browser: object) -> None:
        self._browser = browser

    def new_context(self, **options: object) -> object:
        context = self._browser.new_context(**options)
        context.add_init_script(STILL_JS)
        return context

    def new_page(self, **options: object) -> object:
        page = self._browser.new_page(**options)
        page.add_init_script(STILL_JS)
        return page

    def __getattr__(self, name: str) -> object:
        return getattr(self._browser, name)


@pytest.fixture(scope="session")
def browser(chromium_path) -> Iterator[StillBrowser]:
    """Debian's chromium driven by Playwright (never a downloaded browser), pages without CSS motion."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield StillBrowser(browser)
        browser.close()
