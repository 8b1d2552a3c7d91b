"""The app survey (/vastaa): which (hashed) device answered which round, so one device answers once.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05

Written against the tables as they are in this revision (never import ``indicator.storage.schema`` here:
it describes the newest schema, not this one). See docs/architecture.md, "Adding a migration".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "survey_devices",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("round", sa.Integer, nullable=False),
        sa.Column("device", sa.String(64), nullable=False),
        sa.Column("village", sa.String(200), nullable=False),
        sa.UniqueConstraint("round", "device", name="uq_survey_devices_round_device"),
    )


def downgrade() -> None:
    op.drop_table("survey_devices")
