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
data_version   one row: a random epoch and a counter that every content write counts up (the state token)
survey_devices one row per device that answered a round of the village survey in the app (hashed id)

Poll answers are responses of one upload per seminar round with role ``poll``, village ``POLL_VILLAGE``
and sha256 of ``poll:<round>``; the respondent key is the poll session row id.

Answers given in the app (``/vastaa``) are responses of one pending upload per village and round (source
tool ``app``, role ``village``) that grows as answers arrive; the respondent key is random, and
``survey_devices`` keeps only which (hashed) device answered which round, so one device answers once.

A new table goes into ``metadata`` here and into ``TABLES`` (dependency order), which the backup walks.
Every change of these tables also needs a migration (``indicator.storage.migrations``, docs/architecture.md
"Adding a migration"): databases are made and upgraded by the migrations, never from ``metadata`` directly.
"""

from __future__ import annotations

from enum import StrEnum

import sqlalchemy as sa


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

throttle = sa.Table(
    "throttle",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("scope", sa.String(32), nullable=False),
    sa.Column("key", sa.String(64), nullable=False),  # sha256 of the raw key: no address is stored
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
)
sa.Index("ix_throttle_scope_key_at", throttle.c.scope, throttle.c.key, throttle.c.at)

data_version = sa.Table(
    "data_version",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),  # always 1
    sa.Column("epoch", sa.String(32), nullable=False),  # random per database
    sa.Column("version", sa.BigInteger, nullable=False),  # +1 in every write that changes what is shown
)

survey_devices = sa.Table(
    "survey_devices",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("round", sa.Integer, nullable=False),
    sa.Column("device", sa.String(64), nullable=False),  # sha256 of the signed device id, never the id itself
    sa.Column("village", sa.String(200), nullable=False),
    sa.UniqueConstraint("round", "device", name="uq_survey_devices_round_device"),
)

# Tables in dependency order (export and restore walk them in this order).
TABLES: tuple[sa.Table, ...] = (uploads, responses, audit, documents, activities, poll_sessions, strategies,
                                actions, survey_devices)
# Kept out of TABLES (not backed up, not "content"): short-lived counters and the state counter.
EPHEMERAL: tuple[sa.Table, ...] = (throttle, data_version)
SECRET_KIND = "secret"  # documents of this kind hold keys: never exported, not content

# The upload columns a listing shows (everything but the bytes, the mapping and the import report).
UPLOAD_LISTING: tuple[str, ...] = tuple(
    c.name for c in uploads.columns if c.name not in ("content", "mapping", "report", "content_kind")
)

