"""The database schema and engine behind ``indicator.storage`` (SQLAlchemy 2 Core).

One schema serves SQLite (the embedded default) and PostgreSQL. SQLite connections get WAL, a busy
timeout and foreign keys; write transactions start with ``BEGIN IMMEDIATE`` so that a writer takes the
lock up front instead of failing with ``SQLITE_BUSY`` when a read is upgraded to a write.

Tables
------
uploads        one stored file: bytes, sha256, round, role, status and its import report (json text)
responses      long form answers: upload_id, respondent, village, item, value (never personal columns)
audit          who did what and when (every change writes a row)
documents      named json payloads by kind: weight sets, saved groupings, mapping templates
activities     project-goal records (done actions toward the Leader projects' goals)
poll_sessions  one row per answered seminar poll per browser session (one answer each, rate limit)

Poll answers are responses of one upload per seminar round with role ``poll``, village ``POLL_VILLAGE``
and sha256 of ``poll:<round>``; the respondent key is the poll session row id.
"""

from __future__ import annotations

import base64
import math
import os
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import StaticPool

from indicator.errors import StorageError

DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "alykyla.db"
SQLITE_BUSY_TIMEOUT_MS = 30_000
STATUSES: tuple[str, ...] = ("pending", "approved", "rejected", "superseded")
ROLES: tuple[str, ...] = ("village", "admin", "poll")
POLL_VILLAGE = "Seminaari"
SCHEMA_VERSION = 1

metadata = sa.MetaData()

uploads = sa.Table(
    "uploads",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("filename", sa.String(512), nullable=False),
    sa.Column("size", sa.Integer, nullable=False),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("uploader_village", sa.String(200)),
    sa.Column("village", sa.String(200)),
    sa.Column("villages", sa.Text),  # json list of the villages with answers in the file
    sa.Column("respondents", sa.Integer, nullable=False, server_default="0"),  # with at least one answer
    sa.Column("source_tool", sa.String(100)),
    sa.Column("mapping", sa.Text),
    sa.Column("report", sa.Text),
    sa.Column("framework_id", sa.String(200)),
    sa.Column("framework_version", sa.String(50)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("superseded_by", sa.Integer, sa.ForeignKey("uploads.id")),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Column("decided_by", sa.String(200)),
    sa.Column("note", sa.Text),
    sa.UniqueConstraint("sha256", "round", name="uq_uploads_sha256_round"),
    sa.CheckConstraint(f"status IN {STATUSES!r}", name="ck_uploads_status"),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id", ondelete="CASCADE"), nullable=False),
    sa.Column("respondent", sa.String(100), nullable=False),
    sa.Column("village", sa.String(200), nullable=False),
    sa.Column("item", sa.String(100), nullable=False),
    sa.Column("value", sa.Float, nullable=False),
    sa.PrimaryKeyConstraint("upload_id", "respondent", "item", name="pk_responses"),
)

audit = sa.Table(
    "audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("upload_id", sa.Integer),
    sa.Column("detail", sa.Text),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(64), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.UniqueConstraint("kind", "name", name="uq_documents_kind_name"),
)

activities = sa.Table(
    "activities",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("goal_id", sa.String(100), nullable=False),
    sa.Column("area", sa.String(100)),
    sa.Column("done_on", sa.Date, nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("groups", sa.Text),
    sa.Column("villages", sa.Text),
    sa.Column("note", sa.Text),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

poll_sessions = sa.Table(
    "poll_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_key", sa.String(200), nullable=False),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.UniqueConstraint("session_key", "round", name="uq_poll_sessions_key_round"),
)

sa.Index("ix_uploads_status_round", uploads.c.status, uploads.c.round)
sa.Index("ix_poll_sessions_at", poll_sessions.c.at)

# Tables in dependency order (export and restore walk them in this order).
TABLES: tuple[sa.Table, ...] = (uploads, responses, audit, documents, activities, poll_sessions)


def resolve_url(url: str | None = None) -> URL:
    """The database URL: the argument, else env ``DATABASE_URL``, else the embedded SQLite file.

    ``postgresql://`` and ``postgres://`` are mapped to the psycopg 3 driver.
    """
    text = url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_DB_PATH}"
    if text.startswith("postgres://"):
        text = "postgresql://" + text[len("postgres://") :]
    try:
        parsed = make_url(text)
    except sa.exc.ArgumentError as exc:
        raise StorageError(f"not a database URL: {exc}", value=text) from None
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StorageError("only sqlite:// and postgresql:// databases are supported", value=text)
    return parsed


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def create_engine(url: str | None = None) -> Engine:
    """An engine for the resolved URL; SQLite gets WAL, busy timeout, foreign keys, BEGIN IMMEDIATE writes."""
    parsed = resolve_url(url)
    if parsed.get_backend_name() == "postgresql":
        return sa.create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    if database in ("", ":memory:"):
        engine = sa.create_engine(
            parsed, poolclass=StaticPool, connect_args={"check_same_thread": False}
        )
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


def create_schema(engine: Engine) -> None:
    """Create missing tables and add missing columns (idempotent, safe for concurrent starters)."""
    try:
        with engine.connect().execution_options(write=True) as conn, conn.begin():
            metadata.create_all(conn, checkfirst=True)
            _add_missing_columns(conn)
    except sa.exc.IntegrityError:  # another process created them at the same moment (PostgreSQL)
        pass
    except (sa.exc.ProgrammingError, sa.exc.OperationalError) as exc:
        if "already exists" not in str(exc) and "duplicate column" not in str(exc):
            raise


def _add_missing_columns(conn: sa.Connection) -> None:
    """Additive migration: columns added to the schema after a database was created."""
    inspector = sa.inspect(conn)
    for table in TABLES:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            default = f" DEFAULT {column.server_default.arg}" if column.server_default is not None else ""
            null = " NOT NULL" if not column.nullable and default else ""
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}{default}{null}")


# --- whole-database dump and load (the xlsx backup's table layer) ---------------------------------------

CELL_LIMIT = 32_000  # a spreadsheet cell holds at most 32,767 characters
BLOB_SHEET = "blobs"
_ESCAPE_PREFIXES: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "'")


def escape_text(value: object) -> object:
    """Text starting with a formula character (or the quote itself) gets a leading ``'``; reversible."""
    if isinstance(value, str) and value.startswith(_ESCAPE_PREFIXES):
        return "'" + value
    return value


def unescape_text(value: object) -> object:
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(_ESCAPE_PREFIXES):
        return value[1:]
    return value


def _encode(value: object, column: sa.Column) -> object:
    """A database value as a spreadsheet cell: bytes base64, times ISO text, the rest as is."""
    if value is None:
        return None
    if isinstance(column.type, sa.LargeBinary):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _decode(value: object, column: sa.Column) -> object:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    kind = column.type
    if isinstance(kind, sa.LargeBinary):
        return base64.b64decode(str(value))
    if isinstance(kind, sa.DateTime):
        return datetime.fromisoformat(str(value))
    if isinstance(kind, sa.Date):
        return date.fromisoformat(str(value)[:10])
    if isinstance(kind, sa.Integer):
        return int(value)
    if isinstance(kind, sa.Float):
        return float(value)
    return str(value)


def dump_tables(conn: sa.Connection) -> dict[str, list[dict[str, object]]]:
    """Every table as rows of spreadsheet-safe cells; texts too long for a cell go to ``blobs`` in parts."""
    out: dict[str, list[dict[str, object]]] = {BLOB_SHEET: []}
    for table in TABLES:
        rows = []
        order = list(table.primary_key.columns)
        for n, record in enumerate(conn.execute(sa.select(table).order_by(*order)).mappings()):
            row = {}
            for column in table.columns:
                cell = _encode(record[column.name], column)
                if isinstance(cell, str) and len(cell) > CELL_LIMIT:
                    parts = [cell[i : i + CELL_LIMIT] for i in range(0, len(cell), CELL_LIMIT)]
                    out[BLOB_SHEET] += [
                        {"table": table.name, "row": n, "column": column.name, "part": k, "text": escape_text(p)}
                        for k, p in enumerate(parts)
                    ]
                    cell = None
                row[column.name] = escape_text(cell)
            rows.append(row)
        out[table.name] = rows
    return out


def load_tables(conn: sa.Connection, sheets: dict[str, list[dict[str, object]]]) -> dict[str, int]:
    """Insert dumped rows (ids kept) into empty tables; returns rows per table."""
    blobs: dict[tuple[str, int, str], list[tuple[int, str]]] = {}
    for blob in sheets.get(BLOB_SHEET, []):
        key = (str(blob["table"]), int(blob["row"]), str(blob["column"]))
        blobs.setdefault(key, []).append((int(blob["part"]), str(unescape_text(blob["text"]) or "")))
    counts: dict[str, int] = {}
    for table in TABLES:
        rows = []
        for n, raw in enumerate(sheets.get(table.name, [])):
            row = {}
            for column in table.columns:
                value = unescape_text(raw.get(column.name))
                parts = blobs.get((table.name, n, column.name))
                if parts:
                    value = "".join(text for _, text in sorted(parts))
                row[column.name] = _decode(value, column)
            rows.append(row)
        links = [(r["id"], r.pop("superseded_by")) for r in rows] if table is uploads else []
        if rows:
            conn.execute(sa.insert(table), rows)
        for upload_id, later in links:
            if later is not None:
                conn.execute(sa.update(uploads).where(uploads.c.id == upload_id).values(superseded_by=later))
        counts[table.name] = len(rows)
    if conn.dialect.name == "postgresql":
        for table in TABLES:
            if "id" in table.columns:
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
    return counts
