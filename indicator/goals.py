"""The project's own quantitative goals (``data/goals.toml``) and how far the recorded activities got.

The goals are data: sub-projects, goals and per-project targets ``min``–``max`` (e.g. 2–3 kick-off
events). Coordinators record activities with ``store.activities.add`` (date, goal, project as ``area``,
what, groups, villages, note); each record counts as one towards its goal for its project, or for every
project with that goal when it was joint (no area). A goal with ``counted_from`` (``strategies``,
``actions``, ``experiments``, ``theme_groups``) counts the records of the Strategiat and Teemaryhmät pages
instead (``indicator.strategies.goal_credits``); activity records for it are not counted, so nothing is
entered twice.

>>> goals = loads('''
... [[projects]]
... id = "a"
... name = "A"
... [[goals]]
... id = "events"
... name = "Events"
... targets = { a = { min = 2, max = 3 } }
... ''')
>>> table = goal_progress(goals, pd.DataFrame({"goal_id": ["events"], "area": ["a"]}))
>>> table[["project", "goal", "done", "min", "max", "status"]].to_dict("records")
[{'project': 'a', 'goal': 'events', 'done': 1, 'min': 2, 'max': 3, 'status': 'in_progress'}]
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pandas as pd

from indicator.errors import IndicatorError, clip
from indicator.framework import text
from indicator.i18n import fmt_date, t
from indicator.paths import DATA_DIR

DEFAULT_PATH = DATA_DIR / "goals.toml"
JOINT = "all"
"""The project value of an activity done jointly: it counts for every project that has the goal."""
STATUSES: tuple[str, ...] = ("not_started", "in_progress", "reached", "max_reached")
SOURCES: tuple[str, ...] = ("activities", "strategies", "actions", "experiments", "theme_groups")
"""What a goal counts (its ``counted_from``): activity records (the default) or the records of strategies."""
PROGRESS_COLUMNS: tuple[str, ...] = ("project", "goal", "done", "min", "max", "share", "status")

Texts = Mapping[str, str]


@dataclass(frozen=True)
class Project:
    id: str
    name: Texts


@dataclass(frozen=True)
class Target:
    project: str
    min: int
    max: int


@dataclass(frozen=True)
class Goal:
    id: str
    name: Texts
    targets: tuple[Target, ...]
    note: Texts = field(default_factory=lambda: MappingProxyType({}))
    counted_from: str = "activities"

    def target(self, project: str) -> Target | None:
        return next((t for t in self.targets if t.project == project), None)


@dataclass(frozen=True)
class Goals:
    """Sub-projects and their goals, in file order."""

    projects: tuple[Project, ...]
    goals: tuple[Goal, ...]
    source: str = "<string>"

    def goal(self, goal_id: str) -> Goal:
        return self._one(self.goals, goal_id, "project goal", code="goals.unknown_goal")

    def project(self, project_id: str) -> Project:
        return self._one(self.projects, project_id, "sub-project", code="goals.unknown_project")

    def _one(self, entries: tuple[Any, ...], ident: str, kind: str, *, code: str) -> Any:
        """The entry with id ``ident``; an unknown id is an error naming the ``kind`` of entry."""
        found = next((e for e in entries if e.id == ident), None)
        if found is None:
            raise IndicatorError(f"unknown {kind} {ident!r}", code=code, params={"id": clip(ident)}, file=self.source)
        return found

    def targets_frame(self) -> pd.DataFrame:
        """One row per (project, goal) that has a target: project, goal, min, max (goal order kept)."""
        rows = [
            {"project": t.project, "goal": g.id, "min": t.min, "max": t.max}
            for p in self.projects
            for g in self.goals
            if (t := g.target(p.id)) is not None
        ]
        return pd.DataFrame(rows, columns=["project", "goal", "min", "max"]).astype(
            {"project": object, "goal": object, "min": "int64", "max": "int64"}
        )


# --- loading ------------------------------------------------------------------------------------------


def _texts(table: Mapping[str, Any], key: str, entry: str, errors: list[str], required: bool = True) -> Texts:
    value = table.get(key)
    if value is None and not required:
        return MappingProxyType({})
    if isinstance(value, str) and value.strip():
        return MappingProxyType({"fi": value, "sv": value, "en": value})
    if isinstance(value, Mapping) and value and all(isinstance(v, str) and v.strip() for v in value.values()):
        return MappingProxyType(dict(value))
    errors.append(f"{entry}: '{key}' must be a text or a table of texts by language (fi, sv, en)")
    return MappingProxyType({})


def _ident(table: Mapping[str, Any], entry: str, errors: list[str]) -> str:
    value = table.get("id")
    if not isinstance(value, str) or not value.strip() or value == JOINT:
        errors.append(f"{entry}: 'id' must be a non-empty text other than {JOINT!r}")
        return f"?{entry}"
    return value


def _count(value: Any, entry: str, key: str, errors: list[str]) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        errors.append(f"{entry}: '{key}' must be a whole number >= 1, got {value!r}")
        return 1
    return value


def _targets(
    table: Mapping[str, Any], entry: str, projects: set[str], errors: list[str]
) -> tuple[Target, ...]:
    raw = table.get("targets")
    if not isinstance(raw, Mapping) or not raw:
        errors.append(f"{entry}: 'targets' must be a table {{ <project> = {{ min = N, max = M }} }}")
        return ()
    targets = []
    for project, spec in raw.items():
        where = f"{entry}, target {project!r}"
        if project not in projects:
            errors.append(f"{where}: unknown project")
        if not isinstance(spec, Mapping):
            errors.append(f"{where}: must be a table {{ min = N, max = M }}")
            continue
        low = _count(spec.get("min"), where, "min", errors)
        high = _count(spec.get("max", low), where, "max", errors)
        if high < low:
            errors.append(f"{where}: 'max' {high} is below 'min' {low}")
        targets.append(Target(project, low, high))
    return tuple(targets)


def parse(raw: Mapping[str, Any], source: str = "<string>") -> Goals:
    """Build validated Goals from parsed TOML; raise IndicatorError listing every broken rule."""
    errors: list[str] = []
    projects = []
    for n, table in enumerate(raw.get("projects") or [], start=1):
        ident = _ident(table, f"project #{n}", errors)
        projects.append(Project(ident, _texts(table, "name", f"project '{ident}'", errors)))
    if not projects:
        errors.append("[[projects]]: at least one project is needed")
    project_ids = {p.id for p in projects}
    goals = []
    for n, table in enumerate(raw.get("goals") or [], start=1):
        ident = _ident(table, f"goal #{n}", errors)
        entry = f"goal '{ident}'"
        name = _texts(table, "name", entry, errors)
        note = _texts(table, "note", entry, errors, required=False)
        counted_from = table.get("counted_from", "activities")
        if counted_from not in SOURCES:
            errors.append(f"{entry}: 'counted_from' must be one of {', '.join(SOURCES)}, got {counted_from!r}")
        goals.append(Goal(ident, name, _targets(table, entry, project_ids, errors), note, str(counted_from)))
    for kind, ids in (("project", [p.id for p in projects]), ("goal", [g.id for g in goals])):
        errors.extend(f"{kind} '{i}': duplicate id" for i in sorted({i for i in ids if ids.count(i) > 1}))
    if errors:
        raise IndicatorError("; ".join(errors), code="goals.invalid", params={"problems": "; ".join(errors)},
                             file=source)
    return Goals(tuple(projects), tuple(goals), source)


def loads(content: str, source: str = "<string>") -> Goals:
    """Parse goals TOML text."""
    try:
        return parse(tomllib.loads(content), source)
    except tomllib.TOMLDecodeError as exc:
        raise IndicatorError(f"not valid TOML: {exc}", code="goals.bad_toml", params={"detail": str(exc)},
                             file=source) from None


def load(path: str | Path = DEFAULT_PATH) -> Goals:
    """Read and validate a goals file (default: the shipped ``data/goals.toml``)."""
    path = Path(path)
    try:
        return loads(path.read_text(encoding="utf-8"), source=str(path))
    except (OSError, UnicodeDecodeError) as exc:
        raise IndicatorError(f"cannot read the goals file: {exc}", code="goals.cannot_read",
                             params={"detail": str(exc)}, file=str(path)) from None


# --- progress -----------------------------------------------------------------------------------------


def _expand_joint(goals: Goals, activities: pd.DataFrame) -> pd.DataFrame:
    """One row per (project, goal) credit: a joint record becomes one row per project with that goal.

    ``activities`` has the columns of ``Store.activities()``: ``goal_id`` and ``area`` (the project;
    empty, missing or ``JOINT`` for a joint record), optionally ``count`` (default 1).
    """
    area = activities["area"] if "area" in activities else pd.Series(None, index=activities.index)
    frame = pd.DataFrame(
        {
            "goal": activities["goal_id"].astype(object),
            "project": area.astype(object).where(area.notna() & (area.astype(object) != ""), JOINT),
            "count": pd.to_numeric(activities["count"], errors="coerce").fillna(1)
            if "count" in activities
            else 1,
        }
    )
    targets = goals.targets_frame()[["project", "goal"]]
    joint = frame[frame["project"] == JOINT].drop(columns="project").merge(targets, on="goal")
    return pd.concat([frame[frame["project"] != JOINT], joint], ignore_index=True)


def goal_progress(goals: Goals, activities: pd.DataFrame | None) -> pd.DataFrame:
    """Done versus target per (project, goal): project, goal, done, min, max, share (done / min), status.

    Records for goals or projects without a target are ignored. ``status``: ``not_started`` (nothing
    done), ``in_progress`` (below min), ``reached`` (min reached), ``max_reached`` (the upper target too,
    when it is above min).
    """
    targets = goals.targets_frame()
    if activities is None or activities.empty or "goal_id" not in activities:
        done = pd.DataFrame({"project": [], "goal": [], "done": []})
    else:
        credits = _expand_joint(goals, activities)
        done = credits.groupby(["project", "goal"], as_index=False)["count"].sum()
        done = done.rename(columns={"count": "done"})
    table = targets.merge(done, on=["project", "goal"], how="left")
    table["done"] = table["done"].fillna(0).astype("int64")
    table["share"] = table["done"] / table["min"]
    status = pd.Series("not_started", index=table.index, dtype=object)
    status[table["done"] > 0] = "in_progress"
    status[table["done"] >= table["min"]] = "reached"
    status[(table["max"] > table["min"]) & (table["done"] >= table["max"])] = "max_reached"
    table["status"] = status
    return table[list(PROGRESS_COLUMNS)].reset_index(drop=True)


def credits_table(goals: Goals, activities: pd.DataFrame | None, derived: pd.DataFrame | None = None) -> pd.DataFrame:
    """What counts toward the goals: the activity records of goals counted from activities, then the
    ``derived`` records (``indicator.strategies.goal_credits``) of the others; columns ``goal_id, area``."""
    parts = []
    if activities is not None and len(activities) and "goal_id" in activities:
        own = activities[activities["goal_id"].isin(recordable(goals))]
        parts.append(own.reindex(columns=["goal_id", "area"]))
    if derived is not None and len(derived):
        parts.append(derived[["goal_id", "area"]])
    if not parts:
        return pd.DataFrame({"goal_id": pd.Series(dtype=object), "area": pd.Series(dtype=object)})
    return pd.concat(parts, ignore_index=True).astype(object)


def recordable(goals: Goals) -> list[str]:
    """The ids of the goals that coordinators record as activities (the others count other records)."""
    return [g.id for g in goals.goals if g.counted_from == "activities"]


def summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per project: goals, reached (status reached or max_reached) and the share reached."""
    reached = table["status"].isin(["reached", "max_reached"])
    out = (
        table.assign(reached=reached)
        .groupby("project", sort=False, as_index=False)
        .agg(goals=("goal", "size"), reached=("reached", "sum"))
    )
    out["share"] = out["reached"] / out["goals"]
    return out


def check_activity(goals: Goals, *, goal: str, project: str, when: date | None, what: str) -> None:
    """Refuse an activity record that cannot count: unknown goal, project without that goal, no text."""
    target_goal = goals.goal(goal)
    if project == JOINT:
        if not target_goal.targets:
            raise IndicatorError(f"goal {goal!r} has no targets", code="goals.no_targets",
                                 params={"goal": clip(goal)}, file=goals.source)
    elif target_goal.target(goals.project(project).id) is None:
        raise IndicatorError(f"project {project!r} has no target for goal {goal!r}", code="goals.no_target",
                             params={"project": clip(project), "goal": clip(goal)}, file=goals.source)
    if when is None:
        raise IndicatorError("the activity needs a date", code="goals.activity_date")
    if not what or not what.strip():
        raise IndicatorError("the activity needs a description (what was done)", code="goals.activity_text")


# --- texts for the screen -----------------------------------------------------------------------------


def target_text(low: int, high: int) -> str:
    """A target as written: ``3`` or ``2–3``."""
    return f"{low}" if low == high else f"{low}–{high}"


def names(goals: Goals, lang: str = "fi") -> tuple[dict[str, str], dict[str, str]]:
    """(goal id -> name, project id -> name) in ``lang``; the joint project is named too."""
    goal_names = {g.id: text(g.name, lang) for g in goals.goals}
    project_names = {p.id: text(p.name, lang) for p in goals.projects} | {JOINT: t("goals.project.all", lang)}
    return goal_names, project_names


def progress_frame(table: pd.DataFrame, goals: Goals, lang: str = "fi") -> pd.DataFrame:
    """``goal_progress`` for a table on screen: names, "done", "target" and status in words."""
    goal_names, project_names = names(goals, lang)
    return pd.DataFrame(
        {
            t("goals.col.goal", lang): table["goal"].map(goal_names),
            t("goals.col.project", lang): table["project"].map(project_names),
            t("goals.col.done", lang): table["done"],
            t("goals.col.target", lang): [
                target_text(a, b) for a, b in zip(table["min"], table["max"], strict=True)
            ],
            t("goals.col.status", lang): table["status"].map(lambda s: t(f"goals.status.{s}", lang)),
        }
    )


def records_frame(activities: pd.DataFrame, goals: Goals, lang: str = "fi") -> pd.DataFrame:
    """``Store.activities()`` for a table on screen, newest first: date, goal, project, what, groups,
    villages, note (the recorded texts as they are; the screen shows them as plain text)."""
    goal_names, project_names = names(goals, lang)
    rows = activities.sort_values(["done_on", "id"], ascending=False)
    return pd.DataFrame(
        {
            t("goals.col.date", lang): rows["done_on"].map(lambda d: fmt_date(d, lang)),
            t("goals.col.goal", lang): rows["goal_id"].map(lambda g: goal_names.get(g, g)),
            t("goals.col.project", lang): rows["area"].map(
                lambda a: project_names.get(JOINT if pd.isna(a) or a == "" else a, a)
            ),
            t("goals.col.what", lang): rows["title"],
            t("goals.col.groups", lang): rows["groups"].map(lambda v: ", ".join(map(str, v))),
            t("goals.col.villages", lang): rows["villages"].map(lambda v: ", ".join(map(str, v))),
            t("goals.col.note", lang): rows["note"].fillna(""),
        }
    ).reset_index(drop=True)


def alt_text(table: pd.DataFrame, goals: Goals, lang: str = "fi") -> str:
    """The goals chart in words: every goal's done / target per project."""
    goal_names, project_names = names(goals, lang)
    items = "; ".join(
        t(
            "goals.chart.alt_item",
            lang,
            goal=goal_names[r.goal],
            project=project_names[r.project],
            done=r.done,
            target=target_text(r.min, r.max),
        )
        for r in table.itertuples()
    )
    return t("goals.chart.alt", lang, items=items)
