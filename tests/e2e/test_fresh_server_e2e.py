"""A fresh server's first request must go through the router: no coordinator page without sign-in.

Until some session calls ``st.navigation``, Streamlit's legacy mode runs a file of ``pages/`` named in
the URL directly, without app.py. ``ui.navigation.ensure_routed`` hands such a run to the router.
"""

from __future__ import annotations

import pytest

from indicator.i18n import t
from tests.e2e.browser import TIMEOUT_MS

pytestmark = pytest.mark.e2e


def test_first_request_for_admin_page_file_shows_no_admin_content(serve, browser, tmp_path):
    base = serve({"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}", "ALYKYLA_DEMO": "0"})
    page = browser.new_page()
    try:
        page.goto(f"{base}/admin", timeout=TIMEOUT_MS)  # the legacy name of pages/hallinta.py
        page.get_by_text(t("common.nav_overview", "fi")).first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(3000)
        body = page.inner_text("body")
        assert t("common.login_title", "fi") in body  # the router's frame is drawn
        assert t("common.nav_admin", "fi") not in body  # no coordinator page in the menu
        assert "Odottavat" not in body and "Väntande" not in body
    finally:
        page.close()


def test_first_request_for_seminar_link_opens_it_without_a_page_not_found_dialog(serve, browser, tmp_path):
    """The seminar screen's one URL must open ready to show, even as a restarted server's first request."""
    base = serve({"DATABASE_URL": f"sqlite:///{tmp_path / 'seminar.db'}", "ALYKYLA_DEMO": "0"})
    page = browser.new_page()
    try:
        page.goto(f"{base}/seminaari?embed=true", timeout=TIMEOUT_MS)
        page.get_by_text(t("seminar.poll.cta", "fi")).first.wait_for(timeout=TIMEOUT_MS)
        page.wait_for_timeout(3000)
        assert "/seminaari" in page.url
        assert page.get_by_role("dialog").count() == 0
        assert "Page not found" not in page.inner_text("body")
    finally:
        page.close()
