"""A database that is read-only, full or busy: the library says which, the pages say it in the user's language,
and a read-only database still serves every page that only reads.

The read-only case uses a real read-only file: the test runs the pages in a child process without the
capability that lets root write to any file (``setpriv``), so the file's permissions apply as they would
for the service's own user.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from indicator.errors import StorageError
from indicator.framework import loads
from indicator.storage import Store
from indicator.storage.engine import database_error
from tests.conftest import SMALL_FRAMEWORK
from tests.storage_helpers import village_file
from ui import testing

ROOT = Path(__file__).resolve().parent.parent
READ_PAGES = ("etusivu", "kyla", "mittaristo", "eteneminen", "tavoitteet", "seminaari", "lataa")

CHILD = r"""
import json, os, sys
sys.path.insert(0, os.environ["ROOT"])
os.chdir(os.environ["ROOT"])
from ui import testing
out = {}
for page in os.environ["PAGES"].split(","):
    at = testing.app(address=page).run()
    out[page] = {"exception": [str(e.value) for e in at.exception], "error": [e.value for e in at.error],
                 "titles": [x.value for x in at.title]}
at = testing.app(address="kysely").run()
out["kysely"] = {"exception": [str(e.value) for e in at.exception], "error": [e.value for e in at.error]}
at = testing.app(address="lataa").run()
csv = "Kylä;E1\nVerla;3\nVerla;4\n".encode()
at.file_uploader(key="upload_file").set_value(("v.csv", csv, "text/csv")).run()
at.button(key="upload.save").click().run()
out["lataa_save"] = {"exception": [str(e.value) for e in at.exception], "error": [e.value for e in at.error]}
print(json.dumps(out))
"""


def _without_root_powers() -> list[str]:
    """A command prefix that runs a child without root's power to write read-only files (nothing when the
    tests do not run as root)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: a read-only file cannot be made read-only for root")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner,-chown"]


@pytest.fixture
def read_only_demo(tmp_path) -> Path:
    """The demo database as a read-only file (checkpointed first, so that it is whole without its WAL)."""
    path = Path(testing.demo_database(tmp_path).removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path.chmod(0o444)
    return path


def test_a_read_only_database_serves_the_reading_pages_and_says_why_it_cannot_save(read_only_demo):
    env = {**os.environ, "ROOT": str(ROOT), "PAGES": ",".join(READ_PAGES), "ALYKYLA_DEMO": "1",
           "DATABASE_URL": f"sqlite:///{read_only_demo}", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([*_without_root_powers(), sys.executable, "-c", CHILD], env=env, capture_output=True,
                          text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    for page in READ_PAGES:
        assert out[page]["exception"] == [] and out[page]["error"] == [], (page, out[page])
    assert out["etusivu"]["titles"]  # the front page drew its data
    read_only = "Tietokanta on nyt vain luettavissa"
    assert out["kysely"]["exception"] == [] and out["kysely"]["error"][0].startswith(read_only)
    assert out["lataa_save"]["exception"] == [] and read_only in out["lataa_save"]["error"][0]
    assert oct(read_only_demo.stat().st_mode & 0o777) == "0o444"


def test_a_full_disk_is_named(tmp_path):
    framework = loads(SMALL_FRAMEWORK, "small.toml")
    store = Store(f"sqlite:///{tmp_path / 'full.db'}")
    store.engine.dispose()

    @sa.event.listens_for(store.engine, "connect")
    def _small(dbapi_connection, _record):  # noqa: ANN001
        dbapi_connection.execute("PRAGMA max_page_count=12")  # the file cannot grow: as a full disk

    with pytest.raises(StorageError) as full:
        store.uploads.add(village_file("Ala", list(range(1, 6)) * 400), "iso.csv", 2025, framework)
    assert full.value.code == "storage.disk_full"
    assert full.value.localized("sv").startswith("Databasens disk är full")


@pytest.mark.parametrize(("words", "state", "code"), [
    ("attempt to write a readonly database", "", "storage.read_only"),
    ("database or disk is full", "", "storage.disk_full"),
    ("database is locked", "", "storage.busy"),
    ("could not write", "53100", "storage.disk_full"),
    ("cannot execute INSERT in a read-only transaction", "25006", "storage.read_only"),
    ("connection refused", "08006", "storage.unavailable"),
    ("something else", "XX000", "storage.failed"),
])
def test_database_failures_are_named(words, state, code):
    class Driver(Exception):
        sqlstate = state

    error = database_error(sa.exc.OperationalError("INSERT ...", {}, Driver(words)))
    assert error.code == code
    assert "INSERT" not in str(error)  # no SQL in a message
