"""Library errors: one English line for the command line, the user's language on the pages.

Every error the library raises carries a ``code`` whose catalog text (``error.<code>``) exists in fi, sv
and en; the pages show ``err.localized(lang)``. The checks over the source read the code as text (AST),
so an error added without a code, or a code without a catalog text, fails here.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import indicator
from indicator import goals, poll, progress, qr, weights
from indicator.errors import IndicatorError
from indicator.framework import loads
from indicator.grouping import make_groups
from indicator.i18n import catalog
from indicator.reading import read_survey
from indicator.registry import load_villages
from indicator.scoring import ScoreOptions
from indicator.uncertainty import rank_uncertainty
from tests.test_report import FRAMEWORK, scores

LIBRARY = Path(indicator.__file__).resolve().parent
# Raised by code another part owns (storage and the database), or printed only by the command line (English).
NOT_LOCALISED = ("storage", "db.py", "demo.py", "exports.py", "xlsxsafe.py", "cli")


def _raise(call: Callable[[], object]) -> IndicatorError:
    with pytest.raises(IndicatorError) as caught:
        call()
    return caught.value


def _registry_without_municipality(tmp_path: Path) -> Path:
    path = tmp_path / "villages.csv"
    path.write_text("village,municipality,leader_area,lat,lon,coordinate_source\n"
                    "Utti,Kouvola,kasvu,60.9,26.9,village\nSippola,,kasvu,60.7,27.0,village\n", encoding="utf-8")
    return path


SAMPLES: dict[str, Callable[[Path], object]] = {
    "reading.empty_file": lambda _: read_survey(b"", FRAMEWORK, filename="tyhja.csv"),
    "reading.no_village_column": lambda _: read_survey(b"A;B\n4;1\n", FRAMEWORK, filename="k.csv"),
    "reading.too_big": lambda _: read_survey(b"x" * 3_000_000, FRAMEWORK, filename="iso.csv", max_bytes=2**20),
    "framework.bad_toml": lambda _: loads("[indicator", source="mittari.toml"),
    "registry.empty_value": lambda tmp: load_villages(_registry_without_municipality(tmp)),
    "scoring.unknown_normalisation": lambda _: ScoreOptions(normalisation="median"),
    "weights.unknown_id": lambda _: weights.check_weights({"Z": 1.0}, FRAMEWORK),
    "progress.unknown_method": lambda _: progress.progress(scores().table, FRAMEWORK, method="fast"),
    "grouping.bad_size": lambda _: make_groups(scores().table, FRAMEWORK, size=0),
    "uncertainty.bad_noise": lambda _: rank_uncertainty(scores(), FRAMEWORK, noise=1.5),
    "goals.activity_text": lambda _: goals.check_activity(goals.load(), goal=goals.load().goals[0].id,
                                                           project=goals.JOINT, when=pd.Timestamp("2026-01-02"),
                                                           what=" "),
    "poll.empty_answer": lambda _: poll.validate_answers(poll.default_items(FRAMEWORK, 1), {}),
    "poll.bad_address": lambda _: qr.check_url("javascript:alert(1)"),
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_errors_read_in_finnish_on_the_pages(code, tmp_path):
    err = _raise(lambda: SAMPLES[code](tmp_path))
    assert err.code == code
    finnish, english = err.localized("fi"), err.localized("en")
    assert finnish != english and finnish != str(err)
    assert "{" not in finnish and "}" not in finnish  # every placeholder filled
    assert "\n" not in finnish
    assert err.localized("sv") not in (finnish, english)


def test_localized_keeps_the_place_and_shows_numbers_in_the_locale(tmp_path):
    err = _raise(lambda: load_villages(_registry_without_municipality(tmp_path)))
    assert err.localized("fi").endswith("villages.csv, rivi 3, sarake 'municipality': arvo puuttuu")
    assert str(err).endswith("villages.csv, row 3, column 'municipality': empty value")  # the CLI's line
    big = _raise(lambda: read_survey(b"x" * 3_000_000, FRAMEWORK, filename="iso.csv", max_bytes=2**20))
    assert big.localized("fi").startswith("iso.csv: tiedoston koko on 2,9 Mt, mikä ylittää 1 Mt:n rajan")
    assert big.localized("en").startswith("iso.csv: the file is 2.9 MB, over the 1 MB limit")


def test_an_error_without_a_catalog_text_falls_back_to_english():
    err = IndicatorError("something odd", code="nowhere.at_all", file="x.csv")
    assert err.localized("fi") == str(err) == "x.csv: something odd"


# --- over the source ---------------------------------------------------------------------------------


def _library_files(skip: tuple[str, ...] = ()) -> list[Path]:
    """The library's modules, without those whose path has a part starting with one of ``skip``."""
    paths = sorted(LIBRARY.rglob("*.py"))
    return [p for p in paths if not skip or not any(part.startswith(skip) for part in p.relative_to(LIBRARY).parts)]


def _error_classes() -> set[str]:
    for module in pkgutil.walk_packages(indicator.__path__, "indicator."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found, todo = set(), [IndicatorError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo += cls.__subclasses__()
    return found


def _codes(node: ast.expr) -> list[str]:
    """The code literals of a ``code=`` argument: a string, or either side of ``"a" if x else "b"``."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _codes(node.body) + _codes(node.orelse)
    return []


def test_every_code_in_the_library_has_a_catalog_text():
    keys = set(catalog())
    used, missing = set(), []
    for path in _library_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.keyword) and node.arg == "code":
                for code in _codes(node.value):
                    used.add(code)
                    if f"error.{code}" not in keys:
                        missing.append(f"{path.relative_to(LIBRARY)}:{node.value.lineno}: {code}")
    assert len(used) >= 80  # the check really reads the source
    assert not missing, "codes without an error.<code> text in indicator/locales/error_*.toml:\n" + "\n".join(missing)


def test_every_library_error_carries_a_code():
    classes = _error_classes()
    bare = []
    for path in _library_files(NOT_LOCALISED):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes
                    and path.name != "errors.py" and not any(k.arg == "code" for k in node.keywords)):
                bare.append(f"{path.relative_to(LIBRARY)}:{node.lineno}: {node.func.id}(...) without code=")
    assert not bare, "\n".join(bare)
