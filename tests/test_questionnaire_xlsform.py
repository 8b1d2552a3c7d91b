"""XLSForm: pyxform (the reference converter) converts every form without errors; names, groups, choices."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pytest
from pyxform.xls2xform import convert

from indicator.questionnaire import render
from indicator.questionnaire.xlsform import _xpath_literal
from tests import questionnaire_kit as kit

FRAMEWORKS = kit.frameworks()


def rows(data: bytes, sheet: str) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in book[sheet].iter_rows(values_only=True)]


@pytest.mark.parametrize("village", [None, "Kääpälä"])
@pytest.mark.parametrize("lang", kit.LANGS)
@pytest.mark.parametrize("name", list(FRAMEWORKS))
def test_pyxform_converts_without_warnings(name, lang, village):
    warnings: list[str] = []
    data = render(FRAMEWORKS[name], "xlsform", lang=lang, village=village, round=2026)
    result = convert(data, warnings=warnings, file_type=".xlsx")
    assert warnings == []
    xform = result.xform
    for item in FRAMEWORKS[name].items:
        assert f'/{item.id}"' in xform or f"/{item.id} " in xform or f"/{item.id}<" in xform
    assert "<h:title>" in xform


@pytest.mark.skipif(shutil.which("java") is None, reason="ODK Validate needs Java")
@pytest.mark.parametrize("name", ["shipped", "custom"])
def test_odk_validate_accepts_the_form(name):
    convert(render(FRAMEWORKS[name], "xlsform", lang="sv"), warnings=[], validate=True, file_type=".xlsx")


def test_sheets_languages_and_settings():
    data = render(FRAMEWORKS["shipped"], "xlsform", lang="sv", round=2026)
    survey = rows(data, "survey")
    assert survey[0][:6] == ["type", "name", "required", "appearance", "constraint", "calculation"]
    assert survey[0][6:9] == ["label::Swedish (sv)", "label::Finnish (fi)", "label::English (en)"]
    settings = rows(data, "settings")
    assert settings[0] == ["form_title", "form_id", "version", "default_language", "style"]
    assert settings[1] == ["Smart by-mätaren: invånarenkät 2026", "alykyla_kymenlaakso_2026", "1.0", "Swedish (sv)",
                           "pages"]


def test_questions_are_the_village_and_the_items_in_groups():
    fw = FRAMEWORKS["shipped"]
    survey = rows(render(fw, "xlsform", lang="fi"), "survey")
    data_rows = [(r[0], r[1]) for r in survey[1:] if r[0] not in ("note", "begin_group", "end_group")]
    assert data_rows[:3] == [("start", "start"), ("end", "end"), ("select_one villages", "kyla")]
    assert [name for _, name in data_rows[3:]] == list(fw.item_ids)
    kinds = {name: kind for kind, name in data_rows[3:]}
    assert (kinds["E1"], kinds["E3"], kinds["E5"]) == ("select_one likert5", "select_one yesno", "decimal")
    groups = [r[1] for r in survey if r[0] == "begin_group"]
    assert groups == list(fw.dimension_ids)
    assert {r[3] for r in survey if r[0] == "begin_group"} == {"field-list"}
    y2 = next(r for r in survey if r[1] == "Y2")
    assert y2[4] == ". >= 0 and . <= 100"
    assert y2[2] is None  # nothing is required but the village


def test_choices_codes_and_labels():
    choices = rows(render(FRAMEWORKS["shipped"], "xlsform", lang="en"), "choices")
    likert = [r for r in choices if r[0] == "likert5"]
    assert [r[1] for r in likert] == ["1", "2", "3", "4", "5", "eos"]
    assert [r[2] for r in likert][:2] == ["Strongly disagree", "Disagree"]  # English first (the default)
    assert [r[1:] for r in choices if r[0] == "yesno"] == [["yes", "Yes", "Kyllä", "Ja"], ["no", "No", "Ei", "Nej"],
                                                           ["eos", "Don't know", "En osaa sanoa", "Vet inte"]]
    villages = [r for r in choices if r[0] == "villages"]
    assert len(villages) == 75 and villages[0][1:] == ["Aitomäki"] * 4


def test_fixed_village_is_a_calculation():
    survey = rows(render(FRAMEWORKS["shipped"], "xlsform", lang="fi", village="kääpälä"), "survey")
    village = next(r for r in survey if r[1] == "kyla")
    assert (village[0], village[5]) == ("calculate", "'Kääpälä'")
    choices = rows(render(FRAMEWORKS["shipped"], "xlsform", village="Kääpälä"), "choices")
    assert not [r for r in choices if r[0] == "villages"]


@pytest.mark.parametrize(("value", "literal"), [("Utti", "'Utti'"), ("O'Hara", '"O\'Hara"'),
                                                ("a'b\"c", "concat('a', \"'\", 'b\"c')")])
def test_xpath_literals(value, literal):
    assert _xpath_literal(value) == literal
