"""Schema migrations (Alembic): every database brought to the schema of this code, on start or by command.

``upgrade(engine)`` runs when a ``Store`` opens a database (``indicator.storage.engine.Database``) and by
``python -m indicator migrate``; ``status(engine)`` only looks (``migrate --check``, ``check``). The
revisions are the files in ``versions/``, one per schema change, each written against the tables as they
were then. ``HEAD`` names the newest; a test checks that it is the head of the files and that a database
upgraded to it equals ``schema.metadata``.

Databases made before migrations existed have no ``alembic_version`` table. Their tables show which
schema they have (``legacy_revision``); they are stamped with that revision and upgraded from there. The
steps up to 0004 add only what is missing, because the app of that time created missing tables and added
missing columns on start, so such a database can be anywhere between two shipped schemas.

Several app processes may start at once: the upgrade runs in one transaction that first takes a lock
(PostgreSQL: an advisory lock for this schema; SQLite: ``BEGIN IMMEDIATE``, the database's write lock),
then looks again, so one process migrates and the others find the work done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from indicator.errors import StorageError

HEAD = "0007"
FOLDER = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"
# PostgreSQL advisory lock (two int4 keys): this number and the hash of the schema's name, so tests that
# each use their own schema on one server do not wait for each other.
LOCK = 0x414C594D


@dataclass(frozen=True)
class SchemaStatus:
    """Where a database's schema stands.

    ``revision`` is the revision recorded in the database (None when none is); ``legacy`` is, for a
    database made before migrations (tables but no record), the revision its tables match; both None
    means an empty database. ``head`` is the revision this code needs.
    """

    revision: str | None
    legacy: str | None = None
    head: str = HEAD

    @property
    def current(self) -> bool:
        """True when the database has the schema this code needs."""
        return self.revision == self.head

    @property
    def empty(self) -> bool:
        return self.revision is None and self.legacy is None

    def describe(self) -> str:
        """One plain English line: where the schema stands and what to do."""
        if self.current:
            return f"schema current (revision {self.head})"
        if self.empty:
            return f"no tables yet (migrate creates revision {self.head})"
        if self.revision is None:
            return (f"made before migrations (its tables match revision {self.legacy}); "
                    f"migrate upgrades it to {self.head}")
        return f"schema at revision {self.revision}; migrate upgrades it to {self.head}"


def status(engine: Engine) -> SchemaStatus:
    """The schema status of the database (reads only)."""
    with engine.connect() as conn, conn.begin():
        return _status(conn)


def upgrade(engine: Engine) -> tuple[SchemaStatus, SchemaStatus]:
    """Bring the database to ``HEAD`` (create it from nothing, or stamp and upgrade an older one);
    returns (status before, status after). Safe when several processes start at once."""
    before = status(engine)
    if before.current:
        return before, before
    with _locked(engine) as conn:
        before = _status(conn)  # again under the lock: another process may have done it meanwhile
        if not before.current:
            _migrate(conn, before)
    return before, status(engine)


def legacy_revision(conn: sa.Connection) -> str | None:
    """For a database without a recorded revision: the revision its tables match, None when it has none.

    The steps 0002-0004 skip what is already there, so a database between two shipped schemas is given
    the older one: one that got the upload columns from the old start-up code but still has the first
    schema's index on ``responses.village`` (and uploads without villages) counts as 0001.
    """
    inspector = sa.inspect(conn)
    tables = set(inspector.get_table_names())
    if "uploads" not in tables:
        return None
    columns = {c["name"] for c in inspector.get_columns("uploads")}
    old_index = any(ix["name"] == "ix_responses_village" for ix in inspector.get_indexes("responses"))
    if "villages" not in columns or old_index:
        return "0001"
    if "strategies" not in tables:
        return "0002"
    if "throttle" not in tables:
        return "0003"
    return "0004"


def alembic_config(connection: sa.Connection | None = None, url: str | None = None) -> object:
    """An Alembic ``Config`` for these migrations, on ``connection`` (or ``url`` for Alembic's own tools)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(FOLDER))
    config.set_main_option("path_separator", "os")
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def revisions() -> list[str]:
    """Every revision of ``versions/``, oldest first (reads the files)."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _status(conn: sa.Connection) -> SchemaStatus:
    if sa.inspect(conn).has_table(VERSION_TABLE):
        revision = conn.execute(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
        return SchemaStatus(revision)
    return SchemaStatus(None, legacy_revision(conn))


@contextmanager
def _locked(engine: Engine) -> Iterator[sa.Connection]:
    """One write transaction holding the migration lock."""
    with engine.connect() as conn:
        conn.execution_options(write=True)  # SQLite: BEGIN IMMEDIATE (indicator.storage.engine)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.execute(sa.text("SELECT pg_advisory_xact_lock(:key, hashtext(current_schema()))"),
                             {"key": LOCK})
            yield conn


def _migrate(conn: sa.Connection, before: SchemaStatus) -> None:
    """Stamp a database made before migrations, then upgrade to the head, on ``conn`` (one transaction)."""
    from alembic import command
    from alembic.util.exc import CommandError

    config = alembic_config(conn)
    if before.revision is not None and before.revision not in revisions():
        raise StorageError(
            f"the database has schema revision {before.revision}, which this version of the app does not know "
            f"(it knows up to {HEAD}): a newer version migrated it; run that version",
            code="migrations.unknown_revision", params={"revision": before.revision, "head": HEAD},
        )
    try:
        if before.revision is None and before.legacy is not None:
            command.stamp(config, before.legacy)
        command.upgrade(config, "head")
    except CommandError as exc:
        raise StorageError(f"the schema cannot be upgraded: {exc}", code="migrations.failed",
                           params={"reason": str(exc)}) from None
