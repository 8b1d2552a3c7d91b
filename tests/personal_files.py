"""Survey files full of personal data, for the privacy tests: what must never be stored, and the files.

Every secret below is a text that no part of a stored upload may contain (``SECRETS``): names, e-mail
addresses, phone numbers and henkilötunnus with every century mark, in personal columns (by header and
by content only) and in free-text answers. The answers themselves are ordinary likert answers of the
small test framework (tests/conftest.py), so the files are stored like any other.
"""

from __future__ import annotations

import contextlib
import io
import zlib

import openpyxl

# Henkilötunnus with each century mark (+ for the 1800s; - Y X W V U for the 1900s; A B C D E F for the 2000s).
HETUS: tuple[str, ...] = ("131052-308T", "010594Y9032", "010594X903B", "020201A040P", "311299+123A",
                          "150350W123C", "240870V456D", "121180U789E", "010105B123F", "010110C456H",
                          "010115D789J", "010120E012K", "010125F345L")
NAMES: tuple[str, ...] = ("Matti Meikäläinen", "Maija Mehiläinen", "Teppo Testaaja", "Liisa Virtanen",
                          "Kalle Korhonen", "Aino Mäkinen")
EMAILS: tuple[str, ...] = ("matti.meikalainen@example.fi", "maija@kyla.example.org", "teppo+kysely@posti.example.com",
                           "liisa.virtanen@example.net", "kalle.k@example.fi", "aino_m@example.fi")
PHONES: tuple[str, ...] = ("040 123 4567", "+358 50 765 4321", "(05) 345 6789", "0441112223", "045-987 6543",
                           "+358401234567")
FREE_TEXT: tuple[str, ...] = (  # each kind in one answer of six: the column is free text, not personal
    "Soita minulle numeroon 040 555 1234, t. Matti Meikäläinen",
    "Lisätietoja: maija@kyla.example.org",
    "Hetuni on 131052-308T jos tarvitsette",
    "Kiitos! Teppo Testaaja lupasi auttaa",
    "Hyvä kysely",
    "Lisää tapahtumia kylätalolle",
)
# Texts that must not be in any stored byte (names first and last name apart too, where they are unusual).
SECRETS: tuple[str, ...] = (*HETUS, *EMAILS, *PHONES, *NAMES, "Meikäläinen", "Mehiläinen", "Testaaja",
                            "040 555 1234")

HEADER: tuple[str, ...] = ("Kylä", "Kerro nimesi", "Sähköposti", "Puhelin", "Enter name", "Tell me your name!",
                           "Yhteystieto", "Q7", "Q8", "T1", "T2", "Y1", "Y2", "Vapaa palaute")


def rows(village: str = "Ala", n: int = 6) -> list[list[object]]:
    """``n`` respondents of ``village``; personal data in every personal column and in the free text.

    ``Yhteystieto`` holds e-mail addresses, ``Q7`` henkilötunnus and ``Q8`` names under headers that say
    nothing: only their content shows what they are."""
    out = []
    for k in range(n):
        out.append([village, NAMES[k % 6], EMAILS[k % 6], PHONES[k % 6], NAMES[(k + 1) % 6], NAMES[(k + 2) % 6],
                    EMAILS[(k + 3) % 6], " ".join(HETUS[k % 6::6]), NAMES[(k + 4) % 6], 1 + k % 5,
                    "Kyllä" if k % 2 else "Ei", 6, 5 + k, FREE_TEXT[k % 6]])
    return out


def personal_csv(village: str = "Ala", n: int = 6) -> bytes:
    """A semicolon CSV (UTF-8) of ``rows``."""
    lines = [";".join(HEADER)] + [";".join(str(v) for v in row) for row in rows(village, n)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def personal_xlsx(village: str = "Ylä", n: int = 6) -> bytes:
    """An xlsx workbook of ``rows`` (one sheet)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    for row in rows(village, n):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def found_secrets(data: bytes) -> list[str]:
    """The secrets whose UTF-8 (or UTF-16, as SQLite may store text) bytes occur in ``data``, also inside
    any gzip stream in it (an upload's copy is stored compressed)."""
    texts = [data, *_gunzipped(data)]
    return [s for s in SECRETS if any(s.encode("utf-8") in t or s.encode("utf-16-le") in t for t in texts)]


def _gunzipped(data: bytes) -> list[bytes]:
    """Every gzip stream found in ``data`` (by its magic bytes), decompressed as far as it goes."""
    out = []
    start = data.find(b"\x1f\x8b\x08")
    while start >= 0:
        decompressor = zlib.decompressobj(wbits=31)
        with contextlib.suppress(zlib.error):
            out.append(decompressor.decompress(data[start:]))
        start = data.find(b"\x1f\x8b\x08", start + 3)
    return out
