"""End to end in Debian's chromium: one poll answer per device across reloads and tabs; the app served
through ``serve.py`` sends its security headers and still works.

Uses the server and browser fixtures of ``tests/e2e/conftest.py``: skips locally when playwright or
chromium is missing; with ``CI=true`` that is a failure.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request

import pytest

from indicator import poll
from indicator.i18n import t
from indicator.storage import Store
from tests.e2e.browser import ROOT, TIMEOUT_MS, open_page, settle
from tests.e2e.conftest import free_port, wait_healthy

pytestmark = pytest.mark.e2e

ROUND = "2026"


@pytest.fixture(scope="module")
def poll_server(serve, tmp_path_factory) -> tuple[str, str]:
    """The app over an empty database (no demo): (base URL, database URL)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('privacy-e2e') / 'e2e.db'}"
    Store(url)
    base = serve({"DATABASE_URL": url, "ALYKYLA_DEMO": "0"})
    return base, url


def expect(locator):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def _answer(page) -> None:
    """Pick the first option of the first question and send the form."""
    main = page.get_by_test_id("stMainBlockContainer")
    main.get_by_test_id("stRadio").first.get_by_text("Jokseenkin samaa mieltä").click()
    main.get_by_test_id("stFormSubmitButton").click()
    settle(page)


def test_one_answer_per_device_after_reloads_and_new_tabs(poll_server, browser) -> None:
    base, url = poll_server
    address = f"{base}/kysely?poll_round={ROUND}"
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    open_page(page, address)
    assert page.get_by_test_id("stRadio").count() >= 3
    page.wait_for_timeout(500)  # the device cookie is set by a line of JavaScript on the first visit
    _answer(page)
    expect(page.get_by_text(t("poll.thanks", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    assert any(c["name"] == "alykyla_device" for c in phone.cookies())

    page.reload()
    expect(page.get_by_text(t("poll.already", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    assert page.get_by_test_id("stRadio").count() == 0
    tab = phone.new_page()  # another tab of the same browser
    open_page(tab, address)
    expect(tab.get_by_text(t("poll.already", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    phone.close()

    other = browser.new_context(viewport={"width": 390, "height": 844})  # another phone answers
    second = other.new_page()
    open_page(second, address)
    second.wait_for_timeout(500)
    _answer(second)
    expect(second.get_by_text(t("poll.thanks", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    other.close()
    assert poll.respondents(Store(url).poll.responses(int(ROUND))) == 2


@pytest.fixture(scope="module")
def headers_server(tmp_path_factory):
    """``streamlit run serve.py`` (the app behind the security-header middleware): its base URL."""
    folder = tmp_path_factory.mktemp("serve")
    url = f"sqlite:///{folder / 'serve.db'}"
    Store(url)
    port = free_port()
    log = folder / "streamlit.log"
    env = {**os.environ, "DATABASE_URL": url, "ALYKYLA_DEMO": "0",
           "ALYKYLA_FRAME_ANCESTORS": "'self' https://kylat.example.fi"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--global.developmentMode", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, process, log, timeout=90)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_py_sends_security_headers_and_serves_the_app(headers_server, browser) -> None:
    for path in ("/", "/kysely", "/_stcore/health"):
        with urllib.request.urlopen(f"{headers_server}{path}", timeout=10) as reply:
            headers = {k.lower(): v for k, v in reply.headers.items()}
        assert headers["content-security-policy"] == "frame-ancestors 'self' https://kylat.example.fi", path
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "x-frame-options" not in headers  # another site may frame it: the CSP says which
    page = browser.new_page()
    open_page(page, f"{headers_server}/kysely")
    assert page.get_by_test_id("stRadio").count() >= 3  # the router, the page and the device cookie work
    page.close()
