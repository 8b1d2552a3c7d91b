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

TEST_FRAMEWORK_TEXT = """
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
FRAMEWORK = loads(TEST_FRAMEWORK_TEXT)

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
    assert report.describe_gap(12.4, "en") == "12 points ahead of the target path"
    assert report.describe_gap(-3.6, "fi") == "4 pistettä jäljessä tavoitepolusta"
    assert report.describe_gap(0.2, "sv") == "på målbanan"
    assert report.where_it_stands(38.2, "yesno", 100, 2030, "fi") == (
        "38 % vastaajista vastasi kyllä; tavoite vuodelle 2030 on 100 %.")
    assert report.where_it_stands(3.14, "likert5", 4.0, 2030, "en") == (
        "Respondents average 3.1 on the 1–5 scale; the target for 2030 is 4.0.")
    assert report.where_it_stands(float("nan"), "number", 6, 2030, "sv") == "Frågan har för få svar."


# --- downloads ------------------------------------------------------------------------------------


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_xlsx_has_the_breakdown_and_formula_safe_text():
    book = workbook(report.results_xlsx(results("Alpha", 2026), FRAMEWORK, "en"))
    assert book.sheetnames == ["Summary", "Dimensions", "Items", "History", "Dimensions full", "Items full",
                               "History full"]
    texts = [c.value for row in book["Items"].iter_rows() for c in row]
    assert "'=The village has a good spirit" in texts
    assert "=The village has a good spirit" not in texts
    rows = list(book["Items"].iter_rows(values_only=True))
    column = rows[0].index("Score")
    assert [r[column] for r in rows[1:]] == [100.0, 100.0, 20.0]
    expected = [r[rows[0].index("Expected on path")] for r in rows[1:]]
    assert expected == [83.3, 66.7, 66.7]  # rounded to one decimal for people
    exact = list(book["Items full"].iter_rows(values_only=True))
    assert exact[0][:4] == ("item", "dimension", "type", "value")  # the results' own columns for machines
    assert [r[exact[0].index("expected")] for r in exact[1:]] == pytest.approx(
        [75 + 25 / 3, 50 + 50 / 3, 50 + 50 / 3])  # full precision
    assert [r[exact[0].index("answers")] for r in exact[1:]] == [2, 2, 2]
    summary = dict(list(book["Summary"].iter_rows(values_only=True))[1:])
    assert summary["Respondents"] == 2 and isinstance(summary["Respondents"], int)  # a count is a number
    assert summary["Index"] == 60.0
    history = list(book["History"].iter_rows(values_only=True))
    assert [r[history[0].index("Respondents")] for r in history[1:]] == [2, 2]


def test_xlsx_of_a_small_village_has_no_breakdown():
    book = workbook(report.results_xlsx(results(EVIL, 2026), FRAMEWORK, "fi"))
    assert book.sheetnames == ["Yhteenveto", "Kehitys", "Kehitys tarkat"]
    exact = list(book["Kehitys tarkat"].iter_rows(values_only=True))
    assert exact[1][exact[0].index("respondents")] is None  # the one respondent is not counted out loud
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
    assert "<script" not in page and "Plotly" not in page  # charts are inline SVG, no script at all
    assert page.count("<svg") == 2  # the radar and the history (no rank band without an uncertainty table)
    assert "@media print" in page
    assert "The village has a good spirit" in page and "Events per year" in page


def test_html_report_escapes_village_names_and_hides_a_small_breakdown():
    page = report.report_html(results(EVIL, 2026), FRAMEWORK, "en")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "fewer than 2 respondents" in page
    for item_text in ("good spirit", "village house", "Events per year"):
        assert item_text not in page
    assert "<svg" not in page  # no history either: the village has never been scored


# --- development targets and trend ---------------------------------------------------


def framework_with_ideas():
    """The test framework with two ideas for item C (fi, en; Swedish falls back to Finnish)."""
    from indicator.framework import loads as load_text

    source = TEST_FRAMEWORK_TEXT.replace(
        'lower = 0\ntarget = 10\n',
        'lower = 0\ntarget = 10\nideas = { fi = ["Tapahtumakalenteri", "Naapurikylien yhteistapahtuma"], '
        'en = ["An events calendar", "A joint event with the neighbours"] }\n')
    assert source != TEST_FRAMEWORK_TEXT
    return load_text(source)


def test_development_targets_are_the_items_behind_their_path_with_the_framework_ideas():
    fw = framework_with_ideas()
    res = report.village_results(score(responses(), fw), fw, "Alpha", 2026, registry=REGISTRY)
    # Alpha 2026: A and B are ahead of their path (gaps +16.7, +33.3), C is behind (20 - 66.7 = -46.7)
    targets = report.development_targets(res, fw, "en")
    assert [target.item for target in targets] == ["C"]
    assert targets[0].title == "Events per year"
    assert targets[0].where == "The median answer is 2.0; the target for 2030 is 10.0."
    assert targets[0].gap == "47 points behind the target path"
    assert targets[0].ideas == ("An events calendar", "A joint event with the neighbours")
    assert report.development_targets(res, fw, "sv")[0].ideas == ("Tapahtumakalenteri", "Naapurikylien yhteistapahtuma")
    # Beta is behind on A and B (both -33.3); without ideas in the file the targets come without ideas
    beta = results("Beta", 2026)
    assert [(x.item, x.ideas) for x in report.development_targets(beta, FRAMEWORK, "fi")] == [("A", ())]


def test_a_village_ahead_everywhere_has_no_development_targets():
    res = results("Gamma", 2026)  # A 75, B 100, C 50 against 33.3 expected everywhere
    assert report.development_targets(res, FRAMEWORK, "en") == []


def test_the_trend_is_the_progress_status_of_the_index_up_to_the_shown_round():
    res = results("Alpha", 2026)
    # index 56.25 (2024) -> 60 (2026): slope 1.875 a year; required (100 - 56.25) / 6 = 7.29 -> under half
    assert res.trend["status"] == "stagnating"
    assert (res.trend["first_round"], res.trend["last_round"]) == (2024, 2026)
    assert res.trend["slope"] == pytest.approx(1.875)
    assert res.trend["required"] == pytest.approx(43.75 / 6)
    assert report.trend_label(res, "fi") == "→ edistyy vähän"  # rising, too slowly: never "standing still"
    assert report.trend_sentence(res, FRAMEWORK, "en") == (
        "The band (High) says where the village is now; the trend (→ little progress) says how its index has moved "
        "2024–2026: +1.9 points a year, where reaching the target in 2030 needs 7.3.")
    first = results("Alpha", 2024)
    assert first.trend["status"] == "insufficient_data"  # 2026 is not counted for the 2024 card
    assert "two rounds" in report.trend_sentence(first, FRAMEWORK, "en")
    assert results(EVIL, 2026).trend == {}


def test_html_report_has_the_targets_with_ideas_the_trend_and_svg_charts():
    fw = framework_with_ideas()
    unc = pd.DataFrame({"village": ["Alpha"], "nominal_rank": [2], "median_rank": [2.0], "p05_rank": [1.0],
                        "p95_rank": [3.0], "mean_abs_shift": [0.5]})
    res = report.village_results(score(responses(), fw), fw, "Alpha", 2026, registry=REGISTRY, uncertainty=unc)
    page = report.report_html(res, fw, "en")
    assert "<h2>Development targets</h2>" in page and "<li>An events calendar</li>" in page
    assert "→ little progress" in page
    assert page.count("<svg") == 3  # radar, rank band, history
    assert "<script" not in page
    assert len(page.encode()) < 100_000


def test_html_report_of_the_demo_village_is_under_one_megabyte():
    from indicator.framework import load
    from indicator.registry import load_villages
    from indicator.uncertainty import rank_uncertainty
    from ui import testing

    fw = load()
    scores = score(_demo_responses(), fw)
    table = scores.table
    village = table.loc[table["round"] == table["round"].max()].sort_values("index").iloc[0]["village"]
    round_ = int(table["round"].max())
    unc = rank_uncertainty(scores, fw, round=round_, n=200, seed=0)
    res = report.village_results(scores, fw, village, round_, registry=load_villages(), uncertainty=unc)
    for lang in ("fi", "sv", "en"):
        size = len(report.report_html(res, fw, lang).encode("utf-8"))
        assert size < 1_000_000, size  # it was 4.8 MB with Plotly inlined
        assert size < 150_000, size  # in fact about a tenth of that
    assert testing is not None


def _demo_responses() -> pd.DataFrame:
    from indicator.storage import Store
    from ui import testing

    store = Store(f"sqlite:///{testing.demo_template()}")
    try:
        return store.responses()
    finally:
        store.close()
