"""The final report (indicator.final_report, `python -m indicator report`): opened with python-docx, its numbers
compared with what the `progress` and `impact` subcommands print for the same database."""

from __future__ import annotations

import io
import json
import shutil

import docx
import pytest

from indicator import goals as project_goals
from indicator import strategies as plans
from indicator.cli import main
from indicator.final_report import Charts, build, number, report_tables, report_text
from indicator.framework import load
from indicator.storage import Store, village_registry
from indicator.storage.demo import DEMO_DIR
from ui import testing


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[str, bytes]:
    """The demo database and its report in Finnish, without charts (fast; charts have their own test)."""
    url = testing.demo_database(tmp_path_factory.mktemp("report"))
    content = build(Store(url), load(), lang="fi", registry=village_registry(), charts=Charts(enabled=False))
    return url, content


def cli_json(capsys, *args: str) -> list[dict]:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def table_with(tables: list[list[list[str]]], *header: str) -> list[list[str]]:
    return next(tb for tb in tables if tb[0][: len(header)] == list(header))


def test_impact_table_equals_the_cli(demo, capsys) -> None:
    url, content = demo
    rows = cli_json(capsys, "impact", "--groups", str(DEMO_DIR / "groups.csv"), "--db", url, "--format", "json")
    table = table_with(report_tables(content), "Alue", "Ryhmä", "Ulottuvuus", "Ryhmän kyliä")
    assert len(table) == 1 + len(rows) == 7
    for cells, row in zip(table[1:], rows, strict=True):
        assert cells[1] == str(row["group"])
        assert cells[3:5] == [str(row["treated_n"]), str(row["comparison_n"])]
        assert cells[5:8] == [number(row[c], "fi") for c in ("treated_change", "comparison_change", "difference")]
        assert cells[8] == f"{number(row['ci_low'], 'fi')} … {number(row['ci_high'], 'fi')}"
    sepra_3 = next(r for r in rows if r["area"] == "sepra" and r["group"] == 3)
    assert number(sepra_3["difference"], "fi") == "9,1"  # the demo's figure quoted in docs/method.md §7


def test_indicator_tables_equal_the_progress_cli(demo, capsys) -> None:
    url, content = demo
    rows = cli_json(capsys, "progress", "--db", url, "--format", "json")
    index = {r["village"]: r for r in rows if r["measure"] == "index" and r["level"] in ("province", "leader_area")}
    tables = report_tables(content)
    means = table_with(tables, "Alue", "2024", "2025", "2026")
    paths = table_with(tables, "Alue", "Ensimmäinen (kierros)")
    for name, key in (("Kymenlaakso", "Kymenlaakso"), ("Leader Sepra (etelä)", "sepra"),
                      ("Pohjois-Kymen Kasvu (pohjoinen)", "kasvu")):
        row = index[key]
        mean_row = next(r for r in means if r[0] == name)
        assert mean_row[1] == number(row["first_score"], "fi") and mean_row[3] == number(row["last_score"], "fi")
        path_row = next(r for r in paths if r[0] == name)
        assert path_row[1] == f"{number(row['first_score'], 'fi')} ({row['first_round']})"
        assert path_row[2] == f"{number(row['last_score'], 'fi')} ({row['last_round']})"
        assert path_row[3:5] == [number(row["slope"], "fi"), number(row["required"], "fi")]
        assert path_row[6] == number(row["projected"], "fi")


def test_goals_participation_bands_and_appendix(demo) -> None:
    url, content = demo
    store, fw = Store(url), load()
    tables = report_tables(content)
    goals = project_goals.load()
    expected = project_goals.goal_progress(goals, plans.recorded(store, goals, village_registry()))
    goal_table = table_with(tables, "Tavoite", "Osahanke", "Tehty")
    assert [int(r[2]) for r in goal_table[1:]] == expected["done"].tolist()
    strategies_row = next(r for r in goal_table if r[0].startswith("Älykäs kylä -strategiat") and "Sepra" in r[1])
    assert strategies_row[2:4] == ["1", "3"]
    scores = store.scores(fw).table
    participation = table_with(tables, "Kierros", "Kyliä mukana")
    assert participation[1:] == [["2024", "36", "34", "523"], ["2025", "38", "37", "544"], ["2026", "38", "37", "603"]]
    assert int(scores[scores["round"] == 2026]["respondents"].sum()) == 603
    bands = table_with(tables, "Taso", "2024")
    assert [sum(int(r[i]) for r in bands[1:]) for i in (1, 2, 3)] == [36, 38, 38]  # every village once a round
    klamila = scores[scores["village"] == "Klamila"].sort_values("round")
    text = report_text(content)
    at = text.index("Virojoki", text.index("Liite: kylät"))
    assert text[at + 1: at + 4] == ["Mukana strategiassa: Etätyön ja lähipalvelujen kylät",
                                    "Toimenpide: Yhteinen etätyöpiste Virojoen kylätalolle (Etätyön ja "
                                    "lähipalvelujen kylät, valmis)",
                                    "Toimenpide: Kylien yritysten yhteismarkkinointi (Etätyön ja lähipalvelujen "
                                    "kylät, käynnissä)"]
    appendix = [tb for tb in tables if tb[0] == ["Kierros", "Vastaajia", "Indeksi", "Sija", "Taso"]]
    assert len(appendix) == scores["village"].nunique()
    first = appendix[sorted(scores["village"].unique(), key=str.casefold).index("Klamila")]
    assert [r[2] for r in first[1:]] == [number(v, "fi") for v in klamila["index"]]


def test_the_text_reads_plainly_with_its_cautions(demo) -> None:
    _, content = demo
    text = report_text(content)
    assert text[0] == "Älykylä Kymenlaakso – loppuraportti"
    assert any(p.startswith("Leader Sepra (etelä), ryhmä 3: vuodesta 2024 vuoteen 2026 ryhmän kylät nousivat "
                            "ulottuvuudessa Elinkeinot ja yrittäjyys 9,1 pistettä enemmän") for p in text)
    assert sum("Varo: väli ulottuu nollan molemmin puolin" in p for p in text) >= 5
    assert any(p.startswith("Mitä luvut voivat ja eivät voi kertoa") for p in text)
    assert "Kirjattu: 2 strategiaa, 6 toimenpidettä, joista 3 kokeiluja (keskeytettyjä ei lasketa)." in text
    assert "Etätyön ja lähipalvelujen kylät" in text
    assert sum(p.startswith("(Kuviota ei voitu piirtää") for p in text) == 5  # no charts in this build


def test_cli_writes_a_word_file_in_english(demo, tmp_path, capsys) -> None:
    url, _ = demo
    out = tmp_path / "final.docx"
    assert main(["report", "--db", url, "--output", str(out), "--lang", "en", "--no-charts"]) == 0
    document = docx.Document(str(out))
    assert document.paragraphs[0].text == "Smart Village Kymenlaakso – final report"
    assert document.core_properties.title == "Smart Village Kymenlaakso – final report"
    assert any(p.style.name.startswith("Heading") and p.text.endswith("Theme groups, strategies, actions and experiments")
               for p in document.paragraphs)


def test_an_empty_database_still_gives_a_report(tmp_path) -> None:
    content = build(Store(f"sqlite:///{tmp_path / 'e.db'}"), load(), charts=Charts(enabled=False))
    text = report_text(content)
    assert "Tietokannassa ei ole vielä pisteitä." in text and "Teemaryhmäjakoa ei ole vielä tallennettu." in text


def test_a_chart_whose_first_drawing_fails_is_drawn_again(monkeypatch) -> None:
    """kaleido may run its script before its page has it on a busy machine: the second try draws."""
    import plotly.graph_objects as go
    import plotly.io as pio

    calls = []

    def to_image(fig, **options):  # noqa: ANN001, ANN202
        calls.append(options)
        if len(calls) == 1:
            raise RuntimeError("ReferenceError: kaleido_scopes is not defined")
        return b"png"

    monkeypatch.setattr(pio, "to_image", to_image)
    charts = Charts()
    assert charts.png(go.Figure()) == b"png"
    assert (charts.drawn, charts.missing, len(calls)) == (1, None, 2)


def test_a_chart_that_fails_twice_is_missing_with_the_reason(monkeypatch) -> None:
    import plotly.graph_objects as go
    import plotly.io as pio

    def to_image(fig, **options):  # noqa: ANN001, ANN202, ARG001
        raise RuntimeError("no   browser")

    monkeypatch.setattr(pio, "to_image", to_image)
    charts = Charts()
    assert charts.png(go.Figure()) is None and charts.png(go.Figure()) is None
    assert (charts.drawn, charts.missing) == (0, "no browser")


@pytest.mark.slow
def test_charts_are_pictures_when_a_browser_is_there(demo, tmp_path) -> None:
    if not (shutil.which("chromium") or shutil.which("google-chrome")):
        pytest.skip("no Chrome or Chromium on PATH: the report is made without charts")
    url, _ = demo
    charts = Charts()
    content = build(Store(url), load(), registry=village_registry(), charts=charts)
    assert charts.missing is None, charts.missing
    document = docx.Document(io.BytesIO(content))
    assert charts.drawn == 5 and len(document.inline_shapes) == 5  # 3 index paths, bands, impact
    assert not any(p.text.startswith("(Kuviota ei voitu") for p in document.paragraphs)
