"""Google Forms Apps Script: the how-to comment, safe string escaping, and the form the script builds."""

from __future__ import annotations

import json
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indicator.questionnaire import render
from indicator.questionnaire.gforms import js_literal
from tests import questionnaire_kit as kit

FRAMEWORKS = kit.frameworks()
HOSTILE = ['He said "hi"', "back\\slash", "line\nbreak\r\n", "</script><script>alert(1)</script>", "it's",
           "\u2028\u2029", "<!-- x -->", "${x} `y`", "*/ end", "tab\there", "&amp;", "\x00\x1f"]
needs_node = pytest.mark.skipif(kit.node() is None, reason="Node.js runs the script")


def script(name: str = "shipped", **options) -> str:
    return render(FRAMEWORKS[name], "gforms", **options).decode("utf-8")


def test_header_comment_is_the_how_to_in_the_language():
    text = script(lang="sv", round=2026)
    comment, rest = text.split("*/", 1)
    assert comment.startswith("/**\n * Smart by-mätaren: invånarenkät 2026\n")
    assert " * Så skapar du formuläret i Google Formulär:\n * 1. Öppna script.google.com" in comment
    assert " * 3. Spara, välj funktionen createSurvey och tryck på Kör." in comment
    assert "*/" not in rest.split("function createSurvey", 1)[0]  # the data holds no comment end


def test_fixed_village_how_to_says_to_name_it_on_upload():
    assert " * Lomake ei kysy kylää: kun lataat vastaukset mittaristoon, valitse kyläksi Utti." in script(
        village="Utti")


@pytest.mark.parametrize("value", HOSTILE)
def test_literal_has_no_raw_breaking_characters(value):
    literal = js_literal(value)
    assert json.loads(literal) == value
    for bad in ("\n", "\r", "\u2028", "\u2029", "<", ">", "&"):
        assert bad not in literal


@needs_node
def test_node_reads_every_hostile_literal_back(tmp_path):
    source = tmp_path / "values.js"
    source.write_text(f"process.stdout.write(JSON.stringify({js_literal(HOSTILE)}));", encoding="utf-8")
    done = subprocess.run([kit.node(), str(source)], capture_output=True, check=True, timeout=60)
    assert json.loads(done.stdout) == HOSTILE


@needs_node
@settings(max_examples=25, deadline=None)
@given(st.text())
def test_any_text_survives_javascript(value):
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "value.js"
        source.write_text(f"process.stdout.write(JSON.stringify({js_literal(value)}));", encoding="utf-8",
                          errors="surrogatepass")
        done = subprocess.run([kit.node(), str(source)], capture_output=True, check=True, timeout=60)
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        return  # lone surrogates are not text; JSON.stringify writes them escaped
    assert json.loads(done.stdout) == value


@needs_node
def test_the_script_builds_the_form(tmp_path):
    fw = FRAMEWORKS["custom"]
    form = kit.run_script(script("custom", lang="fi", round=2026).encode(), tmp_path)
    meta, items = form["meta"], form["items"]
    assert meta["title"] == "Testimittari: asukaskysely 2026" and meta["collectEmail"] is False
    assert form["logged"] == ["Answer link: https://example.invalid/form", "Edit link: https://example.invalid/edit"]
    village = items[0]
    assert (village["kind"], village["title"], village["required"]) == ("list", "Kylä", True)
    assert len(village["choices"]) == 75
    pages = [it["title"] for it in items if it["kind"] == "page"]
    assert pages == ["Turvallisuus", 'Palvelut "lähellä"']
    asked = [it for it in items if it["kind"] in ("choice", "text")]
    assert [it["title"] for it in asked] == [" ".join(i.text["fi"].split()) for i in fw.items]
    h2 = asked[1]
    assert h2["title"] == "Kylällä on turva\\suunnitelma </script><script>alert(1)</script>"
    assert h2["choices"] == ["Kyllä", "Ei", "En osaa sanoa"] and h2["required"] is False
    rules = {it["title"][:8]: it["validation"]["rules"] for it in asked if it["kind"] == "text"}
    assert rules == {"Kuinka s": [["between", 0, 100]], "Matka lä": [["gte", 0]], "Väkiluvu": [["number"]]}


def test_without_node_the_data_literal_is_the_form():
    form = kit.script_items(script("small", lang="en").encode())
    titles = [it["title"] for it in form["items"]]
    assert titles[:3] == ["Village", "Economy", "Good conditions for business"]
