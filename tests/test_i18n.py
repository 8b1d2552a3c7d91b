"""The message catalogs: every key in fi, sv and en with the same placeholders, keys in one style."""

from __future__ import annotations

import re
import string
import tomllib

import pytest

from indicator.i18n import LANGUAGES, LOCALES_DIR, catalog, fmt_number, t

KEY_STYLE = re.compile(r"^[a-z]+\.[a-z0-9_.]+$")


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("path", sorted(LOCALES_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_key_is_named_after_its_file(path):
    keys = tomllib.loads(path.read_text(encoding="utf-8"))
    assert keys, path.name
    prefix = path.stem.split("_")[0]  # error_reading.toml holds error.* keys, like error.toml
    wrong = [k for k in keys if not (KEY_STYLE.match(k) and k.startswith(f"{prefix}."))]
    assert not wrong, f"{path.name}: keys must read '{prefix}.<name>' (lower case, dots, underscores): {wrong}"


def test_every_key_has_fi_sv_en_with_the_same_placeholders():
    broken = []
    for key, texts in catalog().items():
        if sorted(texts) != sorted(LANGUAGES) or not all(isinstance(v, str) and v.strip() for v in texts.values()):
            broken.append(f"{key}: languages {sorted(texts)}")
            continue
        names = {lang: placeholders(texts[lang]) for lang in LANGUAGES}
        if len({frozenset(v) for v in names.values()}) != 1:
            broken.append(f"{key}: placeholders {names}")
    assert not broken, "\n".join(broken)


def test_t_formats_and_falls_back():
    assert t("error.where.row", "sv") == "rad"
    assert t("no.such.key", "fi") == "no.such.key"


def test_numbers_use_the_locale_decimal_mark():
    assert fmt_number(1234.56, "fi") == "1\u202f234,6"
    assert fmt_number(-2.25, "en", 2) == "−2.25"
