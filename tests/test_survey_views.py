"""The village survey's shared sections (AppTest): the survey kit on Mittaristo, the rounds of the survey in
the app on Hallinta, and the answers awaiting approval on the village card."""

from __future__ import annotations

import pytest

from indicator.framework import load
from indicator.i18n import LANGUAGES, t
from indicator.questionnaire import FORMATS, SUFFIXES
from indicator.storage import Store
from ui import testing

ROUND = 2026


@pytest.fixture
def demo(monkeypatch, tmp_path) -> Store:
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_SECRET", "survey-views-test")
    store = Store(url)
    yield store
    store.close()


def opened(address: str, lang: str = "fi", role: str = "public", **query: str):
    return testing.opened(address, state={"lang": lang, "role": role}, query=query)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_kit_offers_every_format_with_how_a_village_uses_it(demo, lang):
    at = opened("mittaristo", lang)
    assert t("kit.title", lang) in [h.value for h in at.header]
    buttons = {b.key: b.label for b in at.get("download_button")}
    for kind in FORMATS:
        assert buttons[f"framework_kit_{kind}"] == f"{t(f'kit.name_{kind}', lang)} ({SUFFIXES[kind]})"
        assert t(f"kit.format_{kind}", lang) in [m.value for m in at.markdown]
    choice = at.segmented_control(key="framework_kit_lang")
    assert choice.value == lang  # the survey's language starts as the page's
    # AppTest has no server address: the link, QR code and poster say why they are missing
    assert t("kit.no_address", lang) in [i.value for i in at.info]


def test_choosing_a_village_and_a_language_keeps_the_downloads(demo):
    at = opened("mittaristo")
    at.segmented_control(key="framework_kit_lang").set_value("sv")
    at.selectbox(key="framework_kit_village").set_value("Sippola").run()
    assert not at.exception
    assert {b.key for b in at.get("download_button")} >= {f"framework_kit_{kind}" for kind in FORMATS}
    assert at.selectbox(key="framework_kit_village").value == "Sippola"


def test_coordinators_open_and_close_rounds_per_village_or_for_all(demo):
    at = opened("hallinta", role="coordinator")
    assert t("admin.rounds_title", "fi") in [s.value for s in at.subheader]
    assert t("admin.rounds_state_all_closed", "fi", round=ROUND) in [m.value for m in at.markdown]
    at.selectbox(key="admin_rounds_round").set_value(ROUND)
    at.selectbox(key="admin_rounds_village").set_value("Sippola")
    at.button(key="admin_rounds_open").click().run()
    assert demo.app_survey.round_state(ROUND).opened == ("Sippola",)
    assert t("admin.rounds_state_only", "fi", round=ROUND, villages="Sippola") in [m.value for m in at.markdown]
    at.selectbox(key="admin_rounds_village").set_value(None)
    at.button(key="admin_rounds_open").click().run()
    at.selectbox(key="admin_rounds_village").set_value("Utti")
    at.button(key="admin_rounds_close").click().run()
    state = demo.app_survey.round_state(ROUND)
    assert (state.all_open, state.closed) == (True, ("Utti",))
    assert "  \n".join([t("admin.rounds_state_all_open", "fi", round=ROUND),
                        t("admin.rounds_state_except", "fi", villages="Utti")]) in [m.value for m in at.markdown]
    assert demo.app_survey.open_round("Sippola") == ROUND and demo.app_survey.open_round("Utti") is None


def test_the_public_gets_no_round_controls(demo):
    at = opened("hallinta")
    assert t("admin.rounds_title", "fi") not in [s.value for s in at.subheader]


def test_the_village_card_counts_answers_awaiting_approval(demo):
    fw = load()
    demo.app_survey.set_open(ROUND, True)
    answers = {i.id: 3.0 if i.type == "likert5" else 1.0 for i in fw.items}
    for device in ("phone-1", "phone-2"):
        demo.app_survey.add(fw, device, "Sippola", ROUND, answers)
    at = opened("kyla", village="Sippola")
    note = t("village.pending_answers", "fi", round=ROUND, n=2, app=2)
    assert note in [i.value for i in at.info]
    demo.uploads.approve(int(demo.uploads.table("pending")["id"].iloc[0]), "coordinator")
    at = opened("kyla", village="Sippola")
    assert not [i for i in at.info if i.value == note]
