"""The theme groups' strategies and their actions (commit c921691).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04

Made before migrations existed (the app created missing tables on start), so a table already there is kept.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

ACTION_STATUSES = ("planned", "under_way", "done", "dropped")


def upgrade() -> None:
    present = set(sa.inspect(op.get_bind()).get_table_names())
    if "strategies" not in present:
        op.create_table(
            "strategies",
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
    if "actions" not in present:
        op.create_table(
            "actions",
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


def downgrade() -> None:
    op.drop_table("actions")
    op.drop_table("strategies")
