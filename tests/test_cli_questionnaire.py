"""``python -m indicator questionnaire``: each format to a file; bad options are one line and exit 2."""

from __future__ import annotations

import pytest

from indicator.cli import main
from indicator.questionnaire import FORMATS, SUFFIXES
from tests.conftest import SMALL_FRAMEWORK

MAGIC = {"xlsform": b"PK\x03\x04", "template": b"PK\x03\x04", "docx": b"PK\x03\x04",
         "limesurvey": b"id\trelated_id\tclass\t", "gforms": b"/**\n", "html": b"<!DOCTYPE html>"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_is_written(fmt, tmp_path, capsys):
    target = tmp_path / f"kysely{SUFFIXES[fmt]}"
    code = main(["questionnaire", "--format", fmt, "--lang", "sv", "--round", "2026", "--output", str(target)])
    assert code == 0
    assert target.read_bytes().startswith(MAGIC[fmt])
    out = capsys.readouterr().out
    assert out.startswith(f"wrote {target} ({fmt}, sv, ") and out.count("\n") == 1


def test_own_framework_and_fixed_village(tmp_path):
    framework = tmp_path / "pieni.toml"
    framework.write_text(SMALL_FRAMEWORK, encoding="utf-8")
    target = tmp_path / "kysely.html"
    assert main(["questionnaire", "--format", "html", "--framework", str(framework), "--village", "KÄÄPÄLÄ",
                 "-o", str(target)]) == 0
    page = target.read_text(encoding="utf-8")
    assert "<title>Pieni mittari: asukaskysely</title>" in page and "<b>Kylä:</b> Kääpälä" in page


@pytest.mark.parametrize(("args", "message"), [
    (["--format", "html", "--village", "Atlantis"], "error: village 'Atlantis' is not in the village registry"),
    (["--format", "html", "--round", "1999"], "error: the round must be a year from 2000 to 2100, got 1999"),
    (["--format", "pdf"], "python -m indicator questionnaire: argument --format: invalid choice: 'pdf'"),
    (["--format", "html", "--lang", "de"], "python -m indicator questionnaire: argument --lang: invalid choice: 'de'"),
    (["--format", "html", "--framework", "/no/such.toml"], "error: /no/such.toml: framework file not found"),
])
def test_bad_options_are_one_line_and_exit_2(args, message, tmp_path, capsys):
    argv = ["questionnaire", *args, "--output", str(tmp_path / "out")]
    with pytest.raises(SystemExit) as stopped:
        code = main(argv)
        raise SystemExit(code)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_unwritable_output_is_one_line(tmp_path, capsys):
    assert main(["questionnaire", "--format", "gforms", "--output", str(tmp_path / "no" / "x.gs")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: cannot write ") and err.endswith("No such file or directory\n")
