"""Who may answer the seminar poll: one answer per device and round, generous per address, a global ceiling."""

from __future__ import annotations

import pytest

from indicator.storage import Store
from indicator.storage.poll import Vote, device_key
from tests.storage_helpers import db_url  # noqa: F401


def test_a_device_answers_each_round_once(db_url):  # noqa: F811
    store = Store(db_url)
    assert store.poll.vote("device-a", {"T1": 4}, 2026) is Vote.COUNTED
    assert store.poll.answered("device-a", 2026) and not store.poll.answered("device-a", 2027)
    assert store.poll.vote("device-a", {"T1": 1}, 2026) is Vote.ALREADY  # a reload: the same signed cookie
    assert store.poll.vote("device-a", {"T1": 5}, 2027) is Vote.COUNTED
    assert not Vote.ALREADY and Vote.COUNTED
    assert store.poll.add("device-b", {"T1": 2}, 2026) is True and store.poll.add("device-b", {"T1": 2}, 2026) is False
    assert store.poll.responses(2026)["value"].tolist() == [4.0, 2.0]


def test_no_cookie_id_is_stored_and_rounds_do_not_link(db_url):  # noqa: F811
    store = Store(db_url)
    store.poll.vote("device-secret-id", {"T1": 4}, 2026)
    store.poll.vote("device-secret-id", {"T1": 4}, 2027)
    with store.engine.connect() as conn:
        keys = [row[0] for row in conn.exec_driver_sql("SELECT session_key FROM poll_sessions ORDER BY id")]
    assert keys == [device_key("device-secret-id", 2026), device_key("device-secret-id", 2027)]
    assert keys[0] != keys[1] and not any("device-secret-id" in k for k in keys)


def test_a_hall_behind_one_address_is_counted(db_url):  # noqa: F811
    store = Store(db_url)  # the shipped limits: a hundred phones on the venue's Wi-Fi all count
    votes = [store.poll.vote(f"phone-{n}", {"T1": 3}, 2026, address="192.0.2.7") for n in range(100)]
    assert votes == [Vote.COUNTED] * 100


def test_one_address_is_bounded_and_others_still_answer(db_url):  # noqa: F811
    store = Store(db_url, poll_address_limits=((5, 600.0), (8, 3600.0)))
    votes = [store.poll.vote(f"fresh-cookie-{n}", {"T1": 1}, 2026, address="198.51.100.9") for n in range(7)]
    assert votes == [Vote.COUNTED] * 5 + [Vote.ADDRESS_BUSY] * 2
    assert store.poll.vote("a-real-voter", {"T1": 5}, 2026, address="203.0.113.4") is Vote.COUNTED
    assert len(store.poll.responses(2026)) == 6


def test_the_global_ceiling_protects_the_database(db_url):  # noqa: F811
    store = Store(db_url, poll_rate_limit=(3, 60.0))
    votes = [store.poll.vote(f"d{n}", {"T1": 3}, 2026, address=f"10.0.0.{n}") for n in range(4)]
    assert votes == [Vote.COUNTED] * 3 + [Vote.BUSY]


@pytest.mark.parametrize("shipped", [True])
def test_shipped_limits_are_generous_per_address_and_high_in_total(shipped):
    from indicator.storage.poll import ADDRESS_LIMITS, POLL_RATE_LIMIT

    assert min(most for most, _ in ADDRESS_LIMITS) >= 100  # a hall of a hundred phones on one address
    assert POLL_RATE_LIMIT[0] / POLL_RATE_LIMIT[1] >= 20  # answers per second before the ceiling


def test_a_refused_answer_writes_nothing(db_url):  # noqa: F811
    store = Store(db_url, poll_address_limits=((1, 600.0),))
    store.poll.vote("d1", {"T1": 3}, 2026, address="192.0.2.1")
    token = store.state_token()
    assert store.poll.vote("d1", {"T1": 3}, 2026, address="192.0.2.1") is Vote.ALREADY
    assert store.poll.vote("d2", {"T1": 3}, 2026, address="192.0.2.1") is Vote.ADDRESS_BUSY
    assert store.state_token() == token  # the caches of every process stay warm
    assert store.limits.count("poll", "192.0.2.1", 600) == 1
