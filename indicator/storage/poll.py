"""Seminar poll answers: one collecting upload per round, one respondent per answering browser session.

Poll answers are the responses of the round's poll upload (role ``poll``, village ``POLL_VILLAGE``,
approved); the respondent key is the ``poll_sessions`` row id. They never enter ``Store.responses()`` or
scores. A session answers each round once (unique (session_key, round)) and at most ``rate_limit`` =
(answers, seconds) are taken in any window, so a flood cannot fill the database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta

import pandas as pd
import sqlalchemy as sa

from indicator.storage.convert import frame_of, utc_column, utcnow
from indicator.storage.engine import Database
from indicator.storage.schema import POLL_VILLAGE, Role, poll_sessions, responses, uploads
from indicator.storage.uploads import Uploads, check_round

POLL_RATE_LIMIT: tuple[int, float] = (300, 60.0)  # at most this many poll answers per this many seconds


class Poll:
    """The seminar poll of one database (``Store.poll``)."""

    def __init__(self, database: Database, uploads: Uploads, rate_limit: tuple[int, float] = POLL_RATE_LIMIT) -> None:
        self.db = database
        self.uploads = uploads
        self.rate_limit = rate_limit

    def add(self, session_key: str, values: Mapping[str, float], round: int, actor: str = "poll") -> bool:
        """Store one browser session's answers (item id -> value; None and non-finite values dropped);
        False when this session already answered this round or the rate limit is reached."""
        check_round(round)
        answers = {str(k): float(v) for k, v in values.items() if v is not None and math.isfinite(float(v))}
        upload_id = self._upload(round, actor)
        limit, seconds = self.rate_limit
        now = utcnow()
        try:
            with self.db.write() as conn:
                recent = conn.execute(
                    sa.select(sa.func.count()).select_from(poll_sessions).where(
                        poll_sessions.c.at >= now - timedelta(seconds=seconds))
                ).scalar_one()
                if recent >= limit:
                    return False
                session_id = conn.execute(
                    sa.insert(poll_sessions).values(session_key=session_key, round=int(round), at=now)
                    .returning(poll_sessions.c.id)
                ).scalar_one()
                conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(
                    respondents=uploads.c.respondents + 1))
                if answers:
                    conn.execute(sa.insert(responses), [
                        {"upload_id": upload_id, "respondent": str(session_id), "village": POLL_VILLAGE,
                         "item": item, "value": value} for item, value in answers.items()
                    ])
        except sa.exc.IntegrityError:  # this session already answered this round
            return False
        return True

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
