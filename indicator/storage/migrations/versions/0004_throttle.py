"""Rate limits shared by every app process: the ``throttle`` table (commit 0e0dd0b).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04

Made before migrations existed (the app created missing tables on start), so a table already there is kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "throttle" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "throttle",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_throttle_scope_key_at", "throttle", ["scope", "key", "at"])


def downgrade() -> None:
    op.drop_index("ix_throttle_scope_key_at", table_name="throttle")
    op.drop_table("throttle")
