"""Subcommand ``groups``: theme groups from survey files or from the database (docs/method.md §4, docs/cli.md).

Output: one row per grouped village, columns ``village, area, group, theme``. Villages left out (no
full set of dimension scores) are named in one ``note:`` line on standard error.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from indicator.cli import add_framework_option, add_output_option
from indicator.cli.output import write_table
from indicator.errors import GroupingError
from indicator.framework import Framework, load
from indicator.grouping import ASSIGNMENT_COLUMNS, BY_OPTIONS, make_groups

FORMATS: tuple[str, ...] = ("csv", "json")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "groups",
        help="theme groups of similar villages, each with a theme by need",
        description="Example: python -m indicator groups --size 5 --by leader_area --pin Klamila=2",
    )
    parser.add_argument("files", nargs="*", help="survey files (default: the approved data in the database)")
    parser.add_argument("--db", help="SQLAlchemy database URL (default: env DATABASE_URL, else data/alykyla.db)")
    parser.add_argument("--size", type=int, default=5, help="villages per group (default: %(default)s)")
    parser.add_argument("--by", choices=BY_OPTIONS, default="leader_area", help="group within (default: %(default)s)")
    parser.add_argument("--pin", action="append", default=[], metavar="VILLAGE=GROUP", help="keep a village in a group")
    parser.add_argument("--together", action="append", nargs=2, default=[], metavar="VILLAGE", help="two villages in one group")
    parser.add_argument("--apart", action="append", nargs=2, default=[], metavar="VILLAGE", help="two villages in different groups")
    parser.add_argument("--round", type=int, help="the round (year) to group; default: the latest")
    parser.add_argument("--village", help="survey files without a village column are this village")
    parser.add_argument("--village-column", help="the column that names the village (default: by its header)")
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


def pick_round(table: pd.DataFrame, wanted: int | None, where: str) -> pd.DataFrame:
    """The rows of the latest round, or of ``wanted``; GroupingError when there is none."""
    rounds = sorted(int(r) for r in table["round"].dropna().unique()) if len(table) else []
    if not rounds:
        raise GroupingError(f"{where}: there are no scores to group")
    chosen = rounds[-1] if wanted is None else wanted
    if chosen not in rounds:
        raise GroupingError(f"{where}: no scores for round {chosen} (rounds: {', '.join(map(str, rounds))})")
    return table[table["round"] == chosen].reset_index(drop=True)


def _scores_from_files(args: argparse.Namespace, framework: Framework) -> pd.DataFrame:
    """Score the files with their own rounds; ``--round`` picks one of them, or is every file's round
    when no file has it (as in ``score``)."""
    from indicator.pipeline import read_files
    from indicator.scoring import score

    files, wanted = args.files, args.round
    village = {"village": args.village, "village_column": args.village_column}
    responses, _ = read_files(files, framework, **village)
    if wanted is not None and wanted not in set(responses["round"].dropna().astype(int)):
        responses, _ = read_files(files, framework, round=wanted, **village)
    return pick_round(score(responses, framework).table, wanted, files[0] if len(files) == 1 else "the files")


def _scores_from_db(url: str | None, framework: Framework, wanted: int | None) -> pd.DataFrame:
    from indicator.storage import Store

    store = Store(url)
    return pick_round(store.scores(framework).table, wanted, "the database")


def run_groups(args: argparse.Namespace) -> int:
    framework = load(args.framework)
    if args.files and args.db:
        raise GroupingError("give either survey files or --db, not both")
    if args.files:
        scores = _scores_from_files(args, framework)
    else:
        scores = _scores_from_db(args.db, framework, args.round)
    grouping = make_groups(
        scores,
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
