"""End to end in Debian's chromium: every page (``ui.navigation.PAGES``, the coordinator's pages signed in)
and every seminar slide on a phone (390×844) and a desktop (1400×1000), every slide on a projector
(1920×1080 and 1280×720), the poll on a phone.

One server over the demo database (every demo round, its theme groups and strategies), one browser, one
signed-in session per screen size and language. What is checked by machine:

- at both sizes no page and no slide is wider than the screen: ``document.documentElement.scrollWidth <=
  innerWidth``, the main area does not scroll sideways, and no visible element runs past the right edge
  (``box.right > innerWidth + 1``), where "visible" is the part of its box that no ancestor clips (a data
  grid or a tab list scrolls sideways inside itself, and what it hides there is not past the screen's edge);
- every visible text is in the chosen language (fi, sv): no text of another language's catalog or
  framework entry, and of Streamlit's own English strings only those in ``STREAMLIT_OWN``;
- the headline figure (the province index of ``indicator.progress.headline``) is the same number on the
  overview, on the seminar's progress slide and in the command line's ``progress`` province row;
- the goals slide shows no "0 / N" bar, the footer clock is Helsinki time, the footer and the QR caption are
  at least 24 px on a 1920×1080 screen, and a slide fills the screen without a scrollbar;
- the poll's answer choices are at least 44 px tall on a phone and the submit button follows the last one.

With ALYKYLA_SCREENSHOTS=1, screenshots go to ``artifacts/screenshots/`` (``page_<address>_<width>.png``, ``seminar_<slide>_<width>.png``,
``seminar_<slide>.png`` on a 1920×1080 projector);
``ALYKYLA_SHOTS_DIR`` and ``ALYKYLA_SHOTS_PREFIX`` redirect them (e.g. a ``before_`` set for a comparison).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from indicator.charts.seminar import SLIDES
from indicator.i18n import t
from tests.e2e.browser import (
    ROOT,
    SHOTS,
    TAKE_SCREENSHOTS,
    TIMEOUT_MS,
    menu_link,
    open_page,
    settle,
    sign_in_sidebar,
)
from ui import streamlit_strings, testing
from ui.navigation import PAGES

pytestmark = pytest.mark.e2e

SHOT_DIR = Path(os.environ.get("ALYKYLA_SHOTS_DIR") or SHOTS)
SHOT_PREFIX = os.environ.get("ALYKYLA_SHOTS_PREFIX", "")
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
PROJECTORS = ({"width": 1920, "height": 1080}, {"width": 1280, "height": 720})
HELSINKI = ZoneInfo("Europe/Helsinki")
# Streamlit's own English strings that have no setting (ui/streamlit_strings.py holds the app-wide list).
STREAMLIT_OWN = (*streamlit_strings.STREAMLIT_OWN, "Browse files", "Drag and drop file here")
STREAMLIT_ENGLISH = (*STREAMLIT_OWN, "Choose an option", "Choose options", "Page not found", "No results",
                     "Press Enter to apply", "Press Enter to submit form", "Running...", "Show password",
                     "Clear all", "Select all", "Made with Streamlit")


# --- the server and the sessions ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> str:
    """A copy of the demo database (every demo round approved, the demo's groups and strategies)."""
    path = tmp_path_factory.mktemp("screens") / "demo.db"
    shutil.copy(testing.demo_template(), path)
    return f"sqlite:///{path}"


@pytest.fixture(scope="module")
def server(serve, database) -> str:
    return serve({"DATABASE_URL": database, "ALYKYLA_DEMO": "0",
                  "ALYKYLA_COORDINATOR_HASH": testing.test_hash()})


def shot(page, name: str, *, grow: bool = True) -> Path:
    """A screenshot: the whole page (the window grown to the content, as Streamlit scrolls inside its main
    area) or, with ``grow=False``, the window as it is (a slide is sized to the window it reports)."""
    path = SHOT_DIR / f"{SHOT_PREFIX}{name}.png"
    if not TAKE_SCREENSHOTS:
        return path
    SHOT_DIR.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("Math.max(...Array.from(document.querySelectorAll('main, main *'))"
                           ".map(e => e.scrollHeight))") if grow else 0
    if height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 9000)})
        page.wait_for_timeout(250)  # Plotly redraws at the new size
        page.screenshot(path=str(path), full_page=True)
        page.set_viewport_size(size)
    else:
        page.screenshot(path=str(path))
    return path


def sidebar_open(page, want: bool) -> None:
    """Open or close the sidebar (a phone starts with it closed, and a menu link leaves it open)."""
    sidebar = page.get_by_test_id("stSidebar")
    shown = sidebar.is_visible() and (sidebar.bounding_box() or {"x": -1})["x"] >= 0
    if shown == want:
        return
    button = "stExpandSidebarButton" if want else "stSidebarCollapseButton"
    page.get_by_test_id(button).locator("button").or_(page.get_by_test_id(button)).first.click()
    # until the slide-in or slide-out has ended: the sidebar's box at rest, fully in or fully out
    page.wait_for_function(
        """(want) => { const el = document.querySelector("[data-testid='stSidebar']");
        const box = el ? el.getBoundingClientRect() : {left: -1, right: 0, width: 0};
        return want ? box.width > 0 && box.left === 0 : !el || box.width === 0 || box.right <= 0; }""",
        arg=want, timeout=TIMEOUT_MS)
    page.wait_for_timeout(100)


def signed_in(browser, base: str, viewport: dict, lang: str = "fi"):
    """A new context and page at the front page, signed in as a coordinator, in ``lang``."""
    phone = viewport["width"] < 600
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
    page = context.new_page()
    open_page(page, f"{base}/?lang={lang}" if lang != "fi" else base)
    sidebar_open(page, True)
    sign_in_sidebar(page, lang)
    return context, page


def visit(page, spec, lang: str) -> None:
    """Follow the menu link of ``spec`` (the session, and so the sign-in, is kept), then close the menu on
    a phone."""
    sidebar_open(page, True)
    title = t(f"common.nav_{spec.name}", lang)
    menu_link(page, title).click()
    address = re.compile(rf"/({spec.address}){'?' if spec.default else ''}(\?|$)")  # the front page: / too
    page.wait_for_url(address)
    settle(page)
    if page.viewport_size["width"] < 600:
        sidebar_open(page, False)
    drawn(page)


def drawn(page) -> None:
    """Wait until every Plotly chart on the page has drawn (Plotly draws after the script has finished)."""
    page.wait_for_function("""() => Array.from(document.querySelectorAll("[data-testid='stPlotlyChart']"))
        .every((e) => !e.getClientRects().length || e.querySelector(".main-svg"))""", timeout=TIMEOUT_MS)
    page.wait_for_timeout(150)


def open_slide(page, base: str, slide: str) -> None:
    """The seminar screen pinned to ``slide``, drawn at the window's size (it reports its size once and
    reruns: wait for that rerun to finish)."""
    page.goto(f"{base}/seminaari?embed=true&slide={slide}")
    page.wait_for_selector(f".st-key-seminar_slide_{slide} :is(h1, h2)", timeout=TIMEOUT_MS)
    settle(page)
    page.wait_for_timeout(300)
    settle(page)
    drawn(page)


# --- what the checks read from the page --------------------------------------------------------------

OVERFLOW_JS = """() => {
  const width = window.innerWidth;
  const main = document.querySelector("[data-testid='stMain']") || document.querySelector("main");
  // the right edge of what is seen of an element: its box cut by every ancestor that clips (overflow)
  const seenRight = (el) => {
    let right = el.getBoundingClientRect().right;
    for (let p = el.parentElement; p && right > width + 1; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== "visible") right = Math.min(right, p.getBoundingClientRect().right);
    }
    return right;
  };
  const out = [];
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= width + 1 || box.left >= width) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || seenRight(el) <= width + 1) continue;
    out.push({tag: el.tagName, testid: (el.closest("[data-testid]") || {}).dataset?.testid || "",
              cls: String(el.className.baseVal ?? el.className).slice(0, 60),
              text: (el.textContent || "").trim().slice(0, 50), right: Math.round(box.right)});
  }
  return {page: document.documentElement.scrollWidth, main: main.scrollWidth, inner: width,
          elements: out.slice(0, 12), count: out.length};
}"""

TEXT_JS = """() => {
  const parts = [];
  for (const root of document.querySelectorAll("[data-testid='stMain'], [data-testid='stSidebar']")) {
    if (root.offsetParent !== null || root.getClientRects().length) parts.push(root.innerText);
  }
  for (const el of document.querySelectorAll(".js-plotly-plot svg text")) parts.push(el.textContent);
  return parts.join("\\n");
}"""


def too_wide(page) -> dict | None:
    """What runs past the window's right edge (None when nothing does)."""
    found = page.evaluate(OVERFLOW_JS)
    if found["page"] > found["inner"] or found["main"] > found["inner"] or found["count"]:
        return found
    return None


def visible_text(page) -> str:
    return page.evaluate(TEXT_JS)


def _literal_pieces(template: str) -> list[str]:
    """The fixed parts of a catalog text: its sentences and clauses between ``{placeholders}``, Markdown
    marks and punctuation, whitespace squeezed (so a sentence is found wherever the screen breaks lines)."""
    return [" ".join(p.split()) for p in re.split(r"\{[^}]*\}|\*\*|[*_`#]|[.;:!?()·\n]", template)]


def foreign_phrases(lang: str) -> set[str]:
    """Phrases of at least three words that only another language uses: catalog texts and framework texts
    of sv/fi/en whose fixed parts do not occur in ``lang``'s texts."""
    import tomllib

    from indicator.framework import load

    own, other = [], []
    for path in sorted((ROOT / "indicator" / "locales").glob("*.toml")):
        for entry in tomllib.loads(path.read_text(encoding="utf-8")).values():
            if isinstance(entry, dict) and lang in entry:
                own.append(entry[lang])
                other += [v for k, v in entry.items() if k != lang and isinstance(v, str)]
    fw = load()
    texts = [d.name for d in fw.dimensions] + [i.text for i in fw.items] + [b.name for b in fw.bands]
    for entry in texts:
        own.append(entry.get(lang, ""))
        other += [v for k, v in entry.items() if k != lang]
    own_text = "\n".join(" ".join(o.split()) for o in own)
    phrases = {p for o in other for p in _literal_pieces(o) if len(p.split()) >= 3 and len(p) >= 16}
    return {p for p in phrases if p not in own_text}


def wrong_language(text: str, lang: str, phrases: set[str]) -> list[str]:
    """The other-language phrases and non-allowed Streamlit English strings found in ``text``."""
    flat = " ".join(text.split())
    found = sorted(p for p in phrases if p in flat)
    return found + [s for s in STREAMLIT_ENGLISH if s in flat and s not in STREAMLIT_OWN]


# --- pages and slides on a phone and a desktop ------------------------------------------------------


@pytest.fixture(scope="module")
def headline(database) -> dict:
    """The province's index row of the command line's ``progress`` (the headline figure)."""
    run = subprocess.run([sys.executable, "-m", "indicator", "progress", "--db", database, "--format", "json"],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    return next(r for r in json.loads(run.stdout) if r.get("level") == "province" and r["measure"] == "index")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1400"])
def test_every_page_fits_the_screen(browser, server, viewport, headline) -> None:
    """Every page (signed in, Finnish) at ``viewport``: nothing runs past the screen's right edge, no page
    raised, every visible text is Finnish, the overview's index is the command line's headline figure; a
    screenshot of each (``page_<address>_<width>.png``)."""
    from indicator.i18n import fmt_number

    phrases = foreign_phrases("fi")
    problems: dict[str, object] = {}
    context, page = signed_in(browser, server, viewport)
    for spec in PAGES:
        visit(page, spec, "fi")
        assert not page.get_by_test_id("stException").count(), f"{spec.address} raised an exception"
        if found := too_wide(page):
            problems[f"{spec.address} overflow"] = found
        if foreign := wrong_language(visible_text(page), "fi", phrases):
            problems[f"{spec.address} language"] = foreign
        if spec.default:
            kpi = page.get_by_test_id("stMetric").filter(has_text=t("progress.measure.index", "fi"))
            assert kpi.get_by_test_id("stMetricValue").inner_text().strip() == fmt_number(
                headline["last_score"], "fi", 1)
        shot(page, f"page_{spec.address}_{viewport['width']}")
    context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_every_page_in_swedish_on_a_phone(browser, server) -> None:
    """In Swedish on a phone: no Finnish or English text (beyond Streamlit's own), nothing past the edge."""
    phrases = foreign_phrases("sv")
    problems: dict[str, object] = {}
    context, page = signed_in(browser, server, PHONE, lang="sv")
    for spec in PAGES:
        visit(page, spec, "sv")
        assert not page.get_by_test_id("stException").count(), f"{spec.address} raised an exception"
        if found := too_wide(page):
            problems[f"{spec.address} overflow"] = found
        if foreign := wrong_language(visible_text(page), "sv", phrases):
            problems[f"{spec.address} language"] = foreign
    context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_the_language_switch_changes_the_filter_labels_at_once(browser, server) -> None:
    """Choosing Svenska turns the filters' labels and their chosen options ("Koko maakunta") Swedish in the
    same run."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    open_page(page, server)
    sidebar = page.get_by_test_id("stSidebar")

    def chosen(label_key: str, lang: str):  # a selectbox shows its chosen option as its input's value
        return sidebar.get_by_role("combobox", name=t(label_key, lang), exact=True)

    expect(chosen("common.filter_area", "fi")).to_have_value(t("common.filter_all_areas", "fi"))
    sidebar.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="Svenska").click()
    expect(chosen("common.filter_area", "sv")).to_have_value(t("common.filter_all_areas", "sv"), timeout=TIMEOUT_MS)
    expect(chosen("common.filter_municipality", "sv")).to_have_value(t("common.filter_all_municipalities", "sv"))
    expect(chosen("common.filter_round", "sv")).to_be_visible()
    context.close()


# --- the seminar hall --------------------------------------------------------------------------------


FILL_JS = """() => {
  const main = document.querySelector("[data-testid='stMain']");
  const block = document.querySelector("[data-testid='stMainBlockContainer']") || main;
  const boxes = Array.from(block.querySelectorAll("[data-testid='stElementContainer']"))
    .map((e) => e.getBoundingClientRect()).filter((b) => b.height > 0);
  return {scroll: main.scrollHeight - main.clientHeight, bottom: Math.max(...boxes.map((b) => b.bottom)),
          height: window.innerHeight, width: document.documentElement.scrollWidth, inner: window.innerWidth};
}"""


def _px(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def resize(page, viewport: dict, slide: str) -> None:
    """A new window size for the open slide: the screen reports it (after 400 ms without further change)
    and reruns; a slide of a wide window is then as tall as the window less its chrome."""
    page.set_viewport_size(viewport)
    page.wait_for_timeout(450)
    page.wait_for_function(
        f"""() => {{ const el = document.querySelector(".st-key-seminar_slide_{slide}");
        return el && Math.abs(el.getBoundingClientRect().height - Math.max(320, innerHeight - 160)) < 2; }}""",
        timeout=TIMEOUT_MS)
    settle(page)
    drawn(page)


def test_every_slide_on_a_phone_a_desktop_and_a_projector(browser, server, headline) -> None:
    """Each slide on a phone and a desktop (screenshots ``seminar_<slide>_<width>.png``), nothing past the
    right edge; on projectors of 1920×1080 (screenshot ``seminar_<slide>.png``) and 1280×720 and on the
    desktop no scrollbar and no large empty band below. On 1920×1080 the footer and the QR address are large
    enough to read from the back of a hall and the clock is Helsinki time; the progress slide's headline is
    the command line's province index, and the goals slide shows no "0 / N" bar."""
    from indicator.i18n import fmt_number

    problems: dict[str, object] = {}
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for slide in SLIDES:
        page.set_viewport_size(PHONE)
        open_slide(page, server, slide)  # a phone first: the slide and its side panel one under the other
        for viewport in (PHONE, DESKTOP, PROJECTORS[1], PROJECTORS[0]):
            size = f"{viewport['width']}x{viewport['height']}"
            if viewport is not PHONE:
                resize(page, viewport, slide)
                fill = page.evaluate(FILL_JS)
                if fill["scroll"] > 2:
                    problems[f"{slide} {size} scrolls"] = fill
                if fill["bottom"] < 0.8 * fill["height"]:
                    problems[f"{slide} {size} empty band"] = fill
            if found := too_wide(page):
                problems[f"{slide} {size} too wide"] = found
            if viewport in (PHONE, DESKTOP):
                shot(page, f"seminar_{slide}_{viewport['width']}", grow=viewport is PHONE)
        # the window is now the 1920×1080 projector: what a large hall reads
        shot(page, f"seminar_{slide}", grow=False)
        footer = page.locator(".st-key-seminar_footer")
        clock = re.search(r"(\d\d):(\d\d)", footer.inner_text())
        assert clock, footer.inner_text()
        now = datetime.now(HELSINKI)
        shown = now.replace(hour=int(clock[1]), minute=int(clock[2]))
        assert abs(shown - now) < timedelta(minutes=3), f"footer {clock[0]}, Helsinki {now:%H:%M}"
        for name, selector in (("footer", ".st-key-seminar_footer p"), ("QR address", ".st-key-seminar_side h4")):
            if page.locator(selector).count() and _px(page, selector) < 24:
                problems[f"{slide} {name} font"] = _px(page, selector)
        if slide == "progress":
            title = page.locator(".st-key-seminar_slide_progress h2").first.inner_text()
            expected = f"{t('progress.measure.index', 'fi')} {headline['last_round']}: "
            expected += fmt_number(headline["last_score"], "fi", 1)
            assert expected in title, title
        if slide == "goals":
            text = visible_text(page)
            assert not re.search(r"(^|\s)0 / \d", text), text
    context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


# --- the poll on a phone -----------------------------------------------------------------------------


def test_the_poll_fits_a_thumb(browser, server) -> None:
    """Every answer choice is at least 44 px tall, and the submit button comes right after the last
    question (no hunting for it below other content)."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    open_page(page, f"{server}/kysely")
    shot(page, "kysely_form_390x844")
    options = page.locator("[data-testid='stRadioOption']")
    heights = [box["height"] for box in (o.bounding_box() for o in options.all()) if box]
    assert len(heights) >= 15 and min(heights) >= 44, heights  # three questions of five choices
    last = options.last.bounding_box()
    button = page.get_by_role("button", name=t("poll.submit", "fi")).bounding_box()
    assert button["height"] >= 44 and button["width"] >= 300
    assert 0 <= button["y"] - (last["y"] + last["height"]) < 120
    context.close()
