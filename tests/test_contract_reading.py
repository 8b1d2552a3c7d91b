"""docs/survey-files.md §2-§3 (reading a survey file) and `import --json` (docs/cli.md), through the command line.

Framework: one item per dimension (see `one_item_per_dimension`), min_respondents 1, so each dimension
score is its item's score:  dE1 = 25*(mean-1),  dE2 = % yes,  dE3 = median/100.
Each file holds one village, scored on its own with `score FILE --round 2025 --format json`.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.test_contract_support import ok, one_item_per_dimension, rows_json, run_many, write_framework

NBSP, NNBSP = "\u00a0", "\u202f"


def _xlsx_with_cached_formula(path: Path, cached: bool) -> None:
    """Sheet 1 'Ohje' has no item column; sheet 2 holds the answers.  Row 2: E1 is =2+2 (cached 4),
    E2 is =IF(TRUE,"Kyllä","Ei") (cached text "Kyllä")."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Ohje"
    ws.append(["Tervetuloa", "Ohjeet"])
    ws.append(["Täytä lomake", "kiitos"])
    data = wb.create_sheet("Vastaukset")
    data.append(["Paikkakunta", "E1", "E2", "E3"])
    name = "V05" if cached else "V05b"
    data.append([name, "=2+2", '=IF(TRUE,"Kyllä","Ei")', 500])
    data.append([name, 2 if cached else 4, 0, 1500])
    wb.save(path)
    if cached:  # openpyxl writes no cached values (<v/> or <v></v> by version): add them as a spreadsheet program would
        with zipfile.ZipFile(path) as z:
            parts = {n: z.read(n) for n in z.namelist()}
        sheet = "xl/worksheets/sheet2.xml"
        xml = parts[sheet].decode("utf-8")
        xml, n = re.subn(r"<f>2\+2</f>\s*<v\s*(?:/>|></v>)", "<f>2+2</f><v>4</v>", xml)
        assert n == 1, xml
        xml, n = re.subn(r'<c r="C2"([^>]*)><f>(.*?)</f>\s*<v\s*(?:/>|></v>)', r'<c r="C2" t="str"><f>\2</f><v>Kyllä</v>', xml)
        assert n == 1, xml
        parts[sheet] = xml.encode("utf-8")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for n_, data_ in parts.items():
                z.writestr(n_, data_)


def _surveymonkey_xlsx(path: Path) -> None:
    """The SurveyMonkey layout of f06 as a workbook (merged-looking blank cells are just empty)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["Respondent ID", "Paikkakunta", "Arvioi kylääsi", None, "Asukasluku", "Email Address"])
    ws.append([None, "Response", "Kylässä on hyvä asua", "Onko kylässä kauppa", "Open-Ended Response", None])
    ws.append([1, "V06x", "Täysin samaa mieltä", "Kyllä", 300, "a@b.fi"])
    ws.append([2, "V06x", "Jokseenkin samaa mieltä", "Kyllä", 500, "c@d.fi"])
    wb.save(path)


def _files(tmp: Path) -> dict[str, tuple[Path, dict[str, Any]]]:
    """name -> (file, expected row: respondents and dimension scores, None = no score)."""
    f: dict[str, tuple[Path, dict[str, Any]]] = {}

    # E1. / E2) / E3 - prefixes; "1 950" with a plain space.  E1 (4+2)/2 = 3 -> 50; E2 1 of 2 -> 50;
    # E3 median(1950, 2050) = 2000 -> 20
    p = tmp / "f01.csv"
    p.write_text(
        "Paikkakunta;E1. Kylässä on hyvä asua;E2) Onko kauppa?;E3 - Asukasluku;E12 muu\n"
        "V01;4;Kyllä;1 950;x\nV01;2;Ei;2 050;y\n",
        encoding="utf-8",
    )
    f["V01"] = (p, dict(respondents=2, dE1=50.0, dE2=50.0, dE3=20.0))

    # utf-8 with BOM, comma, case differences, "e1:" prefix, decimal comma "3,5" -> 0.035
    # E1 (5+3)/2 = 4 -> 75; E2 Ja, ja -> 100; E3 median(3.5, 4.5) = 4 -> 0.04
    p = tmp / "f02.csv"
    p.write_text('SETTLEMENT,e1: jotain,e2,E3\nV02,5,Ja,"3,5"\nV02,3,ja,"4,5"\n', encoding="utf-8-sig")
    f["V02"] = (p, dict(respondents=2, dE1=75.0, dE2=100.0, dE3=0.04))

    # Windows-1252, tab, Swedish texts with "?" and ":" endings, NBSP thousands
    # E1 Helt av samma åsikt 5, Helt av annan åsikt 1 -> 3 -> 50; E2 Nej, Ja -> 50; E3 median(1200,800) = 1000 -> 10
    p = tmp / "f03.csv"
    p.write_bytes(
        (
            "Ort\tDet är bra att bo i byn\tFinns det en butik i byn?\tInvånarantal:\n"
            f"V03\tHelt av samma åsikt\tNej\t1{NBSP}200\n"
            "V03\tHelt av annan åsikt\tJa\t800\n"
        ).encode("cp1252")
    )
    f["V03"] = (p, dict(respondents=2, dE1=50.0, dE2=50.0, dE3=10.0))

    # English texts in other case, NBSP and doubled spaces inside, trailing " ?: "; an alias for E2;
    # narrow NBSP thousands.  E1 Strongly agree 5, Neither agree nor disagree 3, Neutral 3 -> 11/3
    # -> 25*(11/3-1) = 66.67; E2 Yes, No, true -> 66.67; E3 median(1950, 2050, 3000) = 2050 -> 20.5
    p = tmp / "f04.csv"
    p.write_text(
        f'Settlement,"THE VILLAGE IS A GOOD{NBSP}PLACE  TO LIVE ?: ",shop in village:,population\n'
        f"V04,Strongly agree,Yes,1{NNBSP}950\nV04,Neither agree nor disagree,No,2 050\nV04,Neutral,true,3000\n",
        encoding="utf-8",
    )
    f["V04"] = (p, dict(respondents=3, dE1=200 / 3, dE2=200 / 3, dE3=20.5))

    # xlsx, first sheet without item columns, formula cell WITH cached value 4:
    # E1 (4+2)/2 = 3 -> 50; E2 1/0 -> 50; E3 median(500,1500) = 1000 -> 10
    p = tmp / "f05.xlsx"
    _xlsx_with_cached_formula(p, cached=True)
    f["V05"] = (p, dict(respondents=2, dE1=50.0, dE2=50.0, dE3=10.0))

    # same without cached values: the formula texts are no answers (problems); E1 = 4 only -> 75;
    # E2 = 0 only -> 0
    p = tmp / "f05b.xlsx"
    _xlsx_with_cached_formula(p, cached=False)
    f["V05b"] = (p, dict(respondents=2, dE1=75.0, dE2=0.0, dE3=10.0))

    # SurveyMonkey: two header rows; blank first-row cell continues "Arvioi kylääsi"; second-row
    # "Response"/"Open-Ended Response"/blank keep the question; other text T -> "Question - T".
    # E1 Täysin samaa mieltä 5, Jokseenkin samaa mieltä 4 -> 4.5 -> 87.5; E2 100; E3 median(300,500) -> 4
    p = tmp / "f06.csv"
    p.write_text(
        "Respondent ID,Start Date,End Date,Paikkakunta,Arvioi kylääsi,,Asukasluku,Email Address\n"
        ",,,Response,Kylässä on hyvä asua,Onko kylässä kauppa,Open-Ended Response,\n"
        "1,03/15/2025 09:58:00 AM,03/15/2025 10:00:00 AM,V06,Täysin samaa mieltä,Kyllä,300,a@b.fi\n"
        "2,12/30/2024 09:00:00 PM,12/30/2024 09:05:00 PM,V06,Jokseenkin samaa mieltä,Kyllä,500,c@d.fi\n",
        encoding="utf-8",
    )
    f["V06"] = (p, dict(respondents=2, dE1=87.5, dE2=100.0, dE3=4.0))
    p = tmp / "f06x.xlsx"
    _surveymonkey_xlsx(p)
    f["V06x"] = (p, dict(respondents=2, dE1=87.5, dE2=100.0, dE3=4.0))

    # Google Forms grid "Question [Row]"; satisfaction labels. E1 (5+1)/2 = 3 -> 50; E2 50; E3 15 -> 0.15
    p = tmp / "f07.csv"
    p.write_text(
        "Timestamp,Paikkakunta,Arvioi kylääsi [Kylässä on hyvä asua],Arvioi kylääsi [Onko kylässä kauppa],"
        "Asukasluku\n"
        "2025-03-01 10:00:00,V07,Erittäin tyytyväinen,Kyllä,10\n"
        "2025-03-02 10:00:00,V07,Erittäin tyytymätön,Ei,20\n",
        encoding="utf-8",
    )
    f["V07"] = (p, dict(respondents=2, dE1=50.0, dE2=50.0, dE3=0.15))

    # "Question - Row"; quality labels fi/en/sv. E1 Very good 5, Very poor 1, Mycket bra 5 -> 11/3 -> 66.67
    # E2 Kyllä, Ei, Ja -> 66.67; E3 median(1000, 3000) = 2000 -> 20
    p = tmp / "f08.csv"
    p.write_text(
        "Paikkakunta;Arvioi kylääsi - Kylässä on hyvä asua;Kauppa - Finns det en butik i byn;Population\n"
        "V08;Very good;Kyllä;1000\nV08;Very poor;Ei;3000\nV08;Mycket bra;Ja;\n",
        encoding="utf-8",
    )
    f["V08"] = (p, dict(respondents=3, dE1=200 / 3, dE2=200 / 3, dE3=20.0))

    # Webropol numeric export (Vastausaika, numbers instead of labels): 0 is missing for every type.
    # E1 4, 0, 2 -> 3 -> 50; E2 1, 0, 1 -> 100; E3 0, 500, 700 -> median(500, 700) = 600 -> 6
    p = tmp / "f09.csv"
    p.write_text(
        "Vastausaika;Paikkakunta;E1. Kylässä on hyvä asua;E2. Onko kylässä kauppa;E3. Asukasluku\n"
        "1.3.2025 10:00;V09;4;1;0\n2.3.2025 11:00;V09;0;0;500\n3.3.2025 12:00;V09;2;1;700\n",
        encoding="utf-8",
    )
    f["V09"] = (p, dict(respondents=3, dE1=50.0, dE2=100.0, dE3=6.0))

    # agreement labels fi; "don't know" in fi/sv/en; yes/no in every form.
    # E1 5,4,3,2,1 -> 3 -> 50; E2 yes: Kyllä JA YES 1 true = 5, no: ei nej no 0 FALSE = 5 -> 50
    # E3 4200 only -> 42; the last row has no valid answer -> respondents 10 of 11 rows
    p = tmp / "f10.csv"
    p.write_text(
        "paikkakunta;E1;E2;E3\n"
        "V10;Täysin samaa mieltä;Kyllä;4200\n"
        "V10;Jokseenkin samaa mieltä;ei;Vet inte\n"
        "V10;Ei samaa eikä eri mieltä;JA;\n"
        "V10;Osittain eri mieltä;nej;\n"
        "V10;Täysin eri mieltä;YES;\n"
        "V10;En osaa sanoa;no;\n"
        "V10;Ei mielipidettä;1;\n"
        "V10;Kan inte säga;0;\n"
        "V10;Don't know;true;\n"
        "V10;Can't say;FALSE;\n"
        "V10;Vet inte;Ei perusteita vastata;En osaa sanoa\n",
        encoding="utf-8",
    )
    f["V10"] = (p, dict(respondents=10, dE1=50.0, dE2=50.0, dE3=42.0))

    # more scales, odd case and spaces: 5 5 1 5 1 5 1 1 5 1 -> 30/10 = 3 -> 50; E3 median(12.5, 7.5) = 10 -> 0.1
    labels = [
        "Helt av samma åsikt", "MYCKET NÖJD", "Mycket missnöjd", "very satisfied", "Very dissatisfied",
        "Erittäin hyvä", "Erittäin huono", "Mycket dålig", "Very good", "  Strongly disagree ",
    ]  # fmt: skip
    p = tmp / "f11.csv"
    p.write_text(
        "paikkakunta\tE1\tE2\tE3\n"
        + "".join(f"V11\t{lab}\tKyllä\t{'12,5' if i == 0 else '7,5' if i == 1 else ''}\n" for i, lab in enumerate(labels)),
        encoding="utf-8",
    )
    f["V11"] = (p, dict(respondents=10, dE1=50.0, dE2=100.0, dE3=0.1))

    # bad cells are problems, the rest is read: "kuusi" and 6 in E1, "Ehkä" in E2, "noin 5" in E3
    # E1 (4+2)/2 = 3 -> 50; E2 Kyllä, Ei -> 50; E3 median(100,200,300,400) = 250 -> 2.5
    p = tmp / "f12.csv"
    p.write_text(
        "paikkakunta;E1;E2;E3\nV12;4;Kyllä;100\nV12;kuusi;Ei;200\nV12;2;Ehkä;300\nV12;6;;400\nV12;;;noin 5\n",
        encoding="utf-8",
    )
    f["V12"] = (p, dict(respondents=4, dE1=50.0, dE2=50.0, dE3=2.5))

    # thousands separators and a decimal comma together: "1 950,5" (space), "2 049,5" (NBSP),
    # "10 000" (narrow NBSP) -> median 2049.5 -> 20.495
    p = tmp / "f13.csv"
    p.write_text(
        f"paikkakunta;E3\nV13;1 950,5\nV13;2{NBSP}049,5\nV13;10{NNBSP}000\n", encoding="utf-8"
    )
    f["V13"] = (p, dict(respondents=3, dE1=None, dE2=None, dE3=20.495))

    # NFKC: full-width "Ｅ１" is E1; labels after header normalisation (case, NBSP, doubled spaces);
    # "don't know" in capitals.  E1 Täysin samaa mieltä 5, "täysin  eri mieltä" 1 -> 3 -> 50;
    # E2 KYLLÄ -> 100 (EN OSAA SANOA is missing); E3 none
    p = tmp / "f14.csv"
    p.write_text(
        "paikkakunta;Ｅ１;E2\n"
        f"V14;Täysin{NBSP}SAMAA mieltä;KYLLÄ\nV14;täysin  eri mieltä ;EN OSAA SANOA\nV14;DON'T KNOW;\n",
        encoding="utf-8",
    )
    f["V14"] = (p, dict(respondents=2, dE1=50.0, dE2=100.0, dE3=None))

    # xlsx booleans and numbers: E2 TRUE, FALSE, 1, 0 -> 50; E1 4.0, 2 -> 3 -> 50; E3 1234.5 -> 12.345
    p = tmp / "f15.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Paikkakunta", "E1", "E2", "E3"])
    for row in (["V15", 4.0, True, 1234.5], ["V15", 2, False, None], ["V15", None, 1, None], ["V15", None, 0, None]):
        wb.active.append(row)
    wb.save(p)
    f["V15"] = (p, dict(respondents=4, dE1=50.0, dE2=50.0, dE3=12.345))

    # "E1_..." (underscore is not alphanumeric) and "E2/..." prefixes; the village alias "Mikä  Kylä"
    # written "MIKÄ KYLÄ ?"; Windows-1252 with an en dash (0x96) in the village name.
    # E1 (5+4)/2 = 4.5 -> 87.5; E2 Ja, Nej -> 50; E3 (header "invånarantal" = sv text "Invånarantal?:") 700 -> 7
    p = tmp / "f16.csv"
    p.write_bytes(
        "MIKÄ KYLÄ ?;E1_kysymys;E2/kauppa;invånarantal\nV16–Å;5;Ja;700\nV16–Å;4;Nej;\n".encode("cp1252")
    )
    f["V16–Å"] = (p, dict(respondents=2, dE1=87.5, dE2=50.0, dE3=7.0))

    # tab-delimited with decimal commas in the data (the comma is not the delimiter):
    # E3 median(3.5, 4.5) = 4 -> 0.04; E1 (4+2)/2 = 3 -> 50
    p = tmp / "f17.csv"
    p.write_text("ort\tE3\tE1\nV17\t3,5\t4\nV17\t4,5\t2\n", encoding="utf-8")
    f["V17"] = (p, dict(respondents=2, dE1=50.0, dE2=None, dE3=0.04))

    # comma-delimited with semicolons inside quoted free text: E1 (4+2)/2 -> 50
    p = tmp / "f18.csv"
    p.write_text('ort,E1,Kommentti\nV18,4,"a;b;c;d"\nV18,2,"e;f;g;h"\n', encoding="utf-8")
    f["V18"] = (p, dict(respondents=2, dE1=50.0, dE2=None, dE3=None))

    # grid rows that are an item id ("[E1]") and an alias ("- Shop in village"):
    # E1 (4+2)/2 -> 50; E2 Kyllä, Ei -> 50; E3 median(1000, 3000) = 2000 -> 20
    p = tmp / "f19.csv"
    p.write_text(
        'ort,Arvioi [E1],Arvioi - Shop in village,E3\nV19,4,Kyllä,"1 000"\nV19,2,Ei,"3 000"\n', encoding="utf-8"
    )
    f["V19"] = (p, dict(respondents=2, dE1=50.0, dE2=50.0, dE3=20.0))
    return f


# e-mail, name, first/last name, phone, address and IP address in Finnish, Swedish and English
PERSONAL = [
    "Email", "Email Address", "Name", "First Name", "Last Name", "IP Address", "Phone", "Address",
    "Sähköposti", "Sähköpostiosoite", "Nimi", "Etunimi", "Sukunimi", "Puhelin", "Puhelinnumero", "Osoite",
    "IP-osoite", "E-post", "E-postadress", "Namn", "Förnamn", "Efternamn", "Telefon", "Adress", "IP-adress",
]  # fmt: skip


@pytest.fixture(scope="module")
def reading(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("reading")
    fw = write_framework(tmp / "lukeminen.toml", one_item_per_dimension())
    files = _files(tmp)
    noitem = tmp / "eikysymyksia.csv"
    noitem.write_text("paikkakunta;foo;bar\nV;1;2\n", encoding="utf-8")
    named = tmp / "nimetty.csv"
    named.write_text("Asuinpaikka;E1\nKoivula;3\nKuusela;4\n", encoding="utf-8")
    personal = tmp / "henkilo.csv"
    cols = PERSONAL
    personal.write_text(
        "paikkakunta;" + ";".join(cols) + ";E1\n" + "V14;" + ";".join("x" * len(cols)) + ";3\n", encoding="utf-8"
    )
    score_calls = [["score", p, "--round", "2025", "--format", "json", "--framework", fw] for p, _ in files.values()]
    import_calls = [
        ["import", files["V01"][0], "--json", "--framework", fw],
        ["import", files["V05b"][0], "--json", "--framework", fw],
        ["import", files["V06"][0], "--json", "--framework", fw],
        ["import", files["V12"][0], "--json", "--framework", fw],
        ["import", noitem, "--json", "--framework", fw],
        ["score", noitem, "--round", "2025", "--framework", fw],
        ["import", personal, "--json", "--framework", fw],
        ["import", files["V05"][0], "--json", "--framework", fw],
        ["import", named, "--json", "--village-column", "Asuinpaikka", "--framework", fw],
        ["score", files["V09"][0], files["V06"][0], "--format", "json", "--framework", fw],
    ]
    runs = run_many(*score_calls, *import_calls)
    return {
        "files": files,
        "scores": dict(zip(files, runs[: len(files)], strict=True)),
        "imports": runs[len(files) :],
    }


VILLAGES = [f"V{n:02d}" for n in range(1, 20) if n != 16] + ["V05b", "V06x", "V16–Å"]


@pytest.mark.parametrize("village", sorted(VILLAGES))
def test_each_survey_layout_is_read_and_scored(reading: dict[str, Any], village: str) -> None:
    rows = rows_json(ok(reading["scores"][village]))
    assert [r["village"] for r in rows] == [village]
    row = rows[0]
    _, want = reading["files"][village]
    assert row["respondents"] == want["respondents"]
    for dim in ("dE1", "dE2", "dE3"):
        if want[dim] is None:
            assert row[dim] is None, (village, dim, row[dim])
        else:
            assert row[dim] == pytest.approx(want[dim], abs=1e-9), (village, dim, row[dim], want[dim])


def test_import_report_keys_and_prefix_matching(reading: dict[str, Any]) -> None:
    report = json.loads(ok(reading["imports"][0]))
    for key in ("file", "source_tool", "rows", "villages", "mapped", "unmapped", "dropped_personal", "problems"):
        assert key in report, key
    assert report["rows"] == 2
    assert report["villages"] == ["V01"]
    assert report["mapped"] == {
        "E1. Kylässä on hyvä asua": "E1",
        "E2) Onko kauppa?": "E2",
        "E3 - Asukasluku": "E3",
    }
    # "E12 muu" starts with E1 followed by an alphanumeric: not E1
    assert report["unmapped"] == ["E12 muu"]
    assert report["problems"] == []
    assert "f01.csv" in report["file"]


def test_formula_without_cached_value_is_its_text_and_a_problem(reading: dict[str, Any]) -> None:
    report = json.loads(ok(reading["imports"][1]))
    assert report["rows"] == 2
    assert len(report["problems"]) == 2
    problems = {p["column"]: p for p in report["problems"]}
    assert set(problems) == {"E1", "E2"}
    for problem in problems.values():
        assert set(problem) >= {"row", "column", "value", "message"}
    assert "2+2" in str(problems["E1"]["value"])
    assert "IF(" in str(problems["E2"]["value"])
    cached = json.loads(ok(reading["imports"][7]))
    assert cached["problems"] == [] and cached["rows"] == 2


def test_surveymonkey_two_header_rows_are_combined(reading: dict[str, Any]) -> None:
    report = json.loads(ok(reading["imports"][2]))
    assert report["rows"] == 2  # the second header row is not data
    assert report["mapped"] == {
        "Arvioi kylääsi - Kylässä on hyvä asua": "E1",
        "Arvioi kylääsi - Onko kylässä kauppa": "E2",
        "Asukasluku": "E3",
    }
    assert "Email Address" in report["dropped_personal"]


def test_bad_cells_are_problems_with_row_column_value(reading: dict[str, Any]) -> None:
    report = json.loads(ok(reading["imports"][3]))
    got = {(p["column"], str(p["value"])) for p in report["problems"]}
    assert got == {("E1", "kuusi"), ("E2", "Ehkä"), ("E1", "6"), ("E3", "noin 5")}
    for problem in report["problems"]:
        assert isinstance(problem["row"], int) and problem["message"]
    rows = {str(p["value"]): p["row"] for p in report["problems"]}
    # "kuusi" is two data rows above "6": whatever the numbering, the rows differ by 2
    assert rows["6"] - rows["kuusi"] == 2
    assert report["rows"] == 5


def test_a_file_with_no_item_column(reading: dict[str, Any]) -> None:
    imp = reading["imports"][4]
    assert "Traceback" not in imp.stderr
    if imp.returncode == 2:
        assert len(imp.stderr.strip().splitlines()) == 1 and "eikysymyksia.csv" in imp.stderr
    else:
        assert imp.returncode == 0
        report = json.loads(imp.stdout)
        assert report["mapped"] == {}
        assert report["problems"], "the missing item columns must be a problem in the report"
    score = reading["imports"][5]
    assert score.returncode == 2 and "Traceback" not in score.stderr
    assert len(score.stderr.strip().splitlines()) == 1 and "eikysymyksia.csv" in score.stderr


def test_personal_columns_are_dropped(reading: dict[str, Any]) -> None:
    report = json.loads(ok(reading["imports"][6]))
    assert sorted(report["dropped_personal"]) == sorted(PERSONAL)
    assert report["mapped"] == {"E1": "E1"}


def test_village_column_named_on_the_command_line(reading: dict[str, Any]) -> None:
    report = json.loads(ok(reading["imports"][8]))
    assert sorted(report["villages"]) == ["Koivula", "Kuusela"]


def test_round_from_tool_dates(reading: dict[str, Any]) -> None:
    # Webropol "1.3.2025 10:00" (d.m.yyyy) and SurveyMonkey "03/15/2025 10:00:00 AM" (m/d/yyyy, latest
    # of 2024-12-30 and 2025-03-15): both files are round 2025 without --round
    rows = {r["village"]: r for r in rows_json(ok(reading["imports"][9]))}
    assert rows["V09"]["round"] == 2025
    assert rows["V06"]["round"] == 2025
