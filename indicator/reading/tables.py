"""Raw grids from a file: every cell as stored (no header guessing, no type conversion).

Workbooks are read with python-calamine (fast); openpyxl in read-only mode is the fallback for files
calamine refuses, and overlays formula text where a formula cell has no stored value (formulas are
never evaluated). Text files are decoded (UTF-8 with or without BOM, then Windows-1252) and their
delimiter sniffed among ``;``, ``,`` and tab, preferring ``;``.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np
import pandas as pd

from indicator.errors import ReadError, clip
from indicator.reading.safety import Limits, check_shape, parse_xml

DELIMITERS: tuple[str, ...] = (";", "\t", ",")  # preference order on ties
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
    """Where calamine gave an empty cell that holds a formula or an error (#N/A), put its text."""
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
    cells = _to_array(sheet.to_python(skip_empty_area=False))
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
    """Text and encoding name: UTF-16 by BOM, else UTF-8 (BOM or not), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: tuple[str, ...] = ("utf-16",)
    else:
        candidates = ("utf-8-sig", "cp1252")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
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


def sniff_delimiter(text: str) -> str:
    """The delimiter among ``;``, tab and ``,`` giving the most consistent multi-column rows."""
    sample = [line for line in text.splitlines()[:50] if line.strip()]
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
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        cells = _to_array([[c if c != "" else None for c in r] for r in rows])
    check_shape(cells.shape[0], cells.shape[1] if cells.ndim == 2 else 0, limits, file)
    grid = Grid("", cells, first_row, delimiter=delimiter, encoding=encoding)
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
        return pd.Timestamp(text).to_pydatetime() if text else None
    return text


def spreadsheetml_grids(data: bytes, file: str, limits: Limits) -> Iterator[Grid]:
    """Sheets of an Excel 2003 XML workbook, parsed with defusedxml."""
    root = parse_xml(data, file)
    if not root.tag.startswith(_SS):
        raise ReadError("the file is XML but not an Excel spreadsheet; export the answers as .xlsx or CSV",
                        code="reading.xml_not_spreadsheet", file=file)
    for sheet in root.iter(f"{_SS}Worksheet"):
        rows: list[list[object]] = []
        for row_el in sheet.iter(f"{_SS}Row"):
            index = row_el.get(f"{_SS}Index")
            while index and len(rows) < int(index) - 1:
                rows.append([])
            row: list[object] = []
            for cell in row_el.findall(f"{_SS}Cell"):
                col = cell.get(f"{_SS}Index")
                while col and len(row) < int(col) - 1:
                    row.append(None)
                data_el = cell.find(f"{_SS}Data")
                row.append(None if data_el is None else _ss_value(data_el))
            rows.append(row)
            check_shape(len(rows), len(row), limits, file)
        yield Grid(sheet.get(f"{_SS}Name") or "", _to_array(rows))


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
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_grids(data: bytes, file: str, limits: Limits) -> Iterator[Grid]:
    """Tables of an HTML file saved as ".xls" (web exports), as text grids."""
    text, _ = decode(data, file)
    parser = _Tables()
    parser.feed(text)
    for n, table in enumerate(parser.tables, start=1):
        rows = [[c if c != "" else None for c in r] for r in table]
        check_shape(len(rows), max((len(r) for r in rows), default=0), limits, file)
        yield Grid(f"table {n}", _to_array(rows))
