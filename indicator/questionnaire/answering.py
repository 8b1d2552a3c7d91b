"""Answering the questionnaire in the app (``/vastaa``): the village link, and the chosen options as values.

The app asks the questions of `indicator.questionnaire.model` with their option codes; `answer_values`
turns what a resident chose into the values of the responses table (docs/architecture.md): the
five-point scale ``1``–``5``, yes 1 and no 0, a typed number as is, and "don't know" (or nothing) as no
answer. `survey_link` is the address a village shares (on its poster, as a QR code).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from indicator.qr import poll_url
from indicator.questionnaire.model import DONT_KNOW_CODE, LIKERT_CODES, NO_CODE, YES_CODE, Question, Survey

PAGE = "vastaa"  # the answering page's address
VILLAGE_PARAM = "kyla"  # its query parameter naming the village
_CODED: dict[str, float] = {**{code: float(code) for code in LIKERT_CODES}, YES_CODE: 1.0, NO_CODE: 0.0}


def answer_value(question: Question, chosen: object) -> float | None:
    """The value of one chosen option code (or typed number for a number question); None for "don't know",
    nothing chosen, or anything that is not one of the question's options."""
    if chosen is None or chosen == DONT_KNOW_CODE:
        return None
    if question.kind == "number":
        try:
            value = float(chosen)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return None
        return value if math.isfinite(value) else None
    codes = {choice.code for choice in question.choices}
    return _CODED.get(str(chosen)) if str(chosen) in codes else None


def answer_values(survey: Survey, chosen: Mapping[str, object]) -> dict[str, float | None]:
    """Every question's value (item id -> value or None) from ``chosen`` (item id -> option code or number)."""
    return {q.item: answer_value(q, chosen.get(q.item)) for q in survey.questions}


def survey_link(page_url: str, village: str | None = None, lang: str = "fi") -> str:
    """The answering page's address on the server of ``page_url`` (any page of the app), with the village
    and, other than Finnish, the language: ``https://example.org/vastaa?kyla=Sippola&lang=sv``.

    >>> survey_link("http://localhost:8501/mittaristo", "Sippola")
    'http://localhost:8501/vastaa?kyla=Sippola'
    """
    return poll_url(page_url, PAGE, {VILLAGE_PARAM: village or "", "lang": "" if lang == "fi" else lang})
