"""The command line's frame (indicator/cli/__init__.py): every subcommand is registered by the module the
lazy-import map names, a missing module is an error (not a silently absent subcommand), bad input exits 2."""

from __future__ import annotations

import argparse

import pytest

from indicator.cli import COMMAND_MODULES, SUBCOMMANDS, build_parser, main

DOCUMENTED = ("import", "score", "ingest", "progress", "export", "restore", "demo", "groups", "audit",
              "uncertainty", "card", "questionnaire", "impact", "strategies", "report", "migrate", "check", "erase")


def subcommands(parser: argparse.ArgumentParser) -> set[str]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return set(action.choices)


def test_every_subcommand_comes_from_the_module_the_map_names():
    assert set(SUBCOMMANDS) == set(DOCUMENTED) == subcommands(build_parser())
    assert set(SUBCOMMANDS.values()) == set(COMMAND_MODULES)
    for module in COMMAND_MODULES:
        mine = {command for command, owner in SUBCOMMANDS.items() if owner == module}
        assert subcommands(build_parser((module,))) == mine, module


def test_a_missing_command_module_is_an_error_not_a_skipped_subcommand():
    with pytest.raises(ModuleNotFoundError):
        build_parser(("no_such_module",))


def test_unknown_subcommand_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["tally"])
    out, err = capsys.readouterr()
    assert exc.value.code == 2 and out == "" and err.count("\n") == 1 and "invalid choice: 'tally'" in err


def test_docs_describe_every_subcommand_with_a_runnable_example():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "cli.md").read_text(encoding="utf-8")
    examples = [line.strip() for line in text.splitlines()
                if line.startswith("    python -m indicator ") and "[" not in line and " FILE" not in line]
    for command in DOCUMENTED:
        assert f"\n## {command}\n" in text, command
        assert any(e.split()[3] == command for e in examples), f"no example of {command}"
