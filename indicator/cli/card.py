"""Subcommand ``card``: one village's card as the HTML report or the xlsx workbook the village page offers
for download (`indicator.report.report_html` / `results_xlsx`, docs/cli.md).

The round is ``--round`` or the village's latest round; the rank band comes from the same Monte Carlo run
as on the page (`indicator.uncertainty.rank_uncertainty`, 1000 draws, seed 0 unless told otherwise), the
Leader area from the shipped village registry.
"""

from __future__ import annotations

import argparse

import pandas as pd

from indicator.cli import add_framework_option, add_output_option
from indicator.cli.output import emit
from indicator.cli.sources import add_source_options, load_scores
from indicator.errors import IndicatorError, clip
from indicator.framework import Framework, load
from indicator.i18n import LANGUAGES
from indicator.scoring import Scores
from indicator.uncertainty import DRAWS, SEED

CARD_FORMATS: tuple[str, ...] = ("html", "xlsx")


def register(subparsers: argparse._SubParsersAction) -> None:
    card = subparsers.add_parser(
        "card",
        help="one village's card as the HTML report or xlsx workbook of the village page",
        description="Example: python -m indicator card data/demo/2025/google_sepra_c.csv --village Klamila "
                    "--output klamila.html",
    )
    add_source_options(card, village_help="the village of the card (also the village of survey files "
                                          "without a village column)")
    card.add_argument("--format", choices=CARD_FORMATS, default="html")
    card.add_argument("--lang", choices=LANGUAGES, default=LANGUAGES[0], help="language (default: %(default)s)")
    card.add_argument("--draws", type=_draws, default=DRAWS, help="Monte Carlo draws of the rank band (default: %(default)s)")
    card.add_argument("--seed", type=int, default=SEED, help="random seed of the rank band (default: %(default)s)")
    add_framework_option(card)
    add_output_option(card)
    card.set_defaults(func=run_card)


def _draws(text: str) -> int:
    """``--draws``: a whole number >= 1 (the page's band would silently vanish otherwise)."""
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"the number of draws must be a whole number >= 1, got {text!r}")
    return int(text)


def village_round(table: pd.DataFrame, village: str | None, wanted: int | None, where: str) -> int:
    """The round of the card: ``wanted`` or the village's latest; IndicatorError when the village has none."""
    if not village or not village.strip():
        raise IndicatorError("card needs --village NAME", code="cli.card_needs_village")
    rows = table.loc[table["village"] == village, "round"].dropna()
    if rows.empty:
        known = ", ".join(sorted(table["village"].dropna().astype(str).unique(), key=str.casefold))
        raise IndicatorError(f"{where}: no village {village!r} (villages: {clip(known, 300) or 'none'})",
                             code="cli.unknown_village", params={"where": where, "village": village})
    rounds = sorted(int(r) for r in rows.unique())
    chosen = rounds[-1] if wanted is None else wanted
    if chosen not in rounds:
        listed = ", ".join(map(str, rounds))
        raise IndicatorError(f"{where}: no scores for {village!r} in round {chosen} (rounds: {listed})",
                             code="cli.village_round", params={"where": where, "village": village,
                                                               "round": chosen, "rounds": listed})
    return chosen


def card_bytes(scores: Scores, framework: Framework, village: str, round_: int, *, lang: str, fmt: str,
               draws: int = DRAWS, seed: int = SEED) -> bytes:
    """The village card of ``round_`` as the page's HTML report or xlsx workbook."""
    from indicator import report
    from indicator.storage import village_registry
    from indicator.uncertainty import rank_uncertainty

    try:  # as on the page: a round the analysis cannot run on has no band
        bands = rank_uncertainty(scores, framework, round=round_, n=draws, seed=seed)
    except IndicatorError:
        bands = pd.DataFrame()
    results = report.village_results(scores, framework, village, round_, registry=village_registry(),
                                     uncertainty=bands)
    if fmt == "xlsx":
        return report.results_xlsx(results, framework, lang)
    return report.report_html(results, framework, lang).encode("utf-8")


def run_card(args: argparse.Namespace) -> int:
    framework = load(args.framework)
    scores, where = load_scores(args, framework)
    village = " ".join((args.village or "").split())
    round_ = village_round(scores.table, village, args.round, where)
    emit(card_bytes(scores, framework, village, round_, lang=args.lang, fmt=args.format, draws=args.draws,
                    seed=args.seed), args.output)
    return 0
