"""End to end in Debian's chromium: a coordinator opens Teemaryhmät, moves a village with the two lists and
reads what happened, opens the statistics, and the page fits a 390 px phone.

Screenshots (``artifacts/screenshots/``): groups_desktop, groups_moved, groups_statistics (1400×1000) and
groups_phone, groups_phone_statistics (390×844).
"""

from __future__ import annotations

import re

import pytest

from indicator.framework import load
from indicator.grouping import make_groups, village_areas
from indicator.i18n import t
from indicator.registry import load_villages
from indicator.storage import Store
from tests.e2e.browser import TIMEOUT_MS, menu_link, open_page, screenshot, settle, sign_in_sidebar
from ui import testing

pytestmark = pytest.mark.e2e

VILLAGE = "Sippola"
OVERFLOW = """() => {
  // elements reaching past the right edge of a 390 px screen, except those a widget clips inside itself
  // (the multiselect's row of chosen villages scrolls within its own box)
  const width = document.documentElement.clientWidth;
  const clipped = e => {  // by a box inside the same element (not by the page's own scrolling containers)
    for (let p = e.parentElement; p && p.getAttribute("data-testid") !== "stElementContainer"; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible" && p.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  return Array.from(document.querySelectorAll("[data-testid='stMain'] *"))
    .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && r.right > width + 1; })
    .filter(e => !clipped(e))
    .map(e => (e.getAttribute("data-testid") || e.tagName) + " " + Math.round(e.getBoundingClientRect().right))
    .slice(0, 10);
}"""


@pytest.fixture(scope="module")
def server(serve, tmp_path_factory) -> str:
    """The demo surveys approved; the test coordinator's hash."""
    url = f"sqlite:///{tmp_path_factory.mktemp('groups-e2e') / 'e2e.db'}"
    store, framework = Store(url), load()
    for path, round_ in testing.demo_exports():
        store.uploads.add(path.read_bytes(), path.name, round_, framework, role="admin", approve=True)
    store.close()
    base = serve({"DATABASE_URL": url, "ALYKYLA_DEMO": "0", "ALYKYLA_COORDINATOR_HASH": testing.test_hash()})
    return base


def area_grouping(pins: dict[str, int] | None = None):
    """The assignments of Sippola's area as the page groups it by default (with these moves)."""
    fw = load()
    table = testing.demo_scores_table()
    latest = table[table["round"] == table["round"].max()].reset_index(drop=True)
    complete = latest[list(fw.dimension_ids)].notna().all(axis=1)
    areas = village_areas(latest["village"].astype(str), load_villages(), "leader_area")
    area = areas[latest["village"] == VILLAGE].iloc[0]
    villages = list(latest.loc[complete & (areas == area), "village"])
    return make_groups(latest, fw, registry=load_villages(), villages=villages, n_groups=3, pins=pins or {},
                       pins_as_shown=True).assignments


def home_and_target() -> tuple[int, int]:
    """Sippola's group in the page's default grouping of its area, and the group the test moves it to."""
    rows = area_grouping()
    home = int(rows.loc[rows["village"] == VILLAGE, "group"].iloc[0])
    return home, 1 if home != 1 else 2


def choose(page, box, typed: str, option: re.Pattern) -> None:
    """Open a selectbox, type to narrow its (virtualised) list and pick the option whose text matches."""
    box.click()
    page.keyboard.type(typed)
    page.get_by_role("option", name=option).first.click()
    page.wait_for_timeout(200)


def open_statistics(page) -> None:
    """Open (or close again) every "Tilastot" expander."""
    for box in page.get_by_test_id("stExpander").filter(has_text=t("groups.stats", "fi")).all():
        box.locator("summary").click()
        page.wait_for_timeout(300)
    settle(page)


def test_move_a_village_and_fit_a_phone(browser, server) -> None:
    from playwright.sync_api import expect

    home, target = home_and_target()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    open_page(page, server)
    sign_in_sidebar(page)
    menu_link(page, t("common.nav_groups", "fi")).click()
    settle(page)
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=t("groups.title", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    expect(main.get_by_text(t("groups.proven", "fi")).first).to_be_visible()
    text = main.inner_text()
    for word in ("k-means", "ARI", "PC1"):  # statistics only inside the closed "Tilastot" expanders
        assert word not in text
    assert not page.get_by_test_id("stException").count()
    screenshot(page, "groups_desktop")

    form = main.get_by_test_id("stForm").first
    boxes = form.get_by_test_id("stSelectbox")
    choose(page, boxes.nth(0), VILLAGE, re.compile(rf"^{VILLAGE}$"))
    choose(page, boxes.nth(1), f"Ryhmä {target}", re.compile(rf"^Ryhmä {target}$"))
    form.get_by_role("button", name=t("groups.move", "fi")).click()
    settle(page)
    moved = t("groups.moved", "fi", village=VILLAGE, group=target)
    expect(main.get_by_test_id("stAlert").filter(has_text=moved).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(main.get_by_text(t("groups.pin_row.moved", "fi", village=VILLAGE, group=target, reference=home),
                            exact=True)).to_be_visible()
    heading = main.get_by_role("heading", name=re.compile(rf"^Ryhmä {target}:")).first  # the first area's
    card = heading.locator("xpath=ancestor::div[@data-testid='stVerticalBlock'][1]")
    expect(card).to_contain_text(VILLAGE)
    screenshot(page, "groups_moved")

    # a second move from the same lists: the lists must send what they show after the first one
    rows = area_grouping({VILLAGE: target})
    second = rows[(rows["village"] != VILLAGE) & (rows["group"] != 2)].sort_values("village").iloc[0]["village"]
    choose(page, boxes.nth(0), second, re.compile(rf"^{second}$"))
    choose(page, boxes.nth(1), "Ryhmä 2", re.compile(r"^Ryhmä 2$"))
    form.get_by_role("button", name=t("groups.move", "fi")).click()
    settle(page)
    expect(main.get_by_test_id("stAlert").filter(has_text=t("groups.moved", "fi", village=second, group=2)).first
           ).to_be_visible(timeout=TIMEOUT_MS)

    open_statistics(page)
    expect(main.get_by_test_id("stPlotlyChart").first).to_be_visible(timeout=TIMEOUT_MS)
    screenshot(page, "groups_statistics")

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(800)
    settle(page)
    assert page.evaluate(OVERFLOW) == []
    screenshot(page, "groups_phone_statistics")
    open_statistics(page)  # closed again: the main view on a phone
    assert page.evaluate(OVERFLOW) == []
    screenshot(page, "groups_phone")
    context.close()
