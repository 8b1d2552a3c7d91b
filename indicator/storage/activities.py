"""Project-goal activities: done actions toward the Leader projects' goals (``data/goals.toml``).

An activity names its goal, a title and the day it was done, optionally the Leader area, theme groups
and villages it concerns. Every add and delete writes an audit row.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import pandas as pd
import sqlalchemy as sa

from indicator.errors import StorageError
from indicator.storage.convert import frame_of, json_column, to_json, utc_column, utcnow
from indicator.storage.engine import Database
from indicator.storage.schema import Role, activities


class Activities:
    """The project-goal records of one database (``Store.activities``)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    def add(
        self, goal_id: str, title: str, done_on: date, *, area: str | None = None, groups: Iterable[Any] = (),
        villages: Iterable[str] = (), note: str | None = None, actor: str = "anonymous",
    ) -> int:
        """Record one action toward a project goal (e.g. a kick-off event held); returns its id."""
        if not str(goal_id).strip() or not str(title).strip():
            raise StorageError("an activity needs a goal and a title", code="storage.activity_incomplete")
        row = {"goal_id": goal_id, "title": title, "done_on": done_on, "area": area,
               "groups": to_json(list(groups)), "villages": to_json(list(villages)), "note": note,
               "actor": actor, "created_at": utcnow()}
        with self.db.write() as conn:
            new_id = conn.execute(sa.insert(activities).values(row).returning(activities.c.id)).scalar_one()
            self.db.audit(conn, actor, Role.ADMIN, "add_activity", goal_id=goal_id, activity_id=new_id)
        return int(new_id)

    def table(self) -> pd.DataFrame:
        """Every record, oldest first: id, goal_id, area, done_on (date), title, groups (list), villages
        (list), note, actor, created_at (UTC)."""
        with self.db.read() as conn:
            table = frame_of(conn.execute(sa.select(activities).order_by(activities.c.done_on, activities.c.id)))
        for column in ("groups", "villages"):
            table[column] = json_column(table[column], missing=list)
        table["created_at"] = utc_column(table["created_at"])
        return table

    def delete(self, activity_id: int, actor: str = "anonymous") -> bool:
        """Delete one record; False when there was none."""
        with self.db.write() as conn:
            gone = conn.execute(sa.delete(activities).where(activities.c.id == activity_id)).rowcount
            if gone:
                self.db.audit(conn, actor, Role.ADMIN, "delete_activity", activity_id=activity_id)
        return bool(gone)
