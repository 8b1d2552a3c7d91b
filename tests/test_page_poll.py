"""The live poll page (AppTest): phone form, one answer per browser session, stored as the seminar round."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from indicator import poll
from indicator.framework import load
from indicator.i18n import t
from indicator.report import markdown_escape
from indicator.storage import Store
from tests.test_page_progress import ROOT
from ui import testing


@pytest.fixture()
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'poll.db'}"
    Store(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.chdir(ROOT)
    return url


def open_poll(**query: str) -> AppTest:
    return testing.opened("kysely", query=query, timeout=30)


def form_radios(at: AppTest) -> list:
    return [r for r in at.radio if r.form_id == "poll_form"]


def send(at: AppTest) -> None:
    next(b for b in at.button if b.form_id == "poll_form").click().run()
    assert not at.exception, at.exception


def test_poll_asks_one_likert_item_per_theme(db_url) -> None:
    at = open_poll()
    items = poll.default_items(load())
    radios = form_radios(at)
    assert [r.key for r in radios] == [f"poll_item_{i.id}" for i in items]
    assert radios[0].options == [
        "Täysin eri mieltä",
        "Jokseenkin eri mieltä",
        "Ei samaa eikä eri mieltä",
        "Jokseenkin samaa mieltä",
        "Täysin samaa mieltä",
    ]
    assert all(r.value is None for r in radios)  # nothing preselected


def test_answer_is_stored_once_per_session(db_url) -> None:
    at = open_poll(poll_round="2026")
    radios = form_radios(at)
    radios[0].set_value(4)
    radios[2].set_value(2)
    send(at)
    assert any("Kiitos" in s.value for s in at.success)
    answers = Store(db_url).poll.responses(2026)
    items = poll.default_items(load())
    assert poll.respondents(answers) == 1
    assert dict(zip(answers["item"], answers["value"], strict=True)) == {items[0].id: 4.0, items[2].id: 2.0}
    at.run()  # the same browser session: thanks again, no form
    assert not form_radios(at)
    assert poll.respondents(Store(db_url).poll.responses(2026)) == 1


def test_empty_answer_is_refused(db_url) -> None:
    at = open_poll()
    send(at)
    assert any("vähintään yhteen" in w.value for w in at.warning)
    assert Store(db_url).poll.responses().empty


def test_items_from_the_url_and_language(db_url) -> None:
    fw = load()
    chosen = [i.id for i in fw.items if i.type == "likert5"][3:5]
    at = testing.opened("kysely", state={"lang": "sv"}, query={"items": ",".join(chosen)}, timeout=30)
    assert [r.key for r in form_radios(at)] == [f"poll_item_{i}" for i in chosen]
    assert form_radios(at)[0].options[-1] == "Helt av samma åsikt"


def test_bad_item_list_is_one_line_error(db_url) -> None:
    at = open_poll(items="NOPE")
    shown = t("error.poll.bad_items", "fi", items="NOPE", max=poll.MAX_ITEMS)  # in the user's language
    assert markdown_escape(shown) in at.error[0].value


def test_the_same_device_in_a_new_session_is_told_it_answered(db_url) -> None:
    at = open_poll(poll_round="2026")
    form_radios(at)[0].set_value(5)
    send(at)
    token = at.session_state["_device_token"]  # what the signed cookie carries into a reload
    again = testing.opened("kysely", state={"_device_token": token}, query={"poll_round": "2026"}, timeout=30)
    assert not form_radios(again)
    assert [s.value for s in again.success] == [t("poll.already", "fi")]
    other = open_poll(poll_round="2026")  # another device still answers
    assert form_radios(other)
    assert poll.respondents(Store(db_url).poll.responses(2026)) == 1


@pytest.mark.parametrize("bad", ["²", "٢٠٢٦", "20261", "-1", "2026abc", "1800"])
def test_a_round_that_is_not_a_year_is_ignored(db_url, bad) -> None:
    from datetime import date

    at = open_poll(poll_round=bad)
    assert t("poll.round_ignored", "fi", round=date.today().year) in [c.value for c in at.caption]
    form_radios(at)[0].set_value(3)
    send(at)
    assert Store(db_url).poll.responses()["round"].tolist() == [date.today().year]


def test_too_many_answers_from_one_address(db_url) -> None:
    store = Store(db_url)
    for _ in range(150):  # a network address that already sent its share (AppTest's address is "local")
        store.limits.record("poll", "local")
    at = open_poll(poll_round="2026")
    form_radios(at)[0].set_value(2)
    send(at)
    assert [w.value for w in at.warning] == [t("poll.address_busy", "fi")]
    assert Store(db_url).poll.responses().empty


def test_a_read_only_database_says_so(db_url, monkeypatch) -> None:
    path = db_url.removeprefix("sqlite:///")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///file:{path}?mode=ro&uri=true")
    at = open_poll(poll_round="2026")
    assert at.error and at.error[0].value.startswith("Tietokanta on nyt vain luettavissa")
