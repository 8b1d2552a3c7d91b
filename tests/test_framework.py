"""Framework loading: a valid file loads into frozen data; every broken rule is named."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from indicator.errors import FrameworkError
from indicator.framework import load, loads, text
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
