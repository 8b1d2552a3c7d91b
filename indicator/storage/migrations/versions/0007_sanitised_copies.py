"""Uploads keep a sanitised copy of their file, never its bytes; answers stored a third smaller on SQLite.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05

``uploads.content_kind`` says what ``content`` holds: ``sanitised-csv-gzip-1`` (the sanitised copy,
``indicator.storage.kept``) or ``key`` (a collection's key, e.g. the seminar poll). Rows stored before this
revision keep NULL: they still hold the uploaded bytes, and ``Uploads.scrub_raw_copies`` replaces them by
the copy of their stored answers when a Store opens the database (a data step that needs the library's
masking, so it is not written into this file).

On SQLite ``responses`` is rebuilt ``WITHOUT ROWID``: its rows then live in the primary-key tree instead of
a table plus an index of the same columns (measured: 42 instead of 63 bytes per answer). PostgreSQL keeps
its table as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_COLUMNS = "upload_id, respondent, village, item, value"


def _rebuild_responses(without_rowid: bool) -> None:
    """SQLite: ``responses`` made again with or without a rowid, its rows copied over in this transaction."""
    if op.get_bind().dialect.name != "sqlite":
        return
    suffix = " WITHOUT ROWID" if without_rowid else ""
    op.execute(
        "CREATE TABLE responses_rebuilt ("
        "upload_id INTEGER NOT NULL, respondent VARCHAR(100) NOT NULL, village VARCHAR(200) NOT NULL, "
        "item VARCHAR(100) NOT NULL, value FLOAT NOT NULL, "
        "CONSTRAINT pk_responses PRIMARY KEY (upload_id, respondent, item), "
        "FOREIGN KEY(upload_id) REFERENCES uploads (id) ON DELETE CASCADE)" + suffix
    )
    op.execute(f"INSERT INTO responses_rebuilt ({_COLUMNS}) SELECT {_COLUMNS} FROM responses")
    op.execute("DROP TABLE responses")
    op.execute("ALTER TABLE responses_rebuilt RENAME TO responses")


def upgrade() -> None:
    op.add_column("uploads", sa.Column("content_kind", sa.String(32)))
    _rebuild_responses(without_rowid=True)


def downgrade() -> None:
    _rebuild_responses(without_rowid=False)
    with op.batch_alter_table("uploads") as batch:
        batch.drop_column("content_kind")
