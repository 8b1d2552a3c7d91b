"""The seminar screen (AppTest per slide) and its figure builders."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from indicator import poll
from indicator.charts import seminar as charts
from indicator.framework import load
from indicator.scoring import NO_SCORE, band_counts
from indicator.storage import Store
from tests.test_page_progress import ROOT, VILLAGES, fill_store
from ui import testing


@pytest.fixture(autouse=True)
def public_url(monkeypatch) -> None:
    """The app's public address: a ``?poll_url=`` must lead to its poll page (``qr.own_poll_url``)."""
    monkeypatch.setenv("ALYKYLA_PUBLIC_URL", "https://example.org/")


@pytest.fixture(scope="module")
def filled(tmp_path_factory) -> str:
    """One filled database for the module (two rounds, a saved grouping, an activity, poll answers)."""
    from datetime import date

    url = f"sqlite:///{tmp_path_factory.mktemp('seminar') / 'seminar.db'}"
    store = fill_store(url)
    store.documents.save(
        "grouping",
        "syksy 2026",
        {
            "assignments": [
                {"village": v, "area": "sepra" if n < 3 else "kasvu", "group": 1, "theme": "elinkeinot"}
                for n, v in enumerate(VILLAGES)
            ]
        },
    )
    store.activities.add("start_events", "Startti", date(2024, 9, 1), area="sepra")
    items = poll.default_items(load())
    store.poll.add("a", {items[0].id: 4.0}, 2026)
    store.poll.add("b", {items[0].id: 5.0, items[1].id: 2.0}, 2026)
    return url


@pytest.fixture()
def db_url(filled, monkeypatch) -> str:
    monkeypatch.setenv("DATABASE_URL", filled)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.chdir(ROOT)
    return filled


def open_seminar(**query: str) -> AppTest:
    return testing.opened("seminaari", query=query, timeout=30)


def text_of(at: AppTest) -> str:
    return " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize(
    ("slide", "heading"),
    [
        ("progress", "# Kymenlaakso kohti vuotta 2030"),
        ("bands", "# Kylät kehitysvaiheittain 2026"),
        ("groups", "# Teemaryhmät"),
        ("goals", "# Hankkeen tavoitteet"),
        ("participation", "# Osallistuminen"),
    ],
)
def test_every_slide_draws(db_url, slide: str, heading: str) -> None:
    at = open_seminar(slide=slide, poll_url="https://example.org/kysely", poll_round="2026")
    markdown = [m.value for m in at.markdown]
    assert heading in markdown
    assert "## Vastanneita: 2" in markdown  # the live poll count on every slide
    assert len(at.image) == 1  # the QR code
    assert any(m.startswith("#### Dia ") for m in markdown)  # the footer, large enough to read in a hall


def test_progress_slide_summary_and_participation_lines(db_url) -> None:
    at = open_seminar(slide="progress", poll_url="https://example.org/kysely")
    assert "/ 6 kylää on tavoitepolulla" in text_of(at)
    assert "## Älykylä-indeksi 2026: " in text_of(at)  # the latest province index in figures
    at = open_seminar(slide="participation", poll_round="2026", poll_url="https://example.org/kysely")
    assert "Kyselykierros 2026: 36 vastaajaa 6 kylästä" in text_of(at)


@pytest.mark.parametrize("address", ["javascript:alert(1)", "https://evil.example/kysely", "//evil.example/kysely",
                                     "https://example.org@evil.example/kysely", "https://example.org/login"])
def test_a_poll_url_elsewhere_is_not_encoded(db_url, address) -> None:
    at = open_seminar(slide="bands", poll_url=address)
    assert any("poll_url" in c.value for c in at.caption)
    assert not at.image  # no QR code at all


def test_the_qr_code_leads_to_this_apps_poll(db_url) -> None:
    at = open_seminar(slide="bands", poll_url="kysely?items=E2", poll_round="2026")
    assert len(at.image) == 1  # the address under the code, in type that reads from the back of the hall
    assert "#### example\\.org/kysely?items=E2" in [m.value for m in at.markdown]  # Markdown-escaped
    at = open_seminar(slide="bands", poll_round="²")  # not a year: this year's round, no crash
    assert len(at.image) == 1


def test_slide_rotation_by_clock() -> None:
    assert charts.slide_at(0, 15) == "progress"
    assert charts.slide_at(15, 15) == "bands"
    assert charts.slide_at(90, 15) == "progress"  # six slides: back to the first after 90 s
    assert charts.parse_every("3") == 5 and charts.parse_every("x") == 15 and charts.parse_every("20") == 20


def test_band_counts_by_hand() -> None:
    fw = load()
    latest = pd.DataFrame({"band": ["alkuvaihe", "kehittyva", "kehittyva", None]})
    counts = band_counts(latest, [b.id for b in fw.bands])
    assert counts.to_dict() == {
        "alkuvaihe": 1,
        "kehittyva": 2,
        "edistynyt": 0,
        "alykas_kyla_2030": 0,
        NO_SCORE: 1,
    }
    fig = charts.bands_figure(counts, fw, lang="en")
    # best band first on the reversed y axis (on top), "no score" last (at the bottom)
    assert list(fig.data[0].x) == [0, 0, 2, 1, 1]
    assert list(fig.data[0].y)[-1] == "No score"
    assert fig.layout.yaxis.autorange == "reversed"
    assert fig.layout.font.size == charts.FONT_SIZE


def test_grouping_payloads_and_escaping() -> None:
    records = [
        {"village": "<b>X</b>", "area": "sepra", "group": 2, "theme": "brandi"},
        {"village": "A", "area": "sepra", "group": 1, "theme": "elinkeinot"},
        {"village": "B", "area": "sepra", "group": 1, "theme": "elinkeinot"},
    ]
    assert charts.grouping_frame({"assignments": records}) is not None
    assert charts.grouping_frame(records) is not None
    assert charts.grouping_frame({"nothing": 1}) is None
    assert charts.grouping_frame([{"name": "x"}]) is None
    frame = charts.grouping_frame(records)
    assert charts.group_labels(frame) == ["sepra 1", "sepra 2"]
    table = charts.groups_table(frame, {"elinkeinot": "Elinkeinot", "brandi": "Brändi"}, {"sepra": "Sepra"})
    assert table.to_dict("list") == {
        "area": ["Sepra", "Sepra"],
        "group": [1, 2],
        "theme": ["Elinkeinot", "Brändi"],
        "villages": ["A, B", "<b>X</b>"],
    }
    fig = charts.groups_figure(table, ["Alue", "Ryhmä", "Teema", "Kylät"])
    assert "&lt;b&gt;X&lt;/b&gt;" in fig.data[0].cells.values[3][1]


def test_poll_figure_shares() -> None:
    items = poll.default_items(load())
    long = pd.DataFrame(
        {"respondent": ["1", "2", "3", "4"], "item": [items[0].id] * 4, "value": [5.0, 5.0, 4.0, 1.0]}
    )
    summary = poll.summarise(long, items)
    fig = charts.poll_figure(summary, {i.id: i.id for i in items}, ["a", "b", "c", "d", "e"], lang="en")
    bars = {trace.name: list(trace.x) for trace in fig.data if trace.type == "bar"}
    # rows are drawn bottom-up: the first item is the last bar
    assert bars["5 e"][-1] == pytest.approx(50.0) and bars["4 d"][-1] == pytest.approx(25.0)
    assert bars["1 a"][-1] == pytest.approx(25.0) and bars["1 a"][0] == 0
    means = next(trace for trace in fig.data if trace.type == "scatter").text
    assert means[-1] == "mean 3.8 · 4 answers" and means[0] == "no answers"


def test_participation_by_round() -> None:
    scores = pd.DataFrame(
        {
            "village": ["A", "B", "A"],
            "round": [2024, 2024, 2026],
            "respondents": [6, 3, 7],
            "index": [40.0, None, 50.0],
        }
    )
    out = charts.participation(scores).set_index("round")
    assert out.loc[2024].tolist() == [2, 1, 9] and out.loc[2026].tolist() == [1, 1, 7]


def test_empty_database_shows_a_plain_message(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    Store(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.chdir(ROOT)
    at = open_seminar(poll_url="https://example.org/kysely")
    assert "# Ei vielä pisteitä." in [m.value for m in at.markdown]
    assert "## Vastanneita: 0" in [m.value for m in at.markdown]
    progress_page = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    progress_page.switch_page("pages/eteneminen.py").run()
    assert not progress_page.exception
    assert "Tietokannassa ei ole vielä pisteitä" in progress_page.info[0].value


def test_groups_slide_proposes_the_default_grouping_while_none_is_saved(tmp_path, monkeypatch) -> None:
    url = f"sqlite:///{tmp_path / 'unsaved.db'}"
    fill_store(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    at = open_seminar(slide="groups", poll_url="https://example.org/kysely")
    markdown = [m.value for m in at.markdown]
    assert markdown[markdown.index("# Teemaryhmät") + 1].startswith("### Ehdotus:")
    assert len(at.get("plotly_chart")) == 1
