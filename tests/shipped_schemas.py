"""The schemas the project shipped before migrations existed, as their code defined them, and what their
start-up code did to a database: the starting points of tests/test_migrations.py.

Copied from the history (``git show 175b58b:indicator/db.py``, ``929d553:indicator/db.py``,
``ea67a9e:indicator/storage/schema.py``); the definitions are the same text in every version, with the
columns, tables and indexes each one added or dropped:

* 175b58b (first storage): uploads without ``villages``/``respondents``; an index on responses.village.
* 3e9f299 .. 929d553 (the last landed commit before this work): uploads keep ``villages`` and
  ``respondents``; no index on responses.village.
* c921691: + ``strategies``, ``actions``.  0e0dd0b .. ea67a9e: + ``throttle``.

Before migrations, the app's start-up ran ``create_all`` (create missing tables and their indexes) and, from
3e9f299 on, ``_add_missing_columns`` (a hand-built ALTER TABLE per missing column): ``start_up`` does both,
as they were.
"""

from __future__ import annotations

import sqlalchemy as sa

STATUSES = ("pending", "approved", "rejected", "superseded")
ACTION_STATUSES = ("planned", "under_way", "done", "dropped")
# commit -> what its schema has (the commits are the last of each shape before migrations existed)
SHIPPED = {
    "175b58b": {"upload_villages": False, "strategies": False, "throttle": False},
    "929d553": {"upload_villages": True, "strategies": False, "throttle": False},
    "c921691": {"upload_villages": True, "strategies": True, "throttle": False},
    "ea67a9e": {"upload_villages": True, "strategies": True, "throttle": True},
}


def shipped(commit: str) -> sa.MetaData:
    """The tables of the schema shipped at ``commit`` (a key of ``SHIPPED``)."""
    has = SHIPPED[commit]
    metadata = sa.MetaData()
    villages = [sa.Column("villages", sa.Text),
                sa.Column("respondents", sa.Integer, nullable=False, server_default="0")]
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
        *(villages if has["upload_villages"] else []),
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
    sa.Table(
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
    sa.Table(
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
    sa.Table(
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
    if has["strategies"]:
        sa.Table(
            "strategies",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("grouping", sa.String(200), nullable=False),
            sa.Column("area", sa.String(100), nullable=False),
            sa.Column("group_number", sa.Integer, nullable=False),
            sa.Column("theme", sa.String(100)),
            sa.Column("name", sa.String(500), nullable=False),
            sa.Column("vision", sa.Text),
            sa.Column("dimensions", sa.Text),
            sa.Column("items", sa.Text),
            sa.Column("villages", sa.Text),
            sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
            sa.Column("actor", sa.String(200), nullable=False),
            sa.UniqueConstraint("grouping", "area", "group_number", name="uq_strategies_group"),
        )
        sa.Table(
            "actions",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("strategy_id", sa.Integer, sa.ForeignKey("strategies.id", ondelete="CASCADE"),
                      nullable=False),
            sa.Column("title", sa.String(500), nullable=False),
            sa.Column("description", sa.Text),
            sa.Column("villages", sa.Text),
            sa.Column("items", sa.Text),
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
    if not has["upload_villages"]:
        sa.Index("ix_responses_village", responses.c.village)
    sa.Index("ix_uploads_status_round", uploads.c.status, uploads.c.round)
    sa.Index("ix_poll_sessions_at", poll_sessions.c.at)
    if has["throttle"]:
        throttle = sa.Table(
            "throttle",
            metadata,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("scope", sa.String(32), nullable=False),
            sa.Column("key", sa.String(64), nullable=False),
            sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        )
        sa.Index("ix_throttle_scope_key_at", throttle.c.scope, throttle.c.key, throttle.c.at)
    return metadata


def start_up(conn: sa.Connection, commit: str) -> None:
    """What the app of ``commit`` did to a database on start: create the missing tables, then (from
    3e9f299 on) add the missing columns with a hand-built ALTER TABLE (``_add_missing_columns``)."""
    metadata = shipped(commit)
    metadata.create_all(conn, checkfirst=True)
    if not SHIPPED[commit]["upload_villages"]:
        return
    inspector = sa.inspect(conn)
    for table in metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            default = f" DEFAULT {column.server_default.arg}" if column.server_default is not None else ""
            null = " NOT NULL" if not column.nullable and default else ""
            conn.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}{default}{null}")
