"""Figures of the village card: traces, hand-computed values and escaped labels."""

from __future__ import annotations

import pytest

from indicator.charts import palette
from indicator.charts.labels import wrap
from indicator.charts.village import history_chart, radar_chart, rank_band_chart
from tests.test_report import EVIL, FRAMEWORK, results


def test_radar_has_village_and_both_medians_as_closed_polygons():
    res = results("Alpha", 2026)
    fig = radar_chart(res.dimensions, FRAMEWORK, "Alpha", "en")
    names = [tr.name for tr in fig.data]
    assert names == ["Province median", "Leader-area median", "Alpha"]
    province, area, village = (list(tr.r) for tr in fig.data)
    assert village == [100.0, 20.0, 100.0]  # closed: the first point repeats
    assert province == [87.5, 50.0, 87.5]
    assert area == [50.0, 60.0, 50.0]
    assert list(fig.data[2].theta) == ["Community", "Services", "Community"]
    assert fig.data[2].line.color == palette.BLUE
    assert tuple(fig.layout.polar.radialaxis.range) == (0, 100)


def test_radar_in_finnish_without_an_area_and_with_an_escaped_name():
    res = results("Alpha", 2026)
    dims = res.dimensions.assign(area=float("nan"))
    fig = radar_chart(dims, FRAMEWORK, EVIL, "fi")
    assert [tr.name for tr in fig.data] == ["Maakunnan mediaani", "&lt;script&gt;alert(1)&lt;/script&gt;"]
    assert list(fig.data[0].theta)[:2] == ["Yhteisö", "Palvelut"]


def test_history_has_one_line_per_dimension_and_a_thick_index():
    res = results("Alpha", 2026)
    fig = history_chart(res.history, FRAMEWORK, "Alpha", "sv")
    assert [tr.name for tr in fig.data] == ["Gemenskap", "Tjänster", "Index"]
    assert list(fig.data[-1].x) == [2024, 2026]
    assert list(fig.data[-1].y) == [56.25, 60.0]
    assert list(fig.data[0].y) == [62.5, 100.0]
    assert fig.data[-1].line.width > fig.data[0].line.width
    assert list(fig.layout.xaxis.tickvals) == [2024, 2026]


def test_rank_band_is_a_line_from_p05_to_p95_with_median_and_nominal_dots():
    band = {"nominal_rank": 2.0, "median_rank": 2.5, "p05_rank": 1.0, "p95_rank": 4.0}
    fig = rank_band_chart(band, 5, "Alpha", "en")
    line, median, nominal = fig.data
    assert list(line.x) == [1.0, 4.0] and line.mode == "lines"
    assert list(median.x) == [2.5] and list(nominal.x) == [2.0]
    assert tuple(fig.layout.xaxis.range) == pytest.approx((0.5, 5.5))


def test_long_dimension_names_wrap_onto_lines():
    fig = radar_chart(results("Alpha", 2026).dimensions, FRAMEWORK, "Alpha", "en")
    assert all("<br>" not in label for label in fig.data[0].theta)  # short names stay on one line
    assert wrap("Sustainability, nature and safety", 16) == "Sustainability,<br>nature and<br>safety"
