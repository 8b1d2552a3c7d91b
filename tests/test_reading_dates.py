"""Response times from the tools' timestamp texts (indicator.reading.dates), as Finnish wall time."""

from __future__ import annotations

import numpy as np
import pytest

from indicator.reading.dates import parse_dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5.2024 10:00:00", "2024-05-01T10:00:00"),  # Webropol
        ("31.12.2024 23.59.59", "2024-12-31T23:59:59"),  # Finnish spreadsheet time with dots
        ("2024/12/31 11:59:59 PM GMT+2", "2024-12-31T23:59:59"),  # Google Forms CSV, Finnish winter
        ("2024/05/01 10:00:00 AM GMT+3", "2024-05-01T10:00:00"),  # Google Forms CSV, Finnish summer
        ("2024/12/31 11:59:59 PM GMT-5", "2025-01-01T06:59:59"),  # a form kept in New York time
        ("2024/12/31 11:59:59 PM", "2024-12-31T23:59:59"),
        ("2024-05-01T10:00:00Z", "2024-05-01T13:00:00"),  # KoboToolbox
        ("Wed May 01 2024 10:00:00 GMT+0300 (Eastern European Summer Time)", "2024-05-01T10:00:00"),
    ],
)
def test_text_stamps_become_finnish_wall_time(text: str, expected: str) -> None:
    stamps, bad = parse_dates(np.array([text], dtype=object))
    assert bad == 0
    assert stamps[0] == np.datetime64(expected)


def test_unreadable_texts_are_counted_not_guessed() -> None:
    stamps, bad = parse_dates(np.array(["eilen", "", None, "1.5.2024"], dtype=object))
    assert bad == 1
    assert np.isnat(stamps[0]) and stamps[3] == np.datetime64("2024-05-01")
