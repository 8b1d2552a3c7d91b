"""Loading the shipped demo surveys (``data/demo/<round>/*``) into a database.

The files are ordinary survey exports of several tools; each is read, stored and approved like any
upload (role admin, actor ``demo``), round by round and in name order within a round. Loading twice
stores nothing new. The files are written by ``python -m tools.make_demo`` (not part of the library).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from indicator.framework import Framework
from indicator.storage.schema import Role

if TYPE_CHECKING:
    from indicator.storage.store import Store

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "demo"


def demo_files(directory: str | Path | None = None) -> list[tuple[Path, int]]:
    """The demo survey files (path, round) in ``directory`` (default ``DEMO_DIR``): every file of each
    four-digit round folder, rounds ascending, files in name order."""
    root = Path(directory) if directory is not None else DEMO_DIR
    files = []
    for folder in sorted(root.glob("[12][0-9][0-9][0-9]")):
        files += [(path, int(folder.name)) for path in sorted(folder.iterdir()) if path.is_file()]
    return files


def load_demo(store: Store, framework: Framework, directory: str | Path | None = None, actor: str = "demo") -> int:
    """Store and approve every demo file; returns how many were newly stored."""
    stored = 0
    for path, round_ in demo_files(directory):
        result = store.uploads.add(path.read_bytes(), path.name, round_, framework, role=Role.ADMIN, actor=actor,
                                   approve=True)
        stored += not result.duplicate
    return stored
