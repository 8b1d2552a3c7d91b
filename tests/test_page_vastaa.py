"""The answering page /vastaa (AppTest): a village's survey one part at a time, sent once per device and
round, refused when the round is closed, and an unknown village named safely with a chooser."""

from __future__ import annotations

import pytest

from indicator.framework import load
from indicator.i18n import t
from indicator.questionnaire import build_survey
from indicator.report import markdown_escape
from indicator.storage import Store
from ui import testing

ROUND = 2026
LIKERT, YESNO, NUMBER = "4", "yes", 7.0  # what the resident of these tests answers everywhere
DEVICE_KEY = "_device_token"  # ui.device keeps the signed device token here within a session


@pytest.fixture
def store(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'vastaa.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.setenv("ALYKYLA_SECRET", "vastaa-test-secret")
    opened = Store(url)
    opened.app_survey.set_open(ROUND, True)
    yield opened
    opened.close()


def open_page(village: str | None = "Sippola", lang: str = "fi", device: str | None = None):
    state = {"lang": lang} | ({DEVICE_KEY: device} if device is not None else {})
    return testing.opened("vastaa", state=state, query={"kyla": village} if village is not None else None)


def answer_part(at) -> None:
    """Answer every question shown: the fourth scale option, yes, and 7 for a number."""
    for pills in at.pills:
        pills.set_value(LIKERT if len(pills.options) == 6 else YESNO)
    for field in at.number_input:
        field.set_value(NUMBER)


def click(at, key: str) -> None:
    at.button(key=key).click().run()
    assert not at.exception, [e.value for e in at.exception]


def progress(at) -> str:
    return at.get("progress")[0].proto.text


def answer_everything(at) -> list[str]:
    """Go through every part answering every question, then send; the progress texts seen."""
    seen = []
    while True:
        seen.append(progress(at))
        answer_part(at)
        if "vastaa_send" in [b.key for b in at.button]:
            click(at, "vastaa_send")
            return seen
        click(at, "vastaa_next")


def test_a_resident_answers_every_part_and_the_answers_wait_for_approval(store):
    fw = load()
    at = open_page("sippolan kirkonkylä")  # case and a "kirkonkylä" ending do not matter
    assert t("vastaa.village_line", "fi", village="Sippola", round=ROUND) in [m.value for m in at.markdown]
    sections = len(fw.dimensions)
    assert answer_everything(at) == [t("vastaa.progress", "fi", step=n, total=sections)
                                      for n in range(1, sections + 1)]
    assert [s.value for s in at.success] == [markdown_escape(t("questionnaire.thanks", "fi"))]
    assert not at.pills  # the form is gone
    pending = store.responses(status="pending", framework=fw)
    assert len(pending) == 1 and pending["village"].iloc[0] == "Sippola"
    expected = {i.id: {"likert5": 4.0, "yesno": 1.0, "number": NUMBER}[i.type] for i in fw.items}
    assert pending[list(expected)].iloc[0].to_dict() == expected
    uploads = store.uploads.table()
    assert uploads[["status", "source_tool", "villages", "respondents"]].values.tolist() == [
        ["pending", "app", "Sippola", 1]]


def test_answers_are_kept_when_moving_between_parts(store):
    at = open_page()
    first = at.pills[0]
    first.set_value("2")
    click(at, "vastaa_next")
    assert progress(at) == t("vastaa.progress", "fi", step=2, total=7)
    assert all(p.value is None for p in at.pills)  # the second part starts empty
    click(at, "vastaa_back")
    assert at.pills[0].key == first.key and at.pills[0].value == "2"


def test_every_option_has_dont_know_and_nothing_is_preselected(store):
    at = open_page(lang="sv")
    dont_know = t("questionnaire.dont_know", "sv")
    assert at.pills and all(p.options[-1] == dont_know and p.value is None for p in at.pills)
    assert all(n.value is None for n in at.number_input)
    survey = build_survey(load(), "sv", village="Sippola", round=ROUND)
    assert [p.options for p in at.pills] == [[o.label for o in q.options] for q in survey.sections[0].questions
                                             if q.kind != "number"]


def test_a_second_answer_from_the_same_device_is_refused_after_a_reload(store):
    at = open_page()
    answer_everything(at)
    device = at.session_state[DEVICE_KEY]
    reloaded = open_page(device=device)  # a new session with the same device cookie
    assert [i.value for i in reloaded.info] == [t("vastaa.already", "fi", round=ROUND, village="Sippola")]
    assert not reloaded.pills and "vastaa_send" not in [b.key for b in reloaded.button]
    other_village = open_page("Utti", device=device)  # one answer per device and round, whatever the village
    assert not other_village.pills
    assert store.app_survey.waiting()["answers"].tolist() == [1]
    assert open_page().pills  # another device may answer


def test_a_closed_round_says_so_and_shows_no_form(store):
    store.app_survey.set_open(ROUND, False, village="Sippola")
    at = open_page()
    assert [i.value for i in at.info] == [t("vastaa.closed", "fi", village="Sippola")]
    assert not at.pills
    assert open_page("Utti").pills  # open for the others


def test_closing_while_answering_refuses_the_answer(store):
    at = open_page()
    for _ in range(6):
        answer_part(at)
        click(at, "vastaa_next")
    store.app_survey.set_open(ROUND, False)
    answer_part(at)
    click(at, "vastaa_send")
    assert t("vastaa.closed", "fi", village="Sippola") in [i.value for i in at.info]
    assert store.uploads.table().empty


def test_an_unknown_village_is_named_safely_and_a_chooser_is_offered(store):
    asked = "<script>alert(1)</script> **Kylä**"
    at = open_page(asked)
    warning = at.warning[0].value
    assert warning == t("vastaa.unknown_village", "fi", village=markdown_escape(asked))
    assert "**Kylä**" not in warning and "\\*\\*" in warning  # shown as written, not as Markdown
    assert not at.pills
    chooser = at.selectbox(key="vastaa_village_choice")
    chooser.set_value("Utti").run()
    assert at.query_params["kyla"] == "Utti"
    assert at.pills and t("vastaa.village_line", "fi", village="Utti", round=ROUND) in [m.value for m in at.markdown]


def test_without_a_village_the_page_asks_for_one(store):
    at = open_page(None)
    assert t("vastaa.choose_intro", "fi") in [m.value for m in at.markdown]
    assert not at.pills and at.selectbox(key="vastaa_village_choice").value is None


def test_sending_nothing_asks_for_at_least_one_answer(store):
    at = open_page()
    for _ in range(6):
        click(at, "vastaa_next")
    click(at, "vastaa_send")
    assert [w.value for w in at.warning] == [t("vastaa.empty", "fi", dont_know=t("questionnaire.dont_know", "fi"))]
    assert store.uploads.table().empty


def test_the_link_can_carry_the_language(store):
    # the language is what the kit's link and poster add for a Swedish survey
    at = testing.opened("vastaa", query={"kyla": "Sippola", "lang": "sv"})
    assert t("vastaa.village_line", "sv", village="Sippola", round=ROUND) in [m.value for m in at.markdown]
    assert at.pills[0].options[-1] == t("questionnaire.dont_know", "sv")


def test_too_many_answers_from_one_address_are_refused_for_a_while(store, monkeypatch):
    from indicator.storage import app_survey

    monkeypatch.setattr(app_survey, "ADDRESS_LIMIT", (0, 3600.0))
    at = open_page()
    answer_everything(at)
    assert [w.value for w in at.warning] == [t("vastaa.rate_limited", "fi")]
    assert store.uploads.table().empty and store.app_survey.answered(at.session_state[DEVICE_KEY], ROUND) is None
