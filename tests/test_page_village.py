"""AppTest of the village card in every language, with numbers computed by the library.

Each test gets a fresh SQLite file (``DATABASE_URL``) seeded with a small synthetic survey of the
shipped framework: ten registry villages (six Sepra, four Kasvu) in 2024 and 2026, one of them with too few respondents.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicator import report
from indicator.framework import load
from indicator.i18n import fmt_number, t
from indicator.registry import load_villages
from indicator.storage import Store
from ui import testing

SMALL = "Mäntlahti"  # three respondents in 2026: private
PAGE = "pages/kyla.py"
ROOT = Path(__file__).resolve().parent.parent


def synthetic_responses(framework, villages: list[str], round_: int, seed: int) -> pd.DataFrame:
    """Plausible answers: a village level, shifted per dimension, plus noise; SMALL has 3 rows in 2026."""
    rng = np.random.default_rng(seed)
    frames = []
    for v, village in enumerate(villages):
        n = 3 if (village == SMALL and round_ == 2026) else 6 + v % 3
        level = rng.uniform(0.3, 0.8) + (0.08 if round_ > 2024 else 0.0)
        by_dimension = {d: level + rng.normal(0, 0.15) for d in framework.dimension_ids}
        data = {"village": [village] * n, "respondent": [str(k + 2) for k in range(n)]}
        for item in framework.items:
            share = np.clip(by_dimension[item.dimension] + rng.normal(0, 0.2, n), 0, 1)
            if item.type == "likert5":
                data[item.id] = np.round(1 + 4 * share)
            elif item.type == "yesno":
                data[item.id] = (rng.uniform(size=n) < share).astype(float)
            else:
                data[item.id] = np.round(share * max(item.lower, item.target) * 1.2, 1)
        frames.append(pd.DataFrame(data))
    return pd.concat(frames, ignore_index=True)


def seed_store(url: str) -> Store:
    """A store with two approved synthetic rounds (10 villages; SMALL too small in 2026)."""
    framework = load()
    registry = load_villages()
    villages = [*registry.loc[registry["leader_area"] == "sepra", "village"].head(6),
                *registry.loc[registry["leader_area"] == "kasvu", "village"].head(4)]
    store = Store(url)
    for round_, seed in ((2024, 1), (2026, 2)):
        frame = synthetic_responses(framework, villages, round_, seed)
        store.uploads.store_read(f"synthetic {round_}".encode(), f"synthetic_{round_}.csv", round_, framework, frame,
                         None, role="admin", actor="test", approve=True)
    return store


@pytest.fixture
def db(tmp_path, monkeypatch) -> Store:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    return seed_store(url)


def open_page(lang: str = "fi", role: str = "public", village: str | None = None) -> AppTest:
    return testing.opened(Path(PAGE).stem, state={"lang": lang, "role": role},
                          query={"village": village} if village is not None else None)


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def all_text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [h.value for h in at.header]
    return "\n".join(parts)


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_village_card_shows_the_library_numbers(db, lang):
    framework = load()
    scores = db.scores(framework)
    village = "Husula"
    expected = report.village_results(scores, framework, village, 2026, registry=load_villages())
    at = open_page(lang, village=village)
    assert at.selectbox(key="village_select").value == village
    assert metric(at, t("village.kpi_index", lang)) == fmt_number(expected.index, lang, 1)
    assert metric(at, t("village.kpi_rank", lang)) == t("village.kpi_rank_of", lang, rank=expected.rank,
                                                         n=expected.n_ranked)
    text = all_text(at)
    assert report.markdown_escape(report.summary_sentence(expected, framework, lang)) in text
    strongest = expected.strengths.iloc[0]
    assert report.describe_gap(strongest["gap"], lang) in text
    assert t("village.strengths", lang) in [s.value for s in at.subheader]
    assert testing.download_buttons(at) == 2


def test_village_is_chosen_from_the_url_and_mirrored_back(db):
    at = open_page("en", village="Salmenkylä")
    assert at.selectbox(key="village_select").value == "Salmenkylä"
    at.selectbox(key="village_select").set_value("Husula").run()
    assert at.query_params["village"] == ["Husula"] or at.query_params["village"] == "Husula"


def test_an_unknown_village_in_the_url_warns_and_shows_the_first(db):
    at = open_page("en", village="Atlantis")
    assert at.warning and "Atlantis" in at.warning[0].value
    assert at.selectbox(key="village_select").value == sorted(
        db.scores(load()).table["village"].unique(), key=str.casefold)[0]


def test_a_village_name_from_the_url_is_not_read_as_markdown(db):
    at = open_page("en", village="![x](http://example.org/t.png)")
    assert "\\!\\[x\\]\\(http\\:" in at.warning[0].value


def test_small_village_shows_no_breakdown(db):
    at = open_page("en", village=SMALL)
    assert any("fewer than 5 respondents" in i.value for i in at.info)
    assert metric(at, "Index") == "–"
    assert metric(at, "Respondents") == "fewer than 5"
    headings = [s.value for s in at.subheader]
    assert "Strengths" not in headings and "Dimensions" not in headings
    assert len(at.get("download_button")) == 2  # downloads exist but carry no breakdown (see test_report)


def test_coordinator_sees_the_same_card(db):
    at = open_page("sv", role="coordinator", village="Husula")
    assert metric(at, "Index") != "–"


def test_the_band_has_the_trend_beside_it_with_one_line_telling_them_apart(db):
    framework = load()
    expected = report.village_results(db.scores(framework), framework, "Husula", 2026, registry=load_villages())
    at = open_page("fi", village="Husula")
    labels = [m.label for m in at.metric]
    assert labels.index(t("village.kpi_trend", "fi")) == labels.index(t("village.kpi_band", "fi")) + 1
    assert metric(at, t("village.kpi_trend", "fi")) == report.trend_label(expected, "fi")
    assert expected.trend["status"] != "insufficient_data"  # two rounds: a real trend
    captions = [c.value for c in at.caption]
    assert report.markdown_escape(report.trend_sentence(expected, framework, "fi")) in captions
    assert "2024–2026" in report.trend_sentence(expected, framework, "fi")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_development_targets_carry_the_framework_ideas_in_the_language(db, lang):
    framework = load()
    expected = report.village_results(db.scores(framework), framework, "Husula", 2026, registry=load_villages())
    targets = report.development_targets(expected, framework, lang)
    assert targets, "the synthetic Husula is behind somewhere"
    at = open_page(lang, village="Husula")
    assert t("village.weaknesses", lang) in [s.value for s in at.subheader]
    text = all_text(at)
    for target in targets:
        assert report.markdown_escape(target.title) in text
        assert all(report.markdown_escape(idea) in text for idea in target.ideas)
        assert len(target.ideas) == 2  # the shipped framework has two per item


def test_a_pending_upload_of_the_village_is_noted_once_and_others_are_not(db):
    framework = load()
    frame = synthetic_responses(framework, ["Husula"], 2026, seed=9)
    db.uploads.store_read(b"newer answers", "husula_new.csv", 2026, framework, frame, None, role="village",
                          actor="test", village="Husula")
    at = open_page("en", village="Husula")
    notes = [i.value for i in at.info if "approval" in i.value]
    assert len(notes) == 1 and "round 2026" in notes[0]  # one note (ui.survey_views.waiting_note), not two
    other = open_page("en", village="Salmenkylä")
    assert not [i.value for i in other.info if "approval" in i.value]
