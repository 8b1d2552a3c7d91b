"""Alembic's environment for the project's migrations.

The library runs migrations with a connection it already holds (``indicator.storage.migrations``: inside
one locked transaction), passed as ``config.attributes["connection"]``. Run from Alembic's own tools
(``tools/new_migration.py``), the database is the URL in the config's ``sqlalchemy.url``, else the project's
usual one (env ``DATABASE_URL``, else ``data/alykyla.db``), resolved as every other part of the project does.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from indicator.storage.schema import metadata


def run(connection: sa.Connection) -> None:
    """Run the migrations on ``connection`` (in the caller's transaction when it has one)."""
    context.configure(connection=connection, target_metadata=metadata, compare_type=True,
                      compare_server_default=False)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        run(connection)
        return
    from indicator.storage.engine import create_engine

    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or None)
    try:
        with engine.connect() as conn:
            run(conn)
            conn.commit()
    finally:
        engine.dispose()


if hasattr(context, "config"):  # run by Alembic (importing this file elsewhere, e.g. a module scan, does nothing)
    main()
