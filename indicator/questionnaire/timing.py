"""How long a resident needs to answer a survey on a phone: reading time plus taps, counted from the survey.

The estimate is deliberately plain: every word on the screen is read at ``READING_WPM`` words a minute
(every question text, hint and answer option, each time it is shown, plus the intro and section titles),
and every tap costs ``TAP_SECONDS``: one per choice question, two per number question (open the field,
type), two for the village drop-down, one "next" per section and one "send". Reading the same scale labels
again is counted in full, so the figure leans long for a resident who learns the scale after a few items.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicator.questionnaire.model import Survey

READING_WPM = 200  # a Finnish adult reading plain text on a phone
TAP_SECONDS = 3.0  # to decide and tap one answer (or move on)


@dataclass(frozen=True)
class AnswerTime:
    questions: int  # item questions (the village question not counted)
    words: int  # every word read
    taps: int
    seconds: float

    @property
    def minutes(self) -> float:
        return self.seconds / 60


def _words(text: str) -> int:
    return len(text.split())


def answer_time(survey: Survey, *, wpm: float = READING_WPM, tap: float = TAP_SECONDS) -> AnswerTime:
    """The reading and tapping time of ``survey`` as the module docstring counts it."""
    words = _words(survey.title) + _words(survey.intro) + _words(survey.thanks)
    taps = 1  # send
    if survey.village.fixed is None:
        words += _words(survey.village.label) + _words(survey.village.hint)
        taps += 2
    for section in survey.sections:
        words += _words(section.title)
        taps += 1  # next page
        for question in section.questions:
            words += _words(question.text) + _words(question.hint)
            words += sum(_words(o.label) for o in question.options)
            taps += 2 if question.kind == "number" else 1
    seconds = words / wpm * 60 + taps * tap
    return AnswerTime(len(survey.questions), words, taps, seconds)
