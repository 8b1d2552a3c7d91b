"""Rate limits shared through the database (both backends): sliding windows per scope and key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from indicator.storage import Store
from indicator.storage.limits import hashed
from indicator.storage.schema import throttle
from tests.storage_helpers import db_url  # noqa: F401


def test_hit_allows_up_to_the_limit_per_key_and_scope(db_url):  # noqa: F811
    store = Store(db_url)
    assert [store.limits.hit("poll", "device-a", limit=2, seconds=60) for _ in range(3)] == [True, True, False]
    assert store.limits.hit("poll", "device-b", limit=2, seconds=60)  # another key has its own count
    assert store.limits.hit("signin", "device-a", limit=2, seconds=60)  # another scope too
    assert store.limits.count("poll", "device-a", 60) == 2
    store.limits.clear("poll", "device-a")
    assert store.limits.count("poll", "device-a", 60) == 0
    store.limits.record("signin", "1.2.3.4")
    assert store.limits.count("signin", "1.2.3.4", 60) == 1
    store.close()


def test_a_window_forgets_old_events_and_no_raw_key_is_stored(db_url):  # noqa: F811
    store = Store(db_url)
    assert store.limits.hit("poll", "10.0.0.7", limit=1, seconds=60)
    with store.engine.begin() as conn:  # the event happened two minutes ago
        conn.execute(sa.update(throttle).values(at=datetime.now(UTC) - timedelta(minutes=2)))
        keys = conn.execute(sa.select(throttle.c.key)).scalars().all()
    assert keys == [hashed("10.0.0.7")] and "10.0.0.7" not in keys[0]
    assert store.limits.count("poll", "10.0.0.7", 60) == 0
    assert store.limits.hit("poll", "10.0.0.7", limit=1, seconds=60)
    store.close()


def test_counters_and_keys_are_not_content(db_url, tmp_path):  # noqa: F811
    store = Store(db_url)
    store.limits.record("signin", "x")
    key = store.secret("device_cookie")
    assert len(key) == 32 and store.secret("device_cookie") == key  # made once, then read
    assert store.is_empty()
    store.backup.export_xlsx(tmp_path / "b.xlsx")
    other = Store(f"sqlite:///{tmp_path / 'other.db'}")
    other.backup.restore_xlsx(tmp_path / "b.xlsx")  # the key is not in the backup: no clash
    assert other.secret("device_cookie") != key
    store.close()
    other.close()
