"""Lataa kysely and privacy: personal columns listed, free text kept only by a coordinator, the public's
quotas, upload codes for every spelling of a village, and what lands in the database."""

from __future__ import annotations

import json

import pytest

from indicator.i18n import t
from indicator.report import markdown_escape
from indicator.storage import Store
from tests.personal_files import found_secrets
from tests.test_page_upload import choose_file, open_upload, survey_csv
from ui import auth, quotas, testing

CYRILLIC_A = "\u0430"


def with_personal_columns(villages=("Verla",)) -> bytes:
    """``survey_csv`` with a name, an e-mail column under a plain header and a free-text column."""
    lines = survey_csv(villages=villages).decode().splitlines()
    out = [f"Kerro nimesi;Q2;Vapaa palaute;{lines[0]}"]
    for n, row in enumerate(lines[1:]):
        note = "Soita 040 555 1234" if n == 0 else "Hyvä kysely"  # one phone number among plain answers
        out.append(f"Matti Meikäläinen;matti{n}@example.fi;{note};{row}")
    return ("\n".join(out) + "\n").encode()


def test_the_report_lists_personal_columns_and_the_public_keeps_no_free_text(empty_url):
    at = choose_file(open_upload(), "kysely.csv", with_personal_columns())
    tables = [d.value.iloc[:, 0].tolist() for d in at.dataframe]
    assert ["Kerro nimesi", "Q2"] in tables  # by header, and by content (e-mail addresses)
    assert t("upload.free_text_not_kept", "fi", n=1) in [c.value for c in at.caption]
    assert not [c for c in at.checkbox if c.key == "upload_keep_free_text"]
    at.button(key="upload.save").click().run()
    store = Store(empty_url)
    record = store.uploads.get(int(store.uploads.table()["id"][0]))
    assert "Vapaa palaute" not in record.kept().columns and "Kerro nimesi" not in record.kept().columns
    assert not found_secrets(record.content) and b"Meik" not in record.content


def test_a_coordinator_may_keep_free_text_masked(empty_url, monkeypatch):
    at = choose_file(testing.opened("lataa", state={"role": "coordinator"}), "kysely.csv", with_personal_columns())
    box = at.checkbox(key="upload_keep_free_text")
    assert box.label == t("upload.keep_free_text", "fi", n=1) and box.value is False
    box.check().run()
    at.button(key="upload.save").click().run()
    store = Store(empty_url)
    kept = store.uploads.get(int(store.uploads.table()["id"][0])).kept()
    assert kept["Vapaa palaute"].tolist()[:2] == ["Soita [phone]", "Hyvä kysely"]


def test_the_public_may_save_ten_files_an_hour(empty_url):
    store = Store(empty_url)
    for _ in range(quotas.UPLOADS_PER_HOUR):
        store.limits.record(quotas.UPLOAD_SCOPE, "local")  # AppTest's address
    at = choose_file(open_upload(), "kysely.csv", survey_csv())
    at.button(key="upload.save").click().run()
    assert at.error[0].value == t("upload.quota_address", "fi", n=quotas.UPLOADS_PER_HOUR)
    assert Store(empty_url).uploads.table().empty


def test_five_uploads_of_a_village_may_wait(empty_url):
    for n in range(quotas.PENDING_PER_VILLAGE + 1):
        data = survey_csv(villages=("Verla",), per_village=6 + n)
        at = choose_file(open_upload(), f"verla{n}.csv", data)
        at.button(key="upload.save").click().run()
    assert at.error[0].value.endswith(markdown_escape(t("error.storage.too_many_pending", "fi", village="Verla",
                                                        limit=quotas.PENDING_PER_VILLAGE)))
    assert len(Store(empty_url).uploads.table("pending")) == quotas.PENDING_PER_VILLAGE


@pytest.mark.parametrize("written", ["VERLA", f"Verl{CYRILLIC_A}", "verla  "])
def test_every_spelling_needs_the_village_code_and_is_stored_as_the_village(empty_url, monkeypatch,
                                                                           written):
    monkeypatch.setenv("ALYKYLA_UPLOAD_CODES", json.dumps({"Verla": auth.hash_passphrase("verla-1", iterations=1000)}))
    at = choose_file(open_upload(), "verla.csv", survey_csv(villages=(written,)))
    at.button(key="upload.save").click().run()
    assert at.error[0].value.startswith(t("upload.code_wrong", "fi", village="").rstrip("."))
    assert Store(empty_url).uploads.table().empty
    at.text_input(key="upload.code").input("verla-1")
    at.button(key="upload.save").click().run()
    assert Store(empty_url).uploads.table("pending")["villages"].tolist() == ["Verla"]  # not a new village
