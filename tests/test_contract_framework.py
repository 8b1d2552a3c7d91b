"""docs/method.md §1: any framework in the documented form loads; a broken one is refused everywhere
with one message naming the file, the entry and the rule (exit 2 from every subcommand)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from indicator.framework import load
from tests.test_contract_support import (
    band,
    dim,
    header,
    item,
    one_item_per_dimension,
    refused,
    run_many,
    write_framework,
)


def _valid() -> dict[str, Any]:
    return {
        "indicator": header(id="kokeilu-2", min_respondents=3, village_aliases=["ort", "by"]),
        "bands": [band("heikko", 15), band("hyva", 55)],
        "themes": [{"id": "tema_a", "name": {"fi": "Teema A"}}, {"id": "tema_b", "name": {"sv": "Tema B"}}],
        "dimensions": [dim("da", 2.5, "tema_a"), dim("db", 0.5, "tema_b"), dim("dc")],
        "items": [
            item("Q1", "da", "likert5", 1, 5),
            item("Q2", "db", "yesno", 0, 100, weight=4.0),
            item("Q3", "dc", "number", 30, 5, aliases=["matka km"]),
        ],
    }


def test_a_framework_in_the_documented_form_loads(tmp_path: Path) -> None:
    fw = load(write_framework(tmp_path / "ok.toml", _valid()))
    assert fw.id == "kokeilu-2"
    assert [d.id for d in fw.dimensions] == ["da", "db", "dc"]
    assert [d.weight for d in fw.dimensions] == [2.5, 0.5, 1.0]
    assert [i.id for i in fw.items] == ["Q1", "Q2", "Q3"]
    # weight omitted -> 1.0 (contract: "Weights ... default to 1.0")
    assert [i.weight for i in fw.items] == [1.0, 4.0, 1.0]
    assert fw.min_respondents == 3
    assert [b.min for b in fw.bands] == [15, 55]


def test_a_framework_without_themes_and_dimension_theme_loads(tmp_path: Path) -> None:
    raw = _valid()
    del raw["themes"]
    for d in raw["dimensions"]:
        d.pop("theme", None)
    fw = load(write_framework(tmp_path / "nothemes.toml", raw))
    assert len(fw.items) == 3


def _break(raw: dict[str, Any], how: str) -> tuple[str, tuple[str, ...]]:
    """Break `raw` in place; return (entry that must be named, words of the rule)."""
    if how == "unknown_dimension":
        raw["items"][1]["dimension"] = "eiole"
        return "Q2", ("dimension",)
    if how == "duplicate_item":
        raw["items"][2]["id"] = "Q1"
        return "Q1", ("duplicate",)
    if how == "duplicate_dimension":
        raw["dimensions"].append(dim("db"))
        return "db", ("duplicate",)
    if how == "duplicate_band":
        raw["bands"].append(band("heikko", 90))
        return "heikko", ("duplicate",)
    if how == "lower_equals_target":
        raw["items"][0]["lower"] = raw["items"][0]["target"] = 3
        return "Q1", ("lower", "target")
    if how == "negative_item_weight":
        raw["items"][2]["weight"] = -1.0
        return "Q3", ("weight",)
    if how == "negative_dimension_weight":
        raw["dimensions"][1]["weight"] = -0.5
        return "db", ("weight",)
    if how == "zero_item_weight":  # "Weights are positive numbers"
        raw["items"][0]["weight"] = 0.0
        return "Q1", ("weight",)
    if how == "bands_not_ascending":
        raw["bands"] = [band("heikko", 50), band("hyva", 20)]
        return "hyva", ("ascending",)
    if how == "unknown_theme":
        raw["dimensions"][0]["theme"] = "ei_teemaa"
        return "da", ("theme",)
    if how == "unknown_type":
        raw["items"][1]["type"] = "likert7"
        return "Q2", ("type",)
    raise AssertionError(how)


BREAKS = [
    "unknown_dimension",
    "duplicate_item",
    "duplicate_dimension",
    "duplicate_band",
    "lower_equals_target",
    "negative_item_weight",
    "negative_dimension_weight",
    "zero_item_weight",
    "bands_not_ascending",
    "unknown_theme",
    "unknown_type",
]


@pytest.mark.parametrize("how", BREAKS)
def test_load_refuses_a_broken_framework_naming_file_entry_and_rule(tmp_path: Path, how: str) -> None:
    raw = copy.deepcopy(_valid())
    entry, words = _break(raw, how)
    path = write_framework(tmp_path / f"rikki_{how}.toml", raw)
    with pytest.raises(Exception) as info:
        load(path)
    message = str(info.value)
    assert "\n" not in message.strip()
    assert path.name in message
    assert entry in message
    for word in words:
        assert word in message.lower()


@pytest.fixture(scope="module")
def refusals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Every subcommand run on a broken framework (one child process for all)."""
    tmp = tmp_path_factory.mktemp("refusals")
    raw = one_item_per_dimension()
    raw["items"][2]["id"] = "E1"  # duplicate item id
    dup = write_framework(tmp / "kaksoisid.toml", raw)
    raw = one_item_per_dimension()
    raw["dimensions"][0]["weight"] = -2.0
    neg = write_framework(tmp / "negpaino.toml", raw)
    survey = tmp / "s.csv"
    survey.write_text("ort;E1;E2\nA;3;Kyllä\n", encoding="utf-8")
    db = f"sqlite:///{tmp / 'p.db'}"
    calls = [
        ("import", survey, "--json"),
        ("score", survey, "--round", "2025"),
        ("ingest", survey, "--round", "2025", "--approve", "--db", db),
        ("progress", "--db", db),
        ("progress", "--db", db, "--format", "json"),
        ("groups", survey, "--by", "none"),
        ("groups", "--db", db, "--by", "none"),
    ]
    runs = run_many(
        *[[*c, "--framework", dup] for c in calls],
        ["groups", survey, "--framework", neg],
        ["score", survey, "--framework", tmp / "eiole.toml"],
    )
    return {"calls": calls, "runs": runs}


def test_every_subcommand_refuses_a_broken_framework_with_exit_2(refusals: dict[str, Any]) -> None:
    for args, proc in zip(refusals["calls"], refusals["runs"], strict=False):
        line = refused(proc)
        assert "kaksoisid.toml" in line, (args, line)
        assert "E1" in line and "duplicate" in line.lower(), (args, line)


def test_groups_refuses_a_broken_framework_with_exit_2(refusals: dict[str, Any]) -> None:
    line = refused(refusals["runs"][-2])
    assert "negpaino.toml" in line and "dE1" in line and "weight" in line.lower()


def test_a_missing_framework_file_is_exit_2_naming_it(refusals: dict[str, Any]) -> None:
    line = refused(refusals["runs"][-1])
    assert "eiole.toml" in line


def test_a_file_that_is_not_toml_is_refused_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "eitoml.toml"
    path.write_text('[indicator\nid = "x"\n', encoding="utf-8")
    with pytest.raises(Exception) as info:
        load(path)
    assert "eitoml.toml" in str(info.value) and "Traceback" not in str(info.value)
