"""Reading survey files: generic layouts, column mapping, villages, dates, report (docs/survey-files.md, docs/cli.md)."""

from __future__ import annotations

import datetime as dt
import io
import math
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.errors import NoVillageColumnError, ReadError
from indicator.framework import loads
from indicator.reading import (
    RoundMismatch,
    check_round,
    file_round,
    mapping,
    read_survey,
    round_choices,
    round_mismatch,
    template_from,
)
from indicator.reading.layouts import combine_rows
from indicator.reading.mapping import Matcher, column_letter, is_personal, map_columns

FRAMEWORK = loads(
    """
[indicator]
id = "t"
name = "Testi"
version = "1"
baseline_year = 2024
target_year = 2030
village_aliases = ["kylä", "village", "mikä kylä"]

[[bands]]
id = "a"
min = 0
name = "A"

[[dimensions]]
id = "d"
name = "D"

[[items]]
id = "E1"
dimension = "d"
text = { fi = "Kylässä on hyvät palvelut", sv = "Byn har bra service", en = "The village has good services" }
type = "likert5"
lower = 1
target = 5

[[items]]
id = "E2"
dimension = "d"
text = { fi = "Onko kylässä kauppa", en = "Is there a shop" }
aliases = ["kauppa"]
type = "yesno"
lower = 0
target = 100

[[items]]
id = "E3"
dimension = "d"
text = "Asukasmäärä"
type = "number"
lower = 0
target = 1000
""",
    "test.toml",
)

CSV = (
    "Kylä;Sähköposti;E1. Kylässä on hyvät palvelut?;Onko kylässä kauppa:;Asukasmäärä;Vastausaika;Muuta\r\n"
    "Ahvio;a@b.fi;Täysin samaa mieltä;Kyllä;1 950;1.5.2024 12:00;x\r\n"
    "Ahvio;;3;Ei;3,5;2.5.2024 8:00:05;\r\n"
    "Sippola;;foo;maybe;;3.5.2025 9:00;\r\n"
    ";;;;;;\r\n"
    ";;4;;;;\r\n"
)


def xlsx(rows: list[list[object]], title: str = "Sheet1") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_generic_csv_values_report_and_problems() -> None:
    result = read_survey(CSV.encode("utf-8"), FRAMEWORK, filename="kysely.csv")
    table, report = result.responses, result.report
    assert list(table.columns) == ["village", "respondent", "date", "E1", "E2", "E3"]
    assert table["village"].tolist() == ["Ahvio", "Ahvio", "Sippola"]
    assert table["respondent"].tolist() == ["2", "3", "4"]
    assert table["E1"].tolist()[:2] == [5.0, 3.0] and math.isnan(table["E1"][2])
    assert table["E2"].tolist()[:2] == [1.0, 0.0]
    assert table["E3"].tolist()[:2] == [1950.0, 3.5]
    assert table["date"].dtype == "datetime64[ns]"
    assert table["date"][1] == pd.Timestamp("2024-05-02 08:00:05")
    d = report.to_dict()
    assert list(d)[:8] == ["file", "source_tool", "rows", "villages", "mapped", "unmapped",
                           "dropped_personal", "problems"]
    # rows counts the data rows of the file: row 6 has answers but no village (left out, a problem)
    assert d["file"] == "kysely.csv" and d["rows"] == 4 and d["villages"] == ["Ahvio", "Sippola"]
    assert d["mapped"] == {"E1. Kylässä on hyvät palvelut?": "E1", "Onko kylässä kauppa:": "E2",
                           "Asukasmäärä": "E3"}
    assert d["dropped_personal"] == ["Sähköposti"]
    assert d["unmapped"] == ["Vastausaika", "Muuta"]
    problems = [(p["row"], p["column"], p["value"]) for p in d["problems"]]
    assert problems == [(4, "E1. Kylässä on hyvät palvelut?", "foo"), (4, "Onko kylässä kauppa:", "maybe"),
                        (6, "Kylä", None)]
    assert "column C 'E1. Kylässä on hyvät palvelut?'" in d["problems"][0]["message"]
    assert report.respondents == 2
    assert report.latest_date == dt.datetime(2025, 5, 3, 9, 0)
    assert file_round(report) == 2025
    assert "a@b.fi" not in table.to_string()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_encodings_and_delimiters_round_trip(encoding: str, delimiter: str) -> None:
    text = CSV.replace(";", delimiter) if delimiter != "," else CSV.replace(",", ".").replace(";", ",")
    result = read_survey(text.encode(encoding), FRAMEWORK, filename="k.csv")
    assert result.report.encoding == ("cp1252" if encoding == "cp1252" else "utf-8")
    assert result.report.delimiter == delimiter
    assert result.responses["E1"].tolist()[:2] == [5.0, 3.0]
    assert result.responses["village"].tolist() == ["Ahvio", "Ahvio", "Sippola"]


def test_comma_csv_with_unquoted_semicolons_in_text() -> None:
    text = "village,E1,note\r\nA,4,a;b;c\r\nA,5,x;y\r\nB,2,\r\n"
    result = read_survey(text.encode(), FRAMEWORK, filename="f.csv")
    assert result.report.delimiter == ","
    assert result.responses["E1"].tolist() == [4.0, 5.0, 2.0]


def test_na_text_is_kept_and_reported() -> None:
    result = read_survey(b"village;E3\nNA;NA\nNA;5\n", FRAMEWORK, filename="na.csv")
    assert result.responses["village"].tolist() == ["NA", "NA"]
    assert [p.value for p in result.report.problems] == ["NA"]


def test_xlsx_with_metadata_rows_offset_header_and_formulas() -> None:
    data = xlsx([
        ["Kyselyn raportti"],
        [],
        ["Village", "Email", "E1", "kauppa", "E3"],
        ["A", "x@y", "Agree", "Yes", 5],
        ["A", "", "=1+1", True, "=HYPERLINK(\"x\",\"y\")"],
    ])
    result = read_survey(data, FRAMEWORK, filename="f.xlsx")
    report = result.report
    assert report.header_row == 3 and report.sheet == "Sheet1"
    assert result.responses["respondent"].tolist() == ["4", "5"]
    assert result.responses["E1"].tolist()[0] == 4.0
    assert result.responses["E2"].tolist() == [1.0, 1.0]
    assert [(p.row, p.column, p.value) for p in report.problems] == [
        (5, "E1", "=1+1"), (5, "E3", '=HYPERLINK("x","y")')]
    assert "never evaluated" in report.problems[0].message


def test_first_sheet_with_an_item_column_is_used() -> None:
    book = openpyxl.Workbook()
    book.active.append(["Ohjeet"])
    book.active.append(["Täytä lomake"])
    data_sheet = book.create_sheet("Vastaukset")
    data_sheet.append(["kylä", "E1"])
    data_sheet.append(["A", 2])
    out = io.BytesIO()
    book.save(out)
    result = read_survey(out.getvalue(), FRAMEWORK, filename="w.xlsx")
    assert result.report.sheet == "Vastaukset" and result.responses["E1"].tolist() == [2.0]


def test_matching_rules() -> None:
    matcher = Matcher.from_framework(FRAMEWORK)
    headers = ["E1) x", "e2 - kauppa", "E10", "Byn har bra service", "Kysymys [Asukasmäärä]", "Kylä", "Nimi"]
    cols = map_columns(headers, matcher, item_ids=FRAMEWORK.item_ids)
    # an exact text beats an id prefix ("E1) x"); "E10" is not E1
    assert cols.items == {1: "E2", 3: "E1", 4: "E3"}
    assert cols.village == 5 and cols.personal == [6]
    assert cols.unmapped == [0, 2]
    assert any(w.startswith("column A 'E1) x' also matches item E1") for w in cols.warnings)


def test_grid_and_path_headers_match_by_row() -> None:
    matcher = Matcher.from_framework(FRAMEWORK)
    cols = map_columns(["Q - Kylässä on hyvät palvelut", "group/E2", "Points - Asukasmäärä"], matcher)
    assert cols.items == {0: "E1", 1: "E2"}


OLD_ENDINGS = {  # the regular expressions `_ending` replaces (quadratic on a long line of spaces)
    "bracket": (re.compile(r"^(.*?)\s*\[([^\[\]]+)\]$"), mapping._BRACKET_END),
    "letter": (re.compile(r"^(.*?)\s*\(([A-Z]{1,3})\)$"), mapping._LETTER_END),
}


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab C[]()\n\t\u00a0\u2003", max_size=10), st.sampled_from(["", " ", "\n", " \t\u00a0"]),
       st.sampled_from(["", "[x]", "[a b]", "[]", "[a[b]", "[a]]", "[x]\n", "(C)", "(AB)", "(ABCD)", "(c)", "(C)\n"]),
       st.sampled_from(sorted(OLD_ENDINGS)))
def test_a_headers_ending_is_what_the_old_expression_matched(start: str, space: str, end: str, kind: str) -> None:
    old, pattern = OLD_ENDINGS[kind]
    text = start + space + end
    found = old.match(text)
    assert mapping._ending(pattern, text) == (found.groups() if found else None)


def test_a_header_of_thousands_of_dashes_is_split_a_bounded_number_of_times() -> None:
    """Only the first ``MAX_DASH_PARTS`` splits per kind of dash are tried ("a - " 8,000 times once took 28 s
    to match and 56 s to check for personal data); a real grid header has one or two."""
    header = "q - " * 8_000 + "sähköposti"
    parts = Matcher._row_parts(header)
    assert len(parts) == mapping.MAX_DASH_PARTS and parts[0] == header[4:]
    assert is_personal(header)  # the whole header is searched too
    assert is_personal("Yhteystiedot - Kysymys - Sähköposti") and is_personal("Yhteystiedot [Sähköposti]")


def test_overrides_and_templates() -> None:
    data = b"kyla;Palvelut;Shop;Asukkaat\nA;4;1;300\n"
    with pytest.raises(ReadError, match="no column matches an item"):
        read_survey(data, FRAMEWORK, filename="o.csv", village="A")
    result = read_survey(data, FRAMEWORK, filename="o.csv", village_column="kyla",
                         overrides={"Palvelut": "E1", "Shop": "E2", "D": "E3"})
    assert result.report.mapped == {"Palvelut": "E1", "Shop": "E2", "Asukkaat": "E3"}
    template = template_from(result.report)
    again = read_survey(data, FRAMEWORK, filename="o2.csv", village_column=template["village_column"],
                        overrides=template["mapping"])
    assert again.report.header_signature == result.report.header_signature
    assert again.responses[["E1", "E2", "E3"]].iloc[0].tolist() == [4.0, 1.0, 300.0]
    with pytest.raises(ReadError, match="not an item"):
        read_survey(data, FRAMEWORK, filename="o.csv", village="A", overrides={"Palvelut": "ZZ"})


def test_village_rules() -> None:
    data = b"E1;E2\n4;Kyll\xc3\xa4\n;\n"
    with pytest.raises(NoVillageColumnError, match="no village column") as caught:
        read_survey(data, FRAMEWORK, filename="v.csv")
    assert isinstance(caught.value, ReadError)
    result = read_survey(data, FRAMEWORK, filename="v.csv", village="  Sippola ")
    assert result.responses["village"].tolist() == ["Sippola"]
    assert result.report.villages == ["Sippola"]
    with pytest.raises(ReadError, match="no column 'Kylä'"):
        read_survey(data, FRAMEWORK, filename="v.csv", village_column="Kylä")


def test_unknown_village_warning_with_registry() -> None:
    registry = pd.DataFrame({"village": ["Sippola", "Ahvio"]})
    result = read_survey("kyla;E1\nSipola;4\nAhvio;3\nahvio;3\nAhvion kylä;2\n".encode(), FRAMEWORK, filename="r.csv",
                         village_column="kyla", registry=registry)
    warnings = [w for w in result.report.warnings if "registry" in w]
    assert warnings == ["village 'Sipola' is not in the village registry; nearest: Sippola",
                        "village 'Ahvion kylä' is written differently from its registry name 'Ahvio'"]


def test_reversed_item_warning() -> None:
    two = FRAMEWORK.items[0]
    assert two.id == "E1"
    fw = loads(
        """
[indicator]
id = "r"
name = "R"
version = "1"
baseline_year = 2024
target_year = 2030
[[bands]]
id = "a"
min = 0
name = "A"
[[dimensions]]
id = "d"
name = "D"
"""
        + "".join(
            f'[[items]]\nid = "Q{k}"\ndimension = "d"\ntext = "q{k}"\ntype = "likert5"\nlower = 1\ntarget = 5\n'
            for k in range(1, 5)
        )
    )
    rng = np.random.default_rng(0)
    base = rng.integers(1, 6, 40)
    noisy = lambda: np.clip(base + rng.integers(-1, 2, 40), 1, 5)  # noqa: E731
    rows = ["kylä;Q1;Q2;Q3;Q4"] + [f"A;{a};{b};{c};{6 - d}" for a, b, c, d in
                                    zip(noisy(), noisy(), noisy(), noisy(), strict=True)]
    result = read_survey("\n".join(rows).encode(), fw, filename="rev.csv")
    flagged = [w for w in result.report.warnings if "run opposite" in w]
    assert len(flagged) == 1 and flagged[0].startswith("item Q4")


def test_check_round_and_file_round() -> None:
    result = read_survey(CSV.encode(), FRAMEWORK, filename="k.csv")
    assert check_round(result.report, 2025) != []  # answers span 2024-2025
    assert "stored as round 2023" in check_round(result.report, 2023)[0]
    no_dates = read_survey(b"kyla;E1\nA;3\n", FRAMEWORK, filename="n.csv", village_column="kyla")
    assert file_round(no_dates.report, today=dt.date(2031, 1, 2)) == 2031
    assert check_round(no_dates.report, 2024) == []


def test_round_mismatch_names_the_answer_years() -> None:
    result = read_survey(CSV.encode(), FRAMEWORK, filename="k.csv")  # answers dated 2024 and 2025
    assert round_mismatch(result.report, 2025) == RoundMismatch(2024, 2025, 2025)
    assert not round_mismatch(result.report, 2025).outside
    assert round_mismatch(result.report, 2023).outside
    one_year = read_survey(CSV.replace("3.5.2025", "3.5.2024").encode(), FRAMEWORK, filename="k.csv")
    assert round_mismatch(one_year.report, 2024) is None
    assert round_mismatch(one_year.report, 2026) == RoundMismatch(2024, 2024, 2026)
    no_dates = read_survey(b"kyla;E1\nA;3\n", FRAMEWORK, filename="n.csv", village_column="kyla")
    assert round_mismatch(no_dates.report, 2024) is None


def test_round_choices_run_from_next_year_to_two_years_before_the_baseline() -> None:
    assert round_choices(2024, today=dt.date(2026, 3, 1)) == [2027, 2026, 2025, 2024, 2023, 2022]
    assert round_choices(2030, today=dt.date(2026, 3, 1)) == [2027, 2026]  # this year is always a choice


def test_two_header_rows_combined() -> None:
    assert combine_rows(["Respondent ID", "Q", None, "R", "S"],
                        [None, "Response", "Yes", "Open-Ended Response", "x"]) == [
        "Respondent ID", "Q", "Q - Yes", "R", "S - x"]


def test_surveymonkey_style_matrix_file() -> None:
    data = xlsx([
        ["Respondent ID", "Collector ID", "Email Address", "Mikä kylä?", "Arvioi", None, None],
        [None, None, None, "Response", "Kylässä on hyvät palvelut", "kauppa", "Asukasmäärä"],
        [111, 5, "a@b", "Ahvio", "Jokseenkin samaa mieltä", "Ei", "120"],
    ])
    result = read_survey(data, FRAMEWORK, filename="sm.xlsx")
    assert result.report.source_tool == "surveymonkey"
    assert result.report.mapped == {"Arvioi - Kylässä on hyvät palvelut": "E1", "Arvioi - kauppa": "E2",
                                    "Arvioi - Asukasmäärä": "E3"}
    assert result.responses[["E1", "E2", "E3"]].iloc[0].tolist() == [4.0, 0.0, 120.0]
    assert result.responses["respondent"].tolist() == ["3"]
    assert result.report.dropped_personal == ["Email Address"]


def test_personal_detection() -> None:
    for header in ["email", "e-mail", "email address", "sähköposti", "e-post", "name", "first name",
                   "last name", "nimi", "etunimi", "sukunimi", "namn", "puhelin", "phone number",
                   "osoite", "address", "ip address", "ipaddr", "custom data 1", "_submitted_by", "network id"]:
        assert is_personal(header), header
    for header in ["kylä", "e1", "vastausaika", "timestamp", "id"]:
        assert not is_personal(header), header


def test_column_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701, 702)] == ["A", "Z", "AA", "AB", "ZZ", "AAA"]


def test_personal_grid_parts_and_template_with_duplicate_headers() -> None:
    assert is_personal("yhteystiedot - sukunimi") and is_personal("contact [email]")
    data = "kylä;Palvelut;Palvelut;Yhteystiedot - Sukunimi\nA;4;2;Virtanen\n".encode()
    first = read_survey(data, FRAMEWORK, filename="d.csv", overrides={"Palvelut (C)": "E1"})
    assert first.report.mapped == {"Palvelut (C)": "E1"}
    assert first.report.dropped_personal == ["Yhteystiedot - Sukunimi"]
    again = read_survey(data, FRAMEWORK, filename="d.csv", overrides=template_from(first.report)["mapping"])
    assert again.responses["E1"].tolist() == [2.0]
    assert "Virtanen" not in again.responses.to_string()


LABELS_FI = ("Täysin eri mieltä", "Jokseenkin eri mieltä", "Ei samaa eikä eri mieltä", "Jokseenkin samaa mieltä",
             "Täysin samaa mieltä")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["Ahvio", "Sippola", "Äijälä"]), st.one_of(st.none(), st.integers(1, 5)),
                       st.one_of(st.none(), st.booleans()),
                       st.one_of(st.none(), st.decimals(-5000, 5000, places=2).map(float))),
             min_size=1, max_size=15),
    st.sampled_from([";", ",", "\t"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]),
    st.booleans(),
)
def test_generic_csv_round_trip(rows: list, delimiter: str, encoding: str, labels: bool) -> None:
    def number(x: float | None) -> str:
        if x is None:
            return ""
        text = f"{x:,.2f}".replace(",", "\u00a0" if encoding != "cp1252" else " ").replace(".", ",")
        return f'"{text}"'

    lines = [delimiter.join(["Kylä", "E1", "Onko kylässä kauppa?", "Asukasmäärä"])]
    for village, e1, e2, e3 in rows:
        cells = [village, "" if e1 is None else (LABELS_FI[e1 - 1] if labels else str(e1)),
                 "" if e2 is None else ("Kyllä" if e2 else "Ei"), number(e3)]
        lines.append(delimiter.join(cells))
    result = read_survey("\r\n".join(lines).encode(encoding), FRAMEWORK, filename="h.csv")
    assert result.report.problems == []
    table = result.responses
    kept = rows  # a row with a village and no answers is kept (it is not a respondent)
    assert table["village"].tolist() == [r[0] for r in kept]
    assert result.report.respondents == sum(r[1:] != (None, None, None) for r in rows)
    assert table["E1"].tolist() == pytest.approx([np.nan if r[1] is None else r[1] for r in kept], nan_ok=True)
    assert table["E2"].tolist() == pytest.approx([np.nan if r[2] is None else float(r[2]) for r in kept],
                                                 nan_ok=True)
    assert table["E3"].tolist() == pytest.approx([np.nan if r[3] is None else r[3] for r in kept], nan_ok=True)


def test_report_is_json_and_signature_is_stable() -> None:
    import json

    from indicator.reading import header_signature

    report = read_survey(CSV.encode(), FRAMEWORK, filename="k.csv").report
    again = json.loads(json.dumps(report.to_dict()))
    assert again["latest_date"] == "2025-05-03T09:00:00" and again["problems"][0]["row"] == 4
    assert header_signature(["Kylä", "E1 ?"]) == header_signature(["KYLÄ", "e1\u00a0"])
    assert header_signature(["Kylä", "E1"]) != header_signature(["E1", "Kylä"])
    assert len(report.header_signature) == 16


def test_loose_text_matches_come_last() -> None:
    matcher = Matcher.from_framework(FRAMEWORK)
    assert matcher.match("kylässä on hyvät palvelut.") == ("E1", 5)
    assert matcher.match("kylässä on hyvät palvelut: esimerkiksi kauppa ja koulu") == ("E1", 5)
    assert matcher.match("kylässä on hyvät palvelutalot") is None
    assert matcher.match("asukasmäärä: arvio") is None  # too short a text to take help text after it
    cols = map_columns(["Kylässä on hyvät palvelut: selitys", "E1"], matcher)
    assert cols.items == {1: "E1"}


def test_empty_village_column_is_an_error_not_an_empty_result() -> None:
    with pytest.raises(ReadError, match="empty on every row with answers"):
        read_survey(b"kyla;E1\n;4\n;3\n", FRAMEWORK, filename="e.csv", village_column="kyla")
    result = read_survey(b"kyla;E1\n;4\n;3\n", FRAMEWORK, filename="e.csv", village="Anjala")
    assert result.responses["E1"].tolist() == [4.0, 3.0]
