"""AppTest of the framework page: the public view in every language; sandbox and audit for coordinators."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicator import weights as wt
from indicator.audit import audit
from indicator.framework import load, text
from indicator.i18n import fmt_number, t
from indicator.scoring import ScoreOptions, score
from tests.test_page_village import seed_store
from ui import testing

PAGE = "pages/mittaristo.py"


@pytest.fixture
def db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'test.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    return seed_store(url)


def open_page(lang: str = "fi", role: str = "public") -> AppTest:
    return testing.opened(Path(PAGE).stem, state={"lang": lang, "role": role})


def headers(at: AppTest) -> list[str]:
    return [h.value for h in at.header] + [s.value for s in at.subheader]


def frame_of(element) -> pd.DataFrame:
    value = element.value
    return value.data if hasattr(value, "data") else value


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_public_sees_the_framework_but_no_sandbox_or_audit(db, lang):
    fw = load()
    at = open_page(lang)
    assert at.title[0].value == t("framework.title", lang)
    assert t("framework.tree", lang) in headers(at)
    assert t("framework.sandbox", lang) not in headers(at) and t("framework.audit", lang) not in headers(at)
    assert not at.select_slider
    table = frame_of(at.dataframe[0])
    assert len(table) == len(fw.items)
    assert table[t("framework.col_text", lang)].iloc[0] == text(fw.items[0].text, lang)
    eff = wt.effective_weights(fw).set_index("item")["effective"]
    shown = table.set_index(t("framework.col_item", lang))[t("framework.col_effective", lang)]
    assert shown.to_numpy() == pytest.approx(100 * eff.reindex(shown.index).to_numpy())
    top = min(eff.index[eff == eff.max()])  # ties: the first id
    assert any(f"{top} ({fmt_number(100 * eff.max(), lang, 1)}" in c.value for c in at.caption)
    assert testing.download_buttons(at) >= 1  # the table, and the survey kit's files


@pytest.mark.parametrize("lang", ["fi", "en"])
def test_coordinator_sees_sandbox_and_audit(db, lang):
    fw = load()
    at = open_page(lang, "coordinator")
    assert t("framework.sandbox", lang) in headers(at) and t("framework.audit", lang) in headers(at)
    assert len(at.select_slider) == len(fw.dimensions)
    assert any(i.value == t("framework.nothing_changed", lang) for i in at.info)
    alpha = audit(db.scores(fw), fw, round=2026).dimensions["alpha"].astype(float)
    dims = next(frame_of(d) for d in at.dataframe if t("framework.col_alpha", lang) in frame_of(d).columns)
    assert dims[t("framework.col_alpha", lang)].to_numpy() == pytest.approx(alpha.to_numpy(), nan_ok=True)


def test_sandbox_shows_the_rank_changes_of_the_library(db):
    fw = load()
    at = open_page("en", "coordinator")
    first = fw.dimensions[0].id
    at.select_slider(key=f"framework_w_{first}").set_value(3.0).run()
    assert not at.exception
    responses = db.responses(framework=fw)
    expected = wt.rank_changes(score(responses, fw).table,
                               score(responses, fw, ScoreOptions(weights={first: 3.0})).table, 2026)
    shown = next(frame_of(d) for d in at.dataframe if "Sandbox rank" in frame_of(d).columns)
    assert shown["Village"].tolist() == expected["village"].tolist()
    assert shown["Shift"].astype("Int64").tolist() == expected["shift"].tolist()
    ranked = expected.dropna(subset=["shift"])
    summary = t("framework.changes_summary", "en", moved=int((ranked["shift"] != 0).sum()), n=len(ranked),
                largest=int(ranked["shift"].abs().max()))
    assert any(m.value == summary for m in at.markdown)


def test_a_weight_set_is_saved_and_loaded_again(db):
    fw = load()
    first = fw.dimensions[0].id
    at = open_page("en", "coordinator")
    at.select_slider(key=f"framework_w_{first}").set_value(2.5).run()
    at.text_input(key="framework_set_name").input("More livelihoods")
    next(b for b in at.button if b.label == "Save the weight set").click().run()
    assert not at.exception
    saved = db.documents.table("weights")
    assert saved["name"].tolist() == ["More livelihoods"]
    assert saved["payload"].iloc[0]["weights"] == {first: 2.5}
    at.button(key="framework.reset").click().run()
    assert at.select_slider(key=f"framework_w_{first}").value == pytest.approx(fw.dimensions[0].weight)
    at.selectbox(key="framework_set").set_value("More livelihoods").run()
    at.button(key="framework.load").click().run()
    assert at.select_slider(key=f"framework_w_{first}").value == pytest.approx(2.5)


@pytest.mark.parametrize(("lang", "shown"), [("fi", "1,5"), ("sv", "1,5"), ("en", "1.5")])
def test_weight_sliders_show_the_locale_decimal_mark(db, lang, shown):
    fw = load()
    at = open_page(lang, "coordinator")
    slider = at.select_slider(key=f"framework_w_{fw.dimensions[0].id}")
    mark = "." if lang == "en" else ","
    assert slider.options[:3] == [f"0{mark}0", f"0{mark}1", f"0{mark}2"]
    assert slider.options[15] == shown and len(slider.options) == 31
    assert slider.value == pytest.approx(fw.dimensions[0].weight)  # the value is still the number
