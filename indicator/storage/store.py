"""``Store``: one database, its parts, and the questions that need more than one part.

``Store(url=None)`` opens (and creates) the database: the URL, else env ``DATABASE_URL``, else the
embedded SQLite file ``data/alykyla.db``. SQLite and PostgreSQL (``postgresql://...``) run the same code.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

import pandas as pd
import sqlalchemy as sa

from indicator.errors import StorageError
from indicator.framework import Framework
from indicator.storage.activities import Activities
from indicator.storage.app_survey import AppSurvey
from indicator.storage.backup import Backup
from indicator.storage.documents import Documents
from indicator.storage.engine import Database
from indicator.storage.erase import Erasure, erase_village
from indicator.storage.limits import Limits
from indicator.storage.poll import ADDRESS_LIMITS, POLL_RATE_LIMIT, Poll
from indicator.storage.responses import responses_table
from indicator.storage.schema import SECRET_KIND, Status
from indicator.storage.strategies import Strategies
from indicator.storage.uploads import Uploads

if TYPE_CHECKING:
    from indicator.scoring import ScoreOptions, Scores


class Store:
    """The survey database: ``uploads``, ``documents``, ``activities``, ``poll``, ``strategies``, ``backup``,
    ``limits``, ``app_survey`` and the derived tables (``responses``, ``scores``, ``progress``, ``audit_log``); see
    ``indicator.storage``."""

    def __init__(self, url: str | None = None, *, poll_rate_limit: tuple[int, float] = POLL_RATE_LIMIT,
                 poll_address_limits: tuple[tuple[int, float], ...] = ADDRESS_LIMITS) -> None:
        self.database = Database(url)
        self.uploads = Uploads(self.database)
        self.documents = Documents(self.database)
        self.activities = Activities(self.database)
        self.poll = Poll(self.database, self.uploads, poll_rate_limit, poll_address_limits)
        self.strategies = Strategies(self.database)
        self.backup = Backup(self.database, self.scores, after_restore=self._scrub_old_copies)
        self.limits = Limits(self.database)
        self.app_survey = AppSurvey(self.database, self.uploads, self.documents, self.limits)
        self._scrub_old_copies()

    def _scrub_old_copies(self) -> None:
        """Uploads stored by an older version kept the uploaded bytes: replace them now
        (``Uploads.scrub_raw_copies``); a read-only database is left as it is."""
        try:
            self.uploads.scrub_raw_copies()
        except StorageError as err:
            if err.code not in ("storage.read_only", "storage.busy", "storage.disk_full"):
                raise

    def erase_village(self, name: str, actor: str = "coordinator") -> Erasure:
        """Remove one village's uploads, answers, poll answers and derived data (``indicator.storage.erase``);
        the audit log keeps only that an erasure happened, with counts."""
        return erase_village(self.database, name, actor)

    @property
    def url(self) -> str:
        """The database URL with the password hidden."""
        return self.database.url

    @property
    def engine(self) -> sa.Engine:
        """The SQLAlchemy engine (for tests and tools; the library goes through ``database``)."""
        return self.database.engine

    def __repr__(self) -> str:
        return f"Store({self.url!r})"

    def close(self) -> None:
        """Release pooled connections (the Store can still be used afterwards)."""
        self.database.close()

    def responses(self, status: str | None = Status.APPROVED, framework: Framework | None = None) -> pd.DataFrame:
        """The responses table (village, round, respondent, upload_id, items; ``indicator.storage.responses``)
        of the uploads with this status; ``None`` gives every non-poll upload. With ``framework`` every item
        is a column. For ``approved`` only the most recently approved upload of each (village, round) counts.
        """
        return responses_table(self.database, status, framework)

    def scores(self, framework: Framework, options: ScoreOptions | None = None) -> Scores:
        """``indicator.scoring.score`` over the approved responses of every round."""
        from indicator.scoring import ScoreOptions, score

        return score(self.responses(framework=framework), framework, options or ScoreOptions())

    def progress(self, framework: Framework, *, method: str | None = None, registry: pd.DataFrame | None = None,
                 options: ScoreOptions | None = None) -> pd.DataFrame:
        """Progress toward the target year from the stored scores (``indicator.progress.progress``; its
        default method when ``method`` is None)."""
        from indicator.progress import progress

        chosen = {"method": method} if method is not None else {}
        return progress(self.scores(framework, options).table, framework, registry=registry, **chosen)

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit log, newest first: id, at, actor, role, action, upload_id, detail (dict)."""
        return self.database.audit_log(limit)

    def state_token(self) -> str:
        """A short text that changes whenever stored data change (for Streamlit cache keys)."""
        return self.database.state_token()

    def is_empty(self) -> bool:
        """True when nothing at all is stored."""
        return self.database.is_empty()

    def secret(self, name: str) -> bytes:
        """A random 32-byte secret kept in the database under ``name`` (made on first use), shared by every
        process of a deployment; e.g. the key that signs device cookies when no key is configured."""
        stored = self.documents.get(SECRET_KIND, name)
        if not stored:  # the first process to insert wins; the others read its key
            self.documents.add_once(SECRET_KIND, name, secrets.token_hex(32), actor="system")
            stored = self.documents.get(SECRET_KIND, name)
        return bytes.fromhex(str(stored))
