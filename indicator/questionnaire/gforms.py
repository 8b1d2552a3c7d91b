"""Google Forms: an Apps Script (.gs) that creates the form when pasted into script.google.com and run.

Every text is data in one JSON literal (``var SURVEY = ...``) that a fixed function turns into the form
with the FormApp API: a drop-down of villages (none when the village is fixed; the form's title then names
it), one page per dimension, a multiple-choice question per scale or yes/no item with "don't know" among
the options, and a text question with number validation per number item. Question titles are the item
texts, so the form's CSV of responses (``Timestamp`` and one column per question title) is read without
help. No e-mail addresses are collected.

The JSON is JavaScript-safe: besides JSON's own escapes, ``<``, ``>``, ``&``, U+2028 and U+2029 are
written as ``\\uXXXX`` escapes, so no text can end the string, the script, or a surrounding HTML block.
"""

from __future__ import annotations

import json
from typing import Any

from indicator.i18n import t
from indicator.questionnaire.model import Question, Survey

HOWTO_STEPS = 5
_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}

_BUILDER = """
function createSurvey() {
  var form = FormApp.create(SURVEY.title);
  form.setDescription(SURVEY.description);
  form.setCollectEmail(false);
  form.setProgressBar(true);
  form.setShowLinkToRespondAgain(false);
  form.setConfirmationMessage(SURVEY.thanks);
  if (SURVEY.village) {
    form.addListItem()
      .setTitle(SURVEY.village.title)
      .setHelpText(SURVEY.village.help)
      .setChoiceValues(SURVEY.village.choices)
      .setRequired(true);
  }
  SURVEY.sections.forEach(function (section) {
    form.addPageBreakItem().setTitle(section.title);
    section.questions.forEach(function (question) {
      if (question.choices) {
        form.addMultipleChoiceItem()
          .setTitle(question.title)
          .setChoiceValues(question.choices)
          .setRequired(false);
      } else {
        var rule = FormApp.createTextValidation().setHelpText(question.invalid);
        if (question.min !== null && question.max !== null) {
          rule = rule.requireNumberBetween(question.min, question.max);
        } else if (question.min !== null) {
          rule = rule.requireNumberGreaterThanOrEqualTo(question.min);
        } else {
          rule = rule.requireNumber();
        }
        form.addTextItem()
          .setTitle(question.title)
          .setHelpText(question.help)
          .setValidation(rule.build())
          .setRequired(false);
      }
    });
  });
  Logger.log('Answer link: ' + form.getPublishedUrl());
  Logger.log('Edit link: ' + form.getEditUrl());
  return form;
}
"""


def js_literal(value: Any) -> str:
    """``value`` as a JavaScript expression (JSON with the unsafe characters escaped)."""
    encoded = json.dumps(value, ensure_ascii=False, indent=1)
    return "".join(_JS_UNSAFE.get(ch, ch) for ch in encoded)


def _question(question: Question) -> dict[str, Any]:
    if question.options:
        return {"id": question.item, "title": question.text, "choices": [o.label for o in question.options]}
    return {"id": question.item, "title": question.text, "choices": None, "help": question.hint,
            "invalid": question.invalid, "min": question.minimum, "max": question.maximum}


def survey_data(survey: Survey) -> dict[str, Any]:
    """What the script builds, as plain data (the tests run the script against it)."""
    village = survey.village
    description = survey.intro if village.fixed is None else f"{survey.intro}\n\n{village.hint}"
    title = survey.title if village.fixed is None else f"{survey.title} – {village.fixed}"
    return {
        "title": title,
        "description": description,
        "thanks": survey.thanks,
        "village": None if village.fixed is not None else
        {"title": village.label, "help": village.hint, "choices": list(village.choices)},
        "sections": [{"title": s.title, "questions": [_question(q) for q in s.questions]} for s in survey.sections],
    }


def _comment(survey: Survey) -> str:
    lines = [survey.title, "", t("questionnaire.gforms_howto_title", survey.lang)]
    lines += [f"{n}. {t(f'questionnaire.gforms_howto_{n}', survey.lang)}" for n in range(1, HOWTO_STEPS + 1)]
    if survey.village.fixed is not None:
        lines.append(t("questionnaire.gforms_howto_village", survey.lang, village=survey.village.fixed))
    body = "\n".join(f" * {line}".rstrip() for line in lines).replace("*/", "* /")
    return f"/**\n{body}\n */\n"


def gforms_bytes(survey: Survey) -> bytes:
    """The Apps Script file, UTF-8."""
    script = f"{_comment(survey)}\nvar SURVEY = {js_literal(survey_data(survey))};\n{_BUILDER}"
    return script.encode("utf-8")
