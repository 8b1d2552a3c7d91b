"""Figures of the village card: traces, hand-computed values and escaped labels."""

from __future__ import annotations

import pytest

from indicator.charts import palette
from indicator.charts.labels import wrap
from indicator.charts.village import history_chart, radar_chart, radar_label, rank_band_chart
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


def test_rank_band_is_labelled_on_the_chart_without_a_legend():
    band = {"nominal_rank": 2.0, "median_rank": 2.5, "p05_rank": 1.0, "p95_rank": 4.0}
    fig = rank_band_chart(band, 5, "Alpha", "en")
    axis, line, nominal = fig.data
    assert list(axis.x) == [1, 5]  # every rank from the best to the last
    assert list(line.x) == [1.0, 4.0] and line.mode == "lines"
    assert list(nominal.x) == [2.0] and list(nominal.text) == ["Rank 2"]
    assert [a.text for a in fig.layout.annotations] == ["90%: ranks 1–4"]
    assert not any(trace.showlegend for trace in fig.data)
    assert tuple(fig.layout.xaxis.range) == pytest.approx((0.5, 5.5))
    assert list(fig.layout.xaxis.tickvals) == [1, 2, 3, 4, 5]


def test_rank_band_ticks_stay_few_for_many_villages_and_use_the_decimal_comma():
    band = {"nominal_rank": 9.0, "median_rank": 9.0, "p05_rank": 8.0, "p95_rank": 10.0}
    fig = rank_band_chart(band, 37, "Sippola", "fi")
    assert list(fig.layout.xaxis.tickvals) == [1, 5, 10, 15, 20, 25, 30, 37]
    assert fig.layout.annotations[0].text == "90 %: sijat 8–10"
    assert fig.layout.separators == ",\u202f"


@pytest.mark.parametrize(
    ("name", "label"),
    [
        ("Elinkeinot ja yrittäjyys", "Elinkeinot ja<br>yrittäjyys"),
        ("Identiteetti, brändi ja näkyvyys", "Identiteetti"),  # three lines: the part before the comma
        ("Verkostot, suunnitelmallisuus ja yhteistyö", "Verkostot"),
        ("Kylätalo ja yhteisölliset tilat", "Kylätalo ja<br>yhteisölliset<br>tilat"),
        ("Village house and community spaces", "Village house<br>and community<br>spaces"),
        ("a b c d e f g h i j k l m n o p q r s t u v w x y z aa bb cc dd ee ff gg hh", "a b c d e f g<br>h i j k l m n<br>o p q r s t u…"),
        ("<b>Tila</b>", "&lt;b&gt;Tila&lt;/b&gt;"),
    ],
)
def test_radar_labels_are_short_enough_for_a_phone(name, label):
    assert radar_label(name) == label


def test_radar_labels_of_the_shipped_framework_fit_three_short_lines_in_every_language():
    from indicator.framework import load
    from indicator.framework import text as in_lang

    fw = load()
    for lang in ("fi", "sv", "en"):
        for dim in fw.dimensions:
            lines = radar_label(in_lang(dim.name, lang)).split("<br>")
            assert len(lines) <= 3 and all(len(line) <= 18 for line in lines), (lang, dim.id, lines)


def test_radar_ticks_sit_between_spokes_and_the_hover_names_the_whole_dimension():
    res = results("Alpha", 2026)
    fig = radar_chart(res.dimensions, FRAMEWORK, "Alpha", "en")
    assert fig.layout.polar.radialaxis.angle == 90 - 360 / 2 / 2  # halfway between the two spokes
    assert 0 not in fig.layout.polar.radialaxis.tickvals
    assert list(fig.data[2].customdata) == ["Community", "Services", "Community"]


def test_long_dimension_names_wrap_onto_lines():
    fig = radar_chart(results("Alpha", 2026).dimensions, FRAMEWORK, "Alpha", "en")
    assert all("<br>" not in label for label in fig.data[0].theta)  # short names stay on one line
    assert wrap("Sustainability, nature and safety", 16) == "Sustainability,<br>nature and<br>safety"
