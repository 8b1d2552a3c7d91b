"""The command line: argparse, one short function per subcommand, one plain line and exit 2 on bad input.

Each module listed in ``COMMAND_MODULES`` exposes ``register(subparsers)``; its subcommands set
``func(args) -> int`` as their handler.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from indicator.blas import one_thread

one_thread()  # before the imports below load numpy: a command line run is its own process (indicator/blas.py)

from indicator.errors import IndicatorError  # noqa: E402
from indicator.framework import DEFAULT_PATH  # noqa: E402

COMMAND_MODULES: tuple[str, ...] = ("score", "store", "groups", "robustness", "card", "questionnaire", "impact",
                                    "report", "server")
# Which module registers each subcommand: a run imports only that one module, so ``score`` does not pay for
# SQLAlchemy at start-up (the ingest benchmark times whole processes).
SUBCOMMANDS: dict[str, str] = {
    "import": "score",
    "score": "score",
    "ingest": "store",
    "progress": "store",
    "export": "store",
    "restore": "store",
    "demo": "store",
    "erase": "store",
    "groups": "groups",
    "audit": "robustness",
    "uncertainty": "robustness",
    "card": "card",
    "questionnaire": "questionnaire",
    "impact": "impact",
    "strategies": "impact",
    "report": "report",
    "migrate": "server",
    "check": "server",
}


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one plain line (its default also prints the usage)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        sys.stderr.write(f"{self.prog}: {message}\n")
        raise SystemExit(2)


def default_framework() -> str | None:
    """The shipped ``data/framework.toml`` (``indicator.paths``); None when there is none."""
    return str(DEFAULT_PATH) if DEFAULT_PATH.is_file() else None


def add_framework_option(parser: argparse.ArgumentParser) -> None:
    """The ``--framework PATH`` option every subcommand takes."""
    parser.add_argument("--framework", default=default_framework(),
                        help="framework TOML (default: the repository's data/framework.toml)")


def add_output_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--output", "-o", help="write the result to this file instead of standard output")


def build_parser(modules: Sequence[str] = COMMAND_MODULES) -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m indicator", description="Älykylä-mittaristo command line")
    subparsers = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for name in modules:
        importlib.import_module(f"indicator.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; IndicatorError becomes one line on stderr and exit code 2."""
    argv = list(sys.argv[1:] if argv is None else argv)
    module = SUBCOMMANDS.get(argv[0]) if argv else None
    args = build_parser((module,) if module else COMMAND_MODULES).parse_args(argv)
    if getattr(args, "framework", "") is None:
        sys.stderr.write("error: no framework file: data/framework.toml is not here; run in the repository's "
                         "folder or give --framework PATH\n")
        return 2
    try:
        return int(args.func(args) or 0)
    except IndicatorError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 2
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if not type(exc).__module__.startswith("sqlalchemy"):
            raise
        from indicator.storage.engine import (
            failure_reason,  # a database that fails mid-command: one line, exit 2
        )

        sys.stderr.write(f"error: the database: {failure_reason(exc)}\n")
        return 2
