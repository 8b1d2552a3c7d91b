"""`read_survey`: a survey file in, the responses table and an import report out (contract §2).

Order: load bytes (size limit) -> sniff the real type -> safety checks -> raw grids -> first sheet with
an item column -> header and columns -> answers parsed per column -> village, respondent, date.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicator.answers import parse_column, text_number
from indicator.errors import Problem, ReadError
from indicator.framework import Framework
from indicator.reading import checks
from indicator.reading.dates import DATE_HEADERS, is_utc_column, parse_dates
from indicator.reading.layouts import Header, find_header, fingerprint, is_blank, looks_like_report
from indicator.reading.mapping import ColumnMap, Matcher, column_letter
from indicator.reading.report import ImportReport, header_signature
from indicator.reading.safety import DEFAULT_MAX_BYTES, Limits, check_size, check_zip
from indicator.reading.sniff import DESCRIPTIONS, sniff
from indicator.reading.tables import Grid, html_grids, spreadsheetml_grids, text_grid, workbook_grids
from indicator.text import normalise_header

MAX_PROBLEMS = 1000
_NUMERIC_SAMPLE = 300


@dataclass
class ReadResult:
    """The responses table (without ``round``) and the import report."""

    responses: pd.DataFrame
    report: ImportReport


# --- loading -------------------------------------------------------------------------------------------


def _load(source: str | Path | bytes, filename: str | None, limits: Limits) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = filename or "<upload>"
        check_size(len(data), limits, name)
        return data, name
    path = Path(source)
    name = filename or path.name
    try:
        size = path.stat().st_size
        check_size(size, limits, name)
        return path.read_bytes(), name
    except FileNotFoundError:
        raise ReadError("file not found", file=str(path)) from None
    except IsADirectoryError:
        raise ReadError("this is a folder, not a file", file=str(path)) from None
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None


def _grids(data: bytes, kind: str, file: str, limits: Limits) -> Iterator[Grid]:
    if kind in ("xlsx", "xlsm", "ods", "xls"):
        if kind in ("xlsx", "xlsm", "ods"):
            check_zip(data, limits, file)
        return workbook_grids(data, kind, file, limits)
    if kind == "text":
        return iter([text_grid(data, file, limits)])
    if kind == "xml":
        return spreadsheetml_grids(data, file, limits)
    if kind == "html":
        return html_grids(data, file, limits)
    if kind == "broken-zip":
        raise ReadError("the file looks like an Excel workbook but is damaged or truncated; save it again "
                        "and upload the new file", file=file)
    raise ReadError(f"the file is {DESCRIPTIONS['unknown']}; upload the survey export as .xlsx or CSV",
                    file=file)


def _kind_warning(kind: str, file: str) -> str | None:
    suffix = Path(file).suffix.lower().lstrip(".")
    expected = {"xlsx": "xlsx", "xlsm": "xlsm", "ods": "ods", "xls": "xls", "csv": "text", "tsv": "text",
                "txt": "text", "xml": "xml", "html": "html", "htm": "html"}.get(suffix)
    if suffix and expected and expected != kind and kind in DESCRIPTIONS:
        return (f"the file is named .{suffix} but is really {DESCRIPTIONS[kind]}; it was read as such "
                "(an .xlsx or CSV export is the safest)")
    return None


# --- choosing the sheet and header ---------------------------------------------------------------------


def _choose(grids: Iterator[Grid], matcher: Matcher, framework: Framework, file: str,
            overrides: Mapping[str, str | None] | None,
            village_column: str | None) -> tuple[Grid, Header, int]:
    reports = seen = 0
    for grid in grids:
        seen += 1
        if looks_like_report(grid.cells):
            reports += 1
            continue
        header = find_header(grid.cells, matcher, item_ids=framework.item_ids, overrides=overrides,
                             village_column=village_column, file=file)
        if header is not None:
            return grid, header, seen
    if reports:
        raise ReadError(
            "this is a report (summary tables with counts and percentages), not the answers: export the "
            "raw answers instead (Webropol: Excel 'answers as text'; SurveyMonkey: 'All individual "
            "responses')", file=file)
    if not seen:
        raise ReadError("the file holds no sheet or table", file=file)
    raise ReadError("no column matches an item of the framework (by id, text or alias); check that this "
                    "is the survey export and that the framework is the right one", file=file)


# --- building the table --------------------------------------------------------------------------------


def _display_names(headers: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for j, header in enumerate(headers):
        name = header or f"({column_letter(j)})"
        if name in seen:
            name = f"{name} ({column_letter(j)})"
        seen.add(name)
        out.append(name)
    return out


def _is_numberlike(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and text_number(value) is not None


def _numeric_share(block: np.ndarray) -> float:
    sample = [v for v in block[:_NUMERIC_SAMPLE].ravel() if not is_blank(v)]
    return sum(map(_is_numberlike, sample)) / len(sample) if sample else 0.0


def _village_values(column: np.ndarray) -> np.ndarray:
    values = pd.Series(column, dtype=object, copy=False)
    codes, uniques = pd.factorize(values)
    cleaned = np.array([_village_text(u) for u in uniques] + [None], dtype=object)
    return cleaned[codes]


def _village_text(value: object) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _skip_tag_row(cells: np.ndarray, start: int) -> int:
    """Skip a KoboToolbox HXL tag row (every filled cell starts with '#') under the header."""
    if start < cells.shape[0]:
        filled = [v for v in cells[start] if not is_blank(v)]
        if filled and all(isinstance(v, str) and v.strip().startswith("#") for v in filled):
            return start + 1
    return start


def _date_column(columns: ColumnMap, tool: str) -> int | None:
    taken = set(columns.items) | {columns.village}
    normalised = {normalise_header(h): j for j, h in reversed(list(enumerate(columns.headers)))}
    for name in DATE_HEADERS:
        j = normalised.get(name)
        if j is not None and j not in taken and j not in columns.personal:
            return j
    if tool == "forms" and len(columns.headers) > 2 and 2 not in taken:
        return 2  # Forms with localised names: ID, start time, completion time, ...
    return None


def read_survey(
    source: str | Path | bytes,
    framework: Framework,
    *,
    filename: str | None = None,
    village: str | None = None,
    village_column: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    registry: pd.DataFrame | None = None,
    limits: Limits | None = None,
) -> ReadResult:
    """Read one survey export into the responses table and an import report.

    ``village`` names the village of the whole file; ``village_column`` picks the village column;
    ``overrides`` maps column headers to item ids (``None``/"" ignores a column); ``registry`` (default:
    the shipped village registry) is checked for the village names. Raises `ReadError`
    for a file that cannot be used (type, size, no item column, no village).
    """
    limits = limits or Limits(max_bytes=max_bytes)
    data, file = _load(source, filename, limits)
    kind = sniff(data)
    matcher = Matcher.from_framework(framework)
    grid, header, _ = _choose(_grids(data, kind, file, limits), matcher, framework, file, overrides,
                              village_column)
    columns = header.columns
    names = _display_names(header.headers)
    warnings = [w for w in (_kind_warning(kind, file),) if w] + list(grid.warnings) + list(columns.warnings)
    if village is None and columns.village is None:
        raise ReadError("no village column (a column headed e.g. "
                        f"{', '.join(repr(a) for a in framework.village_aliases[:3])}); name the village of "
                        "this file or choose its village column", file=file)
    cells = grid.cells
    start = _skip_tag_row(cells, header.data_start)
    body = cells[start:]
    if body.shape[0] == 0 or all(is_blank(v) for v in body.ravel()):
        raise ReadError(f"there are no answer rows below the header (row {grid.first_row + header.row})",
                        file=file)
    tool = fingerprint(header.headers, cells, start)
    row_numbers = np.arange(body.shape[0]) + grid.first_row + start

    item_cols = list(columns.items)
    scale_cols = [j for j in item_cols if framework.item(columns.items[j]).type == "likert5"] or item_cols
    numeric = _numeric_share(body[:, scale_cols]) >= 0.9
    webropol_numeric = tool == "webropol" and numeric
    raw_filled = np.zeros(body.shape[0], dtype=bool)
    values: dict[str, np.ndarray] = {}
    reasons: dict[int, np.ndarray] = {}
    for j in item_cols:
        item = framework.item(columns.items[j])
        column = body[:, j]
        parsed = parse_column(column, item.type, zero_is_missing=webropol_numeric)
        values[item.id] = parsed.values
        reasons[j] = parsed.reasons
        raw_filled |= parsed.filled
        if parsed.reversed_codes:
            warnings.append(
                f"{columns.label(j)}: {parsed.reversed_codes} answers carry a number opposite to their label "
                "(e.g. '1 = täysin samaa mieltä'); the labels were used — numeric answers in files from "
                "this survey may be reversed"
            )

    if village is not None:
        villages = np.full(body.shape[0], " ".join(village.split()), dtype=object)
        if columns.village is not None:
            written = [v for v in pd.unique(_village_values(body[:, columns.village])) if v is not None]
            if any(v != villages[0] for v in written):
                warnings.append(f"the file's village column names {', '.join(map(repr, written[:5]))}; every "
                                f"row was taken as village {villages[0]!r} as asked")
    else:
        villages = _village_values(body[:, columns.village])
    has_village = pd.notna(villages)
    keep = raw_filled | (has_village if village is None else False)
    problems: list[Problem] = []
    no_village = raw_filled & ~has_village
    for i in np.flatnonzero(no_village):
        problems.append(Problem(int(row_numbers[i]), names[columns.village] if columns.village is not None
                                else None, None, "the row has answers but no village; it was left out"))
    keep &= has_village
    for j in item_cols:
        bad = np.flatnonzero(pd.notna(reasons[j]) & keep)
        for i in bad:
            raw = body[i, j]
            problems.append(Problem(int(row_numbers[i]), names[j], str(raw),
                                    f"{columns.label(j)}: {reasons[j][i]}"))
    problems.sort(key=lambda p: (p.row or 0))
    if len(problems) > MAX_PROBLEMS:
        warnings.append(f"{len(problems)} problems found; only the first {MAX_PROBLEMS} are listed")
        problems = problems[:MAX_PROBLEMS]

    frame: dict[str, object] = {
        "village": pd.Series(villages[keep], dtype=object),
        "respondent": pd.Series(row_numbers[keep].astype(str), dtype=object),
    }
    date_col = _date_column(columns, tool)
    latest = earliest = None
    if date_col is not None:
        utc = is_utc_column(normalise_header(header.headers[date_col]))
        stamps, bad_dates = parse_dates(body[:, date_col], utc=utc)
        stamps = stamps[keep]
        frame["date"] = pd.Series(stamps, dtype="datetime64[ns]")
        valid = stamps[~np.isnat(stamps)]
        if len(valid):
            latest = pd.Timestamp(valid.max()).to_pydatetime()
            earliest = pd.Timestamp(valid.min()).to_pydatetime()
        if bad_dates:
            warnings.append(f"{columns.label(date_col)}: {bad_dates} cells are not readable dates")
    for item in framework.items:
        column = values.get(item.id)
        frame[item.id] = pd.Series(column[keep] if column is not None else np.full(int(keep.sum()), math.nan),
                                   dtype="float64")
    responses = pd.DataFrame(frame)
    item_ids = list(framework.item_ids)
    respondents = int(responses[item_ids].notna().any(axis=1).sum()) if len(responses) else 0
    found_villages = [str(v) for v in pd.unique(responses["village"])] if len(responses) else []

    warnings += checks.reversed_items(responses, framework, [columns.items[j] for j in item_cols],
                                      numeric=numeric)
    registry = checks.default_registry() if registry is None else registry
    warnings += checks.unknown_villages(found_villages, registry)
    report = ImportReport(
        file=file,
        source_tool=tool,
        rows=len(responses),
        villages=found_villages,
        mapped={names[j]: columns.items[j] for j in item_cols},
        unmapped=[names[j] for j in columns.unmapped],
        dropped_personal=[names[j] for j in columns.personal],
        problems=problems,
        warnings=warnings,
        respondents=respondents,
        latest_date=latest,
        header_signature=header_signature(header.headers),
        earliest_date=earliest,
        sheet=grid.name or None,
        header_row=grid.first_row + header.row,
        village_column=names[columns.village] if columns.village is not None and village is None else None,
        village_given=village,
        date_column=names[date_col] if date_col is not None else None,
        file_type=kind,
        encoding=grid.encoding,
        delimiter=grid.delimiter,
    )
    return ReadResult(responses, report)

