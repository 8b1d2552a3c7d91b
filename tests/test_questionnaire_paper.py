"""The paper questionnaire (Word and HTML): same numbered questions and options, every text escaped."""

from __future__ import annotations

import io
import re

import docx
import pytest

from indicator.questionnaire import render
from indicator.questionnaire.paper import BOX
from tests import questionnaire_kit as kit

FRAMEWORKS = kit.frameworks()
FI_SCALE = ["Täysin eri mieltä", "Jokseenkin eri mieltä", "Ei samaa eikä eri mieltä", "Jokseenkin samaa mieltä",
            "Täysin samaa mieltä", "En osaa sanoa"]


@pytest.mark.parametrize("lang", kit.LANGS)
@pytest.mark.parametrize("name", list(FRAMEWORKS))
def test_word_and_html_print_the_same_questions(name, lang):
    fw = FRAMEWORKS[name]
    word = kit.docx_questions(render(fw, "docx", lang=lang))
    page = kit.html_questions(render(fw, "html", lang=lang))
    assert [(q.number, q.text, q.options, q.number_field) for q in word] == \
           [(q.number, q.text, q.options, q.number_field) for q in page]
    assert [q.number for q in word] == list(range(1, len(fw.items) + 1))
    kinds = [i.type for i in fw.items]
    assert [q.number_field for q in word] == [k == "number" for k in kinds]
    assert [len(q.options) for q in word] == [{"likert5": 6, "yesno": 3, "number": 1}[k] for k in kinds]


def test_shipped_form_in_finnish():
    questions = kit.docx_questions(render(FRAMEWORKS["shipped"], "docx", lang="fi"))
    assert questions[0].text.startswith("Kylän alueelle on viime vuosina syntynyt")
    assert questions[0].options == FI_SCALE
    assert questions[2].options == ["Kyllä", "Ei", "En osaa sanoa"]
    assert questions[4].options == ["En osaa sanoa"] and questions[4].number_field


def test_word_head_fixed_village_and_date_line():
    document = docx.Document(io.BytesIO(render(FRAMEWORKS["shipped"], "docx", lang="en", village="Utti",
                                               round=2026)))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Smart Village indicator: residents' survey 2026"
    assert "Village: Utti" in texts
    assert any(t.startswith("Date: ____") for t in texts)
    assert document.core_properties.author == ""
    boxes = sum(p.text.count(BOX) for p in document.paragraphs)
    boxes += sum(c.text.count(BOX) for table in document.tables for row in table.rows for c in row.cells)
    assert boxes == 14 * 6 + 14 * 3 + 12  # scale items, yes/no items, "don't know" beside each number line


def test_html_escapes_every_text():
    page = render(FRAMEWORKS["custom"], "html", lang="fi", village="Utti").decode("utf-8")
    assert "<script" not in page and "<b>iltaisin" not in page
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&quot;ilkivaltaa&quot; &amp; häiriöitä &lt;b&gt;iltaisin&lt;/b&gt;" in page
    tags = set(re.findall(r"</?([a-zA-Z0-9!]+)", page))
    assert tags <= {"!DOCTYPE", "html", "head", "meta", "title", "style", "body", "h1", "h2", "p", "b", "table",
                    "thead", "tbody", "tr", "th", "td", "div"}
    assert "http" not in page  # loads nothing from elsewhere


def test_html_blank_village_line_when_not_fixed():
    page = render(FRAMEWORKS["shipped"], "html", lang="sv").decode("utf-8")
    assert "<b>By:</b> ____________________________  (Skriv byns namn.)" in page
