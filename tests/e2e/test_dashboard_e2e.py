"""End to end in Debian's chromium: upload a demo export, sign in, approve it, see it on the overview.

The server runs on a database holding the demo rounds before the latest one; the test uploads one
export of the latest round through the browser. Screenshots of every page go to artifacts/screenshots/.
"""

from __future__ import annotations

from datetime import date

import pytest

from indicator.framework import load
from indicator.i18n import t
from indicator.reading import read_survey
from indicator.storage import Store
from tests.e2e.browser import TIMEOUT_MS, menu_link, open_page, screenshot, settle, sign_in_sidebar
from ui import testing

pytestmark = pytest.mark.e2e

MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@pytest.fixture(scope="module")
def exports() -> tuple[list, tuple]:
    """(earlier demo exports, the export to upload): one csv of the latest demo round."""
    files = list(testing.demo_exports())
    latest = max(round_ for _, round_ in files)
    upload = next((p, r) for p, r in files if r == latest and p.suffix == ".csv")
    return [(p, r) for p, r in files if r < latest], upload


@pytest.fixture(scope="module")
def server(serve, exports, tmp_path_factory) -> str:
    """The app over the earlier demo rounds, with the test coordinator hash."""
    earlier, _ = exports
    url = f"sqlite:///{tmp_path_factory.mktemp('e2e-db') / 'e2e.db'}"
    store, framework = Store(url), load()
    for path, round_ in earlier:
        store.uploads.add(path.read_bytes(), path.name, round_, framework, role="admin", approve=True)
    store.close()
    base = serve({"DATABASE_URL": url, "ALYKYLA_DEMO": "0", "ALYKYLA_COORDINATOR_HASH": testing.test_hash()})
    return base


def nav(page, title: str) -> None:
    """Follow a link of the app's sidebar menu (keeps the session, so the sign-in survives)."""
    menu_link(page, title).click()
    settle(page)


def test_upload_approve_and_see_it_on_the_overview(browser, server, exports):
    from playwright.sync_api import expect

    _, (path, _) = exports
    villages = read_survey(path.read_bytes(), load(), filename=path.name).report.villages
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    open_page(page, server)
    screenshot(page, "overview_before_upload")

    nav(page, t("common.nav_upload", "fi"))
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[{"name": path.name, "mimeType": MIME.get(path.suffix[1:], "text/csv"),
                                    "buffer": path.read_bytes()}])
    expect(page.get_by_text(t("upload.report_title", "fi"), exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    screenshot(page, "upload_report")
    page.get_by_role("button", name=t("upload.save", "fi")).click()
    expect(page.get_by_text("Tallennettu, odottaa koordinaattorin hyväksyntää")).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    screenshot(page, "upload.saved")

    sign_in_sidebar(page)

    nav(page, t("common.nav_admin", "fi"))
    expect(page.get_by_text(t("admin.pending_title", "fi", n=1))).to_be_visible(timeout=TIMEOUT_MS)
    screenshot(page, "admin_pending")
    page.get_by_role("button", name=t("admin.approve", "fi")).click()
    expect(page.get_by_text(t("admin.no_pending", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    screenshot(page, "admin_after_approval")

    nav(page, t("common.nav_overview", "fi"))
    expect(page.get_by_text(f"Kierros {date.today().year}")).to_be_visible(timeout=TIMEOUT_MS)
    kpi = page.get_by_test_id("stMetric").first
    expect(kpi.get_by_test_id("stMetricValue")).to_have_text(str(len(villages)), timeout=TIMEOUT_MS)
    grid = page.get_by_test_id("stDataFrame").first
    for village in villages:
        expect(grid.get_by_text(village, exact=True).first).to_be_attached(timeout=TIMEOUT_MS)
    screenshot(page, "overview_after_approval")
    context.close()
