"""Property-based fuzzing of the readers and the answer parsers: whatever the input, a value, a problem or
one planned ReadError comes out, never an unexpected exception (which ``read_survey`` would turn into its
"tell the maintainers" line). Thousands of examples in CI (``CI=true``), a tenth of them locally."""

from __future__ import annotations

import datetime as dt
import math
import os
import string

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from indicator.answers import ITEM_KINDS, parse_column, parse_value, text_number
from indicator.errors import ReadError
from indicator.framework import load
from indicator.reading import Limits, read_survey
from indicator.reading.dates import parse_dates
from indicator.reading.mapping import column_letter
from indicator.text import normalise
from tests.hostile_corpus import HEADER, ods, spreadsheetml, xlsx_parts

CI = os.environ.get("CI", "").lower() == "true"
DEEP = os.environ.get("ALYKYLA_FUZZ", "").lower() == "deep"  # the full counts, for a nightly or a reader change
FRAMEWORK = load()
SMALL = Limits(max_rows=400, max_columns=60, max_cells=4_000)  # fuzzing wants many small files, fast


def examples(deep: int) -> settings:
    """``deep`` examples with ALYKYLA_FUZZ=deep, a quarter of them in CI, a tenth (at least 20) otherwise: the
    whole suite stays within its five minutes on two cores."""
    count = deep if DEEP else max(deep // 4, 20) if CI else max(deep // 10, 20)
    return settings(max_examples=count, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- cell values -----------------------------------------------------------------------------------------

LABELS = ["Täysin samaa mieltä", "jokseenkin eri mieltä", "Kyllä", "ei", "En osaa sanoa", "5 = täysin samaa mieltä",
          "1 - Helt av annan åsikt", "n/a", "#N/A", "=1/0", "4,5", "1 950,5", "45 %", "−3", " 3 ", "0", "NaN",
          "inf", "1e309", "٣", "²", "Ⅳ", "３", "\u00a0", "\ufeff4", "4\u200b"]
texts = st.one_of(st.sampled_from(LABELS), st.text(max_size=30),
                  st.text(alphabet=string.digits + " ,.-+%=:/", max_size=14))
cells = st.one_of(
    st.none(), st.booleans(), texts,
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(), st.times(), st.timedeltas(),
)
ALLOWED = {"likert5": {1.0, 2.0, 3.0, 4.0, 5.0}, "yesno": {0.0, 1.0}}


@examples(3000)
@given(st.lists(cells, max_size=12), st.sampled_from(ITEM_KINDS), st.booleans())
def test_answer_parsers_agree_and_stay_in_range(values: list, kind: str, zero_is_missing: bool) -> None:
    column = np.array([*values, None], dtype=object)[:-1]  # an object array even of lists of one type
    parsed = parse_column(column, kind, zero_is_missing=zero_is_missing)
    assert parsed.values.dtype == np.float64 and len(parsed.values) == len(values)
    context = frozenset(normalise(v) for v in values if isinstance(v, str)) if kind == "likert5" else frozenset()
    for k, value in enumerate(values):
        number, reason, _ = parse_value(value, kind, zero_is_missing=zero_is_missing, context=context)
        assert (math.isnan(number) and math.isnan(parsed.values[k])) or number == parsed.values[k]
        assert reason == parsed.reasons[k]
        if reason is not None:
            assert math.isnan(number)
        if not math.isnan(number):
            assert math.isfinite(number)
            assert kind == "number" or number in ALLOWED[kind]


@examples(3000)
@given(texts)
def test_text_numbers_are_finite_or_none(text: str) -> None:
    number = text_number(text)
    assert number is None or isinstance(number, float)


date_texts = st.one_of(
    st.from_regex(r"\A\d{1,4}[./-]\d{1,2}[./-]\d{1,5}( (klo )?\d{1,2}[:.]\d{1,2}([:.]\d{1,2})?)?( [AP]M)?"
                  r"( ?(GMT|UTC)([+-]\d{1,4})?)?\Z"),
    st.from_regex(r"\A\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?\Z"),
    st.from_regex(r"\A(Mon|Wed) [A-Z][a-z]{2} \d{1,2} \d{4} \d{2}:\d{2}:\d{2} GMT[+-]\d{4}( \(.*\))?\Z"),
    st.text(max_size=25),
)
date_cells = st.one_of(st.none(), date_texts, st.floats(), st.integers(-10**9, 10**9),
                       st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)),
                       st.datetimes(timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=-12))])),
                       st.dates())


@examples(600)
@given(st.lists(date_cells, max_size=10), st.booleans())
def test_dates_parse_or_count_as_unreadable(values: list, utc: bool) -> None:
    column = np.array([*values, None], dtype=object)[:-1]
    stamps, bad = parse_dates(column, utc=utc)
    assert stamps.dtype == np.dtype("datetime64[ns]") and len(stamps) == len(values)
    filled = sum(1 for v in values if v is not None and not (isinstance(v, str) and not v.strip())
                 and not (isinstance(v, float) and math.isnan(v)))
    assert 0 <= bad <= filled
    assert int((~np.isnat(stamps)).sum()) + bad <= filled


# --- whole files --------------------------------------------------------------------------------------------


def read_or_refuse(data: bytes, name: str, **options: object) -> None:
    """Read ``data``; a ReadError must be a planned refusal (raised by the reader, not the catch-all that
    wraps an unexpected exception), and a result must be the responses table."""
    try:
        result = read_survey(data, FRAMEWORK, filename=name, limits=SMALL, **options)
    except ReadError as exc:
        assert exc.__cause__ is None, f"unexpected {exc.__cause__!r}"
        assert "tell the maintainers" not in str(exc)
        assert "\n" not in str(exc)
        return
    table = result.responses
    assert list(table.columns[:2]) == ["village", "respondent"]
    assert all(str(table[i].dtype) == "float64" for i in FRAMEWORK.item_ids)
    assert len(result.report.to_dict()["problems"]) <= 1000


headers = st.one_of(st.sampled_from([*HEADER, "E4", "E5", "Vastausaika", "Sähköposti", "kylä / village", "Y1",
                                     "E1. Kylässä on hyvät palvelut", "Kerro nimesi", ""]), st.text(max_size=20))
rows = st.lists(st.lists(st.one_of(texts, st.integers(-5, 10), st.none()), max_size=7), max_size=8)


@examples(1000)
@given(st.lists(headers, min_size=1, max_size=7), rows, st.sampled_from([";", ",", "\t", "|"]),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]), st.booleans())
def test_any_csv(header: list, body: list, delimiter: str, encoding: str, village: bool) -> None:
    lines = [delimiter.join(header)] + [delimiter.join("" if c is None else str(c) for c in row) for row in body]
    try:
        data = "\n".join(lines).encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    read_or_refuse(data, "f.csv", village="Sippola" if village else None)


xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
refs = st.one_of(st.tuples(st.integers(0, 80), st.integers(1, 500)).map(lambda p: f"{column_letter(p[0])}{p[1]}"),
                 st.text(alphabet="ABCXFD0123456789:", max_size=8))
xlsx_cells = st.tuples(refs, st.sampled_from(["n", "s", "b", "e", "str", "inlineStr", "d"]),
                       st.one_of(xml_text, st.integers(-3, 2**40).map(str)))


def _xlsx_cell(ref: str, kind: str, value: str) -> str:
    from xml.sax.saxutils import escape

    if kind == "inlineStr":
        return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}" t="{kind}"><v>{escape(value)}</v></c>'


@examples(800)
@given(st.lists(st.lists(xlsx_cells, max_size=6), max_size=6), st.one_of(st.none(), refs),
       st.lists(xml_text, max_size=4))
def test_any_xlsx(rows_of_cells: list, dimension: str | None, shared: list) -> None:
    from xml.sax.saxutils import escape

    header = "".join(_xlsx_cell(f"{column_letter(j)}1", "inlineStr", h) for j, h in enumerate(HEADER))
    body = '<row r="1">' + header + "</row>" + "".join(
        f'<row r="{r + 2}">' + "".join(_xlsx_cell(*c) for c in cells) + "</row>" for r, cells in enumerate(rows_of_cells))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet '
             'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             + (f'<dimension ref="{escape(dimension)}"/>' if dimension is not None else "")
             + f"<sheetData>{body}</sheetData></worksheet>")
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           f'2006/main" uniqueCount="{len(shared)}">' + "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
           + "</sst>")
    read_or_refuse(xlsx_parts(sheet, shared=sst), "f.xlsx")


ss_attrs = st.one_of(st.just(""), st.integers(-2, 600).map(lambda n: f'ss:Index="{n}"'),
                     st.text(alphabet="0123456789e.-x ", max_size=6).map(lambda s: f'ss:Index="{s}"'))
ss_cells = st.tuples(ss_attrs, st.sampled_from(["String", "Number", "DateTime", "Boolean", "Error"]), xml_text)


@examples(800)
@given(st.lists(st.tuples(ss_attrs, st.lists(ss_cells, max_size=6)), max_size=6),
       st.one_of(st.just(""), st.integers(0, 10**9).map(lambda n: f'ss:ExpandedRowCount="{n}"')))
def test_any_spreadsheetml(rows_markup: list, table_attrs: str) -> None:
    from xml.sax.saxutils import escape

    def cell(attrs: str, kind: str, value: str) -> str:
        return f'<Cell {attrs}><Data ss:Type="{kind}">{escape(value)}</Data></Cell>'

    header = "<Row>" + "".join(cell("", "String", h) for h in HEADER) + "</Row>"
    markup = header + "".join(f"<Row {a}>" + "".join(cell(*c) for c in cs) + "</Row>" for a, cs in rows_markup)
    read_or_refuse(spreadsheetml(markup, table_attrs), "f.xls")


@examples(500)
@given(st.lists(st.lists(st.one_of(xml_text, st.sampled_from(["<b>", "</td>", "<tr>", "&amp;", "&#0;", "&#x110000;",
                                                               "<table>", "<!--", "<td colspan=9>"])),
                         max_size=6), max_size=6))
def test_any_html(rows_of_texts: list) -> None:
    head = "<html><table><tr>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows_of_texts)
    read_or_refuse((head + body + "</table></html>").encode(), "f.xls")


@examples(300)
@given(st.lists(st.lists(st.one_of(xml_text, st.integers(-5, 10)), max_size=6), max_size=6),
       st.integers(1, 40), st.integers(1, 40))
def test_any_ods(rows_of_values: list, repeat_rows: int, repeat_columns: int) -> None:
    from tests.hostile_corpus import ods_row

    cell = (f'<table:table-cell table:number-columns-repeated="{repeat_columns}" office:value-type="string">'
            "<text:p>x</text:p></table:table-cell>")
    markup = ods_row(HEADER) + "".join(ods_row(r) for r in rows_of_values)
    markup += f'<table:table-row table:number-rows-repeated="{repeat_rows}">{cell}</table:table-row>'
    read_or_refuse(ods(markup), "f.ods")


@examples(1500)
@given(st.binary(max_size=600), st.sampled_from(["f.csv", "f.xlsx", "f.xls", "f.ods"]))
def test_any_bytes(data: bytes, name: str) -> None:
    read_or_refuse(data, name, village="Sippola")


formula_cells = st.tuples(st.integers(0, 6), st.integers(1, 6), st.sampled_from(["f", "fv", "e", "n", "fe"]),
                          st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=10))


@examples(400)
@given(st.lists(formula_cells, max_size=12, unique_by=lambda c: (c[0], c[1])))
def test_formula_scan_agrees_with_openpyxl(cells: list) -> None:
    """The direct scan of a sheet's formulas and error cells finds what openpyxl's reading finds."""
    from xml.sax.saxutils import escape

    from indicator.reading.tables import _overlay_formulas, _overlay_with_openpyxl

    rows: dict[int, list[str]] = {}
    for col, row, kind, text in sorted(cells, key=lambda c: (c[1], c[0])):
        ref, value = f"{column_letter(col)}{row}", escape(text)
        markup = {"f": f'<c r="{ref}"><f>{value}</f></c>', "fv": f'<c r="{ref}" t="str"><f>{value}</f><v></v></c>',
                  "e": f'<c r="{ref}" t="e"><v>{value}</v></c>', "n": f'<c r="{ref}"><v>{len(text)}</v></c>',
                  "fe": f'<c r="{ref}" t="e"><f>{value}</f><v>#DIV/0!</v></c>'}[kind]
        rows.setdefault(row, []).append(markup)
    body = "".join(f'<row r="{r}">' + "".join(c) + "</row>" for r, c in sorted(rows.items()))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><sheetData>{body}</sheetData></worksheet>')
    data = xlsx_parts(sheet, shared='<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>')
    empty = np.full((7, 7), None, dtype=object)
    fast = _overlay_formulas(data, "Vastaukset", empty)
    slow = _overlay_with_openpyxl(data, "Vastaukset", empty)
    kept = np.vectorize(lambda v: v if isinstance(v, str) and v.startswith(("=", "#")) else None, otypes=[object])
    assert kept(fast).tolist() == slow.tolist()
