"""Hallinta: coordinators only; approving and rejecting pending uploads; history; export."""

from __future__ import annotations

import pytest

from indicator.framework import load
from indicator.i18n import LANGUAGES, t
from indicator.storage import Store
from ui import format as fmt
from ui import testing

NEW_VILLAGE_CSV = (
    "Kylä;" + ";".join(i.id for i in load().items if i.type == "likert5") + "\n"
    + "\n".join("Vaalimaa;" + ";".join(str(1 + (n + k) % 5) for k in range(
        sum(i.type == "likert5" for i in load().items))) for n in range(7))
    + "\n"
).encode()


@pytest.fixture
def pending(monkeypatch, tmp_path) -> tuple[str, int]:
    """The demo database plus one pending upload for Vaalimaa in round 2027; returns (url, upload id)."""
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    result = Store(url).uploads.add(NEW_VILLAGE_CSV, "vaalimaa.csv", 2027, load(), uploader_village="Vaalimaa")
    return url, result.upload_id


def open_admin(lang: str = "fi"):
    return testing.opened("hallinta", state={"role": "coordinator"}, query={"lang": lang})


def test_admin_is_unreachable_without_sign_in(pending):
    at = testing.app().run()
    with pytest.raises(ValueError, match="Could not find"):
        at.switch_page("pages/hallinta.py")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pending_upload_is_listed_in_each_language(pending, lang):
    _, upload_id = pending
    at = open_admin(lang)
    assert not at.exception
    assert at.subheader[0].value == t("admin.pending_title", lang, n=1)
    assert at.button(key=f"admin_approve_{upload_id}").label == t("admin.approve", lang)
    assert testing.download_buttons(at) == 1


def test_approve_makes_the_village_count(pending):
    url, upload_id = pending
    at = open_admin()
    at.button(key=f"admin_approve_{upload_id}").click().run()
    assert not at.exception
    assert Store(url).uploads.get(upload_id).status == "approved"
    assert at.success[0].value == t("admin.no_pending", "fi")
    at.switch_page("pages/etusivu.py").run()
    assert at.sidebar.selectbox(key="round").value == 2027  # the new latest round
    shown = at.dataframe[0].value
    assert shown[t("common.col_village", "fi")].tolist() == ["Vaalimaa"]


def test_reject_keeps_the_note(pending):
    url, upload_id = pending
    at = open_admin()
    at.text_input(key=f"admin_note_{upload_id}").input("väärä kierros")
    at.button(key=f"admin_reject_{upload_id}").click().run()
    row = Store(url).uploads.get(upload_id)
    assert (row.status, row.note) == ("rejected", "väärä kierros")
    history = at.dataframe[0].value
    first = history.iloc[0]
    assert first[t("admin.col_status", "fi")] == t("upload.status_rejected", "fi")
    assert first[t("admin.col_note", "fi")] == "väärä kierros"


def test_supersede_notice_names_the_replaced_upload(pending):
    url, _ = pending
    store = Store(url)
    first = store.uploads.add(NEW_VILLAGE_CSV, "eka.csv", 2025, load(), approve=True)
    second = store.uploads.add(NEW_VILLAGE_CSV.replace(b";1;", b";2;", 1), "toka.csv", 2025, load())
    at = open_admin()
    expected = t("admin.supersedes", "fi", uploads=fmt.plain(f"#{first.upload_id} (eka.csv)"))
    assert [i.value for i in at.info] == [expected]
    at.button(key=f"admin_approve_{second.upload_id}").click().run()
    assert Store(url).uploads.get(first.upload_id).status == "superseded"


def test_history_and_audit_log_are_shown(pending):
    url, upload_id = pending
    at = open_admin()
    uploads, audit = at.dataframe[-2].value, at.dataframe[-1].value
    assert len(uploads) == len(Store(url).uploads.table())
    assert audit.iloc[0][t("admin.col_action", "fi")] == "upload"
    assert audit.iloc[0][t("admin.col_id", "fi")] == upload_id


def test_answers_dated_in_another_year_than_the_round_are_pointed_out(monkeypatch, tmp_path):
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    header, *rows = NEW_VILLAGE_CSV.decode().splitlines()
    dated = "\n".join([f"Vastausaika;{header}", *(f"1.5.2025 10:00:00;{row}" for row in rows)]) + "\n"
    Store(url).uploads.add(dated.encode(), "vaalimaa.csv", 2027, load(), uploader_village="Vaalimaa")
    at = open_admin()
    assert [w.value for w in at.warning] == [t("admin.round_mismatch", "fi", year=2025, round=2027)]
