"""End to end in Debian's chromium at phone size (390x844): residents answer a village's survey in the app.

A coordinator opens the round for one village on Hallinta and takes the village link from the survey kit
on Mittaristo (and its A4 poster). Two phones (two browser contexts: two devices) open the link, answer
every part by tapping the options and typing the numbers, and send. A reload of the first phone gets no
second answer. Three more residents answer through the same storage call the page makes on Send
(``Store.app_survey.add``), because a third, fourth and fifth phone would tap the same path again at
about ten seconds of both cores each. The coordinator approves the village's pending upload on Hallinta,
and the village's score, which needs five respondents (``min_respondents``), appears on the overview. The
village has no other answers in the round, so the score can only come from these five.

The first phone's walk-through is measured as a person would do it: taps, swipes (a swipe scrolls 70 % of
the screen), words on the screen; the figures go to ``artifacts/vastaa_walkthrough.json``. Screenshots go
to ``artifacts/screenshots/vastaa_*.png``.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from indicator.framework import load
from indicator.i18n import t
from indicator.questionnaire import build_survey
from indicator.questionnaire.answering import answer_values
from indicator.questionnaire.timing import answer_time
from indicator.registry import load_villages
from indicator.storage import Store
from indicator.storage.app_survey import Outcome
from tests.e2e.browser import (
    ROOT,
    SHOTS,
    TAKE_SCREENSHOTS,
    TIMEOUT_MS,
    download,
    menu_link,
    open_page,
    screenshot,
    settle,
    submit_passphrase,
)
from ui import testing

pytestmark = pytest.mark.e2e

VILLAGE = "Vuohijärvi"  # in the registry, no demo answers this year
ROUND = date.today().year
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
PHONES = 2  # answer in Chromium
RESIDENTS = 5  # in all: the phones and the residents stored as the page stores them
SWIPE = 0.7  # a swipe moves this share of the screen
FIGURES = ROOT / "artifacts" / "vastaa_walkthrough.json"


@dataclass
class Walk:
    """What the first phone did: taps (option, number field, digit keys, Next, Send), swipes, words read."""

    taps: int = 0
    keys: int = 0
    swipes: int = 0
    words: int = 0
    parts: list[dict] = field(default_factory=list)


@pytest.fixture(scope="module")
def server(serve, tmp_path_factory) -> tuple[str, str]:
    """(base URL, database URL): the demo database, the test coordinator."""
    url = testing.demo_database(tmp_path_factory.mktemp("vastaa-e2e"))
    base = serve({"DATABASE_URL": url, "ALYKYLA_DEMO": "0", "ALYKYLA_COORDINATOR_HASH": testing.test_hash()})
    return base, url


def choice(round_: int, phone: int, number: int, kind: str) -> object:
    """What phone ``phone`` answers to question ``number``: varied, with some "don't know" and blanks."""
    if (phone + number) % 11 == 0:
        return None if kind == "number" else "eos"
    if kind == "likert5":
        return str(1 + (phone + number) % 5)
    if kind == "yesno":
        return "yes" if (phone * 3 + number) % 4 else "no"
    return (phone + number) % 9


def nav(page, title: str) -> None:
    """Follow a link of the app's sidebar menu (keeps the session, so the sign-in survives)."""
    menu_link(page, title).click()
    settle(page)


def sign_in(page) -> None:
    """With the page's own passphrase form (in the main area)."""
    submit_passphrase(page, page.get_by_test_id("stMain"))


def pick(page, key: str, option: str) -> None:
    """Choose ``option`` in the selectbox with widget key ``key``."""
    box = page.locator(f".st-key-{key}")
    box.get_by_role("combobox").click()
    page.keyboard.type(option)  # the list shows only its first options until filtered
    page.get_by_role("option", name=option, exact=True).click()
    settle(page)


def open_the_round(coordinator) -> None:
    from playwright.sync_api import expect

    pick(coordinator, "admin_rounds_village", VILLAGE)
    coordinator.locator(".st-key-admin_rounds_open button").click()
    settle(coordinator)
    expect(coordinator.get_by_text(t("admin.rounds_state_only", "fi", round=ROUND, villages=VILLAGE))).to_be_visible(
        timeout=TIMEOUT_MS)
    screenshot(coordinator, "vastaa_hallinta_round_open")


def village_link(coordinator) -> str:
    """The village link shown by the survey kit on Mittaristo; the A4 poster downloaded beside it."""
    from playwright.sync_api import expect

    nav(coordinator, t("common.nav_framework", "fi"))
    pick(coordinator, "framework_kit_village", VILLAGE)
    code = coordinator.get_by_test_id("stCode").filter(has_text="/vastaa?kyla=")
    expect(code).to_be_visible(timeout=TIMEOUT_MS)
    link = code.inner_text().strip()
    expect(coordinator.get_by_role("img", name=t("kit.qr_caption", "fi"))).to_be_visible()
    coordinator.locator(".st-key-framework_kit_village").scroll_into_view_if_needed()
    screenshot(coordinator, "vastaa_kit_section")
    poster_file = download(coordinator, coordinator.locator(".st-key-framework_kit_poster button").first)
    poster = SHOTS.parent / "vastaa_poster.html"
    poster.parent.mkdir(parents=True, exist_ok=True)
    poster_file.save_as(poster)
    assert link in poster.read_text(encoding="utf-8")
    return link


def visible_words(page) -> int:
    return len(page.get_by_test_id("stMain").inner_text().split())


def bring_into_view(page, target, walk: Walk | None) -> None:
    """Swipe up until ``target`` is on the screen, as a thumb would (counted for the first phone)."""
    height = page.viewport_size["height"]
    for _ in range(40):
        box = target.bounding_box()
        if box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height:
            return
        page.get_by_test_id("stMain").evaluate(f"main => main.scrollBy(0, {int(SWIPE * height)})")
        page.wait_for_timeout(60)
        if walk is not None:
            walk.swipes += 1
    target.scroll_into_view_if_needed()


def answer_part(page, section, answers: dict, phone: int, walk: Walk | None) -> None:
    """Answer the part on the screen: tap each chosen option, type each number."""
    from playwright.sync_api import expect

    widgets = page.locator(".st-key-vastaa_questions").locator(
        "[data-testid='stButtonGroup'], [data-testid='stNumberInput']")
    expect(widgets).to_have_count(len(section.questions), timeout=TIMEOUT_MS)
    for widget, question in zip(widgets.all(), section.questions, strict=True):
        chosen = answers[question.item]
        if chosen is None:
            continue
        if question.kind == "number":
            field_ = widget.locator("input")
            bring_into_view(page, field_, walk)
            field_.tap()
            page.keyboard.type(str(chosen))
            if walk is not None:
                walk.taps += 1
                walk.keys += len(str(chosen))
            continue
        label = next(o.label for o in question.options if o.code == chosen)
        pill = widget.get_by_role("radio", name=label, exact=True)
        bring_into_view(page, pill, walk)
        pill.tap()
        expect(pill).to_have_attribute("aria-checked", "true")
        if walk is not None:
            walk.taps += 1


def press(page, key: str, walk: Walk | None) -> None:
    button = page.locator(f".st-key-{key} button")
    bring_into_view(page, button, walk)
    button.tap()
    if walk is not None:
        walk.taps += 1
    settle(page)


def answer_as_a_phone(browser, link: str, phone: int, survey, walk: Walk | None) -> dict:
    """One phone answers every part and sends; returns what it answered (item -> code or number)."""
    from playwright.sync_api import expect

    context = browser.new_context(**PHONE)
    page = context.new_page()
    open_page(page, link)
    answers = {q.item: choice(ROUND, phone, n, q.kind) for n, q in enumerate(survey.questions, start=1)}
    if walk is not None:
        screenshot_screen(page, "vastaa_phone_start")
        pills = page.locator(".st-key-vastaa_questions [role='radio']")
        heights = {round(b["height"]) for b in (p.bounding_box() for p in pills.all()) if b}
        assert min(heights) >= 44, heights  # tap targets of at least 44 px
    for step, section in enumerate(survey.sections):
        expect(page.get_by_text(t("vastaa.progress", "fi", step=step + 1, total=len(survey.sections)))).to_be_visible(
            timeout=TIMEOUT_MS)
        top = page.get_by_test_id("stMain").evaluate("main => main.scrollTop")
        assert top == 0, f"part {step + 1} opens scrolled down by {top} px"
        if walk is not None:
            walk.words += visible_words(page)
            if step:
                screenshot_screen(page, f"vastaa_phone_part{step + 1}")
            taps, swipes = walk.taps, walk.swipes
        answer_part(page, section, answers, phone, walk)
        if walk is not None and step == 0:
            screenshot(page, "vastaa_phone_part1_answered")
        last = step == len(survey.sections) - 1
        press(page, "vastaa_send" if last else "vastaa_next", walk)
        if walk is not None:
            walk.parts.append({"part": step + 1, "questions": len(section.questions),
                               "taps": walk.taps - taps, "swipes": walk.swipes - swipes})
    expect(page.get_by_text(t("vastaa.stored", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    if walk is not None:
        walk.words += visible_words(page)
        screenshot_screen(page, "vastaa_phone_thanks")
        page.reload()
        settle(page)
        expect(page.get_by_text(t("vastaa.already", "fi", round=ROUND, village=VILLAGE))).to_be_visible(
            timeout=TIMEOUT_MS)
        expect(page.locator(".st-key-vastaa_questions")).to_have_count(0)
        screenshot_screen(page, "vastaa_phone_reload")
    context.close()
    return answers


def screenshot_screen(page, name: str) -> Path:
    """What the phone's screen shows (no growing to the whole page), when ALYKYLA_SCREENSHOTS=1."""
    path = SHOTS / f"{name}.png"
    if not TAKE_SCREENSHOTS:
        return path
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    return path


def approve(coordinator, respondents: int) -> None:
    from playwright.sync_api import expect

    nav(coordinator, t("common.nav_admin", "fi"))  # the menu keeps the session and its sign-in
    expect(coordinator.get_by_text(t("admin.pending_title", "fi", n=1))).to_be_visible(timeout=TIMEOUT_MS)
    card = coordinator.locator("[class*='st-key-admin_upload_']")
    expect(card).to_contain_text(f"vastaa-{ROUND}-{VILLAGE}")
    expect(card).to_contain_text(VILLAGE)
    expect(card).to_contain_text(f"· {respondents} vastaajaa · kylät: {VILLAGE}")
    screenshot(coordinator, "vastaa_hallinta_pending")
    card.get_by_role("button", name=t("admin.approve", "fi")).click()
    expect(coordinator.get_by_text(t("admin.no_pending", "fi"))).to_be_visible(timeout=TIMEOUT_MS)
    settle(coordinator)


def test_phones_answer_the_coordinator_approves_and_the_village_is_scored(browser, server):
    from playwright.sync_api import expect

    base, db_url = server
    fw = load()
    coordinator_context = browser.new_context(viewport={"width": 1280, "height": 900})
    coordinator = coordinator_context.new_page()
    open_page(coordinator, f"{base}/hallinta")
    sign_in(coordinator)
    open_the_round(coordinator)
    link = village_link(coordinator)
    assert link == f"{base}/vastaa?kyla=Vuohij%C3%A4rvi"

    survey = build_survey(fw, "fi", village=VILLAGE, round=ROUND, registry=load_villages())
    walk = Walk()
    answered = [answer_as_a_phone(browser, link, phone, survey, walk if phone == 0 else None)
                for phone in range(PHONES)]
    store = Store(db_url)
    for resident in range(PHONES, RESIDENTS):
        answers = {q.item: choice(ROUND, resident, n, q.kind) for n, q in enumerate(survey.questions, start=1)}
        outcome = store.app_survey.add(fw, f"resident-{resident}", VILLAGE, ROUND, answer_values(survey, answers))
        assert outcome == Outcome.STORED
        answered.append(answers)

    pending = store.responses(status="pending", framework=fw)
    assert len(pending) == RESIDENTS and set(pending["village"]) == {VILLAGE}
    expected = sorted(tuple(answer_values(survey, a).get(i.id) for i in fw.items) for a in answered)
    stored = sorted(tuple(None if v != v else v for v in row) for row in pending[list(fw.item_ids)].itertuples(
        index=False, name=None))
    assert stored == expected  # every tap and every typed number arrived, "don't know" as no answer
    before = store.scores(fw).table.query("round == @ROUND")
    assert VILLAGE not in set(before["village"])
    scored_before = int(before["index"].notna().sum())
    nav(coordinator, t("common.nav_overview", "fi"))
    expect(coordinator.get_by_text(t("overview.kpi_scored", "fi", scored=scored_before), exact=True)).to_be_visible()

    approve(coordinator, RESIDENTS)
    scored = store.scores(fw).table.query("village == @VILLAGE and round == @ROUND")
    assert int(scored["respondents"].iloc[0]) == RESIDENTS and scored["index"].notna().all()
    index = float(scored["index"].iloc[0])
    store.close()

    nav(coordinator, t("common.nav_overview", "fi"))
    expect(coordinator.get_by_text(t("overview.kpi_scored", "fi", scored=scored_before + 1), exact=True)
           ).to_be_visible(timeout=TIMEOUT_MS)
    # the ranking as the overview offers it
    ranking_file = download(coordinator, coordinator.get_by_role("button", name=t("overview.download", "fi")))
    ranking = pd.read_excel(ranking_file.path(), sheet_name=str(ROUND), engine="openpyxl")
    mine = ranking[ranking[t("common.col_village", "fi")] == VILLAGE]
    assert mine[t("common.col_index", "fi")].tolist() == [pytest.approx(round(index, 1))]  # the sheet for people
    assert mine[t("common.col_respondents", "fi")].tolist() == [RESIDENTS]
    screenshot(coordinator, "vastaa_overview_after_approval")
    coordinator_context.close()
    record(walk, survey)


def record(walk: Walk, survey) -> None:
    """The walk-through's figures and the time a person would need, into artifacts/vastaa_walkthrough.json."""
    model = answer_time(survey)
    reading = walk.words / 200 * 60  # words on the screens at 200 words a minute
    figures = {**asdict(walk), "questions": len(survey.questions), "model": asdict(model),
               "reading_seconds": round(reading),
               "minutes_at_2s": round((reading + 2 * walk.taps + walk.keys + walk.swipes) / 60, 1),
               "minutes_at_3s": round((reading + 3 * walk.taps + walk.keys + walk.swipes) / 60, 1)}
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2, ensure_ascii=False), encoding="utf-8")
    print(json.dumps(figures, ensure_ascii=False))
    assert walk.taps >= len(survey.questions) - math.ceil(len(survey.questions) / 11)


def test_an_unknown_village_and_a_closed_round_on_a_phone(browser, server):
    from playwright.sync_api import expect

    base, _ = server
    context = browser.new_context(**PHONE)
    page = context.new_page()
    open_page(page, f"{base}/vastaa?kyla=%3Cb%3EAtlantis%3C%2Fb%3E")
    warning = page.get_by_test_id("stAlert").filter(has_text="Atlantis")
    expect(warning).to_contain_text("<b>Atlantis</b>")  # shown as written, never as HTML
    expect(page.locator("main b", has_text="Atlantis")).to_have_count(0)
    screenshot_screen(page, "vastaa_phone_unknown_village")
    open_page(page, f"{base}/vastaa?kyla=Sippola")  # no round open for Sippola
    expect(page.get_by_text(t("vastaa.closed", "fi", village="Sippola"))).to_be_visible(timeout=TIMEOUT_MS)
    screenshot_screen(page, "vastaa_phone_closed")
    context.close()
