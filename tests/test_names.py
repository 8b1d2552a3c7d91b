"""Village names compared by one key: case, spaces, dashes, invisible and look-alike letters do not count."""

from __future__ import annotations

import json

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from indicator.names import CONFUSABLES, same_village, village_key
from indicator.registry import find
from ui import auth

CYRILLIC_A = "\u0430"
GREEK_O = "\u03bf"


def test_case_spaces_and_dashes_do_not_count():
    assert village_key("SIPPOLA") == village_key("  sippola ") == "sippola"
    assert village_key("Ala – Pihlaja") == village_key("ala-pihlaja") == "ala-pihlaja"
    assert village_key("Iso\u00a0Kylä") == "iso kylä"


def test_look_alike_letters_are_the_latin_letter():
    assert village_key(f"Sippol{CYRILLIC_A}") == "sippola"
    assert village_key(f"S{GREEK_O}ppola") == "soppola"
    assert village_key("ＳＩＰＰＯＬＡ") == "sippola"  # full-width letters (NFKC)
    assert village_key("Sip\u200bpo\u00adla") == "sippola"  # zero-width space and soft hyphen
    assert village_key("\u0421\u0438ppola") != "sippola"  # Cyrillic и has no Latin twin: a different name


def test_accents_still_count():
    assert village_key("Ähtävä") != village_key("Ahtava")
    assert village_key(f"{CYRILLIC_A}\u0308htävä") == village_key("ähtävä")  # Cyrillic а + diaeresis = ä
    assert not same_village("Mäntlahti", "Mantlahti")


def test_every_look_alike_maps_to_ascii_or_a_finnish_letter():
    assert all(chr(code).isalpha() and len(latin) == 1 for code, latin in CONFUSABLES.items())
    assert all(latin.isascii() for latin in CONFUSABLES.values())


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzåäö -", min_size=1, max_size=30))
def test_the_key_is_stable_and_ignores_case(name):
    assert village_key(village_key(name)) == village_key(name)
    assert village_key(name.upper()) == village_key(name)


def test_registry_finds_the_village_under_any_disguise():
    registry = pd.DataFrame({"village": ["Sippola", "Ala-Pihlaja"]})
    assert find("SIPPOLA", registry) == "Sippola"
    assert find(f"Sippol{CYRILLIC_A}", registry) == "Sippola"
    assert find("ala – pihlaja", registry) == "Ala-Pihlaja"
    assert find("Sippolx", registry) is None


def test_upload_codes_compare_normalised_names(monkeypatch):
    monkeypatch.setenv("ALYKYLA_UPLOAD_CODES", json.dumps({"Sippola": auth.hash_passphrase("koodi-123",
                                                                                            iterations=1000)}))
    for disguise in ("Sippola", "SIPPOLA", f"Sippol{CYRILLIC_A}", " sippola "):
        assert auth.needs_upload_code(disguise), disguise
        assert not auth.check_upload_code(disguise, "")
        assert auth.check_upload_code(disguise, "koodi-123")
    assert not auth.needs_upload_code("Utti") and auth.check_upload_code("Utti", "")
