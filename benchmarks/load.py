"""Load test on loopback: browsing and uploading sessions, the seminar screen and a hall answering the poll.

    python benchmarks/load.py [--sessions 20] [--duration 180] [--answers 100] [--uploads 3]

Starts ``streamlit run app.py`` on 127.0.0.1 over a copy of the demo database and drives Debian's chromium
(``/usr/bin/chromium`` through Playwright, one browser, one context per visitor) for ``--duration`` seconds:

- ``--sessions`` visitors browse the public pages through the app's menu and each sends up to
  ``--uploads`` survey files on Lataa kysely (read, report, save), each from its own network address;
- the seminar screen (``/seminaari?embed=true&every=5``) stays open and refreshes itself;
- ``--answers`` phones answer the poll, spread over the run, all from one address (a hall behind one
  Wi-Fi), each a new device (no cookies; four phones' browsers are reused, so their caches are warm as
  real phones' own would be and Chromium's work stays small next to the server's).

Afterwards it checks that nothing was lost (every poll answer and every saved file is in the database)
and that no page showed an error, and prints the median and 95th percentile of the times people wait:
a page drawn after a menu click or a first visit, a file's report, a save, a poll answer. Exit code 1
when something was lost or an error was shown. Loopback only: the server listens on 127.0.0.1 and the
script never talks to any other address. On demand only: not part of the test suite.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indicator.framework import load  # noqa: E402
from indicator.registry import load_villages  # noqa: E402
from indicator.storage import Store  # noqa: E402
from ui import testing  # noqa: E402

PAGES = ("", "kyla", "mittaristo", "eteneminen", "tavoitteet", "lataa")
HALL_ADDRESS = "203.0.113.50"  # the seminar venue's one public address (documentation range)
POLL_ROUND = 2099
ERROR_SELECTORS = ("[data-testid='stException']", "[data-testid='stAlertContentError']")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 120_000
STAGGER = 1.5  # seconds between two visitors' arrivals


@dataclass
class Results:
    """What the run measured (seconds) and what went wrong."""

    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)  # errors the app showed
    timeouts: list[str] = field(default_factory=list)  # waits the browser gave up (an overloaded machine)
    saved: int = 0
    answered: int = 0
    seminar_checks: int = 0

    def took(self, kind: str, started: float) -> None:
        self.times[kind].append(time.monotonic() - started)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(database: str, folder: Path) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free loopback port, trusting X-Forwarded-For (each visitor's address)."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database, "ALYKYLA_DEMO": "0", "ALYKYLA_TRUSTED_PROXY": "1"}
    log = (folder / "streamlit.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
         "--global.developmentMode", "false"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as reply:
                if reply.read().strip() == b"ok":
                    return process, base
        except OSError:
            time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"the server did not start; see {folder / 'streamlit.log'}")


def cpu_seconds(pids: list[int]) -> float:
    """User and system CPU seconds used so far by these processes and their children that ended."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(v) for v in fields[11:15]) / tick  # utime, stime, cutime, cstime
    return total


def survey_file(village: str, rng: random.Random, respondents: int = 8) -> bytes:
    """A small survey export of one village: every likert item of the framework, random answers."""
    items = [i.id for i in load().items if i.type == "likert5"]
    lines = [";".join(["Kylä", *items])]
    for _ in range(respondents):
        lines.append(";".join([village, *(str(rng.randint(1, 5)) for _ in items)]))
    return ("\n".join(lines) + "\n").encode("utf-8")


async def settle(page) -> None:
    """Streamlit is connected, its script has finished and no skeleton is left (as tests/e2e waits)."""
    await page.wait_for_timeout(150)
    await page.wait_for_selector("[data-testid='stApp'][data-test-connection-state='CONNECTED']", timeout=TIMEOUT_MS)
    await page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=TIMEOUT_MS)
    await page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
                                 timeout=TIMEOUT_MS)


async def shown_errors(page, where: str, results: Results) -> None:
    """Record any error element or "Page not found" on the page."""
    for selector in ERROR_SELECTORS:
        count = await page.locator(selector).count()
        if count:
            text = (await page.locator(selector).first.inner_text())[:200]
            results.errors.append(f"{where}: {selector} {text!r}")
    if await page.get_by_text("Page not found").count():
        results.errors.append(f"{where}: Page not found")


async def visit(page, base: str, address: str, results: Results, first: bool) -> None:
    """Open a page: the first time by its address, later through the app's menu (as a reader does)."""
    started = time.monotonic()
    link = page.locator(f"[data-testid='stSidebar'] [data-testid='stPageLink-NavLink'][href='{address}']")
    if first or not await link.count():
        await page.goto(f"{base}/{address}")
        await page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
        kind = "first visit"
    else:
        await link.first.click()
        kind = "menu click"
    await settle(page)
    results.took(kind, started)
    await shown_errors(page, f"/{address}", results)


async def upload(page, base: str, data: bytes, name: str, results: Results) -> None:
    """Send one file on Lataa kysely: choose it, wait for the report, save, wait for the saved message."""
    await visit(page, base, "lataa", results, first=False)
    started = time.monotonic()
    await page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": data}])
    await page.wait_for_selector("[data-testid='stMetric']", timeout=TIMEOUT_MS)
    await settle(page)
    results.took("file report", started)
    await shown_errors(page, "/lataa report", results)
    started = time.monotonic()
    await page.get_by_test_id("stMainBlockContainer").get_by_role("button", name="Tallenna").click()
    saved = page.locator("[data-testid='stAlertContentSuccess']", has_text=name)  # this file's own message
    await saved.wait_for(timeout=TIMEOUT_MS)
    results.took("save", started)
    results.saved += 1
    await shown_errors(page, "/lataa save", results)
    await visit(page, base, "", results, first=False)  # on to the front page: the next file starts afresh


async def visitor(browser, base: str, n: int, deadline: float, uploads: int, villages: list[str],
                  results: Results) -> None:
    """One visitor from its own address: browse the pages in a random order, now and then send a file."""
    rng = random.Random(n)
    await asyncio.sleep(n * STAGGER)  # visitors arrive one after another, not all in the same second
    context = await browser.new_context(viewport={"width": 1280, "height": 900},
                                        extra_http_headers={"X-Forwarded-For": f"198.51.100.{n + 1}"})
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    sent, first = 0, True
    try:
        while time.monotonic() < deadline:
            if sent < uploads and not first and rng.random() < 0.25:
                village = villages[(n * uploads + sent) % len(villages)]
                await upload(page, base, survey_file(village, rng), f"kysely-{n}-{sent}.csv", results)
                sent += 1
            else:
                await visit(page, base, rng.choice(PAGES[:-1]), results, first)
                first = False
            await page.wait_for_timeout(rng.randint(500, 2500))  # reading time
    except Exception as exc:  # noqa: BLE001 - a stuck page is a finding, not a crash of the script
        results.timeouts.append(f"visitor {n}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


async def phone(context, base: str, k: int, results: Results) -> None:
    """One poll answer from a new device in the hall: the slot's browser without cookies (so a new device
    cookie; the browser's cache stays warm, as the phone's own would be)."""
    await context.clear_cookies()
    page = await context.new_page()
    started = time.monotonic()
    try:
        await page.goto(f"{base}/kysely?poll_round={POLL_ROUND}")
        await page.wait_for_selector("[data-testid='stRadio']", timeout=TIMEOUT_MS)
        main = page.get_by_test_id("stMainBlockContainer")
        await main.get_by_test_id("stRadio").first.get_by_text("Jokseenkin samaa mieltä").click()
        await main.get_by_test_id("stFormSubmitButton").click()
        await page.get_by_text("Kiitos vastauksestasi").wait_for(timeout=TIMEOUT_MS)
        results.took("poll answer", started)
        results.answered += 1
        await shown_errors(page, "/kysely", results)
    except Exception as exc:  # noqa: BLE001
        results.timeouts.append(f"phone {k}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await page.close()


async def hall(browser, base: str, answers: int, duration: float, results: Results, slots: int = 4) -> None:
    """``answers`` phones, started evenly over the first 80 % of the run, at most ``slots`` answering at
    once, all behind the hall's one address."""
    start = time.monotonic()
    queue: asyncio.Queue[int] = asyncio.Queue()
    for k in range(answers):
        queue.put_nowait(k)

    async def slot() -> None:
        context = await browser.new_context(viewport={"width": 390, "height": 844},
                                            extra_http_headers={"X-Forwarded-For": HALL_ADDRESS})
        context.set_default_timeout(TIMEOUT_MS)
        while not queue.empty():
            k = queue.get_nowait()
            await asyncio.sleep(max(0.0, start + k * duration * 0.8 / answers - time.monotonic()))
            await phone(context, base, k, results)
        await context.close()

    await asyncio.gather(*(slot() for _ in range(slots)))


async def seminar(browser, base: str, done: asyncio.Event, results: Results) -> str:
    """The projector: the seminar screen open all the time (it refreshes itself), checked every 10 s; when
    everyone is done, its count of poll answers (waiting up to a minute for it to catch up)."""
    context = await browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(TIMEOUT_MS)
    page = await context.new_page()
    await page.goto(f"{base}/seminaari?embed=true&every=5&poll_round={POLL_ROUND}")
    await page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
    while not done.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(done.wait(), timeout=10)
        await shown_errors(page, "/seminaari", results)
        results.seminar_checks += 1
    count = ""
    for _ in range(60):
        count = (await page.locator("[class*='st-key-seminar_count']").inner_text()).strip()
        if count.endswith(f" {results.answered}"):
            break
        await page.wait_for_timeout(1000)
    await context.close()
    return count


async def run(base: str, args: argparse.Namespace, villages: list[str]) -> tuple[Results, str]:
    from playwright.async_api import async_playwright

    results = Results()
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        warm = await browser.new_page()
        for address in ("", "kysely", "seminaari", "lataa"):  # a fresh server's first requests
            await warm.goto(f"{base}/{address}")
            await warm.wait_for_selector("[data-testid='stAppViewContainer']", timeout=TIMEOUT_MS)
            await settle(warm)
        await warm.close()
        deadline = time.monotonic() + args.duration
        done = asyncio.Event()
        screen = asyncio.create_task(seminar(browser, base, done, results))
        tasks = [visitor(browser, base, n, deadline, args.uploads, villages, results) for n in range(args.sessions)]
        await asyncio.gather(*tasks, hall(browser, base, args.answers, args.duration, results))
        done.set()
        count = await screen
        await browser.close()
    return results, count


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--duration", type=float, default=180.0, help="seconds of browsing")
    parser.add_argument("--answers", type=int, default=100, help="poll answers from the hall")
    parser.add_argument("--uploads", type=int, default=3, help="files each visitor sends at most")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="alykyla-load-"))
    database = testing.demo_database(folder)
    villages = load_villages()["village"].tolist()
    process, base = start_server(database, folder)
    wall, server_cpu = time.monotonic(), cpu_seconds([process.pid])
    try:
        results, count = asyncio.run(run(base, args, villages))
        server_cpu = cpu_seconds([process.pid]) - server_cpu
    finally:
        process.terminate()
        process.wait(timeout=30)
    wall = time.monotonic() - wall

    store = Store(database)
    stored_answers = int(store.poll.responses(POLL_ROUND)["respondent"].nunique())
    stored_files = int((store.uploads.table()["status"] == "pending").sum())
    lost = []
    if stored_answers != results.answered:
        lost.append(f"poll: {results.answered} thanked, {stored_answers} stored")
    if stored_files != results.saved:
        lost.append(f"uploads: {results.saved} saved on screen, {stored_files} stored")

    load_avg = os.getloadavg()
    print(f"load test: {args.sessions} visitors, {args.duration:.0f} s, {args.answers} poll answers, "
          f"wall {wall:.0f} s, machine load average {load_avg[0]:.1f} ({os.cpu_count()} cores); the server used "
          f"{server_cpu:.0f} CPU-seconds ({100 * server_cpu / wall:.0f} % of one core), the rest went to chromium "
          "and to the machine's other work")
    for kind, values in results.times.items():
        print(f"  {kind:12s} n={len(values):4d}  median {statistics.median(values) * 1000:6.0f} ms  "
              f"p95 {percentile(values, 0.95) * 1000:6.0f} ms  max {max(values) * 1000:6.0f} ms")
    every = [v for values in results.times.values() for v in values]
    if every:
        print(f"  {'all waits':12s} n={len(every):4d}  median {statistics.median(every) * 1000:6.0f} ms  "
              f"p95 {percentile(every, 0.95) * 1000:6.0f} ms")
    print(f"  poll answers: {results.answered} thanked, {stored_answers} stored; seminar screen shows '{count}' "
          f"({results.seminar_checks} checks)")
    print(f"  uploads: {results.saved} saved, {stored_files} stored (pending)")
    print(f"  errors shown: {len(results.errors)}; lost: {len(lost)}; waits given up after "
          f"{TIMEOUT_MS // 1000} s: {len(results.timeouts)}")
    for line in [*results.errors[:20], *lost, *results.timeouts[:10]]:
        print(f"    {line}")
    return 1 if results.errors or lost else 0


if __name__ == "__main__":
    raise SystemExit(main())
