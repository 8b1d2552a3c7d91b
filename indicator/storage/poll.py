"""Seminar poll answers: one collecting upload per round, one respondent per answering device.

Poll answers are the responses of the round's poll upload (role ``poll``, village ``POLL_VILLAGE``,
approved); the respondent key is the ``poll_sessions`` row id. They never enter ``Store.responses()`` or
scores.

Who may answer (``Poll.vote``; ``Poll.add`` says only whether it was counted), checked in the one write transaction that stores the answer:

- a device answers each round once: the ``poll_sessions`` key is a hash of the device's signed cookie id
  and the round (``ui.device.device_id``), unique per round, so a reload or a new tab is the same device,
  and rounds cannot be linked;
- a network address may send ``address_limits`` answers (default 150 in 10 minutes and 400 in an hour):
  generous, because a seminar hall of a hundred phones may share one address behind the venue's Wi-Fi,
  but it bounds what one machine can add by clearing its cookies;
- all answers together at most ``rate_limit`` = (answers, seconds) (default 500 in 10 s): a ceiling that
  protects the database from a flood and that no real hall reaches.

An answer leaves the state token as it is (``Database.write(shown=False)``): nothing the dashboard caches
holds poll answers (the seminar screen reads them afresh on every refresh), and a hall answering must not
empty every page's caches once per answer (measured with ``benchmarks/load.py``).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping, Sequence
from datetime import timedelta
from enum import StrEnum

import pandas as pd
import sqlalchemy as sa

from indicator.storage.convert import frame_of, utc_column, utcnow
from indicator.storage.engine import Database
from indicator.storage.limits import Limits
from indicator.storage.schema import POLL_VILLAGE, Role, poll_sessions, responses, uploads
from indicator.storage.uploads import Uploads, check_round

POLL_RATE_LIMIT: tuple[int, float] = (500, 10.0)  # all answers: at most this many per this many seconds
ADDRESS_LIMITS: tuple[tuple[int, float], ...] = ((150, 600.0), (400, 3600.0))  # per network address
SCOPE = "poll"  # the rate-limit scope of answers per address (indicator.storage.limits)


class Vote(StrEnum):
    """What became of a poll answer; true only when it was counted."""

    COUNTED = "counted"
    ALREADY = "already"  # this device already answered this round
    ADDRESS_BUSY = "address_busy"  # this network address sent its share of answers just now
    BUSY = "busy"  # the poll's overall ceiling: try again in a moment

    def __bool__(self) -> bool:
        return self is Vote.COUNTED


class _Refused(Exception):
    """Leaves ``Poll.vote``'s transaction when an answer is not taken (so it rolls back)."""

    def __init__(self, vote: Vote) -> None:
        super().__init__(vote.value)
        self.vote = vote


def device_key(device: str, round: int) -> str:
    """The stored key of a device's answer in one round: a hash, so that no cookie id is stored and a
    device's answers in different rounds cannot be linked."""
    return hashlib.sha256(f"{int(round)}:{device}".encode()).hexdigest()


class Poll:
    """The seminar poll of one database (``Store.poll``)."""

    def __init__(self, database: Database, uploads: Uploads, rate_limit: tuple[int, float] = POLL_RATE_LIMIT,
                 address_limits: Sequence[tuple[int, float]] = ADDRESS_LIMITS) -> None:
        self.db = database
        self.uploads = uploads
        self.rate_limit = rate_limit
        self.address_limits = tuple(address_limits)
        self.limits = Limits(database)

    def add(self, device: str, values: Mapping[str, float], round: int, *, address: str | None = None,
            actor: str = "poll") -> bool:
        """``vote``, True when the answer was counted."""
        return self.vote(device, values, round, address=address, actor=actor) is Vote.COUNTED

    def vote(self, device: str, values: Mapping[str, float], round: int, *, address: str | None = None,
             actor: str = "poll") -> Vote:
        """Store one device's answers (item id -> value; None and non-finite values dropped) unless the device
        already answered this round or a limit (module docstring) is reached; says which."""
        check_round(round)
        answers = {str(k): float(v) for k, v in values.items() if v is not None and math.isfinite(float(v))}
        upload_id = self._upload(round, actor)
        key = device_key(device, round)
        limit, seconds = self.rate_limit
        now = utcnow()
        try:
            with self.db.write(shown=False) as conn:  # no cached view holds poll answers: caches stay warm
                if self._answered(conn, key, round):
                    raise _Refused(Vote.ALREADY)
                recent = conn.execute(
                    sa.select(sa.func.count()).select_from(poll_sessions).where(
                        poll_sessions.c.at >= now - timedelta(seconds=seconds))
                ).scalar_one()
                if recent >= limit:
                    raise _Refused(Vote.BUSY)
                if address is not None and any(self.limits.count_in(conn, SCOPE, address, window) >= most
                                               for most, window in self.address_limits):
                    raise _Refused(Vote.ADDRESS_BUSY)
                session_id = conn.execute(
                    sa.insert(poll_sessions).values(session_key=key, round=int(round), at=now)
                    .returning(poll_sessions.c.id)
                ).scalar_one()
                conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(
                    respondents=uploads.c.respondents + 1))
                if answers:
                    conn.execute(sa.insert(responses), [
                        {"upload_id": upload_id, "respondent": str(session_id), "village": POLL_VILLAGE,
                         "item": item, "value": value} for item, value in answers.items()
                    ])
                if address is not None:
                    self.limits.record_in(conn, SCOPE, address)
        except _Refused as refused:  # rolled back: a refusal writes nothing (and leaves the state token)
            return refused.vote
        except sa.exc.IntegrityError:  # the same device answered this round at the same moment
            return Vote.ALREADY
        return Vote.COUNTED

    def answered(self, device: str, round: int) -> bool:
        """True when this device has answered this round (one read)."""
        with self.db.read() as conn:
            return self._answered(conn, device_key(device, round), round)

    @staticmethod
    def _answered(conn: sa.Connection, key: str, round: int) -> bool:
        return conn.execute(sa.select(poll_sessions.c.id).where(
            poll_sessions.c.session_key == key, poll_sessions.c.round == int(round))).first() is not None

    def _upload(self, round: int, actor: str) -> int:
        """The round's poll upload (created on first use)."""
        return self.uploads.collection(
            f"poll:{int(round)}", round, filename=f"poll-{int(round)}", role=Role.POLL, village=POLL_VILLAGE,
            source_tool="poll", actor=actor, action="open_poll",
        )

    def responses(self, round: int | None = None) -> pd.DataFrame:
        """Poll answers (of one round), one row each in answering order: round, respondent (the poll
        session), item, value, at (UTC)."""
        query = (
            sa.select(uploads.c.round, responses.c.respondent, responses.c.item, responses.c.value,
                      poll_sessions.c.at)
            .join(uploads, uploads.c.id == responses.c.upload_id)
            .join(poll_sessions, sa.cast(poll_sessions.c.id, sa.String) == responses.c.respondent)
            .where(uploads.c.role == Role.POLL.value)
            .order_by(poll_sessions.c.id, responses.c.item)
        )
        if round is not None:
            query = query.where(uploads.c.round == int(round))
        with self.db.read() as conn:
            table = frame_of(conn.execute(query))
        table["at"] = utc_column(table["at"])
        return table
