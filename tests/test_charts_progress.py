"""Progress figures: target path, clipped projection, levels, summary counts and the figure traces."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from indicator import goals as g
from indicator.charts import palette
from indicator.charts import progress as cp
from indicator.progress import progress

REGISTRY = pd.DataFrame(
    {
        "village": ["A", "B", "C"],
        "municipality": ["Kotka", "Kotka", "Iitti"],
        "leader_area": ["sepra", "sepra", "kasvu"],
    }
)


@pytest.fixture()
def history() -> pd.DataFrame:
    """Three villages over 2024 and 2026 (talous, yhteiso dimensions of the small framework)."""
    return pd.DataFrame(
        {
            "village": ["A", "A", "B", "B", "C", "C"],
            "round": pd.array([2024, 2026, 2024, 2026, 2024, 2026], dtype="Int64"),
            "respondents": [6, 6, 6, 6, 6, 6],
            "index": [40.0, 52.0, 60.0, 56.0, 10.0, 40.0],
            "talous": [30.0, 60.0, 50.0, 50.0, None, 20.0],
            "yhteiso": [50.0, 44.0, 70.0, 62.0, 10.0, 60.0],
        }
    )


def test_target_path_from_first_score_to_100() -> None:
    path = cp.target_path(2025, 25.0, 2030)
    assert path["year"].tolist() == [2025, 2030]
    assert path["score"].tolist() == [25.0, 100.0]


def test_projection_straight_when_inside_the_range() -> None:
    proj = cp.projection_path(2026, 52.0, 6.0, 2030)
    assert proj["year"].tolist() == [2026.0, 2030.0]
    assert proj["score"].tolist() == [52.0, 76.0]  # 52 + 6 * 4


def test_projection_clipped_with_a_kink() -> None:
    up = cp.projection_path(2026, 90.0, 5.0, 2030)  # reaches 100 after 2 years
    assert up["year"].tolist() == [2026.0, 2028.0, 2030.0]
    assert up["score"].tolist() == [90.0, 100.0, 100.0]
    down = cp.projection_path(2026, 10.0, -4.0, 2030)  # reaches 0 after 2.5 years
    assert down["year"].tolist() == [2026.0, 2028.5, 2030.0]
    assert down["score"].tolist() == [10.0, 0.0, 0.0]


@given(st.floats(0, 100), st.floats(-50, 50), st.integers(2020, 2029))
def test_projection_end_is_the_contract_projected(last: float, slope: float, year: int) -> None:
    proj = cp.projection_path(year, last, slope, 2030)
    expected = min(100.0, max(0.0, last + slope * (2030 - year)))
    assert proj["score"].iloc[-1] == pytest.approx(expected)
    assert proj["score"].between(0, 100).all()
    assert proj["year"].is_monotonic_increasing


def test_aggregate_history_by_municipality(history: pd.DataFrame) -> None:
    towns = cp.aggregate_history(history, REGISTRY, ["index", "talous"], by="municipality")
    kotka = towns[towns["village"] == "Kotka"].set_index("round")
    assert kotka.loc[2024, "index"] == pytest.approx(50.0)  # (40 + 60) / 2
    assert kotka.loc[2026, "index"] == pytest.approx(54.0)  # (52 + 56) / 2
    iitti = towns[towns["village"] == "Iitti"].set_index("round")
    assert pd.isna(iitti.loc[2024, "talous"]) and iitti.loc[2026, "talous"] == 20.0
    whole = cp.aggregate_history(history, REGISTRY, ["index"], by="province").set_index("round")
    assert whole.loc[2024, "index"] == pytest.approx(110 / 3)


def test_progress_has_municipality_rows_and_the_page_uses_them(history, small_framework) -> None:
    table = progress(history, small_framework, registry=REGISTRY)
    own = progress(history, small_framework, registry=REGISTRY)
    pd.testing.assert_frame_equal(table, own)  # the page's table is the library's (and the CLI's)
    towns = table[table["level"] == "municipality"].set_index(["village", "measure"])
    row = towns.loc[("Kotka", "index")]
    # 50 -> 54 over two years: slope 2; required (100 - 50) / 6; 2 < 0.5 * 8.33 -> stagnating
    assert row["slope"] == pytest.approx(2.0)
    assert row["required"] == pytest.approx(50 / 6)
    assert row["status"] == "stagnating"
    assert row["projected"] == pytest.approx(62.0)
    assert set(towns.index.get_level_values(0)) == {"Kotka", "Iitti"}
    # a municipality of one village equals that village
    iitti, c = towns.loc[("Iitti", "index")], own.set_index(["village", "measure"]).loc[("C", "index")]
    assert iitti["slope"] == pytest.approx(c["slope"]) and iitti["status"] == c["status"]


def test_municipality_of_the_area_level_equals_area(history, small_framework) -> None:
    """Kotka holds every sepra village, so their progress rows must be the same numbers."""
    table = progress(history, small_framework, registry=REGISTRY).set_index(
        ["level", "village", "measure"]
    )
    for measure in ("index", "talous", "yhteiso"):
        kotka, sepra = (
            table.loc[("municipality", "Kotka", measure)],
            table.loc[("leader_area", "sepra", measure)],
        )
        for column in ("first_score", "last_score", "slope", "required", "projected"):
            assert kotka[column] == pytest.approx(sepra[column], nan_ok=True)


def test_on_path_and_status_counts(history, small_framework) -> None:
    table = progress(history, small_framework, registry=REGISTRY)
    villages = table[table["level"] == "village"]
    # A: 40 -> 52 (6/yr vs 10 needed: moderately improving); B: decreasing; C: 10 -> 40 (15/yr vs 15): on track
    assert villages.set_index(["village", "measure"]).loc[("C", "index"), "status"] == "on_track"
    assert cp.on_path_count(villages) == (1, 3)
    counts = cp.status_counts(villages).set_index("status")["count"]
    assert counts["on_track"] == 1 and counts["moderately_improving"] == 1 and counts["decreasing"] == 1
    assert counts.sum() == 3


def test_series_keeps_scored_rounds_only(history) -> None:
    series = cp.measure_series(history, "C", "talous")
    assert series["round"].tolist() == [2026] and series["score"].tolist() == [20.0]
    assert cp.measure_series(history, "C", "nope").empty


def test_progress_figure_draws_measured_target_and_projection(history, small_framework) -> None:
    table = progress(history, small_framework)
    row = table.set_index(["village", "measure"]).loc[("A", "index")]
    fig = cp.progress_figure(cp.measure_series(history, "A", "index"), row, 2030, title="A", lang="en")
    names = [trace.name for trace in fig.data]
    assert names == ["Target path", "Projection", "Measured"]
    target, projection, measured = fig.data
    assert list(target.x) == [2024, 2030] and list(target.y) == [40.0, 100.0]
    assert target.line.dash == "dash"
    assert list(projection.y) == [52.0, pytest.approx(76.0)]  # 52 + 6 * 4
    assert list(measured.y) == [40.0, 52.0]


def test_grid_has_one_cell_per_dimension(history, small_framework) -> None:
    table = progress(history, small_framework)
    fig = cp.progress_grid(history, table, "A", small_framework, lang="fi", columns=2)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == ["↑ Talous", "↓ Yhteisö"]  # talous 30 -> 60 (15/yr vs 11.7), yhteiso 50 -> 44
    actual = [t for t in fig.data if t.name == "Toteutunut"]
    assert len(actual) == 3  # one per cell, coloured by its status, and one neutral legend key
    assert [t.showlegend for t in actual] == [False, False, True]
    assert actual[0].line.color != actual[1].line.color and actual[2].line.color == palette.NEUTRAL


def test_alt_text_and_legend(history, small_framework) -> None:
    row = progress(history, small_framework).set_index(["village", "measure"]).loc[("A", "index")]
    text = cp.alt_text(row, "Index", 2030, "en")
    assert "40.0 points in 2024" in text and "52.0 points in 2026" in text and "76.0" in text
    legend = cp.status_legend("fi")
    assert [arrow for arrow, _, _ in legend] == ["✓", "↑", "➚", "→", "↓", "·"]
    assert all(words and not words.startswith("progress.") for _, _, words in legend)


def test_goals_figure_labels_done_over_target() -> None:
    goals = g.load()
    acts = pd.DataFrame(
        {"goal_id": ["start_events", "start_events", "group_meetings"], "area": ["sepra"] * 3}
    )
    table = g.goal_progress(goals, acts)
    names = {x.id: x.id for x in goals.goals}
    fig = cp.goals_figure(table, names, {"sepra": "Sepra", "kasvu": "Kasvu"}, lang="en")
    sepra = next(t for t in fig.data if t.name == "Sepra")
    labels = dict(zip(sepra.y, sepra.text, strict=True))
    values = dict(zip(sepra.y, sepra.x, strict=True))
    assert labels["start_events"] == "2 / 2–3" and values["start_events"] == pytest.approx(100.0)
    assert labels["group_meetings"] == "1 / 9" and values["group_meetings"] == pytest.approx(100 / 9)


def test_titles_with_village_names_are_escaped(history, small_framework) -> None:
    row = progress(history, small_framework).set_index(["village", "measure"]).loc[("A", "index")]
    fig = cp.progress_figure(cp.measure_series(history, "A", "index"), row, 2030, title="<a href='x'>A</a>")
    assert fig.layout.title.text == "&lt;a href='x'&gt;A&lt;/a&gt;"


def test_status_key_shows_every_status_in_its_colour() -> None:
    from indicator.charts import palette

    key = cp.status_key_html("en")
    assert re.findall(r"</span>([^<]+)</li>", key) == [
        "✓ target reached",
        "↑ on track",
        "➚ moderately improving",
        "→ little progress",
        "↓ decreasing",
        "· too few measurements",
    ]
    assert re.findall(r"background:(#[0-9a-fA-F]{6})", key) == [palette.STATUS_COLOURS[s] for s in palette.STATUS_ORDER]


def test_level_rows_follow_the_filters(history, small_framework) -> None:
    table = progress(history, small_framework, registry=REGISTRY)
    kotka_villages = {"A", "B"}
    villages = cp.level_rows(table, "village", REGISTRY, villages=kotka_villages)
    assert set(villages["village"]) == {"A", "B"}
    towns = cp.level_rows(table, "municipality", REGISTRY, villages=kotka_villages)
    assert set(towns["village"]) == {"Kotka"}
    assert set(cp.level_rows(table, "leader_area", REGISTRY, area="kasvu")["village"]) == {"kasvu"}
    assert set(
        cp.level_rows(table, "province", REGISTRY, villages=kotka_villages, area="sepra")["village"]
    ) == {"Kymenlaakso"}


def test_display_table_words_and_headers(history, small_framework) -> None:
    rows = progress(history, small_framework)
    rows = rows[(rows["village"] == "A") & (rows["level"] == "village")]
    shown = cp.display_table(rows, small_framework, "en", {"A": "Village A"})
    assert list(shown.columns) == [
        "Name",
        "Measure",
        "First round",
        "First",
        "Latest round",
        "Latest",
        "Change / yr",
        "Needed / yr",
        "Status",
        "Projection 2030",
    ]
    first = shown.iloc[0]
    assert first["Name"] == "Village A" and first["Measure"] == "Smart Village index"
    assert first["First round"] == "2024" and first["Latest"] == 52.0
    assert first["Status"] == "➚ moderately improving"
