"""One comparison key for village names, so that a name cannot pass for another or split one village in two.

Two spellings are the same village when they differ only by case, spacing, dashes, invisible characters,
compatibility forms (full-width letters, ligatures) or letters that look Latin but are Cyrillic or Greek
("Sippolа" with a Cyrillic а, "SIPPOLA", "Sip\u200bpola"). Accents still count: "Ähtävä" is not "Ahtava".
Upload codes, the village registry and storage compare names through ``village_key``.

Steps: invisible format characters removed, NFKD (accents apart from their letters), case-fold, Cyrillic
and Greek look-alikes to their Latin letter (``CONFUSABLES``), NFKC (a Cyrillic а with a diaeresis thus
becomes the Latin ä), whitespace collapsed, every dash written as "-" without spaces around it.
"""

from __future__ import annotations

import re
import unicodedata

# Lower-case Cyrillic and Greek letters that render like a Latin letter (after case-folding), from the
# Unicode confusables list (https://www.unicode.org/Public/security/latest/confusables.txt), letters only.
_LOOK_ALIKES: dict[str, str] = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "һ": "h", "і": "i", "ј": "j", "к": "k", "м": "m",
    "н": "h", "о": "o", "р": "p", "с": "c", "ѕ": "s", "т": "t", "у": "y", "х": "x", "ԁ": "d", "ԛ": "q",
    "ԝ": "w", "ӏ": "l", "ү": "y", "ɡ": "g",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ϲ": "c", "ϳ": "j", "ζ": "z",
    # Latin letters that are read as another Latin letter
    "ı": "i", "ȷ": "j", "ſ": "s",
}
CONFUSABLES = str.maketrans(_LOOK_ALIKES)
_PLAIN = re.compile(r"[A-Za-z0-9 .,'()åäöÅÄÖ-]*")
_DASHES = re.compile(r"\s*[-\u2010-\u2015\u2212\ufe58\ufe63\uff0d]\s*")


def _visible(text: str) -> str:
    """``text`` without format characters (zero-width spaces and joiners, soft hyphens, BOM, bidi marks)."""
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def village_key(name: object) -> str:
    """The comparison key of a village name (module docstring).

    >>> village_key("SIPPOLA") == village_key("Sippolа") == village_key(" sip\u200bpola ")
    True
    >>> village_key("Ala – Pihlaja"), village_key("Ähtävä") == village_key("Ahtava")
    ('ala-pihlaja', False)
    """
    text = str(name)
    if _PLAIN.fullmatch(text):  # the common case, and nothing for the steps below to change
        return _DASHES.sub("-", " ".join(text.casefold().split()))
    text = unicodedata.normalize("NFKD", _visible(text)).casefold().translate(CONFUSABLES)
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return _DASHES.sub("-", text)


def same_village(first: object, second: object) -> bool:
    """True when two names are one village by ``village_key``."""
    return village_key(first) == village_key(second)
