"""Erasing one village: uploads, answers, derived documents and plans, audit; what is said; the file bytes."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from indicator.cli import main
from indicator.errors import StorageError
from indicator.framework import loads
from indicator.storage import Store
from tests.conftest import SMALL_FRAMEWORK
from tests.storage_helpers import db_url, survey_csv, village_file  # noqa: F401

REGISTRY = pd.DataFrame({"village": ["Sippola", "Ylä"]})


@pytest.fixture(scope="module")
def framework():
    return loads(SMALL_FRAMEWORK, "small.toml")


def _fill(store: Store, framework) -> dict[str, int]:
    """Sippola alone (twice: one superseded), Sippola with Ylä in one file, Ylä alone; plans and a grouping."""
    ids = {}
    ids["old"] = store.uploads.add(village_file("Sippola", [1, 1]), "sippola_2024.csv", 2025, framework,
                                   approve=True, registry=REGISTRY).upload_id
    ids["alone"] = store.uploads.add(village_file("SIPPOLA", [4, 5, 5]), "sippola.csv", 2025, framework,
                                     approve=True, registry=REGISTRY).upload_id
    both = survey_csv([("Sippola", 2, "Kyllä", 6, 5), ("Ylä", 3, "Kyllä", 6, 5), ("Ylä", 4, "Ei", 6, 5)])
    ids["both"] = store.uploads.add(both, "kaikki.csv", 2024, framework, approve=True, registry=REGISTRY).upload_id
    ids["yla"] = store.uploads.add(village_file("Ylä", [2, 3]), "yla.csv", 2025, framework, approve=True,
                                   registry=REGISTRY).upload_id
    store.uploads.reject(store.uploads.add(village_file("Sippola", [3, 3]), "s3.csv", 2023, framework,
                                           registry=REGISTRY).upload_id, "coordinator", "Sippolan tiedosto on väärä")
    store.documents.save("grouping", "Ryhmät", {"round": 2025, "assignments": [
        {"village": "Sippola", "area": "kasvu", "group": 1, "theme": "talous"},
        {"village": "Ylä", "area": "kasvu", "group": 1, "theme": "talous"}]})
    ids["strategy"] = store.strategies.save(grouping="Ryhmät", area="kasvu", group=1, name="Elinvoima",
                                            vision="Sippolan kylätalo kuntoon", villages=["Sippola", "Ylä"])
    ids["action"] = store.strategies.add_action(ids["strategy"], title="Talkoot", villages=["Sippola"])
    ids["activity"] = store.activities.add("kickoff", "Aloitus", dt.date(2025, 3, 1), villages=["Sippola", "Ylä"])
    return ids


def test_erase_removes_the_village_and_says_what(store, framework):
    ids = _fill(store, framework)
    yla_before = store.scores(framework).table.query("village == 'Ylä'").reset_index(drop=True).drop(columns="rank")
    erasure = store.erase_village("sippolа")  # a Cyrillic а: the same village
    assert erasure.names == ("Sippola",)
    assert sorted(erasure.uploads_deleted) == sorted([ids["old"], ids["alone"], ids["alone"] + 3])
    assert erasure.uploads_changed == (ids["both"],)
    assert (erasure.respondents, erasure.answers, erasure.poll_answers) == (2 + 3 + 1 + 2, 4 * 8, 0)
    assert erasure.groupings == ("Ryhmät",)
    assert (erasure.strategies, erasure.actions, erasure.activities) == ((ids["strategy"],), (ids["action"],),
                                                                         (ids["activity"],))
    assert erasure.mentions == (f"strategy {ids['strategy']}: vision",)
    # what stays: Ylä, unchanged (its rank now among fewer villages)
    yla_after = store.scores(framework).table.query("village == 'Ylä'").reset_index(drop=True).drop(columns="rank")
    pd.testing.assert_frame_equal(yla_after, yla_before)
    assert set(store.responses(status=None)["village"]) == {"Ylä"}
    assert store.uploads.table()["id"].tolist() == [ids["yla"], ids["both"]]
    both = store.uploads.get(ids["both"])
    assert (both.villages, both.village, both.respondents) == (["Ylä"], "Ylä", 2)
    assert both.kept()["Kylä"].tolist() == ["Ylä", "Ylä"]
    assert both.report["villages"] == ["Ylä"]
    assert store.documents.get("grouping", "Ryhmät")["assignments"] == [
        {"village": "Ylä", "area": "kasvu", "group": 1, "theme": "talous"}]
    assert store.strategies.table().loc[0, "villages"] == ["Ylä"]
    assert store.strategies.actions().loc[0, "villages"] == []
    assert store.activities.table().loc[0, "villages"] == ["Ylä"]


def test_the_audit_log_keeps_only_that_an_erasure_happened(store, framework):
    _fill(store, framework)
    erasure = store.erase_village("Sippola", actor="anna")
    log = store.audit_log()
    assert "sippola" not in log["detail"].map(str).str.casefold().str.cat()
    last = log.iloc[0]
    assert (last["action"], last["actor"]) == ("erase", "anna")
    assert last["detail"] == erasure.counts()
    assert erasure.counts()["audit_rows"] >= 5  # the uploads', the rejection note's and the documents' rows


def test_the_database_file_no_longer_holds_the_village(tmp_path, framework):
    store = Store(f"sqlite:///{tmp_path / 'erase.db'}")
    store.uploads.add(village_file("Kaunissaari", [4, 5]), "kaunissaari.csv", 2025, framework, approve=True,
                      registry=REGISTRY)
    store.uploads.add(village_file("Ylä", [2, 3]), "yla.csv", 2025, framework, approve=True, registry=REGISTRY)
    path = tmp_path / "erase.db"
    assert b"Kaunissaari" in path.read_bytes() + (tmp_path / "erase.db-wal").read_bytes()
    store.erase_village("Kaunissaari")
    wal = tmp_path / "erase.db-wal"
    assert b"Kaunissaari" not in path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert b"aunissaari" not in path.read_bytes().lower()  # the file name "kaunissaari.csv" too
    store.close()


def test_nothing_stored_is_an_error(store, framework):
    _fill(store, framework)
    with pytest.raises(StorageError) as refused:
        store.erase_village("Utti")
    assert refused.value.code == "storage.no_such_village"
    assert refused.value.localized("fi") == "Kylästä Utti ei ole tallennettu mitään."


def test_the_command_line_erases_and_prints_what_it_did(tmp_path, framework, capsys):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    store = Store(url)
    _fill(store, framework)
    store.close()
    assert main(["erase", "--village", "SIPPOLA", "--db", url]) == 0
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert err == "" and lines[0] == "erased: Sippola"
    assert lines[1].startswith("uploads deleted: 3 (") and lines[2].startswith("uploads of several villages changed: 1")
    assert lines[3] == "respondents: 8, answers: 32, poll answers: 0"
    assert lines[4] == "app survey devices: 0" and lines[5] == "saved groupings: 1 (Ryhmät)"
    assert lines[-1].startswith("still named in a text (edit it by hand): strategy ")
    assert main(["erase", "--village", "SIPPOLA", "--db", url]) == 2
    assert capsys.readouterr().err == "error: nothing is stored for the village 'SIPPOLA'\n"


def test_the_app_surveys_marks_and_decisions_of_the_village_go_too(store, framework):
    store.app_survey.set_open(2026, True, village="Sippola")
    store.app_survey.set_open(2026, True, village="Ylä")
    for n, village in enumerate(("Sippola", "Sippola", "Ylä")):
        assert store.app_survey.add(framework, f"device-{n}", village, 2026, {"T1": 4.0, "T2": 1.0}) == "stored"
    erasure = store.erase_village("Sippola")
    assert erasure.survey_devices == 2 and erasure.respondents == 2
    assert store.app_survey.answered("device-0", 2026) is None and store.app_survey.answered("device-2", 2026) == "Ylä"
    assert not store.app_survey.is_open(2026, "Sippola") and store.app_survey.is_open(2026, "Ylä")
    names = store.documents.table("survey_round")["name"].tolist()
    assert names == ["2026:Ylä"]
