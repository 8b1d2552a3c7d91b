"""End to end in Debian's chromium: a phone answers the poll, the seminar screen shows the new count.

With ALYKYLA_SCREENSHOTS=1 also saves the poll on a phone to ``artifacts/screenshots/`` (every slide at
four sizes is opened, checked and saved by tests/e2e/test_screens_e2e.py). Uses the server and browser fixtures of ``tests/e2e/conftest.py``: skips
locally when playwright or chromium is missing; with ``CI=true`` that is a failure.
"""

from __future__ import annotations

import time

import pytest

from tests.e2e.browser import TIMEOUT_MS, screenshot

pytestmark = pytest.mark.e2e

ROUND = "2026"


@pytest.fixture(scope="module")
def seminar_server(serve, tmp_path_factory) -> str:
    """The app over a fresh SQLite database: two scored rounds, a saved grouping, no poll answers."""
    from tests.test_page_progress import VILLAGES, fill_store

    url = f"sqlite:///{tmp_path_factory.mktemp('seminar-e2e') / 'e2e.db'}"
    store = fill_store(url)
    themes = ("elinkeinot", "brandi", "kylatalo")
    store.documents.save(
        "grouping",
        "e2e",
        {
            "assignments": [
                {
                    "village": v,
                    "area": "sepra" if n < 3 else "kasvu",
                    "group": n % 3 + 1,
                    "theme": themes[n % 3],
                }
                for n, v in enumerate(VILLAGES)
            ]
        },
    )
    base = serve({"DATABASE_URL": url, "ALYKYLA_DEMO": "0"})
    return base


def _seminar(browser, base: str, query: str = ""):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    page.goto(f"{base}/seminaari?embed=true&poll_round={ROUND}{query}")
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
    _close_dialogs(page)
    return context, page


def _close_dialogs(page) -> None:
    """Close Streamlit's one-off "Page not found" dialog if a fresh server still shows it."""
    page.wait_for_timeout(500)
    if page.get_by_role("dialog").count():
        page.keyboard.press("Escape")
        page.wait_for_timeout(300)


def test_poll_answer_reaches_the_seminar_screen(browser, seminar_server) -> None:
    from playwright.sync_api import expect

    screen_context, screen = _seminar(browser, seminar_server, "&every=5")
    count = screen.locator(".st-key-seminar_count")
    expect(count).to_contain_text("Vastanneita: 0", timeout=TIMEOUT_MS)
    expect(screen.get_by_role("img").first).to_be_visible(timeout=TIMEOUT_MS)  # the QR code

    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    phone = phone_context.new_page()
    phone.goto(f"{seminar_server}/kysely?poll_round={ROUND}")
    _close_dialogs(phone)
    radios = phone.locator("[data-testid='stRadio']")
    expect(radios.nth(2)).to_be_visible(timeout=TIMEOUT_MS)  # the three questions, drawn one after another
    radios.nth(0).get_by_text("Jokseenkin samaa mieltä").click()
    radios.nth(1).get_by_text("Täysin samaa mieltä").click()
    phone.get_by_role("button", name="Lähetä vastaukset").click()
    expect(phone.get_by_text("Kiitos vastauksestasi")).to_be_visible(timeout=TIMEOUT_MS)
    screenshot(phone, "poll_phone_thanks")
    sent = time.monotonic()

    expect(count).to_contain_text("Vastanneita: 1", timeout=15_000)
    assert time.monotonic() - sent < 15
    phone_context.close()
    screen_context.close()
