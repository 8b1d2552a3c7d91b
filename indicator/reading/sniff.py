"""What a file really is, from its first bytes, whatever its name says (docs/survey-files.md §5)."""

from __future__ import annotations

import io
import zipfile
import zlib

KINDS: tuple[str, ...] = ("xlsx", "xlsm", "ods", "xls", "html", "xml", "text", "unknown")

_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

DESCRIPTIONS: dict[str, str] = {
    "xlsx": "an Excel workbook (.xlsx)",
    "xlsm": "a macro-enabled Excel workbook (.xlsm)",
    "ods": "an OpenDocument spreadsheet (.ods)",
    "xls": "a legacy Excel workbook (.xls)",
    "html": "a web page (HTML)",
    "xml": "an XML file",
    "text": "a text (CSV) file",
    "unknown": "not a spreadsheet or text file",
}


def _zip_kind(data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                mimetype = archive.read("mimetype")[:100]
                return "ods" if b"opendocument.spreadsheet" in mimetype else "unknown"
            if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
                types = archive.read("[Content_Types].xml")[:20000]
                return "xlsm" if b"macroEnabled" in types else "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, ValueError, EOFError, RuntimeError, NotImplementedError,
            zlib.error):
        return "broken-zip"
    return "unknown"


def _markup_kind(head: bytes) -> str | None:
    text = head.lstrip().lower()
    if not text.startswith(b"<"):
        return None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in text:
        return "xml"
    if b"<html" in text or b"<!doctype html" in text or b"<table" in text or b"<head" in text:
        return "html"
    return "xml"


def sniff(data: bytes) -> str:
    """One of `KINDS` ("broken-zip" for a damaged zip container) from the leading bytes."""
    if not data:
        return "unknown"
    if data.startswith(_ZIP):
        return _zip_kind(data)
    if data.startswith(_OLE):
        return "xls"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "text"  # UTF-16 text (Excel "Unicode text"); decoded later
    head = data[:4096]
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    if b"\x00" in head:
        return "unknown"
    markup = _markup_kind(head)
    if markup:
        return markup
    if b"\x00" in head:
        return "unknown"
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32)
    return "unknown" if controls > max(2, len(head) // 100) else "text"
