"""Invariants over generated frameworks: every format renders, pyxform converts, the template round-trips."""

from __future__ import annotations

import json

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyxform.xls2xform import convert

from indicator.framework import ITEM_TYPES, parse
from indicator.questionnaire import FORMATS, render
from indicator.questionnaire.limesurvey import COLUMNS
from indicator.reading import read_survey
from indicator.text import normalise_header
from tests import questionnaire_kit as kit

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40)
ALIASES = ("kylä", "village", "by", "kyla")


@st.composite
def frameworks(draw):
    n_dims = draw(st.integers(1, 3))
    items = []
    for d in range(n_dims):
        for k in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(ITEM_TYPES))
            lower, target = {"likert5": (2, 4), "yesno": (0, 100), "number": (0, 10)}[kind]
            if draw(st.booleans()):
                lower, target = target, lower  # less is better
            items.append({"id": f"Q{d}x{k}", "dimension": f"d{d}", "type": kind, "lower": lower, "target": target,
                          "text": {"fi": draw(TEXT), "sv": draw(TEXT), "en": draw(TEXT)}})
    texts = [normalise_header(" ".join(t.split())) for i in items for t in i["text"].values()]
    assume(all(texts))
    owners: dict[str, set[str]] = {}
    for i in items:
        for t in i["text"].values():
            owners.setdefault(normalise_header(" ".join(t.split())), set()).add(i["id"])
    assume(all(len(ids) == 1 for ids in owners.values()))  # no text shared by two items, in any language
    reserved = {normalise_header(i["id"]) for i in items} | set(ALIASES) | {"päivämäärä", "datum", "date"}
    assume(not set(texts) & reserved)
    raw = {
        "indicator": {"id": "gen", "name": draw(TEXT), "baseline_year": 2024, "target_year": 2030,
                      "min_respondents": 1, "village_aliases": list(ALIASES)},
        "bands": [{"id": "a", "min": 0, "name": "A"}],
        "dimensions": [{"id": f"d{d}", "name": draw(TEXT)} for d in range(n_dims)],
        "items": items,
    }
    return parse(raw, "generated.toml")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(frameworks(), st.sampled_from(kit.LANGS), st.sampled_from([None, "Utti"]))
def test_any_framework_renders_converts_and_reads_back(fw, lang, village):
    files = {fmt: render(fw, fmt, lang=lang, village=village) for fmt in FORMATS}
    warnings: list[str] = []
    convert(files["xlsform"], warnings=warnings, file_type=".xlsx")
    assert warnings == []
    assert all(len(line.split("\t")) == len(COLUMNS) for line in files["limesurvey"].decode().splitlines())
    data = json.loads(files["gforms"].decode().split("var SURVEY = ", 1)[1].split(";\n\nfunction", 1)[0])
    assert [q["id"] for s in data["sections"] for q in s["questions"]] == list(fw.item_ids)
    answers = kit.truth(fw, villages=("Utti",) if village else kit.VILLAGES, per_village=4)
    filled = kit.fill_template(files["template"], answers, fw, lang)
    result = read_survey(filled, fw, filename="pohja.xlsx")
    assert sorted(result.report.mapped.values()) == sorted(fw.item_ids)
    assert result.report.problems == []
    for item in fw.item_ids:
        np.testing.assert_allclose(result.responses[item].to_numpy(float), answers[item].to_numpy(float),
                                   equal_nan=True)
    questions = kit.html_questions(files["html"])
    assert [q.number for q in questions] == list(range(1, len(fw.items) + 1))
