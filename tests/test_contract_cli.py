"""docs/cli.md: the command line as a whole (exit codes, one-line errors, --output, files together)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.test_contract_support import (
    ok,
    one_item_per_dimension,
    refused,
    rows_json,
    run_cli,
    run_many,
    write_framework,
)


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("cli")
    fw = write_framework(tmp / "komento.toml", one_item_per_dimension())
    a = tmp / "a.csv"
    a.write_text("ort;E1;E2;E3\nX;5;Kyllä;100\nY;2;Ei;50\n", encoding="utf-8")
    b = tmp / "b.csv"
    b.write_text("ort,E1,E2,E3\nX,1,Ei,300\nX,3,Ei,200\n", encoding="utf-8")
    novillage = tmp / "eikylaa.csv"
    novillage.write_text("E1;E2\n4;Kyllä\n", encoding="utf-8")
    garbage = tmp / "roska.xlsx"
    garbage.write_bytes(b"\x00\x01 this is not a workbook \xff" * 20)
    noitem = tmp / "eikysymyksia.csv"
    noitem.write_text("ort;foo\nX;1\n", encoding="utf-8")
    db = f"sqlite:///{tmp / 'k.db'}"
    runs = run_many(
        ["score", a, b, "--round", "2025", "--format", "json", "--framework", fw],
        ["import", a, "--json", "--output", tmp / "report.json", "--framework", fw],
        ["score", novillage, "--round", "2025", "--framework", fw],
        ["import", garbage, "--json", "--framework", fw],
        ["score", garbage, "--round", "2025", "--framework", fw],
        ["ingest", tmp / "eiole.csv", "--round", "2025", "--approve", "--db", db, "--framework", fw],
        ["groups", noitem, "--by", "none", "--framework", fw],
        ["ingest", noitem, "--round", "2025", "--approve", "--db", db, "--framework", fw],
        ["score", a, "--round", "2025", "--format", "json", "--output", tmp / "s.json", "--framework", fw],
        ["score", a, "--round", "vuosi", "--framework", fw],
        ["score", a, "--format", "pdf", "--framework", fw],
        ["groups", a, "--pin", "X", "--by", "none", "--framework", fw],
    )
    return {"tmp": tmp, "runs": runs, "fw": fw}


def test_score_reads_files_together(cli: dict[str, Any]) -> None:
    rows = {r["village"]: r for r in rows_json(ok(cli["runs"][0]))}
    # X pooled over both files: E1 (5+1+3)/3 = 3 -> 50; E2 1 yes of 3 -> 33.33; E3 median(100,300,200) = 200 -> 2
    assert rows["X"]["respondents"] == 3
    assert rows["X"]["dE1"] == pytest.approx(50.0, abs=1e-9)
    assert rows["X"]["dE2"] == pytest.approx(100 / 3, abs=1e-9)
    assert rows["X"]["dE3"] == pytest.approx(2.0, abs=1e-9)
    # index = mean of 3 dimensions (weights 1): (50 + 33.33 + 2)/3 = 85.333/3 = 28.444
    assert rows["X"]["index"] == pytest.approx((50 + 100 / 3 + 2) / 3, abs=1e-9)
    # Y: E1 2 -> 25, E2 0, E3 50 -> 0.5: index (25 + 0 + 0.5)/3 = 8.5 -> rank 2
    assert rows["Y"]["index"] == pytest.approx(8.5, abs=1e-9)
    assert (rows["X"]["rank"], rows["Y"]["rank"]) == (1, 2)


def test_output_option_writes_the_file(cli: dict[str, Any]) -> None:
    ok(cli["runs"][1])
    report = json.loads((cli["tmp"] / "report.json").read_text(encoding="utf-8"))
    assert report["rows"] == 2 and sorted(report["villages"]) == ["X", "Y"]
    assert "mapped" in report
    ok(cli["runs"][8])
    rows = json.loads((cli["tmp"] / "s.json").read_text(encoding="utf-8"))
    assert {r["village"] for r in rows} == {"X", "Y"}


def test_a_file_without_village_column_or_name_is_refused(cli: dict[str, Any]) -> None:
    # §2: "A file without one scores as one village only when a village name is given"
    line = refused(cli["runs"][2])
    assert "eikylaa.csv" in line


@pytest.mark.parametrize(
    ("index", "name"),
    [(3, "roska.xlsx"), (4, "roska.xlsx"), (5, "eiole.csv"), (6, "eikysymyksia.csv")],
)
def test_unusable_inputs_exit_2_with_one_line_naming_the_file(cli: dict[str, Any], index: int, name: str) -> None:
    line = refused(cli["runs"][index])
    assert name in line


@pytest.mark.parametrize("index", [9, 10, 11])
def test_bad_options_exit_2_with_one_line(cli: dict[str, Any], index: int) -> None:
    # --round vuosi, --format pdf, --pin without "=GROUP"
    refused(cli["runs"][index])


def test_ingest_of_a_file_without_item_columns(cli: dict[str, Any]) -> None:
    proc = cli["runs"][7]
    assert "Traceback" not in proc.stderr
    if proc.returncode == 2:
        assert "eikysymyksia.csv" in refused(proc)
    else:
        assert proc.returncode == 0 and proc.stdout.strip(), "exit 0 must report the problem"


def test_real_process_exit_2_without_traceback(cli: dict[str, Any], tmp_path: Path) -> None:
    # one honest separate process: the exit code and stderr as a shell sees them
    line = refused(run_cli("score", tmp_path / "puuttuu.csv", "--round", "2025", "--framework", cli["fw"]))
    assert "puuttuu.csv" in line
