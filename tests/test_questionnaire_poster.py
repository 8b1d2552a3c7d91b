"""The village's A4 poster: the call to answer in the chosen language, the QR code of the village link."""

from __future__ import annotations

import re
from html import escape

import pandas as pd
import pytest

from indicator.errors import IndicatorError
from indicator.framework import load
from indicator.i18n import LANGUAGES, t
from indicator.qr import qr_svg
from indicator.questionnaire import build_survey
from indicator.questionnaire.poster import answer_minutes, poster_html
from indicator.questionnaire.timing import answer_time

URL = "https://example.org/vastaa?kyla=Sippola"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_poster_holds_the_call_the_village_the_link_and_its_qr_code(lang):
    survey = build_survey(load(), lang, village="Sippola", round=2026)
    page = poster_html(survey, URL).decode("utf-8")
    assert f'<html lang="{lang}">' in page and "size: A4" in page
    for key in ("questionnaire.poster_heading", "questionnaire.poster_scan", "questionnaire.poster_anonymous"):
        assert escape(t(key, lang)) in page
    assert escape(t("questionnaire.poster_time", lang, minutes=answer_minutes(survey))) in page
    assert '<p class="village">Sippola</p>' in page and URL in page
    assert qr_svg(URL, border=2) in page  # the QR code of exactly this link
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def test_the_answering_time_is_the_survey_estimate_rounded_up():
    survey = build_survey(load(), "fi", village="Sippola")
    seconds = answer_time(survey).seconds
    assert (answer_minutes(survey) - 1) * 60 < seconds <= answer_minutes(survey) * 60


def test_texts_are_escaped_and_only_web_links_are_printed():
    registry = pd.DataFrame({"village": ["<b>Kylä & co</b>"]})
    survey = build_survey(load(), "fi", village="<b>Kylä & co</b>", registry=registry)
    page = poster_html(survey, URL).decode("utf-8")
    assert "&lt;b&gt;Kylä &amp; co&lt;/b&gt;" in page and "<b>" not in page
    with pytest.raises(IndicatorError):
        poster_html(survey, "javascript:alert(1)")
    without_village = poster_html(build_survey(load(), "fi"), URL).decode("utf-8")
    assert 'class="village"' not in without_village
    assert len(re.findall("<svg", without_village)) == 1
