"""ui.context: the demo stored in the background on an empty database, and the cache key that poll answers
leave alone."""

from __future__ import annotations

import threading

import pytest

from indicator.i18n import t
from indicator.storage import Store, demo_files
from ui import context, testing


@pytest.fixture
def slow_demo(monkeypatch, tmp_path):
    """An empty database with the demo on (the default), whose loading waits until the test releases it."""
    import indicator.storage

    release, real = threading.Event(), indicator.storage.load_demo

    def load_when_released(store, fw):
        assert release.wait(60), "the test never released the demo"
        return real(store, fw)

    monkeypatch.setattr(indicator.storage, "load_demo", load_when_released)
    url = testing.empty_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.delenv("ALYKYLA_DEMO", raising=False)
    return url, release


def test_an_empty_database_shows_the_frame_and_progress_while_the_demo_is_stored(slow_demo):
    url, release = slow_demo
    at = testing.app().run()
    assert not at.exception
    total = len(demo_files())
    assert at.title[0].value == t("common.app_title", "fi")
    assert at.get("progress")[0].proto.text == t("common.demo_loading", "fi", stored=0, total=total)
    assert not at.metric  # no page yet: the overview's key figures wait for the data
    assert at.sidebar.selectbox[0].label == "Kieli · Språk · Language"  # the frame is there

    release.set()
    assert context._demo(url).wait(120)
    at.run()
    assert not at.exception
    assert not at.get("progress")
    assert len(at.metric) == 4  # the overview with the demo's figures
    assert len(Store(url).uploads.table("approved")) == total


def test_a_stored_database_gets_no_demo_and_no_waiting(monkeypatch, tmp_path):
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    before = len(Store(url).uploads.table())
    assert context._demo(url).done
    at = testing.app().run()
    assert not at.get("progress") and len(at.metric) == 4
    assert len(Store(url).uploads.table()) == before


def test_the_cache_key_stays_when_a_poll_answer_arrives(monkeypatch, tmp_path):
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    store = Store(url)
    store.poll.add("first", {"E2": 4}, 2026)  # opens the round's collection (an audited write)
    token = context.state_token()
    store.poll.add("second", {"E2": 5}, 2026)
    assert context.state_token() == token
