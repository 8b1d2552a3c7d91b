"""Every address works as the first request of a freshly started server (ui/navigation.py, docs/architecture.md
"Router"): the frame is drawn, the right page shows, no "Page not found", and a coordinator address shows the
public a sign-in prompt and nothing of the coordinator page.

One server per address (the first ``st.navigation`` call ends Streamlit's legacy ``pages/`` mode for the whole
process, so only a server's first request takes that path). The fixture starts the servers in turn, opens
each one's first request and reads what the page shows; the tests then check what was read.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from indicator.i18n import t
from tests.e2e.browser import TIMEOUT_MS, menu_link, menu_titles, send_until, settle
from tests.e2e.conftest import Server, answering, free_port, launch, stop
from ui import testing
from ui.navigation import PAGES as NAV_PAGES

pytestmark = pytest.mark.e2e


@dataclass(frozen=True)
class Address:
    path: str  # what follows the server's base URL
    heading: str  # a heading only that page shows (a regular expression)
    coordinator: bool = False


PROMPT = re.escape(t("common.signin_required_title", "fi"))
PAGES = {
    "etusivu": re.escape(t("common.app_title", "fi")),
    "kyla": r"Sippola · \d{4}",
    "mittaristo": re.escape(t("framework.title", "fi")),
    "eteneminen": re.escape(t("progress.title", "fi")),
    "tavoitteet": re.escape(t("goals.title", "fi")),
    "vastaa": re.escape(t("common.nav_answer", "fi")),
    "lataa": re.escape(t("common.nav_upload", "fi")),
    "seminaari": re.escape(t("seminar.poll.cta", "fi")),
    "kysely": re.escape(t("poll.title", "fi")),
}
ADDRESSES = [
    Address("", PAGES["etusivu"]),
    Address("etusivu", PAGES["etusivu"]),
    Address("kyla?village=Sippola", PAGES["kyla"]),
    Address("mittaristo", PAGES["mittaristo"]),
    Address("eteneminen", PAGES["eteneminen"]),
    Address("tavoitteet", PAGES["tavoitteet"]),
    Address("vastaa?kyla=Sippola", PAGES["vastaa"]),
    Address("lataa", PAGES["lataa"]),
    Address("seminaari?embed=true", PAGES["seminaari"]),
    Address("kysely", PAGES["kysely"]),
    Address("hallinta", PROMPT, coordinator=True),
    Address("teemaryhmat", PROMPT, coordinator=True),
    Address("strategiat", PROMPT, coordinator=True),
    Address("overview", PAGES["etusivu"]),
    Address("village?village=Sippola", PAGES["kyla"]),
    Address("framework", PAGES["mittaristo"]),
    Address("progress", PAGES["eteneminen"]),
    Address("goals", PAGES["tavoitteet"]),
    Address("upload", PAGES["lataa"]),
    Address("seminar", PAGES["seminaari"]),
    Address("poll", PAGES["kysely"]),
    Address("admin", PROMPT, coordinator=True),
    Address("groups", PROMPT, coordinator=True),
]
KEPT = {"admin", "kyla?village=Sippola"}  # tabs the last two tests go on using
PUBLIC_MENU = [t(f"common.nav_{spec.name}", "fi") for spec in NAV_PAGES if not spec.coordinator]
# What the public must never see of the coordinator pages: their menu entries and section; at their addresses
# also their titles, the admin page's queue and the groups page's controls.
COORDINATOR_MENU = [t(f"common.nav_{spec.name}", "fi") for spec in NAV_PAGES if spec.coordinator]
COORDINATOR_HEADINGS = {t("common.nav_admin", "fi"), t("groups.title", "fi"), t("strategy.title", "fi")}
COORDINATOR_TEXTS = [t("admin.pending_title", "fi", n=0).split("(")[0].strip(), t("admin.no_pending", "fi"),
                     t("groups.count", "fi"), t("groups.move_title", "fi")]


def small_database(folder: Path) -> Path:
    """Two villages of this year's round, six respondents each: every page has something to draw, little to
    compute (23 servers share two CPU cores). Sippola is not the first village, so ``?village=`` shows."""
    from indicator.framework import load
    from indicator.storage import Store

    framework = load()
    items = [item.id for item in framework.items if item.type == "likert5"][:8]
    rows = [f"{village};" + ";".join(str(3 + (n + k) % 3) for k in range(len(items)))
            for village in ("Anjala", "Sippola") for n in range(6)]
    path = folder / "small.db"
    store = Store(f"sqlite:///{path}")
    csv = "\n".join(["Kylä;" + ";".join(items), *rows]) + "\n"
    store.uploads.add(csv.encode(), "pieni.csv", date.today().year, framework, role="admin", approve=True)
    store.close()
    return path


@dataclass(frozen=True)
class Seen:
    """What a server's first request showed in the browser, read while that server ran."""
    sidebar: str  # the sidebar's text, hidden parts too (an embedded page's sidebar is collapsed)
    collapsed: str | None  # the sidebar's data-collapsed
    headings: list[str]  # the main area's headings
    body: str  # the page's visible text
    dialogs: int
    exceptions: int
    menu: list[str]  # the titles in the app's page menu
    prompt: bool  # the sign-in prompt is visible


def first_request(tab, base: str, address: Address) -> Seen:
    """Open ``address`` as its server's first request, wait for its page to settle and read what it shows."""
    tab.goto(f"{base}/{address.path}", wait_until="commit", timeout=TIMEOUT_MS)
    main = tab.get_by_test_id("stMain")
    main.get_by_role("heading", name=re.compile(address.heading)).first.wait_for(timeout=2 * TIMEOUT_MS)
    settle(tab, timeout=2 * TIMEOUT_MS)
    sidebar = tab.get_by_test_id("stSidebar")
    return Seen(sidebar=" ".join((sidebar.text_content() or "").split()),
                collapsed=sidebar.get_attribute("data-collapsed"),
                headings=[h.strip() for h in main.get_by_role("heading").all_inner_texts()],
                body=tab.inner_text("body"), dialogs=tab.get_by_role("dialog").count(),
                exceptions=tab.get_by_test_id("stException").count(), menu=menu_titles(tab),
                prompt=tab.get_by_text(t("common.signin_required", "fi")).is_visible())


@pytest.fixture(scope="module")
def first_requests(browser, tmp_path_factory) -> Iterator[tuple[dict[str, Seen], dict[str, object]]]:
    """(address path -> what its server's first request showed, kept address path -> its open tab).

    The servers run two at a time, on two ports that each next server takes over: the browser caches
    Streamlit's front end per origin, so one tab that goes from server to server loads it twice instead of
    23 times (a new tab's cold load costs about three CPU-seconds of Chromium, a cached one one), while the
    next server starts during the current one's checks. The servers of ``KEPT`` stay up with their tabs.
    """
    env = {"ALYKYLA_DEMO": "0", "ALYKYLA_COORDINATOR_HASH": testing.test_hash()}
    template = small_database(tmp_path_factory.mktemp("small"))
    order = [a for a in ADDRESSES if a.path not in KEPT] + [a for a in ADDRESSES if a.path in KEPT]
    ports = [free_port(), free_port()]
    running: dict[int, Server] = {}
    envs: dict[int, dict[str, str]] = {}

    def folder() -> Path:
        return tmp_path_factory.mktemp("fresh")

    def start(n: int) -> None:
        where = folder()
        envs[n] = {**env, "DATABASE_URL": f"sqlite:///{shutil.copyfile(template, where / 'small.db')}"}
        running[n] = launch(envs[n], where, port=ports[n % 2])

    def ready(n: int) -> str:
        """The server's base URL once it answers; one started again elsewhere (its port was taken between
        two servers) hands its new port on to the servers after it."""
        running[n] = answering(envs[n], running[n], folder, starts=2)
        base = running[n][1]
        ports[n % 2] = int(base.rsplit(":", 1)[1])
        return base

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    seen: dict[str, Seen] = {}
    tabs: dict[str, object] = {}
    try:
        start(0)
        start(1)
        for n, address in enumerate(order):
            base = ready(n)
            if address.path in KEPT and tabs:
                tab = context.new_page()  # the first kept tab stays on its page
            seen[address.path] = first_request(tab, base, address)
            if address.path in KEPT:
                tabs[address.path] = tab
            else:
                tab.goto("about:blank")  # the session ends before its server does
                stop([running.pop(n)[0]])
            if n + 2 < len(order):
                start(n + 2)
        yield seen, tabs
    finally:
        context.close()
        stop([process for process, _, _ in running.values()])


@pytest.mark.parametrize("address", ADDRESSES, ids=lambda a: "/" + a.path)
def test_first_request_shows_the_frame_and_its_page(first_requests, address):
    seen = first_requests[0][address.path]
    assert t("common.login_title", "fi") in seen.sidebar  # the frame: sign-in, filters and language
    assert t("common.filter_area", "fi") in seen.sidebar
    assert "Kieli · Språk · Language" in seen.sidebar
    assert [h for h in seen.headings if re.search(address.heading, h)]
    assert seen.dialogs == 0
    assert "not found" not in seen.body.lower()  # Streamlit's "Page not found"
    assert not seen.exceptions
    assert not set(COORDINATOR_MENU) & set(seen.menu)
    assert t("common.nav_section_coordinator", "fi") not in seen.body.splitlines()
    if address.coordinator:  # (the seminar's public groups slide is also headed "Teemaryhmät")
        assert seen.prompt
        assert not COORDINATOR_HEADINGS & set(seen.headings)
        assert not [text for text in COORDINATOR_TEXTS if text in seen.body]
    embedded = "embed=true" in address.path
    assert seen.menu == ([] if embedded else PUBLIC_MENU)
    if embedded:
        assert seen.collapsed == "true"


# Counts the script runs that start from now on (Streamlit's app element marks each run). The whole document
# is watched, not the app element found now: an app element that Streamlit draws anew (seen once in a clean
# clone on two cores: signed in, and no run counted on the element the counter held) is counted too.
COUNT_RUNS_JS = """() => { window.__alykylaRuns = 0;
  new MutationObserver((changes) => { window.__alykylaRuns += changes.filter((c) => c.target.dataset
      && c.target.dataset.testid === "stApp"
      && (c.target.dataset.testScriptState === "running" || c.oldValue === "running")).length; })
    .observe(document.documentElement, {attributes: true, attributeOldValue: true, subtree: true,
                                        attributeFilter: ["data-test-script-state"]}); }"""


def test_signing_in_right_after_a_fresh_servers_first_request_opens_the_page(first_requests):
    """The frame's sign-in form, drawn in the legacy first run, still answers in the next run (one widget
    identity in both); after it the same address shows the coordinator page. A press that no run followed
    (swallowed by the browser on a loaded machine) is made again, at most three in all."""
    from playwright.sync_api import expect

    tab = first_requests[1]["admin"]
    sidebar = tab.get_by_test_id("stSidebar")
    sidebar.get_by_text(t("common.login_title", "fi")).click()
    signed_in = sidebar.get_by_text(t("common.signed_in", "fi"))
    presses = 0

    def send() -> bool:
        # A press that started a run and did not sign in is the bug this test looks for (the form's widgets
        # of the first run unknown to the next): no second press. One that started no run at all was
        # swallowed by the browser on a loaded machine (the form still filled) and is made again. The count
        # starts at the first press, so a run before it (a reconnection) stops no press.
        nonlocal presses
        if presses and tab.evaluate("() => window.__alykylaRuns"):
            return False
        if not presses:
            tab.evaluate(COUNT_RUNS_JS)
        presses += 1
        sidebar.get_by_label(t("common.login_passphrase", "fi")).fill(testing.TEST_PASSPHRASE)
        sidebar.get_by_role("button", name=t("common.login_submit", "fi"), exact=True).click()
        return True

    send_until(tab, signed_in, send)
    assert tab.evaluate("() => window.__alykylaRuns") > 0  # the counter sees runs (so "no run" above is true)
    main = tab.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=t("common.nav_admin", "fi"), exact=True)).to_be_visible(timeout=TIMEOUT_MS)
    settle(tab)
    assert menu_titles(tab) == PUBLIC_MENU + COORDINATOR_MENU
    assert tab.url.endswith("/admin")


def test_changing_the_language_right_after_a_fresh_servers_first_request(first_requests):
    from playwright.sync_api import expect

    tab = first_requests[1]["kyla?village=Sippola"]
    tab.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").first.click()
    tab.get_by_role("option", name="Svenska").click()
    expect(menu_link(tab, t("common.nav_village", "sv")).first).to_be_visible(timeout=TIMEOUT_MS)
    expect(tab.get_by_test_id("stMain").get_by_role("heading", name=re.compile(r"Sippola · \d{4}"))).to_be_visible()
    assert "lang=sv" in tab.url and "village=Sippola" in tab.url


def test_every_registered_address_is_checked_here():
    """A new page (or alias) must join ADDRESSES, so that its first request on a fresh server is tested."""
    registered = {address for spec in NAV_PAGES for address in spec.addresses}
    checked = {a.path.split("?")[0] for a in ADDRESSES} - {""}
    assert registered == checked
