"""The progress page (AppTest) and its figures against the command line's ``progress``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicator.framework import Framework, load
from indicator.progress import progress
from indicator.registry import load_villages
from indicator.storage import Store
from ui import testing

ROOT = Path(__file__).resolve().parent.parent
VILLAGES = ("Kaukola", "Huruksela", "Mäntlahti", "Sippola", "Utti", "Verla")


def survey_csv(framework: Framework, villages: tuple[str, ...], level: dict[str, float], seed: int) -> bytes:
    """A survey export (``;``-separated, Finnish village header) with 6 respondents per village.

    ``level`` moves each village's answers up (0..1 of the way from the lower goalpost to the target).
    """
    rng = np.random.default_rng(seed)
    rows = []
    for village in villages:
        for _ in range(6):
            row = {"Kylä": village}
            for item in framework.items:
                share = float(np.clip(level[village] + rng.normal(0, 0.1), 0, 1))
                if item.type == "likert5":
                    row[item.id] = int(round(1 + 4 * share))
                elif item.type == "yesno":
                    row[item.id] = "Kyllä" if rng.random() < share else "Ei"
                else:
                    row[item.id] = round(item.lower + (item.target - item.lower) * share, 1)
            rows.append(row)
    buffer = io.StringIO()
    pd.DataFrame(rows).to_csv(buffer, sep=";", index=False)
    return buffer.getvalue().encode("utf-8")


def fill_store(url: str, framework: Framework | None = None) -> Store:
    """A store with two approved rounds (2024, 2026) of six villages in both Leader areas."""
    framework = framework or load()
    store = Store(url)
    start = dict(zip(VILLAGES, (0.2, 0.35, 0.5, 0.3, 0.6, 0.45), strict=True))
    gain = dict(zip(VILLAGES, (0.3, 0.05, -0.1, 0.2, 0.1, 0.0), strict=True))
    for round_, seed, extra in ((2024, 1, 0.0), (2026, 2, 1.0)):
        level = {v: start[v] + extra * gain[v] for v in VILLAGES}
        store.uploads.add(
            survey_csv(framework, VILLAGES, level, seed),
            f"kysely-{round_}.csv",
            round_,
            framework,
            role="admin",
            actor="test",
            approve=True,
        )
    return store


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('progress') / 'page.db'}"
    fill_store(url)
    return url


@pytest.fixture()
def db_url(filled, monkeypatch) -> str:
    url = filled
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.chdir(ROOT)
    return url


def open_page(page: str, **state) -> AppTest:
    return testing.opened(page, state=state, timeout=30)


def test_page_shows_every_level_without_errors(db_url) -> None:
    at = open_page("eteneminen")
    assert at.title[0].value == "Eteneminen kohti vuotta 2030"
    markdown = " ".join(m.value for m in at.markdown)
    assert "Maakunta:" in markdown
    for level in ("leader_area", "municipality", "village"):
        at.radio(key="progress_level").set_value(level).run()
        assert not at.exception, at.exception
        markdown = " ".join(m.value for m in at.markdown)
        assert "on tavoitepolulla" in markdown
    assert "/ 6 kylää on tavoitepolulla" in markdown
    # the village table shows the library's numbers unrounded (rounding is display formatting only)
    fw, reg = load(), load_villages()
    expected = progress(Store(db_url).scores(fw).table, fw, registry=reg)
    own = expected[expected["level"] == "village"]
    assert not at.dataframe  # the table is made only when its expander is opened
    at.session_state["progress_table_open"] = True
    at.run()
    shown = at.dataframe[0].value
    assert len(shown) == len(own) == 6 * 8  # six villages, index and seven dimensions
    for column, source in (("Viimeisin", "last_score"), ("Ennuste 2030", "projected")):
        np.testing.assert_allclose(
            np.sort(shown[column].astype(float).to_numpy()),
            np.sort(own[source].astype(float).to_numpy()),
            rtol=1e-12,
        )


def test_method_switch_changes_the_rule(db_url) -> None:
    at = open_page("eteneminen", lang="en")
    at.radio(key="progress_level").set_value("village").run()
    at.radio(key="progress_method").set_value("growth_ratio").run()
    assert not at.exception
    assert "villages are on track" in " ".join(m.value for m in at.markdown)


def cli_progress(url: str, tmp_path: Path) -> pd.DataFrame:
    """``python -m indicator progress --db URL --format json`` run in-process, read back."""
    from indicator.cli import main

    out = tmp_path / "progress.json"
    assert main(["progress", "--db", url, "--format", "json", "--output", str(out)]) == 0
    return pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))


def test_page_figures_equal_the_command_line(db_url, tmp_path) -> None:
    """The page's table (village, Leader-area and province rows) is the CLI's ``progress`` output."""
    fw, reg = load(), load_villages()
    page = progress(Store(db_url).scores(fw).table, fw, registry=reg)
    cli = cli_progress(db_url, tmp_path)
    keys = ["village", "measure"]
    cli_rows = cli[[*keys, "first_score", "last_score", "slope", "required", "status", "projected"]]
    mine = page[page["level"] != "municipality"]
    merged = mine.merge(cli_rows, on=keys, suffixes=("", "_cli"), how="outer", indicator=True)
    village_level = merged[merged["level"] == "village"]
    assert (village_level["_merge"] == "both").all()
    assert len(village_level) == len(cli_rows[cli_rows["village"].isin(VILLAGES)])
    both = merged[merged["_merge"] == "both"]
    for column in ("first_score", "last_score", "slope", "required", "projected"):
        np.testing.assert_allclose(both[column].astype(float), both[f"{column}_cli"].astype(float), rtol=1e-9)
    assert (both["status"] == both["status_cli"]).all()


def test_shared_area_filter_narrows_the_lists(db_url) -> None:
    at = open_page("eteneminen", area="kasvu")
    at.radio(key="progress_level").set_value("village").run()
    assert not at.exception
    # Sippola, Utti and Verla are the kasvu villages of the test data
    assert "/ 3 kylää on tavoitepolulla" in " ".join(m.value for m in at.markdown)
    assert at.selectbox(key="progress_entity_village").options == ["Sippola", "Utti", "Verla"]
    at.radio(key="progress_level").set_value("municipality").run()
    assert "/ 1 kuntaa on tavoitepolulla" in " ".join(m.value for m in at.markdown)
