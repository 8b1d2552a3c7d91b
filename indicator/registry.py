"""The village registry: known villages with municipality, Leader area and map coordinates.

`load_villages` validates ``data/villages.csv`` at the door; `find` and `nearest` match the village
names written in survey files to registry names (exact after normalisation, else suggestions).
"""

from __future__ import annotations

import difflib
import heapq
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from indicator.errors import IndicatorError, clip
from indicator.names import village_key
from indicator.paths import DATA_DIR

DEFAULT_REGISTRY = DATA_DIR / "villages.csv"
REQUIRED_COLUMNS: tuple[str, ...] = ("village", "municipality", "leader_area", "lat", "lon", "coordinate_source")
LEADER_AREAS: tuple[str, ...] = ("sepra", "kasvu")
COORDINATE_SOURCES: tuple[str, ...] = ("village", "anchor")
# Written-out forms of "church village" / "village" that people add to or leave off a village name.
_SUFFIXES = re.compile(r"(?:n)?\s*(?:\(\s*)?(?:kirkonkylä|kirkonkylän|kk|kylä|kylän)(?:\s*\))?$")


class RegistryError(IndicatorError):
    """The village registry file cannot be used."""


def _fail(path: Path, message: str, *, code: str, params: dict | None = None, row: int | None = None,
          column: str | None = None, value=None) -> None:
    raise RegistryError(message, code=code, params=params, file=str(path), row=row, column=column, value=value)


def _read(path: Path) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        _fail(path, "village registry not found", code="registry.not_found")
    except (OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        _fail(path, f"cannot read the village registry: {exc}", code="registry.cannot_read",
              params={"detail": clip(exc, 200)})
    raise AssertionError("unreachable")


def _check_text(frame: pd.DataFrame, path: Path) -> None:
    for column in ("village", "municipality"):
        blank = frame[column].str.strip() == ""
        if blank.any():
            _fail(path, "empty value", code="registry.empty_value", row=int(blank.idxmax()) + 2, column=column)


def _check_choice(frame: pd.DataFrame, path: Path, column: str, allowed: tuple[str, ...]) -> None:
    bad = ~frame[column].isin(allowed)
    if bad.any():
        row = int(bad.idxmax())
        _fail(path, f"must be one of {', '.join(allowed)}", code="registry.not_allowed",
              params={"allowed": ", ".join(allowed)}, row=row + 2, column=column, value=frame.at[row, column])


def _check_coordinates(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    for column, low, high in (("lat", -90.0, 90.0), ("lon", -180.0, 180.0)):
        numbers = pd.to_numeric(frame[column].str.strip(), errors="coerce")
        bad = numbers.isna() | ~numbers.between(low, high)
        if bad.any():
            row = int(bad.idxmax())
            _fail(path, f"must be a number from {low:g} to {high:g}", code="registry.bad_coordinate",
                  params={"low": low, "high": high}, row=row + 2, column=column, value=frame.at[row, column])
        frame[column] = numbers.astype(float)
    return frame


def load_villages(path: str | Path = DEFAULT_REGISTRY) -> pd.DataFrame:
    """Read and validate the village registry: one row per village, unique names, known Leader areas.

    Columns: village, municipality, leader_area, lat, lon, coordinate_source (and any extras, e.g. note).
    Rows in error messages are spreadsheet rows (the header is row 1).
    """
    path = Path(path)
    frame = _read(path)
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        _fail(path, f"missing column(s): {', '.join(missing)}", code="registry.missing_columns",
              params={"columns": ", ".join(missing)})
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    _check_text(frame, path)
    _check_choice(frame, path, "leader_area", LEADER_AREAS)
    _check_choice(frame, path, "coordinate_source", COORDINATE_SOURCES)
    frame = _check_coordinates(frame, path)
    keys = frame["village"].map(_key)
    duplicated = keys.duplicated()
    if duplicated.any():
        row = int(duplicated.idxmax())
        _fail(path, "duplicate village name", code="registry.duplicate_village", row=row + 2, column="village",
              value=frame.at[row, "village"])
    return frame.reset_index(drop=True)


def optional_villages(path: str | Path = DEFAULT_REGISTRY) -> pd.DataFrame | None:
    """``load_villages``, or None when the registry cannot be used: for steps that only gain from it (the
    unknown-village warning of an import, the Leader areas of a grouping)."""
    try:
        return load_villages(path)
    except RegistryError:
        return None


def _key(name: str) -> str:
    """``indicator.names.village_key``: case, spacing, dashes, invisible characters and Cyrillic or Greek
    look-alike letters do not count (accents do: 'ä' is not 'a')."""
    return village_key(name)


def _plain(name: str) -> str:
    """The key without accents, for fuzzy suggestions only."""
    decomposed = unicodedata.normalize("NFKD", _key(name))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(name: str) -> str:
    """The key without a trailing '(kirkon)kylä' / 'kk' word, e.g. 'Sippolan kirkonkylä' -> 'sippola'."""
    key = _key(name)
    stem = _SUFFIXES.sub("", key).strip(" -")
    return stem or key


def find(name: str, registry: pd.DataFrame) -> str | None:
    """The registry name meaning ``name``: exact after case-folding, else the unique match ignoring
    a '(kirkon)kylä' suffix on either side; None when there is none or it is ambiguous.
    (For many names, build one `VillageIndex` and ask it.)

    >>> reg = pd.DataFrame({"village": ["Sippola", "Salmenkylä"]})
    >>> find("sippolan kirkonkylä", reg), find("Salmen kylä", reg), find("Utti", reg)
    ('Sippola', 'Salmenkylä', None)
    """
    return VillageIndex(registry).find(name)


def nearest(name: str, registry: pd.DataFrame, n: int = 3) -> list[str]:
    """Up to ``n`` registry names closest to ``name`` (case- and accent-insensitive), best first.
    (For many names, build one `VillageIndex` and ask it.)"""
    return VillageIndex(registry).nearest(name, n)


class VillageIndex:
    """The registry's names indexed once, so that matching the names of a file costs the same per name
    whatever their number: exact and suffix-free keys are dictionary look-ups; suggestions run difflib
    only on the names whose letters could reach its cutoff (``quick_ratio``, computed for all names at
    once, never underestimates difflib's ratio, so the suggestions are exactly difflib's)."""

    def __init__(self, registry: pd.DataFrame) -> None:
        names = registry["village"].dropna().astype(str).tolist()
        self._exact: dict[str, list[str]] = {}
        self._stems: dict[str, list[str]] = {}
        plain: dict[str, str] = {}
        for village in names:
            self._exact.setdefault(_key(village), []).append(village)
            self._stems.setdefault(_stem(village), []).append(village)
            plain.setdefault(_plain(village), village)
        self._plain = plain
        self._keys = list(plain)
        letters = sorted({ch for key in self._keys for ch in key})
        self._alphabet = {ch: k for k, ch in enumerate(letters)}
        self._counts = np.zeros((len(self._keys), len(letters)), dtype=np.int32)
        for row, key in enumerate(self._keys):
            for ch in key:
                self._counts[row, self._alphabet[ch]] += 1
        self._lengths = np.array([len(key) for key in self._keys], dtype=np.int64)

    def find(self, name: str) -> str | None:
        """As `find`."""
        exact = self._exact.get(_key(name), [])
        if len(exact) == 1:
            return exact[0]
        by_stem = self._stems.get(_stem(name), [])
        return by_stem[0] if len(by_stem) == 1 else None

    def nearest(self, name: str, n: int = 3, cutoff: float = 0.6) -> list[str]:
        """As `nearest`: ``difflib.get_close_matches`` over the registry's accent-free keys."""
        word = _plain(name)
        if not self._keys or not word:
            return []
        query = np.zeros(len(self._alphabet), dtype=np.int32)
        for ch in word:
            k = self._alphabet.get(ch)
            if k is not None:
                query[k] += 1
        common = np.minimum(self._counts, query).sum(axis=1)
        quick = 2.0 * common / (self._lengths + len(word))
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(word)
        scored = []
        for row in np.flatnonzero(quick >= cutoff):
            matcher.set_seq1(self._keys[row])
            score = matcher.ratio()
            if score >= cutoff:
                scored.append((score, self._keys[row]))
        return [self._plain[key] for _, key in heapq.nlargest(n, scored)]
