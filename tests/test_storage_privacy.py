"""Nothing personal is written: the database file and the backup after uploads full of personal data.

The files (tests/personal_files.py) carry names, e-mail addresses, phone numbers and henkilötunnus in
personal columns (found by header and by content) and in a free-text column, as CSV and as XLSX. After
storing, approving, rejecting and superseding them, the bytes of the SQLite file and its WAL (before and
after a checkpoint) and of the exported backup hold none of them.
"""

from __future__ import annotations

import base64
import io
import sqlite3

import openpyxl
import pandas as pd
import pytest
import sqlalchemy as sa

from indicator.errors import StorageError
from indicator.framework import loads
from indicator.reading.personal import EMAIL_MASK, ID_MASK, NAME_MASK, PHONE_MASK
from indicator.storage import Store
from indicator.storage.schema import uploads
from tests.conftest import SMALL_FRAMEWORK
from tests.personal_files import SECRETS, _gunzipped, found_secrets, personal_csv, personal_xlsx
from tests.storage_helpers import db_url, known_file, village_file  # noqa: F401

REGISTRY = pd.DataFrame({"village": ["Ala", "Ylä", "Sippola"]})
FILENAME = "Matti Meikäläinen matti.meikalainen@example.fi 040 123 4567.csv"


@pytest.fixture(scope="module")
def framework():
    return loads(SMALL_FRAMEWORK, "small.toml")


def _sqlite_path(store: Store) -> str:
    return store.engine.url.database


def _file_bytes(path: str) -> bytes:
    """The SQLite file and its WAL, as they are on disk."""
    data = b""
    for suffix in ("", "-wal"):
        try:
            with open(path + suffix, "rb") as handle:
                data += handle.read()
        except FileNotFoundError:
            pass
    return data


def _store_everything(store: Store, framework, *, keep_free_text: bool = False) -> list[int]:
    """The personal files stored in every way an upload can go: pending, approved, superseded, rejected."""
    first = store.uploads.add(personal_csv("Ala"), FILENAME, 2025, framework, registry=REGISTRY,
                              keep_free_text=keep_free_text)
    second = store.uploads.add(personal_xlsx("Ylä"), "hetu 131052-308T.xlsx", 2025, framework, approve=True,
                               registry=REGISTRY, keep_free_text=keep_free_text)
    third = store.uploads.add(personal_csv("Ala", n=5), "ala.csv", 2025, framework, approve=True, registry=REGISTRY)
    store.uploads.approve(first.upload_id, "coordinator")  # supersedes the third
    fourth = store.uploads.add(personal_xlsx("Ala", n=4), "ala4.xlsx", 2024, framework, registry=REGISTRY)
    store.uploads.reject(fourth.upload_id, "coordinator", "väärä kierros")
    return [first.upload_id, second.upload_id, third.upload_id, fourth.upload_id]


@pytest.mark.parametrize("keep_free_text", [False, True])
def test_the_sqlite_file_and_wal_hold_no_personal_data(tmp_path, framework, keep_free_text):
    store = Store(f"sqlite:///{tmp_path / 'privacy.db'}")
    _store_everything(store, framework, keep_free_text=keep_free_text)
    path = _sqlite_path(store)
    before = _file_bytes(path)
    assert "Ylä".encode() in before  # the scan sees stored text ...
    kept_text = any(b"Lis\xc3\xa4\xc3\xa4 tapahtumia" in part for part in _gunzipped(before))
    assert kept_text == keep_free_text  # ... also inside the compressed copies
    assert found_secrets(before) == []
    store.database.checkpoint()
    after = _file_bytes(path)
    assert found_secrets(after) == []
    with sqlite3.connect(path) as conn:  # the answers are all there: only personal data are missing
        assert conn.execute("SELECT COUNT(*) FROM responses").fetchone()[0] == (6 + 6 + 5 + 4) * 4
    store.close()


def test_file_names_reports_and_audit_are_masked(store, framework):
    result = store.uploads.add(personal_csv("Ala"), "matti.meikalainen@example.fi 040 123 4567.csv", 2025,
                               framework, registry=REGISTRY)
    record = store.uploads.get(result.upload_id)
    assert record.filename == f"{EMAIL_MASK} {PHONE_MASK}.csv"
    assert record.report["file"] == record.filename
    assert record.report["dropped_personal"] == ["Kerro nimesi", "Sähköposti", "Puhelin", "Enter name",
                                                 "Tell me your name!", "Yhteystieto", "Q7", "Q8"]
    assert record.report["kept_free_text"] is False
    assert store.audit_log(limit=1).loc[0, "detail"]["filename"] == record.filename
    assert record.size == len(personal_csv("Ala"))  # the size and hash of the uploaded bytes only


def test_free_text_is_kept_only_when_asked_and_then_masked(store, framework):
    plain = store.uploads.add(personal_csv("Ala"), "a.csv", 2025, framework, registry=REGISTRY)
    kept = store.uploads.add(personal_csv("Ylä"), "b.csv", 2025, framework, registry=REGISTRY, keep_free_text=True)
    assert list(store.uploads.get(plain.upload_id).kept().columns) == ["Kylä", "T1", "T2", "Y1", "Y2"]
    table = store.uploads.get(kept.upload_id).kept()
    assert list(table.columns) == ["Kylä", "T1", "T2", "Y1", "Y2", "Vapaa palaute"]
    assert table["Vapaa palaute"].iloc[:4].tolist() == [
        f"Soita minulle numeroon {PHONE_MASK}, t. {NAME_MASK}", f"Lisätietoja: {EMAIL_MASK}",
        f"Hetuni on {ID_MASK} jos tarvitsette", f"Kiitos! {NAME_MASK} lupasi auttaa"]
    assert store.uploads.get(kept.upload_id).report["kept_free_text"] is True


def test_secure_delete_is_on(store):
    if store.engine.dialect.name != "sqlite":
        pytest.skip("a SQLite setting")
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_the_backup_holds_no_personal_data(tmp_path, framework):
    store = Store(f"sqlite:///{tmp_path / 'b.db'}")
    _store_everything(store, framework, keep_free_text=True)
    path = tmp_path / "backup.xlsx"
    store.backup.export_xlsx(path, framework)
    book = openpyxl.load_workbook(path, read_only=True)
    cells = [str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v]
    assert "Ylä" in cells and len(cells) > 500  # the scan sees the backup's text
    assert found_secrets("\n".join(cells).encode("utf-8")) == []
    decoded = b"".join(_base64(c) for c in cells)  # the copies: base64 text of gzip csv
    assert any(b"tapahtumia" in part for part in _gunzipped(decoded))
    assert found_secrets(decoded) == []
    restored = Store(f"sqlite:///{tmp_path / 'restored.db'}")  # and what a restore writes
    restored.backup.restore_xlsx(path)
    restored.database.checkpoint()
    assert found_secrets(_file_bytes(str(tmp_path / "restored.db"))) == []


def _base64(text: str) -> bytes:
    """``text`` decoded when it is base64, else nothing."""
    try:
        return base64.b64decode(text.lstrip("'"), validate=True)
    except ValueError:
        return b""


def test_village_names_take_one_spelling(store, framework):
    cyrillic = "Sippol\u0430"
    first = store.uploads.add(village_file("SIPPOLA", [1, 2]), "s1.csv", 2025, framework, registry=REGISTRY)
    second = store.uploads.add(village_file(cyrillic, [3, 4]), "s2.csv", 2025, framework, registry=REGISTRY)
    third = store.uploads.add(village_file("UUSI kylä", [3, 4]), "u1.csv", 2025, framework, registry=REGISTRY)
    fourth = store.uploads.add(village_file("uusi  KYLÄ", [3, 5]), "u2.csv", 2025, framework, registry=REGISTRY)
    assert [store.uploads.get(u.upload_id).villages for u in (first, second, third, fourth)] == [
        ["Sippola"], ["Sippola"], ["UUSI kylä"], ["UUSI kylä"]]  # the registry's, else the first one stored
    assert set(store.responses(status="pending")["village"]) == {"Sippola", "UUSI kylä"}


def test_quota_of_pending_uploads_per_village(store, framework):
    def frame(village: str, value: float) -> pd.DataFrame:
        return pd.DataFrame({"village": [village], "respondent": ["2"], "T1": [value]})

    for n in range(3):
        store.uploads.store_read(f"file {n}".encode(), f"{n}.csv", 2025, framework, frame("Ala", n + 1.0), {},
                                 registry=REGISTRY, max_pending=3)
    with pytest.raises(StorageError) as refused:
        store.uploads.store_read(b"file 3", "3.csv", 2025, framework, frame("ALA", 4.0), {}, registry=REGISTRY,
                                 max_pending=3)
    assert refused.value.code == "storage.too_many_pending"
    assert refused.value.localized("fi").startswith("3.csv: Kylällä Ala on jo 3 tallennusta")
    store.uploads.store_read(b"file 4", "4.csv", 2025, framework, frame("Ylä", 4.0), {}, registry=REGISTRY,
                             max_pending=3)  # another village still can
    store.uploads.store_read(b"file 5", "5.csv", 2025, framework, frame("Ala", 5.0), {}, registry=REGISTRY)
    assert len(store.uploads.table("pending")) == 5  # no quota for a coordinator (max_pending=None)


def test_quota_of_answers_per_file(store, framework):
    frame = pd.DataFrame({"village": ["Ala"] * 3, "respondent": ["2", "3", "4"], "T1": [1.0, 2.0, 3.0],
                          "T2": [1.0, 0.0, 1.0]})
    with pytest.raises(StorageError) as refused:
        store.uploads.store_read(b"x", "x.csv", 2025, framework, frame, {}, max_answers=5)
    assert (refused.value.code, refused.value.params) == ("storage.too_many_answers", {"answers": 6, "limit": 5})
    assert store.is_empty()


def test_older_raw_copies_are_scrubbed_when_the_store_opens(tmp_path, framework):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = Store(url)
    upload = store.uploads.add(personal_csv("Ala"), FILENAME, 2025, framework, registry=REGISTRY, approve=True)
    with store.engine.begin() as conn:  # as an older version stored it: the bytes themselves, no kind
        conn.execute(sa.update(uploads).values(content=personal_csv("Ala"), content_kind=None, filename=FILENAME))
    store.close()
    assert "matti.meikalainen@example.fi" in found_secrets(_file_bytes(str(tmp_path / "old.db")))
    reopened = Store(url)
    record = reopened.uploads.get(upload.upload_id)
    assert record.content_kind == "sanitised-csv-gzip-1"
    assert record.filename == f"{NAME_MASK} {EMAIL_MASK} {PHONE_MASK}.csv"
    assert record.kept()["T1"].astype(float).tolist() == [1.0, 2.0, 3.0, 4.0, 5.0, 1.0]
    assert reopened.audit_log(limit=1).loc[0, "action"] == "scrub_raw_copies"
    reopened.close()
    assert found_secrets(_file_bytes(str(tmp_path / "old.db"))) == []
    assert Store(url).uploads.scrub_raw_copies() == []  # once only


def test_known_file_still_scores_the_same(store, framework):
    store.uploads.add(known_file("Ala"), "ala.csv", 2025, framework, approve=True, registry=REGISTRY)
    assert store.scores(framework).table.loc[0, "respondents"] == 2


def test_every_secret_is_in_the_personal_files():
    text = personal_csv().decode("utf-8")
    assert [s for s in SECRETS if s not in text] == []
    sheet = openpyxl.load_workbook(io.BytesIO(personal_xlsx())).active
    cells = " | ".join(str(cell.value) for row in sheet.iter_rows() for cell in row)
    assert [s for s in SECRETS if s not in cells] == []


def test_ingest_keeps_free_text_only_when_asked(tmp_path, capsys):
    from indicator.cli import main

    framework = tmp_path / "small.toml"
    framework.write_text(SMALL_FRAMEWORK, encoding="utf-8")
    (tmp_path / "a.csv").write_bytes(personal_csv("Ala"))
    (tmp_path / "b.csv").write_bytes(personal_csv("Ylä"))
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["ingest", str(tmp_path / "a.csv"), "--round", "2025", "--db", url, "--framework", str(framework)]) == 0
    assert main(["ingest", str(tmp_path / "b.csv"), "--round", "2025", "--db", url, "--framework", str(framework),
                 "--keep-free-text"]) == 0
    store = Store(url)
    first, second = (store.uploads.get(int(i)) for i in sorted(store.uploads.table()["id"]))
    assert "Vapaa palaute" not in first.kept().columns and "Vapaa palaute" in second.kept().columns
    assert found_secrets(first.content + second.content) == []


def test_answers_are_stored_without_rowid_on_sqlite_new_and_migrated(tmp_path):
    from alembic import command

    from indicator.storage import migrations

    fresh = Store(f"sqlite:///{tmp_path / 'new.db'}")
    older = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(older)
    with engine.begin() as conn:
        command.upgrade(migrations.alembic_config(conn), "0005")
    engine.dispose()
    migrated = Store(older)
    for store in (fresh, migrated):
        with store.engine.connect() as conn:
            sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'responses'").scalar()
        assert sql.rstrip().endswith("WITHOUT ROWID"), sql
        assert migrations.status(store.engine).current
