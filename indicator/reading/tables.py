"""Raw grids from a file: every cell as stored (no header guessing, no type conversion).

Workbooks are read with python-calamine (fast); openpyxl in read-only mode is the fallback for files
calamine refuses, and overlays formula text where a formula cell has no stored value (formulas are
never evaluated). Text files are decoded (UTF-8 with or without BOM, then Windows-1252) and their
delimiter sniffed among ``;``, ``,`` and tab, preferring ``;``.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
import pandas as pd

from indicator.errors import ReadError, clip
from indicator.reading.safety import Limits, check_cells, check_shape, parse_xml, sheet_parts

DELIMITERS: tuple[str, ...] = (";", "\t", ",")  # preference order on ties
MIXED = "utf-8 and cp1252"  # the encoding of a text whose lines differ
_SNIFF_CHARS = 65_536  # of each sample line (the csv module refuses fields over 131,072 characters)
# Formula elements end in "</f>" (a shared formula's master holds its text; also "</x:f>"), error cells
# have t="e". Rare byte patterns keep the scan of a 60 MB sheet near 0.1 s.
_OVERLAY_MARKS = (b"</f>", b":f>", b't="e"')
_MOJIBAKE = re.compile(r"Ã[¤¶¥„–…]|â€|[a-zåäö]‰|‰[a-zåäö]|Ã©")


@dataclass
class Grid:
    """One sheet as a 2-D object array; ``cells[i, j]`` is sheet row ``first_row + i``, column ``j``."""

    name: str
    cells: np.ndarray
    first_row: int = 1
    warnings: list[str] = field(default_factory=list)
    delimiter: str | None = None
    encoding: str | None = None


def _to_array(rows: list[list[object]]) -> np.ndarray:
    if not rows:
        return np.empty((0, 0), dtype=object)
    width = max(len(r) for r in rows)
    if any(len(r) != width for r in rows):
        rows = [list(r) + [None] * (width - len(r)) for r in rows]
    out = np.empty((len(rows), width), dtype=object)
    out[:] = rows
    return out


def clip_long_cells(grid: Grid, limits: Limits) -> Grid:
    """Cut every text cell longer than ``limits.max_cell_chars`` (Excel's own limit) to that length, with a
    warning: no survey answer is longer, and nothing after reading has to handle megabytes of one cell."""
    flat = grid.cells.ravel()
    limit = limits.max_cell_chars
    if max((len(v) for v in flat if type(v) is str), default=0) <= limit:
        return grid
    long = [k for k, v in enumerate(flat) if type(v) is str and len(v) > limit]
    cells = grid.cells.copy()
    out = cells.ravel()
    for k in long:
        out[k] = out[k][: limit - 1] + "…"
    grid.cells = cells
    grid.warnings.append(f"{len(long)} cells held more than {limit} characters (Excel's limit for a cell); "
                         "they were cut to that length")
    return grid


# --- workbooks ------------------------------------------------------------------------------------------


def _formula_sheets(data: bytes) -> bool:
    """True when any worksheet of an xlsx holds a formula or an error cell (calamine reads both as empty
    when there is no stored value; openpyxl then fills in the formula text or the error code)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/") or not info.filename.endswith(".xml"):
                continue
            tail = b""
            with archive.open(info) as member:
                while chunk := member.read(1 << 22):
                    seam = tail + chunk[:8]
                    if any(mark in part for part in (chunk, seam) for mark in _OVERLAY_MARKS):
                        return True
                    tail = chunk[-8:]
    return False


def _overlay_formulas(data: bytes, sheet: str, cells: np.ndarray) -> np.ndarray:
    """Where calamine gave an empty cell that holds a formula or an error (#N/A), put its text. The sheet's
    XML is scanned for them directly (a second of scanning for a 4,000,000-cell sheet); openpyxl, about
    twenty times slower, reads the sheets the scan does not understand (prefixed elements, cells
    without a reference)."""
    texts = _formula_texts(data, sheet)
    if texts is None:
        return _overlay_with_openpyxl(data, sheet, cells)
    out = cells.copy()
    for (i, j), value in texts.items():
        if i < out.shape[0] and j < out.shape[1] and (out[i, j] is None or out[i, j] == ""):
            out[i, j] = value
    return out


_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]{1,7})"')
_CELL_TYPE = re.compile(rb'\bt="([A-Za-z]+)"')
_FORMULA = re.compile(rb"<f\b([^>]*?)(?:/>|>(.*?)</f>)", re.S)
_VALUE = re.compile(rb"<v>(.*?)</v>", re.S)
_SHARED = re.compile(rb'\bsi="([0-9]+)"')


def _formula_texts(data: bytes, sheet: str) -> dict[tuple[int, int], str] | None:
    """(row, column) from 0 -> the formula text (``=...``) or error code of every cell of ``sheet`` that holds
    one; a cell of a shared formula gets the text of its first cell. None when the sheet is not in the
    plain form this scan reads."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        part = _sheet_part(archive, sheet)
        if part is None:
            return None
        xml = archive.read(part)
    start = xml.find(b"<sheetData")
    if start < 0:
        return None if b":sheetData" in xml else {}
    end = xml.find(b"</sheetData>", start)
    end = len(xml) if end < 0 else end
    found: dict[tuple[int, int], str] = {}
    shared: dict[bytes, bytes] = {}
    pos = start
    while True:
        marks = [p for p in (xml.find(b"<f", pos, end), xml.find(b't="e"', pos, end)) if p >= 0]
        if not marks:
            return found
        cell = _enclosing_cell(xml, start, min(marks), end)
        if cell is None:
            return None
        attrs, body, pos = cell
        ref = _CELL_REF.search(attrs)
        if ref is None:
            return None
        where = (int(ref.group(2)) - 1, _column_index(ref.group(1)))
        formula = _FORMULA.search(body)
        kind = _CELL_TYPE.search(attrs)
        if formula is not None:
            text, index = formula.group(2) or b"", _SHARED.search(formula.group(1))
            if index is not None:
                text = shared.setdefault(index.group(1), text) if text else shared.get(index.group(1), b"")
            if text:
                found[where] = "=" + html.unescape(text.decode("utf-8", "replace"))
        elif kind is not None and kind.group(1) == b"e":
            value = _VALUE.search(body)
            if value is not None:
                found[where] = html.unescape(value.group(1).decode("utf-8", "replace"))


def _enclosing_cell(xml: bytes, start: int, mark: int, end: int) -> tuple[bytes, bytes, int] | None:
    """The attributes and content of the ``<c ...>...</c>`` around ``mark``, and where it ends."""
    opening = xml.rfind(b"<c ", start, mark)
    if opening < 0 or xml.find(b"</c>", opening, mark) >= 0:
        return None
    head_end = xml.find(b">", opening, end)
    closing = xml.find(b"</c>", mark, end)
    if head_end < 0 or closing < head_end or xml[head_end - 1:head_end] == b"/":
        return None
    return xml[opening:head_end], xml[head_end + 1:closing], closing + 4


def _column_index(letters: bytes) -> int:
    """b"A" -> 0, b"XFD" -> 16383."""
    index = 0
    for letter in letters:
        index = index * 26 + letter - 64
    return index - 1


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding the worksheet named ``sheet``."""
    part = sheet_parts(archive).get(sheet)
    return part if part in archive.namelist() else None


def _overlay_with_openpyxl(data: bytes, sheet: str, cells: np.ndarray) -> np.ndarray:
    """`_overlay_formulas` by openpyxl's reading of the whole sheet."""
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    try:
        if sheet not in book.sheetnames:
            return cells
        ws = book[sheet]
        ws.reset_dimensions()
        out = cells.copy()
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            for j, value in enumerate(row):
                if isinstance(value, str) and value.startswith(("=", "#")):
                    if i >= out.shape[0] or j >= out.shape[1]:
                        continue
                    if out[i, j] is None or out[i, j] == "":
                        out[i, j] = value
            if i >= out.shape[0]:
                break
        return out
    finally:
        book.close()


def _damaged(file: str, exc: Exception) -> ReadError:
    return ReadError(f"the workbook is damaged or not really Excel ({type(exc).__name__}: {exc}); save it "
                     "again as .xlsx or CSV", code="reading.damaged_workbook",
                     params={"detail": clip(f"{type(exc).__name__}: {exc}", 200)}, file=file)


def _calamine_sheet(book: object, name: str, data: bytes, formulas: bool, file: str, limits: Limits) -> Grid:
    sheet = book.get_sheet_by_name(name)  # type: ignore[attr-defined]
    check_shape(sheet.total_height, sheet.total_width, limits, file, name)
    check_cells(sheet.total_height, sheet.total_width, limits, file, name)
    cells = _to_array(sheet.to_python(skip_empty_area=False))
    del sheet  # calamine's copy of the grid goes before the formula scan needs memory
    if formulas:
        cells = _overlay_formulas(data, name, cells)
    return Grid(name, cells)


def _openpyxl_grids(data: bytes, file: str, limits: Limits, only: list[str] | None = None) -> Iterator[Grid]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on damaged files
        raise _damaged(file, exc) from None
    try:
        for name in book.sheetnames if only is None else only:
            try:
                ws = book[name]
                ws.reset_dimensions()
                rows: list[list[object]] = []
                for row in ws.iter_rows(values_only=True):
                    rows.append(list(row))
                    check_shape(len(rows), len(row), limits, file, name)
                    check_cells(len(rows), len(row), limits, file, name)
                cells = _to_array(rows)
                if cells.size:
                    cells = _overlay_formulas(data, name, cells)
            except ReadError:
                raise
            except Exception as exc:  # noqa: BLE001
                raise _damaged(file, exc) from None
            yield Grid(name, cells)
    finally:
        book.close()


def workbook_grids(data: bytes, kind: str, file: str, limits: Limits) -> Iterator[Grid]:
    """Sheets of an xlsx/xlsm/ods/xls one at a time, calamine first, openpyxl for an xlsx calamine refuses."""
    import python_calamine as pc

    fallback = kind in ("xlsx", "xlsm")
    try:
        book = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = [m.name for m in book.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        formulas = fallback and _formula_sheets(data)
    except Exception as exc:  # noqa: BLE001 - calamine and zipfile raise several unrelated types
        if not fallback:
            raise _damaged(file, exc) from None
        yield from _openpyxl_grids(data, file, limits)
        return
    if len(names) > limits.max_sheets:
        raise ReadError(f"the workbook has {len(names)} sheets (limit {limits.max_sheets}); export the answers "
                        "alone", code="reading.too_many_sheets", params={"sheets": len(names), "limit": limits.max_sheets},
                        file=file)
    for n, name in enumerate(names):
        try:
            grid = _calamine_sheet(book, name, data, formulas, file, limits)
        except ReadError:
            raise
        except Exception as exc:  # noqa: BLE001
            if not fallback:
                raise _damaged(file, exc) from None
            yield from _openpyxl_grids(data, file, limits, only=names[n:])
            return
        yield grid


# --- text ----------------------------------------------------------------------------------------------


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Text and encoding name: UTF-16 by BOM, else UTF-8 (BOM or not), else UTF-8 and Windows-1252 line by
    line when both occur, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "cp1252")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            mixed = _mixed_lines(data) if encoding == "utf-8-sig" else None
            if mixed is None:
                continue
            text, encoding = mixed, MIXED
        if "\ufffd" in text:
            raise ReadError("the text contains replacement characters (�): it was damaged by a wrong "
                            "encoding before upload; export it again as UTF-8", code="reading.replacement_characters",
                            file=file)
        if "\x00" in text:
            raise ReadError("the file holds binary data, not text; upload the survey export as .xlsx "
                            "or CSV", code="reading.binary_text", file=file)
        return text, ("utf-8" if encoding == "utf-8-sig" else encoding)
    raise ReadError("the text is neither UTF-8 nor Windows-1252; export it again as UTF-8 CSV",
                    code="reading.unknown_encoding", file=file)


def _mixed_lines(data: bytes) -> str | None:
    """Text whose lines are UTF-8 and Windows-1252 (a file edited in two programs), each line decoded in
    its own encoding; None when no line with non-ASCII letters is UTF-8 (a Windows-1252 file)."""
    lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
    out, utf8 = [], False
    for line in lines:
        if line.isascii():
            out.append(line.decode("ascii"))
            continue
        try:
            out.append(line.decode("utf-8"))
            utf8 = True
        except UnicodeDecodeError:
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                return None
    return "\n".join(out) if utf8 else None


def sniff_delimiter(text: str) -> str:
    """The delimiter among ``;``, tab and ``,`` giving the most consistent multi-column rows."""
    sample = [line[:_SNIFF_CHARS] for line in text[:50 * _SNIFF_CHARS].splitlines()[:50] if line.strip()]
    if not sample:
        return ";"
    best, best_score = ";", (-1.0, 0)
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(sample, delimiter=delimiter)]
        if not counts or max(counts) < 2:
            continue
        mode = max(set(counts), key=counts.count)
        score = (counts.count(mode) / len(counts) if mode > 1 else 0.0, mode)
        if score[0] > best_score[0] + 1e-9:
            best, best_score = delimiter, score
    return best


def _csv_cells(text: str, delimiter: str, file: str) -> np.ndarray:
    """Rows of different lengths, read by the csv module (pandas wants one length); its field size limit
    (131,072 characters) is lifted to the text's length while reading."""
    previous = csv.field_size_limit()
    csv.field_size_limit(max(previous, len(text)))
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as exc:
        raise ReadError(f"the text cannot be read as CSV ({exc}); export it again as .xlsx or CSV",
                        code="reading.csv_unreadable", params={"detail": clip(exc, 200)}, file=file) from None
    finally:
        csv.field_size_limit(previous)
    return _to_array([[c if c != "" else None for c in r] for r in rows])


def text_grid(data: bytes, file: str, limits: Limits) -> Grid:
    """A CSV/TSV/TXT file as one grid; "NA" and similar stay text, empty cells become missing."""
    text, encoding = decode(data, file)
    first_row = 1
    delimiter = None
    head = text[:20].lower()
    if head.startswith("sep=") and len(text) > 4:
        delimiter = text[4]
        text = text.split("\n", 1)[1] if "\n" in text else ""
        first_row = 2
    delimiter = delimiter or sniff_delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter, header=None, dtype=object,
                            keep_default_na=False, na_values=[""], skip_blank_lines=False, engine="c")
        cells = frame.to_numpy(dtype=object)
    except pd.errors.EmptyDataError:
        cells = np.empty((0, 0), dtype=object)
    except (pd.errors.ParserError, ValueError):
        cells = _csv_cells(text, delimiter, file)
    check_shape(cells.shape[0], cells.shape[1] if cells.ndim == 2 else 0, limits, file)
    check_cells(cells.shape[0], cells.shape[1] if cells.ndim == 2 else 0, limits, file)
    grid = Grid("", cells, first_row, delimiter=delimiter, encoding=encoding)
    if encoding == MIXED:
        grid.warnings.append("some lines are UTF-8 and others Windows-1252 (the file was edited in two "
                             "programs); each line was read in its own encoding")
    garbled = _MOJIBAKE.search(text[:200000])
    if garbled:
        grid.warnings.append(
            f"the text looks garbled (e.g. {text[max(0, garbled.start() - 10):garbled.end() + 5]!r}); it was "
            "probably saved in the wrong encoding — labels may not be recognised"
        )
    return grid


# --- SpreadsheetML 2003 and HTML tables (".xls" files that are not Excel) ------------------------------

_SS = "{urn:schemas-microsoft-com:office:spreadsheet}"


def _ss_value(data_el: object) -> object:
    text = "".join(data_el.itertext())  # type: ignore[attr-defined]
    kind = data_el.get(f"{_SS}Type")  # type: ignore[attr-defined]
    if kind == "Number":
        try:
            return float(text)
        except ValueError:
            return text
    if kind == "Boolean":
        return text.strip() in ("1", "true", "True")
    if kind == "DateTime":
        try:
            return dt.datetime.fromisoformat(text) if text else None
        except ValueError:
            return text  # not a date after all: the text, judged like any other cell
    return text


def spreadsheetml_grids(data: bytes, file: str, limits: Limits) -> Iterator[Grid]:
    """Sheets of an Excel 2003 XML workbook, parsed with defusedxml. Declared sizes (``ss:ExpandedRowCount``,
    ``ss:ExpandedColumnCount``) and positions (``ss:Index`` of rows and cells) are checked against the
    limits before any padding to them."""
    root = parse_xml(data, file)
    if not root.tag.startswith(_SS):
        raise ReadError("the file is XML but not an Excel spreadsheet; export the answers as .xlsx or CSV",
                        code="reading.xml_not_spreadsheet", file=file)
    for sheet in root.iter(f"{_SS}Worksheet"):
        name = sheet.get(f"{_SS}Name") or ""
        for table in sheet.iter(f"{_SS}Table"):
            rows_declared = _ss_index(table, "ExpandedRowCount", file) or 1
            columns_declared = _ss_index(table, "ExpandedColumnCount", file) or 1
            check_shape(rows_declared, columns_declared, limits, file, name or None)
        rows: list[list[object]] = []
        cells = 0
        for row_el in sheet.iter(f"{_SS}Row"):
            index = _ss_index(row_el, "Index", file)
            if index:
                check_shape(index, 1, limits, file, name or None)
                rows.extend([] for _ in range(index - 1 - len(rows)))
            row: list[object] = []
            for cell in row_el.findall(f"{_SS}Cell"):
                col = _ss_index(cell, "Index", file)
                if col:
                    check_shape(1, col, limits, file, name or None)
                    row.extend(None for _ in range(col - 1 - len(row)))
                data_el = cell.find(f"{_SS}Data")
                row.append(None if data_el is None else _ss_value(data_el))
            rows.append(row)
            cells += len(row)
            check_shape(len(rows), len(row), limits, file, name or None)
            check_cells(cells, 1, limits, file, name or None)
        yield Grid(name, _to_array(rows))


def _ss_index(element: object, attribute: str, file: str) -> int | None:
    """A positive whole-number SpreadsheetML attribute (``ss:Index``, ``ss:ExpandedRowCount``), or None."""
    text = element.get(f"{_SS}{attribute}")  # type: ignore[attr-defined]
    if text is None:
        return None
    if not text.strip().isdecimal() or len(text.strip()) > 12:
        raise ReadError(f"the spreadsheet has ss:{attribute}={clip(text)!r}, not a row or column number; save "
                        "it again as .xlsx or CSV", code="reading.bad_position",
                        params={"attribute": f"ss:{attribute}", "value": clip(text)}, file=file)
    return int(text)


class _Tables(HTMLParser):
    """Collects the text of every <td>/<th> of every <table>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th") and self.tables:
            if not self.tables[-1]:
                self.tables[-1].append([])
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self.tables:
            if not self.tables[-1]:  # a <table> opened inside the cell
                self.tables[-1].append([])
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_grids(data: bytes, file: str, limits: Limits) -> Iterator[Grid]:
    """Tables of an HTML file saved as ".xls" (web exports), as text grids."""
    cells = sum(data.count(tag) for tag in (b"<td", b"<TD", b"<Td", b"<tD", b"<th", b"<TH", b"<Th", b"<tH"))
    if cells > limits.max_html_cells:
        raise ReadError(f"the web page holds {cells} table cells (limit {limits.max_html_cells} for a page); "
                        "export the answers as .xlsx or CSV", code="reading.too_many_html_cells",
                        params={"cells": cells, "limit": limits.max_html_cells}, file=file)
    text, _ = decode(data, file)
    parser = _Tables()
    parser.feed(text)
    for n, table in enumerate(parser.tables, start=1):
        rows = [[c if c != "" else None for c in r] for r in table]
        width = max((len(r) for r in rows), default=0)
        check_shape(len(rows), width, limits, file)
        check_cells(len(rows), width, limits, file)
        yield Grid(f"table {n}", _to_array(rows))
