"""One row that every content write counts up: the database state that caches are keyed by.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

``epoch`` is random per database (a database made again from nothing never repeats an old state);
``version`` goes up by one in every transaction that changes what the app shows
(``indicator.storage.engine.Database.write``), in commit order on PostgreSQL too.
"""

from __future__ import annotations

import secrets

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "data_version",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("version", sa.BigInteger, nullable=False),
    )
    op.bulk_insert(table, [{"id": 1, "epoch": secrets.token_hex(8), "version": 0}])


def downgrade() -> None:
    op.drop_table("data_version")
