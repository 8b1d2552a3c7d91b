"""The Excel entry template: sheets, header, drop-downs, number checks, instructions."""

from __future__ import annotations

import io

import openpyxl
import pytest

from indicator.errors import ReadError
from indicator.framework import loads
from indicator.questionnaire import render
from indicator.reading import read_survey
from tests import questionnaire_kit as kit
from tests.conftest import SMALL_FRAMEWORK

FRAMEWORKS = kit.frameworks()


def book(name: str = "shipped", **options) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(render(FRAMEWORKS[name], "template", **options)))


def test_sheets_in_order_and_lists_hidden():
    wb = book(lang="sv")
    assert wb.sheetnames == ["Svar", "Anvisningar", "Listor"]
    assert wb.active.title == "Svar"
    assert [ws.sheet_state for ws in wb.worksheets] == ["visible", "visible", "hidden"]


def test_header_frozen_and_in_paper_order():
    fw = FRAMEWORKS["shipped"]
    ws = book()["Vastaukset"]
    headers = [c.value for c in ws[1]]
    assert headers[:2] == ["Kylä", "Päivämäärä"]
    assert headers[2:] == [i.text["fi"] for i in fw.items]
    assert ws.freeze_panes == "B2"
    assert ws.max_row == 1  # no pre-filled rows: an empty row would count as an answer


def test_drop_downs_and_checks():
    wb = book(round=2026)
    lists = kit.template_lists(wb)
    assert len(lists[1]) == 75 and lists[1][:3] == ["Aitomäki", "Alapihlaja", "Anjala"]
    assert lists[3] == ["Täysin eri mieltä", "Jokseenkin eri mieltä", "Ei samaa eikä eri mieltä",
                        "Jokseenkin samaa mieltä", "Täysin samaa mieltä", "En osaa sanoa"]
    assert lists[5] == ["Kyllä", "Ei", "En osaa sanoa"]
    checks = {str(c.sqref): c for c in wb["Vastaukset"].data_validations.dataValidation}
    e5 = checks["G2:G1001"]  # E5, a count
    assert (e5.type, e5.operator, e5.formula1, e5.allow_blank) == ("decimal", "greaterThanOrEqual", "0", True)
    y2 = checks[f"{openpyxl.utils.get_column_letter(2 + 1 + FRAMEWORKS['shipped'].item_ids.index('Y2'))}2:" +
                f"{openpyxl.utils.get_column_letter(2 + 1 + FRAMEWORKS['shipped'].item_ids.index('Y2'))}1001"]
    assert (y2.operator, y2.formula1, y2.formula2) == ("between", "0", "100")
    assert y2.error == "Kirjoita luku väliltä 0–100."
    date = checks["B2:B1001"]
    assert (date.type, date.formula1) == ("date", "36526")
    assert all(c.showErrorMessage for c in checks.values())


def test_fixed_village_is_the_only_choice():
    lists = kit.template_lists(book(village="utti"))
    assert lists[1] == ["Utti"]


def test_instructions_number_the_questions_as_on_paper():
    ws = book(lang="en", round=2026)["Instructions"]
    rows = [[c for c in r] for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "Entry template for answers on paper forms"
    assert rows[2][0] == "Survey round 2026"
    assert rows[4][1].startswith("Type the answers of each paper form on a row of its own on the sheet “Answers”")
    head = rows.index(["No.", "Question", "Allowed answers"])
    assert rows[head + 1][1:] == ["Village", "Choose the village your answers are about."]
    first = rows[head + 2]
    assert first[0] == 1 and first[1].startswith("New businesses or jobs")
    assert first[2] == "Strongly disagree / Disagree / Neither agree nor disagree / Agree / Strongly agree / Don't know"
    assert rows[-1][0] == 40


def test_formula_like_texts_stay_text(tmp_path):
    fw = loads(SMALL_FRAMEWORK.replace('"Tapahtumien määrä"', '"=SUM(A1:A9) tapahtumaa"'))
    data = render(fw, "template", lang="fi")
    ws = openpyxl.load_workbook(io.BytesIO(data))["Vastaukset"]
    cell = next(c for c in ws[1] if str(c.value).startswith("=SUM"))
    assert cell.data_type == "s"


def test_an_empty_template_is_refused_plainly():
    with pytest.raises(ReadError, match="there are no answer rows below the header"):
        read_survey(render(FRAMEWORKS["shipped"], "template"), FRAMEWORKS["shipped"], filename="pohja.xlsx")
