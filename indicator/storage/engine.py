"""The connection to the database: URL, engine, SQLite settings, transactions and the audit log.

``Database`` is what every part of the Store shares: ``read()`` and ``write()`` transactions and
``audit()``, the one writer of the audit log (every change writes a row in its own transaction).

SQLite connections get WAL, a busy timeout and foreign keys; write transactions start with
``BEGIN IMMEDIATE`` so that a writer takes the lock up front instead of failing with ``SQLITE_BUSY``
when a read is upgraded to a write. PostgreSQL needs nothing special; approvals take an advisory lock
(``indicator.storage.uploads``). Several processes may share one database: nothing is cached here,
and ``state_token()`` changes with every write, whichever process made it.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

from indicator.errors import StorageError
from indicator.storage.convert import frame_of, json_column, to_json, utc_column, utcnow
from indicator.storage.schema import (
    SECRET_KIND,
    TABLES,
    audit,
    create_schema,
    documents,
    poll_sessions,
    uploads,
)

DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "alykyla.db"
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
        Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    _install_sqlite_hooks(engine)
    return engine


def _install_sqlite_hooks(engine: Engine) -> None:
    """Pragmas on connect; our own BEGIN (DEFERRED for reads, IMMEDIATE for writes)."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # noqa: ANN001
        dbapi_connection.isolation_level = None  # pysqlite must not emit its own BEGIN
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
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


class Database:
    """An open database with its schema: transactions, the audit log and the state of all tables.

    ``url`` is the URL with the password hidden (for messages); ``engine`` the SQLAlchemy engine.
    """

    def __init__(self, url: str | None = None) -> None:
        self.url = resolve_url(url).render_as_string(hide_password=True)
        try:
            self.engine = create_engine(url)
            create_schema(self.engine)
        except (sa.exc.SQLAlchemyError, OSError) as exc:
            reason = failure_reason(exc)
            raise StorageError(f"cannot open the database: {reason}", code="storage.cannot_open",
                               params={"reason": reason}, file=self.url) from None

    def close(self) -> None:
        """Release pooled connections (the database can still be used afterwards)."""
        self.engine.dispose()

    @contextmanager
    def write(self) -> Iterator[sa.Connection]:
        """One write transaction (SQLite: BEGIN IMMEDIATE); commits on success, rolls back on error."""
        with self.engine.connect() as conn:
            conn.execution_options(write=True)
            with conn.begin():
                yield conn

    @contextmanager
    def read(self) -> Iterator[sa.Connection]:
        """One read transaction (a consistent snapshot of every table)."""
        with self.engine.connect() as conn, conn.begin():
            yield conn

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

    def state_token(self, *, poll: bool = True) -> str:
        """A short text that changes whenever stored data change (for cache keys, across processes).

        ``poll=False`` leaves out the seminar poll's answers, which arrive one at a time and enter no score:
        a cache of scores keyed by it is not thrown away by every answer.
        """
        parts = [sa.select(sa.func.max(t.c.id)).scalar_subquery() for t in ((audit, poll_sessions) if poll
                                                                            else (audit,))]
        parts.append(sa.select(sa.func.count()).select_from(uploads).scalar_subquery())
        with self.read() as conn:
            values = conn.execute(sa.select(*parts)).one()
        url_key = hashlib.sha1(self.url.encode()).hexdigest()[:8]
        return f"{url_key}-" + "-".join(str(v or 0) for v in values)

    def is_empty(self) -> bool:
        """True when no content is stored (rate-limit counters and stored keys do not count)."""
        with self.read() as conn:
            return all(
                conn.execute(_content(sa.select(sa.literal(1)).select_from(t), t).limit(1)).first() is None
                for t in TABLES
            )


def _content(query: sa.Select, table: sa.Table) -> sa.Select:
    """``query`` without the rows that are not content (stored keys in ``documents``)."""
    return query.where(table.c.kind != SECRET_KIND) if table is documents else query
