"""The database schema (SQLAlchemy 2 Core): tables, upload statuses and roles, and schema creation.

One schema serves SQLite (the embedded default) and PostgreSQL.

Tables
------
uploads        one stored file: its sanitised copy (never the uploaded bytes), the sha256 of the uploaded
               bytes, round, role, status and its import report (json text, personal data masked)
responses      long form answers: upload_id, respondent, village, item, value (never personal columns)
audit          who did what and when (every change writes a row)
documents      named json payloads by kind: weight sets, saved groupings, mapping templates
activities     project-goal records (done actions toward the Leader projects' goals)
poll_sessions  one row per answered seminar poll per browser session (one answer each, rate limit)
strategies     a theme group's Smart Village strategy: name, vision, target dimensions and items, villages
actions        a strategy's actions (toimenpiteet): what, villages, target items, dates, status, experiment
throttle       recent events per (scope, hashed key): rate limits shared by every app process

Poll answers are responses of one upload per seminar round with role ``poll``, village ``POLL_VILLAGE``
and sha256 of ``poll:<round>``; the respondent key is the poll session row id.

A new table goes into ``metadata`` here and into ``TABLES`` (dependency order), which the backup walks.
``create_schema`` creates what is missing and adds columns added since a database was made.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.engine import Engine


class Status(StrEnum):
    """Where an upload stands; only ``approved`` uploads count in scores."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SUPERSEDED = "superseded"


class Role(StrEnum):
    """Who stored an upload: a village (upload page), a coordinator or the CLI (admin), the seminar poll."""

    VILLAGE = "village"
    ADMIN = "admin"
    POLL = "poll"


STATUSES: tuple[str, ...] = tuple(s.value for s in Status)
ROLES: tuple[str, ...] = tuple(r.value for r in Role)
POLL_VILLAGE = "Seminaari"
CONTENT_KIND = "sanitised-csv-gzip-1"  # uploads.content: the sanitised copy as gzip-compressed UTF-8 csv
KEY_KIND = "key"  # uploads.content of a collection (the seminar poll): its key, e.g. b"poll:2026"
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
    # What ``content`` holds: CONTENT_KIND (the sanitised copy), KEY_KIND (a collection's key); NULL in rows
    # stored before copies were sanitised (``Uploads.scrub_raw_copies`` replaces them when a Store opens).
    sa.Column("content_kind", sa.String(32)),
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
    sqlite_with_rowid=False,  # rows live in the primary-key tree: a third smaller (measured, 42 vs 63 B/answer)
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

strategies = sa.Table(
    "strategies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("grouping", sa.String(200), nullable=False),  # the saved grouping (documents kind grouping)
    sa.Column("area", sa.String(100), nullable=False),
    sa.Column("group_number", sa.Integer, nullable=False),
    sa.Column("theme", sa.String(100)),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("vision", sa.Text),
    sa.Column("dimensions", sa.Text),  # json list of dimension ids
    sa.Column("items", sa.Text),  # json list of item ids
    sa.Column("villages", sa.Text),  # json list: the group's villages when the strategy was saved
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.UniqueConstraint("grouping", "area", "group_number", name="uq_strategies_group"),
)

ACTION_STATUSES: tuple[str, ...] = ("planned", "under_way", "done", "dropped")

actions = sa.Table(
    "actions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("strategy_id", sa.Integer, sa.ForeignKey("strategies.id", ondelete="CASCADE"), nullable=False),
    sa.Column("title", sa.String(500), nullable=False),
    sa.Column("description", sa.Text),
    sa.Column("villages", sa.Text),  # json list
    sa.Column("items", sa.Text),  # json list of target item ids
    sa.Column("starts_on", sa.Date),
    sa.Column("ends_on", sa.Date),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("experiment", sa.Boolean, nullable=False),
    sa.Column("learnt", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("actor", sa.String(200), nullable=False),
    sa.CheckConstraint(f"status IN {ACTION_STATUSES!r}", name="ck_actions_status"),
)

sa.Index("ix_uploads_status_round", uploads.c.status, uploads.c.round)
sa.Index("ix_poll_sessions_at", poll_sessions.c.at)

# Tables in dependency order (export and restore walk them in this order).
throttle = sa.Table(
    "throttle",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(32), nullable=False),
    sa.Column("key", sa.String(64), nullable=False),  # sha256 of the raw key: no address is stored
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_throttle_scope_key_at", throttle.c.scope, throttle.c.key, throttle.c.at)

TABLES: tuple[sa.Table, ...] = (uploads, responses, audit, documents, activities, poll_sessions, strategies,
                                actions)
# Kept out of TABLES (not backed up, not "content"): short-lived counters.
EPHEMERAL: tuple[sa.Table, ...] = (throttle,)
SECRET_KIND = "secret"  # documents of this kind hold keys: never exported, not content

# The upload columns a listing shows (everything but the bytes, the mapping and the import report).
UPLOAD_LISTING: tuple[str, ...] = tuple(
    c.name for c in uploads.columns if c.name not in ("content", "mapping", "report", "content_kind")
)


def create_schema(engine: Engine) -> None:
    """Create missing tables and add missing columns (idempotent, safe for concurrent starters).

    A database that already has everything is only read, so a read-only database still opens (its
    pages can be read; a write then says the database is read-only)."""
    if _complete(engine):
        return
    try:
        with engine.connect().execution_options(write=True) as conn, conn.begin():
            metadata.create_all(conn, checkfirst=True)
            _add_missing_columns(conn)
    except sa.exc.IntegrityError:  # another process created them at the same moment (PostgreSQL)
        pass
    except (sa.exc.ProgrammingError, sa.exc.OperationalError) as exc:
        if "already exists" not in str(exc) and "duplicate column" not in str(exc):
            raise


def _complete(engine: Engine) -> bool:
    """True when every table and column of the schema exists (checked in a read transaction)."""
    try:
        with engine.connect() as conn, conn.begin():
            inspector = sa.inspect(conn)
            present = set(inspector.get_table_names())
            if any(table.name not in present for table in metadata.sorted_tables):
                return False
            return all({c.name for c in table.columns} <= {c["name"] for c in inspector.get_columns(table.name)}
                       for table in metadata.sorted_tables)
    except sa.exc.OperationalError:  # not even readable: the write below reports why
        return False


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
