"""What an import found: the report of ``import --json`` (docs/cli.md) plus extras, templates, rounds."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from indicator.errors import Problem
from indicator.text import normalise_header


@dataclass
class ImportReport:
    """The result of reading one file, apart from the responses themselves."""

    file: str
    source_tool: str
    rows: int
    villages: list[str]
    mapped: dict[str, str]
    unmapped: list[str]
    dropped_personal: list[str]
    problems: list[Problem]
    warnings: list[str] = field(default_factory=list)
    respondents: int = 0
    latest_date: dt.datetime | None = None
    header_signature: str = ""
    earliest_date: dt.datetime | None = None
    sheet: str | None = None
    header_row: int | None = None
    village_column: str | None = None
    village_given: str | None = None
    date_column: str | None = None
    file_type: str | None = None
    encoding: str | None = None
    delimiter: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; the documented keys come first, in their documented order."""
        out: dict[str, Any] = {
            "file": self.file,
            "source_tool": self.source_tool,
            "rows": self.rows,
            "villages": list(self.villages),
            "mapped": dict(self.mapped),
            "unmapped": list(self.unmapped),
            "dropped_personal": list(self.dropped_personal),
            "problems": [p.to_dict() for p in self.problems],
            "warnings": list(self.warnings),
            "respondents": self.respondents,
            "latest_date": _iso(self.latest_date),
            "header_signature": self.header_signature,
            "earliest_date": _iso(self.earliest_date),
            "sheet": self.sheet,
            "header_row": self.header_row,
            "village_column": self.village_column,
            "village_given": self.village_given,
            "date_column": self.date_column,
            "file_type": self.file_type,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
        }
        return out


def _iso(value: dt.datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def header_signature(headers: Sequence[str]) -> str:
    """A stable hash of the normalised headers: the key under which a mapping template is stored."""
    joined = "\x1f".join(normalise_header(h) for h in headers)
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()[:16]


def template_from(report: ImportReport) -> dict[str, Any]:
    """A mapping template to store and reuse: ``read_survey(..., overrides=template["mapping"])``."""
    return {
        "header_signature": report.header_signature,
        "source_tool": report.source_tool,
        "mapping": dict(report.mapped),
        "village_column": report.village_column,
    }


def file_round(report: ImportReport, today: dt.date | None = None) -> int:
    """A file's round: the year of its latest response date, else the current year (docs/cli.md)."""
    if report.latest_date is not None and not pd.isna(report.latest_date):
        return report.latest_date.year
    return (today or dt.date.today()).year


ROUNDS_BEFORE_BASELINE = 2  # a file may be stored under a round this many years before the baseline year


def round_choices(baseline_year: int, today: dt.date | None = None) -> list[int]:
    """The rounds a file may be stored under, newest first: next year down to two years before the
    framework's baseline year (a late upload of an earlier survey is still possible), this year at least."""
    this_year = (today or dt.date.today()).year
    return list(range(this_year + 1, min(baseline_year - ROUNDS_BEFORE_BASELINE, this_year) - 1, -1))


@dataclass(frozen=True)
class RoundMismatch:
    """The years of a file's answer dates (``first`` .. ``last``) when they are not all the stored ``round``."""

    first: int
    last: int
    round: int

    @property
    def outside(self) -> bool:
        """True when no answer is dated in the round's year."""
        return not self.first <= self.round <= self.last


def round_mismatch(report: ImportReport, round: int) -> RoundMismatch | None:
    """Whether the file's response dates disagree with the round it is stored under (None: they agree,
    or the file has no dates)."""
    years = sorted({d.year for d in (report.earliest_date, report.latest_date) if d is not None and not pd.isna(d)})
    if not years or years == [round]:
        return None
    return RoundMismatch(years[0], years[-1], int(round))


def check_round(report: ImportReport, round: int) -> list[str]:
    """Warnings (English, for the command line) when the file's response dates disagree with its round."""
    found = round_mismatch(report, round)
    if found is None:
        return []
    if found.outside:
        span = str(found.first) if found.first == found.last else f"{found.first}–{found.last}"
        return [f"{report.file}: the answers are dated {span}, but the file is stored as round {round}"]
    return [f"{report.file}: the answers span {found.first}–{found.last}; check that round {round} is right"]
