"""The watched worker of indicator.reading.isolated: same result as reading in-process, and a crash, a memory
or time overrun, or a busy server each become one ReadError with its code, while the caller lives on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from indicator.errors import ReadError
from indicator.framework import load
from indicator.i18n import LANGUAGES
from indicator.reading import Budget, IsolatedReader, read_isolated, read_survey
from indicator.reading.isolated import _context, _status, start_method
from tests.hostile_corpus import HEADER, content, csv_bytes

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = load()
FORK = "fork"  # the tests that replace the reader in this process need their worker forked from it
GOOD = csv_bytes([["Vastausaika", *HEADER], ["1.3.2025 10:00", "Sippola", 4, 5, "Kyllä"],
                  ["2.3.2025 11:00", "Anjala", "Täysin eri mieltä", "", "Ei"], ["3.3.2025 9:00", "Utti", "x", 3, "Ei"]])


def test_worker_gives_what_reading_in_process_gives() -> None:
    here = read_survey(GOOD, FRAMEWORK, filename="kysely.csv")
    there = read_isolated(GOOD, FRAMEWORK, filename="kysely.csv")
    assert there.responses.equals(here.responses)
    assert there.report.to_dict() == here.report.to_dict()
    assert there.responses["E1"].tolist()[:2] == [4.0, 1.0]
    assert [(p.row, p.value) for p in there.report.problems] == [(4, "x")]


def test_a_path_is_read_by_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "kysely.csv"
    path.write_bytes(GOOD)
    assert read_isolated(path, FRAMEWORK).report.file == "kysely.csv"
    with pytest.raises(ReadError, match="not found"):
        read_isolated(tmp_path / "missing.csv", FRAMEWORK)


def test_the_refusals_of_the_reader_come_through_with_code_and_place() -> None:
    with pytest.raises(ReadError) as err:
        read_isolated(content("csv_100k_villages"), FRAMEWORK, filename="kylat.csv")
    assert err.value.code == "reading.too_many_villages"
    assert err.value.params == {"column": "Kylä", "count": 100_000, "limit": 2_000}
    assert str(err.value).startswith("kylat.csv: the village column 'Kylä' holds 100000 different")


def test_a_crashing_parser_is_one_error_and_the_caller_lives() -> None:
    """calamine aborts the process (SIGABRT) allocating the grid of a cell at XFD1048576 under a
    dimension that lies; only the worker dies."""
    outcome = IsolatedReader().run(content("far_cell_lying_dimension"), FRAMEWORK, filename="kysely.xlsx")
    assert outcome.result is None
    assert outcome.error.code == "reading.unreadable_memory"  # the abort's own line names the allocation
    assert str(outcome.error).startswith("kysely.xlsx: the file is too large or damaged to read: ")
    assert outcome.seconds < 10
    assert read_isolated(GOOD, FRAMEWORK).responses.shape[0] == 3  # and the next file is read as ever


def test_a_worker_that_dies_otherwise_is_a_crash_named_by_its_signal(monkeypatch) -> None:
    monkeypatch.setattr("indicator.reading.isolated.read_survey", lambda *a, **k: os.kill(os.getpid(), 9))
    with pytest.raises(ReadError, match=r"too large or damaged to read: the reader stopped on it \(SIGKILL\)") as err:
        IsolatedReader(method=FORK).read(GOOD, FRAMEWORK, filename="kysely.csv")
    assert err.value.code == "reading.unreadable_crash" and err.value.params == {"detail": "SIGKILL"}


def _grow(*args: object, **kwargs: object) -> None:
    """Stands in for the reader in the worker: takes memory 64 MB at a time, never lets go."""
    held = []
    while True:
        held.append(bytearray(64 * 2**20))


def _spin(*args: object, **kwargs: object) -> None:
    """Stands in for the reader in the worker: computes for ever."""
    while True:
        pass


def _sleep(*args: object, **kwargs: object) -> None:
    """Stands in for the reader in the worker: waits for ever (no CPU)."""
    time.sleep(3600)


def test_memory_over_the_budget_ends_the_worker(monkeypatch) -> None:
    monkeypatch.setattr("indicator.reading.isolated.read_survey", _grow)
    inherited = _status(os.getpid())["VmRSS"]  # a forked worker starts with this process's pages: the budget counts from there
    outcome = IsolatedReader(Budget(memory=256 * 2**20), FORK).run(GOOD, FRAMEWORK, filename="iso.csv")
    assert outcome.error is not None and outcome.error.code == "reading.unreadable_memory"
    assert outcome.result is None
    assert outcome.peak - inherited < 600 * 2**20  # killed near the budget, not at the machine's end


def test_a_real_file_over_the_memory_budget_is_refused() -> None:
    rows = [HEADER] + [["Sippola", 1 + k % 5, 1 + k % 4, "Kyllä"] for k in range(150_000)]
    outcome = IsolatedReader(Budget(memory=24 * 2**20)).run(csv_bytes(rows), FRAMEWORK, filename="iso.csv")
    assert outcome.error is not None and outcome.error.code == "reading.unreadable_memory"


def test_cpu_time_over_the_budget_ends_the_worker(monkeypatch) -> None:
    monkeypatch.setattr("indicator.reading.isolated.read_survey", _spin)
    outcome = IsolatedReader(Budget(seconds=1, wall=120), FORK).run(GOOD, FRAMEWORK, filename="hidas.csv")
    assert outcome.error is not None  # a CPU second: the wall clock depends on the machine's load
    assert outcome.error.code == "reading.unreadable_time" and outcome.error.params == {"seconds": "1"}
    assert outcome.seconds < 120


def test_waiting_over_the_wall_clock_budget_ends_the_worker(monkeypatch) -> None:
    monkeypatch.setattr("indicator.reading.isolated.read_survey", _sleep)
    outcome = IsolatedReader(Budget(wall=0.5), FORK).run(GOOD, FRAMEWORK, filename="hidas.csv")
    assert outcome.error is not None and outcome.error.params == {"seconds": "0.5"}
    assert 0.5 <= outcome.seconds < 5


def test_a_file_refused_by_its_size_needs_no_worker() -> None:
    outcome = IsolatedReader().run(b"x" * 2000, FRAMEWORK, filename="iso.csv", max_bytes=1000)
    assert "over the" in str(outcome.error) and outcome.seconds == 0.0 and outcome.peak is None


def test_no_free_worker_within_the_wait_is_a_busy_error() -> None:
    reader = IsolatedReader(Budget(workers=1, wait=0.2))
    assert reader._slots.acquire(timeout=1)  # another upload is being read
    try:
        start = time.monotonic()
        with pytest.raises(ReadError) as err:
            reader.read(GOOD, FRAMEWORK, filename="kysely.csv")
        assert 0.2 <= time.monotonic() - start < 2
    finally:
        reader._slots.release()
    assert err.value.code == "reading.busy" and err.value.params == {"seconds": "0.2"}
    assert reader.read(GOOD, FRAMEWORK, filename="kysely.csv").report.rows == 3  # free again


ORPHAN = """
import os, sys
from indicator.framework import load
from indicator.reading import isolated

def ready_then_die(watch, results):
    results.recv_bytes()  # the worker is ready and waits for its job: the server dies now
    print(watch.process.pid, flush=True)
    os._exit(0)

isolated._Watch.until_ready = ready_then_die
isolated.IsolatedReader(method=sys.argv[1]).read(b"Kyla;E2\\nA;3\\n", load(), filename="a.csv")
"""


@pytest.mark.parametrize("method", ["fork", "forkserver"])
def test_a_worker_whose_server_dies_before_its_job_ends_too(method: str) -> None:
    """A server killed between starting a worker and sending it the file leaves no worker waiting for ever."""
    run = subprocess.run([sys.executable, "-c", ORPHAN, method], cwd=ROOT, capture_output=True, text=True,
                         timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})
    pid = int(run.stdout.split()[0])
    deadline = time.monotonic() + 10
    while _status(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _status(pid), f"worker {pid} still there"


def test_the_start_method_follows_the_threads() -> None:
    assert start_method(1) == "fork"  # the command line: a lone thread, its modules already imported
    assert start_method(9) == "forkserver"  # the Streamlit server: other threads may hold locks
    assert start_method(1, ("spawn",)) == "spawn" and start_method(9, ("fork", "spawn")) == "spawn"


@pytest.mark.parametrize("method", ["forkserver", "spawn"])
def test_a_worker_started_afresh_reads_the_same(method: str) -> None:
    """A fork server's or a spawned worker imports the reader itself (the framework crosses as a pickle)."""
    result = IsolatedReader(method=method).read(GOOD, FRAMEWORK, filename="kysely.csv")
    assert result.report.to_dict() == read_survey(GOOD, FRAMEWORK, filename="kysely.csv").report.to_dict()


def test_a_thread_of_a_server_gets_its_worker_from_the_fork_server() -> None:
    found: dict[str, object] = {}

    def read() -> None:
        found["method"] = _context().get_start_method()
        found["result"] = read_isolated(GOOD, FRAMEWORK, filename="kysely.csv")

    thread = threading.Thread(target=read)
    thread.start()
    thread.join()
    assert found["method"] == "forkserver"
    assert found["result"].responses["E2"].tolist()[:1] == [5.0]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_messages_are_translated(lang: str, monkeypatch) -> None:
    monkeypatch.setattr("indicator.reading.isolated.read_survey", _sleep)
    outcome = IsolatedReader(Budget(wall=0.5), FORK).run(GOOD, FRAMEWORK, filename="hidas.csv")
    text = outcome.error.localized(lang)
    expected = {"fi": "tiedosto on liian suuri tai vioittunut", "sv": "filen är för stor eller skadad",
                "en": "the file is too large or damaged"}[lang]
    assert text.startswith("hidas.csv: " + expected) and "0.5" in text


def test_the_command_line_survives_the_crash_file_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "kysely.xlsx"
    path.write_bytes(content("far_cell_lying_dimension"))
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "indicator", "import", str(path), "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and "the file is too large or damaged to read" in lines[0], done.stderr
    assert time.monotonic() - start < 60


def test_the_command_line_reads_a_good_file_through_the_worker(tmp_path: Path) -> None:
    path = tmp_path / "kysely.csv"
    path.write_bytes(GOOD)
    done = subprocess.run([sys.executable, "-m", "indicator", "import", str(path), "--json"], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["villages"] == ["Sippola", "Anjala", "Utti"]
