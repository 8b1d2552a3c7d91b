"""Strategies and actions: stored with the audit log and the backup (indicator.storage.strategies), checked and
counted toward the goals (indicator.strategies, indicator.goals), measured before and after, and the demo's."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pandas as pd
import pytest

from indicator import goals as project_goals
from indicator import strategies as plans
from indicator.errors import IndicatorError, StorageError
from indicator.framework import load
from indicator.storage import Store
from indicator.storage.demo import demo_groups, load_demo_plans
from tests.storage_helpers import db_url  # noqa: F401  (fixture: SQLite and PostgreSQL)


@pytest.fixture(scope="module")
def fw():
    return load()


def grouping(store: Store, name: str = "Syksy", rows=None) -> None:
    rows = rows or [("Anjala", "kasvu", 1, "brandi"), ("Tirva", "kasvu", 1, "brandi"),
                    ("Klamila", "sepra", 1, "elinkeinot"), ("Husula", "sepra", 1, "elinkeinot"),
                    ("Virojoki", "sepra", 2, "kylatalo")]
    store.documents.save("grouping", name, {"assignments": [dict(zip(("village", "area", "group", "theme"), r,
                                                                     strict=True)) for r in rows]})


# --- storage ---------------------------------------------------------------------------------------------


def test_strategy_and_actions_round_trip_with_audit(db_url, tmp_path) -> None:  # noqa: F811
    store = Store(db_url)
    sid = store.strategies.save(grouping="Syksy", area="sepra", group=1, theme="elinkeinot", name="Etätyö",
                                vision="Visio", dimensions=["elinkeinot"], items=["E2"], villages=["Husula", "Klamila"],
                                actor="koordinaattori")
    assert store.strategies.save(grouping="Syksy", area="sepra", group=1, name="Etätyö 2", actor="k") == sid
    first = store.strategies.add_action(sid, title="Etätyöpiste", villages=["Husula"], items=["E3"],
                                        starts_on=date(2025, 3, 1), ends_on=date(2025, 9, 30), status="done",
                                        experiment=True, learnt="Toimii", actor="k")
    second = store.strategies.add_action(sid, title="=Markkinointi", actor="k")
    assert store.strategies.update_action(second, title="=Markkinointi", status="under_way", actor="k")
    table = store.strategies.table()
    assert table[["area", "group", "name", "theme"]].to_dict("records") == [
        {"area": "sepra", "group": 1, "name": "Etätyö 2", "theme": None}]
    actions = store.strategies.actions(sid)
    assert actions["id"].tolist() == [first, second]  # dated first
    assert actions.iloc[0][["experiment", "starts_on", "villages"]].tolist() == [True, date(2025, 3, 1), ["Husula"]]
    assert actions.iloc[1]["status"] == "under_way" and actions.iloc[1]["starts_on"] is None
    log = store.audit_log()["action"].tolist()
    assert log[:5] == ["update_action", "add_action", "add_action", "update_strategy", "add_strategy"]

    path = tmp_path / "backup.xlsx"
    store.backup.export_xlsx(path)
    copy = Store(f"sqlite:///{tmp_path / 'copy.db'}")
    copy.backup.restore_xlsx(path)
    restored = copy.strategies.actions()
    assert restored[["id", "title", "experiment", "starts_on", "status"]].to_dict("records") == \
        actions[["id", "title", "experiment", "starts_on", "status"]].to_dict("records")
    assert copy.strategies.table()["name"].tolist() == ["Etätyö 2"]
    # new rows continue after the restored ids
    assert copy.strategies.add_action(sid, title="Uusi", actor="k") == second + 1

    assert store.strategies.delete(sid, actor="k") and store.strategies.actions().empty
    assert store.audit_log()["detail"].iloc[0] == {"strategy_id": sid, "actions": 2}
    assert not store.strategies.delete(sid) and not store.strategies.delete_action(first)


def test_storage_refuses_what_the_tables_cannot_hold(tmp_path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'x.db'}")
    with pytest.raises(StorageError) as err:
        store.strategies.save(grouping="g", area="sepra", group=1, name="  ")
    assert err.value.code == "strategy.incomplete"
    sid = store.strategies.save(grouping="g", area="sepra", group=1, name="S")
    for kwargs, code in (({"title": ""}, "strategy.action_no_title"), ({"title": "x", "status": "maybe"},
                         "strategy.bad_status"), ({"title": "x", "starts_on": date(2025, 2, 1),
                                                   "ends_on": date(2025, 1, 1)}, "strategy.ends_before_start")):
        with pytest.raises(StorageError) as err:
            store.strategies.add_action(sid, **kwargs)
        assert err.value.code == code
    with pytest.raises(StorageError) as err:
        store.strategies.add_action(sid + 1, title="x")
    assert err.value.code == "strategy.no_strategy"
    assert err.value.localized("fi") == f"Strategiaa {sid + 1} ei ole (se on ehkä poistettu)."


# --- checks --------------------------------------------------------------------------------------------


def test_checks_against_the_framework_and_the_group(fw) -> None:
    plans.check_strategy(fw, name="S", dimensions=["brandi"], items=["B1"])
    with pytest.raises(IndicatorError) as err:
        plans.check_strategy(fw, name="S", dimensions=["brand"], items=["B1", "X9"])
    assert err.value.code == "strategy.unknown_ids" and err.value.params == {"ids": "brand, X9"}
    assert "brand, X9" in err.value.localized("fi")
    with pytest.raises(IndicatorError) as err:
        plans.check_action(fw, ["Anjala", "Tirva"], title="T", villages=["Anjala", "Utti"])
    assert err.value.code == "strategy.not_in_group" and "Utti" in err.value.localized("sv")
    with pytest.raises(IndicatorError) as err:
        plans.check_action(fw, ["Anjala"], title="T", starts_on=date(2025, 5, 1), ends_on=date(2025, 4, 1))
    assert err.value.localized("fi").startswith("Toimenpide päättyy")


# --- goals ---------------------------------------------------------------------------------------------


def test_goal_counts_from_records(tmp_path) -> None:
    """Sepra: 2 strategies, 4 actions of which 1 dropped and 2 experiments (one of them dropped); Kasvu: 1
    strategy, 1 action, which is an experiment. The latest grouping has 2 groups in Sepra and 1 in Kasvu.
    An activity record for "strategies" does not count (it is counted from the records), one for
    "group_meetings" does.

    Sepra: strategies 2, actions 4 − 1 dropped = 3, experiments 2 − 1 dropped = 1, theme groups 2.
    Kasvu: strategies 1, actions 1, experiments 1, theme groups 1.
    """
    store = Store(f"sqlite:///{tmp_path / 'g.db'}")
    grouping(store, "Vanha", [("Anjala", "kasvu", 1, "brandi"), ("Utti", "kasvu", 2, "brandi")])
    grouping(store)
    s1 = store.strategies.save(grouping="Syksy", area="sepra", group=1, name="A", villages=["Klamila", "Husula"])
    s2 = store.strategies.save(grouping="Syksy", area="sepra", group=2, name="B", villages=["Virojoki"])
    k1 = store.strategies.save(grouping="Syksy", area="kasvu", group=1, name="C", villages=["Anjala", "Tirva"])
    store.strategies.add_action(s1, title="a1", experiment=True)
    store.strategies.add_action(s1, title="a2", status="dropped", experiment=True)
    store.strategies.add_action(s2, title="a3", status="done")
    store.strategies.add_action(s2, title="a4", status="under_way")
    store.strategies.add_action(k1, title="k1", experiment=True)
    store.activities.add("strategies", "typed by hand", date(2025, 1, 1), area="sepra")
    store.activities.add("group_meetings", "meeting", date(2025, 1, 1), area="sepra")
    goals = project_goals.load()
    table = project_goals.goal_progress(goals, plans.recorded(store, goals)).set_index(["project", "goal"])["done"]
    assert {g: int(table["sepra", g]) for g in ("strategies", "actions", "experiments", "theme_groups",
                                                  "group_meetings")} == {
        "strategies": 2, "actions": 3, "experiments": 1, "theme_groups": 2, "group_meetings": 1}
    assert {g: int(table["kasvu", g]) for g in ("strategies", "actions", "experiments", "theme_groups")} == {
        "strategies": 1, "actions": 1, "experiments": 1, "theme_groups": 1}
    assert project_goals.recordable(goals) == ["start_events", "study_trip", "indicator", "group_meetings",
                                               "joint_debrief", "closing_seminar"]


def test_a_province_wide_group_counts_for_its_villages_area_or_jointly() -> None:
    registry = pd.DataFrame({"village": ["Anjala", "Tirva", "Klamila"], "leader_area": ["kasvu", "kasvu", "sepra"]})
    assert plans.credit_area("all", ["Anjala", "Tirva"], registry, ["sepra", "kasvu"]) == "kasvu"
    assert plans.credit_area("all", ["Anjala", "Klamila"], registry, ["sepra", "kasvu"]) == "all"
    assert plans.credit_area("sepra", ["Anjala"], registry, ["sepra", "kasvu"]) == "sepra"
    goals = project_goals.load()
    strategies = pd.DataFrame({"id": [1], "area": ["all"], "villages": [["Anjala", "Klamila"]]})
    actions = pd.DataFrame({"strategy_id": [1], "status": ["done"], "experiment": [False]})
    credits = plans.goal_credits(goals, strategies, actions, registry=registry)
    done = project_goals.goal_progress(goals, credits).set_index(["project", "goal"])["done"]
    assert done["sepra", "strategies"] == 1 and done["kasvu", "strategies"] == 1  # joint: once for each
    assert done["sepra", "actions"] == 1 and done["sepra", "experiments"] == 0


def test_counted_from_must_be_known() -> None:
    with pytest.raises(IndicatorError, match="'counted_from' must be one of"):
        project_goals.loads('[[projects]]\nid = "a"\nname = "A"\n[[goals]]\nid = "g"\nname = "G"\n'
                            'counted_from = "meetings"\ntargets = { a = { min = 1 } }\n')


# --- before and after, the village card --------------------------------------------------------------------


def test_before_and_after_by_hand() -> None:
    """E2 of Anjala: 40 (2024), 55 (2025), 70 (2026). An action starting in March 2025: before = 2025 (the
    latest round up to its start year), after = 2026: change +15. Tirva has only 2024 and 2026: before 2024.
    Utti has one round: before only. An action without a start date starts from the first round."""
    index = pd.MultiIndex.from_tuples([("Anjala", 2024), ("Anjala", 2025), ("Anjala", 2026), ("Tirva", 2024),
                                       ("Tirva", 2026), ("Utti", 2025)], names=["village", "round"])
    scores = SimpleNamespace(item_scores=pd.DataFrame({"E2": [40.0, 55.0, 70.0, 10.0, 30.0, 50.0]}, index=index))
    table = plans.before_after(scores, ["Anjala", "Tirva", "Utti", "Nowhere"], ["E2"], date(2025, 3, 1))
    records = table.astype(object).where(table.notna(), None).to_dict("records")
    assert records == [
        {"village": "Anjala", "item": "E2", "before_round": 2025, "before": 55.0, "after_round": 2026,
         "after": 70.0, "change": 15.0},
        {"village": "Tirva", "item": "E2", "before_round": 2024, "before": 10.0, "after_round": 2026,
         "after": 30.0, "change": 20.0},
        {"village": "Utti", "item": "E2", "before_round": 2025, "before": 50.0, "after_round": None, "after": None,
         "change": None},
        {"village": "Nowhere", "item": "E2", "before_round": None, "before": None, "after_round": None,
         "after": None, "change": None},
    ]
    undated = plans.before_after(scores, ["Anjala"], ["E2"], None).iloc[0]
    assert (undated["before_round"], undated["after_round"], undated["change"]) == (2024, 2026, 30.0)


def test_village_plans() -> None:
    strategies = pd.DataFrame({"id": [1, 2], "name": ["A", "B"], "villages": [["Anjala", "Tirva"], ["Utti"]]})
    actions = pd.DataFrame({"id": [1, 2], "strategy_id": [1, 1], "title": ["x", "y"],
                            "villages": [["Tirva"], ["Anjala"]]})
    own, taking_part = plans.village_plans("Anjala", strategies, actions)
    assert own["name"].tolist() == ["A"] and taking_part[["title", "strategy"]].values.tolist() == [["y", "A"]]


# --- the demo -------------------------------------------------------------------------------------------


def test_demo_plans_load_once_and_fit_the_demo(tmp_path, fw) -> None:
    from indicator.registry import load_villages

    store = Store(f"sqlite:///{tmp_path / 'd.db'}")
    assert load_demo_plans(store, fw) == 2
    assert load_demo_plans(store, fw) == 0  # the database has plans now: nothing is added twice
    groups = demo_groups()
    areas = load_villages().set_index("village").loc[groups["village"], "leader_area"]
    assert (areas.to_numpy() == groups["area"].to_numpy()).all()
    per_area = groups.groupby("area")
    assert per_area["group"].nunique().to_dict() == {"kasvu": 3, "sepra": 3}
    assert all(sorted(frame.drop_duplicates("group")["theme"]) == ["brandi", "elinkeinot", "kylatalo"]
               for _, frame in per_area)
    strategies = store.strategies.table()
    assert sorted(strategies["area"]) == ["kasvu", "sepra"]
    actions = store.strategies.actions()
    assert len(actions) == 6 and int(actions["experiment"].sum()) == 3
    for s in strategies.itertuples():  # every action's villages are its group's
        mine = actions[actions["strategy_id"] == s.id]
        assert all(set(v) <= set(s.villages) for v in mine["villages"])
    assert list(plans.saved_groupings(store)) == ["Teemaryhmät 2024"]


def test_cli_lists_strategies_and_actions(tmp_path, fw, capsys) -> None:
    import json

    from indicator.cli import main

    url = f"sqlite:///{tmp_path / 'c.db'}"
    store = Store(url)
    sid = store.strategies.save(grouping="g", area="sepra", group=2, theme="brandi", name="=Näkyvä",
                                villages=["Klamila", "Husula"], items=["B1", "B2"])
    store.strategies.add_action(sid, title="Työpaja", villages=["Klamila"], starts_on=date(2025, 3, 1),
                                experiment=True)
    assert main(["strategies", "--db", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "id,grouping,area,group,theme,name,vision,dimensions,items,villages,created_at,updated_at,actor"
    assert lines[1].startswith("1,g,sepra,2,brandi,'=Näkyvä,,,B1; B2,Klamila; Husula,")  # formula-safe text
    assert main(["strategies", "--table", "actions", "--db", url, "--format", "json"]) == 0
    action = json.loads(capsys.readouterr().out)[0]
    assert (action["strategy_id"], action["starts_on"], action["ends_on"], action["experiment"]) == (
        1, "2025-03-01", None, True)


def test_the_demo_groups_file_is_what_groups_gives_for_2024(tmp_path, capsys) -> None:
    """data/demo/groups.csv is current: `groups --round 2024` on the demo database writes the same bytes."""
    from indicator.cli import main
    from indicator.storage.demo import DEMO_DIR
    from ui import testing

    url = testing.demo_database(tmp_path)
    assert main(["groups", "--db", url, "--round", "2024", "--format", "csv"]) == 0
    assert capsys.readouterr().out == (DEMO_DIR / "groups.csv").read_text(encoding="utf-8")
