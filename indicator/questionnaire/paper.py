"""The paper questionnaire's layout, shared by the Word and HTML versions (and the entry template's numbers).

A section's questions become blocks: consecutive five-point items share one grid (a row per item, a
column per answer, "don't know" last), other items stand alone with their boxes or a line for a number.
Questions are numbered 1..N through the whole questionnaire, as the entry template lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from indicator.i18n import t
from indicator.questionnaire.model import Choice, Question, Section, Survey, dont_know

BOX = "\u2610"  # ☐
LINE = "_" * 14


@dataclass(frozen=True)
class Numbered:
    number: int
    question: Question

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.question.text}"


@dataclass(frozen=True)
class Grid:
    """Five-point items side by side: ``options`` head the columns."""

    options: tuple[Choice, ...]
    rows: tuple[Numbered, ...]


@dataclass(frozen=True)
class Single:
    """A yes/no or number item on its own."""

    row: Numbered


def numbered(survey: Survey) -> dict[str, int]:
    """Item id -> its number on the paper form (1..N in survey order)."""
    return {q.item: n for n, q in enumerate(survey.questions, start=1)}


def blocks(survey: Survey, section: Section) -> list[Grid | Single]:
    """The section's questions as grids of consecutive five-point items and single questions."""
    numbers = numbered(survey)
    out: list[Grid | Single] = []
    for question in section.questions:
        row = Numbered(numbers[question.item], question)
        if question.kind == "likert5" and out and isinstance(out[-1], Grid):
            out[-1] = Grid(out[-1].options, (*out[-1].rows, row))
        elif question.kind == "likert5":
            out.append(Grid(question.options, (row,)))
        else:
            out.append(Single(row))
    return out


def boxes(options: tuple[Choice, ...]) -> str:
    """``☐ Kyllä   ☐ Ei   ☐ En osaa sanoa``."""
    return "\u2003".join(f"{BOX} {o.label}" for o in options)


def number_line(survey: Survey, question: Question) -> str:
    """``Vastaus: ______________   ☐ En osaa sanoa``."""
    return f"{t('questionnaire.answer_label', survey.lang)}: {LINE}\u2003{BOX} {question.dont_know.label}"


def village_line(survey: Survey) -> tuple[str, str]:
    """(label, what follows it): the fixed village's name, or a line to write it on."""
    village = survey.village
    if village.fixed is not None:
        return village.label, village.fixed
    return village.label, f"{LINE * 2}  ({t('questionnaire.village_write', survey.lang)})"


def howto(survey: Survey) -> str:
    """How to fill in the paper form."""
    return t("questionnaire.paper_howto", survey.lang, dont_know=dont_know(survey.lang).label)


def date_line(survey: Survey) -> tuple[str, str]:
    return survey.date_label, f"{LINE}  ({t('questionnaire.paper_date_hint', survey.lang)})"
