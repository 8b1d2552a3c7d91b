"""The questionnaire as data: what every output format asks, in one language, built from any framework.

`build_survey` turns a validated `Framework` into a `Survey`: a village question (a choice of the
registry's villages, or one village fixed), one section per dimension, one question per item with its
answer options, and the intro and closing texts from the catalog (``indicator/locales/questionnaire.toml``).
Nothing personal is ever asked.

Answers must come back readable (docs/survey-files.md §2), so the model fixes two things for every writer:

- the answer labels are catalog texts that `indicator.answers` reads (checked by the tests), and the codes
  stored by code-based tools (KoboToolbox "XML values", LimeSurvey "answer codes") are read too:
  ``1``–``5`` for the five-point scale, ``yes``/``no``, and ``eos`` for "don't know" (read as no answer);
- the question codes are the item ids, and the village question's code and label are names the framework
  lists in ``village_aliases``, so that the reader maps every column without help.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from indicator.errors import IndicatorError
from indicator.framework import LANGUAGES, Framework, Item, text
from indicator.i18n import t
from indicator.text import normalise, normalise_header

DONT_KNOW_CODE = "eos"  # "en osaa sanoa": read as no answer by indicator.answers
YES_CODE, NO_CODE = "yes", "no"
LIKERT_CODES: tuple[str, ...] = ("1", "2", "3", "4", "5")
ROUND_RANGE: tuple[int, int] = (2000, 2100)
_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]*$")  # valid as a LimeSurvey question code and an XLSForm name
_FINNISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})  # ... x y z å ä ö ("{|}" follow "z")


class QuestionnaireError(IndicatorError):
    """A questionnaire cannot be made as asked (unknown language, format or village, bad round)."""


@dataclass(frozen=True)
class Choice:
    """One answer option: the code a tool stores and the label a respondent sees."""

    code: str
    label: str


@dataclass(frozen=True)
class Question:
    """One framework item as asked: code, text, answer options, and for numbers the allowed range."""

    item: str
    code: str
    text: str
    kind: str  # likert5 | yesno | number
    choices: tuple[Choice, ...]  # empty for numbers
    dont_know: Choice
    hint: str = ""
    minimum: float | None = None
    maximum: float | None = None
    invalid: str = ""  # the message shown when a typed number is outside the range

    @property
    def options(self) -> tuple[Choice, ...]:
        """Every option a respondent can tick, "don't know" last (none for numbers)."""
        return (*self.choices, self.dont_know) if self.choices else ()


@dataclass(frozen=True)
class Section:
    """One dimension: its questions on one page or screen."""

    id: str
    code: str
    title: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class VillageQuestion:
    """Which village the answers are about: a choice of ``choices``, or ``fixed`` (then asked nowhere)."""

    code: str
    label: str
    hint: str
    choices: tuple[str, ...]
    fixed: str | None = None


@dataclass(frozen=True)
class Survey:
    """The whole questionnaire in one language."""

    lang: str
    framework: str  # the framework's id
    version: str
    title: str
    intro: str
    thanks: str
    village: VillageQuestion
    sections: tuple[Section, ...]
    date_label: str
    round: int | None = None

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(q for s in self.sections for q in s.questions)


# --- codes and labels --------------------------------------------------------------------------------


def safe_code(ident: str, taken: set[str] | None = None) -> str:
    """``ident`` when it is letters and digits starting with a letter (a LimeSurvey question code and an
    XLSForm name); otherwise its ASCII letters and digits, prefixed ``q`` when they do not start with a
    letter, made unique against ``taken``."""
    taken = taken if taken is not None else set()
    if _CODE.fullmatch(ident) and ident not in taken:
        code = ident
    else:
        base = "".join(ch for ch in ident if ch.isascii() and ch.isalnum())
        base = base if base[:1].isalpha() else f"q{base}"
        code, n = base, 2
        while code in taken:
            code, n = f"{base}{n}", n + 1
    taken.add(code)
    return code


def one_line(value: str) -> str:
    """Text for a title, a column header or a cell: whitespace runs as one space, control characters dropped
    (XML, and so xlsx and docx, cannot hold them)."""
    kept = "".join(ch if unicodedata.category(ch) != "Cc" else " " for ch in value)
    return " ".join(kept.split())


def _ascii(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", word.casefold()) if not unicodedata.combining(ch))


def village_code(framework: Framework, lang: str = "fi") -> str:
    """The village question's code: the catalog's word for village without accents when the framework lists
    it as an alias (``kyla``, ``by``, ``village``), else the first alias that is a valid code, else
    ``village``."""
    aliases = {normalise(a) for a in framework.village_aliases}
    word = _ascii(t("questionnaire.village_label", lang))
    if word in aliases and _CODE.fullmatch(word):
        return word
    return next((a for a in framework.village_aliases if _CODE.fullmatch(a)), "village")


def village_label(framework: Framework, lang: str) -> str:
    """The catalog's word for village when the framework lists it as an alias, else the first alias that is
    not a bare code (``Kylä``); the reader finds the village column by it."""
    preferred = t("questionnaire.village_label", lang)
    aliases = [a for a in framework.village_aliases if a.strip()]
    known = {normalise(a) for a in aliases}
    if normalise(preferred) in known or not aliases:
        return preferred
    shown = next((a for a in aliases if not _CODE.fullmatch(a)), aliases[0])
    return shown[:1].upper() + shown[1:]


def finnish_sorted(names: Sequence[str]) -> tuple[str, ...]:
    """Names in Finnish alphabetical order (å, ä, ö after z), case-insensitive."""
    return tuple(sorted(names, key=lambda n: (n.casefold().translate(_FINNISH_ORDER), n)))


def fmt_bound(value: float, lang: str) -> str:
    """A range bound as written in ``lang``: ``0``, ``100``, ``2,5`` (fi/sv) or ``2.5`` (en)."""
    text_ = f"{value:g}"
    return text_.replace(".", ",") if lang in ("fi", "sv") else text_


# --- building -------------------------------------------------------------------------------------------


def check_language(lang: str) -> str:
    if lang not in LANGUAGES:
        raise QuestionnaireError(f"language {lang!r} is not available; choose fi, sv or en",
                                 code="questionnaire.language", params={"language": lang})
    return lang


def check_round(round_: int | None) -> int | None:
    low, high = ROUND_RANGE
    if round_ is not None and not low <= round_ <= high:
        raise QuestionnaireError(f"the round must be a year from {low} to {high}, got {round_}",
                                 code="questionnaire.round", params={"round": round_})
    return round_


def registry_village(name: str, registry: pd.DataFrame) -> str:
    """The registry's spelling of ``name`` (case and a '(kirkon)kylä' suffix tolerated); QuestionnaireError
    naming the nearest registry villages when there is none."""
    from indicator.registry import find, nearest

    found = find(name, registry)
    if found is not None:
        return found
    close = nearest(name, registry, n=3)
    if close:
        raise QuestionnaireError(
            f"village {name!r} is not in the village registry; nearest: {', '.join(close)}",
            code="questionnaire.village_nearest", params={"village": name, "nearest": ", ".join(close)})
    raise QuestionnaireError(f"village {name!r} is not in the village registry",
                             code="questionnaire.village", params={"village": name})


def _number_texts(item: Item, lang: str) -> tuple[float | None, float | None, str, str]:
    """(minimum, maximum, hint, invalid message) for a number item.

    Counts whose goalposts are both non-negative cannot be negative; an item whose text carries a percent
    sign is a share from 0 to 100. Nothing else is assumed: a village may exceed its target.
    """
    minimum = 0.0 if min(item.lower, item.target) >= 0 else None
    maximum = 100.0 if any("%" in v for v in item.text.values()) else None
    if minimum is not None and maximum is not None:
        bounds = {"low": fmt_bound(minimum, lang), "high": fmt_bound(maximum, lang)}
        return minimum, maximum, t("questionnaire.number_hint_range", lang, **bounds), \
            t("questionnaire.number_invalid_range", lang, **bounds)
    if minimum is not None:
        low = fmt_bound(minimum, lang)
        return minimum, None, t("questionnaire.number_hint_min", lang, low=low), \
            t("questionnaire.number_invalid_min", lang, low=low)
    return None, maximum, t("questionnaire.number_hint", lang), t("questionnaire.number_invalid", lang)


def answer_choices(kind: str, lang: str) -> tuple[Choice, ...]:
    """The ticked options of an item type (without "don't know"); none for numbers."""
    if kind == "likert5":
        return tuple(Choice(code, t(f"questionnaire.likert_{code}", lang)) for code in LIKERT_CODES)
    if kind == "yesno":
        return Choice(YES_CODE, t("questionnaire.yes", lang)), Choice(NO_CODE, t("questionnaire.no", lang))
    return ()


def dont_know(lang: str) -> Choice:
    return Choice(DONT_KNOW_CODE, t("questionnaire.dont_know", lang))


def _question(item: Item, code: str, lang: str) -> Question:
    base = Question(item.id, code, one_line(text(item.text, lang)), item.type, answer_choices(item.type, lang),
                    dont_know(lang))
    if item.type != "number":
        return base
    minimum, maximum, hint, invalid = _number_texts(item, lang)
    return Question(base.item, base.code, base.text, base.kind, (), base.dont_know, hint, minimum, maximum,
                    invalid)


def _check_distinct_texts(framework: Framework) -> None:
    """Columns headed by question texts are mapped by the texts of every language (docs/survey-files.md §2), so
    no two items may share a text in any pair of languages."""
    seen: dict[str, str] = {}
    for item in framework.items:
        for lang in LANGUAGES:
            key = normalise_header(one_line(text(item.text, lang)))
            if seen.setdefault(key, item.id) != item.id:
                raise QuestionnaireError(
                    f"items {seen[key]} and {item.id} have the same text in {lang}; their answers could not be "
                    "told apart", code="questionnaire.duplicate_text",
                    params={"first": seen[key], "second": item.id, "language": lang})


def _village_question(framework: Framework, lang: str, code: str, fixed: str | None,
                      registry: pd.DataFrame | None) -> VillageQuestion:
    label = village_label(framework, lang)
    if fixed is not None:
        return VillageQuestion(code, label, t("questionnaire.village_fixed", lang, village=fixed), (fixed,), fixed)
    names = [one_line(v) for v in registry["village"].dropna().astype(str)] if registry is not None else []
    return VillageQuestion(code, label, t("questionnaire.village_hint", lang), finnish_sorted(names))


def build_survey(framework: Framework, lang: str = "fi", *, village: str | None = None,
                 round: int | None = None, registry: pd.DataFrame | None = None,
                 codes_lang: str | None = None) -> Survey:
    """The questionnaire of ``framework`` in ``lang``: sections by dimension in framework order.

    ``village`` fixes the village (its registry spelling is used; an unknown name is a QuestionnaireError);
    otherwise the village question offers every registry village. ``registry`` defaults to the shipped
    village registry. ``round`` (a year) is shown in the title. ``codes_lang`` names the language whose
    village code is used (a form in several languages has one code per question); default ``lang``.
    """
    check_language(lang)
    village_key = village_code(framework, check_language(codes_lang or lang))
    check_round(round)
    if registry is None:
        from indicator.registry import load_villages

        registry = load_villages()
    fixed = registry_village(village, registry) if village is not None and village.strip() else None
    _check_distinct_texts(framework)
    codes: set[str] = {village_key}
    questions = {item.id: _question(item, safe_code(item.id, codes), lang) for item in framework.items}
    group_codes: set[str] = set(codes)
    sections = tuple(
        Section(d.id, safe_code(d.id, group_codes), one_line(text(d.name, lang)),
                tuple(questions[i.id] for i in framework.items_of(d.id)))
        for d in framework.dimensions
    )
    name = one_line(text(framework.name, lang))
    title = (t("questionnaire.title_round", lang, name=name, round=round) if round is not None
             else t("questionnaire.title", lang, name=name))
    return Survey(
        lang=lang, framework=framework.id, version=framework.version, title=title,
        intro=t("questionnaire.intro", lang, dont_know=dont_know(lang).label), thanks=t("questionnaire.thanks", lang),
        village=_village_question(framework, lang, village_key, fixed, registry), sections=sections,
        date_label=t("questionnaire.date_label", lang), round=round,
    )


def build_all(framework: Framework, lang: str = "fi", **kwargs: object) -> tuple[Survey, ...]:
    """The survey in every language, ``lang`` first (for tools that hold several languages in one form)."""
    order = (check_language(lang), *(other for other in LANGUAGES if other != lang))
    if kwargs.get("registry") is None:
        from indicator.registry import load_villages

        kwargs["registry"] = load_villages()
    return tuple(build_survey(framework, code, codes_lang=lang, **kwargs)  # type: ignore[arg-type]
                 for code in order)
