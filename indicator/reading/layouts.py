"""Where the header is and which tool wrote the file (docs/survey-files.md §1, §2).

The header is the row (or pair of rows, SurveyMonkey style) in the first 20 rows under which the most
columns match items; ties go to the earlier, single row. Two header rows are combined exactly as
docs/survey-files.md §2 says. The tool is recognised from header fingerprints and, for Microsoft Forms and
LimeSurvey, whose headings are localised, from the content of their first columns too (LimeSurvey also from
its question-code headings such as ``Q5[SQ001]``).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from indicator.reading.mapping import ColumnMap, Matcher, map_columns
from indicator.text import clean_header, normalise, normalise_header

TOOLS: tuple[str, ...] = (
    "webropol", "forms", "google", "limesurvey", "kobo", "surveymonkey", "typeform", "generic",
)
HEADER_SCAN_ROWS = 20
_SECOND_ROW_PLAIN = frozenset({"", "response", "open-ended response"})
_REPORT_MARKS: tuple[frozenset[str], ...] = (
    frozenset({"answer choices", "responses"}),
    frozenset({"answered", "skipped"}),
    frozenset({"n", "%"}),
    frozenset({"lukumäärä", "prosentti"}),
    frozenset({"vastaajien määrä", "%"}),
    frozenset({"antal", "procent"}),
    frozenset({"antal", "%"}),
    frozenset({"lukumäärä", "%"}),
    frozenset({"vastaajien määrä", "prosenttia"}),
    frozenset({"frequency", "percent"}),
    frozenset({"count", "percent"}),
    frozenset({"keskiarvo", "keskihajonta"}),
)


# Survey tools' own bookkeeping columns (ids, times, progress, tokens): never answers to map to items.
TECHNICAL_HEADERS = frozenset({
    "#", "id", "respondent id", "collector id", "response id", "vastaaja", "vastaajan tunnus", "start",
    "end", "today", "start time", "completion time", "last modified time", "aloitusaika", "valmistumisaika",
    "starttid", "slutförandetid", "total points", "quiz feedback", "submitdate", "lastpage", "startlanguage",
    "seed", "startdate", "datestamp", "refurl", "date submitted", "date started", "date last action",
    "last page", "start language", "token", "response type", "network id", "tags", "stage date (utc)",
    "start date (utc)", "submit date (utc)", "start date", "end date", "custom data 1", "deviceid",
    "instanceid", "meta/instanceid", "__version__", "vastausaika", "svarstid", "timestamp", "aikaleima",
    "tidsstämpel",
})


def is_technical(header: str) -> bool:
    """A survey tool's bookkeeping column (``_id``, ``start``, ``Vastausaika``, ...), not an answer."""
    norm = normalise_header(header)
    return norm.startswith("_") or norm in TECHNICAL_HEADERS


def is_blank(value: object) -> bool:
    """Empty cell: None, NaN or whitespace-only text."""
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def cell_text(value: object) -> str:
    """A header cell as text: whole floats without ``.0``, HTML removed, whitespace tidied."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean_header(value)


def combine_rows(first: Sequence[object], second: Sequence[object]) -> list[str]:
    """Two header rows as one (docs/survey-files.md §2): blanks continue the question on their left; a second-row
    text other than blank/``Response``/``Open-Ended Response`` makes ``Question - Text``."""
    out: list[str] = []
    question = ""
    for top, below in zip(first, second, strict=False):
        top_text, below_text = cell_text(top), cell_text(below)
        if top_text:
            question = top_text
        if normalise(below_text) in _SECOND_ROW_PLAIN:
            out.append(question)
        elif question:
            out.append(f"{question} - {below_text}")
        else:
            out.append(below_text)
    return out


@dataclass
class Header:
    """The header found in a grid: first row index, number of header rows, texts and column map."""

    row: int
    depth: int
    headers: list[str]
    columns: ColumnMap

    @property
    def data_start(self) -> int:
        return self.row + self.depth


def find_header(
    cells: np.ndarray,
    matcher: Matcher,
    *,
    item_ids: Sequence[str] = (),
    overrides: Mapping[str, str | None] | None = None,
    village_column: str | None = None,
    file: str | None = None,
) -> Header | None:
    """The best header (most item columns) in the first rows, or None when no column matches an item."""
    if cells.ndim != 2 or not cells.size:
        return None
    best: tuple[int, int, int] | None = None
    best_headers: list[str] = []
    best_depth = 1
    scan = min(HEADER_SCAN_ROWS, cells.shape[0])
    for r in range(scan):
        single = [cell_text(v) for v in cells[r]]
        if sum(1 for h in single if h) == 0:
            continue
        mapped_single = map_columns(single, matcher, item_ids=item_ids, overrides=overrides, file=file)
        candidates = [(single, 1, mapped_single)]
        if r + 1 < cells.shape[0]:
            double = combine_rows(cells[r], cells[r + 1])
            candidates.append((double, 2, map_columns(double, matcher, item_ids=item_ids, overrides=overrides,
                                                      file=file)))
        for headers, depth, mapped in candidates:
            if not mapped.items:
                continue
            preference = _second_row_preference(cells[r + 1], mapped, mapped_single) if depth == 2 else 0
            key = (len(mapped.items), -r, preference)
            if best is None or key > best:
                best, best_headers, best_depth = key, headers, depth
    if best is None:
        return None
    row, depth = -best[1], best_depth
    columns = map_columns(best_headers, matcher, item_ids=item_ids, overrides=overrides,
                          village_column=village_column, file=file)
    return Header(row, depth, best_headers, columns)


def _recognised(mapped: ColumnMap) -> int:
    return len(mapped.items) + len(mapped.personal) + (mapped.village is not None)


def _second_row_preference(second: np.ndarray, double: ColumnMap, single: ColumnMap) -> int:
    """On a tie in items, two header rows win over one only when the second row holds no answers (blank
    or ``Response`` under every item column) and either says ``Response`` somewhere (SurveyMonkey) or
    makes more columns recognisable (Webropol contact fields: "Yhteystiedot - Sukunimi")."""
    texts = [normalise(cell_text(v)) for v in second]
    if not any(texts) or any(texts[j] not in _SECOND_ROW_PLAIN for j in double.items):
        return -1
    if any(t in ("response", "open-ended response") for t in texts):
        return 1
    return 1 if _recognised(double) > _recognised(single) else -1


def looks_like_report(cells: np.ndarray, rows: int = 30) -> bool:
    """True for summary tables (SurveyMonkey summary, Webropol per-question sheets): n/% columns."""
    if cells.ndim != 2:
        return False
    for r in range(min(rows, cells.shape[0])):
        texts = {normalise(v) for v in cells[r] if isinstance(v, str)}
        if any(mark <= texts for mark in _REPORT_MARKS):
            return True
    return False


def _forms_by_content(cells: np.ndarray, start: int) -> bool:
    """Forms: whole-number ID, then two datetimes (start, completion), then e-mail or 'anonymous'."""
    if cells.shape[1] < 4 or start >= cells.shape[0]:
        return False
    sample = cells[start:start + 5]
    for row in sample:
        ident, begin, end = row[0], row[1], row[2]
        if not (isinstance(ident, int | float) and not isinstance(ident, bool) and float(ident).is_integer()):
            return False
        if not all(isinstance(v, dt.datetime | float) for v in (begin, end)):
            return False
    return True


# LimeSurvey's own columns by name: codes, English headings and the headings of its Dutch and Swedish
# translations (nl as exported in Dutch; sv from LimeSurvey's Swedish catalog). Other languages are
# recognised by the columns' content (`limesurvey_by_content`) or the question-code headings.
LIMESURVEY_NAMES = frozenset({
    "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
    "response id", "date submitted", "last page", "start language", "date started", "date last action",
    "respons id", "datum verstuurd", "laatste pagina", "startdatum", "datum laatste actie",
    "datum inskickad", "sista sidan", "datum påbörjad", "datum senaste åtgärd", "hänvisande url",
})
_LIME_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*(\[[A-Za-z0-9_#]+\])+$")  # Q5[SQ001], Q1[SQ001][1]
_LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")  # fi, sv, en, de-informal, pt-BR
_DATE_TEXT = re.compile(r"^\d{1,4}[-./]\d{1,2}[-./]\d{1,4}")
_LIME_SAMPLE = 20


def _whole(value: object, *, blank_ok: bool = False) -> bool:
    """A whole number (as a number or as digits), or a blank cell when ``blank_ok``."""
    if is_blank(value):
        return blank_ok
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return float(value).is_integer()
    return isinstance(value, str) and value.strip().isdigit()


def _date_or_blank(value: object) -> bool:
    return is_blank(value) or isinstance(value, dt.datetime) or (
        isinstance(value, str) and bool(_DATE_TEXT.match(value.strip())))


def limesurvey_by_content(cells: np.ndarray, start: int) -> bool:
    """LimeSurvey's fixed first columns, whatever their headings' language: response id (a whole number),
    submit date (a date or blank), last page (a whole number or blank) and start language (a language code
    such as ``fi``, ``sv``, ``en-GB``) on every one of the first non-blank data rows."""
    if cells.ndim != 2 or cells.shape[1] < 4 or start >= cells.shape[0]:
        return False
    sample = [row for row in cells[start:start + 2 * _LIME_SAMPLE] if not all(is_blank(v) for v in row)]
    if not sample:
        return False
    return all(
        _whole(row[0]) and _date_or_blank(row[1]) and _whole(row[2], blank_ok=True)
        and isinstance(row[3], str) and bool(_LANGUAGE_CODE.match(row[3].strip()))
        for row in sample[:_LIME_SAMPLE]
    )


def _limesurvey(headers: Sequence[str], names: set[str], cells: np.ndarray, start: int) -> bool:
    """LimeSurvey by two of its column names, two question-code headings, or its first columns' content."""
    if len(LIMESURVEY_NAMES & names) >= 2:
        return True
    if sum(1 for h in headers if _LIME_CODE.match(str(h).strip())) >= 2:
        return True
    return limesurvey_by_content(cells, start)


def fingerprint(headers: Sequence[str], cells: np.ndarray, data_start: int) -> str:
    """The survey tool that wrote the file, from its header names (one of `TOOLS`)."""
    norm = [normalise_header(h) for h in headers]
    names = set(norm)
    first = norm[0] if norm else ""
    if {"respondent id", "collector id"} <= names:
        return "surveymonkey"
    if {"_uuid", "_submission_time"} & names:
        return "kobo"
    if _limesurvey(headers, names, cells, data_start):
        return "limesurvey"
    if first == "#" or "submit date (utc)" in names or "network id" in names:
        return "typeform"
    if {"vastausaika", "svarstid"} & names:
        return "webropol"
    if first in {"timestamp", "aikaleima", "tidsstämpel", "zeitstempel", "marca temporal"}:
        return "google"
    if {"start time", "completion time"} <= names or {"aloitusaika", "valmistumisaika"} <= names:
        return "forms"
    if _forms_by_content(cells, data_start):
        return "forms"
    return "generic"
