"""One thread for the linear algebra library that numpy and scipy bundle (OpenBLAS).

OpenBLAS starts a worker thread per core, and its idle workers spin while they wait for work. This project's
matrices are small (villages × dimensions), so the workers never helped; on a 2-core server they took CPU from
every other request. Measured on the test suite, which runs the app servers, the command line and the
grouping many times: 539 instead of 578 CPU-seconds with one thread (a grouping's tests alone 10.3–11.3
instead of 15.8). OpenBLAS reads the setting when numpy is first imported, so the entry points (``app.py``,
the command line) call ``one_thread`` before anything imports numpy. A value the environment gives is kept.
"""

from __future__ import annotations

import os

SETTING = "OPENBLAS_NUM_THREADS"


def one_thread() -> None:
    """Ask OpenBLAS for one thread, unless the environment already says how many (see the module docstring)."""
    os.environ.setdefault(SETTING, "1")
