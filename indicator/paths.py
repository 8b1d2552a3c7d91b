"""Where the shipped data live: ``data/`` of the checkout, whether the package runs from it or is installed.

Order: env ``ALYKYLA_DATA`` (a folder), the ``data/`` folder beside the package (a checkout or an editable
install), else ``data/`` in the working directory (the package installed with pip and run from a
checkout). Every default path (framework, registry, goals, demo, the SQLite file) is below it.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The data folder (see the module docstring)."""
    configured = os.environ.get("ALYKYLA_DATA")
    if configured:
        return Path(configured)
    beside = Path(__file__).resolve().parent.parent / "data"
    if (beside / "framework.toml").is_file():
        return beside
    return Path.cwd() / "data"


DATA_DIR = data_dir()
