"""The indicator framework: loaded once from TOML into frozen dataclasses, validated at the door.

`load` checks every rule of the framework format (docs/method.md §1) and reports every break at once, each naming the file,
the entry and the rule. Code after it trusts the framework.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from indicator.errors import FrameworkError
from indicator.i18n import LANGUAGES
from indicator.paths import DATA_DIR

ITEM_TYPES: tuple[str, ...] = ("likert5", "yesno", "number")
DEFAULT_PATH = DATA_DIR / "framework.toml"

Texts = Mapping[str, str]
Ideas = Mapping[str, tuple[str, ...]]
MAX_IDEAS = 3  # ideas per item and language: a card shows one or two, so a few are plenty


@dataclass(frozen=True)
class Band:
    id: str
    min: float
    name: Texts


@dataclass(frozen=True)
class Theme:
    id: str
    name: Texts


@dataclass(frozen=True)
class Dimension:
    id: str
    name: Texts
    weight: float = 1.0
    theme: str | None = None


@dataclass(frozen=True)
class Item:
    id: str
    dimension: str
    text: Texts
    type: str
    lower: float
    target: float
    weight: float = 1.0
    aliases: tuple[str, ...] = ()
    ideas: Ideas = field(default_factory=lambda: MappingProxyType({}))  # lang -> concrete ideas to improve

    @property
    def less_is_better(self) -> bool:
        return self.lower > self.target


@dataclass(frozen=True)
class Framework:
    """The whole indicator as data: dimensions, items with goalposts, bands and thresholds."""

    id: str
    name: Texts
    version: str
    baseline_year: int
    target_year: int
    min_respondents: int
    min_item_coverage: float
    min_dimension_coverage: float
    village_aliases: tuple[str, ...]
    bands: tuple[Band, ...]
    themes: tuple[Theme, ...]
    dimensions: tuple[Dimension, ...]
    items: tuple[Item, ...]
    source: str = field(default="<string>", compare=False)

    @property
    def dimension_ids(self) -> tuple[str, ...]:
        return tuple(d.id for d in self.dimensions)

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.items)

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)

    def theme(self, theme_id: str) -> Theme:
        return next(t for t in self.themes if t.id == theme_id)

    def enough_respondents(self, respondents: Any) -> Any:
        """True where a respondent count reaches ``min_respondents``: the one rule for "too few respondents".

        Below it a village/round gets no score and nothing of it is broken down (docs/method.md). A missing
        count is never enough. A scalar gives a bool, a Series a bool Series on its index, else a bool array.
        """
        if np.ndim(respondents) == 0:
            return bool(not pd.isna(respondents) and float(respondents) >= self.min_respondents)
        counts = respondents if isinstance(respondents, pd.Series) else pd.Series(np.ravel(respondents), dtype=object)
        enough = pd.to_numeric(counts, errors="coerce").astype(float).fillna(0.0) >= self.min_respondents
        return enough if isinstance(respondents, pd.Series) else enough.to_numpy()

    def items_of(self, dimension_id: str) -> tuple[Item, ...]:
        return tuple(i for i in self.items if i.dimension == dimension_id)

    def band_for(self, score: float | None) -> Band | None:
        """The highest band whose ``min`` is at most the score; None for a missing score."""
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return None
        fitting = [b for b in self.bands if b.min <= round(score, 9)]  # float noise: 49.99999999999999 is 50
        return fitting[-1] if fitting else None

    def items_frame(self) -> pd.DataFrame:
        """One row per item: id, dimension, type, weight, lower, target (the scoring pipeline's input)."""
        return pd.DataFrame(
            {
                "item": [i.id for i in self.items],
                "dimension": [i.dimension for i in self.items],
                "type": [i.type for i in self.items],
                "weight": [i.weight for i in self.items],
                "lower": [i.lower for i in self.items],
                "target": [i.target for i in self.items],
            }
        )

    def dimension_weights(self) -> pd.Series:
        return pd.Series({d.id: d.weight for d in self.dimensions}, dtype=float)


def text(texts: Texts, lang: str = "fi") -> str:
    """A text in the asked language, falling back to Finnish, English, Swedish, then anything."""
    for key in (lang, "fi", "en", "sv"):
        if texts.get(key):
            return texts[key]
    return next(iter(texts.values()), "")


def ideas(item: Item, lang: str = "fi") -> tuple[str, ...]:
    """The item's ideas for improving it in the asked language (same fallback as ``text``); () when none."""
    for key in (lang, "fi", "en", "sv"):
        if item.ideas.get(key):
            return item.ideas[key]
    return next(iter(item.ideas.values()), ())


# --- loading and validation -------------------------------------------------------------------------


class _Checker:
    """Collects every broken rule so that one load reports all of them."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[str] = []

    def fail(self, entry: str, rule: str) -> None:
        self.errors.append(f"{entry}: {rule}")

    def number(self, table: Mapping[str, Any], key: str, entry: str, default: float | None = None) -> float:
        value = table.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            self.fail(entry, f"'{key}' must be a finite number, got {value!r}")
            return math.nan
        return float(value)

    def ident(self, table: Mapping[str, Any], entry: str) -> str:
        value = table.get("id")
        if not isinstance(value, str) or not value.strip():
            self.fail(entry, "'id' must be a non-empty string")
            return f"?{entry}"
        if value != value.strip():
            self.fail(entry, f"'id' {value!r} must not start or end with spaces")
        return value

    def texts(self, table: Mapping[str, Any], key: str, entry: str) -> Texts:
        value = table.get(key)
        if isinstance(value, str) and value.strip():
            return MappingProxyType({lang: value for lang in LANGUAGES})
        if isinstance(value, Mapping) and value:
            good = {k: v for k, v in value.items() if isinstance(v, str) and v.strip()}
            if len(good) != len(value):
                self.fail(entry, f"every text in '{key}' must be a non-empty string")
            if good:
                return MappingProxyType(dict(good))
        self.fail(entry, f"'{key}' must be a text or a table of texts by language (fi, sv, en)")
        return MappingProxyType({})

    def ideas(self, table: Mapping[str, Any], entry: str) -> Ideas:
        """The optional ``ideas = { fi = [...], sv = [...], en = [...] }``: per language 1..MAX_IDEAS
        non-empty texts, every language with as many ideas (they are translations of each other)."""
        value = table.get("ideas")
        if value is None:
            return MappingProxyType({})
        if not isinstance(value, Mapping) or not value:
            self.fail(entry, "'ideas' must be a table of idea lists by language, e.g. ideas = { fi = [\"...\"] }")
            return MappingProxyType({})
        out: dict[str, tuple[str, ...]] = {}
        for lang, listed in value.items():
            if lang not in LANGUAGES:
                self.fail(entry, f"'ideas' has an unknown language {lang!r} (use {', '.join(LANGUAGES)})")
            elif (not isinstance(listed, list) or not listed
                  or not all(isinstance(i, str) and i.strip() for i in listed)):
                self.fail(entry, f"'ideas.{lang}' must be a list of non-empty texts")
            elif len(listed) > MAX_IDEAS:
                self.fail(entry, f"'ideas.{lang}' has {len(listed)} ideas, at most {MAX_IDEAS} are allowed")
            else:
                out[lang] = tuple(i.strip() for i in listed)
        counts = {lang: len(listed) for lang, listed in out.items()}
        if len(set(counts.values())) > 1:
            shown = ", ".join(f"{lang} {n}" for lang, n in counts.items())
            self.fail(entry, f"every language in 'ideas' must list as many ideas (they translate each other): {shown}")
        return MappingProxyType(out)

    def weight(self, table: Mapping[str, Any], entry: str) -> float:
        value = self.number(table, "weight", entry, default=1.0)
        if not math.isnan(value) and value <= 0:
            self.fail(entry, f"'weight' must be positive, got {value:g}")
        return value


def _entries(raw: Mapping[str, Any], key: str, check: _Checker) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        check.fail(f"[[{key}]]", "must be an array of tables")
        return []
    return value


def _unique(ids: list[str], kind: str, check: _Checker) -> None:
    seen: set[str] = set()
    for ident in ids:
        if ident in seen:
            check.fail(f"{kind} '{ident}'", "duplicate id")
        seen.add(ident)


def _parse_header(raw: Mapping[str, Any], check: _Checker) -> dict[str, Any]:
    head = raw.get("indicator")
    if not isinstance(head, Mapping):
        check.fail("[indicator]", "the table is missing")
        head = {}
    entry = "[indicator]"
    out: dict[str, Any] = {
        "id": check.ident(head, entry),
        "name": check.texts(head, "name", entry),
        "version": str(head.get("version", "")),
    }
    for key in ("baseline_year", "target_year"):
        value = head.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            check.fail(entry, f"'{key}' must be a whole year, got {value!r}")
            value = 0
        out[key] = value
    if out["baseline_year"] and out["target_year"] and out["target_year"] <= out["baseline_year"]:
        check.fail(entry, "'target_year' must be after 'baseline_year'")
    min_resp = head.get("min_respondents", 5)
    if isinstance(min_resp, bool) or not isinstance(min_resp, int) or min_resp < 1:
        check.fail(entry, f"'min_respondents' must be a whole number >= 1, got {min_resp!r}")
        min_resp = 1
    out["min_respondents"] = min_resp
    for key, default in (("min_item_coverage", 0.5), ("min_dimension_coverage", 0.67)):
        value = check.number(head, key, entry, default=default)
        if not math.isnan(value) and not 0 <= value <= 1:
            check.fail(entry, f"'{key}' must be between 0 and 1, got {value:g}")
        out[key] = value
    aliases = head.get("village_aliases", ["kylä", "village", "by"])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        check.fail(entry, "'village_aliases' must be a list of non-empty texts")
        aliases = []
    out["village_aliases"] = tuple(aliases)
    return out


def _parse_bands(raw: Mapping[str, Any], check: _Checker) -> tuple[Band, ...]:
    bands = []
    for n, table in enumerate(_entries(raw, "bands", check), start=1):
        entry = f"band #{n}"
        ident = check.ident(table, entry)
        entry = f"band '{ident}'"
        bands.append(Band(ident, check.number(table, "min", entry), check.texts(table, "name", entry)))
    _unique([b.id for b in bands], "band", check)
    for before, after in zip(bands, bands[1:], strict=False):
        if not before.min < after.min:
            check.fail(f"band '{after.id}'", f"bands must be ascending: min {after.min:g} after {before.min:g}")
    return tuple(bands)


def _parse_dimensions(raw: Mapping[str, Any], themes: set[str], check: _Checker) -> tuple[Dimension, ...]:
    dims = []
    for n, table in enumerate(_entries(raw, "dimensions", check), start=1):
        ident = check.ident(table, f"dimension #{n}")
        entry = f"dimension '{ident}'"
        theme = table.get("theme")
        if theme is not None and theme not in themes:
            check.fail(entry, f"unknown theme {theme!r}")
        dims.append(Dimension(ident, check.texts(table, "name", entry), check.weight(table, entry), theme))
    if not dims:
        check.fail("[[dimensions]]", "at least one dimension is needed")
    _unique([d.id for d in dims], "dimension", check)
    return tuple(dims)


def _parse_item(table: Mapping[str, Any], n: int, dims: set[str], check: _Checker) -> Item:
    ident = check.ident(table, f"item #{n}")
    entry = f"item '{ident}'"
    dimension = table.get("dimension")
    if dimension not in dims:
        check.fail(entry, f"unknown dimension {dimension!r}")
    kind = table.get("type")
    if kind not in ITEM_TYPES:
        check.fail(entry, f"'type' must be one of {', '.join(ITEM_TYPES)}, got {kind!r}")
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        check.fail(entry, "'aliases' must be a list of texts")
        aliases = []
    lower = check.number(table, "lower", entry)
    target = check.number(table, "target", entry)
    if lower == target:
        check.fail(entry, f"'lower' and 'target' must differ, both are {lower:g}")
    return Item(
        id=ident,
        dimension=str(dimension),
        text=check.texts(table, "text", entry),
        type=str(kind),
        lower=lower,
        target=target,
        weight=check.weight(table, entry),
        aliases=tuple(aliases),
        ideas=check.ideas(table, entry),
    )


def _check_ids_distinct(items: tuple[Item, ...], dims: tuple[Dimension, ...], check: _Checker) -> None:
    for dim in dims:
        if not any(i.dimension == dim.id for i in items):
            check.fail(f"dimension '{dim.id}'", "has no items")


def parse(raw: Mapping[str, Any], source: str = "<string>") -> Framework:
    """Build a validated Framework from parsed TOML; raise FrameworkError listing every broken rule."""
    check = _Checker(source)
    head = _parse_header(raw, check)
    bands = _parse_bands(raw, check)
    themes = []
    for n, table in enumerate(_entries(raw, "themes", check), start=1):
        ident = check.ident(table, f"theme #{n}")
        themes.append(Theme(ident, check.texts(table, "name", f"theme '{ident}'")))
    _unique([t.id for t in themes], "theme", check)
    dims = _parse_dimensions(raw, {t.id for t in themes}, check)
    items = tuple(
        _parse_item(table, n, {d.id for d in dims}, check)
        for n, table in enumerate(_entries(raw, "items", check), start=1)
    )
    _unique([i.id for i in items], "item", check)
    _check_ids_distinct(items, dims, check)
    if check.errors:
        raise FrameworkError("; ".join(check.errors), code="framework.invalid",
                             params={"problems": "; ".join(check.errors)}, file=source)
    return Framework(**head, bands=bands, themes=tuple(themes), dimensions=dims, items=items, source=source)


def loads(text_: str, source: str = "<string>") -> Framework:
    """Parse TOML text into a Framework."""
    try:
        raw = tomllib.loads(text_)
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkError(f"not valid TOML: {exc}", code="framework.bad_toml", params={"detail": str(exc)},
                             file=source) from None
    return parse(raw, source)


def load(path: str | Path = DEFAULT_PATH) -> Framework:
    """Read and validate a framework file (default: the shipped ``data/framework.toml``)."""
    path = Path(path)
    try:
        content = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FrameworkError("framework file not found", code="framework.not_found", file=str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FrameworkError(f"cannot read the framework file: {exc}", code="framework.cannot_read",
                             params={"detail": str(exc)}, file=str(path)) from None
    return loads(content, source=str(path))
