"""Guards applied before any parser sees a file: size, zip bombs, XML bombs, table dimensions.

Refusals are `ReadError`s whose message says what is wrong and what to send instead.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO
from xml.etree.ElementTree import Element

from indicator.errors import ReadError, clip

DEFAULT_MAX_BYTES = 20 * 2**20
# What an import report keeps of any text (it is stored with the upload): a column or sheet name, a village
# name, a cell value, a message; and how many warnings.
NAME_CHARS = 200
VILLAGE_CHARS = 100
VALUE_CHARS = 200
TEXT_CHARS = 500
MAX_WARNINGS = 100


@dataclass(frozen=True)
class Limits:
    """Budgets for one upload, each far above what a real survey export needs.

    A workbook may unpack to ``unpack_ratio`` times its own size (real exports unpack 6-14 times), at
    least ``unpack_floor`` and at most ``uncompressed_budget`` bytes (``max_uncompressed``, by default
    ``max_cells`` cells of sheet XML at 40 bytes each). A sheet may hold ``max_rows`` rows, ``max_columns``
    columns and ``max_cells`` cells in all (an HTML table ``max_html_cells``: Python's HTML parser reads
    about 50,000 cells a second); a cell ``max_cell_chars`` characters (Excel's own limit,
    longer text is cut); a file ``max_villages`` distinct village names, ``max_sheets`` sheets and a zip
    ``max_parts`` members.
    """

    max_bytes: int = DEFAULT_MAX_BYTES
    max_uncompressed: int | None = None
    max_ratio: float = 500.0
    max_rows: int = 200_000
    max_columns: int = 2_000
    max_cells: int = 4_000_000
    max_html_cells: int = 200_000
    max_cell_chars: int = 32_767
    max_villages: int = 2_000
    max_sheets: int = 500
    max_parts: int = 5_000
    unpack_ratio: float = 40.0
    unpack_floor: int = 16 * 2**20

    @property
    def uncompressed_budget(self) -> int:
        """The most any workbook may unpack to."""
        return self.max_uncompressed if self.max_uncompressed is not None else 40 * self.max_cells

    def unpack_budget(self, size: int) -> int:
        """What a workbook of ``size`` bytes may unpack to: proportional to its size, within the bounds."""
        return min(self.uncompressed_budget, max(self.unpack_floor, int(self.unpack_ratio * size)))


def bounded_warnings(warnings: list[str]) -> list[str]:
    """Warnings cut to ``TEXT_CHARS`` each, the first ``MAX_WARNINGS`` of them and a line counting the rest."""
    kept = [clip(w, TEXT_CHARS) for w in warnings[:MAX_WARNINGS]]
    if len(warnings) > MAX_WARNINGS:
        kept.append(f"{len(warnings) - MAX_WARNINGS} more warnings")
    return kept


def _mib(n: float) -> str:
    return f"{n / 2**20:.1f} MB"


def _too_large(message: str, size: int, limit: int, file: str, *, code: str) -> ReadError:
    """A refusal of bytes over a limit; the catalogs get both in MB with one decimal (shown in the locale)."""
    return ReadError(message, code=code, params={"size": round(size / 2**20, 1), "limit": round(limit / 2**20, 1)},
                     file=file)


def check_size(size: int, limits: Limits, file: str) -> None:
    """Refuse a file larger than the upload limit, and an empty one."""
    if size > limits.max_bytes:
        raise _too_large(f"the file is {_mib(size)}, over the {_mib(limits.max_bytes)} limit; export only the "
                         "survey's answer rows or split the file", size, limits.max_bytes, file, code="reading.too_big")
    if size == 0:
        raise ReadError("the file is empty", code="reading.empty_file", file=file)


def check_zip(data: bytes, limits: Limits, file: str) -> None:
    """Refuse a zip container whose declared contents are absurd, before decompressing anything but the
    prologs of its XML parts: too many parts, more unpacked bytes than the file's size warrants, a part
    compressed beyond any real export, a DTD (entity declarations) in any XML part, and a worksheet whose
    declared dimension is over the sheet limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > limits.max_parts:
                raise ReadError(f"the workbook has {len(infos)} parts (limit {limits.max_parts}); it is not a "
                                "survey export", code="reading.too_many_parts",
                                params={"parts": len(infos), "limit": limits.max_parts}, file=file)
            total = sum(info.file_size for info in infos)
            budget = limits.unpack_budget(len(data))
            if total > budget:
                raise _too_large(f"the workbook would unpack to {_mib(total)} (limit {_mib(budget)} for a file of "
                                 f"{_mib(len(data))}); it looks like a zip bomb or holds far more than survey "
                                 "answers", total, budget, file, code="reading.unpacks_too_big")
            for info in infos:
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > 2**20 and ratio > limits.max_ratio:
                    raise ReadError(
                        f"the workbook part {info.filename!r} is compressed {ratio:.0f}:1, which no real "
                        "survey export is; refusing it as a possible zip bomb",
                        code="reading.compression_ratio",
                        params={"part": clip(info.filename), "ratio": round(ratio)},
                        file=file,
                    )
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")) and info.file_size:
                    with archive.open(info) as member:
                        head = _prolog(member)
                    if head is None:
                        raise ReadError(
                            f"the workbook part {info.filename!r} declares XML entities (a DTD), which "
                            "spreadsheet programs never write; refusing it",
                            code="reading.workbook_entities",
                            params={"part": clip(info.filename)},
                            file=file,
                        )
                    if _WORKSHEET.match(info.filename):
                        _check_dimension(head, lambda part=info.filename: _sheet_name(archive, part), limits, file)
                    elif info.filename == "xl/sharedStrings.xml":
                        _check_text_count(head, limits, file)
    except zipfile.BadZipFile as exc:
        raise ReadError(f"the workbook is damaged or truncated ({exc}); save it again and retry",
                        code="reading.damaged_zip", params={"detail": clip(exc, 200)}, file=file) from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error) as exc:
        raise ReadError(f"the workbook cannot be opened safely ({exc})", code="reading.unsafe_zip",
                        params={"detail": clip(exc, 200)}, file=file) from None


_WORKSHEET = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->)", re.S)
_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Za-z]{1,3})?(\d+)?(?::([A-Za-z]{1,3})(\d+))?\"")
_SST = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_TEXT_COUNT = re.compile(rb"\b(?:uniqueCount|count)=\"(\d{1,18})\"")
_PROLOG_CAP = 2**20
_HEAD = 2**16


def _prolog(member: IO[bytes]) -> bytes | None:
    """The start of an XML part, to 64 KB past the end of its prolog (the XML declaration, comments and
    processing instructions before the root element); None when the prolog declares a DTD or runs over
    1 MB (comments hiding a DTD further on)."""
    first = member.read(_HEAD)
    utf16 = first.startswith((b"\xff\xfe", b"\xfe\xff"))
    head = first[2:].replace(b"\x00", b"") if utf16 else first.removeprefix(b"\xef\xbb\xbf")
    pos = 0
    while True:
        while match := _PROLOG_ITEM.match(head, pos):
            pos = match.end()
        rest = head[pos:].lstrip()
        if rest.startswith((b"<!DOCTYPE", b"<!ENTITY")):
            return None
        if _prolog_ended(rest):
            return head
        chunk = member.read(_HEAD)
        if not chunk:
            return head
        head += chunk.replace(b"\x00", b"") if utf16 else chunk
        if len(head) > _PROLOG_CAP:
            return None


def _prolog_ended(rest: bytes) -> bool:
    """Whether the text after the prolog items read so far starts the root element (or is not XML)."""
    if not rest:
        return False
    if rest[:1] != b"<":
        return True
    return len(rest) > 1 and rest[1:2] not in (b"?", b"!")


def _check_dimension(head: bytes, sheet: Callable[[], str], limits: Limits, file: str) -> None:
    """Refuse a worksheet whose declared ``<dimension ref>`` is over the limits (readers allocate the
    whole grid from A1 to its last cell before any other check can run); ``sheet`` names it for the
    message."""
    match = _DIMENSION.search(head)
    if match is None:
        return
    letters, digits = (match.group(3), match.group(4)) if match.group(3) else (match.group(1), match.group(2))
    rows = int(digits) if digits else 1
    columns = _column_number(letters.decode("ascii")) if letters else 1
    if rows > limits.max_rows or columns > limits.max_columns or rows * columns > limits.max_cells:
        name = sheet()
        check_shape(rows, columns, limits, file, name)
        check_cells(rows, columns, limits, file, name)


def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> zip member of each worksheet of an xlsx (from the workbook and its relationships;
    empty when they cannot be read)."""
    try:
        book = parse_xml(archive.read("xl/workbook.xml"), "xl/workbook.xml")
        rels = parse_xml(archive.read("xl/_rels/workbook.xml.rels"), "xl/_rels/workbook.xml.rels")
    except (KeyError, ReadError):
        return {}
    targets = {el.get("Id"): el.get("Target") or "" for el in rels.iter() if el.tag.endswith("Relationship")}
    out = {}
    for el in book.iter():
        if el.tag.endswith("}sheet") or el.tag == "sheet":
            target = targets.get(next((v for k, v in el.attrib.items() if k.endswith("}id")), None), "")
            if target and el.get("name") is not None:
                out[el.get("name")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return out


def _sheet_name(archive: zipfile.ZipFile, part: str) -> str:
    """The name of the worksheet in ``part`` (the part's own name when the workbook does not say)."""
    return next((name for name, member in sheet_parts(archive).items() if member == part), part)


def _check_text_count(head: bytes, limits: Limits, file: str) -> None:
    """Refuse a shared-strings table declaring more texts than a sheet may have cells (a reader may reserve
    room for all of them before reading one)."""
    opening = _SST.search(head)
    declared = [int(n) for n in _TEXT_COUNT.findall(opening.group(0))] if opening else []
    if declared and max(declared) > limits.max_cells:
        texts = max(declared)
        raise ReadError(f"the workbook declares {texts} different texts, more than a sheet may have cells "
                        f"({limits.max_cells}); save it again as .xlsx or CSV", code="reading.too_many_texts",
                        params={"texts": texts, "limit": limits.max_cells}, file=file)


def _column_number(letters: str) -> int:
    """A -> 1, XFD -> 16384."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def parse_xml(data: bytes, file: str) -> Element:
    """Parse XML with defusedxml: DTDs, entity declarations and external references are refused."""
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise ReadError(
            "the XML file declares a DTD or entities, which survey exports never need; refusing it "
            "(export the answers as .xlsx or CSV instead)",
            code="reading.xml_entities",
            file=file,
        ) from None
    except (ParseError, ValueError) as exc:
        raise ReadError(f"the XML file is not well-formed ({exc}); export as .xlsx or CSV", code="reading.bad_xml",
                        params={"detail": clip(exc, 200)}, file=file) from None


def check_shape(rows: int, columns: int, limits: Limits, file: str, sheet: str | None = None) -> None:
    """Refuse a sheet larger than any survey: it would be slow and is almost surely not raw answers."""
    where = f"sheet {sheet!r} " if sheet else ""
    if rows > limits.max_rows:
        raise ReadError(f"{where}has {rows} rows, over the limit of {limits.max_rows}",
                        code="reading.sheet_too_many_rows" if sheet else "reading.too_many_rows",
                        params={"sheet": clip(sheet), "count": rows, "limit": limits.max_rows}, file=file)
    if columns > limits.max_columns:
        raise ReadError(f"{where}has {columns} columns, over the limit of {limits.max_columns}",
                        code="reading.sheet_too_many_columns" if sheet else "reading.too_many_columns",
                        params={"sheet": clip(sheet), "count": columns, "limit": limits.max_columns}, file=file)


def check_cells(rows: int, columns: int, limits: Limits, file: str, sheet: str | None = None) -> None:
    """Refuse a sheet with more cells in all than any survey (rows and columns each within their limits)."""
    if rows * columns > limits.max_cells:
        where = f"sheet {sheet!r} " if sheet else ""
        raise ReadError(f"{where}has {rows} rows and {columns} columns, {rows * columns} cells, over the limit "
                        f"of {limits.max_cells} cells; export only the answer columns", code="reading.too_many_cells",
                        params={"rows": rows, "columns": columns, "cells": rows * columns,
                                "limit": limits.max_cells}, file=file)


# --- a file that cannot be read within the budget of one upload (indicator.reading.isolated) ------------

TOO_LARGE = "the file is too large or damaged to read"


def unreadable_memory(file: str) -> ReadError:
    """Reading the file needed more memory than one upload may use."""
    return ReadError(f"{TOO_LARGE}: it needs more memory than one file may use; export only the answer rows "
                     "as .xlsx or CSV, or split the file", code="reading.unreadable_memory", file=file)


def unreadable_time(file: str, seconds: float) -> ReadError:
    """Reading the file took longer than one upload may take."""
    limit = f"{seconds:g}"
    return ReadError(f"{TOO_LARGE}: reading it took longer than {limit} s; export only the answer rows as "
                     ".xlsx or CSV, or split the file", code="reading.unreadable_time",
                     params={"seconds": limit}, file=file)


def unreadable_crash(file: str, detail: str) -> ReadError:
    """The reader's process ended on the file (a parser bug or an allocation it could not make)."""
    return ReadError(f"{TOO_LARGE}: the reader stopped on it ({detail}); save it again as .xlsx or CSV and "
                     "retry", code="reading.unreadable_crash", params={"detail": detail}, file=file)


def busy(file: str, seconds: float) -> ReadError:
    """Every reader was busy with other files for ``seconds``."""
    limit = f"{seconds:g}"
    return ReadError(f"the server is reading other files and found no free reader within {limit} s; try "
                     "again in a minute", code="reading.busy", params={"seconds": limit}, file=file)
