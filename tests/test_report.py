"""The village results: target path, strengths and weaknesses, medians, privacy, xlsx and HTML report.

A tiny framework and survey with hand-computed scores (shared with the chart tests). Goalposts:
A likert5 1→5, B yesno 0→100, C number 0→10; d1 = (A + B) / 2, d2 = C; min_respondents = 2.

| village | round | A | B | C | d1 | d2 | index | rank |
|---|---|---|---|---|---|---|---|---|
| Alpha | 2024 | 75 | 50 | 50 | 62.5 | 50 | 56.25 | 1 |
| Alpha | 2026 | 100 | 100 | 20 | 100 | 20 | 60 | 2 |
| Beta | 2026 | 0 | 0 | 100 | 0 | 100 | 50 | 3 |
| Gamma | 2026 | 75 | 100 | 50 | 87.5 | 50 | 68.75 | 1 |
| EVIL | 2026 | one respondent: private, no scores |
"""

from __future__ import annotations

import io
import re

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator import report
from indicator.framework import loads
from indicator.scoring import score

EVIL = "<script>alert(1)</script>"

FRAMEWORK = loads(
    """
[indicator]
id = "t"
name = { fi = "Testimittari", sv = "Testmätare", en = "Test indicator" }
baseline_year = 2024
target_year = 2030
min_respondents = 2
[[bands]]
id = "low"
min = 0
name = { fi = "Matala", sv = "Låg", en = "Low" }
[[bands]]
id = "high"
min = 55
name = { fi = "Korkea", sv = "Hög", en = "High" }
[[dimensions]]
id = "d1"
name = { fi = "Yhteisö", sv = "Gemenskap", en = "Community" }
[[dimensions]]
id = "d2"
name = { fi = "Palvelut", sv = "Tjänster", en = "Services" }
[[items]]
id = "A"
dimension = "d1"
text = { fi = "Kylällä on hyvä henki", sv = "Byn har god anda", en = "=The village has a good spirit" }
type = "likert5"
lower = 1
target = 5
[[items]]
id = "B"
dimension = "d1"
text = { fi = "Kylällä on kylätalo", sv = "Byn har ett bygdehus", en = "The village has a village house" }
type = "yesno"
lower = 0
target = 100
[[items]]
id = "C"
dimension = "d2"
text = { fi = "Tapahtumia vuodessa", sv = "Evenemang per år", en = "Events per year" }
type = "number"
lower = 0
target = 10
"""
)

REGISTRY = pd.DataFrame(
    {
        "village": ["Alpha", "Beta", "Gamma", EVIL],
        "municipality": ["Kotka", "Kotka", "Kouvola", "Kotka"],
        "leader_area": ["sepra", "sepra", "kasvu", "sepra"],
    }
)


def responses() -> pd.DataFrame:
    rows = [
        ("Alpha", 2024, 3, 1, 4),
        ("Alpha", 2024, 5, 0, 6),
        ("Alpha", 2026, 5, 1, 2),
        ("Alpha", 2026, 5, 1, 2),
        ("Beta", 2026, 1, 0, 10),
        ("Beta", 2026, 1, 0, 10),
        ("Gamma", 2026, 4, 1, 5),
        ("Gamma", 2026, 4, 1, 5),
        (EVIL, 2026, 5, 1, 10),
    ]
    frame = pd.DataFrame(rows, columns=["village", "round", "A", "B", "C"])
    frame["round"] = frame["round"].astype("Int64")
    frame["respondent"] = [str(n) for n in range(2, 2 + len(frame))]
    frame[["A", "B", "C"]] = frame[["A", "B", "C"]].astype(float)
    return frame




def scores():
    return score(responses(), FRAMEWORK)


def results(village: str = "Alpha", round_: int = 2026, **kw):
    return report.village_results(scores(), FRAMEWORK, village, round_, registry=REGISTRY, **kw)


def by_item(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.set_index("item")


# --- the target path ------------------------------------------------------------------------------


def test_target_path_from_the_first_earlier_round_to_100_in_the_target_year():
    path = by_item(report.target_path(scores().item_scores, FRAMEWORK, "Alpha", 2026).reset_index())
    # baseline 2024 (A 75, B 50, C 50); expected = b + (100 - b) * (2026 - 2024) / (2030 - 2024)
    assert path["baseline_round"].tolist() == [2024.0, 2024.0, 2024.0]
    assert path["expected"].to_numpy() == pytest.approx([75 + 25 / 3, 50 + 50 / 3, 50 + 50 / 3])


def test_target_path_without_an_earlier_round_starts_at_zero_in_the_baseline_year():
    path = report.target_path(scores().item_scores, FRAMEWORK, "Beta", 2026)
    assert path["baseline_round"].isna().all()
    assert path["expected"].to_numpy() == pytest.approx([100 / 3] * 3)
    first = report.target_path(scores().item_scores, FRAMEWORK, "Alpha", 2024)
    assert first["expected"].tolist() == [0.0, 0.0, 0.0]


@settings(max_examples=60, deadline=None)
@given(
    base=st.floats(0, 100),
    base_round=st.integers(2020, 2029),
    later=st.integers(1, 10),
)
def test_target_path_lies_between_the_baseline_and_100(base, base_round, later):
    round_ = min(base_round + later, 2030)
    index = pd.MultiIndex.from_tuples([("V", base_round)], names=["village", "round"])
    item_scores = pd.DataFrame({"A": [base], "B": [np.nan], "C": [base]}, index=index)
    path = report.target_path(item_scores, FRAMEWORK, "V", round_)
    assert base - 1e-9 <= path.at["A", "expected"] <= 100 + 1e-9
    assert path.at["A", "expected"] == pytest.approx(path.at["C", "expected"])
    if round_ == 2030:
        assert path.at["A", "expected"] == pytest.approx(100)


# --- results --------------------------------------------------------------------------------------


def test_gaps_strengths_and_weaknesses_on_the_crafted_case():
    res = results("Alpha", 2026)
    gaps = by_item(res.items)["gap"]
    assert gaps.to_numpy() == pytest.approx([100 - (75 + 25 / 3), 100 - (50 + 50 / 3), 20 - (50 + 50 / 3)])
    assert res.strengths["item"].tolist() == ["B"]
    assert res.weaknesses["item"].tolist() == ["C"]
    beta = results("Beta", 2026)
    assert beta.strengths["item"].tolist() == ["C"]
    assert beta.weaknesses["item"].tolist() == ["A"]  # A and B tie at -33.3: first by id


def test_item_values_and_counts_are_carried():
    items = by_item(results("Alpha", 2024).items)
    assert items["value"].tolist() == [4.0, 50.0, 5.0]
    assert items["answers"].tolist() == [2.0, 2.0, 2.0]
    assert items["score"].tolist() == [75.0, 50.0, 50.0]


def test_dimensions_against_province_and_leader_area_medians():
    dims = results("Alpha", 2026).dimensions.set_index("dimension")
    assert dims["village"].tolist() == [100.0, 20.0]
    assert dims["province"].tolist() == [87.5, 50.0]  # medians of Alpha, Beta, Gamma
    assert dims["area"].tolist() == [50.0, 60.0]  # sepra: Alpha and Beta (the private village has none)


def test_headline_figures_and_history():
    res = results("Alpha", 2026)
    assert (res.index, res.band, res.rank, res.n_ranked, res.area) == (60.0, "high", 2, 3, "sepra")
    assert res.history["round"].tolist() == [2024, 2026]
    assert res.history["index"].tolist() == [56.25, 60.0]
    assert report.summary_sentence(res, FRAMEWORK, "en") == "Alpha in round 2026: index 60.0 (High), rank 2 of 3."


def test_without_a_registry_there_is_no_area_median():
    res = report.village_results(scores(), FRAMEWORK, "Alpha", 2026)
    assert res.area is None
    assert res.dimensions["area"].isna().all()


def test_rank_band_is_taken_from_the_uncertainty_table():
    unc = pd.DataFrame({"village": ["Gamma", "Alpha"], "nominal_rank": [1, 2], "median_rank": [1.0, 2.0],
                        "p05_rank": [1.0, 1.0], "p95_rank": [2.0, 3.0], "mean_abs_shift": [0.2, 0.5]})
    res = results("Alpha", 2026, uncertainty=unc)
    assert res.rank_band == {"nominal_rank": 2.0, "median_rank": 2.0, "p05_rank": 1.0, "p95_rank": 3.0,
                             "mean_abs_shift": 0.5}
    assert report.rank_band_sentence(res, "en") == (
        "Rank 2 of 3; when weights and methods are varied, the rank lies between 1 and 3 in 90% of cases."
    )


def test_small_village_has_no_breakdown():
    res = results(EVIL, 2026)
    assert res.private and res.index is None and res.rank is None
    assert res.dimensions.empty and res.items.empty
    assert res.strengths.empty and res.weaknesses.empty
    assert report.respondents_text(res.respondents, FRAMEWORK, "fi") == "alle 2"


def test_values_and_gaps_in_plain_words():
    assert report.format_value(3.84, "likert5", "fi") == "ka. 3,8 / 5"
    assert report.format_value(64.2, "yesno", "en") == "64% yes"
    assert report.format_value(1950.0, "number", "sv") == "median 1\u202f950,0"
    assert report.describe_gap(12.4, "en") == "12 points ahead of the path"
    assert report.describe_gap(-3.6, "fi") == "4 pistettä jäljessä polusta"
    assert report.describe_gap(0.2, "sv") == "på banan"


# --- downloads ------------------------------------------------------------------------------------


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_has_the_breakdown_and_formula_safe_text():
    book = workbook(report.results_xlsx(results("Alpha", 2026), FRAMEWORK, "en"))
    assert book.sheetnames == ["Summary", "Dimensions", "Items", "History"]
    texts = [c.value for row in book["Items"].iter_rows() for c in row]
    assert "'=The village has a good spirit" in texts
    assert "=The village has a good spirit" not in texts
    rows = list(book["Items"].iter_rows(values_only=True))
    column = rows[0].index("Score")
    assert [r[column] for r in rows[1:]] == [100.0, 100.0, 20.0]
    expected = [r[rows[0].index("Expected on path")] for r in rows[1:]]
    assert expected == pytest.approx([75 + 25 / 3, 50 + 50 / 3, 50 + 50 / 3])  # full precision


def test_xlsx_of_a_small_village_has_no_breakdown():
    book = workbook(report.results_xlsx(results(EVIL, 2026), FRAMEWORK, "fi"))
    assert book.sheetnames == ["Yhteenveto", "Kehitys"]
    cells = [c.value for ws in book for row in ws.iter_rows() for c in row]
    assert EVIL in cells  # the name is data, written as text
    assert not any(isinstance(v, float) for v in cells)  # no score anywhere


def test_html_report_is_self_contained_and_escaped():
    page = report.report_html(results("Alpha", 2026), FRAMEWORK, "en")
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"<script[^>]*\bsrc=", page)
    markup = re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.DOTALL)
    assert not re.search(r"(src|href)=", markup)  # nothing loaded from elsewhere
    assert "<link" not in markup
    assert page.count("window.PlotlyConfig") == 1  # plotly.js inlined exactly once
    assert "@media print" in page
    assert "The village has a good spirit" in page and "Events per year" in page


def test_html_report_escapes_village_names_and_hides_a_small_breakdown():
    page = report.report_html(results(EVIL, 2026), FRAMEWORK, "en")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "fewer than 2 respondents" in page
    for item_text in ("good spirit", "village house", "Events per year"):
        assert item_text not in page
    assert "Plotly.newPlot" not in page  # no history either: the village has never been scored
