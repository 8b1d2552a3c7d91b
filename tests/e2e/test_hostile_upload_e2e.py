"""End to end in Debian's chromium: the file that used to kill the server is uploaded on /lataa; the page says
it cannot be read, and the server goes on answering (another page, the health check, a second session)."""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator

import pytest

from indicator.i18n import t
from tests.e2e.browser import TIMEOUT_MS, menu_link, open_page, screenshot, settle
from tests.hostile_corpus import content

pytestmark = pytest.mark.e2e

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def healthy(base: str) -> bool:
    with urllib.request.urlopen(f"{base}/_stcore/health", timeout=10) as reply:
        return reply.read().strip() == b"ok"


@pytest.fixture(scope="module")
def server(serve, tmp_path_factory) -> str:
    """One server for both files: the second is uploaded to a server that survived the first."""
    return serve({"DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('hostile') / 'hostile.db'}",
                  "ALYKYLA_DEMO": "0"})


@pytest.fixture(scope="module")
def visitors(browser) -> Iterator[tuple[object, object]]:
    """Two visitors (two browsers' tabs): the one who uploads, and another one."""
    pages = (browser.new_page(), browser.new_page())
    yield pages
    for page in pages:
        page.close()


@pytest.mark.parametrize("name", ["far_cell_lying_dimension", "far_cell_xfd"])
def test_the_crash_file_leaves_the_server_answering(server, visitors, name: str) -> None:
    """``far_cell_lying_dimension`` makes calamine abort its process (in the worker now);
    ``far_cell_xfd`` is refused by its declared dimension before any parser runs."""
    from playwright.sync_api import expect

    base, (page, other) = server, visitors
    open_page(page, f"{base}/lataa")
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[{"name": "kysely.xlsx", "mimeType": XLSX, "buffer": content(name)}])
    expect(page.get_by_text(t("upload.read_failed", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    alert = re.sub(r"(?<=\d)\s(?=\d{3})", "", page.get_by_test_id("stAlertContentError").inner_text())
    expected = "liian suuri tai vioittunut" if name == "far_cell_lying_dimension" else "1048576 riviä"
    assert expected in alert, alert
    screenshot(page, f"upload_{name}")

    assert healthy(base)
    menu_link(page, t("common.nav_framework", "fi")).click()  # another page, same session
    expect(page.get_by_test_id("stMain").get_by_role("heading", name=t("framework.title", "fi"))).to_be_visible(
        timeout=TIMEOUT_MS)
    open_page(other, f"{base}/mittaristo")  # and another visitor
    assert "Streamlit" not in other.title() or other.url.endswith("/mittaristo")
    assert t("upload.read_failed", "fi") not in other.inner_text("body")
    assert healthy(base)
