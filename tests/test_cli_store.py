"""The database subcommands run in-process: output, exit codes, one-line errors."""

from __future__ import annotations

import json

import pytest

from indicator.cli import main
from indicator.framework import load
from indicator.storage import Store
from tests.conftest import SMALL_FRAMEWORK
from tests.storage_helpers import KNOWN_INDEX, known_file, village_file


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A framework file, two survey files and a database URL; DATABASE_URL points elsewhere."""
    framework = tmp_path / "small.toml"
    framework.write_text(SMALL_FRAMEWORK, encoding="utf-8")
    (tmp_path / "ala.csv").write_bytes(known_file("Ala"))
    (tmp_path / "yla.csv").write_bytes(village_file("Ylä", [5, 5]))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    return {"dir": tmp_path, "fw": str(framework), "db": f"sqlite:///{tmp_path / 'test.db'}"}


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ingest(capsys, env, *extra: str) -> tuple[int, str, str]:
    files = [str(env["dir"] / "ala.csv"), str(env["dir"] / "yla.csv")]
    return run(capsys, "ingest", *files, "--round", "2025", "--db", env["db"], "--framework", env["fw"], *extra)


def test_ingest_prints_one_line_per_file(capsys, env):
    code, out, err = ingest(capsys, env)
    assert code == 0 and err == ""
    assert out.splitlines() == [
        f"{env['dir'] / 'ala.csv'}: stored as upload 1 (pending), 0 problems",
        f"{env['dir'] / 'yla.csv'}: stored as upload 2 (pending), 0 problems",
    ]
    code, out, _ = ingest(capsys, env, "--approve")  # the repeats are not stored again, but approved
    assert code == 0 and out.splitlines()[0].endswith("duplicate of upload 1 (approved), 0 problems")
    assert Store(env["db"]).uploads.table()["status"].tolist() == ["approved", "approved"]


def test_ingest_default_database_is_database_url(capsys, env):
    code, _, _ = run(capsys, "ingest", str(env["dir"] / "ala.csv"), "--round", "2025", "--framework", env["fw"])
    assert code == 0
    assert len(Store(f"sqlite:///{env['dir'] / 'env.db'}").uploads.table()) == 1


def test_ingest_counts_problems(capsys, env):
    bad = env["dir"] / "bad.csv"
    bad.write_bytes(village_file("Ala", [3, 4]).replace(b"Ala;4;", b"Ala;paljon;"))
    code, out, _ = run(capsys, "ingest", str(bad), "--round", "2025", "--db", env["db"], "--framework", env["fw"])
    assert code == 0 and out.strip().endswith("stored as upload 1 (pending), 1 problems")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "{dir}/missing.csv", "--round", "2025"], "missing.csv: file not found"),
        (["ingest", "{dir}/other.csv", "--round", "2025"], "other.csv"),
        (["export"], "export needs --output"),
        (["restore", "{dir}/missing.xlsx"], "missing.xlsx: backup file not found"),
        (["progress", "--db", "mysql://x@y/z"], "only sqlite:// and postgresql://"),
    ],
)
def test_unusable_input_exits_2_with_one_line(capsys, env, argv, message):
    (env["dir"] / "other.csv").write_bytes(b"nimi;ika\nx;3\n")
    argv = [a.format(dir=env["dir"]) for a in argv]
    if "--db" not in argv:
        argv += ["--db", env["db"]]
    code, out, err = run(capsys, *argv, "--framework", env["fw"])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err and "Traceback" not in err


def test_ingest_needs_round(capsys, env):
    with pytest.raises(SystemExit) as exc:
        main(["ingest", str(env["dir"] / "ala.csv"), "--db", env["db"]])
    assert exc.value.code == 2


def test_progress_csv_and_json(capsys, env):
    store = Store(env["db"])
    framework = load(env["fw"])
    store.uploads.add(village_file("Ala", [1, 1]), "a24.csv", 2024, framework, approve=True)
    store.uploads.add(village_file("Ala", [3, 3]), "a26.csv", 2026, framework, approve=True)
    code, out, _ = run(capsys, "progress", "--db", env["db"], "--framework", env["fw"])
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "village,measure,first_round,last_round,first_score,last_score,slope,required,status,projected,level"
    # talous: T1 score 0 -> 50, items (T1*1 + 100*3)/4: 75 -> 87.5; slope 6.25, required 25/6 -> on_track
    assert "Ala,talous,2024,2026,75.0,87.5,6.25,4.166666666666667,on_track,100.0,village" in lines
    code, out, _ = run(capsys, "progress", "--db", env["db"], "--framework", env["fw"], "--format", "json",
                       "--method", "growth_ratio")
    rows = json.loads(out)
    assert {r["level"] for r in rows} == {"village", "province"}
    assert rows[0]["village"] == "Ala" and "ratio" in rows[0]


def test_progress_method_slope_and_its_hidden_alias(capsys, env):
    store = Store(env["db"])
    framework = load(env["fw"])
    store.uploads.add(village_file("Ala", [1, 1]), "a24.csv", 2024, framework, approve=True)
    store.uploads.add(village_file("Ala", [3, 3]), "a26.csv", 2026, framework, approve=True)
    base = ("progress", "--db", env["db"], "--framework", env["fw"])
    outputs = [run(capsys, *base, *extra) for extra in ((), ("--method", "slope"), ("--method", "contract"))]
    assert [code for code, _, _ in outputs] == [0, 0, 0]
    assert outputs[0][1] == outputs[1][1] == outputs[2][1]
    with pytest.raises(SystemExit) as exc:
        main(["progress", "--help"])
    assert exc.value.code == 0
    shown = capsys.readouterr().out
    assert "{slope,growth_ratio}" in shown and "contract" not in shown
    with pytest.raises(SystemExit) as exc:
        main([*base, "--method", "cagr"])
    out, err = capsys.readouterr()
    assert exc.value.code == 2 and out == "" and err.count("\n") == 1 and "invalid choice: 'cagr'" in err


def test_export_restore_demo(capsys, env, tmp_path, monkeypatch):
    ingest(capsys, env, "--approve")
    backup = tmp_path / "backup.xlsx"
    code, out, err = run(capsys, "export", "--db", env["db"], "--framework", env["fw"], "--output", str(backup))
    assert code == 0 and backup.stat().st_size > 0
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    code, out, _ = run(capsys, "restore", str(backup), "--db", target, "--framework", env["fw"])
    assert code == 0 and out.startswith(f"{backup}: restored 2 uploads")
    table = Store(target).scores(load(env["fw"])).table
    assert table.set_index("village").loc["Ala", "index"] == pytest.approx(KNOWN_INDEX)
    code, _, err = run(capsys, "restore", str(backup), "--db", target, "--framework", env["fw"])
    assert code == 2 and "not empty" in err

    demo = tmp_path / "demo" / "2025"
    demo.mkdir(parents=True)
    (demo / "ala.csv").write_bytes(known_file("Ala"))
    monkeypatch.setattr("indicator.storage.demo.DEMO_DIR", tmp_path / "demo")
    fresh = f"sqlite:///{tmp_path / 'demo.db'}"
    code, out, _ = run(capsys, "demo", "--db", fresh, "--framework", env["fw"])
    assert code == 0 and out.startswith("demo: 1 files stored and approved")
    code, out, _ = run(capsys, "demo", "--db", fresh, "--framework", env["fw"])
    assert out.startswith("demo: 0 files")


def test_ingest_takes_the_village_column_by_name(capsys, env):
    renamed = env["dir"] / "renamed.csv"
    renamed.write_bytes(known_file("Ala").replace("Kylä".encode(), b"Paikka", 1))
    argv = ["ingest", str(renamed), "--round", "2025", "--db", env["db"], "--framework", env["fw"], "--approve"]
    code, _, err = run(capsys, *argv)
    assert code == 2 and "no village column" in err
    code, _, _ = run(capsys, *argv, "--village-column", "Paikka")
    assert code == 0
    table = Store(env["db"]).scores(load(env["fw"])).table
    assert table["village"].tolist() == ["Ala"] and table["index"].iloc[0] == pytest.approx(KNOWN_INDEX)
