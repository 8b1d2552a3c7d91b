"""Coordinator sign-in slowed down per address and per session, refused before any passphrase is hashed."""

from __future__ import annotations

import os

import pytest

from indicator.i18n import t
from indicator.storage import Store
from tests.test_app import sign_in
from ui import auth, testing


@pytest.fixture
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", testing.demo_database(tmp_path))
    monkeypatch.setenv("ALYKYLA_COORDINATOR_HASH", testing.test_hash())
    monkeypatch.delenv("ALYKYLA_DEV_PASSPHRASE", raising=False)
    hashed = []
    real = auth.verify
    monkeypatch.setattr(auth, "verify", lambda passphrase, encoded: hashed.append(1) or real(passphrase, encoded))
    return hashed


def test_a_session_gets_five_tries_then_waits(env):
    at = testing.app().run()
    for _ in range(5):
        at = sign_in(at, "arvaus")
        assert at.sidebar.error[0].value == t("common.login_failed", "fi")
    assert len(env) == 5
    at = sign_in(at, testing.TEST_PASSPHRASE)  # even the right one: refused without hashing it
    assert at.session_state["role"] == "public"
    assert at.sidebar.error[0].value == t("common.login_wait", "fi", minutes=5)
    assert len(env) == 5


def test_an_address_gets_twenty_tries_across_sessions(env):
    limits = Store(os.environ["DATABASE_URL"]).limits
    for _ in range(auth.ADDRESS_LIMIT[0]):  # twenty wrong tries from this address (AppTest's is "local")
        limits.record(auth.SIGNIN_SCOPE, "address:local")
    at = sign_in(testing.app().run(), testing.TEST_PASSPHRASE)  # a fresh session
    assert at.session_state["role"] == "public"
    assert at.sidebar.error[0].value == t("common.login_wait", "fi", minutes=15)
    assert env == []


def test_the_wait_is_until_the_oldest_try_leaves_the_window(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'w.db'}")
    for n in range(5):
        tried = auth.attempt_sign_in("väärä", store.limits, "192.0.2.1", "s1")
        assert tried == auth.Attempt(False, 0.0), n
    refused = auth.attempt_sign_in("väärä", store.limits, "192.0.2.1", "s1")
    assert not refused.ok and 280 < refused.wait <= 300
    other = auth.attempt_sign_in("väärä", store.limits, "192.0.2.1", "s2")  # another session, same address
    assert other == auth.Attempt(False, 0.0)
    assert store.limits.count(auth.SIGNIN_SCOPE, "address:192.0.2.1", 900) == 6
