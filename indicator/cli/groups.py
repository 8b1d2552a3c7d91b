"""Subcommand ``groups``: theme groups from survey files or from the database (docs/method.md §4, docs/cli.md).

Output: one row per grouped village, columns ``village, area, group, theme``. Villages left out (no
full set of dimension scores) are named in one ``note:`` line on standard error.
"""

from __future__ import annotations

import argparse
import sys

from indicator.cli import add_framework_option, add_output_option
from indicator.cli.output import write_table
from indicator.cli.sources import add_source_options, load_scores, pick_round
from indicator.errors import GroupingError
from indicator.framework import load
from indicator.grouping import ASSIGNMENT_COLUMNS, BY_OPTIONS, make_groups

FORMATS: tuple[str, ...] = ("csv", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "groups",
        help="theme groups of similar villages, each with a theme by need",
        description="Example: python -m indicator groups --size 5 --by leader_area --pin Klamila=2",
    )
    parser.add_argument("--size", type=int, default=5, help="villages per group (default: %(default)s)")
    parser.add_argument("--by", choices=BY_OPTIONS, default="leader_area", help="group within (default: %(default)s)")
    parser.add_argument("--pin", action="append", default=[], metavar="VILLAGE=GROUP", help="keep a village in a group")
    parser.add_argument("--together", action="append", nargs=2, default=[], metavar="VILLAGE", help="two villages in one group")
    parser.add_argument("--apart", action="append", nargs=2, default=[], metavar="VILLAGE", help="two villages in different groups")
    add_source_options(parser)
    parser.add_argument("--seed", type=int, default=0, help="seed of the k-means restarts (default: %(default)s)")
    parser.add_argument("--format", choices=FORMATS, default="csv")
    add_framework_option(parser)
    add_output_option(parser)
    parser.set_defaults(func=run_groups)


def parse_pins(texts: list[str]) -> dict[str, int]:
    """``["Klamila=2"]`` -> ``{"Klamila": 2}``; the last ``=`` splits, so names may contain one."""
    pins: dict[str, int] = {}
    for text in texts:
        name, sep, number = text.rpartition("=")
        if not sep or not name.strip() or not number.strip().isdigit():
            raise GroupingError(f"--pin {text!r}: write VILLAGE=GROUP with a group number, e.g. Klamila=2")
        pins[name.strip()] = int(number)
    return pins


def run_groups(args: argparse.Namespace) -> int:
    framework = load(args.framework)
    scores, where = load_scores(args, framework)
    table = scores.table
    chosen = pick_round(table, args.round, where, purpose="to group", error=GroupingError)
    grouping = make_groups(
        table[table["round"] == chosen].reset_index(drop=True),
        framework,
        size=args.size,
        by=args.by,
        pins=parse_pins(args.pin),
        together=[tuple(p) for p in args.together],
        apart=[tuple(p) for p in args.apart],
        seed=args.seed,
        bootstraps=0,
    )
    if len(grouping.excluded):
        names = "; ".join(f"{r.village} ({r.reason})" for r in grouping.excluded.itertuples())
        sys.stderr.write(f"note: left out: {names}\n")
    write_table(grouping.assignments[list(ASSIGNMENT_COLUMNS)], args.format, args.output, sheet="groups")
    return 0
