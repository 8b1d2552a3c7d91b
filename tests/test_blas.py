"""One OpenBLAS thread in the app's and the command line's processes (indicator/blas.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from indicator.blas import SETTING, one_thread
from ui import testing

# What the new process reports: OpenBLAS's thread count once numpy is loaded (threadpoolctl, scikit-learn's).
THREADS = ("import json, numpy, threadpoolctl; print(json.dumps([i['num_threads'] for i in "
           "threadpoolctl.threadpool_info() if i['internal_api'] == 'openblas']))")


def _threads(code: str) -> list[int]:
    """Run ``code`` then ``THREADS`` in a new interpreter whose environment does not set the thread count."""
    env = {k: v for k, v in os.environ.items() if k != SETTING}
    run = subprocess.run([sys.executable, "-c", f"{code}\n{THREADS}"], capture_output=True, text=True, check=True,
                         env=env, cwd=testing.APP.parent)
    return json.loads(run.stdout.splitlines()[-1])


def test_one_thread_keeps_what_the_environment_says(monkeypatch):
    monkeypatch.setenv(SETTING, "2")
    one_thread()
    assert os.environ[SETTING] == "2"
    monkeypatch.delenv(SETTING)
    one_thread()
    assert os.environ[SETTING] == "1"


def test_without_the_setting_a_new_process_gets_a_thread_per_core():
    """The control: numpy alone starts OpenBLAS with more than one thread on this machine (skipped where
    the machine has one core)."""
    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: OpenBLAS starts one thread anyway")
    threads = _threads("")
    assert threads and max(threads) > 1


def test_the_command_line_runs_numpy_on_one_thread():
    assert _threads("import indicator.cli") == [1]


def test_the_app_asks_for_one_thread_before_it_imports_numpy():
    """app.py's ``main`` as a new server's first run calls it (outside a Streamlit run the rest of ``main``
    fails, which does not matter here: the setting is made first)."""
    code = (f"import runpy\nmain = runpy.run_path({str(testing.APP)!r}, run_name='app')['main']\n"
            "try:\n    main()\nexcept BaseException:\n    pass")
    assert _threads(code) == [1]
