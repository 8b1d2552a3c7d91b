"""Answering in the app: chosen option codes as responses-table values, and the village link."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.errors import IndicatorError
from indicator.framework import load
from indicator.questionnaire import build_survey
from indicator.questionnaire.answering import answer_value, answer_values, survey_link
from indicator.questionnaire.model import DONT_KNOW_CODE

REGISTRY = pd.DataFrame({"village": ["Sippola", "Ähtäri kk", "Utti"]})


@pytest.fixture(scope="module")
def survey():
    return build_survey(load(), "fi", village="Sippola", round=2026, registry=REGISTRY)


def by_kind(survey, kind: str):
    return next(q for q in survey.questions if q.kind == kind)


def test_codes_become_the_values_the_scoring_reads(survey):
    likert, yesno, number = by_kind(survey, "likert5"), by_kind(survey, "yesno"), by_kind(survey, "number")
    assert [answer_value(likert, c) for c in ("1", "2", "3", "4", "5")] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert (answer_value(yesno, "yes"), answer_value(yesno, "no")) == (1.0, 0.0)
    assert answer_value(number, 7) == 7.0 and answer_value(number, 0.0) == 0.0 and answer_value(number, "12") == 12.0
    for question in (likert, yesno, number):
        assert answer_value(question, DONT_KNOW_CODE) is None
        assert answer_value(question, None) is None
    # what is not an option of the question is no answer
    assert answer_value(likert, "yes") is None and answer_value(yesno, "3") is None
    assert answer_value(number, "many") is None and answer_value(number, float("inf")) is None


def test_answer_values_cover_every_question(survey):
    chosen = {q.item: ("2" if q.kind == "likert5" else "no" if q.kind == "yesno" else None)
              for q in survey.questions}
    values = answer_values(survey, chosen)
    assert list(values) == [q.item for q in survey.questions]
    kinds = {q.item: q.kind for q in survey.questions}
    assert {k: v for k, v in values.items() if kinds[k] == "likert5"} == {
        q.item: 2.0 for q in survey.questions if q.kind == "likert5"}
    assert all(values[i] == 0.0 for i, k in kinds.items() if k == "yesno")
    assert all(values[i] is None for i, k in kinds.items() if k == "number")


@settings(deadline=None)
@given(chosen=st.one_of(st.none(), st.text(max_size=5), st.floats(allow_nan=True), st.integers(-5, 200)))
def test_a_value_is_none_or_an_allowed_finite_number(survey, chosen):
    for question in survey.questions:
        value = answer_value(question, chosen)
        assert value is None or math.isfinite(value)
        if value is not None and question.kind == "likert5":
            assert value in (1.0, 2.0, 3.0, 4.0, 5.0)
        if value is not None and question.kind == "yesno":
            assert value in (0.0, 1.0)


def test_the_village_link_keeps_the_server_and_base_path():
    assert survey_link("http://localhost:8501/mittaristo", "Sippola") == "http://localhost:8501/vastaa?kyla=Sippola"
    assert survey_link("https://example.org/alykyla/mittaristo?x=1", "Ähtäri kk", "sv") == (
        "https://example.org/alykyla/vastaa?kyla=%C3%84ht%C3%A4ri+kk&lang=sv")
    assert survey_link("https://example.org/mittaristo", None, "en") == "https://example.org/vastaa?lang=en"
    with pytest.raises(IndicatorError):
        survey_link("javascript:alert(1)", "Sippola")
