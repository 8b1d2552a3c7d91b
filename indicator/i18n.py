"""Message catalogs and locale formatting for the dashboard (fi default, sv, en).

Catalogs live in ``indicator/locales/*.toml``: one file per area of the app, each key a table with
``fi``, ``sv`` and ``en`` texts (``str.format`` placeholders allowed). Framework texts come from the
framework file, not from here.
"""

from __future__ import annotations

import math
import tomllib
from datetime import date, datetime
from functools import cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@cache
def catalog() -> dict[str, dict[str, str]]:
    """All keys of all catalog files; a key defined twice is an error (files are owned per area)."""
    merged: dict[str, dict[str, str]] = {}
    for path in sorted(LOCALES_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            for key, texts in tomllib.load(handle).items():
                if key in merged:
                    raise ValueError(f"{path.name}: message key {key!r} is defined twice")
                merged[key] = texts
    return merged


def t(key: str, lang: str = "fi", **fmt: object) -> str:
    """The message ``key`` in ``lang`` (falling back to Finnish, then the key itself), formatted."""
    texts = catalog().get(key)
    if texts is None:
        return key
    template = texts.get(lang) or texts.get("fi") or key
    return template.format(**fmt) if fmt else template


def fmt_number(value: float | int | None, lang: str = "fi", decimals: int = 1) -> str:
    """A number in the locale: decimal comma and narrow no-break thousands space in fi/sv."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang in ("fi", "sv"):
        text = text.replace(",", "\u202f").replace(".", ",")
    return text.replace("-", "−")


def plotly_separators(lang: str = "fi") -> str:
    """Plotly's ``layout.separators`` (decimal mark, then thousands mark) for the locale, as ``fmt_number``."""
    return ",\u202f" if lang in ("fi", "sv") else ".,"


def fmt_date(value: date | datetime | None, lang: str = "fi", with_time: bool = False) -> str:
    """A date as written in the locale: 28.11.2026 (fi), 2026-11-28 (sv), 28 Nov 2026 (en)."""
    if value is None:
        return "–"
    if lang == "fi":
        pattern = "%-d.%-m.%Y"
    elif lang == "sv":
        pattern = "%Y-%m-%d"
    else:
        pattern = "%-d %b %Y"
    if with_time and isinstance(value, datetime):
        pattern += " %H:%M"
    return value.strftime(pattern)
