"""XLSForm (.xlsx with ``survey``, ``choices`` and ``settings`` sheets) for KoboToolbox and ODK.

All three languages are in one form (``label::Finnish (fi)`` ...), the chosen one as ``default_language``.
Item ids are the question ``name``s and each dimension is a group shown as one page (``field-list``), so
a KoboToolbox export with "XML values and headers" has ``group/E1`` columns holding ``1``–``5``, ``yes``,
``no`` or ``eos``, and an export with labels has the question texts and answer labels: the reader takes both.
``start`` and ``end`` record the answering time (the round is taken from it); nothing personal is asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from openpyxl import Workbook

from indicator.questionnaire.model import Question, Survey, answer_choices, dont_know, fmt_bound
from indicator.questionnaire.sheets import put_rows, widths, workbook_bytes

LANGUAGE_NAMES = {"fi": "Finnish (fi)", "sv": "Swedish (sv)", "en": "English (en)"}
LISTS = {"likert5": "likert5", "yesno": "yesno"}
VILLAGE_LIST = "villages"


def _xpath_literal(value: str) -> str:
    """A string literal in XPath 1.0, which has no escapes: quote with the mark the text does not hold."""
    if "'" not in value:
        return f"'{value}'"
    if '"' not in value:
        return f'"{value}"'
    parts = value.split("'")
    return "concat(" + ", \"'\", ".join(f"'{p}'" for p in parts) + ")"


def _constraint(question: Question) -> str:
    tests = []
    if question.minimum is not None:
        tests.append(f". >= {fmt_bound(question.minimum, 'en')}")
    if question.maximum is not None:
        tests.append(f". <= {fmt_bound(question.maximum, 'en')}")
    return " and ".join(tests)


class _Columns:
    """The survey sheet's columns: fixed ones, then label/hint/constraint message per language."""

    def __init__(self, langs: Sequence[str]) -> None:
        self.langs = list(langs)
        self.names = ["type", "name", "required", "appearance", "constraint", "calculation"]
        for kind in ("label", "hint", "constraint_message"):
            self.names += [f"{kind}::{LANGUAGE_NAMES[lang]}" for lang in self.langs]

    def row(self, surveys: Sequence[Survey], type_: str, name: str, texts: dict[str, Sequence[str]] | None = None,
            **fixed: str) -> list[str]:
        """One row; ``texts`` maps label/hint/constraint_message to one text per survey (language)."""
        values = dict.fromkeys(self.names, "")
        values.update(type=type_, name=name, **fixed)
        for kind, per_lang in (texts or {}).items():
            for survey, value in zip(surveys, per_lang, strict=True):
                values[f"{kind}::{LANGUAGE_NAMES[survey.lang]}"] = value
        return [values[n] for n in self.names]


def _question_rows(surveys: Sequence[Survey], columns: _Columns, index: tuple[int, int]) -> list[str]:
    s, q = index
    asked = [survey.sections[s].questions[q] for survey in surveys]
    first = asked[0]
    texts: dict[str, Sequence[str]] = {"label": [a.text for a in asked]}
    if first.kind == "number":
        texts["hint"] = [a.hint for a in asked]
        constraint = _constraint(first)
        if constraint:
            texts["constraint_message"] = [a.invalid for a in asked]
        return columns.row(surveys, "decimal", first.code, texts, constraint=constraint)
    return columns.row(surveys, f"select_one {LISTS[first.kind]}", first.code, texts)


def _survey_sheet(surveys: Sequence[Survey], columns: _Columns) -> list[list[str]]:
    base = surveys[0]
    village = base.village
    rows = [columns.names, columns.row(surveys, "start", "start"), columns.row(surveys, "end", "end"),
            columns.row(surveys, "note", "intro", {"label": [s.intro for s in surveys]})]
    if village.fixed is not None:
        rows.append(columns.row(surveys, "calculate", village.code, calculation=_xpath_literal(village.fixed)))
        rows.append(columns.row(surveys, "note", "village_note", {"label": [s.village.hint for s in surveys]}))
    else:
        rows.append(columns.row(surveys, f"select_one {VILLAGE_LIST}", village.code,
                                {"label": [s.village.label for s in surveys], "hint": [s.village.hint for s in surveys]},
                                required="yes", appearance="minimal"))
    for s, section in enumerate(base.sections):
        rows.append(columns.row(surveys, "begin_group", section.code,
                                {"label": [survey.sections[s].title for survey in surveys]}, appearance="field-list"))
        rows += [_question_rows(surveys, columns, (s, q)) for q in range(len(section.questions))]
        rows.append(columns.row(surveys, "end_group", section.code))
    rows.append(columns.row(surveys, "note", "thanks", {"label": [s.thanks for s in surveys]}))
    return rows


def _choices_sheet(surveys: Sequence[Survey]) -> list[list[str]]:
    header = ["list_name", "name", *(f"label::{LANGUAGE_NAMES[s.lang]}" for s in surveys)]
    rows: list[list[str]] = [header]
    for kind, list_name in LISTS.items():
        per_lang = [(*answer_choices(kind, s.lang), dont_know(s.lang)) for s in surveys]
        for options in zip(*per_lang, strict=True):
            rows.append([list_name, options[0].code, *(o.label for o in options)])
    if surveys[0].village.fixed is None:
        rows += [[VILLAGE_LIST, name, *([name] * len(surveys))] for name in surveys[0].village.choices]
    return rows


def _form_id(survey: Survey) -> str:
    parts = [survey.framework, str(survey.round) if survey.round else "", survey.village.fixed or ""]
    return re.sub(r"[^A-Za-z0-9_]+", "_", "_".join(p for p in parts if p)).strip("_") or "survey"


def xlsform_bytes(surveys: Sequence[Survey]) -> bytes:
    """The XLSForm workbook of the survey in several languages (the first is the default language)."""
    columns = _Columns([s.lang for s in surveys])
    book = Workbook()
    survey_ws = book.active
    survey_ws.title = "survey"
    put_rows(survey_ws, _survey_sheet(surveys, columns))
    widths(survey_ws, [22, 14, 9, 12, 22, 16] + [50] * (len(columns.names) - 6))
    survey_ws.freeze_panes = "A2"
    choices_ws = book.create_sheet("choices")
    put_rows(choices_ws, _choices_sheet(surveys))
    widths(choices_ws, [12, 22] + [30] * len(surveys))
    settings_ws = book.create_sheet("settings")
    base = surveys[0]
    put_rows(settings_ws, [["form_title", "form_id", "version", "default_language", "style"],
                           [base.title, _form_id(base), base.version or "1", LANGUAGE_NAMES[base.lang], "pages"]])
    widths(settings_ws, [50, 30, 10, 18, 10])
    return workbook_bytes(book)
