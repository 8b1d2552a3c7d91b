"""Texts inside Plotly figures: data made inert and long labels wrapped, the same way in every chart.

Plotly renders a few HTML tags in texts, so a text that comes from data (village, dimension and item
names) is escaped before it goes into a figure. Long axis labels and subplot titles are broken into
lines (Plotly's ``<br>``) so that charts stay readable on a phone and in Swedish.
"""

from __future__ import annotations

import html
import textwrap


def escape(value: object) -> str:
    """A data text made inert for Plotly.

    >>> escape("<b>Kylä & co</b>")
    '&lt;b&gt;Kylä &amp; co&lt;/b&gt;'
    """
    return html.escape(str(value), quote=False)


def wrap(value: object, width: int = 22) -> str:
    """``value`` broken at spaces into lines of at most ``width`` characters, each escaped, joined by ``<br>``.

    Widths count the characters a reader sees (before escaping); a word longer than ``width`` keeps a
    line of its own rather than being cut.

    >>> wrap("Yhteisöllisyys, osallisuus ja vetovoima")
    'Yhteisöllisyys,<br>osallisuus ja<br>vetovoima'
    """
    lines = textwrap.wrap(str(value), width, break_long_words=False, break_on_hyphens=False)
    return "<br>".join(escape(line) for line in lines) or escape(value)


def table_height(lines: list[int], size: float, minimum: float = 0.0) -> float:
    """The height in px that a Plotly table draws for rows of ``lines`` text lines each (the header row
    included) at ``size`` px type: each row ``lines × 1.3 × size + 14`` px (Plotly's line spacing and cell
    padding, measured in Chromium), or the cells' ``minimum`` height when that is more.

    >>> table_height([1, 3], 20)
    132.0
    """
    return float(sum(max(minimum, n * 1.3 * size + 14) for n in lines))
