"""The shipped framework: seven dimensions, items asked of residents, goalposts that make sense."""

from __future__ import annotations

from pathlib import Path

import pytest

from indicator.framework import LANGUAGES, load


@pytest.fixture(scope="module")
def fw():
    return load()


def test_seven_dimensions_with_four_to_six_items(fw):
    assert fw.dimension_ids == (
        "elinkeinot", "brandi", "kylatalo", "yhteisollisyys", "digitaalisuus", "kestavyys", "verkostot",
    )
    assert all(4 <= len(fw.items_of(d)) <= 6 for d in fw.dimension_ids)
    assert len(fw.items) == 40


def test_themes_on_the_three_project_dimensions(fw):
    assert {t.id for t in fw.themes} == {"elinkeinot", "brandi", "kylatalo"}
    themed = {d.id: d.theme for d in fw.dimensions if d.theme}
    assert themed == {"elinkeinot": "elinkeinot", "brandi": "brandi", "kylatalo": "kylatalo"}


def test_every_text_in_three_languages(fw):
    for entry in (*fw.items, *fw.dimensions, *fw.themes, *fw.bands):
        texts = entry.text if hasattr(entry, "text") else entry.name
        assert set(texts) == set(LANGUAGES), entry.id
    assert len({i.text["fi"] for i in fw.items}) == len(fw.items)


def test_header_thresholds(fw):
    assert (fw.min_respondents, fw.min_item_coverage, fw.min_dimension_coverage) == (5, 0.5, 0.67)
    assert (fw.baseline_year, fw.target_year) == (2024, 2030)
    for alias in ("kylä", "asuinkylä", "mikä kylä", "village", "by", "vilken by", "kylän nimi", "asuinkyläsi"):
        assert alias in fw.village_aliases


def test_bands(fw):
    assert [(b.id, b.min) for b in fw.bands] == [
        ("alkuvaihe", 0), ("kehittyva", 40), ("edistynyt", 60), ("alykas_kyla_2030", 80)]
    assert fw.band_for(59.9).name["fi"] == "Kehittyvä"
    assert fw.band_for(80).name["fi"] == "Älykäs kylä 2030"


def test_goalposts_by_type(fw):
    for item in fw.items:
        assert not item.less_is_better, item.id
        if item.type == "yesno":
            assert (item.lower, item.target) == (0, 100), item.id
        elif item.type == "likert5":
            assert item.lower == 2.0 and 3.5 <= item.target <= 4.5, item.id
        else:
            assert item.lower == 0 and item.target > 0, item.id
    assert {i.type for i in fw.items} == {"likert5", "yesno", "number"}


def test_digital_items_do_not_reuse_dimension_numbering(fw):
    assert [i.id for i in fw.items_of("digitaalisuus")] == ["DI1", "DI2", "DI3", "DI4", "DI5"]


def test_aliases_do_not_collide(fw):
    seen: dict[str, str] = {}
    for item in fw.items:
        for key in {item.id, *item.text.values(), *item.aliases}:
            norm = " ".join(key.casefold().split()).rstrip(":?. ")
            assert seen.setdefault(norm, item.id) == item.id, key
    assert not set(seen) & set(fw.village_aliases)


def test_every_item_has_a_reason_comment():
    text = Path(load().source).read_text(encoding="utf-8")
    blocks = text.split("[[items]]")[1:]
    assert len(blocks) == 40
    assert all(block.lstrip().startswith("# Target") for block in blocks)


def test_data_readme_lists_every_item_with_its_goalposts(fw):
    readme = (Path(fw.source).parent / "README.md").read_text(encoding="utf-8")
    for item in fw.items:
        assert f"| {item.id} | {item.text['fi']} | {item.type} | {item.lower:g} → {item.target:g} |" in readme
