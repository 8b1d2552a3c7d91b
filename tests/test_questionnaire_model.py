"""The questionnaire model: labels the reader accepts, codes, village question, numbers, errors, timing."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicator.answers import parse_value
from indicator.framework import LANGUAGES, load, loads
from indicator.i18n import t
from indicator.questionnaire import QuestionnaireError, build_survey, file_name
from indicator.questionnaire.model import (
    DONT_KNOW_CODE,
    LIKERT_CODES,
    answer_choices,
    dont_know,
    finnish_sorted,
    safe_code,
    village_code,
    village_label,
)
from indicator.questionnaire.timing import answer_time
from indicator.registry import load_villages
from tests.conftest import SMALL_FRAMEWORK
from tests.questionnaire_kit import CUSTOM_FRAMEWORK


@pytest.fixture(scope="module")
def fw():
    return load()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_label_and_code_reads_back_as_its_value(lang):
    for kind, expected in (("likert5", [1.0, 2.0, 3.0, 4.0, 5.0]), ("yesno", [1.0, 0.0])):
        options = answer_choices(kind, lang)
        assert [parse_value(o.label, kind)[:2] for o in options] == [(v, None) for v in expected]
        assert [parse_value(o.code, kind)[:2] for o in options] == [(v, None) for v in expected]
        for no_answer in (dont_know(lang).label, DONT_KNOW_CODE):
            value, problem, _ = parse_value(no_answer, kind)
            assert math.isnan(value) and problem is None


def test_likert_labels_are_the_usual_ones():
    assert [c.label for c in answer_choices("likert5", "fi")] == [
        "Täysin eri mieltä", "Jokseenkin eri mieltä", "Ei samaa eikä eri mieltä", "Jokseenkin samaa mieltä",
        "Täysin samaa mieltä"]
    assert [c.code for c in answer_choices("likert5", "en")] == list(LIKERT_CODES)
    assert dont_know("sv").label == "Vet inte"


def test_shipped_survey_in_finnish(fw):
    survey = build_survey(fw, "fi", round=2026)
    assert survey.title == "Älykylä-mittaristo: asukaskysely 2026"
    assert [s.id for s in survey.sections] == list(fw.dimension_ids)
    assert [q.item for q in survey.questions] == list(fw.item_ids)
    assert [q.code for q in survey.questions] == list(fw.item_ids)
    e1 = survey.questions[0]
    assert (e1.kind, len(e1.options), e1.options[-1].label) == ("likert5", 6, "En osaa sanoa")
    e5 = next(q for q in survey.questions if q.item == "E5")
    assert (e5.minimum, e5.maximum) == (0.0, None)
    assert e5.hint == "Kirjoita luku (vähintään 0). Jätä tyhjäksi, jos et tiedä."
    y2 = next(q for q in survey.questions if q.item == "Y2")  # a share (%): 0-100
    assert (y2.minimum, y2.maximum) == (0.0, 100.0)
    assert y2.hint == "Kirjoita luku väliltä 0–100. Jätä tyhjäksi, jos et tiedä."
    assert y2.invalid == "Kirjoita luku väliltä 0–100."
    assert survey.village.code == "kyla" and survey.village.label == "Kylä" and survey.village.fixed is None
    assert len(survey.village.choices) == len(load_villages())


def test_nothing_but_the_village_and_the_items_is_asked(fw):
    for lang in LANGUAGES:
        survey = build_survey(fw, lang)
        assert sorted(q.item for q in survey.questions) == sorted(fw.item_ids)
        assert set(vars(survey)) == {"lang", "framework", "version", "title", "intro", "thanks", "village",
                                     "sections", "date_label", "round"}


def test_villages_in_finnish_order():
    assert finnish_sorted(["Öja", "ähtäri", "Åva", "Zeta", "aura", "Kääpälä", "Kaakko"]) == (
        "aura", "Kaakko", "Kääpälä", "Zeta", "Åva", "ähtäri", "Öja")


def test_fixed_village_takes_the_registry_spelling(fw):
    survey = build_survey(fw, "sv", village="sippolan kirkonkylä")
    assert survey.village.fixed == "Sippola" and survey.village.choices == ("Sippola",)
    assert survey.village.hint == "Enkäten gäller byn Sippola."


def test_unknown_village_names_the_nearest(fw):
    with pytest.raises(QuestionnaireError) as caught:
        build_survey(fw, "fi", village="Anjla")
    assert str(caught.value) == "village 'Anjla' is not in the village registry; nearest: Anjala, Jaala"
    assert caught.value.localized("fi") == "kylää Anjla ei ole kylärekisterissä; lähimmät: Anjala, Jaala"
    with pytest.raises(QuestionnaireError, match="village 'Xyzzy' is not in the village registry$"):
        build_survey(fw, "fi", village="Xyzzy")


@pytest.mark.parametrize(("kwargs", "code"), [({"lang": "de"}, "questionnaire.language"),
                                              ({"round": 1999}, "questionnaire.round"),
                                              ({"round": 2101}, "questionnaire.round")])
def test_bad_options(fw, kwargs, code):
    with pytest.raises(QuestionnaireError) as caught:
        build_survey(fw, **kwargs)
    assert caught.value.code == code
    assert caught.value.localized("sv") != str(caught.value)


def test_village_code_and_label_follow_the_aliases(fw):
    small = loads(SMALL_FRAMEWORK)
    assert [(village_code(fw, lang), village_label(fw, lang)) for lang in LANGUAGES] == [
        ("kyla", "Kylä"), ("by", "By"), ("village", "Village")]
    # the small framework knows only "kylä" and "village": its Swedish form uses those
    assert [(village_code(small, lang), village_label(small, lang)) for lang in LANGUAGES] == [
        ("village", "Kylä"), ("village", "Kylä"), ("village", "Village")]


def test_codes_are_item_ids_or_made_safe():
    taken: set[str] = set()
    assert [safe_code(i, taken) for i in ("E1", "1.2", "yh_1", "yh1", "ä")] == ["E1", "q12", "yh1", "yh12", "q"]


@given(st.lists(st.text(min_size=1, max_size=12), min_size=1, max_size=20))
def test_safe_codes_are_valid_and_unique(idents):
    taken: set[str] = set()
    codes = [safe_code(i, taken) for i in idents]
    assert len(set(codes)) == len(codes)
    assert all(c[0].isascii() and c[0].isalpha() and c.isascii() and c.isalnum() for c in codes)


def test_same_text_twice_is_refused():
    text = SMALL_FRAMEWORK.replace('"Matka kuntakeskukseen km"', '"Tapahtumien määrä"')
    with pytest.raises(QuestionnaireError) as caught:
        build_survey(loads(text), "fi")
    assert caught.value.params == {"first": "Y1", "second": "Y2", "language": "fi"}


def test_texts_are_one_line_and_fall_back_to_finnish():
    survey = build_survey(loads(CUSTOM_FRAMEWORK), "sv")
    p1 = next(q for q in survey.questions if q.item == "P1")
    assert p1.text == "Matka lähimpään kauppaan (km)"  # no Swedish text: the Finnish one
    fi = build_survey(loads(CUSTOM_FRAMEWORK), "fi")
    assert next(q for q in fi.questions if q.item == "P2").text == "Väkiluvun muutos viime vuonna (henkeä)"


def test_number_bounds_come_from_goalposts_and_percent_texts():
    survey = build_survey(loads(CUSTOM_FRAMEWORK), "en")
    bounds = {q.item: (q.minimum, q.maximum) for q in survey.questions if q.kind == "number"}
    assert bounds == {"H3": (0.0, 100.0), "P1": (0.0, None), "P2": (None, None)}
    p2 = next(q for q in survey.questions if q.item == "P2")
    assert p2.hint == t("questionnaire.number_hint", "en")


def test_answer_time_of_the_shipped_survey(fw):
    timing = answer_time(build_survey(fw, "fi"))
    counted = build_survey(fw, "fi")
    kinds = [q.kind for q in counted.questions]
    taps = kinds.count("number") * 2 + (len(kinds) - kinds.count("number")) + 2 + len(counted.sections) + 1
    assert (timing.questions, timing.taps) == (40, taps) == (40, 62)
    assert timing.seconds == pytest.approx(timing.words / 200 * 60 + 62 * 3)
    assert 6 < timing.minutes < 10


def test_download_names(fw):
    assert file_name(fw, "template", lang="sv", village="Kääpälä", round=2026) == \
        "kysely-alykyla-kymenlaakso-sv-Kääpälä-2026-pohja.xlsx"
    assert file_name(fw, "gforms") == "kysely-alykyla-kymenlaakso-fi.gs"
