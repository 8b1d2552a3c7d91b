"""Overview figures and tables: hand-made tables in, hand-computed numbers out; palette rules."""

from __future__ import annotations

import math

import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.charts import overview, palette
from indicator.charts import upload as upload_tables
from indicator.scoring import NO_SCORE, band_counts


@pytest.fixture
def table() -> pd.DataFrame:
    """Three villages in 2024 and 2026; Cee has too few respondents in 2026 (min_respondents = 2)."""
    return pd.DataFrame(
        {
            "village": ["Aa", "Bee", "Cee", "Aa", "Bee", "Cee"],
            "round": pd.array([2024, 2024, 2024, 2026, 2026, 2026], dtype="Int64"),
            "respondents": [5, 4, 3, 6, 5, 1],
            "index": [40.0, 60.0, 20.0, 50.0, 90.0, math.nan],
            "talous": [30.0, 70.0, 10.0, 45.0, 95.0, math.nan],
            "yhteiso": [50.0, 50.0, 30.0, 55.0, 85.0, math.nan],
            "rank": pd.array([2, 1, 3, 2, 1, pd.NA], dtype="Int64"),
            "band": pd.array([None, "mid", None, "mid", "high", None], dtype=object),
        }
    )


@pytest.fixture
def registry() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "village": ["Aa", "Bee", "Cee"],
            "municipality": ["Kotka", "Kouvola", "Kotka"],
            "leader_area": ["sepra", "kasvu", "sepra"],
            "lat": [60.4, 60.9, math.nan],
            "lon": [26.9, 26.7, math.nan],
            "coordinate_source": ["anchor", "own", "anchor"],
        }
    )


def test_headline_counts_index_and_change(table, small_framework):
    head = overview.headline(table, small_framework, 2026)
    assert (head.villages, head.scored, head.respondents) == (3, 2, 12)
    # 2024: mean(40, 60, 20) = 40; 2026: Aa +10 and Bee +30 (Cee has no index): 40 + 20 = 60
    assert head.baseline_round == 2024 and head.baseline_index == 40.0
    assert head.index == 60.0 and head.change == 20.0


def test_headline_is_read_off_the_province_line(table, small_framework):
    line = overview.index_line(table)
    head = overview.headline(table, small_framework, 2026)
    assert line.to_dict() == {2024: 40.0, 2026: 60.0} and head.index == line[2026]
    # a village joining in 2026 moves neither the index nor its change
    joined_later = pd.concat([table, table.iloc[[3]].assign(village="Dee", index=99.0)], ignore_index=True)
    assert (overview.headline(joined_later, small_framework, 2026).index, head.change) == (60.0, 20.0)


def test_headline_without_villages_in_both_rounds_starts_the_line_again(table, small_framework):
    none_shared = table.assign(village=table["village"] + table["round"].astype(str))
    head = overview.headline(none_shared, small_framework, 2026)
    assert head.index == 70.0 and head.change == 30.0  # mean(50, 90) against mean(40, 60, 20)


def test_headline_in_the_baseline_round_has_no_change(table, small_framework):
    head = overview.headline(table, small_framework, 2024)
    assert head.baseline_round is None and head.change is None
    assert head.index == 40.0


def test_baseline_falls_back_to_the_first_round(table, small_framework):
    later = table.assign(round=table["round"] + 1)  # 2025 and 2027: no 2024 round
    assert overview.baseline_round(later, small_framework, 2027) == 2025


def test_round_frame_joins_registry_and_flags_too_few(table, registry, small_framework):
    frame = overview.round_frame(table, registry, small_framework, 2026)
    assert list(frame["village"]) == ["Aa", "Bee", "Cee"]
    assert list(frame["municipality"]) == ["Kotka", "Kouvola", "Kotka"]
    assert list(frame["too_few"]) == [False, False, True]


def test_band_counts_in_band_order(table, registry, small_framework):
    frame = overview.round_frame(table, registry, small_framework, 2026)
    counts = band_counts(frame, ["low", "mid", "high"])
    assert counts.to_dict() == {"low": 0, "mid": 1, "high": 1, NO_SCORE: 1}


def test_ranking_table_hides_scores_below_min_respondents(table, registry, small_framework):
    frame = overview.round_frame(table, registry, small_framework, 2026)
    frame.loc[frame["village"] == "Cee", "talous"] = 12.0  # even a stray score must not show
    headers = {k: k.upper() for k in ("rank", "village", "municipality", "area", "index", "band", "respondents")}
    shown = overview.ranking_table(frame, {"talous": "Talous", "yhteiso": "Yhteisö"}, {"mid": "Keski",
                                   "high": "Korkea"}, headers, too_few="liian vähän", area_names={"sepra": "S"})
    assert list(shown["VILLAGE"]) == ["Bee", "Aa", "Cee"]
    assert list(shown["BAND"]) == ["Korkea", "Keski", "liian vähän"]
    assert shown.loc[2, ["INDEX", "Talous", "Yhteisö"]].isna().all()
    assert shown.loc[0, "Talous"] == 95.0
    assert list(shown["AREA"]) == ["kasvu", "S", "S"]  # unknown names fall back to the id


def test_village_map_one_trace_per_present_band(table, registry, small_framework):
    frame = overview.round_frame(table, registry, small_framework, 2026)
    labels = {"no_score": "Ei", "index": "Indeksi", "respondents": "Vastaajia", "too_few": "vähän",
              "approximate": "likimain"}
    fig = overview.village_map(frame, {"low": "Matala", "mid": "Keski", "high": "Korkea"}, labels)
    assert isinstance(fig, go.Figure)
    assert [tr.name for tr in fig.data] == ["Keski", "Korkea"]  # Cee has no coordinates
    colours = palette.band_colours(["low", "mid", "high"])
    assert fig.data[0].marker.color == colours["mid"]
    assert "likimain" in fig.data[0].customdata[0][0]  # Aa's position is an anchor
    assert fig.layout.map.style == "open-street-map"


def test_village_names_are_escaped_in_hover_text(registry, small_framework):
    bad = pd.DataFrame({"village": ["<b>x</b>"], "round": [2026], "respondents": [9], "index": [50.0],
                        "rank": [1], "band": ["mid"]})
    reg = pd.concat([registry, pd.DataFrame({"village": ["<b>x</b>"], "municipality": ["K"], "leader_area":
                     ["sepra"], "lat": [60.0], "lon": [27.0], "coordinate_source": ["own"]})])
    frame = overview.round_frame(bad, reg, small_framework, 2026)
    fig = overview.village_map(frame, {"mid": "Keski"}, {"no_score": "", "index": "", "respondents": "",
                                                          "too_few": "", "approximate": ""})
    assert list(fig.data[0].text) == ["&lt;b&gt;x&lt;/b&gt;"]


def test_dimension_long_and_summary(table, registry, small_framework):
    frame = overview.round_frame(table, registry, small_framework, 2026)
    names = {"talous": "Talous", "yhteiso": "Yhteisö"}
    long = overview.dimension_long(frame, names)
    assert len(long) == 4  # Cee (too few) contributes nothing
    summary = overview.dimension_summary(long, names)
    assert summary.loc[0, ["name", "villages", "low", "median", "high"]].tolist() == ["Talous", 2, 45.0, 70.0, 95.0]
    fig = overview.dimension_distribution(long, names, "Pisteet")
    assert [tr.name for tr in fig.data] == ["Talous", "Yhteisö"]
    assert overview.wrap("Yhteisöllisyys, osallisuus ja vetovoima") == "Yhteisöllisyys,<br>osallisuus ja<br>vetovoima"
    assert overview.wrap("A & B") == "A &amp; B"
    assert tuple(fig.layout.xaxis.range) == (0, 100)


def test_palette_bands_statuses_and_areas():
    assert len(set(palette.BAND_COLOURS)) == 4
    assert set(palette.STATUS_COLOURS) == {"achieved", "on_track", "moderately_improving", "stagnating",
                                           "decreasing", "insufficient_data"}
    assert palette.area_colour("sepra") != palette.area_colour("kasvu")
    assert palette.area_colour("elsewhere") == palette.GREY
    assert set(palette.OKABE_ITO) <= set(palette.CATEGORICAL)


@given(st.integers(min_value=1, max_value=12))
@settings(max_examples=12, deadline=None)
def test_band_colours_distinct_for_any_band_count(n):
    ids = [f"b{i}" for i in range(n)]
    colours = palette.band_colours(ids)
    assert list(colours) == ids
    assert len(set(colours.values())) == min(n, len(palette.CATEGORICAL))


def test_upload_tables_from_a_report_dict(small_framework):
    report = {"mapped": {"Q1": "T1", "Tapahtumat": "Y1"}, "unmapped": ["Muu"],
              "problems": [{"row": 3, "column": "Q1", "value": "x", "message": "not a five-point answer"}]}
    mapped = upload_tables.mapped_table(report, small_framework, "en", {"column": "C", "item": "I", "text": "T"})
    assert mapped.values.tolist() == [["Q1", "T1", "Good conditions for business"],
                                      ["Tapahtumat", "Y1", "Number of events"]]
    problems = upload_tables.problems_table(report, {"row": "Rivi", "message": "Ongelma"})
    assert problems.loc[0, "Rivi"] == 3 and problems.loc[0, "Ongelma"] == "not a five-point answer"
    assert list(upload_tables.item_choices(small_framework, report, "fi")) == ["T2", "Y2"]
    assert upload_tables.problems_table({}, {}).empty


def test_band_bars_best_band_on_top_in_map_colours():
    counts = pd.Series({"low": 2, "mid": 0, "high": 1, overview.NO_SCORE: 3})
    fig = overview.band_bars(counts, {"low": "Matala", "mid": "Keski", "high": "Korkea"}, "Ei pisteitä")
    bar = fig.data[0]
    assert list(bar.y) == ["Ei pisteitä", "Matala", "Keski", "Korkea"]  # bottom to top
    assert list(bar.x) == [3, 2, 0, 1]
    assert bar.marker.color[-1] == palette.band_colours(["low", "mid", "high"])["high"]
    none_missing = overview.band_bars(counts.drop(overview.NO_SCORE).reindex(
        ["low", "mid", "high", overview.NO_SCORE], fill_value=0), {"low": "M", "mid": "K", "high": "H"}, "E")
    assert list(none_missing.data[0].y) == ["M", "K", "H"]

