"""``card`` in-process: the same HTML report and xlsx workbook the village page offers, from files or the
database; the round is the village's latest unless asked; bad input is one line and exit 2."""

from __future__ import annotations

import io
import re
from pathlib import Path

import openpyxl
import pytest

from indicator import report
from indicator.cli import main
from indicator.framework import load
from indicator.pipeline import score_files
from indicator.registry import load_villages
from indicator.storage import Store
from indicator.uncertainty import rank_uncertainty
from tests.conftest import SMALL_FRAMEWORK
from tests.test_cli_robustness import ANSWERS, survey

PLOTLY_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@pytest.fixture
def env(tmp_path, monkeypatch):
    framework = tmp_path / "small.toml"
    framework.write_text(SMALL_FRAMEWORK, encoding="utf-8")
    (tmp_path / "k2024.csv").write_bytes(survey({k: v for k, v in ANSWERS.items() if k != "Dee"}, "2.5.2024 9:00"))
    (tmp_path / "k2025.csv").write_bytes(survey(ANSWERS))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    return {"dir": tmp_path, "fw": str(framework), "files": [str(tmp_path / "k2024.csv"), str(tmp_path / "k2025.csv")]}


def run(capsys, *argv: str) -> tuple[int, bytes, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out.encode("utf-8"), err


def page_results(env, village: str, round_: int) -> report.VillageResults:
    """What pages/kyla.py gives ``report.report_html`` and ``report.results_xlsx``."""
    framework = load(env["fw"])
    scores = score_files(env["files"], framework)
    bands = rank_uncertainty(scores, framework, round=round_, n=1000, seed=0)
    return report.village_results(scores, framework, village, round_, registry=load_villages(), uncertainty=bands)


def without_plot_ids(text: str) -> str:
    return PLOTLY_ID.sub("<id>", text)


def sheets(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in book.worksheets}


def test_html_card_is_the_page_report(capsys, env):
    code, out, err = run(capsys, "card", *env["files"], "--village", "Bee", "--framework", env["fw"])
    assert code == 0 and err == ""
    framework = load(env["fw"])
    want = report.report_html(page_results(env, "Bee", 2025), framework, "fi")
    assert without_plot_ids(out.decode("utf-8")) == without_plot_ids(want)
    assert "<h1>Bee</h1>" in want and "2 / 4" in want  # Bee ranks 2nd of 4 in 2025 (its latest round)


def test_xlsx_card_in_swedish_is_the_page_workbook(capsys, env, tmp_path):
    target = tmp_path / "bee.xlsx"
    code, _, _ = run(capsys, "card", *env["files"], "--village", "Bee", "--round", "2024", "--format", "xlsx",
                     "--lang", "sv", "--output", str(target), "--framework", env["fw"])
    assert code == 0
    want = report.results_xlsx(page_results(env, "Bee", 2024), load(env["fw"]), "sv")
    assert sheets(target.read_bytes()) == sheets(want)


def test_card_from_the_database(capsys, env):
    framework = load(env["fw"])
    store = Store(f"sqlite:///{env['dir'] / 'db.sqlite'}")
    for path, year in zip(env["files"], (2024, 2025), strict=True):
        store.uploads.add(Path(path).read_bytes(), path, year, framework, approve=True)
    code, out, _ = run(capsys, "card", "--db", store.url, "--village", "Ala", "--framework", env["fw"], "--lang", "en")
    assert code == 0
    want = report.report_html(page_results(env, "Ala", 2025), framework, "en")
    assert without_plot_ids(out.decode("utf-8")) == without_plot_ids(want)


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ((), "card needs --village NAME"),
        (("--village", "Zed"), "no village 'Zed' (villages: Ala, Bee, Cee, Dee)"),
        (("--village", "Dee", "--round", "2024"), "no scores for 'Dee' in round 2024 (rounds: 2025)"),
    ],
)
def test_bad_village_or_round_is_one_line_and_exit_2(capsys, env, extra, message):
    code, out, err = run(capsys, "card", *env["files"], "--framework", env["fw"], *extra)
    assert code == 2 and out == b"" and err.count("\n") == 1 and message in err


def test_draws_must_be_positive(capsys, env):
    with pytest.raises(SystemExit) as exc:
        main(["card", *env["files"], "--village", "Ala", "--draws", "0", "--framework", env["fw"]])
    _, err = capsys.readouterr()
    assert exc.value.code == 2 and err.count("\n") == 1 and "must be a whole number >= 1" in err
