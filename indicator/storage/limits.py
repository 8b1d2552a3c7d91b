"""Rate limits shared by every app process: recent events counted per (scope, key) in the database.

A key is whatever identifies the actor (a device token, a network address, a session): only its SHA-256
is stored, so the table holds no address. Events older than a day are pruned as new ones arrive.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from indicator.storage.convert import as_utc, utcnow
from indicator.storage.engine import Database
from indicator.storage.schema import throttle

KEEP = timedelta(days=1)


def hashed(key: str) -> str:
    """The stored form of a key (SHA-256 hex)."""
    return hashlib.sha256(str(key).encode("utf-8")).hexdigest()


class Limits:
    """Sliding-window counters of one database (``Store.limits``)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def hit(self, scope: str, key: str, *, limit: int, seconds: float) -> bool:
        """Record one event of ``key`` in ``scope`` unless ``limit`` events happened in the last ``seconds``.

        True when the event was allowed (and recorded), False when the limit is reached. One write
        transaction, so processes sharing the database see one count.
        """
        now, digest = utcnow(), hashed(key)
        with self.db.write(shown=False) as conn:
            if self._count(conn, scope, digest, now - timedelta(seconds=seconds)) >= limit:
                return False
            conn.execute(sa.insert(throttle).values(scope=scope, key=digest, at=now))
            conn.execute(sa.delete(throttle).where(throttle.c.scope == scope, throttle.c.at < now - KEEP))
        return True

    def record(self, scope: str, key: str) -> None:
        """Record one event (e.g. a failed sign-in) without a limit check."""
        with self.db.write(shown=False) as conn:
            conn.execute(sa.insert(throttle).values(scope=scope, key=hashed(key), at=utcnow()))

    def count(self, scope: str, key: str, seconds: float) -> int:
        """How many events ``key`` had in ``scope`` during the last ``seconds``."""
        with self.db.read() as conn:
            return self._count(conn, scope, hashed(key), utcnow() - timedelta(seconds=seconds))

    def wait(self, scope: str, key: str, *, limit: int, seconds: float) -> float:
        """Seconds until ``key`` may act again in ``scope``: 0 when it had fewer than ``limit`` events in the
        last ``seconds``, else until the oldest of its last ``limit`` events leaves the window. Only reads, so
        a refusal costs one query (and e.g. no passphrase hashing)."""
        now = utcnow()
        with self.db.read() as conn:
            recent = conn.execute(
                sa.select(throttle.c.at).where(throttle.c.scope == scope, throttle.c.key == hashed(key),
                                               throttle.c.at >= now - timedelta(seconds=seconds))
                .order_by(throttle.c.at.desc()).limit(limit)
            ).scalars().all()
        if len(recent) < limit:
            return 0.0
        oldest = as_utc(recent[-1])
        return max(0.0, (oldest + timedelta(seconds=seconds) - now).total_seconds())

    def count_in(self, conn: sa.Connection, scope: str, key: str, seconds: float) -> int:
        """``count`` inside an open transaction (so that a check and its write are one step)."""
        return self._count(conn, scope, hashed(key), utcnow() - timedelta(seconds=seconds))

    def record_in(self, conn: sa.Connection, scope: str, key: str) -> None:
        """``record`` inside an open write transaction."""
        conn.execute(sa.insert(throttle).values(scope=scope, key=hashed(key), at=utcnow()))

    def clear(self, scope: str, key: str) -> None:
        """Forget ``key``'s events in ``scope`` (e.g. after a successful sign-in)."""
        with self.db.write(shown=False) as conn:
            conn.execute(sa.delete(throttle).where(throttle.c.scope == scope, throttle.c.key == hashed(key)))

    @staticmethod
    def _count(conn: sa.Connection, scope: str, digest: str, since: object) -> int:
        return int(conn.execute(
            sa.select(sa.func.count()).select_from(throttle).where(
                throttle.c.scope == scope, throttle.c.key == digest, throttle.c.at >= since)
        ).scalar_one())
