"""The theme-group page (AppTest) on the demo database: groups in plain words, participants, number of
groups, moving a village from two lists, conditions, errors in Finnish, save and download.

Expected groups are computed with the library (``make_groups`` with the page's arguments) and the group
counts by hand from the page's rule (one group per theme when every group then has 4–6 villages).
"""

from __future__ import annotations

import io
import time

import openpyxl
import pytest

from indicator import strategies as plans
from indicator.framework import load
from indicator.grouping import make_groups, village_areas
from indicator.i18n import t
from indicator.registry import load_villages
from indicator.storage import Store
from ui import testing
from ui.format import plain

ROUND = 2026  # the demo's latest round, the page's default
KASVU = f"{ROUND}_leader_area_kasvu"
SEPRA = f"{ROUND}_leader_area_sepra"
JARGON = ("k-means", "ARI", "PC1", "PC2", "bootstrap", "neliösumma", "kiinteä siemen")


@pytest.fixture()
def db_url(tmp_path, monkeypatch) -> str:
    url = testing.demo_database(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("ALYKYLA_DEMO", "0")
    monkeypatch.chdir(testing.ROOT)
    return url


def open_page(**state):
    return testing.opened("teemaryhmat", state={"role": "coordinator", **state})


def area_villages(area: str) -> list[str]:
    """The demo's villages of ``area`` in the latest round that have every dimension score."""
    fw = load()
    table = testing.demo_scores_table()
    latest = table[table["round"] == ROUND].reset_index(drop=True)
    complete = latest[list(fw.dimension_ids)].notna().all(axis=1)
    areas = village_areas(latest["village"].astype(str), load_villages(), "leader_area")
    return sorted(latest.loc[complete & (areas == area), "village"].astype(str))


def library_groups(villages: list[str], n_groups: int, pins: dict[str, int] | None = None) -> dict[int, list[str]]:
    """group -> villages, as the library groups these villages (the page's arguments)."""
    table = testing.demo_scores_table()
    latest = table[table["round"] == ROUND].reset_index(drop=True)
    grouping = make_groups(latest, load(), registry=load_villages(), villages=villages, n_groups=n_groups,
                           pins=pins or {}, pins_as_shown=True)
    rows = grouping.assignments
    return {int(g): sorted(rows.loc[rows["group"] == g, "village"]) for g in sorted(rows["group"].unique())}


def walk(node):
    """The node and every node below it, in page order."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from walk(child)


def cards(at, area_index: int) -> dict[int, list[str]]:
    """group -> villages as the page's cards show them, for the area_index-th area (0 = Kasvu)."""
    out: dict[int, list[str]] = {}
    area = -1
    for node in at.main.children.values():
        area += type(node).__name__ == "Header"
        if area != area_index:
            continue
        for block in walk(node):
            first = list(getattr(block, "children", {}).values())[:2]
            if len(first) == 2 and type(first[0]).__name__ == "Subheader" and first[0].value.startswith("Ryhmä "):
                out[int(first[0].value.split(":")[0].split()[1])] = sorted(first[1].value.replace("\\", "").split(", "))
    return out


def texts_outside_statistics(node) -> list[str]:
    """Every text the page shows outside its "Tilastot" expanders (labels, values and options of widgets too)."""
    out = []
    for child in getattr(node, "children", {}).values():
        kind = type(child).__name__
        if kind == "Expander" and child.label == t("groups.stats", "fi"):
            continue
        for attr in ("label", "value", "help", "placeholder"):
            value = getattr(child, attr, None) if kind not in ("Block", "Column", "Expander") or attr == "label" else None
            if isinstance(value, str):
                out.append(value)
        out.extend(str(o) for o in getattr(child, "options", []) or [])
        out.extend(texts_outside_statistics(child))
    return out


def statistics_texts(at) -> list[str]:
    boxes = [e for e in at.expander if e.label == t("groups.stats", "fi")]
    return [m.value for box in boxes for m in box.markdown]


def click(at, label: str, index: int = 0):
    return [b for b in at.button if b.label == label][index].click().run()


def test_groups_in_plain_words_with_the_default_counts(db_url) -> None:
    at = open_page()
    assert at.title[0].value == "Teemaryhmät"
    assert [h.value for h in at.header] == ["Alue: Pohjois-Kymen Kasvu (pohjoinen)", "Alue: Leader Sepra (etelä)"]
    kasvu, sepra = area_villages("kasvu"), area_villages("sepra")
    assert (len(kasvu), len(sepra)) == (18, 19)
    # 18 villages: 3 themes give groups of 6 (within 4-6); 19: groups of 6-7 would be too big -> round(19/5) = 4
    assert at.number_input(key=f"groups_count_{KASVU}").value == 3
    assert at.number_input(key=f"groups_count_{SEPRA}").value == 4
    captions = [c.value for c in at.caption]
    assert "18 kylää, 3 ryhmää, 6 kylää kussakin." in captions and "19 kylää, 4 ryhmää, 4–5 kylää kussakin." in captions
    assert cards(at, 0) == library_groups(kasvu, 3) and cards(at, 1) == library_groups(sepra, 4)
    markdown = [m.value for m in at.markdown]
    assert markdown.count(t("groups.proven", "fi")) == 2  # both areas: the proven best grouping
    assert sum(m.startswith("Yhteistä kylille:") for m in markdown) == 7
    assert all("pistettä" in m and "alueen keskiarvon" in m for m in markdown if m.startswith("Yhteistä"))
    assert sum(m.startswith("Miksi tämä teema") for m in markdown) == 7
    sure = [m.value for m in [*at.caption, *at.warning] if "pysyy samana" in m.value]
    assert len(sure) == 7 and all("/10 kertaa" in s for s in sure)


def test_main_view_has_no_statistics_jargon(db_url) -> None:
    at = open_page()
    main = " ".join(texts_outside_statistics(at.main))
    assert "Teemaryhmät" in main and "Ryhmä 1" in main
    assert not [word for word in JARGON if word in main]
    statistics = " ".join(statistics_texts(at))
    assert "ARI" in statistics and "k-means" not in statistics and "tarkka haku" in statistics


def test_participants_change_the_groups(db_url) -> None:
    at = open_page()
    kasvu = area_villages("kasvu")
    leaving = kasvu[:3]
    select = at.multiselect(key=f"groups_villages_{KASVU}")
    for village in leaving:
        select.unselect(village)
    at.run()
    assert not at.exception
    staying = [v for v in kasvu if v not in leaving]
    assert "15 kylää, 3 ryhmää, 5 kylää kussakin." in [c.value for c in at.caption]
    shown = cards(at, 0)
    assert shown == library_groups(staying, 3)
    assert not {v for members in shown.values() for v in members} & set(leaving)
    # the number of groups follows the default while the coordinator has not set it: 11 villages -> 2 groups
    for village in staying[:4]:
        at.multiselect(key=f"groups_villages_{KASVU}").unselect(village)
    at.run()
    assert at.number_input(key=f"groups_count_{KASVU}").value == 2
    assert len(cards(at, 0)) == 2


def test_number_of_groups(db_url) -> None:
    at = open_page()
    at.number_input(key=f"groups_count_{KASVU}").set_value(4).run()
    assert not at.exception
    kasvu = area_villages("kasvu")
    assert cards(at, 0) == library_groups(kasvu, 4)
    assert "18 kylää, 4 ryhmää, 4–5 kylää kussakin." in [c.value for c in at.caption]
    at.multiselect(key=f"groups_villages_{KASVU}").unselect(kasvu[0]).run()  # a chosen count stays chosen
    assert at.number_input(key=f"groups_count_{KASVU}").value == 4
    assert cards(at, 0) == library_groups(kasvu[1:], 4)


def test_moving_a_village_puts_it_in_that_group_and_says_so(db_url) -> None:
    at = open_page()
    kasvu = area_villages("kasvu")
    before = library_groups(kasvu, 3)
    home = next(g for g, members in before.items() if "Sippola" in members)
    target = 1 if home != 1 else 2
    at.selectbox(key=f"groups_move_village_{KASVU}").set_value("Sippola")
    at.selectbox(key=f"groups_move_group_{KASVU}").set_value(target)
    click(at, "Siirrä")
    assert not at.exception and not at.error
    after = library_groups(kasvu, 3, {"Sippola": target})
    shown = cards(at, 0)
    assert shown == after and "Sippola" in shown[target]
    message = at.success[0].value
    assert message.startswith(f"Sippola siirrettiin ryhmään {target}.")
    others = [v for g, members in after.items() for v in members if v != "Sippola"
              and next(h for h, m in before.items() if v in m) != g]
    assert all(f"{v} ryhmästä" in message for v in others)
    assert "suuremmat kuin parhaassa jaossa ilman siirtoja" in message
    assert f"Sippola → ryhmä {target} (siirretty ryhmästä {home})" in [m.value for m in at.markdown]
    assert t("groups.proven_moves", "fi") in [m.value for m in at.markdown]
    click(at, "Poista")  # the move's remove button: back to the grouping without moves
    assert cards(at, 0) == before
    assert not [m.value for m in at.markdown if "→" in m.value]


def test_a_move_to_its_own_group_says_it_was_already_there(db_url) -> None:
    at = open_page()
    kasvu = area_villages("kasvu")
    before = library_groups(kasvu, 3)
    home = next(g for g, members in before.items() if "Sippola" in members)
    at.selectbox(key=f"groups_move_village_{KASVU}").set_value("Sippola")
    at.selectbox(key=f"groups_move_group_{KASVU}").set_value(home)
    click(at, "Siirrä")
    assert [i.value for i in at.info] == [f"Sippola oli jo ryhmässä {home}; jako ei muuttunut."]
    assert cards(at, 0) == before
    assert not [b for b in at.button if b.label == "Poista"]


def test_conditions_and_an_impossible_one_in_finnish(db_url) -> None:
    at = open_page()
    kasvu = area_villages("kasvu")
    a, b = kasvu[0], kasvu[-1]
    for kind in ("together", "apart"):
        at.selectbox(key=f"groups_link_a_{KASVU}").set_value(a)
        at.selectbox(key=f"groups_link_b_{KASVU}").set_value(b)
        at.selectbox(key=f"groups_link_kind_{KASVU}").set_value(kind)
        click(at, "Lisää ehto")
        assert not at.exception
        if kind == "together":
            assert at.success[0].value == f"Ehto lisätty: {a} ja {b} samaan ryhmään."
            shown = cards(at, 0)
            assert any(a in members and b in members for members in shown.values())
    reason = t("error.grouping.together_and_apart", "fi", a=a, b=b)
    assert [e.value for e in at.error] == [f"Muutosta ei tehty. {plain(reason)}"]
    assert len(cards(at, 0)) == 3 and len(cards(at, 1)) == 4  # the page keeps its groups
    assert f"{a} ja {b} samaan ryhmään" in [m.value for m in at.markdown]
    assert f"{a} ja {b} eri ryhmiin" not in [m.value for m in at.markdown]


def test_conditions_that_no_longer_fit_show_the_groups_without_them(db_url) -> None:
    at = open_page()
    a, b, c = area_villages("kasvu")[:3]
    for first, second in ((a, b), (b, c), (a, c)):  # three villages pairwise apart: fine in 3 groups
        at.selectbox(key=f"groups_link_a_{KASVU}").set_value(first)
        at.selectbox(key=f"groups_link_b_{KASVU}").set_value(second)
        at.selectbox(key=f"groups_link_kind_{KASVU}").set_value("apart")
        click(at, "Lisää ehto")
        assert not at.error
    at.number_input(key=f"groups_count_{KASVU}").set_value(2).run()  # ... but not in 2
    assert not at.exception
    assert [e.value for e in at.error] == [plain(t("error.grouping.no_partition", "fi"))]  # in Finnish
    assert t("groups.fallback", "fi") in [w.value for w in at.warning]
    assert cards(at, 0) == library_groups(area_villages("kasvu"), 2)  # the groups without the conditions
    assert len([btn for btn in at.button if btn.label == "Poista"]) == 3  # each can still be removed
    click(at, "Poista")
    assert not at.error and t("groups.fallback", "fi") not in [w.value for w in at.warning]


def test_a_move_answers_quickly(db_url) -> None:
    """A sanity check of speed: the CPU time of the run that moves a village and regroups its area."""
    at = open_page()
    at.selectbox(key=f"groups_move_village_{KASVU}").set_value("Sippola")
    at.selectbox(key=f"groups_move_group_{KASVU}").set_value(2)
    start = time.process_time()
    click(at, "Siirrä")
    assert time.process_time() - start < 1.0
    assert at.success or at.info


def test_save_grouping_and_download(db_url) -> None:
    at = open_page()
    at.radio(key="groups_by").set_value("none").run()
    assert [h.value for h in at.header] == ["Alue: Koko maakunta"]
    at.text_input(key="groups_save_name").set_value("Syksy 2026")
    next(b for b in at.button if b.label == "Tallenna").click().run()
    assert not at.exception
    assert any("Syksy 2026" in s.value for s in at.success)
    store = Store(db_url)
    saved = store.documents.get("grouping", "Syksy 2026")
    villages = len(area_villages("kasvu")) + len(area_villages("sepra"))
    assert saved["by"] == "none" and {r["area"] for r in saved["assignments"]} == {"all"}
    assert len(saved["assignments"]) == villages == len(saved["villages"])
    assert saved["n_groups"] == {"all": round(villages / 5)}  # 37 villages: no theme split fits, size rule
    groups = plans.group_table(plans.saved_groupings(store)["Syksy 2026"])  # what Strategiat and the goals read
    assert len(groups) == round(villages / 5) and groups["theme"].notna().all()
    store.close()
    assert testing.download_buttons(at) == 1


def test_saving_without_a_name_asks_for_one(db_url) -> None:
    at = open_page()
    next(b for b in at.button if b.label == "Tallenna").click().run()
    assert [w.value for w in at.warning if w.value == t("groups.save_no_name", "fi")]


def test_swedish_page(db_url) -> None:
    at = open_page(lang="sv")
    assert at.title[0].value == "Temagrupper"
    assert any(m.value.startswith("Byarna har gemensamt:") for m in at.markdown)
    assert not at.exception


def test_workbook_is_formula_safe() -> None:
    import pandas as pd

    from indicator.xlsxsafe import xlsx_bytes

    book = openpyxl.load_workbook(io.BytesIO(xlsx_bytes({"1": pd.DataFrame({"Kylä": ["=HYPERLINK(1)"]})})))
    assert book.active["A2"].value == "'=HYPERLINK(1)"
