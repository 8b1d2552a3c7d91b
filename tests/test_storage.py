"""The Store on SQLite and PostgreSQL: uploads, approval, superseding, atomicity, documents, poll, backup."""

from __future__ import annotations

import base64
import datetime as dt
import re
import secrets
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from indicator import storage
from indicator.errors import ReadError, StorageError
from indicator.i18n import catalog
from indicator.storage import Store, schema
from indicator.storage.engine import DEFAULT_DB_PATH, SQLITE_BUSY_TIMEOUT_MS, Database, resolve_url
from tests.storage_helpers import KNOWN_INDEX, counts, db_url, known_file, survey_csv, village_file  # noqa: F401


def test_upload_is_stored_pending(store, small_framework):
    content = known_file("Ala")
    result = store.uploads.add(content, "ala.csv", 2025, small_framework, actor="anna", uploader_village="Ala")
    assert (result.status, result.duplicate, result.first_seen) == ("pending", False, None)
    assert result.report.rows == 2
    stored = store.uploads.get(result.upload_id)
    assert content not in stored.content and stored.size == len(content)  # a sanitised copy, not the bytes
    assert stored.kept().to_dict("index") == {
        "2": {"Kylä": "Ala", "T1": "3", "T2": "Kyllä", "Y1": "6", "Y2": "40"},
        "3": {"Kylä": "Ala", "T1": "5", "T2": "Ei", "Y1": "6", "Y2": "5"}}
    assert stored.village == "Ala" and stored.villages == ["Ala"]
    assert stored.report["file"] == "ala.csv" and stored.mapping == {"T1": "T1", "T2": "T2", "Y1": "Y1", "Y2": "Y2"}
    assert stored.framework_id == "pieni" and stored.uploaded_at.tzinfo is not None
    assert store.responses().empty  # pending uploads do not count
    pending = store.responses(status="pending")
    assert len(pending) == 2 and set(pending["round"]) == {2025}
    assert store.audit_log()["action"].tolist() == ["upload"]
    listing = store.uploads.table()
    assert listing.loc[0, "respondents"] == 2 and listing.loc[0, "villages"] == "Ala"


def test_approved_upload_scores_by_hand(store, small_framework):
    store.uploads.add(known_file("Ala"), "ala.csv", 2025, small_framework, approve=True)
    table = store.scores(small_framework).table
    assert table.loc[0, "village"] == "Ala" and table.loc[0, "round"] == 2025
    assert table.loc[0, "index"] == pytest.approx(KNOWN_INDEX)
    assert table.loc[0, "talous"] == pytest.approx(56.25)
    responses = store.responses(framework=small_framework)
    assert list(responses.columns) == ["village", "round", "respondent", "upload_id", "T1", "T2", "Y1", "Y2"]
    assert responses["T2"].tolist() == [1.0, 0.0]


def test_duplicate_same_round_is_stored_once(store, small_framework):
    content = known_file("Ala")
    first = store.uploads.add(content, "ala.csv", 2025, small_framework)
    again = store.uploads.add(content, "renamed.csv", 2025, small_framework, approve=True)
    assert again.duplicate and again.upload_id == first.upload_id and again.status == "approved"
    assert store.uploads.get(first.upload_id).status == "approved"  # approving a repeat approves the first
    assert again.first_seen == store.uploads.get(first.upload_id).uploaded_at
    other_round = store.uploads.add(content, "ala.csv", 2026, small_framework)
    assert not other_round.duplicate and other_round.upload_id != first.upload_id
    assert len(store.uploads.table()) == 2


def test_approve_supersedes_older_uploads_of_the_same_villages(store, small_framework):
    old = store.uploads.add(village_file("Ala", [1, 1]), "v1.csv", 2025, small_framework, approve=True)
    other_round = store.uploads.add(village_file("Ala", [2, 2]), "v0.csv", 2024, small_framework, approve=True)
    new = store.uploads.add(village_file("Ala", [5, 5]), "v2.csv", 2025, small_framework)
    store.uploads.approve(new.upload_id, "coordinator")
    listing = store.uploads.table().set_index("id")
    assert listing.loc[old.upload_id, "status"] == "superseded"
    assert listing.loc[old.upload_id, "superseded_by"] == new.upload_id
    assert listing.loc[other_round.upload_id, "status"] == "approved"  # another round is untouched
    assert store.uploads.get(old.upload_id).kept()["T1"].tolist() == ["1", "1"]  # kept
    table = store.scores(small_framework).table.set_index("round")
    assert table.loc[2025, "index"] == pytest.approx((2 * 100 + 75) / 3)
    assert store.audit_log(limit=1).loc[0, "detail"] == {"previous": "pending", "superseded": [old.upload_id]}


def test_partial_overlap_keeps_the_older_file_for_its_other_villages(store, small_framework):
    both = survey_csv([("Ala", 1, "Kyllä", 6, 5), ("Ala", 1, "Kyllä", 6, 5), ("Ylä", 3, "Kyllä", 6, 5),
                       ("Ylä", 3, "Kyllä", 6, 5)])
    wide = store.uploads.add(both, "both.csv", 2025, small_framework, approve=True)
    narrow = store.uploads.add(village_file("Ala", [5, 5]), "ala.csv", 2025, small_framework, approve=True)
    assert store.uploads.get(wide.upload_id).status == "approved"
    responses = store.responses()
    assert responses.groupby("village")["upload_id"].unique().map(list).to_dict() == {
        "Ala": [narrow.upload_id], "Ylä": [wide.upload_id]}
    # approving the wide file again makes it the newest for both villages; the narrow one is covered
    store.uploads.approve(wide.upload_id, "coordinator")
    assert store.uploads.get(narrow.upload_id).status == "superseded"
    assert set(store.responses()["upload_id"]) == {wide.upload_id}


def test_reject_keeps_the_file(store, small_framework):
    content = known_file("Ala")
    result = store.uploads.add(content, "ala.csv", 2025, small_framework, approve=True)
    store.uploads.reject(result.upload_id, "coordinator", "wrong village")
    stored = store.uploads.get(result.upload_id)
    assert (stored.status, stored.note, stored.decided_by) == ("rejected", "wrong village", "coordinator")
    assert stored.kept()["T1"].tolist() == ["3", "5"]
    assert len(store.responses(status="rejected")) == 2
    assert store.scores(small_framework).table.empty
    assert store.uploads.table(status="rejected")["id"].tolist() == [result.upload_id]


def test_rejecting_the_newest_brings_back_what_it_superseded(store, small_framework):
    old = store.uploads.add(village_file("Ala", [1, 1]), "v1.csv", 2025, small_framework, approve=True)
    new = store.uploads.add(village_file("Ala", [5, 5]), "v2.csv", 2025, small_framework, approve=True)
    assert store.uploads.get(old.upload_id).status == "superseded"
    store.uploads.reject(new.upload_id, "coordinator", "mistake")
    assert store.uploads.get(old.upload_id).status == "approved"
    assert store.uploads.get(old.upload_id).superseded_by is None
    assert store.scores(small_framework).table.loc[0, "index"] == pytest.approx((2 * 75 + 75) / 3)
    assert store.audit_log(limit=1).loc[0, "detail"]["restored"] == [old.upload_id]


def test_unknown_upload_and_status_are_refused(store):
    with pytest.raises(StorageError, match="there is no upload 99"):
        store.uploads.approve(99, "x")
    with pytest.raises(StorageError, match="unknown status 'done'"):
        store.uploads.table("done")


def test_storage_errors_carry_a_code_and_read_in_every_language(store, small_framework):
    with pytest.raises(StorageError) as caught:
        store.uploads.approve(99, "x")
    assert (caught.value.code, caught.value.params) == ("storage.no_upload", {"upload_id": 99})
    assert caught.value.localized("fi") == "latausta 99 ei ole"
    assert caught.value.localized("sv") == "uppladdning 99 finns inte"
    with pytest.raises(StorageError) as caught:
        store.uploads.add(known_file("Ala"), "ala.csv", 25, small_framework)
    assert caught.value.localized("en") == str(caught.value) == "a round must be a year such as 2025, got 25"


def test_every_storage_error_code_has_catalog_texts():
    source = "".join(path.read_text() for path in Path(storage.__file__).parent.glob("*.py"))
    codes = set(re.findall(r'code="(storage\.\w+)"', source))
    assert len(codes) == 29  # 18 + the app survey's three (app_survey.py) + privacy's eight
    assert sorted(c for c in codes if f"error.{c}" not in catalog()) == []


def test_round_must_be_a_year(store, small_framework):
    with pytest.raises(StorageError, match="a round must be a year"):
        store.uploads.add(known_file("Ala"), "ala.csv", 25, small_framework)
    assert store.is_empty()


def test_numpy_round_is_accepted(store, small_framework):
    result = store.uploads.add(known_file("Ala"), "ala.csv", np.int64(2025), small_framework)
    assert store.uploads.table().loc[0, "round"] == 2025 and not result.duplicate


def test_unusable_file_stores_nothing(store, small_framework):
    with pytest.raises(ReadError):
        store.uploads.add(b"nimi;ika\nx;3\n", "other.csv", 2025, small_framework)
    assert store.is_empty()


@pytest.mark.parametrize("approve", [False, True])
def test_failure_mid_ingest_leaves_nothing(store, small_framework, monkeypatch, approve):
    calls = []

    def failing_audit(database, conn, actor, role, action, upload_id=None, **detail):
        calls.append(action)
        # by now the upload row and its answers were written in this transaction
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.responses)).scalar_one() == 8
        raise RuntimeError("disk full")

    monkeypatch.setattr(Database, "audit", failing_audit)
    with pytest.raises(RuntimeError, match="disk full"):
        store.uploads.add(known_file("Ala"), "ala.csv", 2025, small_framework, approve=approve)
    assert calls == ["upload"]
    monkeypatch.undo()
    assert store.is_empty()
    assert counts(store.engine.url.render_as_string(hide_password=False)) == {"uploads": 0, "responses": 0, "audit": 0}
    assert not store.uploads.add(known_file("Ala"), "ala.csv", 2025, small_framework).duplicate


def test_documents(store):
    assert store.documents.get("weights", "tasainen") is None
    store.documents.save("weights", "tasainen", {"talous": 1.0}, actor="anna")
    store.documents.save("weights", "tasainen", {"talous": 2.0}, actor="ben")
    store.documents.save("grouping", "kevät", [["A", "B"]], actor="ben")
    assert store.documents.get("weights", "tasainen") == {"talous": 2.0}
    table = store.documents.table("weights")
    assert table["name"].tolist() == ["tasainen"] and table.loc[0, "actor"] == "ben"
    assert len(store.documents.table()) == 2
    assert store.documents.delete("weights", "tasainen", actor="ben")
    assert not store.documents.delete("weights", "tasainen")
    assert store.audit_log()["action"].tolist() == ["delete_document", "save_document", "save_document", "save_document"]


def test_activities(store):
    new_id = store.activities.add("kickoff", "Aloitustilaisuus", dt.date(2025, 3, 1), area="sepra",
                                villages=["Ala", "Ylä"], groups=[1], actor="anna")
    store.activities.add("study_trip", "Opintomatka", dt.date(2024, 9, 1))
    table = store.activities.table()
    assert table["goal_id"].tolist() == ["study_trip", "kickoff"]
    assert table.loc[1, "villages"] == ["Ala", "Ylä"] and table.loc[1, "done_on"] == dt.date(2025, 3, 1)
    with pytest.raises(StorageError, match="needs a goal and a title"):
        store.activities.add("kickoff", " ", dt.date(2025, 3, 1))
    assert store.activities.delete(new_id) and len(store.activities.table()) == 1


def test_poll_one_answer_per_session_and_round(store, small_framework):
    assert store.poll.add("session-a", {"T1": 4, "Y1": 2.5}, 2026)
    assert not store.poll.add("session-a", {"T1": 1}, 2026)
    assert store.poll.add("session-a", {"T1": 5}, 2027)  # another seminar
    assert store.poll.add("session-b", {"T1": 2, "Y1": None}, 2026)
    answers = store.poll.responses(2026)
    assert answers.groupby("item")["value"].agg(list).to_dict() == {"T1": [4.0, 2.0], "Y1": [2.5]}
    assert answers["respondent"].nunique() == 2
    assert len(store.poll.responses()) == 4
    assert store.responses(status=None).empty and store.scores(small_framework).table.empty
    poll = store.uploads.table()
    assert set(poll["role"]) == {"poll"} and set(poll["village"]) == {schema.POLL_VILLAGE}


def test_poll_rate_limit(db_url):  # noqa: F811
    store = Store(db_url, poll_rate_limit=(3, 60.0))
    assert [store.poll.add(f"s{n}", {"T1": 3}, 2026) for n in range(5)] == [True, True, True, False, False]
    assert len(store.poll.responses()) == 3
    store.close()


def test_state_token_changes_with_every_change(store, small_framework):
    tokens = [store.state_token()]
    assert store.state_token() == tokens[0]
    upload = store.uploads.add(known_file("Ala"), "ala.csv", 2025, small_framework)
    tokens.append(store.state_token())
    store.uploads.approve(upload.upload_id, "x")
    tokens.append(store.state_token())
    store.poll.add("s", {"T1": 3}, 2026)  # opens the round's poll (an upload row)
    tokens.append(store.state_token())
    store.poll.add("t", {"T1": 3}, 2026)  # an answer: nothing cached holds it (test_storage_state.py)
    assert store.state_token() == tokens[-1]
    store.documents.save("weights", "w", {})
    tokens.append(store.state_token())
    assert len(set(tokens)) == len(tokens)


def test_state_token_ignores_poll_answers_only(store, small_framework):
    before = store.state_token()
    store.poll.add("s", {"T1": 3}, 2026)  # the first answer of a round opens its collection (an audited write)
    opened = store.state_token()
    assert opened != before
    store.poll.add("t", {"T1": 4}, 2026)
    store.poll.add("u", {"T1": 2}, 2026)
    assert store.state_token() == opened
    store.uploads.add(known_file("Ala"), "ala.csv", 2025, small_framework)
    assert store.state_token() != opened


def test_backup_round_trip(store, small_framework, tmp_path, monkeypatch):
    monkeypatch.setattr("indicator.storage.backup.SHEET_ROWS", 7)  # long tables continue on further sheets
    store.uploads.add(village_file("Ala", [1, 2]), "=cmd|' /C calc'!A0.csv", 2024, small_framework, approve=True)
    store.uploads.add(village_file("Ala", [4, 5]), "ala25.csv", 2025, small_framework, approve=True)
    store.uploads.add(village_file("-Ylä", [3, 3]), "yla.csv", 2025, small_framework, approve=True)
    rejected = store.uploads.add(village_file("Ala", [2, 2]), "bad.csv", 2025, small_framework)
    store.uploads.reject(rejected.upload_id, "anna", "+note")
    store.documents.save("weights", "@w", {"talous": 2})
    store.activities.add("kickoff", "'quoted'", dt.date(2025, 3, 1), villages=["=A"])
    store.poll.add("s", {"T1": 3}, 2026)
    note = secrets.token_hex(40_000)  # a kept copy whose base64 text is longer than a spreadsheet cell
    big_id = store.uploads.store_read(b"big", "big.bin", 2023, small_framework,
                                      pd.DataFrame({"village": ["Ala"], "T1": [3.0]}), {},
                                      kept=pd.DataFrame({"Kylä": ["Ala"], "T1": ["3"], "note": [note]})).upload_id
    big = store.uploads.get(big_id).content
    assert len(base64.b64encode(big)) > 32_767
    path = tmp_path / "backup.xlsx"
    store.backup.export_xlsx(path, small_framework)

    book = openpyxl.load_workbook(path)
    assert {"uploads", "responses", "audit", "documents", "activities", "scores", "progress"} <= set(book.sheetnames)
    assert {"responses.2", "responses.3", "audit.2"} <= set(book.sheetnames)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value

    restored = Store(f"sqlite:///{tmp_path / 'restored.db'}")
    restored.backup.restore_xlsx(path)
    pd.testing.assert_frame_equal(restored.scores(small_framework).table, store.scores(small_framework).table)
    pd.testing.assert_frame_equal(restored.progress(small_framework), store.progress(small_framework))
    columns = ["id", "filename", "status", "superseded_by", "uploaded_at", "villages", "respondents", "note"]
    pd.testing.assert_frame_equal(restored.uploads.table()[columns], store.uploads.table()[columns])
    assert restored.uploads.get(big_id).content == big
    assert restored.documents.get("weights", "@w") == {"talous": 2}
    assert restored.activities.table().loc[0, "villages"] == ["=A"] and restored.activities.table().loc[0, "title"] == "'quoted'"
    assert len(restored.poll.responses()) == 1
    assert restored.audit_log(limit=1).loc[0, "action"] == "restore"
    # ids continue after the restored ones
    assert restored.uploads.add(known_file("Uusi"), "uusi.csv", 2025, small_framework).upload_id == 7
    with pytest.raises(StorageError, match="not empty"):
        restored.backup.restore_xlsx(path)
    restored.close()


def test_restore_into_postgres_or_sqlite(db_url, small_framework, tmp_path):  # noqa: F811
    source = Store(f"sqlite:///{tmp_path / 'source.db'}")
    source.uploads.add(known_file("Ala"), "ala.csv", 2025, small_framework, approve=True)
    source.backup.export_xlsx(tmp_path / "b.xlsx", small_framework)
    target = Store(db_url)
    target.backup.restore_xlsx(tmp_path / "b.xlsx")
    pd.testing.assert_frame_equal(target.scores(small_framework).table, source.scores(small_framework).table)
    assert target.uploads.add(known_file("Ylä"), "yla.csv", 2025, small_framework).upload_id == 2
    target.close()
    source.close()


def test_export_needs_a_writable_place(store, small_framework, tmp_path):
    with pytest.raises(StorageError, match="cannot write the backup"):
        store.backup.export_xlsx(tmp_path / "missing" / "b.xlsx", small_framework)


def test_restore_refuses_other_workbooks(store, tmp_path):
    path = tmp_path / "other.xlsx"
    pd.DataFrame({"a": [1]}).to_excel(path, index=False)
    with pytest.raises(StorageError, match="not a database export"):
        store.backup.restore_xlsx(path)
    with pytest.raises(StorageError, match="backup file not found"):
        store.backup.restore_xlsx(tmp_path / "missing.xlsx")


def test_url_resolution(monkeypatch, tmp_path):
    assert resolve_url("postgresql://u@h/d").drivername == "postgresql+psycopg"
    assert resolve_url("postgres://u@h/d").drivername == "postgresql+psycopg"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    assert resolve_url(None).database == str(tmp_path / "env.db")
    monkeypatch.delenv("DATABASE_URL")
    assert resolve_url(None).database == str(DEFAULT_DB_PATH)
    with pytest.raises(StorageError, match="only sqlite"):
        resolve_url("mysql://u@h/d")
    with pytest.raises(StorageError, match="not a database URL"):
        resolve_url("::nonsense::")


def test_a_uri_filename_makes_no_folder_in_the_working_directory(tmp_path, monkeypatch):
    """``sqlite:///file:<path>?mode=ro&uri=true`` opens the file read-only; no ``file:`` folder is made where
    the process runs (it was, under the repository, by the poll page's read-only test)."""
    path = tmp_path / "ro.db"
    Store(f"sqlite:///{path}").close()
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)
    store = Store(f"sqlite:///file:{path}?mode=ro&uri=true")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA query_only").scalar_one() == 0
        with pytest.raises(sa.exc.OperationalError, match="readonly"):
            conn.exec_driver_sql("CREATE TABLE t (x INTEGER)")
    store.close()
    assert list(workdir.iterdir()) == []


def test_sqlite_pragmas(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'p.db'}")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one() == SQLITE_BUSY_TIMEOUT_MS
    store.close()
