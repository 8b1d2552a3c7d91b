"""Subcommand ``report``: the final report for the funder as a Word document (docs/cli.md).

Charts are drawn with kaleido and a Chrome or Chromium browser; without one the report is still written,
with a note in place of each chart and one ``note:`` line on standard error.
"""

from __future__ import annotations

import argparse
import sys

from indicator.cli import add_framework_option
from indicator.cli.output import emit
from indicator.cli.sources import DB_HELP
from indicator.framework import load
from indicator.i18n import LANGUAGES


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "report",
        help="the final report for the funder (Word .docx)",
        description="Example: python -m indicator report --output loppuraportti.docx --lang fi",
    )
    parser.add_argument("--output", "-o", required=True, help="the .docx file to write")
    parser.add_argument("--lang", choices=LANGUAGES, default="fi", help="language (default: %(default)s)")
    parser.add_argument("--groups", metavar="FILE",
                        help="groups csv for the impact section (default: the latest saved grouping)")
    parser.add_argument("--baseline", type=int, help="impact baseline round (default: the earliest with scores)")
    parser.add_argument("--followup", type=int, help="impact follow-up round (default: the latest with scores)")
    parser.add_argument("--no-charts", action="store_true", help="leave the charts out (no browser needed)")
    parser.add_argument("--db", help=DB_HELP)
    add_framework_option(parser)
    parser.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    from indicator.final_report import Charts, build
    from indicator.impact import read_groups
    from indicator.storage import Store, village_registry

    framework = load(args.framework)
    groups = read_groups(args.groups) if args.groups else None
    charts = Charts(enabled=not args.no_charts)
    content = build(Store(args.db), framework, lang=args.lang, registry=village_registry(), groups=groups,
                    baseline=args.baseline, followup=args.followup, charts=charts)
    emit(content, args.output)
    if charts.missing:
        sys.stderr.write(f"note: charts left out: {charts.missing}\n")
    return 0
