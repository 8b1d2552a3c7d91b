"""The theme-group workbook (indicator.grouping.workbook): sheets, translated headers, theme names, rounding,
one village's numbers per row, full precision for machines, formula-safe text."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest

from indicator.framework import loads
from indicator.grouping import make_groups, workbook_bytes, workbook_sheets
from tests.test_groups import THEMED


@pytest.fixture(scope="module")
def fw():
    return loads(THEMED.replace('name = "Yksi"', 'name = { fi = "Yksi", en = "One" }'), source="themed.toml")


@pytest.fixture(scope="module")
def grouping(fw):
    frame = pd.DataFrame({"village": ["A", "B", "C", "=D", "E", "F"], "round": 2025,
                          "a": [40.04, 40, 40, 60, 60, 60.0], "b": [50, 60.06, 70, 50, 60, 70.0], "c": 50.0})
    return make_groups(frame, fw, size=3, by="none", bootstraps=0)


def test_sheets_and_headers_in_the_language(fw, grouping):
    assert list(workbook_sheets(grouping, fw, "fi")) == ["Ryhmät", "Kylien pisteet", "data"]
    assert list(workbook_sheets(grouping, fw, "en")) == ["Groups", "Village scores", "data"]
    summary = workbook_sheets(grouping, fw, "en")["Groups"]
    assert list(summary.columns) == ["Area", "Group", "Theme", "Villages", "Village names"]
    # "=D" sorts before "A", so {=D, E, F} is group 1
    assert summary.values.tolist() == [["Whole province", 1, "Kaksi", 3, "=D, E, F"],
                                       ["Whole province", 2, "One", 3, "A, B, C"]]


def test_profile_rows_are_one_village_each_rounded(fw, grouping):
    profile = workbook_sheets(grouping, fw, "fi")["Kylien pisteet"]
    assert list(profile.columns) == ["Alue", "Ryhmä", "Teema", "Kylä", "A", "B", "C"]
    rows = profile.set_index("Kylä")
    assert rows.loc["A", ["A", "B"]].tolist() == [40.0, 50.0] and rows.loc["B", "B"] == 60.1
    assert rows.loc["=D", ["Ryhmä", "Teema", "A"]].tolist() == [1, "Kaksi", 60.0]
    assert rows.loc["A", ["Ryhmä", "Teema"]].tolist() == [2, "Yksi"]
    assert profile["Kylä"].tolist() == ["=D", "E", "F", "A", "B", "C"]


def test_data_sheet_keeps_full_precision_and_ids(fw, grouping):
    data = workbook_sheets(grouping, fw, "en")["data"]
    assert list(data.columns) == ["village", "area", "group", "theme", "reference_group", "a", "b", "c"]
    assert data.set_index("village").loc["A", "a"] == 40.04 and data["theme"].tolist() == ["t2"] * 3 + ["t1"] * 3


def test_workbook_bytes_are_formula_safe_and_numbers_stay_numbers(fw, grouping):
    book = openpyxl.load_workbook(io.BytesIO(workbook_bytes(grouping, fw, "fi")))
    assert book.sheetnames == ["Ryhmät", "Kylien pisteet", "data"]
    profile = book["Kylien pisteet"]
    cells = [[c.value for c in row] for row in profile.iter_rows(min_row=2)]
    assert cells[0] == ["Koko maakunta", 1, "Kaksi", "'=D", 60, 50, 50]
    assert book["Ryhmät"]["E2"].value == "'=D, E, F"
