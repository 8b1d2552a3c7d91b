"""Personal data in survey files: the columns that hold it, found by content, and masking in kept text.

A column is personal when its header names personal data (``indicator.reading.mapping.is_personal``:
"Sähköposti", "Kerro nimesi", "Tell me your name!") or when its values look like e-mail addresses, phone
numbers, personal identity codes (henkilötunnus, personnummer) or people's names, whatever its header.
Personal columns are dropped while reading and listed in the import report; nothing of them is kept.

Every text cell that is kept (answers, the village, the file's other columns when a coordinator keeps them)
goes through ``mask``: e-mail addresses, phone numbers and identity codes are replaced by ``[email]``,
``[phone]`` and ``[id]``. Free text (``mask_free_text``) also loses what looks like a person's name: a common
Finnish or Swedish first name and the capitalised words after it become ``[name]``. Names in free text
cannot all be found by a program; that is why free text is not kept unless a coordinator asks for it.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from indicator.reading.dates import DATE_HEADERS
from indicator.reading.mapping import ColumnMap
from indicator.text import normalise_header

EMAIL_MASK, PHONE_MASK, ID_MASK, NAME_MASK = "[email]", "[phone]", "[id]", "[name]"
SAMPLE = 500  # values looked at per column to decide whether it is personal
SHARE = 0.3  # a column is personal when this share of its values holds an e-mail, phone or identity code
NAME_SHARE = 0.5  # ... or when this share of its values looks like a person's name

# Bounded as the standard bounds an address (a local part of at most 64 characters, labels of at most 63):
# unbounded, a search tried every start of a long run of letters to its end, 2.4 s for one 40,000-character
# cell; bounded it is linear. A longer run before an @ is masked from its last 64 characters on.
_EMAIL = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63})+")
# Finnish henkilötunnus DDMMYY, century mark (+ - A-F U-Y), number, check character; Swedish personnummer.
_IDENTITY = re.compile(
    r"(?<![0-9A-Za-z])(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])\d\d[-+A-FU-Ya-fu-y]\d{3}[0-9A-Za-z](?![0-9A-Za-z])"
    r"|(?<![\d-])(?:\d{2})?\d{6}[-+]\d{4}(?![\d-])"
)
_MASKABLE = re.compile(r"[\d@]")  # what every mask needs: a digit (as the patterns' \d) or an @
# A phone-number candidate: starts with +, 00, 0 or (0; digits with spaces, dashes or brackets between.
_PHONE = re.compile(r"(?<![\w+])(?:\+|\(?0)[\d ()\-]{4,22}\d(?!\w)")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_NAME_VALUE = re.compile(r"[^\W\d_][^\W\d_'’.-]*(?:['’.-][^\W\d_]+)*\.?(?:[ ]+[^\W\d_][^\W\d_'’.-]*(?:['’-][^\W\d_]+)*\.?){0,3}")

# Common first names in Finland (Finnish and Swedish), lower case: a value starting with one looks like a
# name, and in free text one followed by capitalised words is masked.
_FIRST_NAME_LIST = """
aada aapo aaro aatu aino aila aili aimo aira aki aleksi aleksanteri alina alisa alma anja anna anne anneli anni
annika anssi antero antti anu ari arja armi arto arvo asko atte aulis auli aune eemeli eero eetu eeva eija
eila eino eira elias elina eliisa elisa ella elli elmeri elsa emilia emma emmi erik erkki esa esko eveliina
hanna hannele hannu harri heidi heikki heino heli helena heli helmi henna henri henrik hilkka hilja hilma irja
irma irmeli iida iina ilkka ilmari ilona inkeri irene isto jaakko jali jani janne jari jarkko jarmo jenni
jere jesse joel johanna johannes jokke jonna jorma joonas jouko jouni jukka juha juhani juho jussi jyrki kaarina
kaija kaisa kalle kari karoliina kasper katja kati katri kauko kerttu kimmo kirsi kirsti kristian kristiina
kyösti kaisu laila laura lauri leena leevi liisa lilja linnea lotta lauri maija maire maria marika marja
marjatta marjo marjut markku marko markus martti matias matti merja mervi mika mikael mikko milla minna mirja
mirjami mirva niilo niina nelli niklas noora nina oili olavi oliver olli oona oskari otto outi paavo
paula pauli paulina pekka pentti pertti petri petra pia piia pirjo pirkko pasi päivi raija raimo raili rauha
reijo riikka riitta risto ritva sakari sami sanna santeri sara sari seija seppo silja simo sini
sinikka sirkka sirpa sofia soile sonja suvi taina taisto tanja tapani tapio tarja teemu teija tero terhi
tiina timo tiia tomi toni topi teppo mari niko jenna ronja tuija tuomas tuomo tuula tuulikki tytti ulla unto urho urpo valtteri vappu
veikko veli venla vesa viljami ville vilho vilma virpi väinö yrjö
agneta anders ann barbro bengt birgitta britt carl christer christina ebba elin
erika eva fredrik gunilla gustav göran hans helen ingrid jan johan karin kerstin lars lena lennart lisa
magnus margareta mats mona nils olof patrik stefan susanne sven thomas ulf
"""
FIRST_NAMES = frozenset(_FIRST_NAME_LIST.split())
_FIRST_NAME_TEXT = re.compile(
    r"(?<![\w-])(?:" + "|".join(sorted((re.escape(n.capitalize()) for n in FIRST_NAMES), key=len, reverse=True))
    + r")(?:-[A-ZÅÄÖÜ][\w'’]*)*(?![\w])(?:[ ]+[A-ZÅÄÖÜ][\w'’-]*){0,2}"
)


def _phone(match: re.Match[str]) -> str:
    """``[phone]`` for a candidate with 7 to 15 digits, else the text unchanged."""
    text = match.group(0)
    digits = sum(ch.isdigit() for ch in text)
    return PHONE_MASK if 7 <= digits <= 15 and text.count("(") <= 1 else text


def mask(text: Any) -> Any:
    """``text`` with e-mail addresses, identity codes and phone numbers replaced; other values unchanged.

    >>> mask("Soita 040 123 4567 tai matti@example.fi, hetu 131052-308T")
    'Soita [phone] tai [email], hetu [id]'
    """
    if not isinstance(text, str) or not _MASKABLE.search(text):
        return text
    text = _EMAIL.sub(EMAIL_MASK, text)
    text = _IDENTITY.sub(ID_MASK, text)
    return _PHONE.sub(_phone, text)


def mask_free_text(text: Any) -> Any:
    """``mask`` and also what looks like a person's name (a common first name and capitalised words after it).

    >>> mask_free_text("Kiitos Anna-Liisa Virtanen! Matti tuli myös.")
    'Kiitos [name]! [name] tuli myös.'
    """
    text = mask(text)
    return _FIRST_NAME_TEXT.sub(NAME_MASK, text) if isinstance(text, str) else text


def mask_tree(value: Any) -> Any:
    """``mask`` applied to every text inside nested dicts and lists (an import report, an audit detail)."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, Mapping):
        return {mask(k) if isinstance(k, str) else k: mask_tree(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_tree(v) for v in value]
    return value


# --- personal columns by content ---------------------------------------------------------------------------


def _looks_like_name(value: str) -> tuple[bool, bool]:
    """(looks like a person's name, starts with a known first name) for one cell."""
    text = " ".join(value.split())
    if not 2 <= len(text) <= 60 or not _NAME_VALUE.fullmatch(text):
        return False, False
    words = _WORD.findall(text)
    if not words or not all(w[0].isupper() for w in words):
        return False, False
    known = words[0].casefold() in FIRST_NAMES or (len(words) > 1 and words[-1].casefold() in FIRST_NAMES)
    return known or 2 <= len(words) <= 4, known


def personal_kind(values: Iterable[object]) -> str | None:
    """What personal data a column's values hold ("email", "phone", "id", "name"), or None.

    Looks at up to ``SAMPLE`` filled text cells: e-mail addresses, phone numbers or identity codes in at
    least ``SHARE`` of them, or people's names in at least ``NAME_SHARE`` of them (names: one to four
    capitalised words, with a known first name in at least a fifth of the cells, or else nearly all different).
    """
    texts = list(itertools.islice((v.strip() for v in values if isinstance(v, str) and v.strip()), SAMPLE))
    if not texts:
        return None
    n = len(texts)
    for kind, pattern in (("email", _EMAIL), ("id", _IDENTITY)):
        if sum(bool(pattern.search(t)) for t in texts) >= SHARE * n:
            return kind
    if sum(PHONE_MASK in (masked := mask(t)) and masked != t for t in texts) >= SHARE * n:
        return "phone"
    judged = [_looks_like_name(t) for t in texts]
    names = sum(like for like, _ in judged)
    known = sum(k for _, k in judged)
    distinct = len(set(texts)) / n
    if names >= NAME_SHARE * n and (known >= 0.2 * n or (distinct >= 0.8 and n >= 3)):
        return "name"
    return None


def drop_personal_by_content(columns: ColumnMap, body: np.ndarray) -> dict[int, str]:
    """Move the unmapped columns whose values hold personal data (``personal_kind``) to ``columns.personal``;
    returns column index -> kind. Date columns (by header) are left alone: a timestamp is not personal."""
    found: dict[int, str] = {}
    for j in list(columns.unmapped):
        if normalise_header(columns.headers[j]) in DATE_HEADERS:
            continue
        column = body[:, j]
        if pd.api.types.infer_dtype(column, skipna=True) in _NO_TEXT:
            continue  # numbers and dates only: no text to look at
        kind = personal_kind(column)
        if kind is not None:
            found[j] = kind
    if found:
        columns.unmapped = [j for j in columns.unmapped if j not in found]
        columns.personal = sorted({*columns.personal, *found})
    return found


# --- the copy of the file that is kept ---------------------------------------------------------------------


_NO_TEXT = frozenset({"empty", "floating", "integer", "mixed-integer-float", "decimal", "boolean", "datetime",
                      "datetime64", "date", "time", "timedelta", "timedelta64"})


def _masked_column(values: np.ndarray, masker: Any) -> np.ndarray:
    """A column with ``masker`` applied once per distinct value (a column without text as it is)."""
    if pd.api.types.infer_dtype(values, skipna=True) in _NO_TEXT:
        return values
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    masked = np.array([masker(u) for u in uniques] + [None], dtype=object)
    return masked[codes]


def kept_table(body: np.ndarray, rows: np.ndarray, names: list[str], columns: ColumnMap,
               date_col: int | None) -> pd.DataFrame:
    """The sanitised copy of the file: ``body``'s rows (index ``row``: the spreadsheet row numbers) with the
    village, date, item and other non-personal columns under their report names, every text cell masked
    (``mask``; the other columns, free text, by ``mask_free_text``). Personal columns are not in it."""
    own = [j for j in (columns.village, date_col) if j is not None]
    answers = [*own, *columns.items]
    others = [j for j in columns.unmapped if j not in answers]
    data = {names[j]: _masked_column(body[:, j], mask) for j in dict.fromkeys(answers)}
    data.update({names[j]: _masked_column(body[:, j], mask_free_text) for j in others})
    return pd.DataFrame(data, index=pd.Index(rows, name="row"), dtype=object)
