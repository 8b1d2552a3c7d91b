"""docs/method.md §2 (default scoring) and the `score` subcommand (docs/cli.md), on a framework of our own.

Framework "pisteytys": min_respondents 3, min_item_coverage 0.5, min_dimension_coverage 0.75,
bands low>=10, mid>=50, top>=75 (no band below 10);
  talous   weight 2: A1 likert5 1->5 (w 1), A2 yesno 0->100 (w 3)
  yhteiso  weight 1: B1 number 40->0 ("less is better", w 1), B2 number 0->12 (w 1)
  palvelut weight 1: C1 likert5 2->4.5
Every expected number is worked out by hand in the comments.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.test_contract_support import (
    band,
    by_village,
    dim,
    header,
    item,
    ok,
    rows_csv,
    rows_json,
    run_many,
    write_framework,
)

DIMS = ["talous", "yhteiso", "palvelut"]
COLUMNS = ["village", "round", "respondents", "index", *DIMS, "rank", "band"]


def _framework() -> dict[str, Any]:
    return {
        "indicator": header(
            id="pisteytys", min_respondents=3, min_item_coverage=0.5, min_dimension_coverage=0.75
        ),
        "bands": [band("low", 10), band("mid", 50), band("top", 75)],
        "themes": [{"id": "th", "name": {"fi": "Teema"}}],
        "dimensions": [dim("talous", 2.0, "th"), dim("yhteiso", 1.0), dim("palvelut", 1.0)],
        "items": [
            item("A1", "talous", "likert5", 1, 5),
            item("A2", "talous", "yesno", 0, 100, weight=3.0),
            item("B1", "yhteiso", "number", 40, 0),
            item("B2", "yhteiso", "number", 0, 12),
            item("C1", "palvelut", "likert5", 2, 4.5),
        ],
    }


ALFA = ["5;Kyllä;10;6;4", "4;Ei;30;12;3", "3;Kyllä;50;30;", ";Ei;;;5"]
VILLAGES = {
    # A1 mean (5+4+3)/3 = 4 -> 100*(4-1)/4 = 75;  A2 2 yes of 4 -> 50
    # talous = (75*1 + 50*3) / 4 = 56.25  (unweighted would be 62.5)
    # B1 median(10,30,50) = 30 -> 100*(30-40)/(0-40) = 25;  B2 median(6,12,30) = 12 -> 100
    # yhteiso = (25 + 100) / 2 = 62.5
    # C1 mean (4+3+5)/3 = 4 -> 100*(4-2)/2.5 = 80
    # index = (2*56.25 + 62.5 + 80) / 4 = 255/4 = 63.75 -> band mid; respondents 4
    "Alfa": ALFA,
    "Delta": ALFA,  # identical data: ties with Alfa
    # A1 = 100; A2 2 yes of 3 -> 66.67; talous = (100 + 3*66.67)/4 = 75
    # B1 median(0,20,40) = 20 -> 50; B2 no data: coverage 1/2 = 0.5 exactly -> kept, yhteiso = 50
    # C1 no data -> palvelut none; dimension coverage (2+1)/4 = 0.75 exactly -> kept
    # index = (2*75 + 50)/3 = 200/3 = 66.666... -> band mid
    "Gamma": ["5;Yes;0;;En osaa sanoa", "5;Yes;20;Vet inte;", "5;No;40;;Don't know"],
    # every item exactly half way: A1 mean 3 -> 50; A2 2 of 4 -> 50; B1 median(10,20,30) = 20 -> 50;
    # B2 median 6 -> 50; C1 mean (3+3+3+4)/4 = 3.25 -> 100*1.25/2.5 = 50
    # index 50 = the min of "mid" -> band mid; respondents 4
    "Iota": ["3;Kyllä;10;6;3", "3;Ei;20;6;3", "3;Kyllä;30;6;3", ";Ei;;;4"],
    # Alfa with C1 = 2 everywhere -> palvelut 0 -> index (112.5 + 62.5 + 0)/4 = 43.75 -> band low
    "Zeta": ["5;Kyllä;10;6;2", "4;Ei;30;12;2", "3;Kyllä;50;30;", ";Ei;;;2"],
    # everything at or beyond the lower goalpost: B1 median 100 -> 100*(100-40)/(0-40) = -150 -> clip 0
    # index 0 -> below the lowest band (10): no band, but ranked
    "Eta": ["1;Ei;100;0;1"] * 3,
    # A1 mean 4/3 -> 100*(1/3)/4 = 8.333; A2 only "don't know" -> talous coverage 1/4 < 0.5 -> none
    # B1 median 60 -> 100*(60-40)/(0-40) = -50 -> clip 0; B2 median 30 -> 250 -> clip 100; yhteiso 50
    # C1 mean 1 -> 100*(1-2)/2.5 = -40 -> clip 0 -> palvelut 0
    # dimension coverage (1+1)/4 = 0.5 < 0.75 -> no index, unranked, no band; respondents 3
    "Beta": ["1;En osaa sanoa;50;20;1", "1;Vet inte;60;30;1", "2;Can't say;70;40;1"],
    # row 2 has no valid answer -> 2 valid respondents < 3 -> a row with no scores
    "Theta": ["4;Kyllä;10;5;4", ";Ei perusteita vastata;;;En osaa sanoa", "3;;;;"],
}
EXPECTED: dict[str, dict[str, Any]] = {
    "Alfa": dict(respondents=4, index=63.75, talous=56.25, yhteiso=62.5, palvelut=80.0, rank=2, band="mid"),
    "Delta": dict(respondents=4, index=63.75, talous=56.25, yhteiso=62.5, palvelut=80.0, rank=2, band="mid"),
    "Gamma": dict(respondents=3, index=200 / 3, talous=75.0, yhteiso=50.0, palvelut=None, rank=1, band="mid"),
    "Iota": dict(respondents=4, index=50.0, talous=50.0, yhteiso=50.0, palvelut=50.0, rank=4, band="mid"),
    "Zeta": dict(respondents=4, index=43.75, talous=56.25, yhteiso=62.5, palvelut=0.0, rank=5, band="low"),
    "Eta": dict(respondents=3, index=0.0, talous=0.0, yhteiso=0.0, palvelut=0.0, rank=6, band=None),
    "Beta": dict(respondents=3, index=None, talous=None, yhteiso=50.0, palvelut=0.0, rank=None, band=None),
    "Theta": dict(respondents=2, index=None, talous=None, yhteiso=None, palvelut=None, rank=None, band=None),
}


def _reverse_framework() -> dict[str, Any]:
    """"Less is better" for every item type, goalposts away from the scale ends."""
    return {
        "indicator": header(id="kaanteinen", min_respondents=2, min_dimension_coverage=0.3, village_aliases=["by"]),
        "bands": [band("b", 0)],
        "dimensions": [dim("k1"), dim("k2"), dim("k3")],
        "items": [
            item("K1", "k1", "likert5", 5, 1.5),
            item("K2", "k2", "yesno", 80, 20),
            item("K3", "k3", "number", 10, 2),
        ],
    }


def _tenths_framework() -> dict[str, Any]:
    """Weights that are not exact binary fractions (0.1, 0.2, 0.3): thresholds and band limits must hold
    for the hand-computed (exact) numbers."""
    return {
        "indicator": header(
            id="kymmenykset", min_respondents=1, min_item_coverage=0.5, min_dimension_coverage=0.75,
            village_aliases=["by"],
        ),
        "bands": [band("low", 0), band("mid", 50), band("full", 100)],
        "dimensions": [dim("d1", 0.3), dim("d2", 0.1)],
        "items": [
            item("I1", "d1", "number", 0, 100, weight=0.1),
            item("I2", "d1", "number", 0, 100, weight=0.2),
            item("I3", "d1", "number", 0, 100, weight=0.3),
            item("J1", "d2", "number", 0, 100),
        ],
    }  # fmt: skip


def _survey(path: Path) -> Path:
    lines = ["paikkakunta;A1;A2;B1;B2;C1"]
    for name, rows in VILLAGES.items():
        lines += [f"{name};{row}" for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _close(got: Any, want: Any) -> bool:
    if want is None:
        return got is None or got == ""
    if isinstance(want, str):
        return got == want
    return got not in (None, "") and math.isclose(float(got), want, rel_tol=0, abs_tol=1e-9)


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("scoring")
    fw = write_framework(tmp / "pisteytys.toml", _framework())
    survey = _survey(tmp / "kylat.csv")
    # round from dates: 2023 file has a 2022 and a 2023 date -> whole file is round 2023
    (tmp / "r23.csv").write_text(
        "Response date,ort,A1,A2,B1,B2,C1\n"
        + "2022-12-30 10:00,P,1,Ei,100,0,1\n2023-05-02 12:00,P,1,Ei,100,0,1\n2023-01-01 08:00,P,1,Ei,100,0,1\n"
        + "".join(f"2023-03-01 09:00,Q,{r.replace(';', ',')}\n" for r in ALFA),
        encoding="utf-8",
    )
    (tmp / "r24.csv").write_text(
        "Response date,ort,A1,A2,B1,B2,C1\n"
        + "".join(f"2024-06-0{n} 09:00,P,{r.replace(';', ',')}\n" for n, r in enumerate(VILLAGES["Gamma"], 1)),
        encoding="utf-8",
    )
    # no village column, no dates: named on the command line; round = the current year
    (tmp / "nodate.csv").write_text("A1;A2;B1;B2;C1\n" + "\n".join(ALFA) + "\n", encoding="utf-8")
    runs = run_many(
        ["score", survey, "--round", "2025", "--format", "json", "--framework", fw],
        ["score", survey, "--round", "2025", "--format", "csv", "--framework", fw],
        ["score", survey, "--round", "2025", "--format", "xlsx", "--output", tmp / "out.xlsx", "--framework", fw],
        ["score", survey, "--round", "2025", "--output", tmp / "out.csv", "--framework", fw],
        ["score", tmp / "r23.csv", tmp / "r24.csv", "--format", "json", "--framework", fw],
        ["score", tmp / "nodate.csv", "--village", "Omakylä", "--format", "json", "--framework", fw],
    )
    reverse = write_framework(tmp / "kaanteinen.toml", _reverse_framework())
    (tmp / "kaanteinen.csv").write_text(
        "by;K1;K2;K3\nR1;2;Kyllä;4\nR1;3;Ei;6\nR1;;Ei;\nR1;;Ei;\nR2;1;Nej;20\nR2;1;Nej;\n", encoding="utf-8"
    )
    tenths = write_framework(tmp / "kymmenykset.toml", _tenths_framework())
    (tmp / "kymmenykset.csv").write_text(
        "by;I1;I2;I3;J1\nFull;100;100;100;100\nHalf;50;50;50;50\nOnly3;;;50;\n", encoding="utf-8"
    )
    runs += run_many(
        ["score", tmp / "kaanteinen.csv", "--round", "2024", "--format", "json", "--framework", reverse],
        ["score", tmp / "kymmenykset.csv", "--round", "2024", "--format", "json", "--framework", tenths],
    )
    today_year = dt.date.today().year
    return {"tmp": tmp, "runs": runs, "year": today_year}


def test_score_json_every_formula(scored: dict[str, Any]) -> None:
    rows = by_village(rows_json(ok(scored["runs"][0])))
    assert set(rows) == set(EXPECTED)
    for name, want in EXPECTED.items():
        row = rows[name]
        assert row["round"] == 2025
        for key, value in want.items():
            got = row[key]
            assert _close(got, value), (name, key, got, value)
            if value is None:
                assert got is None, (name, key, "json must say null where there is no score", got)


def test_score_csv_columns_empty_cells_and_full_precision(scored: dict[str, Any]) -> None:
    text = ok(scored["runs"][1])
    head = text.splitlines()[0].split(",")
    assert [c for c in head if c in COLUMNS] == COLUMNS, head
    assert head[: len(COLUMNS)] == COLUMNS
    rows = by_village(rows_csv(text))
    for name, want in EXPECTED.items():
        for key, value in want.items():
            assert _close(rows[name][key], value), (name, key, rows[name][key], value)
    # 200/3 written unrounded: float(text) equals 200/3 to the last bit of a double
    assert float(rows["Gamma"]["index"]) == pytest.approx(200 / 3, abs=1e-12)
    assert len(rows["Gamma"]["index"].split(".")[1]) >= 12
    assert (rows["Alfa"]["round"], rows["Alfa"]["respondents"]) == ("2025", "4")
    assert rows["Beta"]["index"] == "" and rows["Beta"]["rank"] == "" and rows["Beta"]["band"] == ""
    assert rows["Alfa"]["rank"] == "2" and rows["Delta"]["rank"] == "2" and rows["Iota"]["rank"] == "4"
    # --output writes the same csv to the file and nothing (or nothing but a note) to stdout
    assert (scored["tmp"] / "out.csv").read_text(encoding="utf-8").splitlines()[0].split(",")[:9] == COLUMNS


def test_score_xlsx_output(scored: dict[str, Any]) -> None:
    ok(scored["runs"][2])
    ws = openpyxl.load_workbook(scored["tmp"] / "out.xlsx", read_only=True).worksheets[0]
    table = list(ws.iter_rows(values_only=True))
    assert list(table[0][: len(COLUMNS)]) == COLUMNS
    rows = {r[0]: dict(zip(table[0], r, strict=False)) for r in table[1:]}
    assert rows["Gamma"]["index"] == pytest.approx(200 / 3, abs=1e-9)
    assert rows["Beta"]["index"] in (None, "")
    assert rows["Zeta"]["band"] == "low"


def test_score_round_from_latest_date_and_rank_within_each_round(scored: dict[str, Any]) -> None:
    rows = rows_json(ok(scored["runs"][4]))
    got = {(r["village"], r["round"]): r for r in rows}
    # r23.csv: dates 2022-12-30 .. 2023-05-02 -> the whole file is round 2023
    assert set(got) == {("P", 2023), ("Q", 2023), ("P", 2024)}
    # 2023: P = Eta's data (index 0), Q = Alfa's (63.75) -> Q 1, P 2;  2024: P = Gamma's (200/3) alone -> 1
    assert got[("Q", 2023)]["rank"] == 1 and got[("P", 2023)]["rank"] == 2
    assert got[("P", 2024)]["rank"] == 1
    assert got[("P", 2024)]["index"] == pytest.approx(200 / 3, abs=1e-9)
    assert got[("P", 2023)]["respondents"] == 3


def test_score_file_without_village_column_or_dates(scored: dict[str, Any]) -> None:
    rows = rows_json(ok(scored["runs"][5]))
    assert len(rows) == 1
    # no response date -> the current year; same data as Alfa -> index 63.75
    assert rows[0]["village"] == "Omakylä"
    assert rows[0]["round"] == scored["year"]
    assert rows[0]["index"] == pytest.approx(63.75, abs=1e-9)
    assert rows[0]["respondents"] == 4


def test_less_is_better_items_of_every_type(scored: dict[str, Any]) -> None:
    rows = by_village(rows_json(ok(scored["runs"][6])))
    # R1: K1 mean 2.5 -> 100*(2.5-5)/(1.5-5) = 250/3.5 = 71.43; K2 1 yes of 4 = 25 % -> 100*(25-80)/(20-80)
    #     = 5500/60 = 91.67; K3 median(4, 6) = 5 -> 100*(5-10)/(2-10) = 62.5
    k1, k2, k3 = 250 / 3.5, 5500 / 60, 62.5
    r1 = rows["R1"]
    assert (r1["k1"], r1["k2"], r1["k3"]) == (pytest.approx(k1), pytest.approx(k2), pytest.approx(k3))
    assert r1["index"] == pytest.approx((k1 + k2 + k3) / 3, abs=1e-9)
    assert r1["respondents"] == 4
    # R2: K1 1 -> 100*(1-5)/(1.5-5) = 114 -> 100; K2 0 % -> 100*(-80)/(-60) = 133 -> 100;
    #     K3 20 -> 100*(20-10)/(2-10) = -125 -> 0;  index 200/3
    r2 = rows["R2"]
    assert (r2["k1"], r2["k2"], r2["k3"]) == (100.0, 100.0, 0.0)
    assert r2["index"] == pytest.approx(200 / 3, abs=1e-9)
    assert (r2["rank"], r1["rank"]) == (2, 1)


def test_weights_that_are_not_binary_fractions_keep_thresholds(scored: dict[str, Any]) -> None:
    rows = by_village(rows_json(ok(scored["runs"][7])))
    # Only3: d1 has I3 only: coverage 0.3 / (0.1+0.2+0.3) = 0.3/0.6 = 0.5 exactly -> kept, d1 = 50;
    # d2 none; dimension coverage 0.3 / (0.3+0.1) = 0.75 exactly -> kept, index = d1 = 50
    assert rows["Only3"]["d1"] == pytest.approx(50.0, abs=1e-9)
    assert rows["Only3"]["index"] == pytest.approx(50.0, abs=1e-9)


def test_band_at_the_exact_band_minimum_with_decimal_weights(scored: dict[str, Any]) -> None:
    rows = by_village(rows_json(ok(scored["runs"][7])))
    # Half: every item 50 -> d1 = (0.1*50 + 0.2*50 + 0.3*50)/0.6 = 50, d2 = 50 -> index 50 -> band mid
    # Full: every item 100 -> index 100 -> band full
    assert rows["Half"]["index"] == pytest.approx(50.0, abs=1e-9)
    assert rows["Full"]["index"] == pytest.approx(100.0, abs=1e-9)
    assert rows["Half"]["band"] == "mid", rows["Half"]
    assert rows["Full"]["band"] == "full", rows["Full"]


def test_rank_ties_with_decimal_weights(scored: dict[str, Any]) -> None:
    rows = by_village(rows_json(ok(scored["runs"][7])))
    # Full 100 -> 1; Only3 50 and Half 50 tie -> 2, 2
    assert [rows[v]["rank"] for v in ("Full", "Only3", "Half")] == [1, 2, 2]
