"""The Excel entry template for typing paper answers: one row per paper questionnaire, uploaded as it is.

Sheets, in this order (the reader takes the first sheet with item columns, so the answers come first):

1. answers: a village column (drop-down of registry villages, or only the fixed one), a date column
   (the round is taken from the latest date), then one column per item headed by its text in the paper
   form's order; drop-downs with the exact answer labels, number checks for number items, frozen header;
2. instructions: the steps, the round, and every question with its number and allowed answers;
3. lists (hidden): the drop-down choices.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from indicator.i18n import t
from indicator.questionnaire.model import Question, Survey, answer_choices, dont_know, fmt_bound
from indicator.questionnaire.sheets import put, put_rows, quoted_sheet, widths, workbook_bytes

ROWS = 1000  # answer rows with drop-downs and checks
STEPS = 6
DATE_FORMATS = {"fi": "d.m.yyyy", "sv": "yyyy-mm-dd", "en": "dd/mm/yyyy"}
FIRST_DATE = 36526  # 1.1.2000 as an Excel serial number
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LIST_COLUMNS = {"village": "A", "likert5": "B", "yesno": "C"}


def _lists(ws: Worksheet, survey: Survey) -> dict[str, str]:
    """Fill the hidden lists sheet; the range formula of each list by its name."""
    columns = {
        "village": list(survey.village.choices),
        "likert5": [o.label for o in (*answer_choices("likert5", survey.lang), dont_know(survey.lang))],
        "yesno": [o.label for o in (*answer_choices("yesno", survey.lang), dont_know(survey.lang))],
    }
    sheet = quoted_sheet(ws.title)
    ranges = {}
    for name, values in columns.items():
        letter = _LIST_COLUMNS[name]
        for row, value in enumerate(values, start=1):
            put(ws, row, ord(letter) - 64, value)
        ranges[name] = f"{sheet}!${letter}$1:${letter}${max(len(values), 1)}"
    return ranges


def _list_check(formula: str, lang: str) -> DataValidation:
    check = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                           errorTitle=t("questionnaire.template_error_title", lang),
                           error=t("questionnaire.template_error_list", lang))
    return check


def _number_check(question: Question, lang: str) -> DataValidation:
    low, high = question.minimum, question.maximum
    if low is not None and high is not None:
        options = {"operator": "between", "formula1": fmt_bound(low, "en"), "formula2": fmt_bound(high, "en")}
    elif low is not None:
        options = {"operator": "greaterThanOrEqual", "formula1": fmt_bound(low, "en")}
    elif high is not None:
        options = {"operator": "lessThanOrEqual", "formula1": fmt_bound(high, "en")}
    else:
        options = {"operator": "between", "formula1": "-1E+15", "formula2": "1E+15"}
    return DataValidation(type="decimal", allow_blank=True, showErrorMessage=True,
                          errorTitle=t("questionnaire.template_error_title", lang), error=question.invalid,
                          **options)


def _answers_sheet(ws: Worksheet, survey: Survey, ranges: dict[str, str]) -> None:
    lang = survey.lang
    headers = [survey.village.label, survey.date_label, *(q.text for q in survey.questions)]
    put_rows(ws, [headers])
    for column in range(1, len(headers) + 1):
        cell = ws.cell(row=1, column=column)
        cell.font = Font(bold=True)
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[1].height = 120
    widths(ws, [22, 13] + [22] * len(survey.questions))
    ws.freeze_panes = "B2"
    checks = [(_list_check(ranges["village"], lang), 1)]
    date_check = DataValidation(type="date", operator="greaterThanOrEqual", formula1=str(FIRST_DATE),
                                allow_blank=True, showErrorMessage=True,
                                errorTitle=t("questionnaire.template_error_title", lang),
                                error=t("questionnaire.template_error_date", lang))
    checks.append((date_check, 2))
    ws.column_dimensions["B"].number_format = DATE_FORMATS[lang]
    for column, question in enumerate(survey.questions, start=3):
        if question.kind == "number":
            checks.append((_number_check(question, lang), column))
        else:
            checks.append((_list_check(ranges[question.kind], lang), column))
    for check, column in checks:
        letter = get_column_letter(column)
        check.add(f"{letter}2:{letter}{ROWS + 1}")
        ws.add_data_validation(check)


def _allowed(question: Question) -> str:
    if question.kind == "number":
        return question.hint
    return " / ".join(o.label for o in question.options)


def _instructions_sheet(ws: Worksheet, survey: Survey, answers_title: str) -> None:
    lang = survey.lang
    rows: list[list[object]] = [[t("questionnaire.template_heading", lang)], [survey.title]]
    if survey.round is not None:
        rows.append([t("questionnaire.template_round", lang, round=survey.round)])
    rows.append([])
    for n in range(1, STEPS + 1):
        text = t(f"questionnaire.template_step_{n}", lang, sheet=answers_title, village=survey.village.label,
                 dont_know=dont_know(lang).label)
        rows.append([f"{n}.", text])
    rows.append([])
    rows.append([t("questionnaire.template_col_number", lang), t("questionnaire.template_col_question", lang),
                 t("questionnaire.template_col_answers", lang)])
    table_start = len(rows)
    rows.append(["", survey.village.label, " / ".join(survey.village.choices) if survey.village.fixed
                 else survey.village.hint])
    rows += [[n, q.text, _allowed(q)] for n, q in enumerate(survey.questions, start=1)]
    put_rows(ws, rows)
    ws.cell(row=1, column=1).font = Font(bold=True, size=14)
    for column in range(1, 4):
        ws.cell(row=table_start, column=column).font = Font(bold=True)
    for row in ws.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    widths(ws, [6, 70, 60])


def template_bytes(survey: Survey) -> bytes:
    """The entry template workbook (.xlsx)."""
    lang = survey.lang
    book = Workbook()
    answers = book.active
    answers.title = t("questionnaire.template_sheet_answers", lang)
    help_ws = book.create_sheet(t("questionnaire.template_sheet_help", lang))
    lists = book.create_sheet(t("questionnaire.template_sheet_lists", lang))
    ranges = _lists(lists, survey)
    lists.sheet_state = "hidden"
    _answers_sheet(answers, survey, ranges)
    _instructions_sheet(help_ws, survey, answers.title)
    book.active = 0
    return workbook_bytes(book)
