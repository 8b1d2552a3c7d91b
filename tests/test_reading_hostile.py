"""Hostile and broken files: each gives a ReadError or reported problems, never a crash or a silent
half-read (docs/survey-files.md §5)."""

from __future__ import annotations

import contextlib
import io
import random
import zipfile

import numpy as np
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


# --- early refusals and bounded reports (issue 12) ------------------------------------------------------------

from indicator.reading.safety import NAME_CHARS, check_zip  # noqa: E402
from tests.hostile_corpus import (  # noqa: E402
    HEADER,
    cell_xml,
    csv_bytes,
    rows_xml,
    sheet_xml,
    spreadsheetml,
    ss_row,
    xlsx_parts,
)


def test_unpack_budget_is_proportional_to_the_file() -> None:
    limits = Limits()
    assert limits.uncompressed_budget == 160_000_000  # 4,000,000 cells at 40 bytes
    assert limits.unpack_budget(10_000) == 16 * 2**20  # the floor
    assert limits.unpack_budget(2 * 2**20) == 80 * 2**20  # 40 times the file
    assert limits.unpack_budget(20 * 2**20) == 160_000_000  # the ceiling
    assert Limits(max_uncompressed=1000).unpack_budget(10**6) == 1000


def test_declared_dimension_is_refused_before_any_parser() -> None:
    body = rows_xml([HEADER, ["Sippola", 4, 5, "Kyllä"]])
    with pytest.raises(ReadError, match="has 1048576 rows, over the limit of 200000"):
        check_zip(xlsx_parts(sheet_xml(body, "A1:XFD1048576")), Limits(), "f.xlsx")
    with pytest.raises(ReadError, match=r"has 100000 rows and 1000 columns, 100000000 cells") as err:
        check_zip(xlsx_parts(sheet_xml(body, "B2:ALL100000")), Limits(), "f.xlsx")
    assert err.value.code == "reading.too_many_cells" and err.value.params["limit"] == 4_000_000
    check_zip(xlsx_parts(sheet_xml(body, "A1:D2")), Limits(), "f.xlsx")  # an honest one passes
    check_zip(xlsx_parts(sheet_xml(body, None)), Limits(), "f.xlsx")


def test_a_dtd_hidden_behind_a_long_prolog_is_found() -> None:
    body = sheet_xml(rows_xml([HEADER]), "A1:D1").split("?>", 1)[1]
    decl = '<?xml version="1.0" encoding="UTF-8"?>'
    after_comment = decl + "<!--" + "x" * 100_000 + '--><?pi x?><!DOCTYPE x [<!ENTITY a "a">]>' + body
    with pytest.raises(ReadError, match="declares XML entities"):
        check_zip(xlsx_parts(after_comment), Limits(), "f.xlsx")
    endless = decl + "<!--" + "".join(random.Random(4).choices("abcdefghij", k=2 * 2**20))
    with pytest.raises(ReadError, match="declares XML entities"):
        check_zip(xlsx_parts(endless), Limits(), "f.xlsx")
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x []>' + body).encode("utf-16")
    with pytest.raises(ReadError, match="declares XML entities"):
        check_zip(xlsx_parts(utf16), Limits(), "f.xlsx")


def test_shared_strings_declaring_more_texts_than_cells_are_refused() -> None:
    sst = '<sst xmlns="x" count="5" uniqueCount="4000001"><si><t>a</t></si></sst>'
    with pytest.raises(ReadError, match="declares 4000001 different texts") as err:
        check_zip(xlsx_parts(sheet_xml("", "A1:A1"), shared=sst), Limits(), "f.xlsx")
    assert err.value.code == "reading.too_many_texts"


def test_spreadsheetml_positions_are_checked_before_padding() -> None:
    doc = spreadsheetml(ss_row(HEADER) + ss_row(["Sippola", 4, 5, "Kyllä"], 'ss:Index="5"'))
    result = read(doc, "f.xls")
    assert result.responses["respondent"].tolist() == ["5"]  # rows 2-4 padded, the answer on row 5
    with pytest.raises(ReadError, match="has 200001 rows"):
        read(spreadsheetml(ss_row(HEADER) + ss_row(["A", 4], 'ss:Index="200001"')), "f.xls")
    with pytest.raises(ReadError, match=r"ss:Index='-3', not a row or column number") as err:
        read(spreadsheetml(ss_row(HEADER) + ss_row(["A", 4], 'ss:Index="-3"')), "f.xls")
    assert err.value.params == {"attribute": "ss:Index", "value": "-3"}


def test_cells_over_excel_length_are_cut_with_a_warning() -> None:
    data = csv_bytes([[*HEADER, "Vapaa sana"], ["Sippola", 4, 5, "Kyllä", "x" * 40_000], ["Sippola", 3, 4, "Ei", "y"]])
    result = read(data, "long.csv")
    assert result.responses["E1"].tolist() == [4.0, 3.0]
    assert "1 cells held more than 32767 characters (Excel's limit for a cell); they were cut" in result.report.warnings[0]


def test_long_headers_are_cut_in_the_report_and_still_usable_as_overrides() -> None:
    question = "Kerro mitä ajattelet kylästäsi " + "ja " * 200
    data = csv_bytes([["kylä", "E1", question], ["Sippola", 4, "3"], ["Sippola", 3, "2"]])
    report = read(data, "h.csv").report
    [name] = report.unmapped
    assert len(name) == NAME_CHARS and name.endswith("…") and question.startswith(name[:-1])
    again = read(data, "h.csv", overrides={name: "E3"})
    assert again.report.mapped[name] == "E3"
    assert again.responses["E3"].tolist() == [3.0, 2.0]


def test_problems_are_built_only_as_far_as_they_are_listed() -> None:
    rows = [GOOD_ROWS[0]] + [["A", f"huono{k}", "Kyllä", "ehkä" if k < 10 else 3] for k in range(1500)]
    report = read(csv_bytes(rows), "p.csv").report
    assert len(report.problems) == 1000
    assert [(p.row, p.column) for p in report.problems[:4]] == [(2, "E1"), (2, "E3"), (3, "E1"), (3, "E3")]
    assert report.problems[-1].row == 991  # 20 problems on rows 2-11, then one a row
    assert "1510 problems found; only the first 1000 are listed" in report.warnings


def test_a_problem_value_is_cut_to_report_length() -> None:
    report = read(csv_bytes([GOOD_ROWS[0], ["A", "z" * 5000, "Kyllä", 3]]), "v.csv").report
    [problem] = report.problems
    assert len(problem.value) == 200 and problem.value.endswith("…")


def test_a_village_column_naming_thousands_of_villages_is_refused() -> None:
    def villages(n: int) -> bytes:
        return csv_bytes([HEADER] + [[f"Kylä {k}", 4, 5, "Ei"] for k in range(n)])

    assert len(read(villages(2000), "v.csv").report.villages) == 2000
    with pytest.raises(ReadError, match="holds 2001 different village names") as err:
        read(villages(2001), "v.csv")
    assert err.value.code == "reading.too_many_villages"
    assert read(villages(2001), "v.csv", village="Sippola").responses["village"].unique().tolist() == ["Sippola"]


def test_unknown_village_warnings_are_capped() -> None:
    report = read(csv_bytes([HEADER] + [[f"Tuntematon {k}", 4, 5, "Ei"] for k in range(150)]), "u.csv").report
    unknown = [w for w in report.warnings if "not in the village registry" in w]
    assert len(unknown) == 21
    assert unknown[-1] == "130 more village names are not in the village registry or are written differently"


def test_every_text_of_the_report_is_short() -> None:
    import json

    name = "Sippola" + "!" * 20_000
    data = csv_bytes([[*HEADER, "Kommentti " * 3000], [name, "x" * 9000, 4, "Ei", "ok"], ["Anjala", 4, 5, "Kyllä", "ok"]])
    report = read(data, "n" * 1000 + ".csv").report.to_dict()
    assert len(json.dumps(report)) < 5000
    assert len(report["file"]) == 200 and max(len(v) for v in report["villages"]) == 100


def test_mixed_utf8_and_windows_1252_lines() -> None:
    data = "Kylä;E1\r\n".encode() + "Sippola;Täysin samaa mieltä\r\n".encode("cp1252") + "Anjala;Eri mieltä\r\n".encode()
    result = read(data, "m.csv")
    assert result.report.encoding == "utf-8 and cp1252"
    assert result.responses["E1"].tolist() == [5.0, 2.0]
    assert any("each line was read in its own encoding" in w for w in result.report.warnings)


def test_a_csv_line_over_the_csv_modules_field_limit() -> None:
    data = csv_bytes([[*HEADER, "Vapaa"], ["Sippola", 4, 5, "Kyllä", "a" * 200_000, "ylimääräinen"], ["Anjala", 2]])
    result = read(data, "pitka.csv")  # ragged rows take the csv module's path, long fields and all
    assert result.responses["E1"].tolist() == [4.0, 2.0]


def test_html_with_more_cells_than_a_page_may_hold_is_refused_before_parsing() -> None:
    page = "<table><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr><tr>" + "<TD>1" * 200_001 + "</table>"
    with pytest.raises(ReadError, match="holds 200005 table cells") as err:
        read(page.encode(), "p.xls")
    assert err.value.code == "reading.too_many_html_cells"


def test_far_cell_without_dimension_reads_within_limits_in_process() -> None:
    """A cell far out but inside the limits is read (padded) in-process; the worker guards the rest."""
    body = rows_xml([HEADER, ["Sippola", 4, 5, "Kyllä"]]) + f'<row r="40">{cell_xml(40, 0, "Anjala")}</row>'
    result = read(xlsx_parts(sheet_xml(body, None)))
    assert result.responses["village"].tolist() == ["Sippola", "Anjala"]


def test_formula_scan_finds_what_openpyxl_finds() -> None:
    from indicator.reading.tables import _overlay_formulas, _overlay_with_openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Vastaukset & muut"
    sheet.append(["kylä", "E1", "E2", "E3"])
    sheet.append(["A", "=1/0", '=IF(A2="A","<x>",2)', 3])
    sheet.append(["B", 4, "#N/A", "=SUM(D2:D2)"])
    sheet["C3"].data_type = "e"
    out = io.BytesIO()
    book.save(out)
    empty = np.full((3, 4), None, dtype=object)
    fast = _overlay_formulas(out.getvalue(), "Vastaukset & muut", empty)
    assert fast.tolist() == _overlay_with_openpyxl(out.getvalue(), "Vastaukset & muut", empty).tolist()
    assert fast[1].tolist() == [None, "=1/0", '=IF(A2="A","<x>",2)', None]
    assert fast[2, 2] == "#N/A" and fast[2, 3] == "=SUM(D2:D2)"


def test_formula_scan_gives_shared_formulas_their_first_cells_text() -> None:
    from indicator.reading.tables import _formula_texts

    body = ('<row r="1"><c r="A1" t="inlineStr"><is><t>kylä</t></is></c></row>'
            '<row r="2"><c r="B2"><f t="shared" ref="B2:B4" si="0">A2*2</f></c></row>'
            '<row r="3"><c r="B3"><f t="shared" si="0"/></c><c r="C3" t="e"><v>#REF!</v></c></row>'
            '<row r="4"><c r="B4"><f t="shared" si="0"/><v>8</v></c></row>')
    texts = _formula_texts(xlsx_parts(sheet_xml(body, "A1:C4")), "Vastaukset")
    assert texts == {(1, 1): "=A2*2", (2, 1): "=A2*2", (2, 2): "#REF!", (3, 1): "=A2*2"}
    prefixed = sheet_xml(body, "A1:C4").replace("<sheetData>", "<x:sheetData>").replace("</sheetData>",
                                                                                       "</x:sheetData>")
    assert _formula_texts(xlsx_parts(prefixed), "Vastaukset") is None  # openpyxl reads such sheets
    assert _formula_texts(xlsx_parts(sheet_xml(body.replace('<c r="B3">', "<c>"), "A1:C4")), "Vastaukset") is None
