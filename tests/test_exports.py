"""Survey-export writers: each tool's layout, labels, personal columns and determinism."""

from __future__ import annotations

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from indicator.errors import IndicatorError
from indicator.framework import load
from tools.demo_exports.exports import TOOLS, export_bytes, readable_truth, suffix, write_export

NAN = float("nan")


@pytest.fixture(scope="module")
def fw():
    return load()


@pytest.fixture(scope="module")
def truth(fw) -> pd.DataFrame:
    """Three respondents in two villages; E1 = 5, 2, missing; E3 yes, no, missing; E5 2.5, 12, 0."""
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({
        "village": ["Verla", "Verla", "Utti"], "respondent": ["2", "3", "4"],
        "date": pd.to_datetime(["2025-03-01 09:15:27", "2025-03-02 18:00:05", "2025-04-11 07:30:00"]),
    })
    for item in fw.items:
        low, high = (1, 6) if item.type == "likert5" else (0, 2) if item.type == "yesno" else (0, 20)
        frame[item.id] = rng.integers(low, high, 3).astype(float)
    frame["E1"] = [5.0, 2.0, NAN]
    frame["E3"] = [1.0, 0.0, NAN]
    frame["E5"] = [2.5, 12.0, 0.0]
    return frame


def csv_rows(data: bytes, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


def xlsx_rows(data: bytes) -> tuple[str, list[list[object]]]:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    return ws.title, [list(r) for r in ws.iter_rows(values_only=True)]


def column(rows, header: str, header_rows: int = 1) -> list:
    j = rows[0].index(header)
    return [r[j] for r in rows[header_rows:]]


def test_suffixes():
    assert [suffix(t) for t in ("forms", "webropol_numbers", "generic_xlsx")] == [".xlsx"] * 3
    assert {suffix(t) for t in TOOLS} == {".csv", ".xlsx"}
    with pytest.raises(IndicatorError, match="unknown survey tool 'questback'"):
        suffix("questback")


def test_webropol_text(fw, truth):
    rows = csv_rows(export_bytes(truth, fw, "webropol_text"), ";")
    assert rows[0][:2] == ["Vastausaika", "Asuinkylä"]
    assert rows[1][0] == "1.3.2025 9:15:27"
    e1 = next(h for h in rows[0] if h.replace("\u00a0", " ").startswith("Kylän alueelle on viime vuosina"))
    assert e1.endswith(".:")
    assert column(rows, e1)[:2] == ["Täysin samaa mieltä", "Jokseenkin eri mieltä"]
    assert column(rows, e1)[2] in ("", "En osaa sanoa")
    e5 = next(h for h in rows[0] if h.startswith("Kuinka monta paikallista"))
    assert column(rows, e5) == ["2,5", "12", "0"]
    assert "Sähköposti" in rows[0] and "@example.fi" in column(rows, "Sähköposti")[0]
    assert any("\u00a0" in h for h in rows[0])


def test_webropol_numbers_zero_for_blank(fw, truth):
    title, rows = xlsx_rows(export_bytes(truth, fw, "webropol_numbers"))
    assert rows[0][:2] == ["Vastausaika", "Asuinkylä"]
    e1 = next(h for h in rows[0] if h.replace("\u00a0", " ").startswith("Kylän alueelle"))
    assert column(rows, e1) == [5, 2, 0]
    e3 = next(h for h in rows[0] if h.startswith("Kylällä on käytettävissä"))
    assert column(rows, e3) == ["Kyllä", "Ei", 0]


def test_forms_workbook(fw, truth):
    data = export_bytes(truth, fw, "forms", lang="en")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    assert ws.title == "Sheet1" and list(ws.tables) == ["Table1"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0][:6] == ["ID", "Start time", "Completion time", "Email", "Name", "Village"]
    assert column(rows, "ID") == [1, 2, 3]
    assert column(rows, "Completion time")[0] == pd.Timestamp("2025-03-01 09:15:27")
    assert ws["C2"].number_format == "m/d/yy h:mm:ss"
    assert ws["D2"].hyperlink.target.startswith("mailto:")
    e1 = fw.item("E1").text["en"]
    assert column(rows, e1)[:2] == ["Strongly agree", "Disagree"]
    assert column(rows, fw.item("E3").text["en"])[:2] == ["Yes", "No"]


def test_google_grid_headers(fw, truth):
    rows = csv_rows(export_bytes(truth, fw, "google", lang="sv"), ",")
    assert rows[0][:3] == ["Timestamp", "Email Address", "Vilken by?"]
    assert rows[1][0] == "3/1/2025 9:15:27"
    grid = f"Näringar och företagande: Hur väl instämmer du i följande påståenden? [{fw.item('E1').text['sv']}]"
    assert column(rows, grid)[:2] == ["Helt av samma åsikt", "Delvis av annan åsikt"]
    assert column(rows, fw.item("E3").text["sv"])[:2] == ["Ja", "Nej"]
    assert column(rows, fw.item("E5").text["sv"]) == ["2,5", "12", "0"]
    english = csv_rows(export_bytes(truth, fw, "google", lang="en"), ",")
    assert column(english, fw.item("E5").text["en"]) == ["2.5", "12", "0"]


def test_limesurvey_codes(fw, truth):
    data = export_bytes(truth, fw, "limesurvey")
    assert data.startswith(b"\xef\xbb\xbf\"id\";\"submitdate\"") and b"\r\n" in data
    rows = csv_rows(data, ";")
    assert rows[0][:10] == ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp",
                            "ipaddr", "refurl", "kyla"]
    assert column(rows, "elinkeinot[E1]") == ["5", "2", ""]
    assert column(rows, "E3") == ["Kyllä", "Ei", ""]
    assert column(rows, "submitdate")[0] == "2025-03-01 09:15:27"
    assert column(rows, "ipaddr")[0].startswith(("192.0.2.", "198.51.100.", "203.0.113."))


def test_kobo_group_paths(fw, truth):
    data = export_bytes(truth, fw, "kobo")
    assert data.startswith(b'"start";"end";"kyla"') and b"\r\n" in data
    rows = csv_rows(data, ";")
    assert column(rows, "elinkeinot/E3") == ["yes", "no", ""]
    assert column(rows, "end")[0] == "2025-03-01T09:15:27.000+02:00"
    assert column(rows, "_submission_time")[0] == "2025-03-01T07:15:57"
    assert {"_uuid", "_submitted_by", "_index"} <= set(rows[0])


def test_surveymonkey_two_header_rows(fw, truth):
    rows = csv_rows(export_bytes(truth, fw, "surveymonkey", lang="en"), ",")
    assert rows[0][:9] == ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
                           "Email Address", "First Name", "Last Name", "Custom Data 1"]
    assert rows[1][:10] == [""] * 9 + ["Response"]
    j = rows[1].index(fw.item("E1").text["en"])
    assert rows[0][j].startswith("Livelihoods and entrepreneurship: How much do you agree")
    assert rows[0][j + 1] == "" and rows[1][j + 1] == fw.item("E2").text["en"]
    assert [r[j] for r in rows[2:4]] == ["Strongly agree", "Disagree"]
    k = rows[0].index(fw.item("E5").text["en"])
    assert rows[1][k] == "Open-Ended Response" and [r[k] for r in rows[2:]] == ["2.5", "12", "0"]
    assert rows[2][3] == "03/01/2025 09:15:27 AM"


def test_typeform_metadata(fw, truth):
    rows = csv_rows(export_bytes(truth, fw, "typeform"), ",")
    assert rows[0][:2] == ["#", "Mikä on asuinkyläsi?"]
    assert rows[0][-6:] == ["Response Type", "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)",
                            "Network ID", "Tags"]
    assert column(rows, "Submit Date (UTC)")[0] == "2025-03-01 07:15:27"   # 09:15:27 in Helsinki (EET)
    assert column(rows, fw.item("E1").text["fi"]) == ["5", "2", ""]
    assert column(rows, fw.item("E3").text["fi"]) == ["1", "0", ""]


def test_generic_layouts(fw, truth):
    rows = csv_rows(export_bytes(truth, fw, "generic_csv"), ";")
    assert rows[0][:3] == ["Kylä", "Päivämäärä", f"E1. {fw.item('E1').text['fi']}"]
    assert rows[0][-2:] == ["Nimi", "Puhelin"]
    assert [r[2] for r in rows[1:]] == ["5", "2", ""]
    title, xrows = xlsx_rows(export_bytes(truth, fw, "generic_xlsx"))
    assert xrows[0][:3] == ["Kylä", "Päivämäärä", "E1"]
    assert column(xrows, "E5") == [2.5, 12, 0]
    assert column(xrows, "E3")[:2] == ["Kyllä", "Ei"]


@pytest.mark.parametrize("tool", TOOLS)
def test_every_tool_writes_personal_columns_and_villages(fw, truth, tool, tmp_path):
    target = tmp_path / f"x{suffix(tool)}"
    write_export(truth, fw, tool, target, lang="fi", seed=1)
    data = target.read_bytes()
    if suffix(tool) == ".xlsx":
        assert data[:4] == b"PK\x03\x04"
        rows = xlsx_rows(data)[1]
    else:
        text = data.decode("utf-8-sig")
        rows = csv_rows(data, ";" if text.count(";") > text.count(",") else ",")
    headers = " ".join(str(h) for h in rows[0]).casefold()
    assert any(word in headers for word in ("email", "sähköposti", "ipaddr", "nimi", "_submitted_by"))
    flat = [str(v) for r in rows for v in r]
    assert "Verla" in flat and "Utti" in flat
    villages = {a.casefold() for a in fw.village_aliases}
    assert any(str(h).rstrip("?").casefold() in villages for h in rows[0])


@pytest.mark.parametrize("tool", TOOLS)
def test_deterministic_for_a_seed(fw, truth, tool):
    one = export_bytes(truth, fw, tool, seed=5)
    assert one == export_bytes(truth, fw, tool, seed=5)
    buffer = io.BytesIO()
    write_export(truth, fw, tool, buffer, seed=5)
    assert buffer.getvalue() == one
    assert export_bytes(truth, fw, tool, seed=6) != one


def test_readable_truth_drops_webropol_zeros(fw, truth):
    back = readable_truth(truth, fw, "webropol_numbers")
    assert back["E5"].isna().tolist() == [False, False, True]
    assert back["E3"].tolist()[:2] == [1.0, 0.0]
    assert readable_truth(truth, fw, "forms")["E5"].tolist() == [2.5, 12.0, 0.0]


def test_bad_language_and_truth(fw, truth):
    with pytest.raises(IndicatorError, match="unknown language 'de'"):
        export_bytes(truth, fw, "forms", lang="de")
    with pytest.raises(IndicatorError, match="'village' column"):
        export_bytes(truth.drop(columns="village"), fw, "forms")


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_round_trip_through_the_reader(fw, truth, tool, lang):
    reading = pytest.importorskip("indicator.reading")
    result = reading.read_survey(export_bytes(truth, fw, tool, lang=lang), fw, filename=f"x{suffix(tool)}")
    expected = readable_truth(truth, fw, tool)
    assert result.report.problems == []
    assert sorted(result.report.villages) == ["Utti", "Verla"]
    assert result.report.dropped_personal
    for item in fw.item_ids:
        np.testing.assert_allclose(result.responses[item].to_numpy(float), expected[item].to_numpy(float))
