"""Cells as the survey tools write them: answer labels, answer styles, fake personal columns, dates.

The building blocks of ``tools.demo_exports.layouts``: answer labels per language
(docs/survey-files.md §4), how each tool writes an answer (``STYLES``), fake names, e-mail addresses
(example.fi), phone numbers and IP addresses (documentation ranges) that a reader must drop, and the
times and village headers the tools write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from indicator.framework import Framework, Item, text

# Answer labels per language (docs/survey-files.md §4): five-point agreement, yes/no, "don't know".
AGREEMENT: Mapping[str, tuple[str, ...]] = {
    "fi": ("Täysin eri mieltä", "Jokseenkin eri mieltä", "Ei samaa eikä eri mieltä",
           "Jokseenkin samaa mieltä", "Täysin samaa mieltä"),
    "sv": ("Helt av annan åsikt", "Delvis av annan åsikt", "Varken av samma eller annan åsikt",
           "Delvis av samma åsikt", "Helt av samma åsikt"),
    "en": ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
}
YES_NO: Mapping[str, tuple[str, str]] = {"fi": ("Kyllä", "Ei"), "sv": ("Ja", "Nej"), "en": ("Yes", "No")}
DONT_KNOW: Mapping[str, str] = {"fi": "En osaa sanoa", "sv": "Vet inte", "en": "Don't know"}
GRID_QUESTION = {
    "fi": "Kuinka samaa mieltä olet seuraavista väittämistä",
    "sv": "Hur väl instämmer du i följande påståenden",
    "en": "How much do you agree with the following statements",
}
COMMENT = {"fi": "Terveisiä kyläyhdistykselle", "sv": "Hälsningar till byaföreningen",
           "en": "Message to the village association"}
COMMENTS = ("Kiitos aktiivisille!", "Lisää tapahtumia nuorille.", "Tiet kuntoon.", "Hyvä kylä asua.")
FIRST_NAMES = ("Aino", "Eero", "Helmi", "Juha", "Kaisa", "Leena", "Mikko", "Pirjo", "Sami", "Tuula", "Ville",
               "Anna", "Matti", "Sari", "Timo", "Elsa")
LAST_NAMES = ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
              "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Kuusisto", "Rantanen")


# --- answers as a tool writes them ----------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How one tool writes answers."""

    likert_labels: bool = True      # labels in the language, else numbers 1..5
    yes_no: tuple[Any, Any] | None = None  # (yes, no) cells; None = the language's labels
    dont_know: float = 0.0          # share of missing answers written as "don't know" (labelled tools)
    blank: Any = ""                 # how an unanswered cell is written
    comma: bool = False             # decimal comma in numbers written as text
    numbers_as_text: bool = True    # else numeric cells (xlsx)


STYLES: Mapping[str, Style] = {
    "generic_csv": Style(likert_labels=False, yes_no=("1", "0"), comma=True),
    "generic_xlsx": Style(likert_labels=False, dont_know=0.3, blank=None, numbers_as_text=False),
    "webropol_text": Style(dont_know=0.7, comma=True),
    "webropol_numbers": Style(likert_labels=False, blank=0, numbers_as_text=False),
    "forms": Style(dont_know=0.5, blank=None, comma=True),
    "google": Style(dont_know=0.5, comma=True),
    "limesurvey": Style(likert_labels=False),
    "kobo": Style(likert_labels=False, yes_no=("yes", "no")),
    "surveymonkey": Style(dont_know=0.4),
    "typeform": Style(likert_labels=False, yes_no=("1", "0")),
}


def number_text(value: float, comma: bool) -> str:
    out = f"{value:.0f}" if float(value).is_integer() else f"{value:g}"
    return out.replace(".", ",") if comma else out


def answer(value: float, item: Item, style: Style, lang: str, dont_know: bool) -> Any:
    if pd.isna(value):
        return DONT_KNOW[lang] if dont_know and item.type != "number" else style.blank
    if item.type == "likert5":
        return AGREEMENT[lang][int(value) - 1] if style.likert_labels else plain_number(int(value), style)
    if item.type == "yesno":
        yes, no = style.yes_no or YES_NO[lang]
        return yes if value >= 0.5 else no
    comma = style.comma and lang != "en"   # Finnish and Swedish write a decimal comma
    return number_text(value, comma) if style.numbers_as_text else plain_number(value, style)


def plain_number(value: float, style: Style) -> Any:
    if style.numbers_as_text:
        return number_text(float(value), False)
    return int(value) if float(value).is_integer() else float(value)


def tool_answers(truth: pd.DataFrame, framework: Framework, tool: str, lang: str,
             rng: np.random.Generator) -> dict[str, list[Any]]:
    """Item id -> the column of cells the tool writes (in truth row order)."""
    style = STYLES[tool]
    out: dict[str, list[Any]] = {}
    for item in framework.items:
        values = truth[item.id].to_numpy(dtype=float) if item.id in truth else np.full(len(truth), np.nan)
        dk = rng.random(len(values)) < style.dont_know
        out[item.id] = [answer(v, item, style, lang, d) for v, d in zip(values, dk, strict=True)]
    return out


# --- personal columns and metadata ----------------------------------------------------------------------


def people(n: int, rng: np.random.Generator) -> tuple[list[str], list[str], list[str], list[str]]:
    """Fake first names, last names, e-mails (example.fi) and IPs (documentation ranges)."""
    first = [str(x) for x in rng.choice(FIRST_NAMES, n)]
    last = [str(x) for x in rng.choice(LAST_NAMES, n)]
    mails = [f"{f}.{s}{k}@example.fi".lower().replace("ä", "a").replace("ö", "o")
             for f, s, k in zip(first, last, rng.integers(1, 99, n), strict=True)]
    nets = rng.choice(["192.0.2", "198.51.100", "203.0.113"], n)
    ips = [f"{net}.{host}" for net, host in zip(nets, rng.integers(1, 255, n), strict=True)]
    return first, last, mails, ips


def dates(truth: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.Series, pd.Series]:
    """(start, end) times: end = the truth date (to the second), start a few minutes earlier."""
    dates = truth["date"] if "date" in truth else pd.Series(pd.NaT, index=truth.index)
    end = pd.to_datetime(dates).dt.floor("s").reset_index(drop=True)
    minutes = pd.to_timedelta(rng.integers(240, 1500, len(truth)), unit="s")
    return end - minutes, end


def stamps_text(stamps: pd.Series, pattern: str) -> list[str]:
    return ["" if pd.isna(s) else s.strftime(pattern) for s in stamps]


def finnish_time(stamps: pd.Series) -> list[str]:
    """Webropol's ``d.m.yyyy H:MM:SS`` (no leading zeros on day, month and hour)."""
    return ["" if pd.isna(s) else f"{s.day}.{s.month}.{s.year} {s.hour}:{s:%M:%S}" for s in stamps]


# Village question headers by kind and language; the first one the framework lists as an alias is used.
VILLAGE_HEADERS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "plain": {"fi": ("Kylä",), "sv": ("By",), "en": ("Village",)},
    "question": {"fi": ("Mikä kylä?",), "sv": ("Vilken by?",), "en": ("Which village?",)},
    "home": {"fi": ("Asuinkylä",), "sv": ("Hemby",), "en": ("Your village",)},
    "long": {"fi": ("Mikä on asuinkyläsi?",), "sv": ("I vilken by bor du?",), "en": ("Your village",)},
    "code": {"fi": ("kyla",), "sv": ("kyla",), "en": ("village",)},
}


def village_header(framework: Framework, kind: str, lang: str) -> str:
    """The village column's header for a kind of question, if the framework knows it as an alias."""
    aliases = {a.casefold() for a in framework.village_aliases}
    for header in (*VILLAGE_HEADERS[kind][lang], *VILLAGE_HEADERS["plain"][lang]):
        if header.rstrip("?:").casefold() in aliases:
            return header
    return framework.village_aliases[0]


def comments(n: int, rng: np.random.Generator) -> list[str]:
    picks = rng.choice(len(COMMENTS) + 6, n)
    return [COMMENTS[p] if p < len(COMMENTS) else "" for p in picks]


@dataclass
class Sheet:
    """A table as the tool lays it out: header row(s) and columns of cells."""

    header: list[str]
    columns: list[list[Any]]
    second: list[str] | None = None   # SurveyMonkey's answer-option row

    def add(self, header: str, cells: list[Any], second: str = "") -> None:
        self.header.append(header)
        self.columns.append(list(cells))
        if self.second is not None:
            self.second.append(second)


def item_text(item: Item, lang: str) -> str:
    return text(item.text, lang)


def likert_groups(framework: Framework) -> list[tuple[str, list[Item]]]:
    """(dimension id, its likert items) for dimensions that have any: the tools' matrix questions."""
    groups = [(d.id, [i for i in framework.items_of(d.id) if i.type == "likert5"]) for d in framework.dimensions]
    return [(d, items) for d, items in groups if items]


def grid_question(framework: Framework, dimension: str, lang: str) -> str:
    return f"{text(framework.dimension(dimension).name, lang)}: {GRID_QUESTION[lang]}?"


