"""The project goals page (AppTest): public read-only, coordinators record activities."""

from __future__ import annotations

from datetime import date

import pytest

from indicator.storage import Store
from tests.test_page_progress import ROOT, open_page


@pytest.fixture()
def db_url(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'goals.db'}"
    store = Store(url)
    store.activities.add(
        "start_events",
        "Starttitilaisuus Kotkassa",
        date(2024, 9, 12),
        area="sepra",
        villages=["Kaukola", "Huruksela"],
    )
    store.activities.add("closing_seminar", "Loppuseminaari", date(2026, 2, 20), note="yhteinen")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.chdir(ROOT)
    return url


def save_button(at):
    return next(b for b in at.button if b.form_id == "goals_record")


def test_public_sees_progress_and_records_but_no_form(db_url) -> None:
    at = open_page("tavoitteet")
    assert at.title[0].value == "Hankkeen tavoitteet"
    metrics = {m.label: m.value for m in at.metric}
    # sepra: closing seminar (joint) reached; start events 1 of 2-3 not yet; kasvu: closing seminar
    assert metrics["Älykylä Etelä-Kymenlaakso (Leader Sepra)"] == "1 / 9"
    assert metrics["Älykylä Pohjois-Kymenlaakso (Leader Kasvu)"] == "1 / 9"
    records = at.dataframe[1].value  # [0] is the goals table
    assert list(records["Mitä tehtiin"]) == ["Loppuseminaari", "Starttitilaisuus Kotkassa"]
    assert records["Kylät"].iloc[1] == "Kaukola, Huruksela"
    assert all(w.form_id != "goals_record" for w in at.text_input)  # no recording form for the public
    assert any("koordinaattorit" in c.value for c in at.caption)


def test_coordinator_records_an_activity(db_url) -> None:
    at = open_page("tavoitteet", role="coordinator", lang="en")
    what = next(w for w in at.text_input if w.form_id == "goals_record")
    what.set_value("Theme group meeting in Utti")
    goal_box = next(s for s in at.selectbox if s.label == "Goal")
    goal_box.set_value("group_meetings")
    project_box = next(s for s in at.selectbox if s.label == "Sub-project")
    project_box.set_value("kasvu")
    save_button(at).click().run()
    assert not at.exception, at.exception
    assert any("Saved" in s.value for s in at.success)
    rows = Store(db_url).activities.table()
    new = rows[rows["title"] == "Theme group meeting in Utti"].iloc[0]
    assert new["goal_id"] == "group_meetings" and new["area"] == "kasvu"
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Smart Village North Kymenlaakso (Leader Kasvu)"] == "1 / 9"  # 9 meetings needed


def test_coordinator_cannot_record_without_text(db_url) -> None:
    at = open_page("tavoitteet", role="coordinator", lang="en")
    save_button(at).click().run()
    assert any("description" in e.value for e in at.error)
    assert len(Store(db_url).activities.table()) == 2


def test_coordinator_deletes_a_wrong_record(db_url) -> None:
    at = open_page("tavoitteet", role="coordinator", lang="en")
    first = Store(db_url).activities.table()["id"].min()
    at.selectbox(key="goals_delete_id").set_value(int(first))
    at.button(key="goals_delete").click().run()
    assert not at.exception
    left = Store(db_url).activities.table()
    assert len(left) == 1 and first not in set(left["id"])
