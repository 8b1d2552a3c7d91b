"""The survey answered in the app (``Store.app_survey``), on SQLite and PostgreSQL: rounds opened and closed
per village or for all, one answer per device and round, answers as one pending upload per village and
round that grows, approval like any upload (with the answers approved so far carried into the next one)."""

from __future__ import annotations

import hashlib

import pytest
import sqlalchemy as sa

from indicator.errors import StorageError
from indicator.storage import Store
from indicator.storage import app_survey as app_module
from indicator.storage.app_survey import Outcome, answer_values
from indicator.storage.schema import survey_devices
from tests.storage_helpers import KNOWN_ROWS, db_url, survey_csv  # noqa: F401

ROUND = 2026
# The two respondents of storage_helpers.KNOWN_ROWS as app answers (yes = 1, no = 0): index 54.1666...
FIRST = {"T1": 3.0, "T2": 1.0, "Y1": 6.0, "Y2": 40.0}
SECOND = {"T1": 5.0, "T2": 0.0, "Y1": 6.0, "Y2": 5.0}
KNOWN_INDEX = (56.25 * 2 + 50 * 1) / 3


def app_uploads(store: Store):
    table = store.uploads.table()
    return table[table["source_tool"] == "app"].sort_values("id").reset_index(drop=True)


def test_rounds_open_and_close_for_all_or_one_village_and_the_newest_decision_counts(store):
    survey = store.app_survey
    assert survey.open_round("Utti") is None and not survey.is_open(ROUND, "Utti")
    survey.set_open(ROUND, True)
    assert survey.is_open(ROUND, "Utti") and survey.is_open(ROUND, "Sippola")
    survey.set_open(ROUND, False, village="Sippola")
    state = survey.round_state(ROUND)
    assert (state.all_open, state.opened, state.closed) == (True, (), ("Sippola",))
    assert survey.is_open(ROUND, "Utti") and not survey.is_open(ROUND, "Sippola")
    survey.set_open(ROUND, False)  # newer than the village's own decision: every village is closed
    state = survey.round_state(ROUND)
    assert (state.all_open, state.opened, state.closed) == (False, (), ())
    survey.set_open(ROUND, True, village="Utti")
    assert survey.round_state(ROUND).opened == ("Utti",)
    assert survey.open_round("Utti") == ROUND and survey.open_round("Sippola") is None
    survey.set_open(ROUND - 1, True)
    assert survey.open_round("Utti") == ROUND and survey.open_round("Sippola") == ROUND - 1
    assert [s.round for s in survey.rounds()] == [ROUND, ROUND - 1]
    with pytest.raises(StorageError) as caught:
        survey.set_open(ROUND, True, village="  ")
    assert caught.value.code == "storage.app_no_village"


def test_answers_grow_one_pending_upload_that_scores_once_approved(store, small_framework):
    store.app_survey.set_open(ROUND, True)
    survey = store.app_survey
    assert survey.add(small_framework, "device-1", "Utti", ROUND, FIRST) == Outcome.STORED
    assert survey.add(small_framework, "device-2", "Utti", ROUND, SECOND) == Outcome.STORED
    uploads = app_uploads(store)
    assert len(uploads) == 1
    row = uploads.iloc[0]
    assert (row["status"], row["respondents"], row["villages"], row["role"]) == ("pending", 2, "Utti", "village")
    assert row["filename"] == f"vastaa-{ROUND}-Utti" and row["framework_id"] == "pieni"
    assert store.scores(small_framework).table.empty  # pending answers do not count
    waiting = survey.waiting("Utti")
    assert waiting.to_dict("records") == [{"village": "Utti", "round": ROUND, "answers": 2, "app": 2}]
    pending = store.responses(status="pending", framework=small_framework)
    assert sorted(pending["T1"]) == [3.0, 5.0] and sorted(pending["Y2"]) == [5.0, 40.0]
    assert all(len(r) == 16 for r in pending["respondent"])  # random keys, not the device
    store.uploads.approve(int(row["id"]), "coordinator")
    table = store.scores(small_framework).table
    assert table["index"].iloc[0] == pytest.approx(KNOWN_INDEX)
    assert int(table["respondents"].iloc[0]) == 2
    assert survey.waiting("Utti").empty


def test_a_device_answers_a_round_once_and_only_its_hash_is_kept(store, small_framework):
    survey = store.app_survey
    survey.set_open(ROUND, True)
    survey.set_open(ROUND + 1, True)
    assert survey.add(small_framework, "device-1", "Utti", ROUND, FIRST) == Outcome.STORED
    assert survey.add(small_framework, "device-1", "Utti", ROUND, SECOND) == Outcome.ALREADY_ANSWERED
    assert survey.add(small_framework, "device-1", "Sippola", ROUND, SECOND) == Outcome.ALREADY_ANSWERED
    assert survey.answered("device-1", ROUND) == "Utti" and survey.answered("device-2", ROUND) is None
    assert survey.add(small_framework, "device-1", "Utti", ROUND + 1, SECOND) == Outcome.STORED
    with store.engine.connect() as conn:
        marks = conn.execute(sa.select(survey_devices.c.round, survey_devices.c.device)).all()
    digest = hashlib.sha256(b"device-1").hexdigest()
    assert sorted(marks) == [(ROUND, digest), (ROUND + 1, digest)]
    assert int(app_uploads(store)["respondents"].sum()) == 2


def test_two_tabs_sending_at_once_store_one_answer(store, small_framework, monkeypatch):
    """The mark is unique in the database: when the "already answered?" check passes twice, the second
    transaction fails whole (no answers, no respondent counted)."""
    store.app_survey.set_open(ROUND, True)
    monkeypatch.setattr(type(store.app_survey), "answered", lambda self, device, round: None)
    assert store.app_survey.add(small_framework, "device-1", "Utti", ROUND, FIRST) == Outcome.STORED
    assert store.app_survey.add(small_framework, "device-1", "Utti", ROUND, SECOND) == Outcome.ALREADY_ANSWERED
    assert int(app_uploads(store)["respondents"].iloc[0]) == 1
    assert len(store.responses(status="pending")) == 1


def test_closed_rounds_and_empty_answers_store_nothing(store, small_framework):
    survey = store.app_survey
    assert survey.add(small_framework, "device-1", "Utti", ROUND, FIRST) == Outcome.CLOSED
    survey.set_open(ROUND, True)
    survey.set_open(ROUND, False, village="Utti")
    assert survey.add(small_framework, "device-1", "Utti", ROUND, FIRST) == Outcome.CLOSED
    nothing = {"T1": None, "T2": float("nan"), "Z9": 4.0}  # "don't know", no answer, not an item
    assert survey.add(small_framework, "device-1", "Sippola", ROUND, nothing) == Outcome.EMPTY
    assert app_uploads(store).empty and survey.answered("device-1", ROUND) is None


def test_answers_per_address_are_limited(store, small_framework, monkeypatch):
    monkeypatch.setattr(app_module, "ADDRESS_LIMIT", (2, 60.0))
    store.app_survey.set_open(ROUND, True)
    outcomes = [store.app_survey.add(small_framework, f"device-{n}", "Utti", ROUND, FIRST, address="10.0.0.7")
                for n in range(3)]
    assert outcomes == [Outcome.STORED, Outcome.STORED, Outcome.RATE_LIMITED]
    assert store.app_survey.add(small_framework, "device-9", "Utti", ROUND, FIRST, address="10.0.0.8") == Outcome.STORED
    assert store.app_survey.answered("device-2", ROUND) is None  # refused: it may answer later


def test_answers_after_approval_collect_in_a_new_upload_that_carries_the_approved_ones(store, small_framework):
    survey = store.app_survey
    survey.set_open(ROUND, True)
    survey.add(small_framework, "device-1", "Utti", ROUND, FIRST)
    survey.add(small_framework, "device-2", "Utti", ROUND, SECOND)
    first_id = int(app_uploads(store)["id"].iloc[0])
    store.uploads.approve(first_id, "coordinator")
    assert survey.add(small_framework, "device-3", "Utti", ROUND, FIRST) == Outcome.STORED
    uploads = app_uploads(store)
    assert uploads["status"].tolist() == ["approved", "pending"]
    assert uploads["respondents"].tolist() == [2, 3]
    assert uploads["filename"].iloc[1] == f"vastaa-{ROUND}-Utti-2"
    report = store.uploads.get(int(uploads["id"].iloc[1])).report
    assert (report["carried"], report["continues"]) == (2, first_id)
    assert survey.waiting("Utti")[["answers", "app"]].values.tolist() == [[1, 1]]  # the copies wait no more
    assert int(store.scores(small_framework).table["respondents"].iloc[0]) == 2
    store.uploads.approve(int(uploads["id"].iloc[1]), "coordinator")
    assert app_uploads(store)["status"].tolist() == ["superseded", "approved"]
    assert int(store.scores(small_framework).table["respondents"].iloc[0]) == 3


def test_a_rejected_collection_is_not_carried(store, small_framework):
    survey = store.app_survey
    survey.set_open(ROUND, True)
    survey.add(small_framework, "device-1", "Utti", ROUND, FIRST)
    store.uploads.reject(int(app_uploads(store)["id"].iloc[0]), "coordinator", "testing")
    survey.add(small_framework, "device-2", "Utti", ROUND, SECOND)
    uploads = app_uploads(store)
    assert uploads["status"].tolist() == ["rejected", "pending"] and uploads["respondents"].tolist() == [1, 1]
    assert store.uploads.get(int(uploads["id"].iloc[1])).report["carried"] == 0


def test_an_answer_arriving_during_approval_goes_to_the_next_collection(store, small_framework, monkeypatch):
    """The coordinator approves the collection between the moment an answer finds it and its write."""
    survey = store.app_survey
    survey.set_open(ROUND, True)
    survey.add(small_framework, "device-1", "Utti", ROUND, FIRST)
    found = type(survey)._collection
    calls = []

    def approve_first(self, framework, village, round):
        upload_id = found(self, framework, village, round)
        if not calls:
            store.uploads.approve(upload_id, "coordinator")
        calls.append(upload_id)
        return upload_id

    monkeypatch.setattr(type(survey), "_collection", approve_first)
    assert survey.add(small_framework, "device-2", "Utti", ROUND, SECOND) == Outcome.STORED
    assert calls[0] != calls[1]
    assert app_uploads(store)[["status", "respondents"]].values.tolist() == [["approved", 1], ["pending", 2]]


def test_waiting_counts_pending_files_too(store, small_framework):
    content = survey_csv([tuple(v.format(v="Utti") if isinstance(v, str) else v for v in row) for row in KNOWN_ROWS])
    store.uploads.add(content, "utti.csv", ROUND, small_framework)
    store.app_survey.set_open(ROUND, True)
    store.app_survey.add(small_framework, "device-1", "Utti", ROUND, FIRST)
    assert store.app_survey.waiting().to_dict("records") == [{"village": "Utti", "round": ROUND, "answers": 3,
                                                              "app": 1}]


def test_an_answer_changes_the_state_token_and_survives_a_backup(store, small_framework, tmp_path):
    store.app_survey.set_open(ROUND, True)
    before = store.state_token()
    store.app_survey.add(small_framework, "device-1", "Utti", ROUND, FIRST)
    assert store.state_token() != before
    path = tmp_path / "backup.xlsx"
    store.backup.export_xlsx(path)
    restored = Store(f"sqlite:///{tmp_path / 'restored.db'}")
    restored.backup.restore_xlsx(path)
    assert restored.app_survey.answered("device-1", ROUND) == "Utti"
    assert restored.app_survey.is_open(ROUND, "Utti")
    assert restored.app_survey.add(small_framework, "device-1", "Utti", ROUND, SECOND) == Outcome.ALREADY_ANSWERED
    restored.close()


def test_answer_values_keep_allowed_answers_and_refuse_others(small_framework):
    kept = answer_values({"T1": 4, "T2": 0, "Y1": 2.5, "Y2": None, "Z9": 3}, small_framework)
    assert kept == {"T1": 4.0, "T2": 0.0, "Y1": 2.5}
    for bad in ({"T1": 6}, {"T1": 2.5}, {"T2": 0.5}, {"Y1": float("inf")}):
        with pytest.raises(StorageError) as caught:
            answer_values(bad, small_framework)
        assert caught.value.code == "storage.app_bad_answer"
