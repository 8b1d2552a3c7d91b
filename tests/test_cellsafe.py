"""The one formula-escaping rule: one-way for files people open, reversible for the backup."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from indicator.cellsafe import (
    FORMULA_PREFIXES,
    escape_cell,
    escape_frame,
    escape_reversible,
    unescape_reversible,
)

# Text that starts like a formula, like the escape itself, or like neither.
TEXTS = st.one_of(
    st.text(max_size=20),
    st.builds(lambda p, rest: p + rest, st.sampled_from([*FORMULA_PREFIXES, "'", "''", "'="]), st.text(max_size=10)),
)


def test_formula_text_gets_a_quote_and_the_rest_passes():
    assert [escape_cell(v) for v in ("=1+1", "+3", "-2", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1", "'+3", "'-2", "'@SUM(A1)", "'\tx", "'\rx"]
    assert [escape_cell(v) for v in ("Ala", "'quoted", "", 5, -2.5, None)] == ["Ala", "'quoted", "", 5, -2.5, None]


def test_frame_cells_headers_and_index_are_escaped_numbers_stay():
    frame = pd.DataFrame({"=a": ["=HYPERLINK(1)", "ok"], "n": [-1.0, 2.0]}, index=["@x", "y"])
    out = escape_frame(frame)
    assert list(out.columns) == ["'=a", "n"] and list(out.index) == ["'@x", "y"]
    assert out["'=a"].tolist() == ["'=HYPERLINK(1)", "ok"] and out["n"].tolist() == [-1.0, 2.0]
    assert frame.columns[0] == "=a"  # the input is not changed


def test_reversible_escape_quotes_the_quote_too():
    assert escape_reversible("'quoted") == "''quoted"
    assert escape_reversible("=A") == "'=A"
    assert escape_reversible("Ala") == "Ala" and escape_reversible(3) == 3
    assert unescape_reversible("'quoted") == "'quoted"  # not made by escape_reversible: left as is


@given(TEXTS)
def test_reversible_round_trip_is_exact(value):
    assert unescape_reversible(escape_reversible(value)) == value


@given(TEXTS)
def test_reversible_output_is_formula_safe_and_stable_under_the_one_way_rule(value):
    escaped = escape_reversible(value)
    assert not escaped.startswith(FORMULA_PREFIXES)
    assert escape_cell(escaped) == escaped  # writing it through write_xlsx adds nothing


def test_multiindex_levels_and_index_names_are_escaped():
    frame = pd.DataFrame({"score": [1.5, -2.0]},
                         index=pd.MultiIndex.from_tuples([("=cmd|' /C calc'!A0", 2025), ("Ala", 2026)],
                                                         names=["@village", "round"]))
    out = escape_frame(frame)
    assert out.index.get_level_values(0).tolist() == ["'=cmd|' /C calc'!A0", "Ala"]
    assert out.index.get_level_values(1).tolist() == [2025, 2026]
    assert list(out.index.names) == ["'@village", "round"]
    assert out["score"].tolist() == [1.5, -2.0]


def test_xlsx_index_labels_are_written_as_text_not_formulas():
    import io

    import openpyxl

    from indicator.xlsxsafe import xlsx_bytes

    frame = pd.DataFrame({"index": [50.0]}, index=pd.Index(["=HYPERLINK(\"http://x\")"], name="=village"))
    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"s": frame}, index=True)))
    cells = [cell for row in book.active.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert [c.value for c in cells[:4]] == ["'=village", "index", "'=HYPERLINK(\"http://x\")", 50]
