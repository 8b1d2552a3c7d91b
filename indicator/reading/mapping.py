"""Columns to items (docs/survey-files.md §2): id, id plus a non-alphanumeric character, text in any language or
alias, grid rows (``Question [Row]``, ``Question - Row``), group paths (``group/question``), overrides.

Also finds the village column and the personal columns, which are dropped and only listed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from indicator.errors import ReadError, clip
from indicator.framework import LANGUAGES, Framework
from indicator.reading.safety import NAME_CHARS
from indicator.text import normalise, normalise_header

# Match priorities: lower wins when two columns claim one item.
EXACT_ID, EXACT_TEXT, ID_PREFIX, GRID_ROW, LOOSE_TEXT, OVERRIDE = 1, 2, 3, 4, 5, 0
MIN_PREFIX_TEXT = 12  # an item text this long may be followed by help text ("Question: help")

# A header's ending: "Question [row]" and "Header (C)" (`_ending`).
_BRACKET_END = re.compile(r"\[([^\[\]]+)\]$")
_LETTER_END = re.compile(r"\(([A-Z]{1,3})\)$")
_DASHES = (" - ", " – ", " — ")
# "Question - row" splits tried per kind of dash: a real header has one or two, a hostile one thousands, each
# part nearly as long as the header (32,000 characters of "a - " took 28 s to match and 56 s to check for
# personal data before this bound).
MAX_DASH_PARTS = 8
_LOOSE_END = " .!"
_HELP_SEPARATORS = (":", " (", "(", " - ", " – ", ". ", "? ")
_QUIZ_PREFIXES = frozenset({"points", "feedback", "pisteet", "palaute", "poäng", "återkoppling"})

_PERSONAL_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p)
    for p in (
        r"e-?mail|sähköposti|s-posti|e-?post(?:adress)?\b|epost",
        r"^(?:(?:full|first|last|given|family|sur|your|respondent(?:'s)?)\s?)?name$",
        r"^(?:koko |vastaajan |)nimi$|^nimesi$|^etunimi$|^sukunimi$|^(?:för|efter|för- och efter)?namn$"
        r"|^ditt namn$|^nimi ja |^namn och ",
        r"phone|puhelin|telefon|matkapuhelin|gsm|mobile|mobil",
        r"address|osoite|adress",
        r"^ip$|^ip[- ]|ipaddr|ip-osoite|ip-adress",
        r"^custom data|^_submitted_by$|^submitted by$|^network id$|^henkilötunnus|^personnummer|^ssn$",
        r"^(?:postinumero|postnummer|zip code|postal code|postcode)$",
        r"\bname\b|\bnimesi\b|\bnimenne\b|\bnimi\b|\bnamn\b|\bsyntymäaika\b|\bfödelsedatum\b|\bbirth",
    )
)


def column_letter(index: int) -> str:
    """Spreadsheet column letter of a 0-based index: 0 -> A, 27 -> AB."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _letter_index(letters: str) -> int:
    """0-based index of a column letter: A -> 0, AB -> 27."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _ending(pattern: re.Pattern[str], text: str) -> tuple[str, str] | None:
    """(the text before, ``pattern``'s group) when ``text`` is a line of text, optional white space and then
    ``pattern`` at its end: what ``^(.*?)\\s*PATTERN$`` matches, found in linear time (that expression took
    0.4 s for a 20,000-character header: every start of its lazy part ran over the spaces again)."""
    found = pattern.search(text)
    if found is None:
        return None
    before = text[: found.start()].rstrip()
    return None if "\n" in before else (before, found.group(1))


def is_personal(header: str) -> bool:
    """True for a (normalised) header that names personal data: e-mail, name, phone, address, IP, ...

    The row part of a grid header counts too ("Yhteystiedot - Sukunimi", "Contact [Email]").
    """
    parts = [header, *Matcher._row_parts(header)]
    return any(p.search(part) for part in parts for p in _PERSONAL_PATTERNS)


@dataclass(frozen=True)
class Matcher:
    """Lookup tables built once per framework: normalised id / text / alias -> item id."""

    ids: tuple[tuple[str, str], ...]
    texts: Mapping[str, str]
    village_aliases: frozenset[str]
    loose: Mapping[str, str] = field(default_factory=dict)  # texts without a final "." or "!"
    _matches: dict[str, tuple[str, int] | None] = field(default_factory=dict, compare=False, repr=False)
    _normal: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def normal(self, header: str) -> str:
        """`normalise_header`, remembered: header detection sees the same texts many times."""
        found = self._normal.get(header)
        if found is None:
            found = self._normal[header] = normalise_header(header)
        return found

    @classmethod
    def from_framework(cls, framework: Framework) -> Matcher:
        texts: dict[str, str] = {}
        for item in framework.items:
            for lang in LANGUAGES:
                if item.text.get(lang):
                    texts.setdefault(normalise_header(item.text[lang]), item.id)
            for alias in item.aliases:
                texts.setdefault(normalise_header(alias), item.id)
        ids = tuple(sorted(((normalise(i.id), i.id) for i in framework.items), key=lambda p: -len(p[0])))
        aliases = frozenset(normalise(a) for a in framework.village_aliases)
        loose: dict[str, str] = {}
        for text, item_id in texts.items():
            loose.setdefault(text.rstrip(_LOOSE_END), item_id)
        ordered = dict(sorted(loose.items(), key=lambda kv: -len(kv[0])))
        return cls(ids, texts, aliases, ordered)

    def _loose(self, header: str) -> str | None:
        """Beyond the documented rules, last resort: the text without its final period, or the text followed by
        help text ("Kylässä on hyvät palvelut: esimerkiksi kauppa")."""
        bare = header.rstrip(_LOOSE_END)
        if bare in self.loose:
            return self.loose[bare]
        for text, item_id in self.loose.items():
            if len(text) >= MIN_PREFIX_TEXT and header.startswith(text) and \
                    header[len(text):].startswith(_HELP_SEPARATORS):
                return item_id
        return None

    def _direct(self, header: str) -> tuple[str, int] | None:
        for norm_id, item_id in self.ids:
            if header == norm_id:
                return item_id, EXACT_ID
        if header in self.texts:
            return self.texts[header], EXACT_TEXT
        for norm_id, item_id in self.ids:
            if header.startswith(norm_id) and not header[len(norm_id)].isalnum():
                return item_id, ID_PREFIX
        return None

    def match(self, header: str) -> tuple[str, int] | None:
        """(item id, priority) for a normalised header, or None."""
        if header in self._matches:
            return self._matches[header]
        found = self._match(header)
        self._matches[header] = found
        return found

    def _match(self, header: str) -> tuple[str, int] | None:
        if not header:
            return None
        found = self._direct(header)
        if found:
            return found
        parts = self._row_parts(header)
        for part in parts:
            found = self._direct(part)
            if found:
                return found[0], GRID_ROW
        for text in (header, *parts):
            item_id = self._loose(text)
            if item_id:
                return item_id, LOOSE_TEXT
        return None

    @staticmethod
    def _row_parts(header: str) -> list[str]:
        parts: list[str] = []
        bracket = _ending(_BRACKET_END, header)
        if bracket:
            parts.append(normalise(bracket[1]))
        for dash in _DASHES:
            start = 0
            for _ in range(MAX_DASH_PARTS):
                if (pos := header.find(dash, start)) < 0:
                    break
                if normalise(header[:pos]) not in _QUIZ_PREFIXES:
                    parts.append(normalise(header[pos + len(dash):]))
                start = pos + 1
        if "/" in header:
            parts.append(normalise(header.rsplit("/", 1)[1]))
        return [p for p in parts if p]


@dataclass
class ColumnMap:
    """Which column is what; indexes are 0-based column positions in the grid."""

    headers: list[str]
    items: dict[int, str] = field(default_factory=dict)
    village: int | None = None
    personal: list[int] = field(default_factory=list)
    unmapped: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def label(self, index: int) -> str:
        """How a column is named in messages: letter and header, e.g. ``column C 'E2 …'``."""
        return f"column {column_letter(index)} {clip(self.headers[index], NAME_CHARS)!r}"


def _find_column(key: str, headers: Sequence[str], normalised: Sequence[str]) -> int | None:
    """A column by header text (exact, then normalised), by a report name "Header (D)", or by letter."""
    if key in headers:
        return list(headers).index(key)
    norm = normalise_header(key)
    if norm in normalised:
        return list(normalised).index(norm)
    lettered = _ending(_LETTER_END, key.strip())
    if lettered:
        j = _letter_index(lettered[1])
        if j < len(headers) and normalise_header(headers[j]) == normalise_header(lettered[0]):
            return j
    if key.endswith("…"):  # a long header as an import report names it (cut to NAME_CHARS)
        stem = key[:-1]
        cut = [j for j, header in enumerate(headers) if len(header) > len(key) and header.startswith(stem)]
        if cut:
            return cut[0]
    letters = key.strip().upper()
    if letters.isalpha() and len(letters) <= 3:
        for j in range(len(headers)):
            if column_letter(j) == letters:
                return j
    return None


def map_columns(
    headers: Sequence[str],
    matcher: Matcher,
    *,
    item_ids: Sequence[str] = (),
    overrides: Mapping[str, str | None] | None = None,
    village_column: str | None = None,
    file: str | None = None,
) -> ColumnMap:
    """Map display headers to items, village and personal columns (the matching rules of docs/survey-files.md §2, then overrides)."""
    normalised = [matcher.normal(h) for h in headers]
    result = ColumnMap(list(headers))
    claims: dict[str, tuple[int, int]] = {}  # item -> (priority, column)
    forced: dict[int, str | None] = {}
    for key, item_id in (overrides or {}).items():
        j = _find_column(key, headers, normalised)
        if j is None:
            result.warnings.append(f"the mapping names a column {key!r} that is not in the file")
            continue
        if item_id and item_ids and item_id not in item_ids:
            raise ReadError(f"the mapping sends column {key!r} to {item_id!r}, which is not an item of the "
                            "framework", code="reading.mapping_unknown_item", params={"item": clip(item_id)},
                            file=file, column=key)
        forced[j] = item_id or None
    if village_column is not None:
        result.village = _find_column(village_column, headers, normalised)
        if result.village is None:
            raise ReadError(f"no column {village_column!r} for the village in this file",
                            code="reading.no_such_village_column", params={"column": clip(village_column)},
                            file=file)
    else:
        result.village = next(
            (j for j, h in enumerate(normalised) if h in matcher.village_aliases and j not in forced), None
        )
    losers: list[tuple[int, str, int]] = []
    for j, header in enumerate(normalised):
        if j == result.village:
            continue
        found = _forced(forced[j]) if j in forced else matcher.match(header)
        if found is None:
            continue
        item_id, priority = found
        previous = claims.get(item_id)
        if previous is None or (priority, j) < previous:
            if previous is not None:
                losers.append((previous[1], item_id, j))
            claims[item_id] = (priority, j)
        else:
            losers.append((j, item_id, previous[1]))
    result.items = {j: item_id for item_id, (_, j) in sorted(claims.items(), key=lambda kv: kv[1][1])}
    for j, item_id, winner in losers:
        result.warnings.append(
            f"{result.label(j)} also matches item {item_id}; {result.label(winner)} is used for it"
        )
    for j, header in enumerate(normalised):
        if j in result.items or j == result.village or not header and _blank(headers[j]):
            continue
        if j not in forced and is_personal(header):
            result.personal.append(j)
        else:
            result.unmapped.append(j)
    return result


def _forced(item_id: str | None) -> tuple[str, int] | None:
    return (item_id, OVERRIDE) if item_id else None


def _blank(header: str) -> bool:
    return not str(header).strip()
