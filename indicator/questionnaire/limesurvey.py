"""LimeSurvey's tab-separated survey structure (.txt), as its "Import survey" reads it.

The layout is the one LimeSurvey's own TSV export writes and ``TSVImportSurvey`` reads: a header row
``id, related_id, class, type/scale, name, relevance, text, help, language, validation, mandatory, other,
default, same_default`` plus question-attribute columns; ``S`` rows (survey settings), ``SL`` rows (texts
per language), then per language ``G`` (group; ``type/scale`` is the group order that ties languages
together), ``Q`` (question; ``type/scale`` its type, ``name`` its code) and ``A`` (answer option; ``name``
its code) rows. Empty ``id`` columns let LimeSurvey number everything itself.

Questions: the village as a drop-down (``!``) of registry villages, or, when fixed, a hidden equation
(``*``) whose value is the village; items as list-radio questions (``L``) with codes ``1``–``5`` /
``yes``/``no`` and ``eos`` for "don't know", numbers as numerical input (``N``) with min/max. Question
codes are the item ids. Export the responses with question codes as headings and "full answers" (the
village drop-down's answer codes are not village names).

Texts are HTML in LimeSurvey: they are escaped, and no field holds a tab, a line break or a double quote,
so no field needs CSV quoting. ``anonymized`` stays off because LimeSurvey then dates every response
1980-01-01, which would lose the round; no token table, IP address or referrer is stored.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Sequence

from indicator.questionnaire.model import Question, Survey, fmt_bound

BASE_COLUMNS: tuple[str, ...] = ("id", "related_id", "class", "type/scale", "name", "relevance", "text", "help",
                                 "language", "validation", "mandatory", "other", "default", "same_default")
ATTRIBUTE_COLUMNS: tuple[str, ...] = ("hidden", "max_num_value_n", "min_num_value_n")
COLUMNS: tuple[str, ...] = BASE_COLUMNS + ATTRIBUTE_COLUMNS
TYPES = {"likert5": "L", "yesno": "L", "number": "N", "village": "!", "fixed_village": "*"}
_EXPRESSION = re.compile(r"\{(?=\S)")
_SETTINGS: tuple[tuple[str, str], ...] = (
    ("format", "G"), ("anonymized", "N"), ("datestamp", "Y"), ("ipaddr", "N"), ("refurl", "N"),
    ("savetimings", "N"), ("usecookie", "N"), ("allowsave", "N"), ("allowprev", "Y"), ("showprogress", "Y"),
    ("questionindex", "0"), ("showwelcome", "Y"), ("showxquestions", "N"), ("showgroupinfo", "B"),
    ("shownoanswer", "N"), ("showqnumcode", "X"), ("listpublic", "N"), ("publicstatistics", "N"),
    ("publicgraphs", "N"), ("usecaptcha", "N"), ("alloweditaftercompletion", "N"), ("tokenanswerspersistence", "N"),
)
_NUMBER_FORMAT = {"fi": "1", "sv": "1", "en": "0"}  # 1 = decimal comma, 0 = decimal point
_DATE_FORMAT = {"fi": "1", "sv": "6", "en": "6"}  # 1 = dd.mm.yyyy, 6 = yyyy-mm-dd


def html_text(value: str) -> str:
    """Plain text as LimeSurvey HTML on one line: escaped, line breaks as ``<br />``, no tabs, and
    ``{`` followed by a space so that the Expression Manager leaves it alone."""
    escaped = html.escape(value, quote=False).replace('"', "&quot;").replace("\t", " ")
    escaped = escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br />")
    return _EXPRESSION.sub("{ ", escaped)


def _row(class_: str, **values: str) -> list[str]:
    cells = dict.fromkeys(COLUMNS, "")
    cells["class"] = class_
    cells.update({k.replace("type_scale", "type/scale"): v for k, v in values.items()})
    return [cells[c] for c in COLUMNS]


def _settings(surveys: Sequence[Survey]) -> list[list[str]]:
    base = surveys[0]
    rows = [_row("S", name="language", text=base.lang),
            _row("S", name="additional_languages", text=" ".join(s.lang for s in surveys[1:]))]
    rows += [_row("S", name=name, text=value) for name, value in _SETTINGS]
    for survey in surveys:
        welcome = html_text(survey.intro)
        if survey.village.fixed is not None:
            welcome += f"<br /><br />{html_text(survey.village.hint)}"
        for name, value in (("surveyls_language", survey.lang), ("surveyls_title", html_text(survey.title)),
                            ("surveyls_description", ""), ("surveyls_welcometext", welcome),
                            ("surveyls_endtext", html_text(survey.thanks)),
                            ("surveyls_numberformat", _NUMBER_FORMAT[survey.lang]),
                            ("surveyls_dateformat", _DATE_FORMAT[survey.lang])):
            rows.append(_row("SL", name=name, text=value, language=survey.lang))
    return rows


def _village_rows(survey: Survey, base: bool) -> list[list[str]]:
    village = survey.village
    if village.fixed is not None:
        return [_row("Q", type_scale=TYPES["fixed_village"], name=village.code, relevance="1",
                     text=html_text(village.fixed), language=survey.lang, mandatory="N", other="N",
                     same_default="0", hidden="1" if base else "")]
    rows = [_row("Q", type_scale=TYPES["village"], name=village.code, relevance="1", text=html_text(village.label),
                 help=html_text(village.hint), language=survey.lang, mandatory="Y", other="N", same_default="0")]
    rows += [_row("A", type_scale="0", name=f"V{n:03d}", text=html_text(name), language=survey.lang)
             for n, name in enumerate(village.choices, start=1)]
    return rows


def _question_rows(question: Question, lang: str, base: bool) -> list[list[str]]:
    limits = {}
    if base and question.minimum is not None:
        limits["min_num_value_n"] = fmt_bound(question.minimum, "en")
    if base and question.maximum is not None:
        limits["max_num_value_n"] = fmt_bound(question.maximum, "en")
    rows = [_row("Q", type_scale=TYPES[question.kind], name=question.code, relevance="1",
                 text=html_text(question.text), help=html_text(question.hint), language=lang, mandatory="N",
                 other="N", same_default="0", **limits)]
    rows += [_row("A", type_scale="0", name=option.code, text=html_text(option.label), language=lang)
             for option in question.options]
    return rows


def _structure(survey: Survey, base: bool) -> list[list[str]]:
    rows: list[list[str]] = []
    for order, section in enumerate(survey.sections, start=1):  # order 0 would read as "no order" on import
        rows.append(_row("G", type_scale=str(order), name=html_text(section.title), relevance="1",
                         language=survey.lang))
        if order == 1:
            rows += _village_rows(survey, base)
        for question in section.questions:
            rows += _question_rows(question, survey.lang, base)
    return rows


def limesurvey_bytes(surveys: Sequence[Survey]) -> bytes:
    """The survey structure in several languages (the first is LimeSurvey's base language), UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    writer.writerows(_settings(surveys))
    for n, survey in enumerate(surveys):
        writer.writerows(_structure(survey, base=n == 0))
    return buffer.getvalue().encode("utf-8")
