"""Measured impact (indicator.impact, docs/method.md §7): every figure worked out on paper, then the edges
(areas, missing rounds, villages absent from the file, a set under 2 villages) and the command line."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.cli import main
from indicator.framework import loads
from indicator.impact import (
    IMPACT_COLUMNS,
    ImpactError,
    bootstrap_interval,
    check_groups,
    crosses_zero,
    impact,
    read_groups,
    reading,
)
from indicator.storage import Store

FRAMEWORK = """
[indicator]
id = "impact-test"
name = "Impact test"
baseline_year = 2024
target_year = 2030
min_respondents = 1
min_item_coverage = 0.5
min_dimension_coverage = 0.5

[[themes]]
id = "t1"
name = "Theme one"

[[themes]]
id = "t2"
name = "Theme two"

[[dimensions]]
id = "d1"
name = { fi = "Ykkönen", sv = "Ettan", en = "One" }
theme = "t1"

[[dimensions]]
id = "d2"
name = { fi = "Kakkonen", sv = "Tvåan", en = "Two" }
theme = "t2"

[[items]]
id = "I1"
dimension = "d1"
text = "I1"
type = "number"
lower = 0
target = 100

[[items]]
id = "I2"
dimension = "d2"
text = "I2"
type = "number"
lower = 0
target = 100
"""

REGISTRY = pd.DataFrame({"village": list("ABCDEFGH"), "leader_area": ["x"] * 5 + ["y"] + ["x"] * 2})


@pytest.fixture(scope="module")
def fw():
    return loads(FRAMEWORK)


def scores(rows: dict[str, tuple[float | None, float | None]], measure: str = "d1",
           rounds: tuple[int, int] = (2024, 2026)) -> pd.DataFrame:
    """A scores table with one measure: village -> (baseline score, follow-up score)."""
    records = [{"village": v, "round": r, measure: s} for v, pair in rows.items() for r, s in zip(rounds, pair,
                                                                                                  strict=True)]
    frame = pd.DataFrame(records)
    frame[measure] = frame[measure].astype(float)
    return frame


def groups(rows: list[tuple[str, str, object, str]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["village", "area", "group", "theme"])


# --- the paper case ------------------------------------------------------------------------------------


def test_every_figure_on_paper(fw) -> None:
    """Group 1 (A, B, theme t1) against C and D of the same area; F is in another area and does not count.

    A 40 → 50 and B 50 → 60 change by +10 each: treated_change = 10. C 40 → 40 (0) and D 50 → 52 (+2):
    comparison_change = 1. difference = 10 − 1 = 9. The treated resamples always average 10; the
    comparison resamples of (0, 2) average 0, 1 or 2 with chances 1/4, 1/2, 1/4, so the 2,000 differences
    are 10, 9 or 8, each end about 500 times: the 5th percentile is 8 and the 95th is 10.
    """
    table = impact(scores({"A": (40, 50), "B": (50, 60), "C": (40, 40), "D": (50, 52), "F": (10, 60)}),
                   groups([("A", "x", 1, "t1"), ("B", "x", 1, "t1")]), fw, registry=REGISTRY)
    assert list(table.columns) == list(IMPACT_COLUMNS)
    row = table.iloc[0].to_dict()
    assert row == {"area": "x", "group": 1, "theme": "t1", "measure": "d1", "baseline": 2024, "followup": 2026,
                   "treated_n": 2, "comparison_n": 2, "treated_change": 10.0, "comparison_change": 1.0,
                   "difference": 9.0, "ci_low": 8.0, "ci_high": 10.0}
    assert len(table) == 1  # theme t1 has one dimension; d2 belongs to t2


def test_area_all_takes_comparison_villages_from_every_area(fw) -> None:
    table = impact(scores({"A": (40, 50), "B": (50, 60), "C": (40, 40), "D": (50, 52), "F": (10, 60)}),
                   groups([("A", "all", 1, "t1"), ("B", "all", 1, "t1")]), fw, registry=REGISTRY)
    row = table.iloc[0]
    assert row["comparison_n"] == 3  # C, D and F
    assert row["comparison_change"] == pytest.approx((0 + 2 + 50) / 3)
    assert row["difference"] == pytest.approx(10 - 52 / 3)


def test_villages_not_in_the_registry_are_compared_within_area_unknown(fw) -> None:
    table = impact(scores({"A": (40, 50), "B": (50, 60), "Q": (0, 5), "R": (0, 7)}),
                   groups([("A", "unknown", 1, "t1"), ("B", "unknown", 1, "t1")]), fw, registry=REGISTRY)
    assert table.iloc[0]["comparison_n"] == 2 and table.iloc[0]["comparison_change"] == 6.0


def test_missing_rounds_leave_a_village_out_of_its_set(fw) -> None:
    """G (in the group) has no follow-up score, H (a comparison village) no baseline: neither counts."""
    table = impact(scores({"A": (40, 50), "B": (50, 60), "G": (30, None), "C": (40, 40), "D": (50, 52),
                           "H": (None, 90)}),
                   groups([("A", "x", 1, "t1"), ("B", "x", 1, "t1"), ("G", "x", 1, "t1")]), fw, registry=REGISTRY)
    row = table.iloc[0]
    assert (row["treated_n"], row["comparison_n"]) == (2, 2)
    assert (row["treated_change"], row["comparison_change"], row["difference"]) == (10.0, 1.0, 9.0)


def test_villages_absent_from_the_file_and_other_themes_are_comparison(fw) -> None:
    """C is in no group, D is in a group of another theme: both are compared with group 1. E is in another
    group of the same theme: it is not a comparison village for group 1 (nor is A or B for group 3)."""
    table = impact(scores({"A": (40, 50), "B": (50, 60), "C": (40, 40), "D": (50, 52), "E": (20, 80)}),
                   groups([("A", "x", 1, "t1"), ("B", "x", 1, "t1"), ("D", "x", 2, "t2"), ("E", "x", 3, "t1")]),
                   fw, registry=REGISTRY)
    one = table[table["group"] == 1].iloc[0]
    assert (one["comparison_n"], one["comparison_change"]) == (2, 1.0)
    three = table[table["group"] == 3].iloc[0]
    assert (three["treated_n"], three["treated_change"], three["comparison_n"]) == (1, 60.0, 2)
    assert list(table["group"]) == [1, 2, 3]  # the file's order
    assert table[table["group"] == 2].iloc[0]["treated_n"] == 0  # D has no d2 score


def test_a_set_under_two_villages_has_no_interval(fw) -> None:
    table = impact(scores({"A": (40, 50), "C": (40, 40), "D": (50, 52)}),
                   groups([("A", "x", 1, "t1")]), fw, registry=REGISTRY)
    row = table.iloc[0]
    assert (row["treated_n"], row["treated_change"], row["difference"]) == (1, 10.0, 9.0)
    assert np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])


def test_an_empty_set_leaves_its_change_and_the_difference_empty(fw) -> None:
    table = impact(scores({"A": (40, None), "C": (40, 40), "D": (50, 52)}),
                   groups([("A", "x", 1, "t1")]), fw, registry=REGISTRY)
    row = table.iloc[0]
    assert row["treated_n"] == 0 and row["comparison_change"] == 1.0
    assert np.isnan(row["treated_change"]) and np.isnan(row["difference"]) and np.isnan(row["ci_low"])
    no_comparison = impact(scores({"A": (40, 50), "B": (50, 60)}),
                           groups([("A", "x", 1, "t1"), ("B", "x", 1, "t1")]), fw, registry=REGISTRY).iloc[0]
    assert no_comparison["comparison_n"] == 0 and np.isnan(no_comparison["comparison_change"])


def test_rounds_default_to_the_first_and_last_and_can_be_chosen(fw) -> None:
    frame = pd.concat([scores({"A": (40, 50), "B": (50, 60), "C": (40, 40), "D": (50, 52)}),
                       pd.DataFrame({"village": list("ABCD"), "round": 2025, "d1": [45.0, 55.0, 60.0, 50.0]})])
    grouped = groups([("A", "x", 1, "t1"), ("B", "x", 1, "t1")])
    whole = impact(frame, grouped, fw, registry=REGISTRY).iloc[0]
    assert (whole["baseline"], whole["followup"], whole["difference"]) == (2024, 2026, 9.0)
    first_year = impact(frame, grouped, fw, registry=REGISTRY, followup=2025).iloc[0]
    # A, B +5 each; C +20, D 0: 5 − 10 = −5
    assert (first_year["treated_change"], first_year["comparison_change"], first_year["difference"]) == (5, 10, -5)
    with pytest.raises(ImpactError) as err:
        impact(frame, grouped, fw, registry=REGISTRY, baseline=2026, followup=2025)
    assert err.value.code == "impact.rounds_order"
    with pytest.raises(ImpactError) as err:
        impact(frame, grouped, fw, registry=REGISTRY, baseline=2023)
    assert err.value.code == "impact.no_round" and "2024, 2025, 2026" in str(err.value)


def test_only_one_round_cannot_be_compared(fw) -> None:
    frame = pd.DataFrame({"village": ["A", "B"], "round": 2024, "d1": [1.0, 2.0]})
    with pytest.raises(ImpactError) as err:
        impact(frame, groups([("A", "x", 1, "t1")]), fw)
    assert err.value.code == "impact.rounds_order"


def test_groups_files_are_checked(fw, tmp_path) -> None:
    path = tmp_path / "g.csv"
    path.write_text("village,area,group,theme\nA,x,1,t1\nB,x,1,t1\n", encoding="utf-8")
    assert read_groups(path).to_dict("list") == {"village": ["A", "B"], "area": ["x", "x"], "group": [1, 1],
                                                 "theme": ["t1", "t1"]}
    path.write_text("village,area\nA,x\n", encoding="utf-8")
    with pytest.raises(ImpactError, match="missing: group, theme"):
        read_groups(path)
    with pytest.raises(ImpactError, match="two groups: A"):
        check_groups(groups([("A", "x", 1, "t1"), ("A", "x", 2, "t2")]))
    with pytest.raises(ImpactError) as err:
        impact(scores({"A": (1, 2)}), groups([("A", "x", 1, "nope")]), fw)
    assert err.value.code == "impact.unknown_theme"
    with pytest.raises(ImpactError) as err:
        read_groups(tmp_path / "missing.csv")
    assert err.value.code == "impact.unreadable"


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-50, 50), min_size=2, max_size=8), st.lists(st.floats(-50, 50), min_size=2, max_size=8))
def test_the_interval_holds_the_point_estimate_range(treated, comparison) -> None:
    """Every resampled difference lies between the extreme differences, so the interval does too, and the
    same seed gives the same interval."""
    t_arr, c_arr = np.array(treated), np.array(comparison)
    low, high = bootstrap_interval(t_arr, c_arr, draws=200)
    assert min(treated) - max(comparison) - 1e-9 <= low <= high <= max(treated) - min(comparison) + 1e-9
    assert bootstrap_interval(t_arr, c_arr, draws=200) == (low, high)


def test_reading_in_plain_words(fw) -> None:
    row = {"area": "x", "group": 2, "theme": "t1", "measure": "d1", "baseline": 2024, "followup": 2026,
           "treated_n": 5, "comparison_n": 12, "treated_change": 12.0, "comparison_change": 4.0, "difference": 8.0,
           "ci_low": 1.0, "ci_high": 15.0}
    words = reading(row, fw, "fi", {"x": "Leader Sepra"})
    assert words.startswith("Leader Sepra, ryhmä 2: vuodesta 2024 vuoteen 2026 ryhmän kylät nousivat "
                            "ulottuvuudessa Ykkönen 8,0 pistettä enemmän kuin muut kylät.")
    assert "90 %:n väli: 1,0 … 15,0 pistettä." in words and "sattumaa" not in words
    crossing = {**row, "ci_low": -2.0}
    assert crosses_zero(crossing) and "Varo: väli ulottuu nollan molemmin puolin" in reading(crossing, fw, "fi")
    assert "rose 8.0 points more" in reading(row, fw, "en")
    less = {**row, "difference": -3.26, "ci_low": -6.0, "ci_high": -1.0}
    assert "3,3 pistettä vähemmän" in reading(less, fw, "fi")
    assert "alle kaksi kylää" in reading({**row, "ci_low": float("nan"), "ci_high": float("nan")}, fw, "fi")
    assert "ei voi verrata" in reading({**row, "difference": float("nan")}, fw, "fi")


# --- the command line ----------------------------------------------------------------------------------


def survey(rows: list[tuple[str, float, float]]) -> bytes:
    lines = ["Kylä;I1;I2", *[f"{v};{a};{b}" for v, a, b in rows]]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture()
def paper_db(tmp_path, fw):
    """The paper case stored as two survey rounds (one respondent per village, number items 0 → 100)."""
    fw_path = tmp_path / "fw.toml"
    fw_path.write_text(FRAMEWORK, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'paper.db'}"
    store = Store(url)
    store.uploads.add(survey([("Anjala", 40, 10), ("Elimäki", 50, 10), ("Tirva", 40, 10), ("Valkeala", 50, 10)]),
                      "r2024.csv", 2024, fw, approve=True, role="admin")
    store.uploads.add(survey([("Anjala", 50, 10), ("Elimäki", 60, 10), ("Tirva", 40, 10), ("Valkeala", 52, 10)]),
                      "r2026.csv", 2026, fw, approve=True, role="admin")
    groups_path = tmp_path / "groups.csv"
    groups_path.write_text("village,area,group,theme\nAnjala,kasvu,1,t1\nElimäki,kasvu,1,t1\n", encoding="utf-8")
    return url, fw_path, groups_path


def test_cli_on_paper(paper_db, capsys) -> None:
    url, fw_path, groups_path = paper_db
    assert main(["impact", "--groups", str(groups_path), "--db", url, "--framework", str(fw_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == [",".join(IMPACT_COLUMNS), "kasvu,1,t1,d1,2024,2026,2,2,10.0,1.0,9.0,8.0,10.0"]
    assert main(["impact", "--groups", str(groups_path), "--db", url, "--framework", str(fw_path),
                 "--format", "json"]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0]["difference"] == 9.0 and records[0]["group"] == 1 and list(records[0]) == list(IMPACT_COLUMNS)


def test_cli_empty_interval_is_an_empty_cell_and_null(paper_db, capsys, tmp_path) -> None:
    url, fw_path, _ = paper_db
    one = tmp_path / "one.csv"
    one.write_text("village,area,group,theme\nAnjala,kasvu,1,t1\n", encoding="utf-8")
    assert main(["impact", "--groups", str(one), "--db", url, "--framework", str(fw_path)]) == 0
    # Elimäki (+10) now compares too: (10 + 0 + 2) / 3 = 4, difference 10 − 4 = 6, no interval for one village
    assert capsys.readouterr().out.splitlines()[1] == "kasvu,1,t1,d1,2024,2026,1,3,10.0,4.0,6.0,,"
    assert main(["impact", "--groups", str(one), "--db", url, "--framework", str(fw_path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["ci_low"] is None


def test_cli_unusable_input_is_one_line_and_exit_2(paper_db, capsys, tmp_path) -> None:
    url, fw_path, groups_path = paper_db
    bad = tmp_path / "bad.csv"
    bad.write_text("kylä,ryhmä\nA,1\n", encoding="utf-8")
    assert main(["impact", "--groups", str(bad), "--db", url, "--framework", str(fw_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("error: ") and "village, area, group, theme" in err
    assert main(["impact", "--groups", str(groups_path), "--db", url, "--framework", str(fw_path),
                 "--baseline", "2020"]) == 2
    assert "no scores for round 2020 (rounds: 2024, 2026)" in capsys.readouterr().err


def test_read_groups_accepts_what_groups_writes() -> None:
    content = "village,area,group,theme\r\nKlamila,sepra,2,brandi\r\n".encode("utf-8-sig")
    assert read_groups(io.BytesIO(content).getvalue()).iloc[0].to_dict() == {
        "village": "Klamila", "area": "sepra", "group": 2, "theme": "brandi"}
