"""Start a new schema migration: ``python -m tools.new_migration "uploads keep a sanitised copy"``.

Builds a scratch SQLite database at the current head, lets Alembic's autogenerate compare it with
``indicator.storage.schema.metadata`` (edit that first), writes the next revision file
``indicator/storage/migrations/versions/NNNN_<words>.py`` and moves ``migrations.HEAD`` to it.

Read and finish the file by hand before committing: autogenerate sees tables, columns, indexes and unique
constraints, not CHECK constraints, renames or data to fill; replace any import of the schema module with
the table as it is in this revision (docs/architecture.md, "Adding a migration").
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from alembic import command

from indicator.storage import migrations
from indicator.storage.engine import create_engine


def next_revision(head: str) -> str:
    """The number after ``head``, as wide as it ("0005" -> "0006")."""
    return f"{int(head) + 1:0{len(head)}d}"


def main(argv: list[str]) -> int:
    if len(argv) != 1 or not argv[0].strip():
        sys.stderr.write('usage: python -m tools.new_migration "what the change does"\n')
        return 2
    revision = next_revision(migrations.HEAD)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'head.db'}"
        engine = create_engine(url)
        migrations.upgrade(engine)
        engine.dispose()
        script = command.revision(migrations.alembic_config(url=url), message=argv[0].strip(), autogenerate=True,
                                  rev_id=revision)
    init = Path(migrations.__file__)
    init.write_text(re.sub(r'^HEAD = "\d+"$', f'HEAD = "{revision}"', init.read_text(encoding="utf-8"),
                           flags=re.MULTILINE), encoding="utf-8")
    print(f"wrote {Path(script.path).relative_to(Path.cwd())}; HEAD is now {revision}: read it and finish it by hand")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
