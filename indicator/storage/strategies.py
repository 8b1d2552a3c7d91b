"""Smart Village strategies of the theme groups and their actions (toimenpiteet), with the audit log.

A strategy belongs to one group of a saved grouping (``grouping`` = the name of its ``grouping`` document,
``area``, ``group``); saving a strategy for a group that has one replaces its texts and keeps its actions.
An action belongs to one strategy; deleting a strategy deletes its actions. Every change writes an audit
row in the same transaction. What a strategy or an action may contain (known items, the group's villages)
is checked by ``indicator.strategies`` before it is stored; here only what the tables need.
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
from indicator.storage.schema import ACTION_STATUSES, Role, actions, strategies

STRATEGY_COLUMNS: tuple[str, ...] = ("id", "grouping", "area", "group", "theme", "name", "vision", "dimensions",
                                     "items", "villages", "created_at", "updated_at", "actor")
ACTION_COLUMNS: tuple[str, ...] = ("id", "strategy_id", "title", "description", "villages", "items", "starts_on",
                                   "ends_on", "status", "experiment", "learnt", "created_at", "updated_at",
                                   "actor")


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _check_action(title: str, status: str, starts_on: date | None, ends_on: date | None) -> None:
    if not title:
        raise StorageError("an action needs a title", code="strategy.action_no_title")
    if status not in ACTION_STATUSES:
        raise StorageError(f"unknown action status {status!r}; choose one of {', '.join(ACTION_STATUSES)}",
                           code="strategy.bad_status", params={"status": status})
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise StorageError(f"the action ends ({ends_on}) before it starts ({starts_on})",
                           code="strategy.ends_before_start",
                           params={"starts_on": str(starts_on), "ends_on": str(ends_on)})


class Strategies:
    """The strategies and actions of one database (``Store.strategies``)."""

    def __init__(self, database: Database) -> None:
        self.db = database

    # --- strategies -----------------------------------------------------------------------------------

    def save(
        self, *, grouping: str, area: str, group: int, name: str, theme: str | None = None, vision: str = "",
        dimensions: Iterable[str] = (), items: Iterable[str] = (), villages: Iterable[str] = (),
        actor: str = "anonymous",
    ) -> int:
        """Save the strategy of one group (replacing the texts of the one it has); returns its id."""
        name = _text(name)
        if not _text(grouping) or not name:
            raise StorageError("a strategy needs a saved grouping and a name", code="strategy.incomplete")
        values = {"theme": theme or None, "name": name, "vision": _text(vision) or None,
                  "dimensions": to_json(list(dimensions)), "items": to_json(list(items)),
                  "villages": to_json(list(villages)), "updated_at": utcnow(), "actor": actor}
        key = {"grouping": _text(grouping), "area": _text(area), "group_number": int(group)}
        where = sa.and_(*(strategies.c[k] == v for k, v in key.items()))
        with self.db.write() as conn:
            found = conn.execute(sa.select(strategies.c.id).where(where)).scalar_one_or_none()
            if found is None:
                found = conn.execute(sa.insert(strategies).values(**key, **values, created_at=values["updated_at"])
                                     .returning(strategies.c.id)).scalar_one()
                action = "add_strategy"
            else:
                conn.execute(sa.update(strategies).where(strategies.c.id == found).values(values))
                action = "update_strategy"
            self.db.audit(conn, actor, Role.ADMIN, action, strategy_id=int(found), name=name, area=key["area"],
                          group=key["group_number"])
        return int(found)

    def delete(self, strategy_id: int, actor: str = "anonymous") -> bool:
        """Delete a strategy and its actions; False when there was none."""
        with self.db.write() as conn:
            dropped = conn.execute(sa.delete(actions).where(actions.c.strategy_id == strategy_id)).rowcount
            gone = conn.execute(sa.delete(strategies).where(strategies.c.id == strategy_id)).rowcount
            if gone:
                self.db.audit(conn, actor, Role.ADMIN, "delete_strategy", strategy_id=strategy_id, actions=dropped)
        return bool(gone)

    def table(self) -> pd.DataFrame:
        """Every strategy in (grouping, area, group) order: id, grouping, area, group, theme, name, vision,
        dimensions, items, villages (lists), created_at, updated_at (UTC), actor."""
        query = sa.select(strategies).order_by(strategies.c.grouping, strategies.c.area, strategies.c.group_number)
        with self.db.read() as conn:
            table = frame_of(conn.execute(query)).rename(columns={"group_number": "group"})
        for column in ("dimensions", "items", "villages"):
            table[column] = json_column(table[column], missing=list)
        for column in ("created_at", "updated_at"):
            table[column] = utc_column(table[column])
        table["vision"] = table["vision"].fillna("").astype(object)
        return table[list(STRATEGY_COLUMNS)].astype({"id": "int64", "group": "int64"})

    # --- actions --------------------------------------------------------------------------------------

    def add_action(
        self, strategy_id: int, *, title: str, description: str = "", villages: Iterable[str] = (),
        items: Iterable[str] = (), starts_on: date | None = None, ends_on: date | None = None,
        status: str = "planned", experiment: bool = False, learnt: str = "", actor: str = "anonymous",
    ) -> int:
        """Add an action to a strategy; returns its id."""
        values = self._action_values(title, description, villages, items, starts_on, ends_on, status,
                                     experiment, learnt, actor)
        with self.db.write() as conn:
            if conn.execute(sa.select(strategies.c.id).where(strategies.c.id == strategy_id)).first() is None:
                raise StorageError(f"no strategy {strategy_id}", code="strategy.no_strategy",
                                   params={"id": strategy_id})
            new_id = conn.execute(sa.insert(actions).values(strategy_id=strategy_id, created_at=values["updated_at"],
                                                            **values).returning(actions.c.id)).scalar_one()
            self.db.audit(conn, actor, Role.ADMIN, "add_action", strategy_id=strategy_id, action_id=int(new_id),
                          title=values["title"])
        return int(new_id)

    def update_action(
        self, action_id: int, *, title: str, description: str = "", villages: Iterable[str] = (),
        items: Iterable[str] = (), starts_on: date | None = None, ends_on: date | None = None,
        status: str = "planned", experiment: bool = False, learnt: str = "", actor: str = "anonymous",
    ) -> bool:
        """Replace an action's contents; False when there is no such action."""
        values = self._action_values(title, description, villages, items, starts_on, ends_on, status,
                                     experiment, learnt, actor)
        with self.db.write() as conn:
            done = conn.execute(sa.update(actions).where(actions.c.id == action_id).values(values)).rowcount
            if done:
                self.db.audit(conn, actor, Role.ADMIN, "update_action", action_id=action_id, status=status)
        return bool(done)

    def delete_action(self, action_id: int, actor: str = "anonymous") -> bool:
        """Delete one action; False when there was none."""
        with self.db.write() as conn:
            gone = conn.execute(sa.delete(actions).where(actions.c.id == action_id)).rowcount
            if gone:
                self.db.audit(conn, actor, Role.ADMIN, "delete_action", action_id=action_id)
        return bool(gone)

    def actions(self, strategy_id: int | None = None) -> pd.DataFrame:
        """Actions (of one strategy) by start date (undated last): id, strategy_id, title, description, villages, items
        (lists), starts_on, ends_on (dates or None), status, experiment (bool), learnt, created_at,
        updated_at (UTC), actor."""
        query = sa.select(actions).order_by(actions.c.strategy_id, actions.c.starts_on.nulls_last(), actions.c.id)
        if strategy_id is not None:
            query = query.where(actions.c.strategy_id == strategy_id)
        with self.db.read() as conn:
            table = frame_of(conn.execute(query))
        for column in ("villages", "items"):
            table[column] = json_column(table[column], missing=list)
        for column in ("created_at", "updated_at"):
            table[column] = utc_column(table[column])
        for column in ("description", "learnt"):
            table[column] = table[column].fillna("").astype(object)
        table["experiment"] = table["experiment"].astype(bool)
        for column in ("starts_on", "ends_on"):
            table[column] = table[column].map(_as_date).astype(object)
        return table[list(ACTION_COLUMNS)].astype({"id": "int64", "strategy_id": "int64"})

    @staticmethod
    def _action_values(title: str, description: str, villages: Iterable[str], items: Iterable[str],
                       starts_on: date | None, ends_on: date | None, status: str, experiment: bool,
                       learnt: str, actor: str) -> dict[str, Any]:
        title, status = _text(title), _text(status)
        _check_action(title, status, starts_on, ends_on)
        return {"title": title, "description": _text(description) or None, "villages": to_json(list(villages)),
                "items": to_json(list(items)), "starts_on": starts_on, "ends_on": ends_on, "status": status,
                "experiment": bool(experiment), "learnt": _text(learnt) or None, "updated_at": utcnow(),
                "actor": actor}


def _as_date(value: object) -> date | None:
    """A stored date (SQLite may hand back text) as a ``date``; None for a missing one."""
    if value is None or (not isinstance(value, date) and pd.isna(value)):
        return None
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])
