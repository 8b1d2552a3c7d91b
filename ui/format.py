"""Tables for the screen: locale-formatted numbers and dates, translated headers, plain text.

Privacy rule (everywhere, downloads included): nothing is broken down for a group with fewer than
``framework.min_respondents`` respondents; ``Framework.enough_respondents`` is the one test of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
from pandas.io.formats.style import Styler

from indicator.i18n import fmt_date, fmt_number
from indicator.report import markdown_escape

MISSING = "–"


def number(value: Any, lang: str, decimals: int = 1) -> str:
    """One number in the locale (decimal comma in fi/sv); missing as a dash."""
    if value is None or pd.isna(value):
        return MISSING
    return fmt_number(float(value), lang, decimals)


def integer(value: Any, lang: str) -> str:
    return number(value, lang, 0)


LOCAL_TIME_ZONE = "Europe/Helsinki"


def date(value: Any, lang: str, with_time: bool = False) -> str:
    """A date (and time) in the locale; stored UTC times are shown in Finnish local time."""
    if value is None or pd.isna(value):
        return MISSING
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(LOCAL_TIME_ZONE)
    return fmt_date(stamp.to_pydatetime(), lang, with_time)


def styled(
    frame: pd.DataFrame,
    lang: str,
    *,
    decimals: Mapping[str, int] | None = None,
    dates: Iterable[str] = (),
    missing: str = MISSING,
) -> Styler:
    """A Styler showing numbers and dates in the locale while the table still sorts by value.

    ``decimals`` maps column -> decimals; other numeric columns get 1 decimal, integer columns none.
    """
    decimals = dict(decimals or {})
    formats: dict[str, Any] = {}
    for column in frame.columns:
        if column in dates:
            formats[column] = lambda v, c=column: date(v, lang)
        elif pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            places = decimals.get(column, 0 if pd.api.types.is_integer_dtype(frame[column]) else 1)
            formats[column] = lambda v, p=places: number(v, lang, p)
    return frame.style.format(formats, na_rep=missing).hide(axis="index")


def band_names(framework: Any, lang: str) -> dict[str, str]:
    """Band id -> its name in ``lang``."""
    from indicator.framework import text

    return {b.id: text(b.name, lang) for b in framework.bands}


def dimension_names(framework: Any, lang: str) -> dict[str, str]:
    """Dimension id -> its name in ``lang``."""
    from indicator.framework import text

    return {d.id: text(d.name, lang) for d in framework.dimensions}


def plain(text: Any) -> str:
    """Text from a file or a user (village names, file names) made safe inside ``st.markdown``-based
    messages: every Markdown special character is escaped, so it shows exactly as written."""
    return markdown_escape(text)
