"""Subcommands over the database: ``ingest``, ``progress``, ``export``, ``restore``, ``demo`` and ``erase``.

Each opens the Store (``--db URL``, else env ``DATABASE_URL``, else the embedded SQLite file), calls one
library method and prints the result.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from indicator.cli import add_framework_option, add_output_option
from indicator.cli.output import emit, write_table
from indicator.errors import IndicatorError
from indicator.framework import load
from indicator.progress import DEFAULT_METHOD, METHOD_ALIASES, METHODS
from indicator.storage import Store, load_demo, village_registry
from indicator.storage.erase import Erasure

PROGRESS_FORMATS: tuple[str, ...] = ("csv", "json")


def _add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", help="SQLAlchemy database URL (default: env DATABASE_URL, else data/alykyla.db)")


def _method(text: str) -> str:
    """``--method``: an old name (``contract``) becomes its rule; argparse then checks the choices."""
    return METHOD_ALIASES.get(text, text)


def register(subparsers: argparse._SubParsersAction) -> None:
    ing = subparsers.add_parser(
        "ingest", help="store survey files in the database (pending until approved)",
        description="Example: python -m indicator ingest kysely.xlsx --round 2025 --approve",
    )
    ing.add_argument("files", nargs="+")
    ing.add_argument("--round", type=int, required=True, help="survey round (year) of every file")
    ing.add_argument("--approve", action="store_true", help="approve the files at once")
    ing.add_argument("--village", help="the files without a village column are this village")
    ing.add_argument("--village-column", help="the column that names the village (default: by its header)")
    ing.add_argument("--keep-free-text", action="store_true",
                     help="also keep the files' other columns (free text), masked; by default only the answers")
    _add_db_option(ing)
    add_framework_option(ing)
    add_output_option(ing)
    ing.set_defaults(func=run_ingest)

    prog = subparsers.add_parser(
        "progress", help="progress toward the target year per village and measure",
        description="Example: python -m indicator progress --format json",
    )
    prog.add_argument("--format", choices=PROGRESS_FORMATS, default="csv")
    prog.add_argument("--method", choices=METHODS, default=DEFAULT_METHOD, type=_method,
                      help="progress rule (default: %(default)s)")
    _add_db_option(prog)
    add_framework_option(prog)
    add_output_option(prog)
    prog.set_defaults(func=run_progress)

    exp = subparsers.add_parser(
        "export", help="back up the whole database (with scores and progress) to one xlsx file",
        description="Example: python -m indicator export --output varmuuskopio.xlsx",
    )
    _add_db_option(exp)
    add_framework_option(exp)
    add_output_option(exp)
    exp.set_defaults(func=run_export)

    res = subparsers.add_parser(
        "restore", help="fill an empty database from an export",
        description="Example: python -m indicator restore varmuuskopio.xlsx --db sqlite:////tmp/uusi.db",
    )
    res.add_argument("file")
    _add_db_option(res)
    add_framework_option(res)
    add_output_option(res)
    res.set_defaults(func=run_restore)

    demo = subparsers.add_parser(
        "demo", help="load and approve the demo surveys", description="Example: python -m indicator demo"
    )
    _add_db_option(demo)
    add_framework_option(demo)
    add_output_option(demo)
    demo.set_defaults(func=run_demo)
    register_erase(subparsers)


def register_erase(subparsers: argparse._SubParsersAction) -> None:
    era = subparsers.add_parser(
        "erase", help="remove one village's uploads, answers and derived data from the database",
        description="Example: python -m indicator erase --village Sippola",
    )
    era.add_argument("--village", required=True, help="the village (case, spaces and look-alike letters do not count)")
    _add_db_option(era)
    add_output_option(era)
    era.set_defaults(func=run_erase)


def erasure_lines(erasure: Erasure) -> list[str]:
    """What an erasure removed, one line each (the command's output)."""
    def ids(values: tuple[int, ...]) -> str:
        return f" ({', '.join(map(str, values))})" if values else ""

    lines = [
        f"erased: {', '.join(erasure.names)}",
        f"uploads deleted: {len(erasure.uploads_deleted)}{ids(erasure.uploads_deleted)}",
        f"uploads of several villages changed: {len(erasure.uploads_changed)}{ids(erasure.uploads_changed)}",
        f"respondents: {erasure.respondents}, answers: {erasure.answers}, poll answers: {erasure.poll_answers}",
        f"app survey devices: {erasure.survey_devices}",
        f"saved groupings: {len(erasure.groupings)}{' (' + ', '.join(erasure.groupings) + ')' if erasure.groupings else ''}",
        f"strategies: {len(erasure.strategies)}{ids(erasure.strategies)}, actions: {len(erasure.actions)}"
        f"{ids(erasure.actions)}, project-goal records: {len(erasure.activities)}{ids(erasure.activities)}",
        f"audit rows no longer naming it: {erasure.audit_rows}",
    ]
    lines += [f"still named in a text (edit it by hand): {m}" for m in erasure.mentions]
    return lines


def run_erase(args: argparse.Namespace) -> int:
    erasure = Store(args.db).erase_village(args.village, actor="cli")
    emit(("\n".join(erasure_lines(erasure)) + "\n").encode("utf-8"), args.output)
    return 0


def _read_bytes(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise IndicatorError("file not found", file=path) from None
    except OSError as exc:
        raise IndicatorError(f"cannot read the file: {exc.strerror}", file=path) from None


def run_ingest(args: argparse.Namespace) -> int:
    framework = load(args.framework)
    store = Store(args.db)
    contents = [(path, _read_bytes(path)) for path in args.files]
    lines = []
    for path, content in contents:
        result = store.uploads.add(content, Path(path).name, args.round, framework, role="admin",
                                  actor="cli", village_default=args.village, approve=args.approve,
                                  village_column=args.village_column, keep_free_text=args.keep_free_text)
        problems = len(getattr(result.report, "problems", []) or [])
        state = "duplicate of upload" if result.duplicate else "stored as upload"
        lines.append(f"{path}: {state} {result.upload_id} ({result.status}), {problems} problems")
    emit(("\n".join(lines) + "\n").encode("utf-8"), args.output)
    return 0


def run_progress(args: argparse.Namespace) -> int:
    framework = load(args.framework)
    table = Store(args.db).progress(framework, method=args.method, registry=village_registry())
    write_table(table, args.format, args.output, sheet="progress")
    return 0


def run_export(args: argparse.Namespace) -> int:
    if not args.output:
        raise IndicatorError("export needs --output PATH.xlsx")
    Store(args.db).backup.export_xlsx(args.output, load(args.framework))
    return 0


def run_restore(args: argparse.Namespace) -> int:
    store = Store(args.db)
    store.backup.restore_xlsx(args.file)
    uploads = store.uploads.table()
    emit(f"{args.file}: restored {len(uploads)} uploads into {store.url}\n".encode(), args.output)
    return 0


def run_demo(args: argparse.Namespace) -> int:
    store = Store(args.db)
    stored = load_demo(store, load(args.framework))
    emit(f"demo: {stored} files stored and approved in {store.url}\n".encode(), args.output)
    return 0
