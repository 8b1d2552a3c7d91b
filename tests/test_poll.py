"""The live poll: item choice from the framework, answer validation, summaries, QR codes."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator import poll, qr
from indicator.errors import IndicatorError
from indicator.framework import load, loads


def test_default_items_one_per_theme_dimension_on_the_shipped_framework() -> None:
    fw = load()
    items = poll.default_items(fw)
    themed = [d.id for d in fw.dimensions if d.theme]
    assert len(themed) == 3
    assert [i.dimension for i in items] == themed
    assert all(i.type == "likert5" for i in items)
    # the first likert5 item of each theme dimension, in framework order
    for item in items:
        first = next(i for i in fw.items_of(item.dimension) if i.type == "likert5")
        assert item.id == first.id


def test_default_items_tops_up_to_three_from_other_dimensions(small_framework) -> None:
    # one theme dimension (talous, likert T1); yhteiso has no likert5 item: only one item is possible
    items = poll.default_items(small_framework)
    assert [i.id for i in items] == ["T1"]


def test_round_robin_over_dimensions() -> None:
    fw = load()
    items = poll.default_items(fw, n=6)
    assert len(items) == 6 and len({i.id for i in items}) == 6
    dims = [i.dimension for i in items]
    themed = [d.id for d in fw.dimensions if d.theme]
    assert dims[:3] == themed  # theme dimensions first
    assert len(set(dims)) == 6  # then one from each further dimension before any second item


def test_explicit_items_are_checked(small_framework) -> None:
    assert [i.id for i in poll.choose_items(small_framework, ["T1"])] == ["T1"]
    with pytest.raises(IndicatorError, match="'T2' is a yesno item"):
        poll.choose_items(small_framework, ["T1", "T2"])
    with pytest.raises(IndicatorError, match="'X9' is not an item"):
        poll.choose_items(small_framework, ["X9"])
    with pytest.raises(IndicatorError, match="listed twice"):
        poll.choose_items(small_framework, ["T1", "T1"])
    with pytest.raises(IndicatorError, match="1 to 6 items"):
        poll.default_items(load(), n=7)


def test_framework_without_likert_items_is_refused(small_framework_text) -> None:
    fw = loads(small_framework_text.replace('type = "likert5"', 'type = "number"'), source="nolikert.toml")
    with pytest.raises(IndicatorError, match="nolikert.toml.*no likert5 items"):
        poll.default_items(fw)


def test_parse_item_list() -> None:
    assert poll.parse_item_list(" E2, B5 ,,K6") == ("E2", "B5", "K6")
    assert poll.parse_item_list(None) == ()


def test_validate_answers() -> None:
    items = poll.default_items(load())
    a, b, c = (i.id for i in items)
    assert poll.validate_answers(items, {a: 5, b: None, c: 2}) == {a: 5.0, c: 2.0}
    with pytest.raises(IndicatorError, match="empty"):
        poll.validate_answers(items, {a: None})
    with pytest.raises(IndicatorError, match="one of 1-5"):
        poll.validate_answers(items, {a: 6})
    with pytest.raises(IndicatorError, match="one of 1-5"):
        poll.validate_answers(items, {a: True})
    with pytest.raises(IndicatorError, match="not asked: ZZ"):
        poll.validate_answers(items, {"ZZ": 3})


def test_summary_by_hand() -> None:
    items = poll.default_items(load())
    a, b, c = (i.id for i in items)
    long = pd.DataFrame(
        {
            "respondent": ["1", "1", "2", "3", "3"],
            "item": [a, b, a, a, b],
            "value": [5.0, 2.0, 4.0, 4.0, 1.0],
        }
    )
    table = poll.summarise(long, items).set_index("item")
    assert list(table.index) == [a, b, c]
    assert table.loc[a, "answers"] == 3 and table.loc[a, "mean"] == pytest.approx(13 / 3)
    assert table.loc[a, ["n1", "n2", "n3", "n4", "n5"]].tolist() == [0, 0, 0, 2, 1]
    assert table.loc[b, "mean"] == pytest.approx(1.5)
    assert table.loc[c, "answers"] == 0 and pd.isna(table.loc[c, "mean"])
    assert poll.respondents(long) == 3
    assert poll.respondents(long.iloc[0:0]) == 0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), max_size=40))
def test_summary_counts_add_up(values: list[int]) -> None:
    items = poll.default_items(load())[:1]
    long = pd.DataFrame(
        {
            "respondent": [str(n) for n in range(len(values))],
            "item": [items[0].id] * len(values),
            "value": [float(v) for v in values],
        }
    )
    row = poll.summarise(long, items).iloc[0]
    assert sum(row[f"n{v}"] for v in poll.SCALE) == row["answers"] == len(values)
    if values:
        assert 1 <= row["mean"] <= 5


def test_store_poll_round_trip(tmp_path) -> None:
    from indicator.storage import Store

    store = Store(f"sqlite:///{tmp_path / 'poll.db'}")
    items = poll.default_items(load())
    a, b, _ = (i.id for i in items)
    assert store.poll.add("s1", poll.validate_answers(items, {a: 4, b: 2}), 2026)
    assert store.poll.add("s2", poll.validate_answers(items, {a: 5}), 2026)
    assert not store.poll.add("s1", {a: 1.0}, 2026)  # one answer per browser session
    answers = store.poll.responses(2026)
    assert poll.respondents(answers) == 2
    table = poll.summarise(answers, items).set_index("item")
    assert table.loc[a, "mean"] == pytest.approx(4.5)


# --- QR codes -----------------------------------------------------------------------------------------


def test_poll_url_keeps_host_and_base_path() -> None:
    assert qr.poll_url("http://10.0.0.5:8501/seminaari?embed=true", "kysely") == "http://10.0.0.5:8501/kysely"
    assert (
        qr.poll_url("https://x.fi/app/seminaari", "kysely", {"round": "2026", "lang": "sv", "items": ""})
        == "https://x.fi/app/kysely?round=2026&lang=sv"
    )


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "ftp://x.fi/a", "kysely", "http://", "http://a b/"])
def test_only_http_addresses_are_encoded(bad: str) -> None:
    with pytest.raises(IndicatorError, match="http"):
        qr.qr_svg(bad)


def test_qr_outputs() -> None:
    url = "http://127.0.0.1:8501/kysely?round=2026"
    svg = qr.qr_svg(url)
    assert svg.startswith("<svg") and "<path" in svg and "script" not in svg
    png = qr.qr_png(url)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    matrix = qr.qr_matrix(url)
    # version 3 (29 x 29 modules) holds this 39-character URL at level M; finder pattern in the corner
    assert len(matrix) == 29 and all(len(r) == 29 for r in matrix)
    assert matrix[0][:7] == [True] * 7
    assert qr.qr_matrix(url + "&x=1") != matrix


@pytest.mark.parametrize(("text", "year"), [("2026", 2026), (" 2025 ", 2025), ("²", None), ("٢٠٢٦", None),
                                            ("2026²", None), ("1899", None), ("2201", None), ("", None), (None, None),
                                            ("+2026", None), ("2_026", None)])
def test_poll_round_is_four_ascii_digits_of_a_year(text, year) -> None:
    assert poll.parse_round(text) == year


BASES = ["https://kylat.example.fi/alykyla/", "http://10.0.0.5:8501/seminaari?embed=true"]


@pytest.mark.parametrize(("candidate", "expected"), [
    ("kysely", "https://kylat.example.fi/alykyla/kysely"),
    ("kysely?items=E2,B5&poll_round=2026", "https://kylat.example.fi/alykyla/kysely?items=E2,B5&poll_round=2026"),
    ("/alykyla/poll", "https://kylat.example.fi/alykyla/poll"),
    ("https://KYLAT.example.fi:443/alykyla/kysely#x", "https://KYLAT.example.fi:443/alykyla/kysely"),
    ("http://10.0.0.5:8501/kysely", "http://10.0.0.5:8501/kysely"),
])
def test_poll_url_may_lead_to_this_apps_poll_page(candidate, expected) -> None:
    assert qr.own_poll_url(candidate, BASES) == expected


@pytest.mark.parametrize("candidate", [
    "https://evil.example/alykyla/kysely", "//evil.example/alykyla/kysely", "https://kylat.example.fi@evil.example/kysely",
    "https://kylat.example.fi/alykyla/login", "https://kylat.example.fi/muu/kysely", "http://kylat.example.fi/alykyla/kysely",
    "http://10.0.0.5:8502/kysely", "javascript:alert(1)", "kysely\nLocation: x", "data:text/html,x", "",
])
def test_poll_url_elsewhere_is_refused(candidate) -> None:
    with pytest.raises(IndicatorError) as refused:
        qr.own_poll_url(candidate, BASES)
    assert refused.value.code == "poll.foreign_address"


def test_no_own_address_refuses_every_poll_url() -> None:
    with pytest.raises(IndicatorError):
        qr.own_poll_url("kysely", [])
