"""The first schema the project shipped (commit 175b58b): uploads, responses, audit, documents, activities,
poll_sessions.

Revision ID: 0001
Revises:
Create Date: 2026-11-28

Databases made before migrations existed have no ``alembic_version`` table; they are stamped with the
revision their tables match and then upgraded (``indicator.storage.migrations.legacy_revision``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

STATUSES = ("pending", "approved", "rejected", "superseded")


def upgrade() -> None:
    op.create_table(
        "uploads",
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
    op.create_table(
        "responses",
        sa.Column("upload_id", sa.Integer, sa.ForeignKey("uploads.id", ondelete="CASCADE"), nullable=False),
        sa.Column("respondent", sa.String(100), nullable=False),
        sa.Column("village", sa.String(200), nullable=False),
        sa.Column("item", sa.String(100), nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.PrimaryKeyConstraint("upload_id", "respondent", "item", name="pk_responses"),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("upload_id", sa.Integer),
        sa.Column("detail", sa.Text),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.UniqueConstraint("kind", "name", name="uq_documents_kind_name"),
    )
    op.create_table(
        "activities",
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
    op.create_table(
        "poll_sessions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_key", sa.String(200), nullable=False),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("session_key", "round", name="uq_poll_sessions_key_round"),
    )
    op.create_index("ix_responses_village", "responses", ["village"])
    op.create_index("ix_uploads_status_round", "uploads", ["status", "round"])
    op.create_index("ix_poll_sessions_at", "poll_sessions", ["at"])


def downgrade() -> None:
    for table in ("poll_sessions", "activities", "documents", "audit", "responses", "uploads"):
        op.drop_table(table)
