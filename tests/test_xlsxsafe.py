"""Downloads for people and machines (indicator/xlsxsafe.py): rounded sheets, full-precision copies,
counts as number cells, every cell formula-safe."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from indicator.xlsxsafe import people_and_machines, rounded, xlsx_bytes


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "Kylä": ["Sippola", "=HYPERLINK(\"x\")"],
        "Indeksi": [74.8466, 60.04999],
        "Vastaajia": pd.array([23, 6], dtype="Int64"),
        "Sijoitus": [1, 2],
        "Sekalaista": pd.Series([3.14159, "alle 5"], dtype=object),
    })


def sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book}


def test_people_get_one_decimal_and_machines_every_digit():
    book = sheets(xlsx_bytes(people_and_machines({"2026": table()}, "{name} tarkat")))
    assert list(book) == ["2026", "2026 tarkat"]
    people, exact = book["2026"], book["2026 tarkat"]
    assert people[0] == ("Kylä", "Indeksi", "Vastaajia", "Sijoitus", "Sekalaista")
    assert [row[1] for row in people[1:]] == [74.8, 60.0]
    assert [row[1] for row in exact[1:]] == [74.8466, 60.04999]
    assert [row[4] for row in people[1:]] == [3.1, "alle 5"]  # a float among texts is rounded too


def test_counts_are_number_cells_and_text_is_formula_safe():
    book = sheets(xlsx_bytes(people_and_machines({"t": table()}, "{name} full")))
    for name in ("t", "t full"):
        rows = book[name][1:]
        assert [row[2] for row in rows] == [23, 6] and all(isinstance(row[2], int) for row in rows)
        assert [row[3] for row in rows] == [1, 2] and all(isinstance(row[3], int) for row in rows)
        assert rows[1][0] == "'=HYPERLINK(\"x\")"  # never a formula


@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=20))
def test_rounding_moves_no_value_by_more_than_half_a_tenth(values):
    frame = pd.DataFrame({"x": values})
    shown = rounded(frame)["x"]
    assert ((shown - frame["x"]).abs() <= 0.05 + 1e-9).all()
    assert (shown * 10 - (shown * 10).round()).abs().max() < 1e-6
