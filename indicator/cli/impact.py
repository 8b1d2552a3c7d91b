"""Subcommands ``impact`` (the theme groups' measured impact, docs/method.md §7) and ``strategies`` (the
strategies and actions recorded on the Strategiat page), both from the database (docs/cli.md)."""

from __future__ import annotations

import argparse

import pandas as pd

from indicator.cli import add_framework_option, add_output_option
from indicator.cli.output import write_table
from indicator.cli.sources import DB_HELP
from indicator.framework import load

FORMATS: tuple[str, ...] = ("csv", "json")
STRATEGY_TABLES: tuple[str, ...] = ("strategies", "actions")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "impact",
        help="did the theme groups' villages move more on their theme than the others (difference in differences)",
        description="Example: python -m indicator impact --groups groups.csv --baseline 2024 --followup 2026",
    )
    parser.add_argument("--groups", required=True, metavar="FILE",
                        help="the groups csv (village, area, group, theme), as `groups --format csv` writes it")
    parser.add_argument("--baseline", type=int, help="the baseline round (default: the earliest with scores)")
    parser.add_argument("--followup", type=int, help="the follow-up round (default: the latest with scores)")
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument("--format", choices=FORMATS, default="csv")
    add_framework_option(parser)
    add_output_option(parser)
    parser.set_defaults(func=run_impact)

    listing = subparsers.add_parser(
        "strategies",
        help="the Smart Village strategies and their actions stored in the database",
        description="Example: python -m indicator strategies --table actions --format json",
    )
    listing.add_argument("--table", choices=STRATEGY_TABLES, default="strategies",
                         help="strategies (one row each) or actions (default: %(default)s)")
    listing.add_argument("--db", help=DB_HELP)
    listing.add_argument("--format", choices=FORMATS, default="csv")
    add_output_option(listing)
    listing.set_defaults(func=run_strategies)


def run_impact(args: argparse.Namespace) -> int:
    from indicator.impact import impact, read_groups
    from indicator.storage import Store, village_registry

    framework = load(args.framework)
    groups = read_groups(args.groups)
    scores = Store(args.db).scores(framework).table
    table = impact(scores, groups, framework, registry=village_registry(), baseline=args.baseline,
                   followup=args.followup)
    write_table(table, args.format, args.output)
    return 0


def run_strategies(args: argparse.Namespace) -> int:
    from indicator.storage import Store

    store = Store(args.db)
    table = store.strategies.table() if args.table == "strategies" else store.strategies.actions()
    write_table(flat(table), args.format, args.output)
    return 0


def flat(table: pd.DataFrame) -> pd.DataFrame:
    """Lists as ``; ``-joined text in csv and json alike, dates and times as ISO text, and every text made
    formula-safe (``indicator.cellsafe``): the texts are typed by people and the csv is opened in Excel."""
    from indicator.cellsafe import escape_frame

    out = table.copy()
    for column in out.columns:
        if out[column].map(lambda v: isinstance(v, list)).any():
            out[column] = out[column].map(lambda v: "; ".join(map(str, v)))
        elif str(out[column].dtype).startswith("datetime64"):
            out[column] = out[column].map(lambda v: v.isoformat() if pd.notna(v) else None)
        elif column in ("starts_on", "ends_on"):
            out[column] = out[column].map(lambda v: v.isoformat() if v is not None else None)
    return escape_frame(out)
