"""Text normalisation for headers and answer labels (docs/survey-files.md §2).

Headers and labels are compared only after `normalise`, so that case, non-breaking spaces, doubled
whitespace and a trailing ``:`` or ``?`` never decide whether a column or an answer is recognised.
"""

from __future__ import annotations

import html
import re
import unicodedata
from typing import Any

_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]{0,500}>")
_NO_BREAK = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2060": "", "\ufeff": ""})


def normalise(text: Any) -> str:
    """The normalisation of docs/survey-files.md §2: NFKC, case-fold, NBSP to space, whitespace collapsed, ends trimmed.

    Surrounding whitespace and trailing ``:`` and ``?`` are removed repeatedly:
    ``normalise("Text ?: ")`` is ``"text"``. ``None`` gives ``""``.
    """
    if text is None:
        return ""
    out = unicodedata.normalize("NFKC", str(text)).translate(_NO_BREAK).casefold()
    out = _SPACES.sub(" ", out)
    while True:
        trimmed = out.strip().rstrip(":?")
        if trimmed == out:
            return out
        out = trimmed


def strip_html(text: Any) -> str:
    """Remove HTML tags and decode entities (Typeform headers carry ``<strong>`` and friends)."""
    if text is None:
        return ""
    raw = str(text)
    if "<" not in raw and "&" not in raw:
        return raw
    return html.unescape(_TAG.sub("", raw))


def normalise_header(text: Any) -> str:
    """A header as compared with item ids, texts and aliases: HTML removed, then `normalise`."""
    return normalise(strip_html(text))


def clean_header(text: Any) -> str:
    """A header as shown to a user: HTML removed, whitespace collapsed, ends trimmed (case kept)."""
    return _SPACES.sub(" ", strip_html(text).translate(_NO_BREAK)).strip()
