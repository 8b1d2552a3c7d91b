"""A starter of app servers for the browser tests: ``streamlit run app.py`` forked from a process that has
imported Streamlit and the libraries the app uses once, instead of a new interpreter per server.

A new interpreter spends about a CPU-second importing Streamlit, pandas, Plotly, SQLAlchemy and the rest
before its first page (0.4 s to answer ``/_stcore/health``, 1.2-1.3 s more for the first page), and the
browser tests start about forty servers on a machine whose two cores are the suite's limit. A server forked
from here starts with those modules loaded and nothing else: no Streamlit runtime, no session, no script
run, none of the app's own modules (``indicator``, ``ui``, ``pages``: they are imported by the server's
first run, after its environment is set), so a server's first request still takes every path a fresh
server's does (tests/e2e/test_fresh_server_e2e.py).

The starter runs as ``python -m tests.e2e.zygote``: one JSON line in (``argv`` after ``streamlit``,
``env``, ``cwd``, ``log``), one line out (the server's process id); it ends when its input closes. The
servers are its children, so it ignores their ends (the kernel reaps them); `Forked` gives the tests the
part of ``subprocess.Popen`` they use, through a Linux pidfd.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

# The third-party and standard-library modules a server has loaded after its first page (not the app's own,
# see above). From psycopg on, they were added after measuring: a forked server's first page in Chromium took
# 0.58 instead of 0.63 CPU-s with them (six servers each).
PRELOAD = ("streamlit", "streamlit.web.cli", "streamlit.web.bootstrap", "numpy", "pandas", "pyarrow",
           "plotly.graph_objects", "plotly.io", "sqlalchemy", "sqlalchemy.dialects.sqlite", "openpyxl",
           "PIL.Image", "python_calamine", "defusedxml.ElementTree", "psycopg", "sqlite3", "jinja2",
           "pandas.io.formats.style", "pyarrow.pandas_compat", "plotly.tools", "plotly.offline", "narwhals",
           "multiprocessing.connection", "html.parser", "packaging.tags", "streamlit.material_icon_names")


class Forked:
    """A server forked by the starter: ``pid``, ``poll``, ``wait``, ``terminate``, ``kill`` as in
    ``subprocess.Popen``. Its exit code is its parent's to know, so an ended server's ``returncode`` is -1."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._fd = os.pidfd_open(pid)
        except ProcessLookupError:  # it has already ended (and been reaped)
            self.returncode = -1

    def poll(self) -> int | None:
        return self.wait(timeout=0, raising=False)

    def wait(self, timeout: float | None = None, *, raising: bool = True) -> int | None:
        if self.returncode is None and select.select([self._fd], [], [], timeout)[0]:
            self.returncode = -1
            os.close(self._fd)
        if self.returncode is None and raising:
            raise subprocess.TimeoutExpired(f"server {self.pid}", timeout or 0)
        return self.returncode

    def send_signal(self, sig: int) -> None:
        """Signal the server unless it has ended (as ``Popen.send_signal``: no error for an ended one)."""
        if self.poll() is None:
            with contextlib.suppress(ProcessLookupError):  # it ended between the look and the signal
                signal.pidfd_send_signal(self._fd, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Starter:
    """The starter process, started on first use; ``start`` forks one server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._process: subprocess.Popen | None = None

    def start(self, argv: Sequence[str], env: Mapping[str, str], log: Path) -> Forked:
        if self._process is None:
            self._process = subprocess.Popen([sys.executable, "-m", "tests.e2e.zygote"], cwd=self.root,
                                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self._process.stdin is not None and self._process.stdout is not None
        request = {"argv": list(argv), "env": dict(env), "cwd": str(self.root), "log": str(log)}
        self._process.stdin.write(json.dumps(request) + "\n")
        self._process.stdin.flush()
        return Forked(int(self._process.stdout.readline()))

    def close(self) -> None:
        if self._process is not None:
            self._process.stdin.close()  # the starter ends; its servers do not
            self._process.wait(timeout=10)
            self._process = None


def _serve(request: dict) -> int:
    """In the forked child: the request's environment, directory and output, then Streamlit's command line."""
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the server waits for its own children
    null = os.open(os.devnull, os.O_RDONLY)
    out = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.close(null)
    os.close(out)
    sys.stdin = open(0, closefd=False)  # noqa: SIM115
    sys.stdout = open(1, "w", buffering=1, closefd=False)  # noqa: SIM115
    sys.stderr = open(2, "w", buffering=1, closefd=False)  # noqa: SIM115
    os.environ.clear()
    os.environ.update(request["env"])
    os.chdir(request["cwd"])
    sys.argv = ["streamlit", *request["argv"]]
    from streamlit.web import cli

    try:
        cli.main(args=request["argv"], prog_name="streamlit")
    except SystemExit as ended:
        return ended.code if isinstance(ended.code, int) else 1
    return 0


def main() -> None:
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    gc.freeze()  # the preloaded modules' objects: never scanned by a server's collections, never copied
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # the kernel reaps the servers
    for line in sys.stdin:
        request = json.loads(line)
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _serve(request)
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(code)
        sys.stdout.write(f"{pid}\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
