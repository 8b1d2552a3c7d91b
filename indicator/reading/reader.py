"""`read_survey`: a survey file in, the responses table and an import report out (docs/survey-files.md §2).

Order: load bytes (size limit) -> sniff the real type -> safety checks -> raw grids -> first sheet with
an item column -> header and columns -> answers parsed per column -> village, respondent, date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from indicator.answers import parse_column, text_number
from indicator.errors import NoVillageColumnError, Problem, ReadError, clip
from indicator.framework import Framework
from indicator.reading import checks
from indicator.reading.dates import DATE_HEADERS, is_utc_column, parse_dates
from indicator.reading.layouts import (
    Header,
    find_header,
    fingerprint,
    is_blank,
    limesurvey_by_content,
    looks_like_report,
)
from indicator.reading.mapping import ColumnMap, Matcher, column_letter
from indicator.reading.personal import drop_personal_by_content, kept_table
from indicator.reading.report import ImportReport, header_signature
from indicator.reading.safety import (
    DEFAULT_MAX_BYTES,
    NAME_CHARS,
    TEXT_CHARS,
    VALUE_CHARS,
    VILLAGE_CHARS,
    Limits,
    bounded_warnings,
    check_size,
    check_zip,
    unreadable_memory,
)
from indicator.reading.sniff import DESCRIPTIONS, sniff
from indicator.reading.tables import (
    Grid,
    clip_long_cells,
    html_grids,
    spreadsheetml_grids,
    text_grid,
    workbook_grids,
)
from indicator.registry import optional_villages
from indicator.text import normalise_header

MAX_PROBLEMS = 1000
_NUMERIC_SAMPLE = 300


@dataclass
class ReadResult:
    """The responses table (without ``round``), the import report and the sanitised copy of the file
    (``indicator.reading.personal.kept_table``: no personal columns, personal data masked in text)."""

    responses: pd.DataFrame
    report: ImportReport
    kept: pd.DataFrame | None = None


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
        raise ReadError("file not found", code="reading.file_not_found", file=str(path)) from None
    except IsADirectoryError:
        raise ReadError("this is a folder, not a file", code="reading.is_folder", file=str(path)) from None
    except OSError as exc:
        raise ReadError(f"cannot read the file: {exc.strerror or exc}", code="reading.cannot_read",
                        params={"detail": str(exc.strerror or exc)}, file=str(path)) from None


def _grids(data: bytes, kind: str, file: str, limits: Limits) -> Iterator[Grid]:
    """The file's sheets or tables, each within the limits (long cells cut)."""
    return (clip_long_cells(grid, limits) for grid in _raw_grids(data, kind, file, limits))


def _raw_grids(data: bytes, kind: str, file: str, limits: Limits) -> Iterator[Grid]:
    if kind == "xls" and "EncryptionInfo".encode("utf-16-le") in data[:1 << 20]:
        raise ReadError("the workbook is password-protected; open it, remove the password and save it again",
                        code="reading.password_protected", file=file)
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
                        "and upload the new file", code="reading.broken_workbook", file=file)
    raise ReadError(f"the file is {DESCRIPTIONS['unknown']}; upload the survey export as .xlsx or CSV",
                    code="reading.unknown_type", file=file)


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
            village_column: str | None) -> tuple[Grid, Header]:
    reports = seen = 0
    for grid in grids:
        seen += 1
        if looks_like_report(grid.cells):
            reports += 1
            continue
        header = find_header(grid.cells, matcher, item_ids=framework.item_ids, overrides=overrides,
                             village_column=village_column, file=file)
        if header is not None:
            return grid, header
    raw_export = ("export the raw answers instead (Webropol: Excel 'answers as text'; SurveyMonkey: 'All "
                  "individual responses')")
    if reports:
        raise ReadError("this looks like a report (summary tables with counts and percentages, one sheet "
                        f"per question), not the answers: {raw_export}", code="reading.report_not_answers",
                        file=file)
    if seen >= 5:
        raise ReadError(f"none of the {seen} sheets has a column matching an item; if this is a report (one "
                        f"sheet per question), {raw_export}; otherwise check the framework",
                        code="reading.no_item_sheet", params={"sheets": seen}, file=file)
    if not seen:
        raise ReadError("the file holds no sheet or table", code="reading.no_sheet", file=file)
    raise ReadError("no column matches an item of the framework (by id, text or alias); check that this "
                    "is the survey export and that the framework is the right one", code="reading.no_item_column",
                    file=file)


# --- building the table --------------------------------------------------------------------------------


def _display_names(headers: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for j, header in enumerate(headers):
        name = clip(header, NAME_CHARS) if header else f"({column_letter(j)})"
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
    return clip(" ".join(str(value).split()), VILLAGE_CHARS)


def _check_village_count(villages: np.ndarray, column: str, limits: Limits, file: str) -> None:
    """Refuse a village column naming more villages than any survey: it is the wrong column (or a flood of
    names that would make every later step slow)."""
    count = len(pd.unique(villages[pd.notna(villages)]))
    if count > limits.max_villages:
        raise ReadError(f"the village column {column!r} holds {count} different village names (limit "
                        f"{limits.max_villages}); choose the column that names the village, or name the village "
                        "of this file", code="reading.too_many_villages",
                        params={"column": column, "count": count, "limit": limits.max_villages}, file=file)


def _skip_tag_row(cells: np.ndarray, start: int) -> int:
    """Skip a KoboToolbox HXL tag row (every filled cell starts with '#') under the header."""
    if start < cells.shape[0]:
        filled = [v for v in cells[start] if not is_blank(v)]
        if filled and all(isinstance(v, str) and v.strip().startswith("#") for v in filled):
            return start + 1
    return start


def _date_column(columns: ColumnMap, tool: str, body: np.ndarray) -> int | None:
    taken = set(columns.items) | {columns.village}
    normalised = {normalise_header(h): j for j, h in reversed(list(enumerate(columns.headers)))}
    for name in DATE_HEADERS:
        j = normalised.get(name)
        if j is not None and j not in taken and j not in columns.personal:
            return j
    if tool == "forms" and len(columns.headers) > 2 and 2 not in taken:
        return 2  # Forms with localised names: ID, start time, completion time, ...
    if tool == "limesurvey" and 1 not in taken and limesurvey_by_content(body, 0):
        return 1  # LimeSurvey with localised headings: response id, submit date, last page, start language
    return None


@dataclass
class _Items:
    """Parsed item columns of the data rows."""

    values: dict[str, np.ndarray]
    reasons: dict[int, np.ndarray]
    filled: np.ndarray
    numeric: bool
    warnings: list[str]


def _parse_items(body: np.ndarray, columns: ColumnMap, framework: Framework, tool: str) -> _Items:
    """Every mapped column parsed for its item type; Webropol numeric exports read 0 as blank."""
    item_cols = list(columns.items)
    scale_cols = [j for j in item_cols if framework.item(columns.items[j]).type == "likert5"] or item_cols
    numeric = _numeric_share(body[:, scale_cols]) >= 0.9
    out = _Items({}, {}, np.zeros(body.shape[0], dtype=bool), numeric, [])
    for j in item_cols:
        item = framework.item(columns.items[j])
        parsed = parse_column(body[:, j], item.type, zero_is_missing=tool == "webropol" and numeric)
        out.values[item.id] = parsed.values
        out.reasons[j] = parsed.reasons
        out.filled |= parsed.filled
        if parsed.reversed_codes:
            out.warnings.append(
                f"{columns.label(j)}: {parsed.reversed_codes} answers carry a number opposite to their label "
                "(e.g. '1 = täysin samaa mieltä'); the labels were used — numeric answers in files from "
                "this survey may be reversed"
            )
    return out


def _villages(body: np.ndarray, columns: ColumnMap, village: str | None) -> tuple[np.ndarray, list[str]]:
    """The village of every data row: the given name, else the village column's cell (None if blank)."""
    if village is None:
        return _village_values(body[:, columns.village]), []
    name = clip(" ".join(village.split()), VILLAGE_CHARS)
    warnings = []
    if columns.village is not None:
        written = [v for v in pd.unique(_village_values(body[:, columns.village])) if v is not None]
        if any(v != name for v in written):
            warnings.append(f"the file's village column names {', '.join(map(repr, written[:5]))}; every "
                            f"row was taken as village {name!r} as asked")
    return np.full(body.shape[0], name, dtype=object), warnings


def _names_village(body: np.ndarray, columns: ColumnMap) -> np.ndarray:
    """Rows whose own village cell is filled (all False without a village column): a village given for
    the whole file names no row, so blank lines below the answers are not counted as rows."""
    if columns.village is None:
        return np.zeros(body.shape[0], dtype=bool)
    return pd.notna(_village_values(body[:, columns.village]))


def _problems(body: np.ndarray, items: _Items, columns: ColumnMap, names: list[str], rows: np.ndarray,
              keep: np.ndarray, no_village: np.ndarray) -> tuple[list[Problem], int]:
    """Unreadable cells of kept rows, and rows left out for want of a village, in row order: the first
    ``MAX_PROBLEMS`` (a column's problems past its own first ``MAX_PROBLEMS`` cannot be among them, so no
    more are built) and the number of all. Values and messages are cut to report lengths."""
    village_name = names[columns.village] if columns.village is not None else None
    missing = np.flatnonzero(no_village)
    total = len(missing)
    problems = [Problem(int(rows[i]), village_name, None, "the row has answers but no village; it was left out")
                for i in missing[:MAX_PROBLEMS]]
    for j, reasons in items.reasons.items():
        flagged = np.flatnonzero(pd.notna(reasons) & keep)
        total += len(flagged)
        label = columns.label(j)
        problems += [Problem(int(rows[i]), names[j], clip(body[i, j], VALUE_CHARS),
                             clip(f"{label}: {reasons[i]}", TEXT_CHARS)) for i in flagged[:MAX_PROBLEMS]]
    problems.sort(key=lambda p: p.row or 0)
    return problems[:MAX_PROBLEMS], total


def _dates(body: np.ndarray, columns: ColumnMap, date_col: int | None,
           keep: np.ndarray) -> tuple[np.ndarray | None, list[str]]:
    """Response times of the kept rows from the timestamp column, and a warning for unreadable ones."""
    if date_col is None:
        return None, []
    utc = is_utc_column(normalise_header(columns.headers[date_col]))
    stamps, bad = parse_dates(body[:, date_col], utc=utc)
    warnings = [f"{columns.label(date_col)}: {bad} cells are not readable dates"] if bad else []
    return stamps[keep], warnings


def _span(stamps: np.ndarray | None) -> tuple[dt.datetime | None, dt.datetime | None]:
    if stamps is None:
        return None, None
    valid = stamps[~np.isnat(stamps)]
    if not len(valid):
        return None, None
    first, last = (pd.Timestamp(v).floor("us").to_pydatetime() for v in (valid.min(), valid.max()))
    return first, last


def _table(villages: np.ndarray, rows: np.ndarray, stamps: np.ndarray | None, items: _Items,
           framework: Framework, keep: np.ndarray) -> pd.DataFrame:
    """The responses table (docs/architecture.md): village, respondent, date, one float column per item."""
    frame: dict[str, pd.Series] = {
        "village": pd.Series(villages[keep], dtype=object),
        "respondent": pd.Series(rows[keep].astype(str), dtype=object),
    }
    if stamps is not None:
        frame["date"] = pd.Series(stamps, dtype="datetime64[ns]")
    n = int(keep.sum())
    for item in framework.items:
        column = items.values.get(item.id)
        frame[item.id] = pd.Series(column[keep] if column is not None else np.full(n, math.nan), dtype="float64")
    return pd.DataFrame(frame)


def read_survey(
    source: str | Path | bytes,
    framework: Framework,
    *,
    filename: str | None = None,
    village: str | None = None,
    village_column: str | None = None,
    village_default: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    registry: pd.DataFrame | None = None,
    limits: Limits | None = None,
) -> ReadResult:
    """Read one survey export into the responses table and an import report.

    ``village`` names the village of the whole file (over its village column, with a warning);
    ``village_default`` names it only when the file has no village column (the command line's
    ``--village``); ``village_column`` picks the village column;
    ``overrides`` maps column headers to item ids (``None``/"" ignores a column); ``registry`` (default:
    the shipped village registry) is checked for the village names. Raises `ReadError`
    for a file that cannot be used (type, size, no item column, no village).
    """
    limits = limits or Limits(max_bytes=max_bytes)
    data, file = _load(source, filename, limits)
    try:
        return _read(data, file, framework, village=village, village_column=village_column,
                     village_default=village_default, overrides=overrides, registry=registry, limits=limits)
    except ReadError:
        raise
    except MemoryError:
        raise unreadable_memory(file) from None
    except Exception as exc:  # noqa: BLE001 - last line of defence: one plain line, never a traceback
        raise ReadError(f"the file could not be read ({type(exc).__name__}: {exc}); export it again as .xlsx "
                        "or CSV, and tell the maintainers if this keeps happening", code="reading.unexpected",
                        params={"detail": clip(f"{type(exc).__name__}: {exc}", 200)}, file=file) from exc


def _read(data: bytes, file: str, framework: Framework, *, village: str | None, village_column: str | None,
          village_default: str | None, overrides: Mapping[str, str | None] | None,
          registry: pd.DataFrame | None, limits: Limits) -> ReadResult:
    """`read_survey` after loading: every step that looks at the file's content."""
    if any(v is not None and not v.strip() for v in (village, village_default)):
        raise ReadError("the village name given for the file is empty", code="reading.empty_village_name",
                        file=file)
    kind = sniff(data)
    matcher = Matcher.from_framework(framework)
    grid, header = _choose(_grids(data, kind, file, limits), matcher, framework, file, overrides,
                              village_column)
    columns = header.columns
    if village is None and columns.village is None:
        if village_default is None:
            examples = ", ".join(repr(a) for a in framework.village_aliases[:3])
            raise NoVillageColumnError(f"no village column (a column headed e.g. {examples}); name the village "
                                       "of this file or choose its village column",
                                       code="reading.no_village_column", params={"examples": examples}, file=file)
        village = village_default
    start = _skip_tag_row(grid.cells, header.data_start)
    body = grid.cells[start:]
    if body.shape[0] == 0 or all(is_blank(v) for v in body.ravel()):
        raise ReadError(f"there are no answer rows below the header (row {grid.first_row + header.row})",
                        code="reading.no_rows", params={"header_row": grid.first_row + header.row}, file=file)
    tool = fingerprint(header.headers, grid.cells, start)
    names = _display_names(header.headers)
    drop_personal_by_content(columns, body)
    rows = np.arange(body.shape[0]) + grid.first_row + start

    items = _parse_items(body, columns, framework, tool)
    villages, village_warnings = _villages(body, columns, village)
    if village is None:
        _check_village_count(villages, names[columns.village], limits, file)
    has_village = pd.notna(villages)
    if items.filled.any() and not (items.filled & has_village).any():
        raise ReadError(f"the village column {names[columns.village]!r} is empty on every row with answers; "
                        "name the village of this file or choose another village column",
                        code="reading.village_column_empty", params={"column": clip(names[columns.village])},
                        file=file)
    keep = (items.filled | (has_village if village is None else False)) & has_village
    problems, problem_count = _problems(body, items, columns, names, rows, keep, items.filled & ~has_village)
    date_col = _date_column(columns, tool, body)
    stamps, date_warnings = _dates(body, columns, date_col, keep)
    responses = _table(villages, rows, stamps, items, framework, keep)
    earliest, latest = _span(stamps)

    warnings = [w for w in (_kind_warning(kind, file),) if w] + grid.warnings + columns.warnings
    warnings += items.warnings + village_warnings + date_warnings
    if problem_count > len(problems):
        warnings.append(f"{problem_count} problems found; only the first {MAX_PROBLEMS} are listed")
    found_villages = [str(v) for v in pd.unique(responses["village"])]
    warnings += checks.reversed_legends({names[j]: item_id for j, item_id in columns.items.items()}, framework)
    warnings += checks.reversed_items(responses, framework, list(columns.items.values()), numeric=items.numeric)
    warnings += checks.unknown_villages(found_villages, optional_villages() if registry is None else registry)
    report = ImportReport(
        file=clip(file, NAME_CHARS),
        source_tool=tool,
        rows=int((items.filled | _names_village(body, columns)).sum()),  # data rows: answered or naming a village
        villages=found_villages,
        mapped={names[j]: item_id for j, item_id in columns.items.items()},
        unmapped=[names[j] for j in columns.unmapped],
        dropped_personal=[names[j] for j in columns.personal],
        problems=problems,
        warnings=bounded_warnings(warnings),
        respondents=int(responses[list(framework.item_ids)].notna().any(axis=1).sum()),
        latest_date=latest,
        header_signature=header_signature(header.headers),
        earliest_date=earliest,
        sheet=clip(grid.name, NAME_CHARS) if grid.name else None,
        header_row=grid.first_row + header.row,
        village_column=names[columns.village] if columns.village is not None and village is None else None,
        village_given=clip(village, VILLAGE_CHARS) if village is not None else None,
        date_column=names[date_col] if date_col is not None else None,
        file_type=kind,
        encoding=grid.encoding,
        delimiter=grid.delimiter,
    )
    return ReadResult(responses, report, kept_table(body[keep], rows[keep], names, columns, date_col))
