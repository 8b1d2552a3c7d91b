"""Subcommands ``import`` (read a file, report, store nothing) and ``score`` (score files together)."""

from __future__ import annotations

import argparse
import json

from indicator.cli import add_framework_option, add_output_option
from indicator.cli.output import FORMATS, emit, write_table
from indicator.framework import load
from indicator.pipeline import score_files
from indicator.reading import read_isolated
from indicator.scoring import AGGREGATIONS, NORMALISATIONS, ScoreOptions


def register(subparsers: argparse._SubParsersAction) -> None:
    imp = subparsers.add_parser(
        "import",
        help="read a survey file and report what was found (stores nothing)",
        description="Example: python -m indicator import kysely.xlsx --json",
    )
    imp.add_argument("file")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.add_argument("--village", help="the village of the file when it has no village column")
    imp.add_argument("--village-column", help="the column that names the village")
    add_framework_option(imp)
    add_output_option(imp)
    imp.set_defaults(func=run_import)

    sc = subparsers.add_parser(
        "score",
        help="score survey files together: one row per village and round",
        description="Example: python -m indicator score data/demo/2025/*.xlsx --format json",
    )
    sc.add_argument("files", nargs="+")
    sc.add_argument("--round", type=int, help="round (year) of every file; default: each file's latest response year")
    sc.add_argument("--village", help="the files without a village column are this village")
    sc.add_argument("--village-column", help="the column that names the village (default: by its header)")
    sc.add_argument("--format", choices=FORMATS, default="csv")
    sc.add_argument("--normalisation", choices=NORMALISATIONS, default="goalposts")
    sc.add_argument("--aggregation", choices=AGGREGATIONS, default="arithmetic")
    add_framework_option(sc)
    add_output_option(sc)
    sc.set_defaults(func=run_score)


def run_import(args: argparse.Namespace) -> int:
    framework = load(args.framework)
    result = read_isolated(
        args.file, framework, filename=args.file, village_default=args.village, village_column=args.village_column
    )
    report = result.report.to_dict()
    if args.json:
        text = json.dumps(report, ensure_ascii=False, indent=1, default=str) + "\n"
    else:
        text = _summary(report)
    emit(text.encode("utf-8"), args.output)
    return 0


def _summary(report: dict) -> str:
    lines = [
        f"{report['file']}: {report['source_tool']}, {report['rows']} rows, villages: {', '.join(report['villages'])}",
        f"mapped {len(report['mapped'])} columns, unmapped {len(report['unmapped'])}, "
        f"personal columns dropped {len(report['dropped_personal'])}, problems {len(report['problems'])}",
    ]
    lines += [f"  {column} -> {item}" for column, item in report["mapped"].items()]
    lines += [f"  unmapped: {column}" for column in report["unmapped"]]
    lines += [
        f"  row {p['row']}, column {p['column']!r}: {p['message']} (value {p['value']!r})" for p in report["problems"]
    ]
    lines += [f"  warning: {w}" for w in report.get("warnings", [])]
    return "\n".join(lines) + "\n"


def run_score(args: argparse.Namespace) -> int:
    framework = load(args.framework)
    options = ScoreOptions(normalisation=args.normalisation, aggregation=args.aggregation)
    scores = score_files(
        args.files,
        framework,
        round=args.round,
        village=args.village,
        village_column=args.village_column,
        options=options,
    )
    write_table(scores.table, args.format, args.output, sheet="scores")
    return 0
