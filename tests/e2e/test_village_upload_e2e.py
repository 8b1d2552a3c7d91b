"""The village secretary's journey in Debian's chromium: the village card on a desktop and on a phone
(nothing wider than the screen; band and trend side by side; development targets with ideas) and the
upload page's one message per outcome (a repeat of an approved file). Screenshots go to
artifacts/screenshots/ (``after_*``: the state this change leaves).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from indicator.i18n import t
from tests.e2e.browser import TIMEOUT_MS, open_page, screenshot, settle
from ui import testing

pytestmark = pytest.mark.e2e

SIZES = {"1400": {"width": 1400, "height": 1000}, "390": {"width": 390, "height": 844}}
VILLAGE = "Sippola"

# Elements whose right edge lies past the viewport, unless a scrolling or clipping box holds them (a wide
# table scrolls inside its own frame; that is not the page overflowing).
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['hidden', 'auto', 'scroll', 'clip'].includes(style.overflowX)
          && p.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll('[data-testid="stMain"] *'))
    .filter((el) => { const r = el.getBoundingClientRect();
                      return r.width > 0 && r.height > 0 && r.right > width + 1 && !clipped(el); })
    .map((el) => (el.getAttribute('data-testid') || el.tagName) + ': ' + (el.textContent || '').slice(0, 60));
}"""


@pytest.fixture(scope="module")
def server(serve, tmp_path_factory) -> str:
    return serve({"DATABASE_URL": testing.demo_database(tmp_path_factory.mktemp("journeys"))})


@pytest.fixture(scope="module")
def window(browser) -> Iterator[Callable[[str], object]]:
    """``window(size)``: the one browser tab of that screen size, which both tests use in turn (a new tab
    costs a cold load of Streamlit's front end, about three CPU-seconds)."""
    pages: dict[str, object] = {}

    def get(size: str):  # noqa: ANN202
        if size not in pages:
            pages[size] = browser.new_context(viewport=SIZES[size]).new_page()
        return pages[size]

    yield get
    for page in pages.values():
        page.context.close()


@pytest.mark.parametrize("size", list(SIZES))
def test_the_village_card_fits_the_screen_and_shows_band_trend_and_targets(window, server, size):
    from playwright.sync_api import expect

    page = window(size)
    open_page(page, f"{server}/kyla?village={VILLAGE}")
    main = page.get_by_test_id("stMain")
    expect(main.get_by_text(t("village.kpi_trend", "fi"), exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    expect(main.get_by_text(t("village.weaknesses", "fi"), exact=True)).to_be_visible()
    expect(main.get_by_text(t("village.ideas", "fi"), exact=True).first).to_be_visible()
    page.wait_for_timeout(1500)  # Plotly draws after the script has finished
    assert page.evaluate(OVERFLOWING) == []
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(page, f"after_village_card_{size}")


@pytest.mark.parametrize("size", list(SIZES))
def test_a_repeat_of_an_approved_file_gives_one_message(window, server, size):
    from playwright.sync_api import expect

    path, round_ = next((p, r) for p, r in testing.demo_exports() if p.suffix == ".csv" and r == 2026)
    page = window(size)
    open_page(page, f"{server}/lataa")
    page.get_by_test_id("stSelectbox").filter(has_text=t("upload.round", "fi")).click()
    page.get_by_role("option", name=str(round_), exact=True).click()
    settle(page)
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").click()
    chooser.value.set_files(files=[{"name": path.name, "mimeType": "text/csv", "buffer": path.read_bytes()}])
    expect(page.get_by_text(t("upload.report_title", "fi"), exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    settle(page)
    page.get_by_role("button", name=t("upload.save", "fi")).click()
    page.wait_for_timeout(500)
    settle(page)
    main = page.get_by_test_id("stMain")
    outcome = main.get_by_test_id("stAlert").filter(has_text="Sama tiedosto tallennettiin jo")
    expect(outcome).to_have_count(1, timeout=TIMEOUT_MS)
    assert "koordinaattori on hyväksynyt sen" in outcome.inner_text()
    assert main.get_by_text("Tallennettu, odottaa").count() == 0  # no "saved" beside "not saved again"
    assert main.get_by_test_id("stExpander").filter(has_text="Tallennettu").count() == 0  # nor a status box
    expect(page.get_by_role("button", name=t("upload.save", "fi"))).to_be_disabled()
    assert page.evaluate(OVERFLOWING) == []
    screenshot(page, f"after_upload_repeat_{size}")
