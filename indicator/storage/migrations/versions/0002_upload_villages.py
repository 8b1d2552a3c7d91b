"""Uploads keep the villages and the number of respondents of their file (commit 3e9f299, shipped until
929d553); the index on responses.village goes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Before migrations, the app added these columns with a hand-built ``ALTER TABLE`` and left the old index and
the older uploads' villages and counts empty. So this step adds only what is missing, drops the index if it
is there, and fills ``villages`` and ``respondents`` of the uploads that have none from their answers (a
poll upload: its village and the round's poll sessions).
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

uploads = sa.table("uploads", sa.column("id", sa.Integer), sa.column("round", sa.Integer),
                   sa.column("role", sa.String), sa.column("village", sa.String),
                   sa.column("villages", sa.Text), sa.column("respondents", sa.Integer))
responses = sa.table("responses", sa.column("upload_id", sa.Integer), sa.column("respondent", sa.String),
                     sa.column("village", sa.String))
poll_sessions = sa.table("poll_sessions", sa.column("id", sa.Integer), sa.column("round", sa.Integer))


def upgrade() -> None:
    inspector = sa.inspect(op.get_bind())
    present = {c["name"] for c in inspector.get_columns("uploads")}
    if "villages" not in present:
        op.add_column("uploads", sa.Column("villages", sa.Text))
    if "respondents" not in present:
        op.add_column("uploads", sa.Column("respondents", sa.Integer, nullable=False, server_default="0"))
    if any(ix["name"] == "ix_responses_village" for ix in inspector.get_indexes("responses")):
        op.drop_index("ix_responses_village", table_name="responses")
    fill_villages_and_respondents(op.get_bind())


def fill_villages_and_respondents(conn: sa.Connection) -> None:
    """Villages (a JSON list, sorted) and respondents of every upload stored without them."""
    empty = conn.execute(
        sa.select(uploads.c.id, uploads.c.round, uploads.c.role, uploads.c.village).where(uploads.c.villages.is_(None))
    ).all()
    for upload_id, round_, role, village in empty:
        if role == "poll":
            villages = [village] if village else []
            count = conn.execute(sa.select(sa.func.count()).select_from(poll_sessions)
                                 .where(poll_sessions.c.round == round_)).scalar_one()
        else:
            villages = sorted(conn.execute(sa.select(responses.c.village).distinct()
                                           .where(responses.c.upload_id == upload_id)).scalars())
            count = conn.execute(sa.select(sa.func.count(sa.distinct(responses.c.respondent)))
                                 .where(responses.c.upload_id == upload_id)).scalar_one()
        conn.execute(sa.update(uploads).where(uploads.c.id == upload_id)
                     .values(villages=json.dumps(villages, ensure_ascii=False), respondents=int(count)))


def downgrade() -> None:
    op.create_index("ix_responses_village", "responses", ["village"])
    op.drop_column("uploads", "respondents")
    op.drop_column("uploads", "villages")
