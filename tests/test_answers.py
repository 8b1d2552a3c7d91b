"""Parsing raw answer cells (docs/survey-files.md §3, §4)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicator.answers import LIKERT5_LABELS, NO_ANSWER, parse_column, text_number


def values(cells, kind, **kw):
    return parse_column(cells, kind, **kw).values.tolist()


def same(a, b) -> bool:
    return all((math.isnan(x) and math.isnan(y)) or x == y for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Täysin eri mieltä", 1), ("Jokseenkin eri mieltä", 2), ("Osittain eri mieltä", 2),
        ("Ei samaa eikä eri mieltä", 3), ("Ei eri eikä samaa mieltä", 3), ("Jonkin verran samaa mieltä", 4),
        ("täysin samaa mieltä ", 5), ("Erittäin tyytymätön", 1), ("Melko tyytyväinen", 4),
        ("Erittäin hyvä", 5), ("Ei hyvä eikä huono", 3), ("Helt av annan åsikt", 1),
        ("Varken av samma eller annan åsikt", 3), ("Helt av samma åsikt", 5), ("Mycket missnöjd", 1),
        ("Mycket bra", 5), ("Strongly disagree", 1), ("Neither agree nor disagree", 3), ("Neutral", 3),
        ("Strongly Agree", 5), ("Very dissatisfied", 1), ("Very satisfied", 5), ("Very poor", 1),
        ("Good", 4), ("STRONGLY\u00a0AGREE:", 5),
    ],
)
def test_likert_labels(label: str, expected: int) -> None:
    assert values([label], "likert5") == [expected]


def test_likert_numbers_and_text_numbers() -> None:
    assert values([1, 5.0, "3", "3.0", "4,0", " 2 "], "likert5") == [1, 5, 3, 3, 4, 2]


def test_likert_out_of_scale_is_problem_and_zero_is_never_a_value() -> None:
    parsed = parse_column([0, 6, 2.5, "0", "yes", True], "likert5")
    assert np.isnan(parsed.values).all()
    assert parsed.problems.tolist() == [True] * 6
    assert parsed.reasons[0] == "0 is not on the 1–5 scale"


def test_no_answer_labels_are_missing_not_problems() -> None:
    cells = ["En osaa sanoa", "EOS", "Ei perusteita vastata", "E", "Ei mielipidettä", "Vet inte",
             "Kan inte säga", "Don't know", "Don\u2019t know", "Can't say", "", None, np.nan, "  "]
    for kind in ("likert5", "number"):
        parsed = parse_column(cells, kind)
        assert np.isnan(parsed.values).all()
        assert not parsed.problems.any()


def test_swedish_instammer_delvis_depends_on_the_scale() -> None:
    sweden = ["Instämmer inte alls", "Instämmer delvis", "Instämmer helt"]
    avstand = ["Tar helt avstånd", "Instämmer delvis", "Neutral"]
    assert values(sweden, "likert5") == [1, 3, 5]
    assert values(avstand, "likert5") == [1, 4, 3]


def test_coded_labels_use_the_label_and_flag_reversal() -> None:
    parsed = parse_column(["1 = Täysin samaa mieltä", "5 - Täysin eri mieltä", "3 Neutraali"], "likert5")
    assert parsed.values.tolist() == [5, 1, 3]
    assert parsed.reversed_codes == 2
    assert parse_column(["1 Täysin eri mieltä"], "likert5").reversed_codes == 0


def test_yesno() -> None:
    cells = ["Kyllä", "Ei", "Ja", "Nej", "Yes", "No", 1, 0, "1", "0", "true", "FALSE", True, False]
    assert values(cells, "yesno") == [1, 0] * 7
    parsed = parse_column(["kanske", 2, "E"], "yesno")
    assert parsed.problems.tolist() == [True, True, True]


def test_numbers_with_comma_and_grouping_spaces() -> None:
    cells = ["1 950", "1\u00a0950,5", "1\u202f950", "3,5", "-2", 12, "12.25", "−4"]
    assert values(cells, "number") == [1950, 1950.5, 1950, 3.5, -2, 12, 12.25, -4]
    assert parse_column(["12 3", "1,2,3", "abc", dt.date(2024, 1, 1)], "number").problems.all()


def test_webropol_zero_is_missing_for_every_type() -> None:
    for kind in ("likert5", "yesno", "number"):
        parsed = parse_column([0, "0", 1], kind, zero_is_missing=True)
        assert np.isnan(parsed.values[:2]).all() and parsed.values[2] == 1
        assert not parsed.problems.any()


def test_formula_text_is_a_problem() -> None:
    parsed = parse_column(["=1+1"], "number")
    assert parsed.problems.all() and "formula" in parsed.reasons[0]


def test_text_number() -> None:
    assert text_number("1 234 567,25") == 1234567.25
    assert text_number("12a") is None


def test_no_label_is_both_an_answer_and_no_answer() -> None:
    assert not set(LIKERT5_LABELS) & NO_ANSWER


@given(st.lists(st.sampled_from([*LIKERT5_LABELS, "En osaa sanoa", "", None, 1, 2, 3, 4, 5, "x", 0]),
                max_size=40))
def test_column_parse_equals_cellwise_parse(cells: list) -> None:
    whole = parse_column(cells, "likert5")
    one_by_one = [parse_column([c], "likert5") for c in cells]
    # "instämmer delvis" is the only context-dependent label and is not in this alphabet's context set
    assert same(whole.values.tolist(), [p.values[0] for p in one_by_one])
    assert whole.problems.tolist() == [bool(p.problems[0]) for p in one_by_one]
    assert set(np.unique(whole.values[~np.isnan(whole.values)])) <= {1.0, 2.0, 3.0, 4.0, 5.0}


def test_percent_sign_on_numbers() -> None:
    assert values(["45 %", "12,5%"], "number") == [45.0, 12.5]


@given(st.sampled_from(sorted(LIKERT5_LABELS)), st.lists(st.booleans(), min_size=60, max_size=60),
       st.sampled_from(["", " ", "\u00a0", ":", " ?", "  :?"]))
def test_labels_survive_case_spacing_and_trailing_marks(label: str, upper: list[bool], tail: str) -> None:
    varied = "".join(c.upper() if u else c for c, u in zip(label, upper + [False] * len(label), strict=False))
    varied = varied.replace(" ", "  ") + tail
    assert values([varied], "likert5") == [LIKERT5_LABELS[label]]


def test_true_and_false_stay_apart_from_one_and_zero() -> None:
    """pandas finds True == 1 and False == 0; a column holding both must still parse each as written."""
    likert = parse_column([True, 1, False, 0, 1.0], "likert5")
    assert likert.values[1] == 1.0 and likert.values[4] == 1.0
    assert np.isnan(likert.values[[0, 2, 3]]).all()
    assert list(likert.reasons[[0, 2, 3]]) == [likert.reasons[0], likert.reasons[0], "0 is not on the 1–5 scale"]
    assert likert.reasons[0] != likert.reasons[3]
    assert parse_column([True, 1, False, 0], "yesno").values.tolist() == [1.0, 1.0, 0.0, 0.0]
    numbers = parse_column([0, False, 3], "number")
    assert numbers.values[0] == 0.0 and np.isnan(numbers.values[1]) and numbers.values[2] == 3.0
