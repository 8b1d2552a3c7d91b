"""The connection to the database: URL, engine, SQLite settings, transactions and the audit log.

``Database`` is what every part of the Store shares: ``read()`` and ``write()`` transactions and
``audit()``, the one writer of the audit log (every change writes a row in its own transaction).

SQLite connections get WAL, a busy timeout, foreign keys and ``secure_delete`` (what is deleted is
overwritten, so an erased answer does not linger in free pages; ``Database.checkpoint`` empties the WAL
file too); write transactions start with
``BEGIN IMMEDIATE`` so that a writer takes the lock up front instead of failing with ``SQLITE_BUSY``
when a read is upgraded to a write. PostgreSQL needs nothing special; approvals take an advisory lock
(``indicator.storage.uploads``). Opening a database brings its schema to this code's
(``indicator.storage.migrations.upgrade``).

Several processes may share one database: nothing is cached here, and ``state_token()`` changes with
every write that changes what the app shows, whichever process made it: each such transaction counts up
the one row of ``data_version`` as its last statement. A counter, not the newest id of some table: on
PostgreSQL ids are handed out when a transaction starts writing but become visible when it commits, so a
transaction that took id 10 can commit after one that took id 11, and "the newest id" would miss it.
The counter's row lock orders the counts as the commits.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

from indicator.errors import StorageError
from indicator.paths import DATA_DIR
from indicator.storage.convert import frame_of, json_column, to_json, utc_column, utcnow
from indicator.storage.migrations import upgrade
from indicator.storage.schema import SECRET_KIND, TABLES, audit, data_version, documents

DEFAULT_DB_PATH = DATA_DIR / "alykyla.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def resolve_url(url: str | None = None) -> URL:
    """The database URL: the argument, else env ``DATABASE_URL``, else the embedded SQLite file.

    ``postgresql://`` and ``postgres://`` are mapped to the psycopg 3 driver.
    """
    text = url or default_url()
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        parsed = make_url(text)
    except sa.exc.ArgumentError as exc:
        raise StorageError(f"not a database URL: {exc}", code="storage.bad_url", params={"reason": str(exc)},
                           value=text) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError("only sqlite:// and postgresql:// databases are supported",
                           code="storage.unsupported_database", value=text)
    return parsed


def default_url() -> str:
    """The URL a Store opens without arguments: env ``DATABASE_URL``, else the embedded SQLite file."""
    return os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"


def create_engine(url: str | None = None) -> Engine:
    """An engine for the resolved URL; SQLite gets WAL, busy timeout, foreign keys, BEGIN IMMEDIATE writes."""
    parsed = resolve_url(url)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        engine = sa.create_engine(parsed, poolclass=StaticPool, connect_args={"check_same_thread": False})
    else:
        if not _is_uri_filename(parsed):  # a URI names an existing file (e.g. mode=ro): no folder made for it
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _install_sqlite_hooks(engine)
    return engine


def _is_uri_filename(parsed: URL) -> bool:
    """True for SQLite's URI filenames (``sqlite:///file:path?mode=ro&uri=true``): the database text is a
    ``file:`` URI, not a path, so its "parent" is no folder to create (it was made in the working directory)."""
    return str(parsed.query.get("uri", "")).lower() in ("true", "1") or (parsed.database or "").startswith("file:")


def _install_sqlite_hooks(engine: Engine) -> None:
    """Pragmas on connect; our own BEGIN (DEFERRED for reads, IMMEDIATE for writes)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # pysqlite must not emit its own BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        with contextlib.suppress(sqlite3.OperationalError):  # a read-only file keeps its mode (and stays readable)
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten with zeros, not left in free pages
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # noqa: ANN001
        immediate = connection.get_execution_options().get("write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def failure_reason(exc: BaseException) -> str:
    """The driver's own words for a database failure, on one line (no SQL, no traceback)."""
    cause = getattr(exc, "orig", None) or exc
    text = getattr(cause, "strerror", None) or str(cause) or type(cause).__name__
    return " ".join(text.split("\n")[0].split())


def _driver_failures() -> tuple[type[BaseException], ...]:
    """The drivers' own operational errors (raised by bulk inserts through the raw cursor), as installed."""
    found: list[type[BaseException]] = [sqlite3.OperationalError]
    try:
        import psycopg
    except ImportError:
        return tuple(found)
    return (*found, psycopg.OperationalError, psycopg.errors.ReadOnlySqlTransaction)


# What ``Database.write()``/``read()`` turn into a StorageError naming the database's state.
DATABASE_FAILURES: tuple[type[BaseException], ...] = (sa.exc.OperationalError, sa.exc.InternalError,
                                                      *_driver_failures())


class _Failure(NamedTuple):
    """A database failure a user can be told about: SQLite's words for it, PostgreSQL's SQLSTATE prefixes."""

    words: tuple[str, ...]
    states: tuple[str, ...]
    code: str
    message: str


_FAILURES: tuple[_Failure, ...] = (
    _Failure(("readonly", "read-only"), ("25006",), code="storage.read_only",
             message="the database is read-only at the moment: nothing can be saved, everything can still be read"),
    _Failure(("disk is full", "database or disk is full"), ("53100",), code="storage.disk_full",
             message="the database's disk is full: nothing can be saved until space is freed"),
    _Failure(("database is locked", "database table is locked"), ("55P03", "57014"), code="storage.busy",
             message="the database is busy; try again in a moment"),
    _Failure(("unable to open", "disk i/o error"), ("08", "57P"), code="storage.unavailable",
             message="the database cannot be reached at the moment; try again later"),
)


def database_error(exc: BaseException) -> StorageError:
    """A StorageError naming what happened to the database (read-only, disk full, busy, unreachable), in
    words a user can act on; other failures keep the driver's own words (``storage.failed``)."""
    reason = failure_reason(exc)
    words = reason.casefold()
    state = str(getattr(getattr(exc, "orig", None) or exc, "sqlstate", "") or "")
    for failure in _FAILURES:
        if any(t in words for t in failure.words) or (state and state.startswith(failure.states)):
            return StorageError(failure.message, code=failure.code)
    return StorageError(f"the database failed: {reason}", code="storage.failed", params={"reason": reason})


class Database:
    """An open database with its schema: transactions, the audit log and the state of all tables.

    ``url`` is the URL with the password hidden (for messages); ``engine`` the SQLAlchemy engine.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url).render_as_string(hide_password=True)
        try:
            self.engine = create_engine(url)
            upgrade(self.engine)
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            reason = failure_reason(exc)
            raise StorageError(f"cannot open the database: {reason}", code="storage.cannot_open",
                               params={"reason": reason}, file=self.url) from None

    def close(self) -> None:
        """Release pooled connections (the database can still be used afterwards)."""
        self.engine.dispose()

    @contextmanager
    def write(self, *, shown: bool = True) -> Iterator[sa.Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE); commits on success, rolls back on error.

        ``shown=False`` for writes that change nothing the app shows (rate-limit counters): they leave the
        state token as it is, so they do not empty every process's caches. A database that cannot take
        the write (read-only, disk full, busy, unreachable) raises a StorageError saying so
        (``database_error``).
        """
        try:
            with self.engine.connect() as conn:
                conn.execution_options(write=True)
                with conn.begin():
                    yield conn
                    if shown:
                        count_write(conn)
        except DATABASE_FAILURES as exc:
            raise database_error(exc) from None

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """One read transaction (a consistent snapshot of every table); failures as in ``write``."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except DATABASE_FAILURES as exc:
            raise database_error(exc) from None

    def vacuum(self) -> None:
        """SQLite: rebuild the database file (its free pages dropped), then ``checkpoint``. Skipped when
        another connection holds a transaction (it runs again next time). PostgreSQL: ``VACUUM``."""
        postgres = self.engine.dialect.name == "postgresql"
        raw = self.engine.raw_connection()
        try:
            if postgres:
                raw.driver_connection.autocommit = True
            raw.driver_connection.execute("VACUUM")
        except Exception:  # noqa: BLE001 - a busy database is vacuumed another time
            pass
        finally:
            if postgres:
                raw.driver_connection.autocommit = False
            raw.close()
        self.checkpoint()

    def checkpoint(self) -> None:
        """SQLite: copy the WAL into the database file and empty it, so that pages written before (say,
        of answers since erased) leave the WAL file too. Nothing to do on PostgreSQL."""
        if self.engine.dialect.name != "sqlite":
            return
        with self.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")

    def audit(self, conn: sa.Connection, actor: str, role: str, action: str, upload_id: int | None = None,
              **detail: Any) -> None:
        """Write one audit row inside the open write transaction ``conn`` (``detail`` as JSON text)."""
        conn.execute(
            sa.insert(audit).values(
                at=utcnow(), actor=actor, role=str(role), action=action, upload_id=upload_id,
                detail=to_json(detail) if detail else None,
            )
        )

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit log, newest first: id, at (UTC), actor, role, action, upload_id (Int64), detail (dict)."""
        query = sa.select(audit).order_by(audit.c.id.desc())
        if limit is not None:
            query = query.limit(int(limit))
        with self.read() as conn:
            table = frame_of(conn.execute(query))
        table["at"] = utc_column(table["at"])
        table["upload_id"] = table["upload_id"].astype("Int64")
        table["detail"] = json_column(table["detail"])
        return table

    def state_token(self) -> str:
        """A short text that changes whenever stored data change (for cache keys, across processes):
        the database's URL (hashed), its random epoch and its write counter."""
        with self.read() as conn:
            row = conn.execute(sa.select(data_version.c.epoch, data_version.c.version)
                               .where(data_version.c.id == 1)).one_or_none()
        epoch, version = row if row is not None else ("-", 0)
        url_key = hashlib.sha1(self.url.encode()).hexdigest()[:8]
        return f"{url_key}-{epoch}-{version}"

    def is_empty(self) -> bool:
        """True when no content is stored (rate-limit counters and stored keys do not count)."""
        with self.read() as conn:
            return all(
                conn.execute(_content(sa.select(sa.literal(1)).select_from(t), t).limit(1)).first() is None
                for t in TABLES
            )


def count_write(conn: sa.Connection) -> None:
    """Count one write in ``data_version`` (inside the writing transaction, as its last statement)."""
    bumped = conn.execute(sa.update(data_version).where(data_version.c.id == 1)
                          .values(version=data_version.c.version + 1)).rowcount
    if not bumped:  # the row was lost (e.g. deleted by hand): start again with a new epoch
        conn.execute(sa.insert(data_version).values(id=1, epoch=secrets.token_hex(8), version=1))


def _content(query: sa.Select, table: sa.Table) -> sa.Select:
    """``query`` without the rows that are not content (stored keys in ``documents``)."""
    return query.where(table.c.kind != SECRET_KIND) if table is documents else query
