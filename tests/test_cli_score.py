"""The command line's import and score subcommands, run in-process: output, formats and exit codes."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from indicator.cli import main

CSV = (
    "Kylä;T1;T2;Tapahtumat;Y2\n"
    "Alakylä;3;Kyllä;6;20\n"
    "Alakylä;4;Ei;12;20\n"
    "Alakylä;5;Kyllä;30;\n"
    "Yläkylä;En osaa sanoa;Kyllä;1;=1+1\n"
)


@pytest.fixture
def files(tmp_path, small_framework_text):
    framework = tmp_path / "small.toml"
    framework.write_text(small_framework_text, encoding="utf-8")
    survey = tmp_path / "kysely.csv"
    survey.write_text(CSV, encoding="utf-8")
    return framework, survey


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_score_csv_hand_computed(capsys, files):
    framework, survey = files
    code, out, err = run(capsys, "score", str(survey), "--round", "2025", "--framework", str(framework))
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns) == ["village", "round", "respondents", "index", "talous", "yhteiso", "rank", "band"]
    ala = table.set_index("village").loc["Alakylä"]
    assert ala["round"] == 2025 and ala["respondents"] == 3
    assert ala["index"] == pytest.approx((68.75 * 2 + (100 + 100 * 20 / 35) / 2) / 3)
    assert ala["band"] == "mid" and ala["rank"] == 1
    yla = table.set_index("village").loc["Yläkylä"]
    assert yla["respondents"] == 1 and pd.isna(yla["index"]) and pd.isna(yla["rank"])


def test_score_json_has_nulls_and_full_precision(capsys, files):
    framework, survey = files
    code, out, _ = run(capsys, "score", str(survey), "--round", "2025", "--format", "json", "--framework", str(framework))
    assert code == 0
    rows = {r["village"]: r for r in json.loads(out)}
    assert rows["Yläkylä"]["index"] is None and rows["Yläkylä"]["band"] is None
    assert rows["Alakylä"]["index"] == (68.75 * 2 + (100 + 100 * 20 / 35) / 2) / 3


def test_score_xlsx_to_a_file(capsys, files, tmp_path):
    framework, survey = files
    target = tmp_path / "out.xlsx"
    code, _, _ = run(capsys, "score", str(survey), "--round", "2025", "--format", "xlsx", "--output", str(target),
                     "--framework", str(framework))
    assert code == 0
    table = pd.read_excel(target, engine="openpyxl")
    assert set(table["village"]) == {"Alakylä", "Yläkylä"}


def test_import_json_report(capsys, files):
    framework, survey = files
    code, out, _ = run(capsys, "import", str(survey), "--json", "--framework", str(framework))
    assert code == 0
    report = json.loads(out)
    assert list(report)[:8] == ["file", "source_tool", "rows", "villages", "mapped", "unmapped", "dropped_personal", "problems"]
    assert report["rows"] == 4
    assert sorted(report["villages"]) == ["Alakylä", "Yläkylä"]
    assert report["mapped"] == {"T1": "T1", "T2": "T2", "Tapahtumat": "Y1", "Y2": "Y2"}
    problem = report["problems"][0]
    assert problem["row"] == 5 and problem["column"] == "Y2" and problem["value"] == "=1+1"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("Kylä;Jotain muuta\nA;1\n", "kysely.csv: "),
        ("", "kysely.csv: "),
    ],
)
def test_unusable_file_exits_2_with_one_line(capsys, files, content, expected):
    framework, survey = files
    survey.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "score", str(survey), "--framework", str(framework))
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


def test_missing_file_and_broken_framework_exit_2(capsys, files, tmp_path):
    framework, survey = files
    code, _, err = run(capsys, "score", str(tmp_path / "none.csv"), "--framework", str(framework))
    assert code == 2 and "none.csv" in err and err.count("\n") == 1
    bad = tmp_path / "bad.toml"
    bad.write_text("[indicator]\nid = 'x'\n", encoding="utf-8")
    code, _, err = run(capsys, "score", str(survey), "--framework", str(bad))
    assert code == 2 and err.startswith("error: ") and "bad.toml" in err and err.count("\n") == 1


def test_usage_error_exits_2(capsys):
    code = None
    with pytest.raises(SystemExit) as info:
        main(["score", "--format", "pdf", "x.csv"])
    code = info.value.code
    assert code == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_village_option_names_only_the_files_without_a_village_column(tmp_path, capsys):
    """docs/survey-files.md §2: a file without a village column scores as one village when a name is given; a file
    with one keeps its own villages."""
    with_column = tmp_path / "a.csv"
    with_column.write_text("Kylä;E1\nAhvio;5\nAhvio;3\n", encoding="utf-8")
    without = tmp_path / "b.csv"
    without.write_text("E1\n1\n2\n", encoding="utf-8")
    assert main(["score", str(with_column), str(without), "--village", "Sippola", "--round", "2025",
                 "--format", "json"]) == 0
    rows = {r["village"]: r for r in json.loads(capsys.readouterr().out)}
    assert sorted(rows) == ["Ahvio", "Sippola"]
    assert rows["Ahvio"]["respondents"] == 2 and rows["Sippola"]["respondents"] == 2
