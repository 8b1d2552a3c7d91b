"""The hostile corpus: survey files built to crash, stall or flood the reader, generated (not committed).

Every entry says what it attacks and what must come of it: either the one-line refusal (a pattern its
message must match) or a readable result with a check. The files are built on demand by small writers
below (raw xlsx parts, SpreadsheetML, ODS, CSV, HTML) so that the hostile detail, such as a cell at
XFD1048576, a lying ``<dimension>`` or a 200 MB string, is exactly what the entry says.

    python -m tests.hostile_corpus OUTDIR      # write every file (names as uploaded) to OUTDIR

Used by ``tests/test_hostile_corpus.py`` (library, command line, upload page) and ``benchmarks/hostile.py``.
"""

from __future__ import annotations

import io
import random
import struct
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from indicator.reading.mapping import column_letter

MB = 2**20
HEADER = ["Kylä", "E1", "E2", "E3"]  # village and three items of the shipped framework (likert5, likert5, yesno)
GOOD_ROWS = [["Sippola", 4, 5, "Kyllä"], ["Sippola", 2, 3, "Ei"], ["Anjala", 5, 4, "Kyllä"]]
TOO_LARGE = "the file is too large or damaged to read"


@dataclass(frozen=True)
class Hostile:
    """One corpus file: ``refused`` is a regex the one-line message must match (None: the file is read,
    and ``check`` is called with the ``ReadResult``)."""

    name: str
    filename: str
    build: Callable[[], bytes]
    why: str
    refused: str | None = None
    check: Callable[[object], None] | None = None


# --- writers ---------------------------------------------------------------------------------------------

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)


def cell_xml(row: int, col: int, value: object) -> str:
    """One ``<c>``: numbers as numbers, text as an inline string."""
    ref = f"{column_letter(col)}{row}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def rows_xml(rows: Iterable[Iterable[object]], first: int = 1) -> str:
    return "".join(f'<row r="{r}">' + "".join(cell_xml(r, c, v) for c, v in enumerate(row)) + "</row>"
                   for r, row in enumerate(rows, start=first))


def sheet_xml(body: str, dimension: str | None = "auto", rows: list | None = None) -> str:
    """A worksheet part; ``dimension`` is written as given (None: no element)."""
    if dimension == "auto":
        rows = rows or []
        width = max((len(r) for r in rows), default=1)
        dimension = f"A1:{column_letter(width - 1)}{max(len(rows), 1)}"
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{_NS}" xmlns:r="{_R}">'
            f"{dim}<sheetData>{body}</sheetData></worksheet>")


def xlsx_parts(sheet: str | bytes | Callable[[], Iterator[bytes]], shared: str | bytes | None = None,
               extra: dict[str, bytes] | None = None, level: int = 6,
               more_sheets: tuple[str, ...] = ()) -> bytes:
    """An xlsx zip from raw parts; ``sheet`` may be a generator of chunks (written streaming);
    ``more_sheets`` are further worksheet parts placed before it."""
    out = io.BytesIO()
    names = [*(f"S{k}" for k in range(len(more_sheets))), "Vastaukset"]
    workbook = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{_NS}" xmlns:r="{_R}">'
                "<sheets>" + "".join(f'<sheet name="{n}" sheetId="{k + 1}" r:id="rId{k + 1}"/>'
                                     for k, n in enumerate(names)) + "</sheets></workbook>")
    kind = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG}">'
            + "".join(f'<Relationship Id="rId{k + 1}" Type="{kind}worksheet" Target="worksheets/sheet{k + 1}.xml"/>'
                      for k in range(len(names)))
            + (f'<Relationship Id="rIdS" Type="{kind}sharedStrings" Target="sharedStrings.xml"/>'
               if shared is not None else "")
            + "</Relationships>")
    root_rels = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{_PKG}">'
                 f'<Relationship Id="rId1" Type="{kind}officeDocument" Target="xl/workbook.xml"/></Relationships>')
    overrides = "".join(f'<Override PartName="/xl/worksheets/sheet{k + 1}.xml" ContentType="application/'
                        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                        for k in range(1, len(names)))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES.replace("</Types>", overrides + "</Types>"))
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", rels)
        for k, part in enumerate(more_sheets):
            archive.writestr(f"xl/worksheets/sheet{k + 1}.xml", part)
        main = f"xl/worksheets/sheet{len(names)}.xml"
        if callable(sheet):
            with archive.open(main, "w", force_zip64=True) as member:
                for chunk in sheet():
                    member.write(chunk)
        else:
            archive.writestr(main, sheet)
        if shared is not None:
            archive.writestr("xl/sharedStrings.xml", shared)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return out.getvalue()


def simple_xlsx(rows: list[list[object]], dimension: str | None = "auto") -> bytes:
    return xlsx_parts(sheet_xml(rows_xml(rows), dimension, rows))


def spreadsheetml(rows_markup: str, table_attrs: str = "", prolog: str = "") -> bytes:
    """An Excel 2003 XML workbook (what some tools save as ``.xls``)."""
    return (f'<?xml version="1.0"?>{prolog}<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
            'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Vastaukset">'
            f"<Table {table_attrs}>{rows_markup}</Table></Worksheet></Workbook>").encode()


def ss_row(values: Iterable[object], attrs: str = "") -> str:
    cells = []
    for value in values:
        kind = "Number" if isinstance(value, int | float) else "String"
        cells.append(f'<Cell><Data ss:Type="{kind}">{escape(str(value))}</Data></Cell>')
    return f"<Row {attrs}>" + "".join(cells) + "</Row>"


def ods(content_body: str) -> bytes:
    """An OpenDocument spreadsheet whose first table holds ``content_body`` (rows markup)."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               '<office:body><office:spreadsheet><table:table table:name="Vastaukset">'
               f"{content_body}</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                '<manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                "</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def ods_row(values: Iterable[object], attrs: str = "") -> str:
    cells = []
    for value in values:
        if isinstance(value, int | float):
            cells.append(f'<table:table-cell office:value-type="float" office:value="{value}">'
                         f"<text:p>{value}</text:p></table:table-cell>")
        else:
            cells.append(f'<table:table-cell office:value-type="string"><text:p>{escape(str(value))}</text:p>'
                         "</table:table-cell>")
    return f"<table:table-row {attrs}>" + "".join(cells) + "</table:table-row>"


def csv_bytes(rows: Iterable[Iterable[object]], encoding: str = "utf-8", delimiter: str = ";") -> bytes:
    return "".join(delimiter.join("" if v is None else str(v) for v in row) + "\r\n" for row in rows).encode(encoding)


def good_csv_rows() -> list[list[object]]:
    return [HEADER, *GOOD_ROWS]


def low_entropy(total: int, every: int, seed: int = 7, letter: bytes = b"a") -> Iterator[bytes]:
    """``total`` bytes of one letter with a random lowercase letter every ``every`` bytes: compresses
    about ``every``:1 (tunes a bomb to stay under a compression-ratio guard)."""
    rng = random.Random(seed)
    block = 1 << 20
    done = 0
    while done < total:
        size = min(block, total - done)
        chunk = bytearray(letter * size)
        for pos in range(0, size, every):
            chunk[pos] = rng.randrange(97, 123)
        done += size
        yield bytes(chunk)


# --- the files ---------------------------------------------------------------------------------------------


def _far_cell(dimension: str | None, ref_col: int = 16383, ref_row: int = 1048576) -> bytes:
    body = rows_xml([HEADER, GOOD_ROWS[0]]) + f'<row r="{ref_row}">{cell_xml(ref_row, ref_col, 1)}</row>'
    return xlsx_parts(sheet_xml(body, dimension))


def _shared_strings_count() -> bytes:
    strings = [*HEADER, "Sippola", "Kyllä"]
    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="2147483647" '
           'uniqueCount="2147483647">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in strings) + "</sst>")
    cells = "".join(f'<c r="{column_letter(j)}1" t="s"><v>{j}</v></c>' for j in range(4))
    body = (f'<row r="1">{cells}</row><row r="2"><c r="A2" t="s"><v>4</v></c><c r="B2"><v>4</v></c>'
            '<c r="C2"><v>5</v></c><c r="D2" t="s"><v>5</v></c></row>')
    return xlsx_parts(sheet_xml(body, "A1:D2"), shared=sst)


def _cell_bomb() -> bytes:
    """One shared string of 200 MB, compressed about 255:1 (the issue's 786 KB file)."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" count="5" uniqueCount="5">'.encode()
    tail = "".join(f"<si><t>{escape(s)}</t></si>" for s in HEADER).encode() + b"</sst>"

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        base = xlsx_parts(sheet_xml('<row r="1">' + "".join(
            f'<c r="{column_letter(j)}1" t="s"><v>{j + 1}</v></c>' for j in range(4)) +
            '</row><row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>4</v></c></row>', "A1:D2"), shared="")
        with zipfile.ZipFile(io.BytesIO(base)) as source:
            for info in source.infolist():
                if info.filename != "xl/sharedStrings.xml":
                    archive.writestr(info.filename, source.read(info.filename))
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as member:
            member.write(head + b"<si><t>")
            for chunk in low_entropy(200 * MB, 930):
                member.write(chunk)
            member.write(b"</t></si>" + tail)
    return out.getvalue()


def _unpacks_to(total: int, every: int) -> bytes:
    """A sheet of ordinary-looking rows whose XML is ``total`` bytes, compressed about ``every``:1."""

    def chunks() -> Iterator[bytes]:
        yield sheet_xml("", None).split("<sheetData>")[0].encode() + b"<sheetData>" + rows_xml([HEADER]).encode()
        filler = low_entropy(total, every, seed=11)
        row = 2
        for block in filler:
            text = block.decode("ascii")
            yield (f'<row r="{row}"><c r="A{row}" t="inlineStr"><is><t>Sippola</t></is></c><c r="B{row}"><v>4</v>'
                   f'</c><c r="E{row}" t="inlineStr"><is><t>{text}</t></is></c></row>').encode()
            row += 1
        yield b"</sheetData></worksheet>"

    return xlsx_parts(chunks)


def _inline_bomb() -> bytes:
    def chunks() -> Iterator[bytes]:
        yield (sheet_xml("", "A1:D2").split("<sheetData>")[0] + "<sheetData>" + rows_xml([HEADER])
               + '<row r="2"><c r="A2" t="inlineStr"><is><t>').encode()
        yield from low_entropy(60 * MB, 700, seed=3)
        yield b'</t></is></c><c r="B2"><v>4</v></c></row></sheetData></worksheet>'

    return xlsx_parts(chunks)


def _zip_bomb_ratio() -> bytes:
    base = simple_xlsx([HEADER, *GOOD_ROWS])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        with target.open("xl/media/image1.xml", "w", force_zip64=True) as member:
            for _ in range(400):
                member.write(b"\x00" * MB)
    return out.getvalue()


def _patch_sizes(data: bytes, target: str, size: int) -> bytes:
    """Write ``size`` as the uncompressed size of ``target`` in its local and central headers (a lying zip)."""
    out = bytearray(data)
    name = target.encode()
    for signature, name_at, size_at in ((b"PK\x03\x04", 26, 22), (b"PK\x01\x02", 28, 24)):
        pos = out.find(signature)
        while pos >= 0:
            length = struct.unpack_from("<H", out, pos + name_at)[0]
            start = pos + name_at + (4 if signature == b"PK\x03\x04" else 18)
            if bytes(out[start:start + length]) == name:
                struct.pack_into("<I", out, pos + size_at, size)
            pos = out.find(signature, pos + 4)
    return bytes(out)


def _zip_lying_sizes() -> bytes:
    """The sheet claims 2 KB but its deflate stream unpacks to 300 MB of rows."""

    def chunks() -> Iterator[bytes]:
        yield sheet_xml("", "A1:D2").split("<sheetData>")[0].encode() + b"<sheetData>"
        yield rows_xml([HEADER]).encode()
        row = b'<row><c t="inlineStr"><is><t>Sippola</t></is></c><c><v>4</v></c></row>'
        block = row * (MB // len(row))
        for _ in range(300):
            yield block
        yield b"</sheetData></worksheet>"

    return _patch_sizes(xlsx_parts(chunks, level=9), "xl/worksheets/sheet1.xml", 2048)


def _rows_without_numbers() -> bytes:
    """Two million ``<row/>`` elements without ``r`` (readers count them) under a small declared dimension."""

    def chunks() -> Iterator[bytes]:
        yield sheet_xml("", "A1:D2").split("<sheetData>")[0].encode() + b"<sheetData>"
        yield rows_xml([HEADER]).encode()
        block = b'<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c><c><v>4</v></c></row>' * 16384
        for _ in range(2_000_000 // 16384):
            yield block
        yield b"</sheetData></worksheet>"

    return xlsx_parts(chunks)


def _xml_part_with(prolog: str, part: str = "xl/worksheets/sheet1.xml") -> bytes:
    base = simple_xlsx([HEADER, *GOOD_ROWS])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == part:
                xml_decl, rest = content.split(b"?>", 1)
                body = rest.replace(b"<t>Sippola</t>", b"<t>&xxe;</t>", 1)
                content = xml_decl + b"?>" + prolog.encode() + body
            target.writestr(info.filename, content)
    return out.getvalue()


def _many_sheets(count: int) -> bytes:
    other = sheet_xml(rows_xml([["Vastausvaihtoehto", "Määrä"], ["Kyllä", 3]]), "A1:B2")
    return xlsx_parts(sheet_xml(rows_xml([HEADER, *GOOD_ROWS]), "A1:D4"), more_sheets=(other,) * count)


def _openpyxl(rows: list[list[object]], formulas: bool = False) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Vastaukset"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _dates_xlsx() -> bytes:
    import datetime as dt

    return _openpyxl([["Vastausaika", *HEADER],
                      [dt.datetime(9999, 12, 31, 23, 59), "Sippola", 4, 5, "Kyllä"],
                      [dt.datetime(1, 1, 1), "Sippola", 3, 4, "Ei"],
                      [dt.datetime(2025, 3, 1, 12, 0), "Anjala", 5, 5, "Kyllä"]])


def _dates_serial_xlsx() -> bytes:
    rows = [["Vastausaika", *HEADER], [2958465.99, "Sippola", 4, 5, "Kyllä"], [-5, "Sippola", 3, 4, "Ei"],
            [45717.5, "Anjala", 5, 5, "Kyllä"]]
    return simple_xlsx(rows)


def _ten_thousand_columns() -> bytes:
    header = HEADER + [f"Lisä {k}" for k in range(10_000)]
    return csv_bytes([header, [*GOOD_ROWS[0], *(["x"] * 10_000)]])


def _distinct_villages(count: int) -> bytes:
    rng = random.Random(5)
    lines = [";".join(HEADER)]
    for k in range(count):
        name = "".join(rng.choice("abcdefghijklmnoprstuvyäö") for _ in range(8)).capitalize() + f" {k}"
        lines.append(f"{name};{1 + k % 5};{1 + (k * 7) % 5};{'Kyllä' if k % 2 else 'Ei'}")
    return ("\n".join(lines) + "\n").encode()


def _every_cell_unreadable() -> bytes:
    header = HEADER + [f"E{k}" for k in (4, 1, 2)] * 1
    rows = [header] + [["Sippola"] + [f"huono{r % 97}x{c}" for c in range(len(header) - 1)] for r in range(60_000)]
    return csv_bytes(rows)


def _cells_bomb_csv() -> bytes:
    header = HEADER + [f"Q{k}" for k in range(1_996)]
    line = ";".join(["Sippola", "4", "5", "Kyllä"] + ["1"] * 1_996) + "\n"
    return (";".join(header) + "\n" + line * 4_500).encode()


def _deep_xml() -> bytes:
    depth = 200_000
    return spreadsheetml(ss_row(HEADER) + "<Row><Cell><Data ss:Type=\"String\">" + "<B>" * depth + "x"
                         + "</B>" * depth + "</Data></Cell></Row>")


def _html_cells(count: int) -> bytes:
    head = "<html><body><table><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr><tr>"
    return (head + "<td>1" * count + "</tr></table></body></html>").encode()


def _mixed_encodings() -> bytes:
    return ("Kylä;E1;E2;E3\r\n".encode() + "Sippola;Täysin samaa mieltä;4;Kyllä\r\n".encode("cp1252")
            + "Anjala;5;Jokseenkin eri mieltä;Ei\r\n".encode())


def _ods_repeat_bomb() -> bytes:
    cell = ('<table:table-cell table:number-columns-repeated="16384" office:value-type="float" '
            'office:value="1"><text:p>1</text:p></table:table-cell>')
    return ods(ods_row(HEADER) + ods_row(GOOD_ROWS[0])
               + f'<table:table-row table:number-rows-repeated="1048000">{cell}</table:table-row>')


def _ods_honest() -> bytes:
    empty = '<table:table-cell table:number-columns-repeated="1020"/>'
    rows = "".join(ods_row(r)[:-len("</table:table-row>")] + empty + "</table:table-row>"
                   for r in (HEADER, *GOOD_ROWS))
    return ods(rows + f'<table:table-row table:number-rows-repeated="1048572">{empty}</table:table-row>')


def _not_a_workbook_zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("vastaukset.csv", csv_bytes(good_csv_rows()))
    return out.getvalue()


def _many_zip_members() -> bytes:
    base = simple_xlsx([HEADER, *GOOD_ROWS])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        for k in range(60_000):
            target.writestr(f"xl/media/m{k}.bin", b"")
    return out.getvalue()


def _ole_garbage() -> bytes:
    rng = random.Random(9)
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(rng.randrange(256) for _ in range(64 * 1024))


def _long_header() -> bytes:
    return csv_bytes([[*HEADER, "Kerro lisää " + "x" * 300_000], [*GOOD_ROWS[0], "ok"], [*GOOD_ROWS[1], "ok"]])


def _long_village() -> bytes:
    return csv_bytes([HEADER, ["Sippola" * 20_000, 4, 5, "Kyllä"], GOOD_ROWS[1]])


def _csv_long_line() -> bytes:
    return csv_bytes([[*HEADER, "Vapaa sana"], [*GOOD_ROWS[0], "pitkä " * 40_000], [*GOOD_ROWS[1], "lyhyt"]])


def _csv_long_ragged() -> bytes:
    rows = [[*HEADER, "Vapaa sana"], [*GOOD_ROWS[0], "pitkä " * 40_000, "ylimääräinen", "kenttä"],
            [*GOOD_ROWS[1]]]
    return csv_bytes(rows)


def _csv_dates() -> bytes:
    return csv_bytes([["Vastausaika", *HEADER], ["9999-12-31 23:59:59", "Sippola", 4, 5, "Kyllä"],
                      ["0001-01-01", "Sippola", 3, 4, "Ei"], ["31.02.2025 10:00", "Anjala", 5, 5, "Kyllä"],
                      ["1.3.2025 10:00", "Anjala", 2, 2, "Ei"]])


# --- checks of the files that are read ------------------------------------------------------------------


def _rows(n: int) -> Callable[[object], None]:
    def check(result: object) -> None:
        assert len(result.responses) == n, len(result.responses)  # type: ignore[attr-defined]
    return check


def _report_is_small(limit: int = 20_000) -> Callable[[object], None]:
    def check(result: object) -> None:
        import json

        text = json.dumps(result.report.to_dict(), ensure_ascii=False, default=str)  # type: ignore[attr-defined]
        assert len(text) < limit, len(text)
    return check


def _dates_check(result: object) -> None:
    report = result.report  # type: ignore[attr-defined]
    assert len(result.responses) == 3  # type: ignore[attr-defined]
    assert report.latest_date is not None and report.latest_date.year == 2025
    assert any("not readable dates" in w and "2 cells" in w for w in report.warnings), report.warnings


def _csv_dates_check(result: object) -> None:
    report = result.report  # type: ignore[attr-defined]
    assert len(result.responses) == 4  # type: ignore[attr-defined]
    assert (report.earliest_date.isoformat(), report.latest_date.isoformat()) == ("2025-03-01T10:00:00",) * 2
    assert any("3 cells are not readable dates" in w for w in report.warnings), report.warnings


def _formula_check(result: object) -> None:
    problems = result.report.problems  # type: ignore[attr-defined]
    assert [p.value for p in problems] == ['=HYPERLINK("http://example.com/x","klikkaa")', "=1/0"], problems


def _both(*checks: Callable[[object], None]) -> Callable[[object], None]:
    def check(result: object) -> None:
        for one in checks:
            one(result)
    return check


def _mixed_check(result: object) -> None:
    assert result.responses["E1"].tolist() == [5.0, 5.0], result.responses  # type: ignore[attr-defined]
    assert result.responses["E2"].tolist() == [4.0, 2.0]  # type: ignore[attr-defined]
    assert any("each line was read in its own encoding" in w for w in result.report.warnings)  # type: ignore[attr-defined]


def _long_village_check(result: object) -> None:
    villages = result.report.villages  # type: ignore[attr-defined]
    assert len(villages) == 2 and all(len(v) <= 200 for v in villages), [len(v) for v in villages]


# --- the corpus ------------------------------------------------------------------------------------------


def _entries() -> list[Hostile]:
    good = [HEADER, *GOOD_ROWS]
    dtd = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">' \
          '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY xxe "&lol3;">]>'
    xxe = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    return [
        # crashes and stalls of the parsers
        Hostile("far_cell_xfd", "kysely.xlsx", lambda: _far_cell("A1:XFD1048576"),
                "one cell at XFD1048576 (calamine aborts the process allocating the grid)", r"1048576 rows"),
        Hostile("far_cell_lying_dimension", "kysely.xlsx", lambda: _far_cell("A1:D2"),
                "the XFD1048576 cell under a dimension that says A1:D2", r"rows|too large or damaged"),
        Hostile("far_cell_no_dimension", "kysely.xlsx", lambda: _far_cell(None),
                "the XFD1048576 cell and no dimension element", r"rows|too large or damaged"),
        Hostile("far_cell_inside_limits", "kysely.xlsx", lambda: _far_cell("A1:ALL100000", 999, 100_000),
                "a far cell inside the row and column limits (100,000 x 1,000 cells)", r"cells"),
        Hostile("far_cell_inside_limits_lying", "kysely.xlsx", lambda: _far_cell("A1:D2", 999, 100_000),
                "the 100,000 x 1,000 far cell under a lying dimension", r"rows|cells|too large or damaged"),
        Hostile("far_row_only", "kysely.xlsx", lambda: _far_cell("A1:D2", 0, 1_048_576),
                "a cell in column A of the last row under a lying dimension", r"rows|too large or damaged"),
        Hostile("rows_without_numbers", "kysely.xlsx", _rows_without_numbers,
                "two million <row> elements without row numbers", r"rows|too large or damaged|unpack"),
        Hostile("shared_strings_count", "kysely.xlsx", _shared_strings_count,
                "sharedStrings declares 2^31 strings (calamine reserves them all and aborts)", r"different texts"),
        Hostile("cell_bomb_200mb", "kysely.xlsx", _cell_bomb,
                "one 200 MB string in a 786 KB xlsx (255:1, under the ratio guard)", r"unpack"),
        Hostile("unpacks_to_496mb", "kysely.xlsx", lambda: _unpacks_to(496 * MB, 1100),
                "a 1.7 MB xlsx that unpacks to 496 MB of ordinary rows", r"unpack"),
        Hostile("inline_string_60mb", "kysely.xlsx", _inline_bomb,
                "one 60 MB inline string in the sheet XML", r"unpack"),
        Hostile("zip_bomb_ratio", "kysely.xlsx", _zip_bomb_ratio,
                "a 400 MB member of zeros (compressed 1000:1)", r"zip bomb|unpack"),
        Hostile("zip_lying_sizes", "kysely.xlsx", _zip_lying_sizes,
                "the sheet's zip headers claim 2 KB, its deflate stream unpacks to 300 MB",
                r"damaged|too large or damaged|unpack"),
        Hostile("zip_many_members", "kysely.xlsx", _many_zip_members,
                "60,000 empty members in the zip", r"parts"),
        Hostile("many_sheets", "kysely.xlsx", lambda: _many_sheets(3_000),
                "3,000 sheets before the answers", r"sheets"),
        Hostile("ss_row_index", "kysely.xls", lambda: spreadsheetml(ss_row(HEADER) + ss_row(
            GOOD_ROWS[0], 'ss:Index="150000000"')), "SpreadsheetML <Row ss:Index=\"150000000\"> (padding)",
            r"150000000 rows"),
        Hostile("ss_cell_index", "kysely.xls", lambda: spreadsheetml(ss_row(HEADER) + ss_row(
            GOOD_ROWS[0]).replace("<Cell>", '<Cell ss:Index="16000000">', 1)),
            "SpreadsheetML <Cell ss:Index=\"16000000\">", r"16000000 columns"),
        Hostile("ss_expanded_counts", "kysely.xls", lambda: spreadsheetml(
            ss_row(HEADER) + ss_row(GOOD_ROWS[0]), 'ss:ExpandedRowCount="90000000" ss:ExpandedColumnCount="4"'),
            "SpreadsheetML declaring 90 million rows", r"90000000 rows"),
        Hostile("ss_index_not_a_number", "kysely.xls", lambda: spreadsheetml(ss_row(HEADER) + ss_row(
            GOOD_ROWS[0], 'ss:Index="1e9"')), "SpreadsheetML with ss:Index=\"1e9\"", r"ss:Index"),
        Hostile("ss_deeply_nested", "kysely.xls", _deep_xml, "200,000 nested elements inside one cell", None,
                _rows(1)),
        Hostile("ods_repeat_bomb", "kysely.ods", _ods_repeat_bomb,
                "ODS: a row of 16,384 filled cells repeated 1,048,000 times",
                r"rows|cells|too large or damaged|damaged or not really Excel"),
        Hostile("ods_honest_repeats", "kysely.ods", _ods_honest,
                "ODS as LibreOffice writes it: empty cells and rows repeated to the sheet's end", None, _rows(3)),
        Hostile("html_cell_flood", "kysely.xls", lambda: _html_cells(3_000_000),
                "HTML saved as .xls with three million <td>", r"table cells"),
        # XML entities
        Hostile("billion_laughs_xml", "kysely.xls", lambda: spreadsheetml(ss_row(HEADER), prolog=dtd),
                "billion laughs in SpreadsheetML", r"DTD or entities"),
        Hostile("xxe_spreadsheetml", "kysely.xls", lambda: spreadsheetml(ss_row(HEADER), prolog=xxe),
                "an external entity (file:///etc/passwd) in SpreadsheetML", r"DTD or entities"),
        Hostile("xxe_parameter_entity", "kysely.xls", lambda: spreadsheetml(ss_row(HEADER), prolog=(
            '<!DOCTYPE x [<!ENTITY % p SYSTEM "http://127.0.0.1:9/x.dtd"> %p;]>')),
            "an external parameter entity fetching a DTD", r"DTD or entities"),
        Hostile("billion_laughs_xlsx", "kysely.xlsx", lambda: _xml_part_with(dtd),
                "billion laughs in the sheet of an xlsx", r"entities"),
        Hostile("xxe_xlsx", "kysely.xlsx", lambda: _xml_part_with(xxe),
                "an external entity in the sheet of an xlsx", r"entities"),
        Hostile("xxe_xlsx_after_comment", "kysely.xlsx", lambda: _xml_part_with("<!--" + " " * 10_000 + "-->" + xxe),
                "an external entity declared after 10 KB of comment", r"entities"),
        Hostile("xxe_shared_strings", "kysely.xlsx", lambda: xlsx_parts(
            sheet_xml('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', "A1:A1"),
            shared=f'<?xml version="1.0"?>{xxe}<sst xmlns="{_NS}"><si><t>&xxe;</t></si></sst>'),
            "an external entity in sharedStrings.xml", r"entities"),
        # damaged and disguised files
        Hostile("truncated_xlsx", "kysely.xlsx", lambda: simple_xlsx(good)[:900], "an xlsx cut short",
                r"damaged or truncated"),
        Hostile("truncated_central_directory", "kysely.xlsx", lambda: simple_xlsx(good)[:-30],
                "an xlsx missing the end of its central directory", r"damaged or truncated"),
        Hostile("xls_ole_garbage", "kysely.xls", _ole_garbage, "an OLE header followed by random bytes",
                r"damaged or not really Excel"),
        Hostile("html_disguised_as_xls", "kysely.xls", lambda: (
            "<html><body><table><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr><tr><td>Sippola</td>"
            "<td>4</td><td>5</td><td>Kyllä</td></tr><script>alert(1)</script></table></body></html>").encode(),
            "a web page named .xls (with a script tag)", None, _rows(1)),
        Hostile("pdf_named_xlsx", "kysely.xlsx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 20,
                "a PDF named .xlsx", r"not a spreadsheet"),
        Hostile("plain_zip_named_xlsx", "kysely.xlsx", _not_a_workbook_zip, "a zip holding a CSV, named .xlsx",
                r"not a spreadsheet"),
        Hostile("password_protected", "kysely.xlsx", lambda: (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 500),
            "an encrypted workbook (OLE with EncryptionInfo)", r"password-protected"),
        Hostile("empty_file", "kysely.csv", lambda: b"", "zero bytes", r"empty"),
        Hostile("only_headers", "kysely.csv", lambda: csv_bytes([HEADER]), "a header and no rows", r"no answer rows"),
        Hostile("random_binary", "kysely.csv", lambda: bytes(random.Random(1).randrange(256) for _ in range(50_000)),
                "random bytes named .csv", r"not a spreadsheet|binary|no column matches"),
        # text files
        Hostile("csv_nul_bytes", "kysely.csv", lambda: csv_bytes(good).replace(b"Sippola", b"Sip\x00pola"),
                "NUL bytes inside a CSV", r"binary|not a spreadsheet"),
        Hostile("csv_nul_after_4kb", "kysely.csv", lambda: csv_bytes([*good, ["x" * 5000, 1, 1, "Ei"]]) + b"\x00",
                "a NUL byte after the first 4 KB", r"binary"),
        Hostile("csv_utf16", "kysely.csv", lambda: csv_bytes(good, "utf-16", "\t"), "UTF-16 tab-separated text",
                None, _rows(3)),
        Hostile("csv_utf16_no_bom", "kysely.csv", lambda: csv_bytes(good, "utf-16-le", "\t"),
                "UTF-16 without a byte-order mark", r"not a spreadsheet|binary"),
        Hostile("csv_mixed_encodings", "kysely.csv", _mixed_encodings, "UTF-8 and Windows-1252 lines in one file",
                None, _mixed_check),
        Hostile("csv_line_200kb", "kysely.csv", _csv_long_line, "a 240 KB line (over csv's 128 KB field limit)",
                None, _both(_rows(2), _report_is_small())),
        Hostile("csv_line_200kb_ragged", "kysely.csv", _csv_long_ragged,
                "a 240 KB field in a ragged CSV (the csv module's fallback path)", None, _rows(2)),
        Hostile("csv_ten_thousand_columns", "kysely.csv", _ten_thousand_columns, "10,004 columns",
                r"10004 columns"),
        Hostile("csv_cells_bomb", "kysely.csv", _cells_bomb_csv, "2,000 columns x 4,500 rows of '1' (18 MB)",
                r"cells"),
        Hostile("csv_100k_villages", "kysely.csv", lambda: _distinct_villages(100_000),
                "100,000 distinct village names (2.6 MB)", r"village names"),
        Hostile("csv_2000_villages", "kysely.csv", lambda: _distinct_villages(2_000),
                "2,000 distinct village names (the most a file may name)", None,
                _both(_rows(2_000), _report_is_small(400_000))),
        Hostile("csv_every_cell_unreadable", "kysely.csv", _every_cell_unreadable,
                "60,000 rows whose every answer is unreadable", None, _report_is_small(400_000)),
        Hostile("csv_long_header", "kysely.csv", _long_header, "a 300 KB header cell", None,
                _both(_rows(2), _report_is_small())),
        Hostile("csv_long_village", "kysely.csv", _long_village, "a 140 KB village name", None,
                _both(_long_village_check, _report_is_small())),
        Hostile("csv_dates_out_of_range", "kysely.csv", _csv_dates,
                "dates 9999-12-31, 0001-01-01 and 31.02.2025 as text", None, _csv_dates_check),
        Hostile("xlsx_dates_out_of_range", "kysely.xlsx", _dates_xlsx,
                "date cells 9999-12-31 and 0001-01-01 in an xlsx", None, _dates_check),
        Hostile("xlsx_date_serials_out_of_range", "kysely.xlsx", _dates_serial_xlsx,
                "date serials 2958465.99 and -5 in a timestamp column", None, _dates_check),
        Hostile("xlsx_formulas", "kysely.xlsx", lambda: _openpyxl(
            [HEADER, ["Sippola", '=HYPERLINK("http://example.com/x","klikkaa")', 4, "Kyllä"],
             ["Anjala", 3, "=1/0", "Ei"]]), "formulas (HYPERLINK, division by zero) without stored values",
            None, _formula_check),
        Hostile("csv_formula_village", "kysely.csv", lambda: csv_bytes([HEADER, ["=cmd|' /C calc'!A0", 4, 5, "Ei"]]),
                "a formula as a village name (kept as text, escaped when written out)", None, _rows(1)),
    ]


def _big_xlsx(rows: int, columns: int) -> bytes:
    """A real-looking export at the cell limit: numbers and shared-string labels, one formula cell."""
    labels = ["Jokseenkin samaa mieltä", "Täysin eri mieltä", "Kyllä", "Ei", "Sippola", "Anjala"]
    letters = [column_letter(j) for j in range(columns)]
    names = [*HEADER, *(f"Kysymys {j}" for j in range(len(HEADER), columns))]

    def chunks() -> Iterator[bytes]:
        yield (sheet_xml("", f"A1:{letters[-1]}{rows}").split("<sheetData>")[0] + "<sheetData>"
               + rows_xml([names])).encode()
        rng = random.Random(2)
        block = []
        for r in range(2, rows + 1):
            first = (f'<c r="A{r}" t="str"><f>"Sip"&amp;"pola"</f><v>Sippola</v></c>' if r == 5
                     else f'<c r="A{r}" t="s"><v>{4 + r % 2}</v></c>')
            block.append(f'<row r="{r}">' + first + "".join(
                f'<c r="{letters[j]}{r}" t="s"><v>{rng.randrange(4)}</v></c>' if j % 2
                else f'<c r="{letters[j]}{r}"><v>{1 + rng.randrange(5)}</v></c>' for j in range(1, columns)) + "</row>")
            if len(block) == 2000:
                yield "".join(block).encode()
                block = []
        yield ("".join(block) + "</sheetData></worksheet>").encode()

    sst = (f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_NS}" uniqueCount="{len(labels)}">'
           + "".join(f"<si><t>{escape(t)}</t></si>" for t in labels) + "</sst>")
    return xlsx_parts(chunks, shared=sst)


def _big_csv(rows: int) -> bytes:
    labels = ["Jokseenkin samaa mieltä", "Täysin eri mieltä", "Kyllä", "Ei", "3", "4,5"]
    rng = random.Random(1)
    header = [*HEADER, *(f"Kysymys {j}" for j in range(16))]
    lines = [";".join(header)] + [";".join([rng.choice(["Sippola", "Anjala", "Utti"]),
                                            *(rng.choice(labels) for _ in range(19))]) for _ in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def _long_words_csv(rows: int) -> bytes:
    """A free-text column whose every answer is one word of Excel's 32,767 characters."""
    header = [*HEADER, "Vapaa palaute"]
    lines = [";".join(header)] + [";".join(["Sippola", "4", "5", "Kyllä", chr(0x61 + n % 26) * 32_767])
                                  for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


def at_the_limits() -> tuple[Hostile, ...]:
    """Real-looking files at the limits (the largest a village may send): they must be read within the goal.
    Measured by ``benchmarks/hostile.py``; too slow to build for every test run."""
    return (
        Hostile("xlsx_4m_cells_one_formula", "kysely.xlsx", lambda: _big_xlsx(100_000, 40),
                "100,000 rows x 40 columns (4,000,000 cells, 12 MB) with one formula cell", None, _rows(99_999)),
        Hostile("csv_19mb_labels", "kysely.csv", lambda: _big_csv(100_000),
                "100,000 rows x 20 columns of answer labels, 19 MB", None, _rows(100_000)),
        Hostile("csv_long_words", "kysely.csv", lambda: _long_words_csv(300),
                "300 free-text answers of one 32,767-letter word each (10 MB): the search for e-mail addresses "
                "once took 2 s per answer", None, _rows(300)),
    )


@cache
def corpus() -> tuple[Hostile, ...]:
    """Every corpus entry, in a fixed order."""
    return tuple(_entries())


@cache
def content(name: str) -> bytes:
    """The bytes of one entry (built once per process)."""
    entry = next(e for e in (*corpus(), *at_the_limits()) if e.name == name)
    return entry.build()


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "hostile-corpus")
    target.mkdir(parents=True, exist_ok=True)
    for entry in corpus():
        data = content(entry.name)
        suffix = Path(entry.filename).suffix
        (target / f"{entry.name}{suffix}").write_bytes(data)
        print(f"{entry.name}{suffix}\t{len(data)}\t{entry.why}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
