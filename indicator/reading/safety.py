"""Guards applied before any parser sees a file: size, zip bombs, XML bombs, table dimensions.

Refusals are `ReadError`s whose message says what is wrong and what to send instead.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element

from indicator.errors import ReadError, clip

DEFAULT_MAX_BYTES = 20 * 2**20


@dataclass(frozen=True)
class Limits:
    """Budgets for one upload; the uncompressed budget defaults to 25 times ``max_bytes``."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_uncompressed: int | None = None
    max_ratio: float = 500.0
    max_rows: int = 200_000
    max_columns: int = 2_000

    @property
    def uncompressed_budget(self) -> int:
        return self.max_uncompressed if self.max_uncompressed is not None else 25 * self.max_bytes


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
    """Refuse a zip container whose declared contents are absurd, before decompressing anything."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            total = sum(info.file_size for info in infos)
            if total > limits.uncompressed_budget:
                raise _too_large(f"the workbook would unpack to {_mib(total)} (limit "
                                 f"{_mib(limits.uncompressed_budget)}); it looks like a zip bomb or holds far more "
                                 "than survey answers", total, limits.uncompressed_budget, file,
                                 code="reading.unpacks_too_big")
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
                        head = member.read(4096)
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise ReadError(
                            f"the workbook part {info.filename!r} declares XML entities (a DTD), which "
                            "spreadsheet programs never write; refusing it",
                            code="reading.workbook_entities",
                            params={"part": clip(info.filename)},
                            file=file,
                        )
    except zipfile.BadZipFile as exc:
        raise ReadError(f"the workbook is damaged or truncated ({exc}); save it again and retry",
                        code="reading.damaged_zip", params={"detail": clip(exc, 200)}, file=file) from None
    except (zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError, zlib.error) as exc:
        raise ReadError(f"the workbook cannot be opened safely ({exc})", code="reading.unsafe_zip",
                        params={"detail": clip(exc, 200)}, file=file) from None


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
