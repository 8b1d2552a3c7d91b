"""The ``groups`` subcommand in-process: columns, areas, pins, rounds, the database, exit codes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from indicator.cli import main
from indicator.cli.groups import parse_pins
from indicator.errors import GroupingError
from indicator.framework import loads
from indicator.storage import Store
from tests.conftest import SMALL_FRAMEWORK

VILLAGES = {  # village: (T1 likert, T2 yes/no, Y1 events, Y2 km) for two respondents
    "Ala": [(5, 1, 12, 5), (4, 1, 10, 6)],
    "Bee": [(5, 1, 11, 8), (5, 1, 12, 5)],
    "Cee": [(1, 0, 1, 40), (2, 0, 2, 35)],
    "Dee": [(1, 0, 0, 38), (1, 0, 1, 40)],
    "Eee": [(3, 1, 6, 20), (3, 0, 5, 22)],
    "Fee": [(3, 0, 6, 21), (4, 1, 7, 20)],
}


def survey(rows: dict, extra: str = "") -> bytes:
    lines = ["Kylä;T1;T2;Y1;Y2"]
    lines += [f"{v};{a};{'Kyllä' if b else 'Ei'};{c};{d}" for v, answers in rows.items() for a, b, c, d in answers]
    return ("\n".join(lines) + "\n" + extra).encode("utf-8")


@pytest.fixture
def env(tmp_path, monkeypatch):
    framework = tmp_path / "small.toml"
    framework.write_text(SMALL_FRAMEWORK, encoding="utf-8")
    (tmp_path / "s.csv").write_bytes(survey(VILLAGES))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    return {"dir": tmp_path, "fw": str(framework), "file": str(tmp_path / "s.csv")}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_columns_sizes_and_similar_villages_together(capsys, env):
    code, out, err = run(capsys, "groups", env["file"], "--size", "2", "--by", "none", "--framework", env["fw"])
    assert code == 0 and err == ""
    table = pd.read_csv(pd.io.common.StringIO(out))
    assert list(table.columns) == ["village", "area", "group", "theme"]
    assert sorted(table["village"]) == sorted(VILLAGES)
    assert set(table["area"]) == {"all"} and set(table["theme"]) == {"talous"}
    assert table["group"].value_counts().tolist() == [2, 2, 2]
    group = table.set_index("village")["group"]
    assert group["Ala"] == group["Bee"] and group["Cee"] == group["Dee"] and group["Eee"] == group["Fee"]
    assert group["Ala"] == 1  # groups numbered by their alphabetically first village


def test_json_pins_and_leader_area_default(capsys, env):
    code, out, _ = run(
        capsys, "groups", env["file"], "--size", "2", "--pin", "Ala=3", "--format", "json", "--framework", env["fw"]
    )
    assert code == 0
    rows = json.loads(out)
    assert set(rows[0]) == {"village", "area", "group", "theme"}
    group = {r["village"]: r["group"] for r in rows}
    # the optimum {Ala, Bee}, {Cee, Dee}, {Eee, Fee} keeps the pin once numbered so: a pin constrains
    # membership only (docs/method.md §4); Ala's group is number 3, the others keep their overlap order
    assert group["Ala"] == 3 and group["Bee"] == 3 and {group["Cee"], group["Dee"]} == {2}
    assert {group["Eee"], group["Fee"]} == {1}
    assert {r["area"] for r in rows} == {"unknown"}  # not registry villages


def test_output_file_and_excluded_note(capsys, env):
    few = dict(VILLAGES, Gee=[(5, 1, 12, 5)])  # one respondent < min_respondents 2: no scores
    (env["dir"] / "few.csv").write_bytes(survey(few))
    target = env["dir"] / "out.csv"
    code, out, err = run(
        capsys, "groups", str(env["dir"] / "few.csv"), "--size", "3", "--by", "none", "-o", str(target),
        "--framework", env["fw"],
    )
    assert code == 0 and out == ""
    assert "Gee" not in target.read_text() and len(target.read_text().splitlines()) == 7
    assert err.startswith("note: left out: Gee (no dimension scores")


def test_round_choice_from_files(capsys, env):
    code, out, _ = run(capsys, "groups", env["file"], "--round", "2024", "--size", "3", "--framework", env["fw"])
    assert code == 0 and len(out.splitlines()) == 7  # no file has 2024: every file is round 2024, as in score


def test_database_latest_round_and_missing_round(capsys, env):
    url = f"sqlite:///{env['dir'] / 'g.db'}"
    store = Store(url)
    framework = loads(SMALL_FRAMEWORK)
    store.uploads.add(survey(VILLAGES), "a.csv", 2024, framework, approve=True)
    newer = {k: v for k, v in VILLAGES.items() if k != "Fee"}
    store.uploads.add(survey(newer).replace(b"Ala;5", b"Ala;4"), "b.csv", 2025, framework, approve=True)
    code, out, _ = run(capsys, "groups", "--db", url, "--size", "5", "--framework", env["fw"])
    assert code == 0
    assert sorted(line.split(",")[0] for line in out.splitlines()[1:]) == sorted(newer)
    code, out, _ = run(capsys, "groups", "--db", url, "--round", "2024", "--size", "3", "--framework", env["fw"])
    assert code == 0 and len(out.splitlines()) == 7
    code, out, err = run(capsys, "groups", "--db", url, "--round", "2023", "--framework", env["fw"])
    assert code == 2 and out == "" and err.count("\n") == 1 and "no scores for round 2023" in err


@pytest.mark.parametrize(
    "extra,message",
    [
        (["--pin", "Ala=9"], "groups 1..3"),
        (["--pin", "Ala"], "VILLAGE=GROUP"),
        (["--pin", "Nobody=1"], "not among the villages"),
        (["--size", "0"], "at least 1"),
        (["--together", "Ala", "Cee", "--apart", "Cee", "Ala"], "both together and apart"),
    ],
)
def test_unusable_requests_exit_2_with_one_line(capsys, env, extra, message):
    code, out, err = run(capsys, "groups", env["file"], "--size", "2", "--by", "none", "--framework", env["fw"], *extra)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


def test_unreadable_file_and_empty_database_exit_2(capsys, env):
    code, _, err = run(capsys, "groups", str(env["dir"] / "missing.csv"), "--framework", env["fw"])
    assert code == 2 and err.count("\n") == 1
    code, _, err = run(capsys, "groups", "--db", f"sqlite:///{env['dir'] / 'empty.db'}", "--framework", env["fw"])
    assert code == 2 and "no scores to group" in err


def test_parse_pins():
    assert parse_pins(["Ala=2", "Kylä = 3 =1"]) == {"Ala": 2, "Kylä = 3": 1}
    with pytest.raises(GroupingError, match="VILLAGE=GROUP"):
        parse_pins(["Ala=two"])


def test_village_column_named_on_the_command_line(capsys, env):
    renamed = env["dir"] / "renamed.csv"
    renamed.write_bytes(survey(VILLAGES).replace(b"Kyl\xc3\xa4;T1", b"Paikka;T1", 1))
    code, _, err = run(capsys, "groups", str(renamed), "--by", "none", "--framework", env["fw"])
    assert code == 2 and "no village column" in err
    code, out, _ = run(capsys, "groups", str(renamed), "--size", "2", "--by", "none", "--village-column", "Paikka",
                       "--framework", env["fw"])
    assert code == 0
    assert sorted(pd.read_csv(pd.io.common.StringIO(out))["village"]) == sorted(VILLAGES)
