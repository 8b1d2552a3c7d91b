"""Framework loading: a valid file loads into frozen data; every broken rule is named."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from indicator.errors import FrameworkError
from indicator.framework import ideas, load, loads, text
from tests.conftest import SMALL_FRAMEWORK


def test_small_framework_loads(small_framework):
    assert small_framework.dimension_ids == ("talous", "yhteiso")
    assert small_framework.item_ids == ("T1", "T2", "Y1", "Y2")
    assert small_framework.item("Y2").less_is_better
    assert small_framework.dimension("talous").theme == "talous"
    assert [i.id for i in small_framework.items_of("yhteiso")] == ["Y1", "Y2"]
    assert small_framework.min_respondents == 2
    assert small_framework.item("Y1").aliases == ("tapahtumat",)
    with pytest.raises(dataclasses.FrozenInstanceError):
        small_framework.min_respondents = 3  # type: ignore[misc]


def test_enough_respondents_is_one_rule_for_counts_and_columns(small_framework):
    # min_respondents = 2: 1 and a missing count are too few, 2 and 9 are enough
    assert not small_framework.enough_respondents(1)
    assert small_framework.enough_respondents(2) and small_framework.enough_respondents(9.0)
    assert not small_framework.enough_respondents(None) and not small_framework.enough_respondents(pd.NA)
    column = pd.Series([1, 2, None, 9], index=[10, 11, 12, 13], dtype="Int64")
    enough = small_framework.enough_respondents(column)
    assert enough.tolist() == [False, True, False, True] and list(enough.index) == [10, 11, 12, 13]
    assert enough.dtype == bool
    assert small_framework.enough_respondents([0, 3]).tolist() == [False, True]


def test_text_falls_back_to_finnish(small_framework):
    name = small_framework.dimension("talous").name
    assert text(name, "sv") == "Talous"
    assert text(name, "en") == "Economy"


def broken(old: str, new: str) -> str:
    assert old in SMALL_FRAMEWORK
    return SMALL_FRAMEWORK.replace(old, new, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('dimension = "talous"\ntext = { fi = "Kylällä on hyvät', 'dimension = "nope"\ntext = { fi = "Kylällä on hyvät', "item 'T1': unknown dimension 'nope'"),
        ('id = "T2"', 'id = "T1"', "item 'T1': duplicate id"),
        ("lower = 40\ntarget = 5", "lower = 5\ntarget = 5", "item 'Y2': 'lower' and 'target' must differ"),
        ("weight = 3.0", "weight = -1.0", "item 'T2': 'weight' must be positive"),
        ("min = 80", "min = 40", "band 'high': bands must be ascending"),
        ('type = "likert5"', 'type = "likert7"', "item 'T1': 'type' must be one of"),
        ('theme = "talous"', 'theme = "brandi"', "dimension 'talous': unknown theme 'brandi'"),
        ("min_item_coverage = 0.5", "min_item_coverage = 1.5", "'min_item_coverage' must be between 0 and 1"),
        ("target_year = 2030", "target_year = 2020", "'target_year' must be after 'baseline_year'"),
        ("weight = 2.0", 'weight = "heavy"', "dimension 'talous': 'weight' must be a finite number"),
    ],
)
def test_each_rule_is_named(old, new, message):
    with pytest.raises(FrameworkError, match="^x.toml: .*" + message.replace("(", r"\(").replace(")", r"\)")):
        loads(broken(old, new), source="x.toml")


def test_all_errors_are_reported_together():
    source = broken('id = "T2"', 'id = "T1"').replace("weight = 3.0", "weight = 0")
    with pytest.raises(FrameworkError) as info:
        loads(source, source="x.toml")
    assert "duplicate id" in str(info.value) and "'weight' must be positive" in str(info.value)


def test_a_dimension_without_items_is_refused():
    source = SMALL_FRAMEWORK + '\n[[dimensions]]\nid = "tyhja"\nname = "Tyhjä"\n'
    with pytest.raises(FrameworkError, match="dimension 'tyhja': has no items"):
        loads(source)


def test_bad_toml_and_missing_file(tmp_path):
    with pytest.raises(FrameworkError, match="^bad.toml: not valid TOML"):
        loads("[indicator\n", source="bad.toml")
    with pytest.raises(FrameworkError, match="framework file not found"):
        load(tmp_path / "none.toml")


def test_band_for_an_index_below_the_first_band():
    source = SMALL_FRAMEWORK.replace("min = 0\n", "min = 10\n", 1)
    assert loads(source).band_for(5.0) is None


def test_band_for_tolerates_float_noise(small_framework):
    assert small_framework.band_for(49.999999999999986).id == "mid"


# --- the optional per-item ideas ------------------------------------------------------------------

T1_LINE = 'text = { fi = "Kylällä on hyvät edellytykset yrittää", en = "Good conditions for business" }\n'


def with_ideas(ideas: str) -> str:
    """The small framework with ``ideas = ...`` added to item T1."""
    return broken(T1_LINE, T1_LINE + f"ideas = {ideas}\n")


def test_ideas_load_per_language_with_the_text_fallback():
    fw = loads(with_ideas('{ fi = ["Yrityskahvit kylätalolla", " Etätyöpäivä "], en = ["Business coffee", "Remote-work day"] }'))
    item = fw.item("T1")
    assert ideas(item, "fi") == ("Yrityskahvit kylätalolla", "Etätyöpäivä")  # stripped
    assert ideas(item, "en") == ("Business coffee", "Remote-work day")
    assert ideas(item, "sv") == ("Yrityskahvit kylätalolla", "Etätyöpäivä")  # no Swedish: Finnish
    assert ideas(fw.item("T2"), "fi") == ()  # the field is optional


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('["Yrityskahvit"]', "item 'T1': 'ideas' must be a table of idea lists by language"),
        ("{}", "item 'T1': 'ideas' must be a table of idea lists by language"),
        ('{ de = ["Kaffee"] }', "item 'T1': 'ideas' has an unknown language 'de' (use fi, sv, en)"),
        ('{ fi = "Yrityskahvit" }', "item 'T1': 'ideas.fi' must be a list of non-empty texts"),
        ('{ fi = [] }', "item 'T1': 'ideas.fi' must be a list of non-empty texts"),
        ('{ fi = ["ok", " "] }', "item 'T1': 'ideas.fi' must be a list of non-empty texts"),
        ('{ fi = ["a", "b", "c", "d"] }', "item 'T1': 'ideas.fi' has 4 ideas, at most 3 are allowed"),
        ('{ fi = ["a", "b"], en = ["a"] }', "item 'T1': every language in 'ideas' must list as many ideas "
                                           "(they translate each other): fi 2, en 1"),
    ],
)
def test_each_ideas_rule_names_the_file_the_item_and_the_rule(value, message):
    with pytest.raises(FrameworkError) as info:
        loads(with_ideas(value), source="x.toml")
    assert str(info.value).startswith("x.toml: ")
    assert message in str(info.value)
    assert info.value.code == "framework.invalid"


def test_the_shipped_framework_has_one_to_three_ideas_per_item_in_every_language():
    fw = load()
    for item in fw.items:
        counts = {lang: len(item.ideas.get(lang, ())) for lang in ("fi", "sv", "en")}
        assert set(counts.values()) <= {1, 2, 3} and len(set(counts.values())) == 1, (item.id, counts)
