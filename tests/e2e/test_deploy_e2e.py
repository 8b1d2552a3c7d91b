"""The deployment as it will run (docs/deploy.md): Debian's nginx with the project's site file
(deploy/nginx/alykyla.conf: TLS, sticky sessions by a cookie hash, websockets) in front of TWO
``streamlit run`` processes on one PostgreSQL database, in Chromium.

* a coordinator approves an upload in a browser served by one process while the overview in another browser,
  served by the other process, shows the new village at its next refresh;
* poll answers from 20 phones, ten on each process, all count once on the seminar screen;
* killing one process mid-session leaves the other serving, and a reload reconnects there.

Which process serves a browser follows from its ``alykyla_node`` cookie (nginx hashes it). The test asks nginx
which cookie value lands where (its access log names the upstream of every request) and gives each browser
context the value of the process it should use; the access log then proves that both processes served
sessions (websockets, ``/_stcore/stream``).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import ssl
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from indicator.i18n import t
from tests.e2e.browser import TIMEOUT_MS, menu_link, settle, sign_in_sidebar
from tests.e2e.conftest import answering, free_port, launch, missing, stop
from tests.e2e.nginx import Nginx
from tests.storage_helpers import fresh_pg_database, pg_server_url
from ui import testing

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

ROUND = date.today().year
POLL_ROUND = 2031
NEW_VILLAGE = "Salmenkylä"
PHONES = 20


@dataclass
class Deployment:
    nginx: Nginx
    processes: dict[int, object]  # app port -> its Popen
    node: dict[int, str]  # app port -> an alykyla_node cookie value that nginx sends there
    url: str

    @property
    def ports(self) -> list[int]:
        return list(self.processes)

    def context(self, browser, port: int, **options):  # noqa: ANN001
        """A browser context whose requests nginx sends to the app process on ``port``."""
        context = browser.new_context(ignore_https_errors=True, **options)
        context.add_cookies([{"name": "alykyla_node", "value": self.node[port], "url": self.nginx.base}])
        return context

    def streams(self) -> dict[int, int]:
        """Websocket sessions per app process, from nginx's access log (logged when they close)."""
        found = {port: 0 for port in self.ports}
        for line in self.nginx.access_log():
            match = re.search(r'"GET /_stcore/stream [^"]*" \d+ upstream=(.*) node=', line)
            if match:
                served = match.group(1).split(",")[-1].strip()  # after a failed try: "dead:port, live:port"
                port = int(served.rsplit(":", 1)[1]) if ":" in served else None
                if port in found:
                    found[port] += 1
        return found

    def logged(self, condition, timeout: float = 15.0) -> bool:  # noqa: ANN001
        """Wait until ``condition(access log text)`` holds (nginx writes a websocket's line when it closes)."""
        deadline = time.monotonic() + timeout
        while not condition("\n".join(self.nginx.access_log())):
            if time.monotonic() > deadline:
                return False
            time.sleep(0.2)
        return True


def seed(url: str) -> None:
    """Two villages approved for this year's round and one upload of a third waiting for approval."""
    from indicator.framework import load
    from indicator.storage import Store

    framework = load()
    items = [item.id for item in framework.items if item.type == "likert5"][:8]

    def survey(village: str, shift: int) -> bytes:
        rows = [f"{village};" + ";".join(str(2 + (n + k + shift) % 4) for k in range(len(items))) for n in range(6)]
        return ("\n".join(["Kylä;" + ";".join(items), *rows]) + "\n").encode()

    store = Store(url)
    for shift, village in enumerate(("Anjala", "Sippola")):
        store.uploads.add(survey(village, shift), f"{village}.csv", ROUND, framework, role="admin", approve=True)
    store.uploads.add(survey(NEW_VILLAGE, 2), "uusi.csv", ROUND, framework, village=NEW_VILLAGE)
    store.close()


def nodes(nginx: Nginx, ports: list[int]) -> dict[int, str]:
    """For each app port, a cookie value that nginx's hash sends there (read back from the access log)."""
    for n in range(64):
        nginx.get("/_stcore/health", cookie=f"alykyla_node=probe{n}")
    found: dict[int, str] = {}
    for line in nginx.access_log():
        match = re.search(r"upstream=127\.0\.0\.1:(\d+) node=(probe\d+)$", line)
        if match:
            found.setdefault(int(match.group(1)), match.group(2))
    assert set(found) == set(ports), f"64 cookie values all went to {set(found)}"
    return found


@pytest.fixture(scope="module")
def deployment(chromium_path, tmp_path_factory) -> Iterator[Deployment]:  # noqa: ARG001 (chromium is needed)
    if not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        missing("no nginx binary (Debian package nginx-light or nginx)")
    if not shutil.which("openssl"):
        missing("no openssl binary (Debian package openssl)")
    with fresh_pg_database(pg_server_url()) as url:
        seed(url)
        env = {"DATABASE_URL": url, "ALYKYLA_DEMO": "0", "ALYKYLA_COORDINATOR_HASH": testing.test_hash(),
               "ALYKYLA_TRUSTED_PROXY": "1", "STREAMLIT_SERVER_COOKIE_SECRET": os.urandom(16).hex()}
        servers = [launch(env, tmp_path_factory.mktemp("app")) for _ in range(2)]
        nginx = Nginx(tmp_path_factory.mktemp("nginx"), https_port=free_port(), http_port=free_port())
        try:
            servers = [answering(env, server, lambda: tmp_path_factory.mktemp("app"), timeout=90, starts=2)
                       for server in servers]
            processes = {int(base.rsplit(":", 1)[1]): process for process, base, _ in servers}
            nginx.start(list(processes))
            yield Deployment(nginx, processes, nodes(nginx, list(processes)), url)
        finally:
            nginx.stop()
            stop([process for process, _, _ in servers])


def open_app(page, url: str) -> None:  # noqa: ANN001
    page.goto(url)
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
    settle(page)


def set_cookies(deployment: Deployment, cookie: str | None = None, port: int | None = None) -> list[str]:
    """The Set-Cookie headers of one request through nginx (HTTPS, or plain HTTP on ``port``)."""
    if port is None:
        conn = http.client.HTTPSConnection("127.0.0.1", deployment.nginx.https_port, timeout=10,
                                           context=ssl._create_unverified_context())  # the throwaway certificate
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/_stcore/health", headers={"Cookie": cookie} if cookie else {})
    reply = conn.getresponse()
    found = [v for k, v in reply.getheaders() if k.lower() == "set-cookie"] + [f"{reply.status} {reply.getheader('Location')}"]
    conn.close()
    return found


def test_streamlits_static_files_come_from_nginxs_cache_with_the_security_headers(deployment):
    """The second request for a static file never reaches an app process (its log line names no upstream)."""
    status, _, page = deployment.nginx.get("/")
    script = re.search(rb'src="\.?(/static/js/[^"]+\.js)"', page)
    assert status == 200 and script is not None
    path = script.group(1).decode()
    replies = [deployment.nginx.get(path) for _ in range(2)]
    assert [r[0] for r in replies] == [200, 200] and replies[0][2] == replies[1][2]
    assert replies[1][1]["X-Content-Type-Options"] == "nosniff"  # the server's headers hold in that location
    assert replies[1][1]["Content-Security-Policy"] == "frame-ancestors 'self'"

    upstreams = deployment.nginx.upstreams(lambda line: f'"GET {path} ' in line, 2)
    assert upstreams[0] != "-" and upstreams[1] == "-"  # the first from an app process, the second cached


def test_the_site_file_sets_the_node_cookie_once_and_the_security_headers(deployment):
    status, headers, body = deployment.nginx.get("/_stcore/health")
    assert (status, body) == (200, b"ok")
    raw = "\n".join(f"{k}: {v}" for k, v in headers.items())
    assert "Strict-Transport-Security: max-age=31536000" in raw
    assert "X-Content-Type-Options: nosniff" in raw and "Referrer-Policy: strict-origin-when-cross-origin" in raw
    assert "Content-Security-Policy: frame-ancestors 'self'" in raw

    first = [c for c in set_cookies(deployment) if c.startswith("alykyla_node=")]
    assert len(first) == 1
    assert re.fullmatch(r"alykyla_node=[0-9a-f]{32}; Path=/; Max-Age=604800; HttpOnly; Secure; SameSite=Lax", first[0])
    node = first[0].split(";")[0]
    assert not [c for c in set_cookies(deployment, node) if c.startswith("alykyla_node=")]  # set once
    # the request that handed out the id went where every later request with it goes
    served = deployment.nginx.upstreams(lambda line: line.endswith(f"node={node.split('=')[1]}"), 2)
    assert len(served) == 2 and served[0] == served[1]
    assert set_cookies(deployment, port=deployment.nginx.http_port)[-1] == (
        "301 https://127.0.0.1/_stcore/health")  # plain HTTP only redirects


def test_an_approval_in_one_process_shows_in_the_other_at_the_next_refresh(browser, deployment):
    from playwright.sync_api import expect

    one, other = deployment.ports
    viewer_context = deployment.context(browser, other, viewport={"width": 1366, "height": 900})
    viewer = viewer_context.new_page()
    open_app(viewer, deployment.nginx.base)
    villages = viewer.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")
    expect(villages).to_have_text("2", timeout=TIMEOUT_MS)  # the overview has cached these scores
    grid = viewer.get_by_test_id("stDataFrame").first
    expect(grid.get_by_text("Sippola", exact=True).first).to_be_attached(timeout=TIMEOUT_MS)
    expect(grid.get_by_text(NEW_VILLAGE, exact=True)).to_have_count(0)

    coordinator_context = deployment.context(browser, one, viewport={"width": 1366, "height": 900})
    coordinator = coordinator_context.new_page()
    open_app(coordinator, deployment.nginx.base)
    sign_in_sidebar(coordinator)
    menu_link(coordinator, t("common.nav_admin", "fi")).click()
    expect(coordinator.get_by_text(t("admin.pending_title", "fi", n=1))).to_be_visible(timeout=TIMEOUT_MS)
    coordinator.get_by_role("button", name=t("admin.approve", "fi")).click()
    expect(coordinator.get_by_text(t("admin.no_pending", "fi"))).to_be_visible(timeout=TIMEOUT_MS)

    viewer.reload()  # one refresh, in the other process
    settle(viewer)
    expect(villages).to_have_text("3", timeout=TIMEOUT_MS)
    expect(grid.get_by_text(NEW_VILLAGE, exact=True).first).to_be_attached(timeout=TIMEOUT_MS)
    coordinator_context.close()
    viewer_context.close()
    assert deployment.logged(lambda _: min(deployment.streams().values()) >= 1), deployment.streams()


def test_poll_answers_from_twenty_phones_on_both_processes_count_once(browser, deployment):
    from playwright.sync_api import expect

    one, other = deployment.ports
    screen_context = deployment.context(browser, one, viewport={"width": 1920, "height": 1080})
    screen = screen_context.new_page()
    # the poll slide (its results and the live count), as the hall sees it while answering
    screen.goto(f"{deployment.nginx.base}/seminaari?embed=true&every=5&slide=participation&poll_round={POLL_ROUND}")
    count = screen.locator(".st-key-seminar_count")
    expect(count).to_contain_text(t("seminar.poll.count", "fi", n=0), timeout=TIMEOUT_MS)
    before = deployment.streams()

    phones = []
    for n in range(PHONES):  # every page asked for at once: the two processes draw them side by side
        context = deployment.context(browser, (one, other)[n % 2], viewport={"width": 390, "height": 844},
                                     is_mobile=True, has_touch=True)
        page = context.new_page()
        page.goto(f"{deployment.nginx.base}/kysely?poll_round={POLL_ROUND}", wait_until="commit")
        phones.append((context, page))
    for n, (_, page) in enumerate(phones):
        radios = page.locator("[data-testid='stRadio']")
        expect(radios.first).to_be_visible(timeout=2 * TIMEOUT_MS)
        radios.nth(0).get_by_text(t("poll.likert.4", "fi"), exact=True).click()
        radios.nth(1).get_by_text(t(f"poll.likert.{1 + n % 5}", "fi"), exact=True).click()
        page.get_by_role("button", name=t("poll.submit", "fi")).click()
    for _, page in phones:
        expect(page.get_by_text(t("poll.thanks", "fi"))).to_be_visible(timeout=2 * TIMEOUT_MS)
    sent = time.monotonic()
    expect(count).to_contain_text(t("seminar.poll.count", "fi", n=PHONES), timeout=30_000)
    waited = time.monotonic() - sent
    for context, _ in phones:
        context.close()
    screen_context.close()

    from indicator import poll
    from indicator.framework import load
    from indicator.storage import Store

    store = Store(deployment.url)
    answers = store.poll.responses(POLL_ROUND)
    store.close()
    first, second = (item.id for item in poll.choose_items(load(), None)[:2])
    assert answers["respondent"].nunique() == PHONES and len(answers) == 2 * PHONES  # each phone once
    assert answers.loc[answers["item"] == first, "value"].tolist() == [4.0] * PHONES
    assert answers.loc[answers["item"] == second, "value"].value_counts().to_dict() == {v: 4 for v in range(1, 6)}
    assert waited < 15

    def served() -> dict[int, int]:
        return {port: deployment.streams()[port] - before[port] for port in deployment.ports}

    # each process served its ten phones (and the first one the screen too)
    expected = {one: PHONES // 2 + 1, other: PHONES // 2}
    assert deployment.logged(lambda _: all(served()[port] >= n for port, n in expected.items())), served()


def test_killing_one_process_leaves_the_other_serving_and_a_reload_reconnects(browser, deployment):
    from playwright.sync_api import expect

    doomed, survivor = deployment.ports
    pages = {}
    for port in (doomed, survivor):
        context = deployment.context(browser, port, viewport={"width": 1366, "height": 900})
        page = context.new_page()
        open_app(page, deployment.nginx.base)
        pages[port] = (context, page)
    heading = re.compile(re.escape(t("common.app_title", "fi")))
    # what the survivor's overview shows now (the approval test, if it ran before on this deployment, made it
    # 3): the reloaded page must show the same, whichever tests ran before on this deployment
    villages = pages[survivor][1].get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")
    expect(villages).to_have_text(re.compile(r"^[1-9]\d*$"), timeout=TIMEOUT_MS)
    shown = villages.inner_text()

    deployment.processes[doomed].kill()  # mid-session: its browser's websocket drops
    deployment.processes[doomed].wait(timeout=10)
    _, kept = pages[survivor]
    kept.get_by_test_id("stSidebar").get_by_text(t("common.nav_progress", "fi"), exact=True).click()
    settle(kept)  # the other process goes on serving its sessions
    expect(kept.get_by_test_id("stMain").get_by_role("heading").first).to_be_visible(timeout=TIMEOUT_MS)

    _, orphan = pages[doomed]
    orphan.reload()  # the same browser, the same node cookie: nginx finds its process gone and uses the other
    orphan.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
    settle(orphan)
    expect(orphan.get_by_test_id("stMain").get_by_role("heading", name=heading).first).to_be_visible(
        timeout=TIMEOUT_MS)
    expect(orphan.get_by_test_id("stMetric").first.get_by_test_id("stMetricValue")).to_have_text(
        shown, timeout=TIMEOUT_MS)
    for context, _ in pages.values():
        context.close()
    # nginx tried the dead process, then served that browser from the other one
    assert deployment.logged(lambda log: f"upstream=127.0.0.1:{doomed}, 127.0.0.1:{survivor}" in log)
    assert deployment.processes[survivor].poll() is None
