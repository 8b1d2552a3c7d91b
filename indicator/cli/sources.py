"""Where a subcommand's scores come from: survey files (as ``score`` reads them) or the approved rounds of
the database (as ``progress`` does), and which round it looks at (docs/cli.md).

Options added by `add_source_options`: ``FILE ...``, ``--db URL``, ``--round YEAR``, ``--village NAME`` and
``--village-column NAME``. Survey files are read with their own rounds (each file's latest response year);
``--round`` then picks one of them, or, when no file has that round, is the round of every file (as in
``score --round``).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

import pandas as pd

from indicator.errors import IndicatorError
from indicator.framework import Framework
from indicator.scoring import Scores

DB_HELP = "SQLAlchemy database URL (default: env DATABASE_URL, else data/alykyla.db)"


def add_source_options(parser: argparse.ArgumentParser, *, village_help: str | None = None) -> None:
    """Survey files or ``--db``, ``--round``, ``--village`` and ``--village-column``."""
    parser.add_argument("files", nargs="*", metavar="FILE",
                        help="survey files (default: the approved rounds in the database)")
    parser.add_argument("--db", help=DB_HELP)
    parser.add_argument("--round", type=int, help="the round (year); default: the latest")
    parser.add_argument("--village", help=village_help or "survey files without a village column are this village")
    parser.add_argument("--village-column", help="the column that names the village (default: by its header)")


def scores_from_files(
    files: Sequence[str],
    framework: Framework,
    *,
    round: int | None = None,
    village: str | None = None,
    village_column: str | None = None,
) -> Scores:
    """Scores of survey files read with their own rounds; ``round``, when no file has it, is every file's round."""
    from indicator.pipeline import read_files
    from indicator.scoring import score

    where = {"village": village, "village_column": village_column}
    responses, _ = read_files(files, framework, **where)
    if round is not None and round not in set(responses["round"].dropna().astype(int)):
        responses, _ = read_files(files, framework, round=round, **where)
    return score(responses, framework)


def load_scores(args: argparse.Namespace, framework: Framework) -> tuple[Scores, str]:
    """The scores of every round from ``args.files`` or ``args.db``, and a name of the source for messages."""
    if args.files and args.db:
        raise IndicatorError("give either survey files or --db, not both", code="cli.files_and_db")
    if args.files:
        scores = scores_from_files(args.files, framework, round=args.round, village=args.village,
                                   village_column=args.village_column)
        return scores, args.files[0] if len(args.files) == 1 else "the files"
    from indicator.storage import Store

    return Store(args.db).scores(framework), "the database"


def pick_round(
    table: pd.DataFrame,
    wanted: int | None,
    where: str,
    *,
    purpose: str = "",
    error: type[IndicatorError] = IndicatorError,
) -> int:
    """The round ``wanted``, or the latest round of ``table``; ``error`` when there is none (``purpose`` ends
    the message, e.g. "to group")."""
    rounds = sorted(int(r) for r in table["round"].dropna().unique()) if len(table) else []
    if not rounds:
        raise error(f"{where}: there are no scores {purpose}".strip(), code="cli.no_scores", params={"where": where})
    chosen = rounds[-1] if wanted is None else wanted
    if chosen not in rounds:
        listed = ", ".join(map(str, rounds))
        raise error(f"{where}: no scores for round {chosen} (rounds: {listed})", code="cli.no_round",
                    params={"where": where, "round": chosen, "rounds": listed})
    return chosen
