"""Round trips: each generated form, answered and exported as its tool would, reads back to the true answers.

For every format, language and framework (the shipped one, conftest's small one, and a hostile one with
less-is-better and number items): every item is mapped, no item column is left unmapped, there are no
problems, the values equal the true answers, and the scores equal those of the generic layout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from indicator.questionnaire import render
from indicator.reading import read_survey
from indicator.scoring import score
from tests import questionnaire_kit as kit

FRAMEWORKS = kit.frameworks()
LANG_NAMES = {"fi": "Finnish (fi)", "sv": "Swedish (sv)", "en": "English (en)"}
CASES = [(name, lang) for name in FRAMEWORKS for lang in kit.LANGS]
IDS = [f"{name}-{lang}" for name, lang in CASES]
KOBO_ACCOUNT = frozenset({"_submitted_by"})  # KoboToolbox's account column: the reader drops it as personal


def check(data: bytes, filename: str, fw, answers: pd.DataFrame, meta: set[str], *, village: str | None = None,
          tool: str | None = None, personal: frozenset[str] = frozenset()) -> None:
    """Read ``data`` and compare with ``answers``: mapping, problems, values and scores."""
    result = read_survey(data, fw, filename=filename, village=village)
    report = result.report
    assert sorted(report.mapped.values()) == sorted(fw.item_ids)
    assert set(report.unmapped) <= meta, f"unmapped columns: {set(report.unmapped) - meta}"
    assert report.problems == []
    assert set(report.dropped_personal) == personal
    assert report.warnings == []
    if tool is not None:
        assert report.source_tool == tool
    got = result.responses.reset_index(drop=True)
    assert got["village"].tolist() == answers["village"].tolist()
    for item in fw.item_ids:
        np.testing.assert_allclose(got[item].to_numpy(float), answers[item].to_numpy(float), equal_nan=True,
                                   err_msg=item)
    assert report.latest_date is not None and report.latest_date.year == kit.ROUND
    expected = score(answers.assign(round=kit.ROUND), fw).table
    actual = score(got.assign(round=kit.ROUND), fw).table
    numbers = ["respondents", "index", *fw.dimension_ids]
    pd.testing.assert_frame_equal(actual[["village", *numbers]], expected[["village", *numbers]])


def _fixed(fw, answers: pd.DataFrame) -> tuple[str, pd.DataFrame]:
    village = kit.VILLAGES[1]
    return village, answers[answers["village"] == village].reset_index(drop=True)


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
@pytest.mark.parametrize("headers", ["xml", "labels"])
def test_xlsform_to_kobo_export(name, lang, headers):
    fw = FRAMEWORKS[name]
    answers = kit.truth(fw)
    form = render(fw, "xlsform", lang=lang, round=kit.ROUND)
    data = kit.kobo_export(form, answers, LANG_NAMES[lang], headers)
    check(data, "kobo.csv", fw, answers, kit.KOBO_META, tool="kobo", personal=KOBO_ACCOUNT)


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_xlsform_fixed_village_to_kobo_export(name, lang):
    fw = FRAMEWORKS[name]
    village, answers = _fixed(fw, kit.truth(fw))
    form = render(fw, "xlsform", lang=lang, village=village)
    check(kit.kobo_export(form, answers, LANG_NAMES[lang], "xml"), "kobo.csv", fw, answers, kit.KOBO_META,
          personal=KOBO_ACCOUNT)


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_limesurvey_to_its_export_with_codes(name, lang):
    fw = FRAMEWORKS[name]
    answers = kit.truth(fw)
    structure = render(fw, "limesurvey", lang="fi" if lang != "fi" else "sv", round=kit.ROUND)  # any base language
    data = kit.limesurvey_export(structure, answers, lang, "full")
    check(data, "results-survey123.csv", fw, answers, kit.LIME_META, tool="limesurvey")


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_limesurvey_fixed_village_answer_codes(name, lang):
    fw = FRAMEWORKS[name]
    village, answers = _fixed(fw, kit.truth(fw))
    structure = render(fw, "limesurvey", lang=lang, village=village)
    check(kit.limesurvey_export(structure, answers, lang, "codes"), "results.csv", fw, answers, kit.LIME_META)


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_google_forms_script_to_its_csv(name, lang, tmp_path):
    fw = FRAMEWORKS[name]
    answers = kit.truth(fw)
    form = kit.form_of(render(fw, "gforms", lang=lang, round=kit.ROUND), tmp_path)
    check(kit.google_export(form, answers, fw, lang), "Kysely.csv", fw, answers, {"Timestamp"}, tool="google")


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_google_forms_fixed_village_read_with_the_village_named(name, lang, tmp_path):
    fw = FRAMEWORKS[name]
    village, answers = _fixed(fw, kit.truth(fw))
    form = kit.form_of(render(fw, "gforms", lang=lang, village=village), tmp_path)
    assert [it for it in form["items"] if it["kind"] == "list"] == []
    check(kit.google_export(form, answers, fw, lang), "Kysely.csv", fw, answers, {"Timestamp"}, village=village)


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
def test_template_filled_by_a_secretary(name, lang):
    fw = FRAMEWORKS[name]
    answers = kit.truth(fw)
    template = render(fw, "template", lang=lang, round=kit.ROUND)
    filled = kit.fill_template(template, answers, fw, lang)
    check(filled, "pohja.xlsx", fw, answers, {render_date_label(lang)})


@pytest.mark.parametrize(("name", "lang"), CASES, ids=IDS)
@pytest.mark.parametrize("paper", ["docx", "html"])
def test_paper_form_typed_into_the_template(name, lang, paper):
    fw = FRAMEWORKS[name]
    village, answers = _fixed(fw, kit.truth(fw))
    printed = render(fw, paper, lang=lang, village=village)
    questions = kit.docx_questions(printed) if paper == "docx" else kit.html_questions(printed)
    assert len(questions) == len(fw.items)
    template = render(fw, "template", lang=lang, village=village)
    filled = kit.fill_template(template, answers, fw, lang, paper=questions)
    check(filled, "paperit.xlsx", fw, answers, {render_date_label(lang)})


def render_date_label(lang: str) -> str:
    return {"fi": "Päivämäärä", "sv": "Datum", "en": "Date"}[lang]
