"""CLI output: csv and xlsx formula-safe by the one rule, json as is, numbers full precision."""

from __future__ import annotations

import io
import json

import openpyxl
import pandas as pd

from indicator.cli import main
from indicator.cli.output import render
from indicator.framework import load
from indicator.storage import Store
from tests.conftest import SMALL_FRAMEWORK
from tests.storage_helpers import village_file

HOSTILE = '=HYPERLINK("http://evil.example","klikkaa")'


def test_csv_text_cells_are_formula_safe_and_numbers_stay_exact():
    frame = pd.DataFrame({"village": [HOSTILE, "-Ala", "Ylä"], "score": [1 / 3, -2.5, 0.1 + 0.2]})
    lines = render(frame, "csv").decode().splitlines()
    assert lines == ["village,score", f"\"'{HOSTILE.replace(chr(34), chr(34) * 2)}\",0.3333333333333333",
                     "'-Ala,-2.5", "Ylä,0.30000000000000004"]
    assert json.loads(render(frame, "json"))[0]["village"] == HOSTILE  # json is data, not a spreadsheet
    book = openpyxl.load_workbook(io.BytesIO(render(frame, "xlsx")))
    assert book.active["A2"].value == "'" + HOSTILE and book.active["A2"].data_type == "s"


def test_progress_csv_of_a_village_named_like_a_formula(tmp_path, capsys):
    framework = tmp_path / "small.toml"
    framework.write_text(SMALL_FRAMEWORK, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'p.db'}"
    fw = load(framework)
    store = Store(url)
    for year, t1 in ((2024, [1, 2]), (2025, [4, 5])):
        store.uploads.add(village_file(HOSTILE, t1), f"{year}.csv", year, fw, approve=True,
                          registry=pd.DataFrame({"village": ["Ala"]}))
    assert main(["progress", "--db", url, "--framework", str(framework)]) == 0
    out = capsys.readouterr().out
    assert HOSTILE.replace('"', '""') in out
    assert f",{HOSTILE}" not in out and f"\n{HOSTILE}" not in out  # never a cell that starts with "="
    assert "\"'=HYPERLINK(" in out
