"""Response times from the tools' timestamp texts (indicator.reading.dates), as Finnish wall time."""

from __future__ import annotations

import datetime as dt

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


def test_times_outside_the_nanosecond_range_are_unreadable_cells() -> None:
    """Typing slips such as 9999-12-31 or 0001-01-01 are cells that are not dates, not a failed file."""
    values = np.array([dt.datetime(9999, 12, 31, 23, 59), dt.datetime(1, 1, 1), "9999-12-31 23:59:59", "0001-01-01",
                       "31.02.2025 10:00", 2958465.99, dt.datetime(2025, 3, 1, 12, 0), "1.3.2025 10:00", 45717.5],
                      dtype=object)
    stamps, bad = parse_dates(values)
    assert bad == 6
    assert np.isnat(stamps[:6]).all()
    assert stamps[6] == np.datetime64("2025-03-01T12:00") and stamps[7] == np.datetime64("2025-03-01T10:00")
    assert stamps[8] == np.datetime64("2025-03-01T12:00")


def test_unicode_digits_are_not_date_digits() -> None:
    stamps, bad = parse_dates(np.array(["Mon May 01 2024 10:00:00 GMT-030٠", "٠١.٠٥.٢٠٢٤"], dtype=object))
    assert bad == 2 and np.isnat(stamps).all()
