"""Coordinator sign-in in Debian's chromium against a local OpenID Connect provider (oidc-provider-mock).

The app's ``[auth]`` section points at the provider running in this process; the provider signs in
whatever address is typed on its form. Checked: a deep link without sign-in gets the sign-in prompt
(not "Page not found"); signing in from that prompt comes back to the address asked for; the sign-in
survives a reload and a new tab (Streamlit's identity cookie); an account not on the coordinators' list
is told so and gets no coordinator page; signing out ends it. Screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator

import pytest

from indicator.i18n import t
from tests.e2e.browser import TIMEOUT_MS, open_page, screenshot, settle, submit_passphrase
from ui import testing

pytestmark = pytest.mark.e2e

COORDINATOR = "anna@kylat.fi"
OUTSIDER = "ville@muualla.fi"


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The mock provider on loopback, in this process (plain HTTP, which Authlib allows only when told)."""
    pytest.importorskip("oidc_provider_mock")
    from oidc_provider_mock import run_server_in_thread

    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def server(serve, provider, tmp_path_factory) -> str:
    """The app on the demo data with ``[auth]`` pointing at the provider and one coordinator allowed."""
    folder = tmp_path_factory.mktemp("signin")
    secrets = folder / "secrets.toml"
    secrets.write_text(
        f'coordinators = ["{COORDINATOR}"]\n\n'
        "[auth]\n"
        'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "e2e-cookie-secret-0123456789abcdef"\n'
        'client_id = "alykyla-e2e"\n'
        'client_secret = "alykyla-e2e-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8")
    return serve({"DATABASE_URL": testing.demo_database(folder), "STREAMLIT_SECRETS_FILES": str(secrets),
                  "AUTHLIB_INSECURE_TRANSPORT": "1", "ALYKYLA_COORDINATOR_HASH": testing.test_hash()})


def title(page) -> str:
    return page.get_by_test_id("stMain").get_by_test_id("stHeading").first.inner_text().strip()


def sign_in(page, address: str) -> None:
    """Press the prompt's account button and sign in as ``address`` on the provider's form."""
    page.get_by_test_id("stMain").get_by_role("button", name=t("account.sign_in", "fi")).click()
    page.wait_for_selector("input[name=sub]", timeout=TIMEOUT_MS)
    page.fill("input[name=sub]", address)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(lambda url: "/oauth2callback" not in url and "localhost" not in url, timeout=TIMEOUT_MS)
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
    settle(page)


def test_a_deep_link_without_sign_in_lands_on_the_sign_in_prompt(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    for address in ("hallinta", "teemaryhmat", "admin"):
        open_page(page, f"{server}/{address}")
        assert title(page) == t("common.signin_required_title", "fi")
        assert page.get_by_text("Page not found").count() == 0
        assert page.get_by_test_id("stMain").get_by_role("button", name=t("account.sign_in", "fi")).count() == 1
    open_page(page, f"{server}/etusivu")
    assert title(page) == t("common.app_title", "fi")
    context.close()


def test_the_organisation_account_survives_a_reload_and_a_new_tab(browser, server):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_page(page, f"{server}/hallinta")
    screenshot(page, "signin_prompt_1400")
    sign_in(page, COORDINATOR)
    expect(page).to_have_url(f"{server}/hallinta", timeout=TIMEOUT_MS)  # back at the address asked for
    assert title(page) == t("common.nav_admin", "fi")
    signed = t("account.signed_in_as", "fi", email=COORDINATOR)
    expect(page.get_by_test_id("stSidebar").get_by_text(signed)).to_be_visible(timeout=TIMEOUT_MS)
    screenshot(page, "signin_signed_in_1400")

    page.reload()
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
    settle(page)
    assert title(page) == t("common.nav_admin", "fi")  # still signed in after a reload

    tab = context.new_page()
    open_page(tab, f"{server}/teemaryhmat")
    assert title(tab) == t("groups.title", "fi")  # a new tab is signed in too, at its own address
    open_page(tab, f"{server}/")
    assert title(tab) == t("common.app_title", "fi")  # the front page stays the front page
    tab.close()

    settle(page)
    logout = page.get_by_test_id("stSidebar").get_by_role("button", name=t("common.logout", "fi"))
    logout.click()
    # Streamlit's st.logout sends the browser to the provider's end-session page; a click that lands while
    # the page reruns (a loaded machine) is clicked again while the app is still there.
    end_session = page.get_by_role("button", name="End session")
    deadline = time.monotonic() + 2 * TIMEOUT_MS / 1000
    while not end_session.is_visible() and time.monotonic() < deadline:
        if page.url.startswith(server) and logout.is_visible():
            with contextlib.suppress(PlaywrightTimeout):
                logout.click(timeout=2000)
        page.wait_for_timeout(500)
    end_session.click(timeout=TIMEOUT_MS)
    page.wait_for_url(lambda url: url.startswith(server) and "oauth2callback" not in url, timeout=TIMEOUT_MS)
    open_page(page, f"{server}/hallinta")
    assert title(page) == t("common.signin_required_title", "fi")  # signed out
    context.close()


def test_an_account_not_on_the_list_is_told_so(browser, server):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    open_page(page, f"{server}/hallinta")
    sign_in(page, OUTSIDER)
    expect(page).to_have_url(f"{server}/hallinta", timeout=TIMEOUT_MS)
    assert title(page) == t("common.signin_required_title", "fi")
    message = t("account.not_coordinator", "fi", email=OUTSIDER)
    expect(page.get_by_text(message)).to_be_visible(timeout=TIMEOUT_MS)
    assert page.get_by_text(t("common.nav_admin", "fi"), exact=True).count() == 0  # no coordinator page
    screenshot(page, "signin_not_coordinator_390")
    context.close()


def test_the_passphrase_is_the_fallback_and_ends_with_a_reload(browser, server):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_page(page, f"{server}/hallinta")
    page.get_by_test_id("stMain").get_by_text(t("account.passphrase_title", "fi")).click()
    submit_passphrase(page, page.get_by_test_id("stMain"))  # a click swallowed by a rerun failed this once
    assert title(page) == t("common.nav_admin", "fi")
    page.reload()
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
    settle(page)
    assert title(page) == t("common.signin_required_title", "fi")  # as README says: not after a reload
    context.close()
