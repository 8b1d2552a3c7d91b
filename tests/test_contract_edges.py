"""Edge cases of the documented method and command line (docs/method.md §2.2, docs/cli.md): an unusable database, a repeated ingest with --approve, a village without valid respondents."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

FRAMEWORK = """
[indicator]
id = "katsaus"
name = "Katsaus"
baseline_year = 2024
target_year = 2030
min_respondents = 2
min_item_coverage = 0.5
min_dimension_coverage = 0.5
village_aliases = ["village"]

[[bands]]
id = "b0"
min = 0
name = "B0"

[[dimensions]]
id = "d1"
name = "D1"

[[dimensions]]
id = "d2"
name = "D2"

[[items]]
id = "A"
dimension = "d1"
text = "Item A"
type = "number"
lower = 0
target = 100

[[items]]
id = "B"
dimension = "d2"
text = "Item B"
type = "number"
lower = 100
target = 0
"""


def run(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "indicator", *map(str, args)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )


@pytest.fixture()
def fw(tmp_path: Path) -> Path:
    path = tmp_path / "fw.toml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return path


@pytest.mark.slow
def test_unusable_database_exits_2_with_one_plain_line(tmp_path: Path, fw: Path) -> None:
    # §6: an input that cannot be used -> exit 2, one plain line naming the file, never a traceback.
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not an SQLite database at all\n" * 50)
    for args in (
        ["progress", "--db", f"sqlite:///{broken}"],
        ["groups", "--db", f"sqlite:///{broken}", "--by", "none"],
    ):
        result = run(*args, "--framework", fw)
        assert result.returncode == 2, (args, result.returncode, result.stderr[-300:])
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.slow
def test_ingest_approve_of_a_file_already_pending_approves_it(tmp_path: Path, fw: Path) -> None:
    # §6: "--approve approves them at once"; only approved uploads count in progress.
    survey = tmp_path / "s.csv"
    survey.write_text("village;A;B\nV;40;60\nV;40;60\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'k.db'}"
    assert run("ingest", survey, "--round", "2025", "--db", db, "--framework", fw).returncode == 0
    second = run("ingest", survey, "--round", "2025", "--approve", "--db", db, "--framework", fw)
    assert second.returncode == 0
    progress = run("progress", "--db", db, "--format", "json", "--framework", fw)
    assert progress.returncode == 0
    rows = [r for r in json.loads(progress.stdout) if r["village"] == "V" and r["measure"] == "index"]
    # one scored round: index (40 + 40) / 2 = 40, insufficient data
    assert len(rows) == 1
    assert rows[0]["first_score"] == pytest.approx(40.0)
    assert rows[0]["status"] == "insufficient_data"


def test_village_without_valid_respondents_gets_a_row_without_scores(tmp_path: Path, fw: Path) -> None:
    # §3.2: valid respondents = rows with at least one valid answer; fewer than min_respondents
    # (here 0 < 2) -> the village gets a row with no scores in that round.
    survey = tmp_path / "s.csv"
    survey.write_text("village;A;B\nX;50;50\nX;50;50\nF;En osaa sanoa;\nF;;\n", encoding="utf-8")
    result = run("score", survey, "--round", "2025", "--format", "json", "--framework", fw)
    assert result.returncode == 0, result.stderr
    rows = {r["village"]: r for r in json.loads(result.stdout)}
    assert rows["X"]["index"] == pytest.approx(50.0)
    assert "F" in rows
    assert rows["F"]["respondents"] == 0
    assert rows["F"]["index"] is None and rows["F"]["rank"] is None and rows["F"]["band"] is None
