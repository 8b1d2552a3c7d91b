"""Shared test fixtures: a small hand-made framework used by the engine's tests; browser tests marked slow."""

from __future__ import annotations

import gc
import os
from collections import Counter
from collections.abc import Iterator

import pytest
from hypothesis import settings

from indicator.blas import one_thread

# Before numpy is imported: the test processes and every process they start (app servers, the command line,
# the reader's workers) use one OpenBLAS thread, as the app and the command line do (indicator/blas.py).
one_thread()

from indicator.framework import Framework, loads  # noqa: E402

# No per-example time limit: on a shared 2-core CI machine a slow example is load, not a bug. Speed goals
# are checked by the scripts in benchmarks/, not by tests.
settings.register_profile("alykyla", deadline=None)
settings.load_profile("alykyla")

# Fewer garbage collections in the test processes. A worker holds a large heap (pandas, Streamlit, Plotly,
# the AppTest sessions) and Python's defaults (700, 10, 10) walked all of it about 35 times per worker, 0.2 s
# each, with 12,000 young collections: 22 CPU-seconds of the unit tests, whose garbage is mostly freed by
# reference counting anyway. With these thresholds: no full collection, 600 young ones, 252 instead of 273
# CPU-seconds for `-m "not e2e"` (3 workers, 2026-12-05), at most 640 MB per worker.
gc.set_threshold(10_000, 50, 20)


SMALL_FRAMEWORK = """
[indicator]
id = "pieni"
name = { fi = "Pieni mittari", sv = "Liten mätare", en = "Small indicator" }
version = "0.1"
baseline_year = 2024
target_year = 2030
min_respondents = 2
min_item_coverage = 0.5
min_dimension_coverage = 0.6
village_aliases = ["kylä", "village"]

[[bands]]
id = "low"
min = 0
name = { fi = "Matala", en = "Low" }

[[bands]]
id = "mid"
min = 50
name = { fi = "Keski", en = "Mid" }

[[bands]]
id = "high"
min = 80
name = { fi = "Korkea", en = "High" }

[[themes]]
id = "talous"
name = { fi = "Talous", en = "Economy" }

[[dimensions]]
id = "talous"
name = { fi = "Talous", en = "Economy" }
weight = 2.0
theme = "talous"

[[dimensions]]
id = "yhteiso"
name = { fi = "Yhteisö", en = "Community" }
weight = 1.0

[[items]]
id = "T1"
dimension = "talous"
text = { fi = "Kylällä on hyvät edellytykset yrittää", en = "Good conditions for business" }
type = "likert5"
lower = 1
target = 5
weight = 1.0

[[items]]
id = "T2"
dimension = "talous"
text = { fi = "Kylällä on etätyöpiste", en = "A remote-work point exists" }
type = "yesno"
lower = 0
target = 100
weight = 3.0

[[items]]
id = "Y1"
dimension = "yhteiso"
text = { fi = "Tapahtumien määrä", en = "Number of events" }
type = "number"
lower = 0
target = 12
aliases = ["tapahtumat"]

[[items]]
id = "Y2"
dimension = "yhteiso"
text = { fi = "Matka kuntakeskukseen km", en = "Distance to the centre km" }
type = "number"
lower = 40
target = 5
"""


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # optional: pytest runs without xdist too
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:  # noqa: ARG001
    """``-n auto`` starts one worker more than the machine has cores: a browser test spends part of its
    time waiting for Chromium and its app server, and a third worker on two cores fills those waits (both
    cores 95–96 % busy over the whole run instead of 92 %; README, "Tests"). PYTEST_XDIST_AUTO_NUM_WORKERS
    still decides when set."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # xdist's own hook reads it
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores + 1


# The browser files that take longest (seconds on one worker of a full run on two cores, 2026-12-05): they
# start first, so that the run does not end with one worker alone on one of them (see `longest_first`).
LONGEST_FIRST = ("test_screens_e2e.py",  # 129 s
                 "test_fresh_server_e2e.py",  # 82 s
                 "test_deploy_e2e.py",  # 59 s
                 "test_signin_e2e.py",  # 45 s
                 "test_vastaa_e2e.py")  # 41 s


def pytest_configure(config: pytest.Config) -> None:
    """xdist hands out files in the order `longest_first` gives them, not by its own count of tests."""
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every browser test is slow too (a server start and page loads): ``-m "not slow"`` leaves them out.
    The files run in the order of `longest_first`."""
    for item in items:
        if item.get_closest_marker("e2e"):
            item.add_marker(pytest.mark.slow)
    items[:] = longest_first(items)


def longest_first(items: list[pytest.Item]) -> list[pytest.Item]:
    """The tests file by file, the longest files first: the browser files of ``LONGEST_FIRST`` in that order,
    the other browser files, then the rest, most tests first (xdist's own order); each file's tests in
    their order. With ``--dist loadfile`` a worker takes the next file when it is done, so the last files
    to start are short ones and the workers end within seconds of each other. xdist's own order (most tests
    first) started the browser files, a few tests each but 10-130 s, in the middle of the run: the last
    30-45 s of a run were one or two workers finishing one while the third had nothing left."""
    count = Counter(item.path for item in items)

    def rank(item: pytest.Item) -> tuple[int, int, int, str]:
        browser = item.get_closest_marker("e2e") is not None
        named = LONGEST_FIRST.index(item.path.name) if item.path.name in LONGEST_FIRST else len(LONGEST_FIRST)
        return (not browser, named, -count[item.path], str(item.path))

    return sorted(items, key=rank)  # stable: a file's tests keep their order


@pytest.fixture(scope="session", autouse=True)
def _shared_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The folder the processes of this run share for the databases they copy from (``ui.testing``): this
    run's temporary folder (under pytest-xdist the parent of every worker's), which pytest removes after a
    few runs."""
    from ui import testing

    base = tmp_path_factory.getbasetemp()
    os.environ[testing.SHARED_DIR] = str(base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base)


@pytest.fixture
def store(db_url: str) -> Iterator[object]:
    """A Store on the module's ``db_url`` (tests/storage_helpers.py: SQLite, and PostgreSQL when there),
    closed afterwards."""
    from indicator.storage import Store

    opened = Store(db_url)
    yield opened
    opened.close()


@pytest.fixture
def empty_url(monkeypatch: pytest.MonkeyPatch, tmp_path) -> str:  # noqa: ANN001
    """An empty database for the app (no demo data, no upload codes), so that every upload is new."""
    from ui import testing

    url = testing.empty_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.delenv("ALYKYLA_UPLOAD_CODES", raising=False)
    return url


@pytest.fixture(scope="session")
def small_framework() -> Framework:
    """Two dimensions (weights 2 and 1), items of every type, one 'less is better' item."""
    return loads(SMALL_FRAMEWORK, source="small.toml")


@pytest.fixture(scope="session")
def small_framework_text() -> str:
    """The TOML text of ``small_framework``, for tests that break it on purpose."""
    return SMALL_FRAMEWORK
