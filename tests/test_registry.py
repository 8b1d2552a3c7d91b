"""The village registry: the shipped file, validation messages, find and nearest."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.errors import IndicatorError
from indicator.registry import VillageIndex, find, load_villages, nearest

HEADER = "village,municipality,leader_area,lat,lon,coordinate_source\n"
# Anchors from the domain reference; anchor rows must sit 0.03-0.06 degrees away on each axis.
ANCHORS = {
    "Kouvola": (60.8681, 26.7042), "Kuusankoski": (60.9083, 26.6236), "Anjalankoski": (60.70, 26.85),
    "Kotka": (60.467, 26.9417), "Hamina": (60.567, 27.200), "Virolahti": (60.583, 27.700),
    "Miehikkälä": (60.667, 27.700), "Pyhtää": (60.500, 26.550), "Kausala": (60.8862, 26.3415),
    "Valkeala": (60.9389, 26.7972), "Elimäki": (60.717, 26.450), "Jaala": (61.0500, 26.4819),
    "Sippola": (60.7392, 27.0003),
}


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return load_villages()


def write(tmp_path, body: str, header: str = HEADER):
    path = tmp_path / "villages.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_shipped_registry_covers_both_leader_areas(registry):
    assert len(registry) >= 45
    counts = registry["leader_area"].value_counts()
    assert counts["sepra"] >= 20 and counts["kasvu"] >= 20
    sepra = set(registry.loc[registry["leader_area"] == "sepra", "municipality"])
    assert sepra == {"Kotka", "Hamina", "Pyhtää", "Virolahti", "Miehikkälä"}
    kasvu = set(registry.loc[registry["leader_area"] == "kasvu", "municipality"])
    assert kasvu == {"Kouvola", "Iitti"}
    assert registry["village"].is_unique


def test_shipped_coordinates_follow_their_source(registry):
    own = registry.set_index("village").loc[["Verla", "Haapasaari", "Virojoki"], ["lat", "lon"]]
    assert own.loc["Verla"].tolist() == [61.0625, 26.6375]
    assert own.loc["Haapasaari"].tolist() == [60.288, 27.198]
    anchored = registry[registry["coordinate_source"] == "anchor"]
    assert len(anchored) >= 30
    for row in anchored.itertuples():
        anchor = row.note.split("anchor ")[1].split(" (")[0]
        lat, lon = ANCHORS[anchor]
        assert 0.0299 <= abs(row.lat - lat) <= 0.0601, row.village
        assert 0.0299 <= abs(row.lon - lon) <= 0.0601, row.village


def test_iitti_carries_its_region_note(registry):
    iitti = registry[registry["municipality"] == "Iitti"]
    assert not iitti.empty
    assert iitti["note"].str.contains("Päijät-Häme").all()


def test_load_types(tmp_path):
    frame = load_villages(write(tmp_path, " Utti ,Kouvola,kasvu,60.8819,26.9239,village\n"))
    assert frame.loc[0, "village"] == "Utti"
    assert frame.loc[0, "lat"] == pytest.approx(60.8819)
    assert frame["lon"].dtype == float


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("Utti,Kouvola,north,60.88,26.92,village\n", r"row 2, column 'leader_area'.*one of sepra, kasvu.*'north'"),
        ("Utti,Kouvola,kasvu,60.88,26.92,village\nutti,Kouvola,kasvu,60.8,26.9,village\n",
         r"row 3, column 'village'.*duplicate"),
        ("Utti,Kouvola,kasvu,6O.88,26.92,village\n", r"row 2, column 'lat'.*number"),
        ("Utti,Kouvola,kasvu,60.88,26.92,guess\n", r"column 'coordinate_source'"),
        (",Kouvola,kasvu,60.88,26.92,village\n", r"row 2, column 'village'.*empty"),
    ],
)
def test_bad_rows_are_named(tmp_path, body, match):
    with pytest.raises(IndicatorError, match=match) as info:
        load_villages(write(tmp_path, body))
    assert "villages.csv" in str(info.value)


def test_missing_column_and_file(tmp_path):
    with pytest.raises(IndicatorError, match="missing column.*coordinate_source"):
        load_villages(write(tmp_path, "Utti,Kouvola,kasvu,1,2\n", header="village,municipality,leader_area,lat,lon\n"))
    with pytest.raises(IndicatorError, match="not found"):
        load_villages(tmp_path / "nope.csv")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Verla", "Verla"), (" verla ", "Verla"), ("SIPPOLA", "Sippola"),
        ("Sippolan kirkonkylä", "Sippola"), ("Jaala kk", "Jaala"), ("Valkeala (kirkonkylä)", "Valkeala"),
        ("Klamilan kylä", "Klamila"), ("Salmen kylä", "Salmenkylä"), ("Itäkirkonkylä", "Itäkirkonkylä"),
        ("Kannusjärvi – Kitula", "Kannusjärvi-Kitula"), ("suur-miehikkälä", "Suur-Miehikkälä"),
        ("Mantlahti", None), ("Helsinki", None),
    ],
)
def test_find(registry, query, expected):
    assert find(query, registry) == expected


def test_find_refuses_ambiguous_stems():
    reg = pd.DataFrame({"village": ["Länsikylä", "Länsikirkonkylä"]})
    assert find("Länsikylä", reg) == "Länsikylä"
    assert find("Länsi", reg) is None


def test_nearest_ignores_case_and_accents(registry):
    assert nearest("mantlahti", registry)[0] == "Mäntlahti"
    assert nearest("Piklanmaa", registry, n=1) == ["Pilkanmaa"]
    assert len(nearest("Kaukola", registry, n=2)) == 2
    assert nearest("zzzzzz", registry) == []


@given(st.sampled_from(load_villages()["village"].tolist()))
def test_every_registry_name_finds_itself(name):
    reg = load_villages()
    assert find(name.upper(), reg) == name
    assert nearest(name, reg)[0] == name


def _difflib_nearest(name: str, registry: pd.DataFrame, n: int = 3) -> list[str]:
    """The suggestion rule as first written: difflib over every accent-free registry name."""
    import difflib

    from indicator.registry import _plain

    plain: dict[str, str] = {}
    for village in registry["village"].astype(str):
        plain.setdefault(_plain(village), village)
    return [plain[m] for m in difflib.get_close_matches(_plain(name), list(plain), n=n, cutoff=0.6)]


SHIPPED = load_villages()
SHIPPED_INDEX = VillageIndex(SHIPPED)


@settings(deadline=None)
@given(st.one_of(st.text(max_size=14), st.sampled_from(["Sipola", "kaipiainen kk", "Mäntlahti", "Ahvion kylä"])),
       st.integers(1, 4))
def test_index_suggests_exactly_what_difflib_suggests(name: str, n: int) -> None:
    assert SHIPPED_INDEX.nearest(name, n) == _difflib_nearest(name, SHIPPED, n)


def test_index_matches_many_names_in_linear_time(registry, monkeypatch):
    """Matching 2,000 names normalises each registry name once, not once per name (the old cost: 7 ms a
    name, 12 minutes for 100,000)."""
    import indicator.registry as module

    calls = {"plain": 0, "key": 0}
    plain, key = module._plain, module._key

    def counted_plain(name):
        calls["plain"] += 1
        return plain(name)

    def counted_key(name):
        calls["key"] += 1
        return key(name)

    monkeypatch.setattr(module, "_plain", counted_plain)
    monkeypatch.setattr(module, "_key", counted_key)
    index = VillageIndex(registry)
    names = [f"Kylä {k}" for k in range(2_000)]
    assert [index.find(n) for n in names] == [None] * 2_000
    for name in names[:50]:
        index.nearest(name)
    assert calls["plain"] == len(registry) + 50  # each registry name once, then one per asked name
    assert calls["key"] < 5 * len(registry) + 3 * 2_000  # the old find: 2 x 75 per name, 300,000 in all
