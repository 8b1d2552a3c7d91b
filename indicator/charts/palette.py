"""Colours for every chart: the colour-blind-safe Okabe–Ito palette and the mappings built on it.

Bands, statuses and Leader areas always get the same colour on every page. Band and status colours
are ordered so that the worst is warm (vermillion/orange) and the best is cool (bluish green/blue),
and differ in lightness too, so they read in greyscale.
"""

from __future__ import annotations

from collections.abc import Sequence

from indicator.progress import Status
from indicator.registry import LEADER_AREAS

# Okabe & Ito (2008), "Color Universal Design".
BLACK = "#000000"
ORANGE = "#E69F00"
SKY_BLUE = "#56B4E9"
BLUISH_GREEN = "#009E73"
YELLOW = "#F0E442"
BLUE = "#0072B2"
VERMILLION = "#D55E00"
REDDISH_PURPLE = "#CC79A7"
GREY = "#999999"

OKABE_ITO: tuple[str, ...] = (ORANGE, SKY_BLUE, BLUISH_GREEN, YELLOW, BLUE, VERMILLION, REDDISH_PURPLE, BLACK)
CATEGORICAL: tuple[str, ...] = (BLUE, ORANGE, BLUISH_GREEN, VERMILLION, SKY_BLUE, REDDISH_PURPLE, YELLOW, BLACK)

PRIMARY = "#0B4F8A"          # the house blue (same as the theme's primaryColor)
MISSING = "#BDBDBD"          # no score / too few respondents
TARGET = BLACK               # the 2030 target line
NEUTRAL = "#555555"          # legend keys standing for any status colour

# Four bands, lowest first (Alkuvaihe, Kehittyvä, Edistynyt, Älykäs kylä 2030 -taso).
BAND_COLOURS: tuple[str, ...] = (VERMILLION, ORANGE, SKY_BLUE, BLUE)

STATUS_COLOURS: dict[str, str] = {
    Status.ACHIEVED: BLUE,
    Status.ON_TRACK: BLUISH_GREEN,
    Status.MODERATELY_IMPROVING: SKY_BLUE,
    Status.STAGNATING: ORANGE,
    Status.DECREASING: VERMILLION,
    Status.INSUFFICIENT_DATA: MISSING,
}
STATUS_ORDER: tuple[str, ...] = tuple(STATUS_COLOURS)

# The registry's Leader areas in its order, one colour each.
AREA_COLOURS: dict[str, str] = dict(zip(LEADER_AREAS, (BLUE, BLUISH_GREEN), strict=True))


def band_colours(band_ids: Sequence[str]) -> dict[str, str]:
    """Band id -> colour for the framework's bands in ascending order (any number of bands)."""
    n = len(band_ids)
    if n <= len(BAND_COLOURS):
        picks = BAND_COLOURS[len(BAND_COLOURS) - n :] if n < len(BAND_COLOURS) else BAND_COLOURS
        if n == 3:
            picks = (VERMILLION, SKY_BLUE, BLUE)
        elif n == 2:
            picks = (ORANGE, BLUE)
        return dict(zip(band_ids, picks, strict=True))
    return {b: CATEGORICAL[i % len(CATEGORICAL)] for i, b in enumerate(band_ids)}


def area_colour(area: str) -> str:
    """Colour of a Leader area; unknown areas get a neutral grey."""
    return AREA_COLOURS.get(area, GREY)


def categorical(n: int) -> list[str]:
    """``n`` distinct colours (cycled beyond eight)."""
    return [CATEGORICAL[i % len(CATEGORICAL)] for i in range(n)]
