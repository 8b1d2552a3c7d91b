"""Project goals: the shipped goals file and done-versus-target counting, with hand-computed numbers."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator import goals as g
from indicator.errors import IndicatorError

SMALL = """
[[projects]]
id = "a"
name = { fi = "A-hanke", sv = "A-projekt", en = "Project A" }

[[projects]]
id = "b"
name = "B"

[[goals]]
id = "events"
name = { fi = "Tapahtumat", sv = "Evenemang", en = "Events" }
targets = { a = { min = 2, max = 3 }, b = { min = 1, max = 2 } }

[[goals]]
id = "trip"
name = "Trip"
targets = { a = { min = 1 } }

[[goals]]
id = "seminar"
name = "Seminar"
targets = { a = { min = 1 }, b = { min = 1 } }
"""


@pytest.fixture()
def small() -> g.Goals:
    return g.loads(SMALL, source="small-goals.toml")


def records(*rows: tuple[str, str | None]) -> pd.DataFrame:
    """Activities as ``Store.activities.table()`` gives them (goal_id, area), one per (goal, project)."""
    return pd.DataFrame({"goal_id": [r[0] for r in rows], "area": [r[1] for r in rows]})


def test_shipped_goals_match_the_project_plan() -> None:
    goals = g.load()
    targets = goals.targets_frame().set_index(["project", "goal"])
    assert [p.id for p in goals.projects] == ["sepra", "kasvu"]
    assert tuple(targets.loc[("sepra", "start_events")]) == (2, 3)
    assert tuple(targets.loc[("kasvu", "start_events")]) == (1, 2)
    assert tuple(targets.loc[("sepra", "study_trip")]) == (1, 1)
    assert ("kasvu", "study_trip") not in targets.index
    assert tuple(targets.loc[("kasvu", "indicator")]) == (1, 1)
    assert ("sepra", "indicator") not in targets.index
    for goal, n in [
        ("theme_groups", 3),
        ("group_meetings", 9),
        ("joint_debrief", 1),
        ("strategies", 3),
        ("actions", 6),
        ("experiments", 3),
        ("closing_seminar", 1),
    ]:
        assert tuple(targets.loc[("sepra", goal)]) == (n, n)
        assert tuple(targets.loc[("kasvu", goal)]) == (n, n)
    assert len(targets) == 18
    for goal in goals.goals:
        assert set(goal.name) == {"fi", "sv", "en"}, goal.id


def test_progress_counts_records_per_project_by_hand(small: g.Goals) -> None:
    acts = records(
        ("events", "a"),
        ("events", "a"),
        ("events", "a"),
        ("events", "b"),
        ("trip", "b"),
        ("seminar", None),
        ("unknown", "a"),
    )
    table = g.goal_progress(small, acts).set_index(["project", "goal"])
    # a: 3 events of 2-3 -> max reached; the trip was recorded for b, which has no trip target
    assert table.loc[("a", "events"), ["done", "status"]].tolist() == [3, "max_reached"]
    assert table.loc[("a", "events"), "share"] == pytest.approx(1.5)
    assert table.loc[("a", "trip"), ["done", "status"]].tolist() == [0, "not_started"]
    assert table.loc[("b", "events"), ["done", "status"]].tolist() == [1, "reached"]
    # the joint seminar counts once for each project
    assert table.loc[("a", "seminar"), "done"] == 1
    assert table.loc[("b", "seminar"), "done"] == 1
    assert len(table) == 5


def test_in_progress_and_summary(small: g.Goals) -> None:
    table = g.goal_progress(small, records(("events", "a"), ("seminar", "")))
    by = table.set_index(["project", "goal"])
    assert by.loc[("a", "events"), "status"] == "in_progress"
    assert by.loc[("a", "events"), "share"] == pytest.approx(0.5)
    summary = g.summary(table).set_index("project")
    assert summary.loc["a", "goals"] == 3 and summary.loc["a", "reached"] == 1
    assert summary.loc["b", "goals"] == 2 and summary.loc["b", "reached"] == 1
    assert summary.loc["b", "share"] == pytest.approx(0.5)


def test_no_activities_means_nothing_started(small: g.Goals) -> None:
    for acts in (None, pd.DataFrame(columns=["goal_id", "area"])):
        table = g.goal_progress(small, acts)
        assert (table["done"] == 0).all() and (table["status"] == "not_started").all()


def test_store_activities_count(tmp_path) -> None:
    from indicator.storage import Store

    store = Store(f"sqlite:///{tmp_path / 'goals.db'}")
    store.activities.add(
        "start_events", "Kick-off in Kotka", date(2024, 9, 1), area="sepra", villages=["Kaukola"]
    )
    store.activities.add("closing_seminar", "Closing seminar", date(2026, 2, 20))
    table = g.goal_progress(g.load(), store.activities.table()).set_index(["project", "goal"])
    assert table.loc[("sepra", "start_events"), "done"] == 1
    assert table.loc[("sepra", "closing_seminar"), "done"] == 1
    assert table.loc[("kasvu", "closing_seminar"), "done"] == 1
    assert table.loc[("kasvu", "start_events"), "done"] == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (SMALL.replace("min = 2, max = 3", "min = 3, max = 2"), "'max' 2 is below 'min' 3"),
        (SMALL.replace("{ a = { min = 1 } }", "{ c = { min = 1 } }"), "target 'c': unknown project"),
        (SMALL.replace('id = "trip"', 'id = "events"'), "goal 'events': duplicate id"),
        (SMALL.replace("min = 2, max = 3", "min = 0, max = 3"), "'min' must be a whole number >= 1"),
        (SMALL.replace('name = "Trip"', "name = 5"), "goal 'trip': 'name' must be a text"),
        ("[[goals]\n", "not valid TOML"),
    ],
)
def test_broken_goal_files_are_refused_with_the_rule(text: str, message: str) -> None:
    with pytest.raises(IndicatorError, match="bad.toml") as info:
        g.loads(text, source="bad.toml")
    assert message in str(info.value)


def test_check_activity(small: g.Goals) -> None:
    g.check_activity(small, goal="events", project="a", when=date(2025, 1, 1), what="x")
    g.check_activity(small, goal="seminar", project=g.JOINT, when=date(2025, 1, 1), what="x")
    with pytest.raises(IndicatorError, match="no target for goal 'trip'"):
        g.check_activity(small, goal="trip", project="b", when=date(2025, 1, 1), what="x")
    with pytest.raises(IndicatorError, match="unknown project goal"):
        g.check_activity(small, goal="nope", project="a", when=date(2025, 1, 1), what="x")
    with pytest.raises(IndicatorError, match="description"):
        g.check_activity(small, goal="events", project="a", when=date(2025, 1, 1), what="  ")


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.sampled_from([("events", "a"), ("events", "b"), ("trip", "a"), ("seminar", None)]), max_size=30
    )
)
def test_done_is_the_number_of_records_that_count(rows: list[tuple[str, str | None]]) -> None:
    goals = g.loads(SMALL)
    table = g.goal_progress(goals, records(*rows) if rows else None)
    joint = sum(1 for r in rows if r[1] is None)
    assert table["done"].sum() == len(rows) + joint  # a joint seminar counts for a and b
    assert ((table["done"] >= table["min"]) == table["status"].isin(["reached", "max_reached"])).all()


def test_screen_tables_in_words(small: g.Goals) -> None:
    acts = pd.DataFrame(
        {
            "id": [1, 2],
            "goal_id": ["events", "seminar"],
            "area": ["a", None],
            "done_on": [date(2025, 3, 1), date(2026, 2, 20)],
            "title": ["Kick-off", "Closing"],
            "groups": [["a 1"], []],
            "villages": [["X", "Y"], []],
            "note": [None, "joint"],
        }
    )
    records = g.records_frame(acts, small, "en")
    assert list(records.columns) == [
        "Date",
        "Goal",
        "Sub-project",
        "What was done",
        "Theme groups",
        "Villages",
        "Note",
    ]
    assert records.iloc[0].tolist() == [
        "20 Feb 2026",
        "Seminar",
        "Joint (both sub-projects)",
        "Closing",
        "",
        "",
        "joint",
    ]
    assert records.iloc[1].tolist() == ["1 Mar 2025", "Events", "Project A", "Kick-off", "a 1", "X, Y", ""]
    table = g.goal_progress(small, acts)
    shown = g.progress_frame(table, small, "fi")
    assert shown.iloc[0].tolist() == ["Tapahtumat", "A-hanke", 1, "2–3", "kesken"]
    assert "Tapahtumat (A-hanke) 1 / 2–3" in g.alt_text(table, small, "fi")
