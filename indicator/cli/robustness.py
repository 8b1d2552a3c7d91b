"""Subcommands ``audit`` and ``uncertainty``: how far the index of a round can be trusted (docs/cli.md).

``audit`` prints a table of `indicator.audit.audit` (the statistical audit on the Mittaristo page):
``--table items`` (default; per-item checks), ``dimensions`` (per-dimension consistency), ``collinear``,
``correlations``, ``availability``, ``villages``, ``remove_one``, or ``all`` (every table; json or xlsx).
``uncertainty`` prints `indicator.uncertainty.rank_uncertainty` (the rank band on the village card) with
the page's draws and seed unless ``--draws``/``--seed`` say otherwise. Every table starts with ``round``.
"""

from __future__ import annotations

import argparse
import json

import pandas as pd

from indicator.cli import add_framework_option, add_output_option
from indicator.cli.output import FORMATS, emit, records, write_table
from indicator.cli.sources import add_source_options, load_scores, pick_round
from indicator.errors import IndicatorError
from indicator.framework import load
from indicator.uncertainty import DRAWS, SEED

AUDIT_TABLES: tuple[str, ...] = (
    "items", "dimensions", "collinear", "correlations", "availability", "villages", "remove_one",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    aud = subparsers.add_parser(
        "audit",
        help="statistical audit of a round: per-item checks, per-dimension consistency (Mittaristo page)",
        description="Example: python -m indicator audit data/demo/2025/*.csv data/demo/2025/*.xlsx --table dimensions",
    )
    add_source_options(aud)
    aud.add_argument("--table", choices=(*AUDIT_TABLES, "all"), default="items",
                     help="which table (default: %(default)s; all: every table, json or xlsx only)")
    aud.add_argument("--format", choices=FORMATS, default="csv")
    add_framework_option(aud)
    add_output_option(aud)
    aud.set_defaults(func=run_audit)

    unc = subparsers.add_parser(
        "uncertainty",
        help="rank uncertainty of a round: nominal and median rank, 5th-95th percentile band (village card)",
        description="Example: python -m indicator uncertainty data/demo/2025/*.csv data/demo/2025/*.xlsx",
    )
    add_source_options(unc)
    unc.add_argument("--draws", type=int, default=DRAWS, help="Monte Carlo draws (default: %(default)s)")
    unc.add_argument("--seed", type=int, default=SEED, help="random seed (default: %(default)s)")
    unc.add_argument("--format", choices=FORMATS, default="csv")
    add_framework_option(unc)
    add_output_option(unc)
    unc.set_defaults(func=run_uncertainty)


def _with_round(frame: pd.DataFrame, round_: int) -> pd.DataFrame:
    return frame.assign(round=round_)[["round", *frame.columns]]


def audit_tables(args: argparse.Namespace) -> dict[str, pd.DataFrame]:
    """The audit tables of the chosen round, each with a leading ``round`` column."""
    from indicator.audit import audit

    framework = load(args.framework)
    scores, where = load_scores(args, framework)
    chosen = pick_round(scores.table, args.round, where)
    result = audit(scores, framework, round=chosen)
    return {name: _with_round(getattr(result, name), chosen) for name in AUDIT_TABLES}


def run_audit(args: argparse.Namespace) -> int:
    if args.table == "all" and args.format == "csv":
        raise IndicatorError("--table all needs --format json or xlsx (csv holds one table)",
                             code="cli.all_tables_csv")
    tables = audit_tables(args)
    if args.table != "all":
        write_table(tables[args.table], args.format, args.output, sheet=args.table)
    elif args.format == "json":
        text = json.dumps({name: records(frame) for name, frame in tables.items()}, ensure_ascii=False, indent=1)
        emit((text + "\n").encode("utf-8"), args.output)
    else:
        from indicator.xlsxsafe import xlsx_bytes

        emit(xlsx_bytes(tables), args.output)
    return 0


def run_uncertainty(args: argparse.Namespace) -> int:
    from indicator.uncertainty import rank_uncertainty

    framework = load(args.framework)
    scores, where = load_scores(args, framework)
    chosen = pick_round(scores.table, args.round, where)
    bands = rank_uncertainty(scores, framework, round=chosen, n=args.draws, seed=args.seed)
    write_table(_with_round(bands, chosen), args.format, args.output, sheet="uncertainty")
    return 0
