"""What the theme groups decided to do: Smart Village strategies and their actions, checked against the
framework and the group, counted toward the project's goals, and measured before and after.

A strategy belongs to one group of a saved grouping (``Store.strategies``); an action belongs to a
strategy. This module holds the rules that need the framework, the grouping or the goals file:

- ``check_strategy`` / ``check_action``: known dimensions and items, the group's own villages, dates;
- ``goal_credits``: the records that count toward the goals of ``data/goals.toml`` whose ``counted_from``
  is ``strategies``, ``actions``, ``experiments`` or ``theme_groups`` (docs/method.md §7.4), so nothing is
  entered twice;
- ``village_plans``: the strategies and actions a village takes part in (the village card);
- ``before_after``: each participating village's item scores before an action and at the latest round.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from indicator.errors import IndicatorError
from indicator.framework import Framework
from indicator.storage.schema import ACTION_STATUSES

if TYPE_CHECKING:
    from indicator.goals import Goals
    from indicator.scoring import Scores
    from indicator.storage import Store

STATUSES: tuple[str, ...] = ACTION_STATUSES
COUNTED: tuple[str, ...] = ("planned", "under_way", "done")
"""Action statuses that count toward the goals: every action but a dropped one."""
GROUPING_KIND = "grouping"
BEFORE_AFTER_COLUMNS: tuple[str, ...] = ("village", "item", "before_round", "before", "after_round", "after",
                                         "change")


class StrategyError(IndicatorError):
    """A strategy or an action that cannot be stored as given (unknown item, village outside the group...)."""


# --- checks ---------------------------------------------------------------------------------------------


def _unknown(given: Iterable[str], known: Iterable[str]) -> list[str]:
    known = set(known)
    return [g for g in given if g not in known]


def check_strategy(framework: Framework, *, name: str, dimensions: Iterable[str] = (),
                   items: Iterable[str] = ()) -> None:
    """Refuse a strategy without a name or with dimensions or items the framework does not have."""
    if not str(name or "").strip():
        raise StrategyError("a strategy needs a name", code="strategy.no_name")
    wrong = _unknown(dimensions, framework.dimension_ids) + _unknown(items, framework.item_ids)
    if wrong:
        raise StrategyError(f"unknown dimensions or items: {', '.join(wrong)}", code="strategy.unknown_ids",
                            params={"ids": ", ".join(wrong)})


def check_action(framework: Framework, group_villages: Iterable[str], *, title: str, villages: Iterable[str] = (),
                 items: Iterable[str] = (), starts_on: date | None = None, ends_on: date | None = None,
                 status: str = "planned") -> None:
    """Refuse an action without a title, with an unknown status or item, with a village outside its group,
    or ending before it starts."""
    if not str(title or "").strip():
        raise StrategyError("an action needs a title", code="strategy.action_no_title")
    if status not in STATUSES:
        raise StrategyError(f"unknown action status {status!r}; choose one of {', '.join(STATUSES)}",
                            code="strategy.bad_status", params={"status": status})
    wrong = _unknown(items, framework.item_ids)
    if wrong:
        raise StrategyError(f"unknown dimensions or items: {', '.join(wrong)}", code="strategy.unknown_ids",
                            params={"ids": ", ".join(wrong)})
    outside = _unknown(villages, group_villages)
    if outside:
        raise StrategyError(f"not villages of the group: {', '.join(outside)}", code="strategy.not_in_group",
                            params={"villages": ", ".join(outside)})
    if starts_on is not None and ends_on is not None and ends_on < starts_on:
        raise StrategyError(f"the action ends ({ends_on}) before it starts ({starts_on})",
                            code="strategy.ends_before_start",
                            params={"starts_on": str(starts_on), "ends_on": str(ends_on)})


# --- saved groupings ----------------------------------------------------------------------------------


def grouping_assignments(payload: object) -> pd.DataFrame | None:
    """The assignments (village, area, group, theme) of a saved grouping's payload, or None when it has none."""
    from indicator.charts.seminar import grouping_frame

    frame = grouping_frame(payload)
    if frame is None:
        return None
    return frame.assign(group=pd.to_numeric(frame["group"], errors="coerce").astype("Int64"))


def saved_groupings(store: Store) -> dict[str, pd.DataFrame]:
    """Every saved grouping with assignments, newest first: name -> (village, area, group, theme)."""
    docs = store.documents.table(GROUPING_KIND)
    if docs.empty:
        return {}
    ordered = docs.sort_values("created_at", ascending=False)
    found = {name: grouping_assignments(payload) for name, payload in zip(ordered["name"], ordered["payload"],
                                                                          strict=True)}
    return {name: frame for name, frame in found.items() if frame is not None}


def group_table(assignments: pd.DataFrame) -> pd.DataFrame:
    """One row per group of a grouping, in area and group order: area, group, theme, villages (sorted list)."""
    rows = (assignments.groupby(["area", "group"], sort=True, dropna=False)
            .agg(theme=("theme", "first"), villages=("village", lambda v: sorted(map(str, v), key=str.casefold)))
            .reset_index())
    return rows.astype({"area": object, "theme": object})


# --- goals ----------------------------------------------------------------------------------------------


def credit_area(area: object, villages: Iterable[str], registry: pd.DataFrame | None, projects: Iterable[str]) -> str:
    """The sub-project a record counts for: its area when that is a project, else the one Leader area of its
    villages in the registry, else ``all`` (joint: it counts once for every project with that goal)."""
    from indicator.goals import JOINT

    projects = set(projects)
    if isinstance(area, str) and area in projects:
        return area
    if registry is not None and len(registry):
        areas = dict(zip(registry["village"].astype(str), registry["leader_area"].astype(str), strict=False))
        found = {areas.get(str(v)) for v in villages}
        if len(found) == 1 and (only := found.pop()) in projects:
            return only
    return JOINT


def goal_credits(goals: Goals, strategies: pd.DataFrame, actions: pd.DataFrame,
                 groupings: Mapping[str, pd.DataFrame] | None = None,
                 registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """The records that count toward goals counted from strategies, actions, experiments and theme groups:
    columns ``goal_id, area`` (one row per credit, as ``Store.activities.table()`` has them).

    - ``strategies``: one per saved strategy; ``actions``: one per action that is not dropped;
      ``experiments``: one per action marked as an experiment that is not dropped (it also counts as an
      action); ``theme_groups``: one per group of the most recently saved grouping (``groupings`` newest
      first, as ``saved_groupings`` gives them).
    - Each counts for its group's Leader area (``credit_area``).
    """
    projects = [p.id for p in goals.projects]
    by_source: dict[str, list[str]] = {}
    for goal in goals.goals:
        by_source.setdefault(goal.counted_from, []).append(goal.id)
    areas = {int(r.id): credit_area(r.area, r.villages, registry, projects) for r in strategies.itertuples()}
    live = actions[actions["status"].isin(COUNTED)] if len(actions) else actions
    counted = {
        "strategies": list(areas.values()),
        "actions": [areas[int(s)] for s in live["strategy_id"] if int(s) in areas] if len(live) else [],
        "experiments": [areas[int(s)] for s, e in zip(live["strategy_id"], live["experiment"], strict=True)
                        if e and int(s) in areas] if len(live) else [],
        "theme_groups": [],
    }
    if groupings:
        latest = group_table(next(iter(groupings.values())))
        counted["theme_groups"] = [credit_area(r.area, r.villages, registry, projects) for r in latest.itertuples()]
    rows = [{"goal_id": goal_id, "area": area} for source, ids in by_source.items() for goal_id in ids
            for area in counted.get(source, [])]
    return pd.DataFrame(rows, columns=["goal_id", "area"]).astype(object)


def recorded(store: Store, goals: Goals, registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Everything that counts toward the goals, from ``store``: the activity records of goals counted from
    activities, plus ``goal_credits`` of the strategies, actions and latest saved grouping."""
    from indicator.goals import credits_table

    derived = goal_credits(goals, store.strategies.table(), store.strategies.actions(), saved_groupings(store),
                           registry)
    return credits_table(goals, store.activities.table(), derived)


# --- the village card ----------------------------------------------------------------------------------


def village_plans(village: str, strategies: pd.DataFrame, actions: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(strategies whose group the village is in, actions it takes part in) with the strategy's name on
    each action (``strategy`` column)."""
    own = strategies[strategies["villages"].map(lambda v: village in v)] if len(strategies) else strategies
    if not len(actions):
        return own, actions.assign(strategy=pd.Series(dtype=object))
    names = dict(zip(strategies["id"], strategies["name"], strict=True))
    taking_part = actions[actions["villages"].map(lambda v: village in v)]
    return own, taking_part.assign(strategy=taking_part["strategy_id"].map(names))


# --- before and after -----------------------------------------------------------------------------------


def before_after(scores: Scores, villages: Iterable[str], items: Iterable[str], starts_on: date | None) -> pd.DataFrame:
    """Each village's item scores before an action and at the latest round after that (docs/method.md §7.5).

    ``before``: the latest round with a score up to the action's start year (without a start date, or with
    no round that early, the first round with a score); ``after``: the latest round with a score after the
    ``before`` round (empty while there is none). ``change`` = after − before. One row per village and item
    (in the order given); scores of private rounds (too few respondents) are missing, as everywhere.
    """
    villages, items = list(dict.fromkeys(villages)), list(dict.fromkeys(items))
    long = scores.item_scores.reindex(columns=items).stack(future_stack=True).rename("score").reset_index()
    long.columns = ["village", "round", "item", "score"]
    long = long.dropna(subset=["score"])
    long = long[long["village"].isin(villages)].astype({"round": "int64"})
    rows = []
    for village in villages:
        for item in items:
            series = long[(long["village"] == village) & (long["item"] == item)].sort_values("round")
            rows.append(_before_after_row(village, item, series, starts_on))
    out = pd.DataFrame(rows, columns=list(BEFORE_AFTER_COLUMNS))
    return out.astype({"before_round": "Int64", "after_round": "Int64", "before": float, "after": float,
                       "change": float})


def _before_after_row(village: str, item: str, series: pd.DataFrame, starts_on: date | None) -> dict:
    row = {"village": village, "item": item, "before_round": None, "before": None, "after_round": None,
           "after": None, "change": None}
    if series.empty:
        return row
    early = series[series["round"] <= starts_on.year] if starts_on is not None else series.iloc[:0]
    before = early.iloc[-1] if len(early) else series.iloc[0]
    row.update(before_round=int(before["round"]), before=float(before["score"]))
    later = series[series["round"] > before["round"]]
    if len(later):
        after = later.iloc[-1]
        row.update(after_round=int(after["round"]), after=float(after["score"]),
                   change=float(after["score"]) - float(before["score"]))
    return row
