"""Subcommands for running the app on a server: ``migrate`` (the database schema) and ``check`` (is the
deployment well). docs/deploy.md says when to run them.

Both print one line. Exit 0 when all is well, 3 when something needs attention (``migrate --check``: the
schema is not current; ``check``: a problem was found), 2 as every subcommand for unusable input.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from indicator.deployment import DEFAULT_MIN_FREE_MB, run_checks

if TYPE_CHECKING:
    from indicator.storage.migrations import SchemaStatus

NEEDS_ATTENTION = 3


def register(subparsers: argparse._SubParsersAction) -> None:
    mig = subparsers.add_parser(
        "migrate", help="bring the database schema up to date (the app also does this on start)",
        description="Example: python -m indicator migrate --check",
    )
    mig.add_argument("--check", action="store_true",
                     help="only say whether the schema is current (exit 3 when not); changes nothing")
    mig.add_argument("--db", help="SQLAlchemy database URL (default: env DATABASE_URL, else data/alykyla.db)")
    mig.set_defaults(func=run_migrate)

    chk = subparsers.add_parser(
        "check", help="check a deployment: app processes, database, schema, free disk; one line",
        description="Example: python -m indicator check --app http://127.0.0.1:8501 --app http://127.0.0.1:8502",
    )
    chk.add_argument("--app", action="append", default=[], metavar="URL",
                     help="base address of an app process (its /_stcore/health is asked); repeat per process "
                          "(default: env ALYKYLA_CHECK_APPS, space-separated)")
    chk.add_argument("--disk", action="append", default=[], metavar="PATH",
                     help="a folder whose disk must have room (repeatable; an SQLite file's folder is always "
                          "checked)")
    chk.add_argument("--min-free-mb", type=float, default=DEFAULT_MIN_FREE_MB,
                     help="least free space per disk in megabytes (default: %(default).0f)")
    chk.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for each app (default: 5)")
    chk.add_argument("--db", help="SQLAlchemy database URL (default: env DATABASE_URL, else data/alykyla.db)")
    chk.set_defaults(func=run_check)


def run_migrate(args: argparse.Namespace) -> int:
    from indicator.storage import migrations
    from indicator.storage.engine import create_engine, resolve_url

    shown = resolve_url(args.db).render_as_string(hide_password=True)
    engine = create_engine(args.db)
    try:
        if args.check:
            state = migrations.status(engine)
            print(f"migrate: {shown}: {state.describe()}")
            return 0 if state.current else NEEDS_ATTENTION
        before, after = migrations.upgrade(engine)
    finally:
        engine.dispose()
    print(f"migrate: {shown}: {_what_was_done(before, after)}")
    return 0


def _what_was_done(before: SchemaStatus, after: SchemaStatus) -> str:
    if before.current:
        return before.describe()
    if before.empty:
        return f"created at revision {after.revision}"
    if before.revision is None:
        return f"upgraded from revision {before.legacy} (made before migrations) to {after.revision}"
    return f"upgraded from revision {before.revision} to {after.revision}"


def run_check(args: argparse.Namespace) -> int:
    apps = args.app or os.environ.get("ALYKYLA_CHECK_APPS", "").split()
    findings = run_checks(db_url=args.db, apps=apps, disks=args.disk, min_free_mb=args.min_free_mb,
                          timeout=args.timeout)
    print(f"check: {findings.line()}")
    return 0 if findings.ok else NEEDS_ATTENTION
