"""Browser helpers shared by the end-to-end tests: Streamlit-aware waits and whole-page screenshots."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
TIMEOUT_MS = 30_000
# Screenshots cost about a second and a half of both cores each (a settle pause, a window grown to the
# page, a full-page capture), about a minute of the suite: taken with ALYKYLA_SCREENSHOTS=1 only.
TAKE_SCREENSHOTS = os.environ.get("ALYKYLA_SCREENSHOTS", "") == "1"


def settle(page, timeout: int = TIMEOUT_MS) -> None:
    """Wait as Streamlit's own suite does: connected, script not running, no skeletons."""
    from playwright.sync_api import expect

    page.wait_for_timeout(155)
    page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=timeout)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=timeout)


def send_until(page, shown, send: Callable[[], bool]) -> None:
    """Call ``send`` (fill a form and press its button; it returns False when there is nothing to send)
    until ``shown`` is visible, at most three times: a click that a rerun of the page swallows (a loaded
    machine: the form still filled, nothing happened) is made again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    for _ in range(3):
        settle(page)
        if shown.is_visible() or not send():
            break
        with contextlib.suppress(PlaywrightTimeout):
            shown.wait_for(timeout=TIMEOUT_MS // 3)
    expect(shown).to_be_visible(timeout=TIMEOUT_MS)


def download(page, button):
    """Click a download ``button`` and return Playwright's ``Download``: a click that a rerun of the page
    swallowed (no download within ten seconds; seen once in a clean-clone run on two cores) is made again, at
    most three clicks in all. A download button only hands out a file, so a second click changes nothing."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(3):
        settle(page)
        try:
            with page.expect_download(timeout=TIMEOUT_MS // 3) as started:
                button.click()
            return started.value
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def submit_passphrase(page, area=None, lang: str = "fi") -> None:
    """Fill in the coordinator's passphrase in ``area`` (a locator; the whole page when None) and press its
    button, until the page says it is signed in (``send_until``: a click that a rerun swallowed is made again
    while the form still shows)."""
    from indicator.i18n import t
    from ui import testing

    scope = page if area is None else area

    def send() -> bool:
        field = scope.get_by_label(t("common.login_passphrase", lang))
        if not field.is_visible():
            return False
        field.fill(testing.TEST_PASSPHRASE)
        scope.get_by_role("button", name=t("common.login_submit", lang), exact=True).click()
        return True

    send_until(page, page.get_by_text(t("common.signed_in", lang)), send)
    settle(page)


def sign_in_sidebar(page, lang: str = "fi") -> None:
    """Sign in as a coordinator with the sidebar's passphrase form (its expander opened), and wait until the
    sidebar says so."""
    from indicator.i18n import t

    page.get_by_text(t("common.login_title", lang)).click()
    submit_passphrase(page, lang=lang)


def open_page(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
    settle(page)


def screenshot(page, name: str) -> Path:
    """Save a screenshot to ``artifacts/screenshots/<name>.png`` (git-ignored) when ALYKYLA_SCREENSHOTS=1."""
    path = SHOTS / f"{name}.png"
    if not TAKE_SCREENSHOTS:
        return path
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(800)  # let Plotly finish drawing
    size = page.viewport_size
    # Streamlit scrolls inside its main area, so grow the window to the content for a whole-page shot.
    height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('main, main *'))"
                           ".map(e => e.scrollHeight))")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(int(height) + 40, 8000))})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def menu_links(page):
    """The links of the app's own page menu in the sidebar (``ui.frame.menu``: one ``st.page_link`` each)."""
    return page.get_by_test_id("stSidebar").get_by_test_id("stPageLink-NavLink")


def menu_link(page, title: str):
    """The menu's link whose title is ``title`` exactly (the icon's name beside it in the link's text aside)."""
    return menu_links(page).filter(has=page.get_by_text(title, exact=True))


def menu_titles(page) -> list[str]:
    """The page titles in the app's menu, in order (a link's text also holds its icon's name)."""
    return [text.strip().split("\n")[-1].strip() for text in menu_links(page).all_inner_texts()]
