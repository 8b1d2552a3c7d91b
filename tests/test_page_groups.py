"""The theme-group page (AppTest) on the demo database: cards, controls, errors, save, download."""

from __future__ import annotations

import io

import openpyxl
import pytest

from indicator.storage import Store
from ui import testing


@pytest.fixture()
def db_url(tmp_path, monkeypatch) -> str:
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.chdir(testing.ROOT)
    return url


def open_page(**state):
    at = testing.app(timeout=60)
    at.session_state["role"] = "coordinator"
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/teemaryhmat.py").run()
    assert not at.exception, at.exception
    return at


def test_cards_per_area_and_pins(db_url) -> None:
    at = open_page()
    assert at.title[0].value == "Teemaryhmät"
    headers = [h.value for h in at.header]
    assert len(headers) == 2  # both Leader areas
    cards = [s.value for s in at.subheader if s.value.startswith("Ryhmä ")]
    assert len(cards) >= 4 and any("Kylien elinkeinot" in c for c in cards)
    profiles = [m.value for m in at.markdown if m.value.startswith("Erottuu: ")]
    assert len(profiles) == len(cards) and all("alueen keskiarvon" in p for p in profiles)  # plain words
    at.text_area(key="groups_pins").set_value("Anjala = 2").run()
    assert not at.exception
    assert not at.error


def test_impossible_pin_shows_one_error(db_url) -> None:
    at = open_page()
    at.text_area(key="groups_pins").set_value("Anjala = 9").run()
    assert not at.exception
    assert at.error and "Anjala" in at.error[0].value and "ryhmät 1–" in at.error[0].value  # in Finnish


def test_save_grouping_and_download(db_url) -> None:
    at = open_page()
    at.radio(key="groups_by").set_value("none").run()
    at.text_input(key="groups_save_name").set_value("Syksy 2026")
    next(b for b in at.button if b.label == "Tallenna").click().run()
    assert not at.exception
    assert any("Syksy 2026" in s.value for s in at.success)
    saved = Store(db_url).documents.get("grouping", "Syksy 2026")
    assert saved["by"] == "none" and {r["area"] for r in saved["assignments"]} == {"all"}
    assert at.get("download_button")


def test_workbook_is_formula_safe() -> None:
    import pandas as pd

    from indicator.xlsxsafe import xlsx_bytes

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"1": pd.DataFrame({"Kylä": ["=HYPERLINK(1)"]})})))
    assert book.active["A2"].value == "'=HYPERLINK(1)"
