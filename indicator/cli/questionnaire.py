"""Subcommand ``questionnaire``: the framework's survey as a file for a survey tool, for paper, or for typing.

``python -m indicator questionnaire --format FORMAT [--lang fi|sv|en] [--village NAME] [--round YEAR]
[--framework PATH] --output PATH`` writes one of `indicator.questionnaire.FORMATS`; a bad option (unknown
format, language or village, a round that is not a year, an unwritable path) is one line and exit 2.
"""

from __future__ import annotations

import argparse
import sys

from indicator.cli import add_framework_option
from indicator.framework import LANGUAGES, load
from indicator.questionnaire import FORMATS, QuestionnaireError, render


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "questionnaire",
        help="the survey as XLSForm, LimeSurvey, Google Forms script, Word, entry template or HTML",
        description="Example: python -m indicator questionnaire --format xlsform --lang fi --output kysely.xlsx",
    )
    parser.add_argument("--format", required=True, choices=FORMATS, help="what to write")
    parser.add_argument("--lang", default="fi", choices=LANGUAGES, help="language (default: %(default)s)")
    parser.add_argument("--village", help="fix the village (a registry name); default: respondents choose it")
    parser.add_argument("--round", type=int, help="the survey round (year), shown in the title")
    add_framework_option(parser)
    parser.add_argument("--output", "-o", required=True, help="the file to write")
    parser.set_defaults(func=run_questionnaire)


def run_questionnaire(args: argparse.Namespace) -> int:
    framework = load(args.framework)
    content = render(framework, args.format, lang=args.lang, village=args.village, round=args.round)
    try:
        with open(args.output, "wb") as handle:
            handle.write(content)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise QuestionnaireError(f"cannot write {args.output}: {reason}", code="questionnaire.write",
                                 params={"path": args.output, "reason": reason}) from None
    sys.stdout.write(f"wrote {args.output} ({args.format}, {args.lang}, {len(content)} bytes)\n")
    return 0
