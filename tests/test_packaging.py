"""Packaging: ``pip install .`` gives the ``alykyla`` command (the same as ``python -m indicator``), the
library with its catalogs, and every package the code imports.

These read ``pyproject.toml`` rather than an installed copy: the test suite runs from the checkout.
"""

from __future__ import annotations

import ast
import sys
import tomllib
from importlib.metadata import EntryPoint, packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import indicator.cli

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
# Top-level names that are the repository's own code, not packages from an index.
LOCAL = {"indicator", "ui", "pages", "tests", "benchmarks", "tools", "app"}


def declared(*extras: str) -> set[str]:
    """Canonical distribution names of the runtime dependencies and of the given extras."""
    project = PROJECT["project"]
    lines = list(project["dependencies"])
    for extra in extras:
        lines += project["optional-dependencies"][extra]
    return {canonicalize_name(Requirement(line).name) for line in lines}


def imported(*places: str) -> set[str]:
    """Top-level module names imported (absolute imports, anywhere in a file) under these paths."""
    names: set[str] = set()
    for place in places:
        path = ROOT / place
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - LOCAL - {"__future__"}


def test_console_script_alykyla_is_the_cli_main() -> None:
    value = PROJECT["project"]["scripts"]["alykyla"]
    assert value == "indicator.cli:main"
    assert EntryPoint(name="alykyla", value=value, group="console_scripts").load() is indicator.cli.main


def test_python_dash_m_indicator_runs_the_same_main() -> None:
    tree = ast.parse((ROOT / "indicator" / "__main__.py").read_text(encoding="utf-8"))
    calls = [node.func.id for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)]
    imports = [(node.module, alias.name) for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               for alias in node.names]
    assert ("indicator.cli", "main") in imports
    assert "main" in calls


def test_console_script_help_lists_the_public_subcommands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        indicator.cli.main(["--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert all(name in out for name in ("import", "score", "ingest", "progress", "groups")), out


def test_installed_package_run_in_a_checkout_finds_its_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed with pip, the package is not beside data/: ALYKYLA_DATA, else the working directory's data/."""
    from indicator import paths

    monkeypatch.setattr(paths, "__file__", str(tmp_path / "site-packages" / "indicator" / "paths.py"))
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "framework.toml").write_text("", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ALYKYLA_DATA", raising=False)
    assert paths.data_dir() == tmp_path / "data"
    monkeypatch.setenv("ALYKYLA_DATA", str(tmp_path / "elsewhere"))
    assert paths.data_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("ALYKYLA_DATA")
    monkeypatch.setattr(paths, "__file__", str(Path(indicator.cli.__file__).resolve().parent.parent / "paths.py"))
    assert paths.data_dir() == Path(indicator.cli.__file__).resolve().parents[2] / "data"  # the checkout's


def test_installed_package_run_elsewhere_names_framework_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(indicator.cli, "DEFAULT_PATH", tmp_path / "site-packages" / "data" / "framework.toml")
    monkeypatch.chdir(tmp_path)
    assert indicator.cli.main(["score", "kysely.csv"]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and "--framework" in err, err


def test_only_the_library_is_packaged_with_its_catalogs() -> None:
    setuptools = PROJECT["tool"]["setuptools"]
    assert setuptools["packages"]["find"]["include"] == ["indicator", "indicator.*"]
    patterns = setuptools["package-data"]["indicator"]
    catalogs = sorted(p.relative_to(ROOT / "indicator") for p in (ROOT / "indicator" / "locales").iterdir())
    assert catalogs, "no catalogs found"
    assert all(any(c.match(pattern) for pattern in patterns) for c in catalogs), (catalogs, patterns)
    # every folder of the library is a package, so the find above takes it
    folders = [d for d in (ROOT / "indicator").rglob("*") if d.is_dir() and d.name not in {"__pycache__", "locales"}]
    assert all((d / "__init__.py").is_file() for d in folders), folders


def test_the_library_uses_only_declared_runtime_packages() -> None:
    """What ``pip install .`` installs covers every import of the library and the dashboard."""
    owners = packages_distributions()
    runtime = declared()
    missing = {name: owners.get(name) for name in imported("indicator", "ui", "pages", "app.py")
               if not {canonicalize_name(d) for d in owners.get(name, [])} & runtime}
    assert not missing, f"imported but not declared in [project.dependencies]: {missing}"


def test_tests_and_benchmarks_use_only_declared_packages() -> None:
    owners = packages_distributions()
    everything = declared("test")
    missing = {name: owners.get(name) for name in imported("tests", "benchmarks")
               if not {canonicalize_name(d) for d in owners.get(name, [])} & everything}
    assert not missing, f"imported but declared neither at runtime nor in the test extra: {missing}"
