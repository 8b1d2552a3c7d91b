"""Etusivu: the numbers on the page are the library's numbers, in every language and filter."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import pytest

from indicator.cli import main as cli_main
from indicator.framework import load
from indicator.i18n import LANGUAGES, fmt_number, t
from indicator.progress import aggregate_history
from indicator.registry import load_villages
from ui import testing


@pytest.fixture
def demo_url(monkeypatch, tmp_path) -> str:
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def library_round(url: str, round_: int) -> pd.DataFrame:
    """The library's scores of one round (the page's database is a copy of the demo template)."""
    table = testing.demo_scores_table()
    return table[table["round"] == round_]


def progress_rows(url: str) -> pd.DataFrame:
    """The command line's ``progress --db`` rows (every level) for the page's database."""
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "progress.json"
        assert cli_main(["progress", "--db", url, "--format", "json", "--output", str(out)]) == 0
        return pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))


def province_index(url: str) -> dict:
    """The command line's province row for the index: the headline figure every screen shows."""
    rows = progress_rows(url)
    return rows[(rows["level"] == "province") & (rows["measure"] == "index")].iloc[0].to_dict()


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_headline_equals_the_library(demo_url, lang):
    at = testing.opened(query={"lang": lang})
    rows = library_round(demo_url, 2026)
    shown = metrics(at)
    assert shown[t("overview.kpi_villages", lang)] == str(len(rows))
    province = province_index(demo_url)
    assert shown[t("progress.measure.index", lang)] == fmt_number(province["last_score"], lang)
    respondents = shown[t("overview.kpi_respondents", lang)].replace("\u202f", "").replace(",", "")
    assert int(respondents) == rows["respondents"].sum()
    assert testing.download_buttons(at) == 1  # the ranking


def test_ranking_equals_the_command_line_score_for_a_round(demo_url, tmp_path):
    """The ranking table of round 2025 is `python -m indicator score <2025 files> --round 2025`."""
    files = [str(path) for path, round_ in testing.demo_exports() if round_ == 2025]
    out = tmp_path / "score.csv"
    assert cli_main(["score", *files, "--round", "2025", "--format", "csv", "--output", str(out)]) == 0
    cli = pd.read_csv(out).set_index("village").sort_index()
    at = testing.opened(query={"round": "2025"})
    shown = at.dataframe[0].value.set_index(t("common.col_village", "fi")).sort_index()
    assert list(shown.index) == list(cli.index)
    pd.testing.assert_series_equal(shown[t("common.col_index", "fi")].astype(float), cli["index"],
                                   check_names=False, rtol=1e-12)
    assert shown[t("common.col_rank", "fi")].astype("Int64").tolist() == cli["rank"].astype("Int64").tolist()
    assert shown[t("common.col_respondents", "fi")].tolist() == cli["respondents"].tolist()
    line = aggregate_history(testing.demo_scores_table(), ["index"], by="province").set_index("round")["index"]
    assert metrics(at)[t("progress.measure.index", "fi")] == fmt_number(line[2025], "fi")


def test_area_filter_counts_only_that_area(demo_url):
    at = testing.opened(query={"area": "kasvu"})
    registry = load_villages()
    kasvu = set(registry.loc[registry["leader_area"] == "kasvu", "village"])
    rows = library_round(demo_url, 2026)
    rows = rows[rows["village"].isin(kasvu)]
    assert metrics(at)[t("overview.kpi_villages", "fi")] == str(len(rows))
    area = progress_rows(demo_url).set_index(["level", "village", "measure"]).loc[("leader_area", "kasvu", "index")]
    assert metrics(at)[t("progress.measure.index", "fi")] == fmt_number(area["last_score"], "fi")
    shown = at.dataframe[0].value
    assert set(shown[t("common.col_village", "fi")]) == set(rows["village"])


def test_small_villages_are_listed_without_scores(demo_url):
    at = testing.app().run()
    rows = library_round(demo_url, 2026)
    small = rows.loc[rows["respondents"] < load().min_respondents, "village"].tolist()
    assert small, "the demo data should have a village below min_respondents in 2026"
    shown = at.dataframe[0].value.set_index(t("common.col_village", "fi"))
    for village in small:
        assert shown.loc[village, t("common.col_band", "fi")] == t("common.too_few", "fi")
        assert pd.isna(shown.loc[village, t("common.col_index", "fi")])


def test_change_since_baseline(demo_url):
    """The change is the rise of the progress page's province line from the baseline round (2024)."""
    at = testing.app().run()
    now, base = library_round(demo_url, 2026), library_round(demo_url, 2024)
    both = set(now.dropna(subset=["index"])["village"]) & set(base.dropna(subset=["index"])["village"])
    assert 0 < len(both) < len(now)  # the demo has villages that joined later: like with like matters
    province = province_index(demo_url)
    assert province["first_round"] == 2024
    change = province["last_score"] - province["first_score"]
    assert metrics(at)[t("overview.kpi_change", "fi", base=2024)] == fmt_number(change, "fi")


def test_empty_database_says_so(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", testing.empty_database(tmp_path))
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    at = testing.app().run()
    assert not at.exception
    assert at.info[0].value == t("common.no_data", "fi")


def test_the_ranking_shows_four_columns_until_all_are_asked_for(demo_url):
    """A phone reads rank, village, index and band; the toggle brings back every column."""
    at = testing.app()
    at.run()
    compact = [t(f"common.col_{k}", "fi") for k in ("rank", "village", "index", "band")]
    assert list(at.dataframe[0].proto.column_order) == compact
    assert set(compact) <= set(at.dataframe[0].value.columns)
    at.toggle(key="overview_ranking_all").set_value(True).run()
    assert list(at.dataframe[0].proto.column_order) == []
