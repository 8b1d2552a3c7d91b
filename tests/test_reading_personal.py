"""Personal data while reading: personal columns by header and by content, masking of what is kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicator.framework import loads
from indicator.reading import read_survey
from indicator.reading.mapping import is_personal
from indicator.reading.personal import (
    EMAIL_MASK,
    ID_MASK,
    NAME_MASK,
    PHONE_MASK,
    mask,
    mask_free_text,
    mask_tree,
    personal_kind,
)
from indicator.text import normalise_header
from tests.conftest import SMALL_FRAMEWORK
from tests.personal_files import EMAILS, FREE_TEXT, HETUS, NAMES, PHONES, personal_csv, personal_xlsx

PERSONAL = ["Kerro nimesi", "Sähköposti", "Puhelin", "Enter name", "Tell me your name!", "Yhteystieto", "Q7", "Q8"]


@pytest.fixture(scope="module")
def framework():
    return loads(SMALL_FRAMEWORK, "small.toml")


@pytest.mark.parametrize("header", ["Kerro nimesi", "Enter name", "Tell me your name!", "Nimi", "Namn",
                                    "Your name", "Sähköpostiosoite", "Puhelinnumero", "Henkilötunnus",
                                    "Syntymäaika"])
def test_headers_that_name_personal_data(header):
    assert is_personal(normalise_header(header))


@pytest.mark.parametrize("header", ["Vapaa palaute", "Kommentit", "Mitä toivot kylältä?", "Q7"])
def test_headers_that_do_not(header):
    assert not is_personal(normalise_header(header))


@pytest.mark.parametrize("hetu", HETUS)
def test_every_century_mark_of_a_henkilotunnus_is_masked(hetu):
    assert mask(f"hetu {hetu}.") == f"hetu {ID_MASK}."
    assert mask(hetu.lower()) == ID_MASK


@pytest.mark.parametrize("phone", PHONES)
def test_phone_numbers_are_masked(phone):
    assert mask(f"puh. {phone} iltaisin") == f"puh. {PHONE_MASK} iltaisin"


@pytest.mark.parametrize("email", EMAILS)
def test_email_addresses_are_masked(email):
    assert mask(f"<{email}>") == f"<{EMAIL_MASK}>"


@pytest.mark.parametrize("text", ["2024-05-12", "12.05.2024 10:15", "1 000 000 €", "vuosina 2019-2023",
                                  "Kokous klo 18-20", "postinumero 45100", "0,5 km", "4", "Täysin samaa mieltä",
                                  "010101"])
def test_dates_amounts_and_answers_are_left_alone(text):
    assert mask(text) == text


def test_free_text_also_loses_names():
    assert mask_free_text("Kiitos Anna-Liisa Virtanen! Matti tuli myös.") == f"Kiitos {NAME_MASK}! {NAME_MASK} tuli myös."
    assert mask_free_text("Lisää tapahtumia Anjalaan") == "Lisää tapahtumia Anjalaan"  # a place, not a name
    assert mask_free_text(4.0) == 4.0


def test_mask_tree_masks_every_text_of_a_report():
    report = {"file": "matti@example.fi vastaukset.csv", "problems": [{"value": "040 123 4567", "row": 3}], "n": 2}
    assert mask_tree(report) == {"file": f"{EMAIL_MASK} vastaukset.csv", "problems": [{"value": PHONE_MASK, "row": 3}],
                                 "n": 2}


@given(st.text(max_size=60), st.sampled_from((*EMAILS, *PHONES, *HETUS)), st.text(max_size=60))
def test_a_secret_inside_any_text_is_masked_and_masking_is_stable(before, secret, after):
    text = f"{before} {secret} {after}"
    once = mask_free_text(text)
    assert secret not in once
    assert mask_free_text(once) == once


def test_an_address_is_masked_by_the_standards_bounds_and_a_long_word_is_left_alone():
    """A local part is at most 64 characters: a longer run before an @ is masked from its last 64 on. A
    40,000-letter word holds nothing to mask (it once cost 2.4 s of search: benchmarks/hostile.py,
    ``csv_long_words``)."""
    assert mask("x" * 100 + "@example.fi") == "x" * 36 + EMAIL_MASK
    assert mask("a" * 64 + "@b.fi") == EMAIL_MASK
    word = "a" * 40_000
    assert mask(word) is word and mask(word + "@") == word + "@"
    assert personal_kind([word, word + "1", "@" + word]) is None


def test_personal_columns_by_content():
    assert personal_kind(list(EMAILS)) == "email"
    assert personal_kind(list(PHONES)) == "phone"
    assert personal_kind(list(HETUS)) == "id"
    assert personal_kind(list(NAMES)) == "name"
    assert personal_kind(["Jussi", "Liisa", "Kalle", "Maija"]) == "name"  # first names alone
    assert personal_kind(["Kouvola", "Kotka", "Hamina", "Kotka"]) is None  # places
    assert personal_kind(["Täysin samaa mieltä", "Jokseenkin eri mieltä", "Kyllä"]) is None  # answers
    assert personal_kind(list(FREE_TEXT)) is None  # free text with some personal data is masked, not dropped
    assert personal_kind([1, 2, 3]) is None and personal_kind([]) is None


@pytest.mark.parametrize("make, name", [(personal_csv, "vastaukset.csv"), (personal_xlsx, "vastaukset.xlsx")])
def test_reading_drops_personal_columns_and_masks_what_it_keeps(framework, make, name):
    result = read_survey(make(), framework, filename=name)
    report = result.report
    assert report.dropped_personal == PERSONAL
    assert report.unmapped == ["Vapaa palaute"]
    assert report.respondents == 6
    kept = result.kept
    assert list(kept.columns) == ["Kylä", "T1", "T2", "Y1", "Y2", "Vapaa palaute"]
    assert kept.index.tolist() == [2, 3, 4, 5, 6, 7]  # spreadsheet rows: the respondent keys
    assert kept["Vapaa palaute"].tolist() == [
        f"Soita minulle numeroon {PHONE_MASK}, t. {NAME_MASK}", f"Lisätietoja: {EMAIL_MASK}",
        f"Hetuni on {ID_MASK} jos tarvitsette", f"Kiitos! {NAME_MASK} lupasi auttaa", "Hyvä kysely",
        "Lisää tapahtumia kylätalolle"]
    text = kept.to_csv()
    assert not any(secret in text for secret in (*NAMES, *EMAILS, *PHONES, *HETUS))
