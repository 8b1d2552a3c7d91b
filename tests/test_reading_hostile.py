"""Hostile and broken files: each gives a ReadError or reported problems, never a crash or a silent
half-read (docs/survey-files.md §5)."""

from __future__ import annotations

import contextlib
import io
import zipfile

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicator.errors import ReadError
from indicator.reading import Limits, read_survey
from indicator.reading.sniff import sniff
from tests.test_reading import FRAMEWORK, xlsx

GOOD_ROWS = [["kylä", "E1", "E2", "E3"], ["A", 4, "Kyllä", 10], ["B", "Täysin eri mieltä", "Ei", "2,5"]]
GOOD_XLSX = xlsx(GOOD_ROWS)
GOOD_CSV = b"kyl\xc3\xa4;E1;E2;E3\r\nA;4;Kyll\xc3\xa4;10\r\nB;T\xc3\xa4ysin eri mielt\xc3\xa4;Ei;2,5\r\n"


def read(data: bytes, name: str = "f.xlsx", **kw):
    return read_survey(data, FRAMEWORK, filename=name, **kw)


def test_sniff_kinds() -> None:
    assert sniff(GOOD_XLSX) == "xlsx"
    assert sniff(GOOD_CSV) == "text"
    assert sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100) == "xls"
    assert sniff(b"  <html><table></table></html>") == "html"
    assert sniff(b'<?xml version="1.0"?><Workbook/>') == "xml"
    assert sniff(b"\x00\x01\x02garbage") == "unknown"
    assert sniff(GOOD_XLSX[:2000]) == "broken-zip"


def test_empty_file() -> None:
    with pytest.raises(ReadError, match="empty"):
        read(b"")


def test_truncated_xlsx() -> None:
    with pytest.raises(ReadError, match="damaged or truncated"):
        read(GOOD_XLSX[: len(GOOD_XLSX) // 2])


def test_binary_garbage() -> None:
    with pytest.raises(ReadError, match="not a spreadsheet"):
        read(bytes(range(256)) * 10, "f.xls")


def test_wrong_extension_is_read_as_what_it_is() -> None:
    as_csv = read(GOOD_CSV, "vastaukset.xlsx")
    assert as_csv.responses["E1"].tolist() == [4.0, 1.0]
    assert any("really a text (CSV) file" in w for w in as_csv.report.warnings)
    as_xlsx = read(GOOD_XLSX, "vastaukset.csv")
    assert as_xlsx.responses["E3"].tolist() == [10.0, 2.5]


def test_html_saved_as_xls() -> None:
    page = ("<html><body><table><tr><th>Kylä</th><th>E1</th></tr>"
            "<tr><td>A</td><td>Jokseenkin samaa mieltä</td></tr></table></body></html>").encode()
    result = read(page, "export.xls")
    assert result.report.file_type == "html"
    assert result.responses["E1"].tolist() == [4.0]


def test_spreadsheetml_saved_as_xls() -> None:
    doc = ('<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
           'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet ss:Name="Data"><Table>'
           '<Row><Cell><Data ss:Type="String">Kylä</Data></Cell><Cell><Data ss:Type="String">E1</Data></Cell>'
           '</Row><Row><Cell><Data ss:Type="String">A</Data></Cell><Cell ss:Index="2">'
           '<Data ss:Type="Number">5</Data></Cell></Row></Table></Worksheet></Workbook>').encode()
    result = read(doc, "export.xls")
    assert result.report.file_type == "xml" and result.responses["E1"].tolist() == [5.0]


def test_billion_laughs_xml() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' \
           b'<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">&lol2;</Workbook>'
    with pytest.raises(ReadError, match="DTD or entities"):
        read(bomb, "bomb.xls")


def test_entity_declaration_inside_xlsx_part() -> None:
    source = zipfile.ZipFile(io.BytesIO(GOOD_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = b'<!DOCTYPE x [<!ENTITY a "aaaa">]>' + content.split(b"?>", 1)[-1]
            target.writestr(info.filename, content)
    with pytest.raises(ReadError, match="declares XML entities"):
        read(out.getvalue())


def test_zip_bomb_by_ratio() -> None:
    source = zipfile.ZipFile(io.BytesIO(GOOD_XLSX))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        target.writestr("xl/media/padding.xml", b"\x00" * (40 * 2**20))
    with pytest.raises(ReadError, match="zip bomb"):
        read(out.getvalue())


def test_zip_bomb_by_declared_size() -> None:
    with pytest.raises(ReadError, match="would unpack to"):
        read(GOOD_XLSX, limits=Limits(max_uncompressed=1000))


def test_file_over_the_size_limit() -> None:
    with pytest.raises(ReadError, match="over the"):
        read(GOOD_CSV + b"A;3;Ei;1\r\n" * 200, "big.csv", max_bytes=1000)


def test_too_many_rows() -> None:
    with pytest.raises(ReadError, match="rows, over the limit"):
        read(GOOD_CSV + b"A;3;Ei;1\r\n" * 50, "rows.csv", limits=Limits(max_rows=20))


def test_csv_with_only_headers() -> None:
    with pytest.raises(ReadError, match="no answer rows"):
        read(b"kyl\xc3\xa4;E1;E2\r\n", "h.csv")


def test_no_item_columns_names_the_file() -> None:
    with pytest.raises(ReadError, match="no column matches an item") as err:
        read(b"a;b\n1;2\n", "other.csv")
    assert str(err.value).startswith("other.csv")


def test_report_workbook_is_refused() -> None:
    book = openpyxl.Workbook()
    book.active.title = "E1"
    book.active.append(["Kylässä on hyvät palvelut"])
    book.active.append(["", "n", "%"])
    book.active.append(["Täysin samaa mieltä", 4, "40 %"])
    for k in range(2, 6):
        sheet = book.create_sheet(f"Q{k}")
        sheet.append(["Answer Choices", "Responses"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ReadError, match="report"):
        read(out.getvalue())


def test_replacement_characters_are_refused() -> None:
    with pytest.raises(ReadError, match="replacement characters"):
        read("kylä;E1\nA;T\ufffdysin\n".encode(), "r.csv")


def test_missing_path() -> None:
    with pytest.raises(ReadError, match="not found"):
        read_survey("/nonexistent/file.xlsx", FRAMEWORK)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_never_crash(data: bytes) -> None:
    with contextlib.suppress(ReadError):
        read(data, "x.csv", village="A")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(GOOD_XLSX) - 1), st.integers(min_value=0, max_value=255))
def test_corrupted_xlsx_never_crashes(position: int, byte: int) -> None:
    data = bytearray(GOOD_XLSX)
    data[position] = byte
    try:
        result = read(bytes(data))
    except ReadError:
        return
    assert len(result.responses) <= 2


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.one_of(st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8),
                                           st.integers(-3, 9), st.none()), min_size=4, max_size=4),
                max_size=6))
def test_random_cells_give_values_or_problems(rows: list) -> None:
    data = xlsx([GOOD_ROWS[0], *rows])
    try:
        result = read(data)
    except ReadError:
        return
    table = result.responses
    for column in ("E1", "E2", "E3"):
        assert str(table[column].dtype) == "float64"
    assert set(table["E1"].dropna()) <= {1.0, 2.0, 3.0, 4.0, 5.0}
    assert set(table["E2"].dropna()) <= {0.0, 1.0}


def test_openpyxl_fallback_when_calamine_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    import python_calamine

    def refuse(*args: object, **kwargs: object) -> None:
        raise python_calamine.CalamineError("too strict")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", refuse)
    result = read(xlsx([*GOOD_ROWS, ["C", "=2+2", "Ei", 3]]))
    assert result.responses["E1"].tolist()[:2] == [4.0, 1.0]
    assert result.responses["E3"].tolist() == [10.0, 2.5, 3.0]
    assert [(p.row, p.value) for p in result.report.problems] == [(4, "=2+2")]


def test_many_sheets_without_answers_look_like_a_report() -> None:
    book = openpyxl.Workbook()
    for k in range(6):
        sheet = book.active if k == 0 else book.create_sheet(f"Kysymys {k + 1}")
        sheet.append(["Vastausvaihtoehto", "Vastaajien määrä", "Prosenttia"])
        sheet.append(["Kyllä", 3, "60 %"])
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(ReadError, match="one sheet per question"):
        read(out.getvalue())


def test_excel_error_cells_are_problems() -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["kylä", "E1", "E3"])
    sheet.append(["A", "#N/A", 4])
    sheet["B2"].data_type = "e"
    sheet.append(["A", 3, "#DIV/0!"])
    sheet["C3"].data_type = "e"
    out = io.BytesIO()
    book.save(out)
    result = read(out.getvalue())
    assert [(p.row, p.column, p.value) for p in result.report.problems] == [(2, "E1", "#N/A"), (3, "E3", "#DIV/0!")]
    assert "Excel error" in result.report.problems[0].message


def test_ragged_csv_rows_are_read() -> None:
    text = "kylä;E1;E2\nA;4;Kyllä\nA;5;Ei;ylimääräinen;kenttä\nB;2\n"
    result = read(text.encode(), "ragged.csv")
    assert result.responses["E1"].tolist() == [4.0, 5.0, 2.0]
    assert result.responses["E2"].tolist()[:2] == [1.0, 0.0]


def test_mojibake_is_warned_and_labels_reported() -> None:
    result = read("kylä;E1\nA;Jokseenkin eri mielt‰\nA;2\n".encode(), "moji.csv")
    assert any("garbled" in w for w in result.report.warnings)
    assert [p.value for p in result.report.problems] == ["Jokseenkin eri mielt‰"]


def test_zip_bomb_by_lying_central_directory() -> None:
    """A member that claims to unpack to ~4 GB is refused before anything is decompressed."""
    import struct

    data = bytearray(GOOD_XLSX)
    target = b"xl/worksheets/sheet1.xml"
    pos = data.find(b"PK\x01\x02")
    while pos >= 0:
        name_length = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + name_length]) == target:
            struct.pack_into("<I", data, pos + 24, 0xFFFFFFF0)
            break
        pos = data.find(b"PK\x01\x02", pos + 4)
    assert pos >= 0
    with pytest.raises(ReadError, match="zip bomb"):
        read(bytes(data))


def test_password_protected_workbook() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 500
    with pytest.raises(ReadError, match="password-protected"):
        read(ole, "salattu.xlsx")


def test_fake_legacy_xls_is_refused_plainly() -> None:
    with pytest.raises(ReadError, match="damaged or not really Excel"):
        read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x01" * 2000, "vanha.xls")
