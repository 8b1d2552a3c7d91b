"""LimeSurvey's tab-separated survey structure: the columns, rows and codes its importer expects."""

from __future__ import annotations

import re

import pytest

from indicator.questionnaire import render
from indicator.questionnaire.limesurvey import BASE_COLUMNS, COLUMNS, html_text
from tests import questionnaire_kit as kit

FRAMEWORKS = kit.frameworks()


def structure(name: str = "shipped", **options) -> list[dict[str, str]]:
    return kit.limesurvey_rows(render(FRAMEWORKS[name], "limesurvey", **options))


def test_header_is_limesurveys_own():
    text = render(FRAMEWORKS["shipped"], "limesurvey").decode("utf-8")
    head = text.split("\n", 1)[0].split("\t")
    assert head[:14] == list(BASE_COLUMNS) == ["id", "related_id", "class", "type/scale", "name", "relevance",
                                                "text", "help", "language", "validation", "mandatory", "other",
                                                "default", "same_default"]
    assert head == list(COLUMNS)


@pytest.mark.parametrize("name", list(FRAMEWORKS))
def test_every_line_has_every_column_and_needs_no_quoting(name):
    text = render(FRAMEWORKS[name], "limesurvey", village="Utti").decode("utf-8")
    lines = text.split("\n")
    assert lines[-1] == "" and not text.startswith("\ufeff")
    for line in lines[:-1]:
        cells = line.split("\t")
        assert len(cells) == len(COLUMNS)
        assert not any('"' in c or "\r" in c for c in cells)


def test_settings_and_languages():
    rows = structure(lang="sv", round=2026)
    settings = {r["name"]: r["text"] for r in rows if r["class"] == "S"}
    assert settings["language"] == "sv" and settings["additional_languages"] == "fi en"
    assert (settings["format"], settings["datestamp"], settings["anonymized"]) == ("G", "Y", "N")
    assert (settings["ipaddr"], settings["refurl"]) == ("N", "N")
    titles = {r["language"]: r["text"] for r in rows if r["class"] == "SL" and r["name"] == "surveyls_title"}
    assert titles == {"sv": "Smart by-mätaren: invånarenkät 2026", "fi": "Älykylä-mittaristo: asukaskysely 2026",
                      "en": "Smart Village indicator: residents' survey 2026"}
    assert {r["language"] for r in rows if r["class"] in ("G", "Q", "A")} == {"sv", "fi", "en"}
    first = next(i for i, r in enumerate(rows) if r["class"] == "G")
    assert rows[first]["language"] == "sv"  # the base language's structure comes first


@pytest.mark.parametrize("lang", kit.LANGS)
def test_groups_questions_and_answers(lang):
    fw = FRAMEWORKS["shipped"]
    rows = [r for r in structure() if r["language"] == lang]  # base language fi: the village code is "kyla"
    groups = [r for r in rows if r["class"] == "G"]
    assert [g["type/scale"] for g in groups] == [str(n) for n in range(1, len(fw.dimensions) + 1)]
    questions = [r for r in rows if r["class"] == "Q"]
    assert [q["name"] for q in questions] == ["kyla", *fw.item_ids]
    kinds = {q["name"]: q["type/scale"] for q in questions}
    assert (kinds["kyla"], kinds["E1"], kinds["E3"], kinds["E5"]) == ("!", "L", "L", "N")
    assert {q["mandatory"] for q in questions[1:]} == {"N"} and questions[0]["mandatory"] == "Y"
    codes: dict[str, list[str]] = {}
    current = ""
    for row in rows:
        if row["class"] == "Q":
            current = row["name"]
        elif row["class"] == "A":
            codes.setdefault(current, []).append(row["name"])
    assert codes["E1"] == ["1", "2", "3", "4", "5", "eos"]
    assert codes["E3"] == ["yes", "no", "eos"]
    assert "E5" not in codes
    assert codes["kyla"][:2] == ["V001", "V002"] and len(codes["kyla"]) == 75
    all_codes = [c for values in codes.values() for c in values]
    assert all(re.fullmatch(r"[A-Za-z0-9]{1,5}", c) for c in all_codes)  # LimeSurvey's answer-code rule
    assert all(re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", q["name"]) for q in questions)


def test_number_limits_only_on_base_language_rows():
    rows = structure(lang="fi")
    y2 = [r for r in rows if r["class"] == "Q" and r["name"] == "Y2"]
    assert [(r["language"], r["min_num_value_n"], r["max_num_value_n"]) for r in y2] == [
        ("fi", "0", "100"), ("sv", "", ""), ("en", "", "")]
    assert y2[0]["help"] == "Kirjoita luku väliltä 0–100. Jätä tyhjäksi, jos et tiedä."


def test_fixed_village_is_a_hidden_equation():
    rows = structure(village="Utti", lang="en")
    village = [r for r in rows if r["class"] == "Q" and r["name"] == "village"]
    assert [(r["type/scale"], r["text"], r["hidden"]) for r in village] == [("*", "Utti", "1"), ("*", "Utti", ""),
                                                                         ("*", "Utti", "")]
    welcome = next(r["text"] for r in rows if r["name"] == "surveyls_welcometext" and r["language"] == "en")
    assert welcome.endswith("<br /><br />This survey is about the village of Utti.")


def test_texts_are_escaped_html():
    assert html_text('<b>"x"</b> & {name}\ttab\nline') == "&lt;b&gt;&quot;x&quot;&lt;/b&gt; &amp; { name} tab<br />line"
    rows = structure("custom", lang="fi")
    h1 = next(r for r in rows if r["class"] == "Q" and r["name"] == "H1" and r["language"] == "fi")
    assert h1["text"] == "Kylällä on &quot;ilkivaltaa&quot; &amp; häiriöitä &lt;b&gt;iltaisin&lt;/b&gt;"
    group = next(r for r in rows if r["class"] == "G" and r["type/scale"] == "2" and r["language"] == "fi")
    assert group["name"] == "Palvelut &quot;lähellä&quot;"
