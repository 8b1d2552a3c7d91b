"""Loading the shipped demo surveys (``data/demo/<round>/*``) and the demo's plans into a database.

The files are ordinary survey exports of several tools; each is read, stored and approved like any
upload (role admin, actor ``demo``), round by round and in name order within a round. Loading twice
stores nothing new. The files are written by ``python -m tools.make_demo`` (not part of the library).

Then, into a database that has neither a saved grouping nor a strategy, the demo's theme groups
(``data/demo/groups.csv``, what ``groups --round 2024`` gives for the demo) are saved as a grouping, and
the strategies and actions of ``data/demo/strategies.toml`` are stored for two of its groups.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from indicator.errors import StorageError
from indicator.framework import Framework
from indicator.paths import DATA_DIR
from indicator.storage.schema import Role

if TYPE_CHECKING:
    from indicator.storage.store import Store

DEMO_DIR = DATA_DIR / "demo"
DEMO_GROUPS = "groups.csv"
DEMO_STRATEGIES = "strategies.toml"


def demo_files(directory: str | Path | None = None) -> list[tuple[Path, int]]:
    """The demo survey files (path, round) in ``directory`` (default ``DEMO_DIR``): every file of each
    four-digit round folder, rounds ascending, files in name order."""
    root = Path(directory) if directory is not None else DEMO_DIR
    files = []
    for folder in sorted(root.glob("[12][0-9][0-9][0-9]")) if root.is_dir() else []:
        files += [(path, int(folder.name)) for path in sorted(folder.iterdir()) if path.is_file()]
    return files


def load_demo(store: Store, framework: Framework, directory: str | Path | None = None, actor: str = "demo") -> int:
    """Store and approve every demo file; returns how many were newly stored. StorageError when there are
    no demo files (e.g. the package installed with pip and run outside the checkout)."""
    files = demo_files(directory)
    if not files:
        root = Path(directory) if directory is not None else DEMO_DIR
        raise StorageError(f"no demo files in {root}", code="storage.no_demo_files", params={"folder": root.name})
    stored = 0
    for path, round_ in files:
        result = store.uploads.add(path.read_bytes(), path.name, round_, framework, role=Role.ADMIN, actor=actor,
                                   approve=True)
        stored += not result.duplicate
    load_demo_plans(store, framework, directory, actor)
    return stored


def load_demo_plans(store: Store, framework: Framework, directory: str | Path | None = None,
                    actor: str = "demo") -> int:
    """Save the demo grouping and store its strategies and actions, unless the database already has a
    saved grouping or a strategy (or the files are missing); returns how many strategies were stored."""
    from indicator.impact import read_groups
    from indicator.strategies import check_action, check_strategy

    root = Path(directory) if directory is not None else DEMO_DIR
    groups_file, plans_file = root / DEMO_GROUPS, root / DEMO_STRATEGIES
    if not groups_file.exists() or not plans_file.exists():
        return 0
    if len(store.strategies.table()) or len(store.documents.table("grouping")):
        return 0
    groups = read_groups(groups_file)
    plans = tomllib.loads(plans_file.read_text(encoding="utf-8"))
    name = plans["grouping"]
    store.documents.save("grouping", name, {"round": plans.get("grouping_round"), "size": 5, "by": "leader_area",
                                            "assignments": groups.to_dict("records")}, actor=actor)
    for entry in plans.get("strategies", []):
        members = groups[(groups["area"] == entry["area"]) & (groups["group"] == entry["group"])]
        villages = sorted(members["village"], key=str.casefold)
        check_strategy(framework, name=entry["name"], dimensions=entry.get("dimensions", ()),
                       items=entry.get("items", ()))
        strategy_id = store.strategies.save(
            grouping=name, area=entry["area"], group=entry["group"], theme=members["theme"].iloc[0],
            name=entry["name"], vision=entry.get("vision", ""), dimensions=entry.get("dimensions", ()),
            items=entry.get("items", ()), villages=villages, actor=actor)
        for action in entry.get("actions", []):
            fields = {k: action.get(k) for k in ("title", "villages", "items", "starts_on", "ends_on", "status")}
            check_action(framework, villages, **fields)
            store.strategies.add_action(strategy_id, **fields, description=action.get("description", ""),
                                        experiment=bool(action.get("experiment")), learnt=action.get("learnt", ""),
                                        actor=actor)
    return len(plans.get("strategies", []))


def demo_groups(directory: str | Path | None = None) -> pd.DataFrame:
    """The demo's theme groups (``data/demo/groups.csv``): village, area, group, theme."""
    from indicator.impact import read_groups

    return read_groups((Path(directory) if directory is not None else DEMO_DIR) / DEMO_GROUPS)
