"""Hallinta: erasing one village's data, only after a confirmation, and what the page then says."""

from __future__ import annotations

from indicator.i18n import t
from indicator.storage import Store
from tests.test_page_admin import open_admin, pending  # noqa: F401


def test_erase_needs_a_village_and_a_confirmation(pending):  # noqa: F811
    url, _ = pending
    at = open_admin()
    button = at.button(key="admin_erase_button")
    assert button.label == t("admin.erase_button", "fi") and button.disabled
    assert "Vaalimaa" in at.selectbox(key="admin_erase_village").options
    at.selectbox(key="admin_erase_village").set_value("Vaalimaa").run()
    assert at.button(key="admin_erase_button").disabled  # not before the box is ticked
    at.checkbox(key="admin_erase_sure").check().run()
    assert not at.button(key="admin_erase_button").disabled
    assert Store(url).uploads.table("pending")["villages"].tolist() == ["Vaalimaa"]


def test_erase_removes_the_village_and_says_what(pending):  # noqa: F811
    url, upload_id = pending
    answers = Store(url).responses(status=None)
    respondents = len(answers[answers["village"] == "Vaalimaa"])  # the demo's files and the pending one
    at = open_admin()
    at.selectbox(key="admin_erase_village").set_value("Vaalimaa").run()
    at.checkbox(key="admin_erase_sure").check().run()
    at.button(key="admin_erase_button").click().run()
    assert not at.exception
    store = Store(url)
    assert "Vaalimaa" not in store.uploads.village_names()
    assert upload_id not in store.uploads.table()["id"].tolist()
    done = [s.value for s in at.success if s.value.startswith("Kylä Vaalimaa poistettu")]
    assert done and "1 tallennusta poistettu" in done[0] and f"{respondents} vastaajaa" in done[0]
    assert respondents > 7  # the pending file's seven and the demo's
    assert "Vaalimaa" not in at.selectbox(key="admin_erase_village").options
    log = store.audit_log(limit=1)
    assert log.loc[0, "action"] == "erase" and "Vaalimaa" not in str(log.loc[0, "detail"])
