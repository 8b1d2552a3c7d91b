"""The Strategiat page (AppTest, coordinators only) on the demo database, and the impact and strategy sections
it shares with Eteneminen 2030, Kylä, the goals page and the seminar's impact slide."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from indicator import goals as project_goals
from indicator import strategies as plans
from indicator.storage import Store
from ui import testing

PAGE = "pages/strategiat.py"


@pytest.fixture()
def db_url(tmp_path, monkeypatch) -> str:
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.chdir(testing.ROOT)
    return url


def open_page(page: str = PAGE, role: str = "coordinator", **query: str):
    return testing.opened(Path(page).stem, state={"role": role}, query=query, timeout=90)


def texts(at) -> str:
    """Every markdown text with its escapes removed (readings are escaped for markdown)."""
    return " ".join(m.value for m in at.markdown).replace("\\", "")


def test_coordinator_sees_every_group_its_strategy_and_the_timeline(db_url) -> None:
    at = open_page()
    assert at.title[0].value == "Älykäs kylä -strategiat"
    groups = [s.value for s in at.subheader if " · ryhmä " in s.value]
    assert len(groups) == 6 and groups[0] == "Pohjois-Kymen Kasvu (pohjoinen) · ryhmä 1: Kylien brändäys"
    assert "### Näkyvät kylät" in [m.value for m in at.markdown]
    assert "### Etätyön ja lähipalvelujen kylät" in [m.value for m in at.markdown]
    assert sum(i.value == "Ryhmällä ei ole vielä strategiaa." for i in at.info) == 4
    charts = at.get("plotly_chart")
    assert len(charts) == 3  # two timelines and the impact chart
    assert "Vaikuttavuus: muuttuivatko ryhmien kylät muita enemmän?" in [s.value for s in at.subheader]
    assert "Varo: väli ulottuu nollan molemmin puolin" in texts(at)


def test_public_cannot_reach_the_page(db_url) -> None:
    """The public has no such page (the router may instead answer the address with a sign-in prompt)."""
    at = testing.app(timeout=90)
    at.run()
    try:
        at.switch_page(PAGE)
    except ValueError as err:
        assert "Could not find a navigation page" in str(err)
        return
    at.run()
    assert not at.exception
    assert all(t.value != "Älykäs kylä -strategiat" for t in at.title)
    assert not any(" · ryhmä " in s.value for s in at.subheader)


def test_write_a_strategy_and_an_action_and_the_goals_count_them(db_url) -> None:
    at = open_page()
    key = "sepra_1"
    form = f"strategy_form_{key}"
    [w for w in at.text_input if w.form_id == form][0].set_value("Näkyvä rannikko")
    [w for w in at.text_area if w.form_id == form][0].set_value("Saaristokylät tunnetaan.")
    next(b for b in at.button if b.form_id == form).click().run()
    assert not at.exception and not at.error
    store = Store(db_url)
    saved = store.strategies.table().set_index(["area", "group"]).loc[("sepra", 1)]
    assert saved["name"] == "Näkyvä rannikko" and saved["dimensions"] == ["brandi"]  # the group's theme
    assert "Klamila" in saved["villages"] and saved["grouping"] == "Teemaryhmät 2024"
    assert "Tallennettu." in [s.value for s in at.success]

    action_form = f"strategy_action_{key}_new"
    [w for w in at.text_input if w.form_id == action_form][0].set_value("Saaristoviikko")
    next(b for b in at.button if b.form_id == action_form).click().run()
    assert not at.exception and not at.error
    actions = store.strategies.actions(int(saved["id"]))
    assert actions["title"].tolist() == ["Saaristoviikko"] and actions.iloc[0]["starts_on"] == date.today()
    assert len(actions.iloc[0]["villages"]) == 6  # the group's villages by default

    goals = project_goals.load()
    done = project_goals.goal_progress(goals, plans.recorded(store, goals)).set_index(["project", "goal"])["done"]
    assert (done["sepra", "strategies"], done["sepra", "actions"]) == (2, 4)  # demo 1 + 1, demo 3 + 1


def test_an_action_ending_before_it_starts_is_refused_in_finnish(db_url) -> None:
    at = open_page()
    action_form = "strategy_action_kasvu_1_new"
    [w for w in at.text_input if w.form_id == action_form][0].set_value("Väärin päin")
    dates = [w for w in at.date_input if w.form_id == action_form]
    dates[0].set_value(date(2026, 5, 1))
    dates[1].set_value(date(2026, 4, 1))
    next(b for b in at.button if b.form_id == action_form).click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Toimenpide päättyy (2026-04-01) ennen kuin se alkaa (2026-05-01)."]


def test_progress_page_village_card_and_goals_show_the_records(db_url) -> None:
    at = open_page("pages/eteneminen.py")
    assert "Vaikuttavuus: muuttuivatko ryhmien kylät muita enemmän?" in [s.value for s in at.subheader]
    assert "Leader Sepra (etelä), ryhmä 3: vuodesta 2024 vuoteen 2026 ryhmän kylät nousivat" in texts(at)
    at = open_page("pages/kyla.py", village="Virojoki")
    assert "Strategiat ja toimenpiteet" in [s.value for s in at.subheader]
    assert "**Etätyön ja lähipalvelujen kylät**" in texts(at)
    at = open_page("pages/tavoitteet.py")
    goal_options = at.selectbox[0].options
    assert "Älykäs kylä -strategiat (teemoittaiset)" not in goal_options  # counted from the records
    assert "Teemaryhmien kokoontumiset" in goal_options


def test_seminar_impact_slide_shows_the_table(db_url) -> None:
    at = open_page("pages/seminaari.py", slide="impact", poll_url="https://example.org/kysely")
    markdown = [m.value for m in at.markdown]
    assert "# Vaikuttavuus: teemaryhmät verrattuna muihin kyliin" in markdown
    assert any(m.startswith("### Jokaisen teemaryhmän kylien muutosta") for m in markdown)
    table = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][0]
    assert table["type"] == "table"
    assert table["header"]["values"][:3] == ["<b>Alue</b>", "<b>Ryhmä</b>", "<b>Ulottuvuus</b>"]
    columns = table["cells"]["values"]
    assert len(columns[0]) == 6 and columns[0][-1] == "Leader Sepra<br>(etelä)"  # wrapped for the projector
    differences = columns[[h.strip("<b>/") for h in table["header"]["values"]].index("Ero")]
    assert "9,1" in differences and "−13,7" in differences  # the demo's Sepra groups 3 and 2
