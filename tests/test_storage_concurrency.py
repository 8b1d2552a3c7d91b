"""Many simultaneous writers, and writers killed mid-ingest, on SQLite and PostgreSQL."""

from __future__ import annotations

import multiprocessing
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from indicator.framework import loads
from indicator.storage import Store
from indicator.storage.engine import resolve_url
from tests.conftest import SMALL_FRAMEWORK
from tests.storage_helpers import counts, db_url, expected_village_index, village_file  # noqa: F401

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
# village -> T1 answers; "Sama" gets two different files that race to be approved
FILES = {f"V{n}": [1 + n % 5, 1 + (n * 3) % 5, 3] for n in range(9)}


def _files() -> list[tuple[str, bytes]]:
    files = [(village, village_file(village, t1)) for village, t1 in FILES.items()]
    return [*files, ("Sama", village_file("Sama", [2, 2])), ("Sama", village_file("Sama", [4, 4]))]


def _upload(url: str, content: bytes, name: str, barrier=None) -> tuple[int, bool]:  # noqa: ANN001
    framework = loads(SMALL_FRAMEWORK)
    store = Store(url)
    if barrier is not None:
        barrier.wait(timeout=60)
    result = store.uploads.add(content, name, 2025, framework, approve=True, actor=name)
    store.close()
    return result.upload_id, result.duplicate


def _process_worker(url: str, content: bytes, name: str, barrier, queue) -> None:  # noqa: ANN001
    queue.put(_upload(url, content, name, barrier))


def _check(url: str, writers: int, results: list[tuple[int, bool]]) -> None:
    """Every distinct file stored once, every writer told the same id, scores as computed by hand."""
    framework = loads(SMALL_FRAMEWORK)
    files = _files()
    store = Store(url)
    uploads = store.uploads.table()
    assert len(uploads) == len(files)
    assert sorted(uploads["sha256"]) == sorted(set(uploads["sha256"]))
    assert sum(not duplicate for _, duplicate in results) == len(files)
    assert len({uid for uid, _ in results}) == len(files) and len(results) == writers
    sama = uploads[uploads["villages"] == "Sama"].sort_values("status")
    assert sama["status"].tolist() == ["approved", "superseded"]  # exactly one counts
    assert sama.iloc[1]["superseded_by"] == sama.iloc[0]["id"]
    assert counts(url)["audit"] == 2 * len(files)  # one upload and one approve row each
    table = store.scores(framework).table.set_index("village")
    for village, t1 in FILES.items():
        assert table.loc[village, "index"] == pytest.approx(expected_village_index(t1))
    winner = store.uploads.get(int(sama.iloc[0]["id"])).kept()["T1"].astype(float).tolist()
    assert winner in ([2.0, 2.0], [4.0, 4.0])
    assert table.loc["Sama", "index"] == pytest.approx(expected_village_index(winner))
    store.close()


def test_threads_upload_at_once(db_url):  # noqa: F811
    files = _files()
    writers = [files[n % len(files)] for n in range(24)]  # every file two or three times
    barrier = threading.Barrier(len(writers))
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []

    def run(village: str, content: bytes, n: int) -> None:
        try:
            results.append(_upload(db_url, content, f"{village}-{n}.csv", barrier))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(v, c, n)) for n, (v, c) in enumerate(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    _check(db_url, len(writers), results)


def test_processes_upload_at_once(db_url):  # noqa: F811
    files = _files()
    writers = [files[n % len(files)] for n in range(22)]
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(writers))
    queue = context.Queue()
    procs = [
        context.Process(target=_process_worker, args=(db_url, content, f"{village}-{n}.csv", barrier, queue))
        for n, (village, content) in enumerate(writers)
    ]
    for proc in procs:
        proc.start()
    results = [queue.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    _check(db_url, len(writers), results)


CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from indicator.framework import loads
    from indicator.storage import Store
    from indicator.storage.engine import Database
    from tests.conftest import SMALL_FRAMEWORK
    from tests.storage_helpers import village_file

    url, marker, mode = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    store, framework = Store(url), loads(SMALL_FRAMEWORK)
    if mode == "pause":
        original = Database.audit

        def pausing_audit(database, conn, *args, **kwargs):
            original(database, conn, *args, **kwargs)
            marker.write_text("inside the transaction")
            time.sleep(120)

        Database.audit = pausing_audit
        store.uploads.add(village_file("Ala", [3, 4, 5]), "ala.csv", 2025, framework, approve=True)
    else:
        for n in range(400):
            store.uploads.add(village_file(f"K{n}", [1 + n % 5] * (1 + n % 7)), f"k{n}.csv", 2025, framework,
                             approve=n % 2 == 0)
            with marker.open("a") as out:
                out.write(f"{n}\\n")
    """
)


def _start_child(url: str, marker: Path, mode: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-c", CHILD, url, str(marker), mode], cwd=ROOT, env=env)


def _wait_for(predicate, seconds: float = 60.0) -> None:  # noqa: ANN001
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "the writer never got there"
        time.sleep(0.01)


def _assert_consistent(url: str) -> None:
    """Each upload complete (answers and audit rows), nothing orphaned; SQLite file intact."""
    engine = sa.create_engine(resolve_url(url), poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
            assert conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        uploads = pd.read_sql("SELECT id, filename, status FROM uploads", conn)
        answers = pd.read_sql("SELECT upload_id, COUNT(*) AS n FROM responses GROUP BY upload_id", conn)
        audits = pd.read_sql("SELECT upload_id, action FROM audit", conn)
    engine.dispose()
    assert set(answers["upload_id"]) == set(uploads["id"])
    for row in uploads.itertuples():
        n = int(row.filename[1:-4])
        expected = 4 * (1 + n % 7)  # four items per respondent
        assert answers.set_index("upload_id").loc[row.id, "n"] == expected
        actions = sorted(audits.loc[audits["upload_id"] == row.id, "action"])
        assert actions == (["approve", "upload"] if n % 2 == 0 else ["upload"])
        assert row.status == ("approved" if n % 2 == 0 else "pending")


def test_writer_killed_inside_the_transaction_leaves_nothing(db_url, tmp_path, small_framework):  # noqa: F811
    Store(db_url).close()  # schema exists before the child starts
    marker = tmp_path / "marker"
    child = _start_child(db_url, marker, "pause")
    try:
        _wait_for(marker.exists)
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert counts(db_url) == {"uploads": 0, "responses": 0, "audit": 0}
    store = Store(db_url)
    started = time.monotonic()
    result = store.uploads.add(village_file("Ala", [3, 4, 5]), "ala.csv", 2025, small_framework, approve=True)
    assert not result.duplicate and time.monotonic() - started < 10  # the lock died with the writer
    assert store.scores(small_framework).table.loc[0, "index"] == pytest.approx(expected_village_index([3, 4, 5]))
    store.close()


def test_writer_killed_at_a_random_moment_leaves_whole_uploads(db_url, tmp_path):  # noqa: F811
    Store(db_url).close()
    marker = tmp_path / "progress"
    child = _start_child(db_url, marker, "stream")
    try:
        _wait_for(lambda: marker.exists() and len(marker.read_text().split()) >= 5)
        time.sleep(0.137)  # somewhere inside a later ingest
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    _assert_consistent(db_url)
    assert counts(db_url)["uploads"] >= 5
