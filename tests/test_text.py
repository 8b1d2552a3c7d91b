"""Header and label normalisation (docs/survey-files.md §2)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indicator.text import clean_header, normalise, normalise_header, strip_html


def test_contract_example() -> None:
    assert normalise("Text ?: ") == "text"


def test_nbsp_case_and_whitespace() -> None:
    assert normalise("  Täysin\u00a0SAMAA   mieltä\u202f:") == "täysin samaa mieltä"
    assert normalise("E1:\t?") == "e1"
    assert normalise(None) == ""


def test_nfkc_folds_compatibility_forms() -> None:
    assert normalise("ﬁ Ⅳ") == "fi iv"  # ligature and roman numeral


def test_only_trailing_punctuation_is_removed() -> None:
    assert normalise("? Miksi?") == "? miksi"
    assert normalise("a:b") == "a:b"


def test_html_headers() -> None:
    assert strip_html("<strong>Kylä</strong> &amp; koulu") == "Kylä & koulu"
    assert normalise_header("<p><b>E1</b>. Palvelut?</p>") == "e1. palvelut"
    assert clean_header("<em>Kylä</em>\u00a0 nimi ") == "Kylä nimi"


@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert not once.endswith((":", "?"))
