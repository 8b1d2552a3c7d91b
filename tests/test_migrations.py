"""Schema migrations (indicator/storage/migrations): from every schema the project shipped, and from what its
start-up code made of older databases, to the current one, with the data kept, on SQLite and PostgreSQL.

Each case builds the old tables from the old definitions (tests/shipped_schemas.py), puts data in, opens the
database as the app does (``Store``: migrate on start), then checks the data and that the schema equals
``schema.metadata`` (Alembic's autogenerate comparison finds no difference).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from indicator.errors import StorageError
from indicator.storage import Store, migrations
from indicator.storage.engine import create_engine
from indicator.storage.schema import metadata
from tests.shipped_schemas import SHIPPED, shipped, start_up
from tests.storage_helpers import db_url  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent
AT = dt.datetime(2025, 5, 1, 12, tzinfo=dt.UTC)
# The apps that opened the database, in order (the data go in after the first), and the revision its
# tables must be recognised as.
HISTORIES = {
    "175b58b": (("175b58b",), "0001"),
    "929d553": (("929d553",), "0002"),
    "c921691": (("c921691",), "0003"),
    "ea67a9e": (("ea67a9e",), "0004"),
    "175b58b-then-929d553": (("175b58b", "929d553"), "0001"),  # old index kept, old uploads without villages
    "175b58b-then-ea67a9e": (("175b58b", "ea67a9e"), "0001"),
    "929d553-then-ea67a9e": (("929d553", "ea67a9e"), "0004"),
}
# Two respondents of Ala (small framework): index (56.25 * 2 + 50) / 3 = 54.1666... (tests/storage_helpers.py)
ALA = {"1": {"T1": 3, "T2": 1, "Y1": 6, "Y2": 40}, "2": {"T1": 5, "T2": 0, "Y1": 6, "Y2": 5}}


def fill(conn: sa.Connection, commit: str) -> None:
    """Data as the app of ``commit`` stored them: an approved upload of Ala, a pending one of two villages,
    the 2026 poll with two sessions (one with an answer), audit rows, a document, an activity and, where the
    schema has them, a strategy with an action and a rate-limit event."""
    tables = shipped(commit).tables
    with_villages = SHIPPED[commit]["upload_villages"]

    def upload(id_: int, status: str, role: str, village: str | None, villages: list[str], respondents: int,
               round_: int) -> dict:
        row = {"id": id_, "sha256": f"{id_:064d}", "filename": f"f{id_}.csv", "size": 4, "content": b"data",
               "uploaded_at": AT, "round": round_, "role": role, "actor": "anna", "village": village,
               "status": status}
        if with_villages:
            row.update(villages=json.dumps(villages, ensure_ascii=False), respondents=respondents)
        return row

    conn.execute(tables["uploads"].insert(), [
        upload(1, "approved", "admin", "Ala", ["Ala"], 2, 2025),
        upload(2, "pending", "village", None, ["Ala", "Ylä"], 3, 2025),
        upload(3, "approved", "poll", "Seminaari", ["Seminaari"], 2, 2026),
    ])
    answers = [{"upload_id": 1, "respondent": r, "village": "Ala", "item": k, "value": float(v)}
               for r, values in ALA.items() for k, v in values.items()]
    answers += [{"upload_id": 2, "respondent": r, "village": v, "item": "T1", "value": 4.0}
                for r, v in (("1", "Ala"), ("2", "Ylä"), ("3", "Ylä"))]
    answers.append({"upload_id": 3, "respondent": "1", "village": "Seminaari", "item": "T1", "value": 4.0})
    conn.execute(tables["responses"].insert(), answers)
    conn.execute(tables["poll_sessions"].insert(), [{"id": 1, "session_key": "s1", "round": 2026, "at": AT},
                                                    {"id": 2, "session_key": "s2", "round": 2026, "at": AT}])
    conn.execute(tables["audit"].insert(), [{"at": AT, "actor": "anna", "role": "admin", "action": a,
                                             "upload_id": 1} for a in ("upload", "approve", "open_poll")])
    conn.execute(tables["documents"].insert().values(kind="weights", name="w", payload='{"talous": 2}',
                                                     created_at=AT, actor="anna"))
    conn.execute(tables["activities"].insert().values(goal_id="kickoff", done_on=dt.date(2025, 3, 1),
                                                      title="Aloitus", actor="anna", created_at=AT))
    if "strategies" in tables:
        conn.execute(tables["strategies"].insert().values(
            id=1, grouping="g", area="sepra", group_number=1, name="Kylät yhdessä", villages='["Ala"]',
            created_at=AT, updated_at=AT, actor="anna"))
        conn.execute(tables["actions"].insert().values(
            strategy_id=1, title="Talkoot", status="done", experiment=True, created_at=AT, updated_at=AT,
            actor="anna"))
    if "throttle" in tables:
        conn.execute(tables["throttle"].insert().values(scope="poll", key="k" * 64, at=AT))


def build(url: str, history: tuple[str, ...]) -> None:
    """A database as the apps of ``history`` left it (before migrations existed)."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    for n, commit in enumerate(history):
        with engine.begin() as conn:
            start_up(conn, commit)
            if n == 0:
                fill(conn, commit)
    engine.dispose()


def differences(engine: sa.Engine) -> list:
    """What Alembic's autogenerate finds different between the database and ``schema.metadata``."""
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def check_data(store: Store, small_framework, history: tuple[str, ...]) -> None:  # noqa: ANN001
    uploads = store.uploads.table().sort_values("id")
    assert list(uploads["villages"]) == ["Ala", "Ala, Ylä", "Seminaari"]
    assert list(uploads["respondents"]) == [2, 3, 2]
    assert list(uploads["status"]) == ["approved", "pending", "approved"]
    scores = store.scores(small_framework).table
    assert list(scores["village"]) == ["Ala"]
    assert scores["index"].iloc[0] == pytest.approx((56.25 * 2 + 50) / 3)
    poll = store.poll.responses(2026)
    assert list(poll["item"]) == ["T1"] and list(poll["value"]) == [4.0]
    assert store.documents.get("weights", "w") == {"talous": 2}
    assert list(store.activities.table()["title"]) == ["Aloitus"]
    log = store.audit_log()  # the three rows stored, and the cleaning of the uploads' bytes (0006)
    assert len(log) == 4 and log.loc[0, "action"] == "scrub_raw_copies" and log.loc[0, "detail"] == {"uploads": 2}
    assert [store.uploads.get(int(i)).content_kind for i in uploads["id"]] == ["sanitised-csv-gzip-1"] * 2 + ["key"]
    assert store.uploads.get(int(uploads["id"].iloc[0])).kept()["T1"].astype(float).tolist() == [3.0, 5.0]
    has_strategies = SHIPPED[history[0]]["strategies"]  # the data went in with the first app
    assert list(store.strategies.table()["name"]) == (["Kylät yhdessä"] if has_strategies else [])
    assert list(store.strategies.actions()["title"]) == (["Talkoot"] if has_strategies else [])


@pytest.mark.parametrize("name", HISTORIES)
def test_every_shipped_schema_is_recognised_and_upgraded_with_its_data(db_url, name, small_framework):  # noqa: F811
    history, recognised = HISTORIES[name]
    build(db_url, history)
    engine = create_engine(db_url)
    before = migrations.status(engine)
    assert (before.revision, before.legacy, before.current) == (None, recognised, False)
    store = Store(db_url)  # as the app starts: migrates
    assert migrations.status(store.engine) == migrations.SchemaStatus(migrations.HEAD)
    assert differences(store.engine) == []
    check_data(store, small_framework, history)
    token = store.state_token()
    store.uploads.approve(2, "anna")
    assert store.state_token() != token
    assert sorted(store.scores(small_framework).table["village"]) == ["Ala", "Ylä"]
    store.close()
    engine.dispose()


def test_a_new_database_is_made_by_the_migrations_and_equals_the_schema(db_url):  # noqa: F811
    store = Store(db_url)
    assert migrations.status(store.engine).current
    assert differences(store.engine) == []
    with store.engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version FROM data_version WHERE id = 1")).scalar_one() == 0
    store.close()


def test_head_is_the_newest_revision_and_the_chain_has_no_branches():
    revisions = migrations.revisions()
    assert revisions[-1] == migrations.HEAD
    assert revisions == sorted(revisions) and len(set(revisions)) == len(revisions)
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(migrations.alembic_config()).get_heads() == [migrations.HEAD]


def test_down_to_nothing_and_up_again(db_url):  # noqa: F811
    Store(db_url).close()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        config = migrations.alembic_config(conn)
        command.downgrade(config, "base")
        conn.commit()
        assert set(sa.inspect(conn).get_table_names()) <= {"alembic_version"}
        command.upgrade(config, "head")
        conn.commit()
    assert differences(engine) == []
    engine.dispose()


def test_a_revision_this_code_does_not_know_is_refused(db_url):  # noqa: F811
    Store(db_url).close()
    engine = create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StorageError) as err:
        migrations.upgrade(engine)
    assert err.value.code == "migrations.unknown_revision" and err.value.params["revision"] == "9999"
    assert "9999" in str(err.value) and migrations.HEAD in str(err.value)
    engine.dispose()


def test_a_half_upgraded_database_is_upgraded_from_its_revision(db_url):  # noqa: F811
    engine = create_engine(db_url)
    with engine.connect() as conn:
        command.upgrade(migrations.alembic_config(conn), "0003")
        conn.commit()
    assert migrations.status(engine) == migrations.SchemaStatus("0003")
    before, after = migrations.upgrade(engine)
    assert (before.revision, after.revision) == ("0003", migrations.HEAD)
    assert differences(engine) == []
    engine.dispose()


def _open(url: str, barrier) -> None:  # noqa: ANN001
    barrier.wait(timeout=60)
    Store(url).close()


def test_concurrent_starters_migrate_once(db_url):  # noqa: F811
    """Four processes open an old database at the same moment: all start, the schema is upgraded once.
    (Forked, as the concurrent writers of test_storage_concurrency are: a spawned interpreter would first spend
    a CPU-second importing the library.)"""
    build(db_url, HISTORIES["175b58b"][0])
    fork = multiprocessing.get_context("fork")
    barrier = fork.Barrier(4)
    workers = [fork.Process(target=_open, args=(db_url, barrier)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert [w.exitcode for w in workers] == [0] * 4
    engine = create_engine(db_url)
    assert differences(engine) == []
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT count(*) FROM data_version")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT respondents FROM uploads ORDER BY id")).scalars().all() == [2, 3, 2]
    engine.dispose()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "indicator", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_migrate_command_checks_and_upgrades(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    build(url, HISTORIES["929d553"][0])
    check = run_cli("migrate", "--check", "--db", url)
    assert check.returncode == 3 and check.stderr == ""
    assert check.stdout == (f"migrate: {url}: made before migrations (its tables match revision 0002); "
                            f"migrate upgrades it to {migrations.HEAD}\n")
    done = run_cli("migrate", "--db", url)
    assert done.returncode == 0, done.stderr
    assert done.stdout == f"migrate: {url}: upgraded from revision 0002 (made before migrations) to {migrations.HEAD}\n"
    again = run_cli("migrate", "--db", url)
    assert again.stdout == f"migrate: {url}: schema current (revision {migrations.HEAD})\n"
    assert run_cli("migrate", "--check", "--db", url).returncode == 0


def test_check_does_not_change_the_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'none.db'}"
    result = run_cli("migrate", "--check", "--db", url)
    assert result.returncode == 3 and "no tables yet" in result.stdout
    engine = create_engine(url)
    with engine.connect() as conn:
        assert sa.inspect(conn).get_table_names() == []
    engine.dispose()
