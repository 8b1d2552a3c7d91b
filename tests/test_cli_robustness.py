"""``audit`` and ``uncertainty`` in-process: the numbers are the library's, and hand-checked on a tiny case.

The tiny case (small framework, two respondents per village, every respondent answering alike):

| village | T1 likert | T2 yes/no | Y1 events | Y2 km | item scores T1, T2, Y1, Y2 |
|---|---|---|---|---|---|
| Ala | 5 | yes, yes | 12 | 5    | 100, 100, 100, 100 |
| Bee | 4 | yes, no  | 6  | 22.5 | 75, 50, 50, 50     |
| Cee | 2 | no, no   | 0  | 40   | 25, 0, 0, 0        |
| Dee | 3 | no, yes  | 3  | 31.25| 50, 50, 25, 25     |
"""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest

from indicator.audit import audit
from indicator.cli import main
from indicator.framework import load
from indicator.pipeline import score_files
from indicator.storage import Store
from indicator.uncertainty import rank_uncertainty
from tests.conftest import SMALL_FRAMEWORK

ANSWERS = {  # village: two respondents' (T1, T2, Y1, Y2)
    "Ala": [(5, 1, 12, 5), (5, 1, 12, 5)],
    "Bee": [(4, 1, 6, 22.5), (4, 0, 6, 22.5)],
    "Cee": [(2, 0, 0, 40), (2, 0, 0, 40)],
    "Dee": [(3, 0, 3, 31.25), (3, 1, 3, 31.25)],
}


def survey(answers: dict, date: str = "1.5.2025 10:00") -> bytes:
    lines = ["Pvm;Kylä;T1;T2;Y1;Y2"]  # a generic table (a Webropol one would read 0 events as blank)
    lines += [f"{date};{v};{a};{'Kyllä' if b else 'Ei'};{c};{str(d).replace('.', ',')}"
              for v, rows in answers.items() for a, b, c, d in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


@pytest.fixture
def env(tmp_path, monkeypatch):
    framework = tmp_path / "small.toml"
    framework.write_text(SMALL_FRAMEWORK, encoding="utf-8")
    (tmp_path / "k2025.csv").write_bytes(survey(ANSWERS))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    return {"dir": tmp_path, "fw": str(framework), "file": str(tmp_path / "k2025.csv")}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def csv_table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text))


def test_audit_hand_checked(capsys, env):
    code, out, err = run(capsys, "audit", env["file"], "--framework", env["fw"])
    assert code == 0 and err == ""
    items = csv_table(out).set_index("item")
    assert list(items.columns[:3]) == ["round", "dimension", "type"] and set(items["round"]) == {2025}
    # Y1 values 12, 6, 0, 3: mean 21/4, one zero of four, sd sqrt(78.75 / 3)
    assert items.loc["Y1", "mean"] == pytest.approx(5.25)
    assert items.loc["Y1", "zero_share"] == pytest.approx(0.25)
    assert items.loc["Y1", "sd"] == pytest.approx(np.sqrt(78.75 / 3))
    assert items.loc["T2", "availability"] == 1.0 and items.loc["T2", "villages"] == 4
    code, out, _ = run(capsys, "audit", env["file"], "--framework", env["fw"], "--table", "dimensions")
    dims = csv_table(out).set_index("dimension")
    # talous: T1 scores 100, 75, 25, 50 (var 3125/3), T2 100, 50, 0, 50 (var 5000/3), cov 3750/3;
    # alpha = 2^2 cov / (var1 + var2 + 2 cov) = 5000 / 5208.33 = 0.96
    assert dims.loc["talous", "alpha"] == pytest.approx(0.96)
    # yhteiso: Y2 scores equal Y1 scores (100, 50, 0, 25): alpha 1, r 1, one collinear pair
    assert dims.loc["yhteiso", "alpha"] == pytest.approx(1.0)
    assert dims.loc["yhteiso", "collinear_pairs"] == 1
    code, out, _ = run(capsys, "audit", env["file"], "--framework", env["fw"], "--table", "collinear",
                       "--format", "json")
    # r(T1, T2) = 1250 / sqrt(1041.67 * 1666.67) = 3 / sqrt(10) = 0.949 > 0.9: collinear too
    pairs = {(r["item_a"], r["item_b"]): r["r"] for r in json.loads(out)}
    assert pairs == {("T1", "T2"): pytest.approx(3 / np.sqrt(10)), ("Y1", "Y2"): pytest.approx(1.0)}


def test_audit_tables_equal_the_library(capsys, env):
    framework = load(env["fw"])
    expected = audit(score_files([env["file"]], framework), framework, round=2025)
    code, out, _ = run(capsys, "audit", env["file"], "--framework", env["fw"], "--table", "all", "--format", "json")
    assert code == 0
    tables = json.loads(out)
    assert list(tables) == ["items", "dimensions", "collinear", "correlations", "availability", "villages",
                            "remove_one"]
    for name, rows in tables.items():
        got = pd.DataFrame(rows).drop(columns="round")
        want = getattr(expected, name)
        assert list(got.columns) == list(want.columns), name
        numeric = want.select_dtypes("number").columns
        np.testing.assert_allclose(got[numeric].to_numpy(float), want[numeric].to_numpy(float), rtol=0, atol=0)


def test_audit_all_tables_as_xlsx_sheets(capsys, env, tmp_path):
    target = tmp_path / "audit.xlsx"
    code, _, _ = run(capsys, "audit", env["file"], "--framework", env["fw"], "--table", "all", "--format", "xlsx",
                     "--output", str(target))
    assert code == 0
    sheets = pd.read_excel(target, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["items", "dimensions", "collinear", "correlations", "availability", "villages",
                            "remove_one"]
    assert sheets["dimensions"].set_index("dimension").loc["talous", "alpha"] == pytest.approx(0.96)


def test_uncertainty_band_hand_checked(capsys, env):
    # Ala is best on every item and Cee worst; Bee is at least Dee on every item. Any positive weights and
    # either aggregation keep the order, so every draw ranks them 1, 2, 3, 4: the band is the rank itself.
    code, out, err = run(capsys, "uncertainty", env["file"], "--framework", env["fw"], "--draws", "200")
    assert code == 0 and err == ""
    table = csv_table(out)
    assert list(table.columns) == ["round", "village", "nominal_rank", "median_rank", "p05_rank", "p95_rank",
                                   "mean_abs_shift", "ranked_draws"]
    assert table["village"].tolist() == ["Ala", "Bee", "Dee", "Cee"]
    for column in ("nominal_rank", "median_rank", "p05_rank", "p95_rank"):
        assert table[column].tolist() == [1, 2, 3, 4], column
    assert table["mean_abs_shift"].tolist() == [0.0] * 4 and table["ranked_draws"].tolist() == [200] * 4


def test_uncertainty_equals_the_library_with_the_page_defaults(capsys, env, tmp_path):
    # Eee and Fee trade places with the weights: their bands are real bands.
    mixed = dict(ANSWERS, Eee=[(5, 0, 2, 35), (5, 0, 2, 35)], Fee=[(1, 1, 10, 10), (1, 1, 10, 10)])
    path = tmp_path / "mixed.csv"
    path.write_bytes(survey(mixed))
    framework = load(env["fw"])
    want = rank_uncertainty(score_files([path], framework), framework, round=2025, n=1000, seed=0)
    code, out, _ = run(capsys, "uncertainty", str(path), "--framework", env["fw"], "--format", "json")
    got = pd.DataFrame(json.loads(out)).drop(columns="round")
    assert code == 0 and got["village"].tolist() == want["village"].tolist()
    for column in ("nominal_rank", "median_rank", "p05_rank", "p95_rank", "mean_abs_shift", "ranked_draws"):
        assert got[column].tolist() == want[column].astype(float).tolist(), column
    assert (want["p95_rank"] > want["p05_rank"]).any()  # not a trivial case
    code, out, _ = run(capsys, "uncertainty", str(path), "--framework", env["fw"], "--seed", "7", "--draws", "50",
                       "--format", "json")
    seven = rank_uncertainty(score_files([path], framework), framework, round=2025, n=50, seed=7)
    assert pd.DataFrame(json.loads(out))["median_rank"].tolist() == seven["median_rank"].tolist()


def test_database_source_and_round_choice(capsys, env):
    framework = load(env["fw"])
    store = Store(f"sqlite:///{env['dir'] / 'db.sqlite'}")
    store.uploads.add(survey(ANSWERS), "k2025.csv", 2025, framework, approve=True)
    store.uploads.add(survey({k: v for k, v in ANSWERS.items() if k != "Cee"}), "k2024.csv", 2024, framework,
                     approve=True)
    db = ("--db", store.url, "--framework", env["fw"])
    code, out, _ = run(capsys, "uncertainty", *db)
    assert code == 0 and set(csv_table(out)["round"]) == {2025} and len(csv_table(out)) == 4  # latest round
    code, out, _ = run(capsys, "uncertainty", *db, "--round", "2024")
    assert code == 0 and csv_table(out)["village"].tolist() == ["Ala", "Bee", "Dee"]
    code, out, err = run(capsys, "audit", *db, "--round", "2023")
    assert code == 2 and out == "" and err == "error: the database: no scores for round 2023 (rounds: 2024, 2025)\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("audit", "--table", "all"), "--table all needs --format json or xlsx"),
        (("uncertainty", "--draws", "0"), "the number of draws must be a whole number >= 1"),
        (("audit", "missing.csv"), "file not found"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(capsys, env, argv, message):
    files = [] if "missing.csv" in argv else [env["file"]]
    code, out, err = run(capsys, *argv, *files, "--framework", env["fw"])
    assert code == 2 and out == "" and err.count("\n") == 1 and message in err


def test_files_and_database_together_are_refused(capsys, env):
    code, _, err = run(capsys, "audit", env["file"], "--db", "sqlite://", "--framework", env["fw"])
    assert code == 2 and err == "error: give either survey files or --db, not both\n"
