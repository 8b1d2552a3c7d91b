"""Helpers for the survey-kit tests: frameworks, true answers, and each tool's export built from a generated form.

Every export is built from the generated file itself (its question names, texts and answer options as a
tool would read them), never from the model that wrote it, so a round trip checks the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd

from indicator.framework import Framework, load, loads
from tests.conftest import SMALL_FRAMEWORK

# Third framework: less-is-better scale item, a percent item, a number with negative goalposts, hostile texts
# (quotes, ampersand, tags, backslash, </script>, a line break) and Swedish texts missing for some items.
CUSTOM_FRAMEWORK = r'''
[indicator]
id = "testi"
name = { fi = "Testimittari", sv = "Testmätare", en = "Test indicator" }
version = "2"
baseline_year = 2024
target_year = 2030
min_respondents = 3
village_aliases = ["kylä", "by", "village", "kyla"]

[[bands]]
id = "a"
min = 0
name = "A"

[[bands]]
id = "b"
min = 50
name = "B"

[[dimensions]]
id = "turva"
name = { fi = "Turvallisuus", sv = "Trygghet", en = "Safety" }

[[dimensions]]
id = "palvelut"
name = { fi = "Palvelut \"lähellä\"", sv = "Service", en = "Services" }
weight = 2.0

[[items]]
id = "H1"
dimension = "turva"
text = { fi = 'Kylällä on "ilkivaltaa" & häiriöitä <b>iltaisin</b>', sv = 'I byn förekommer "skadegörelse" & störningar <b>på kvällarna</b>', en = 'There is "vandalism" & disturbance <b>in the evenings</b>' }
type = "likert5"
lower = 4
target = 1.5

[[items]]
id = "H2"
dimension = "turva"
text = { fi = 'Kylällä on turva\suunnitelma </script><script>alert(1)</script>', sv = "Byn har en säkerhetsplan \\ 'nöd'", en = "The village has a safety plan; it's \"up to date\"" }
type = "yesno"
lower = 0
target = 100

[[items]]
id = "H3"
dimension = "turva"
text = { fi = "Kuinka suuressa osassa talouksista on palovaroitin (%)?", en = "What share of homes have a smoke alarm (%)?" }
type = "number"
lower = 50
target = 100

[[items]]
id = "P1"
dimension = "palvelut"
text = { fi = "Matka lähimpään kauppaan (km)", en = "Distance to the nearest shop (km)" }
type = "number"
lower = 30
target = 2

[[items]]
id = "P2"
dimension = "palvelut"
text = { fi = "Väkiluvun muutos viime vuonna\n(henkeä)", sv = "Befolkningsförändring i fjol (personer)", en = "Change in population last year (people)" }
type = "number"
lower = -10
target = 10

[[items]]
id = "P3"
dimension = "palvelut"
text = { fi = "Palvelut ovat helposti saatavilla / hyvin", sv = "Tjänsterna är lätt tillgängliga", en = "Services are easy to reach" }
type = "likert5"
lower = 2
target = 4
'''

LANGS = ("fi", "sv", "en")
VILLAGES = ("Anjala", "Kääpälä")  # registry villages, one with å/ä letters
ROUND = 2026


def frameworks() -> dict[str, Framework]:
    return {"shipped": load(), "small": loads(SMALL_FRAMEWORK, "small.toml"),
            "custom": loads(CUSTOM_FRAMEWORK, "custom.toml")}


def truth(fw: Framework, villages: tuple[str, ...] = VILLAGES, per_village: int = 6, seed: int = 3) -> pd.DataFrame:
    """True answers: every item answered by most, missing (don't know) for some, numbers with decimals."""
    rng = np.random.default_rng(seed)
    n = per_village * len(villages)
    frame = pd.DataFrame({
        "village": [v for v in villages for _ in range(per_village)],
        "respondent": [str(i + 2) for i in range(n)],
        "date": pd.Timestamp(f"{ROUND}-05-04 09:00") + pd.to_timedelta(rng.integers(0, 20 * 24 * 60, n), unit="min"),
    })
    for item in fw.items:
        if item.type == "likert5":
            values = rng.integers(1, 6, n).astype(float)
        elif item.type == "yesno":
            values = rng.integers(0, 2, n).astype(float)
        else:
            values = rng.integers(0, 40, n).astype(float)
            values[::4] += 0.5
            if min(item.lower, item.target) < 0:
                values -= 20
            if any("%" in v for v in item.text.values()):
                values = np.minimum(values * 2.5, 100.0)
        values[rng.random(n) < 0.15] = np.nan
        frame[item.id] = values
    frame.loc[0, fw.items[0].id] = np.nan  # at least one "don't know" and one blank
    frame.loc[1, fw.items[0].id] = np.nan
    return frame


def dont_know_row(i: int) -> bool:
    """A missing answer is "don't know" ticked on even rows and left blank on odd rows."""
    return i % 2 == 0


def number_text(value: float, comma: bool) -> str:
    text = f"{value:g}"
    return text.replace(".", ",") if comma else text


def csv_bytes(rows: list[list[str]], delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


# --- XLSForm -> KoboToolbox CSV ------------------------------------------------------------------------


@dataclass
class KoboQuestion:
    type: str
    name: str
    path: str
    label: str
    list_name: str | None = None
    calculation: str = ""


def xlsform_questions(data: bytes, lang_name: str) -> tuple[list[KoboQuestion], dict[str, dict[str, str]]]:
    """The data questions of an XLSForm (in form order, with group paths) and its choices {list: {name: label}}."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = [list(r) for r in book["survey"].iter_rows(values_only=True)]
    head = rows[0]
    col = {name: head.index(name) for name in head if name}
    label_col = col[f"label::{lang_name}"]
    groups: list[str] = []
    out = []
    for row in rows[1:]:
        kind, name = row[col["type"]], row[col["name"]]
        if kind == "begin_group":
            groups.append(name)
        elif kind == "end_group":
            groups.pop()
        elif kind != "note":
            list_name = kind.split(" ", 1)[1] if kind.startswith("select_one ") else None
            out.append(KoboQuestion(kind, name, "/".join([*groups, name]), row[label_col] or "", list_name,
                                    row[col["calculation"]] or ""))
    choices: dict[str, dict[str, str]] = {}
    crows = [list(r) for r in book["choices"].iter_rows(values_only=True)]
    clabel = crows[0].index(f"label::{lang_name}")
    for row in crows[1:]:
        choices.setdefault(row[0], {})[str(row[1])] = row[clabel]
    return out, choices


def _code(value: float, kind: str, i: int) -> str:
    if np.isnan(value):
        return "eos" if dont_know_row(i) else ""
    if kind == "yesno":
        return "yes" if value == 1 else "no"
    return str(int(value))


def item_kind(list_name: str | None) -> str:
    return {"likert5": "likert5", "yesno": "yesno"}.get(list_name or "", "number")


def kobo_export(form: bytes, answers: pd.DataFrame, lang_name: str, headers: str) -> bytes:
    """KoboToolbox's CSV: ``xml`` = names with group paths and choice names; ``labels`` = labels, no groups."""
    questions, choices = xlsform_questions(form, lang_name)
    head: list[str] = []
    body: list[list[str]] = [[] for _ in range(len(answers))]
    for q in questions:
        if q.type in ("start", "end"):
            head.append(q.name)
            offset = dt.timedelta(minutes=0 if q.type == "start" else 7)
            for i, stamp in enumerate(answers["date"]):
                body[i].append((stamp - offset if q.type == "start" else stamp).strftime("%Y-%m-%dT%H:%M:%S.000+03:00"))
            continue
        head.append(q.path if headers == "xml" else q.label)
        for i, row in enumerate(answers.itertuples(index=False)):
            if q.type == "calculate":
                body[i].append(q.calculation.strip("'\""))
            elif q.list_name == "villages":
                body[i].append(row.village if headers == "xml" else choices["villages"][row.village])
            else:
                value = getattr(row, q.name)
                if q.type == "decimal":
                    body[i].append("" if np.isnan(value) else number_text(value, comma=False))
                else:
                    code = _code(value, item_kind(q.list_name), i)
                    body[i].append(code if headers == "xml" or not code else choices[q.list_name][code])
    meta = ["__version__", "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status",
            "_submitted_by", "_tags", "_index"]
    head += meta
    for i, stamp in enumerate(answers["date"]):
        body[i] += ["vq7", str(100 + i), f"uuid-{i}", (stamp - dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%S"),
                    "", "", "submitted_via_web", "", "", str(i + 1)]
    return csv_bytes([head, *body], delimiter=";")


KOBO_META = frozenset({"start", "end", "__version__", "_id", "_uuid", "_submission_time", "_validation_status",
                       "_notes", "_status", "_submitted_by", "_tags", "_index"})


# --- LimeSurvey structure -> LimeSurvey CSV export ---------------------------------------------------


@dataclass
class LimeQuestion:
    type: str
    code: str
    text: str
    answers: dict[str, str] = field(default_factory=dict)  # code -> text


def limesurvey_rows(data: bytes) -> list[dict[str, str]]:
    """The structure file as LimeSurvey's importer reads it (tab-separated, double-quote enclosure)."""
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')
    rows = list(reader)
    head = rows[0]
    return [dict(zip(head, r + [""] * (len(head) - len(r)), strict=True)) for r in rows[1:]]


def limesurvey_questions(data: bytes, lang: str) -> list[LimeQuestion]:
    out: list[LimeQuestion] = []
    for row in limesurvey_rows(data):
        if row["language"] != lang:
            continue
        if row["class"] == "Q":
            out.append(LimeQuestion(row["type/scale"], row["name"], html.unescape(row["text"])))
        elif row["class"] == "A":
            out[-1].answers[row["name"]] = html.unescape(row["text"])
    return out


def limesurvey_export(structure: bytes, answers: pd.DataFrame, lang: str, values: str) -> bytes:
    """LimeSurvey's response CSV with question codes as headings; ``full`` answers or answer ``codes``."""
    questions = limesurvey_questions(structure, lang)
    head = ["id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"]
    head += [q.code for q in questions]
    body = []
    for i, row in enumerate(answers.itertuples(index=False)):
        stamp = row.date.strftime("%Y-%m-%d %H:%M:%S")
        cells = [str(i + 1), stamp, "8", lang, str(123456 + i), stamp, stamp]
        for q in questions:
            if q.type == "*":
                cells.append(q.text)
            elif q.type == "!":
                code = next(c for c, t in q.answers.items() if t == row.village)
                cells.append(row.village if values == "full" else code)
            elif q.type == "N":
                value = getattr(row, q.code)
                cells.append("" if np.isnan(value) else f"{value:.10f}")
            else:
                kind = "yesno" if set(q.answers) == {"yes", "no", "eos"} else "likert5"
                code = _code(getattr(row, q.code), kind, i)
                cells.append(code if values == "codes" or not code else q.answers[code])
        body.append(cells)
    return csv_bytes([head, *body], delimiter=",", bom=True)


LIME_META = frozenset({"id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp"})


# --- Google Apps Script -> the form -> Google Forms CSV ------------------------------------------------

_HARNESS = r"""
const fs = require('fs');
const vm = require('vm');
const source = fs.readFileSync(process.argv[2], 'utf8');
const items = [];
const meta = {};
function item(kind) {
  const it = {kind: kind, title: null, help: null, choices: null, required: null, validation: null};
  const api = {
    setTitle(t) { it.title = t; return api; }, setHelpText(h) { it.help = h; return api; },
    setChoiceValues(c) { it.choices = c; return api; }, setRequired(r) { it.required = r; return api; },
    setValidation(v) { it.validation = v; return api; },
  };
  items.push(it);
  return api;
}
const form = {
  setDescription(d) { meta.description = d; return form; }, setCollectEmail(b) { meta.collectEmail = b; return form; },
  setProgressBar(b) { meta.progressBar = b; return form; },
  setShowLinkToRespondAgain(b) { meta.again = b; return form; },
  setConfirmationMessage(m) { meta.thanks = m; return form; },
  addListItem() { return item('list'); }, addMultipleChoiceItem() { return item('choice'); },
  addTextItem() { return item('text'); }, addPageBreakItem() { return item('page'); },
  getPublishedUrl() { return 'https://example.invalid/form'; }, getEditUrl() { return 'https://example.invalid/edit'; },
};
const FormApp = {
  create(title) { meta.title = title; return form; },
  createTextValidation() {
    const v = {rules: []};
    const api = {
      setHelpText(h) { v.help = h; return api; }, requireNumber() { v.rules.push(['number']); return api; },
      requireNumberBetween(a, b) { v.rules.push(['between', a, b]); return api; },
      requireNumberGreaterThanOrEqualTo(a) { v.rules.push(['gte', a]); return api; },
      build() { return v; },
    };
    return api;
  },
};
const logged = [];
vm.runInNewContext(source + '\ncreateSurvey();', {FormApp: FormApp, Logger: {log(m) { logged.push(m); }}});
process.stdout.write(JSON.stringify({meta: meta, items: items, logged: logged}));
"""


def node() -> str | None:
    return shutil.which("node") or shutil.which("nodejs")


def run_script(script: bytes, tmp: Path) -> dict:
    """Run the Apps Script under Node with a recording FormApp: what the form would hold."""
    source = tmp / "survey.gs"
    source.write_bytes(script)
    harness = tmp / "harness.js"
    harness.write_text(_HARNESS, encoding="utf-8")
    done = subprocess.run([node(), str(harness), str(source)], capture_output=True, timeout=60, check=True)
    return json.loads(done.stdout)


def script_items(script: bytes) -> dict:
    """Without Node: the data literal read as JSON (the script's builder is then not run)."""
    text = script.decode("utf-8")
    literal = text.split("var SURVEY = ", 1)[1].split(";\n\nfunction createSurvey", 1)[0]
    data = json.loads(literal)
    items = []
    if data["village"]:
        items.append({"kind": "list", "title": data["village"]["title"], "choices": data["village"]["choices"]})
    for section in data["sections"]:
        items.append({"kind": "page", "title": section["title"]})
        for q in section["questions"]:
            items.append({"kind": "choice" if q["choices"] else "text", "title": q["title"], "choices": q["choices"]})
    return {"meta": {"title": data["title"], "description": data["description"]}, "items": items}


def form_of(script: bytes, tmp: Path) -> dict:
    return run_script(script, tmp) if node() else script_items(script)


def google_export(form: dict, answers: pd.DataFrame, fw: Framework, lang: str) -> bytes:
    """Google Forms' response CSV: Timestamp, then one column per question title (answers as shown)."""
    asked = [it for it in form["items"] if it["kind"] != "page"]
    head = ["Timestamp"] + [it["title"] for it in asked]
    by_title = {" ".join(fw_text.split()): item.id for item in fw.items
                for fw_text in [_text(item, lang)]}
    body = []
    for i, row in enumerate(answers.itertuples(index=False)):
        stamp = row.date
        cells = [f"{stamp.month}/{stamp.day}/{stamp.year} {stamp.hour}:{stamp:%M:%S}"]
        for it in asked:
            if it["kind"] == "list":
                cells.append(row.village)
                continue
            value = getattr(row, by_title[it["title"]])
            if it["kind"] == "text":
                cells.append("" if np.isnan(value) else number_text(value, comma=lang != "en"))
            else:
                cells.append(_pick(it["choices"], value, i))
        body.append(cells)
    return csv_bytes([head, *body])


def _text(item, lang: str) -> str:
    from indicator.framework import text

    return text(item.text, lang)


def _pick(options: list[str], value: float, i: int) -> str:
    """The option a respondent ticked: scale 1..5 (then "don't know"), or yes / no / "don't know"."""
    if np.isnan(value):
        return options[-1] if dont_know_row(i) else ""
    if len(options) == 3:
        return options[0] if value == 1 else options[1]
    return options[int(value) - 1]


# --- paper (Word, HTML) -> typed into the entry template ------------------------------------------------


@dataclass
class PaperQuestion:
    number: int
    text: str
    options: list[str]
    number_field: bool


_HEADING = re.compile(r"^(\d+)\. (.+)$", re.S)


def _options(line: str) -> list[str]:
    return [part.strip().removeprefix("\u2610").strip() for part in line.split("\u2003") if "\u2610" in part]


def docx_questions(data: bytes) -> list[PaperQuestion]:
    """Questions as printed in the Word file: grid rows (options from the grid's head) and single questions."""
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    doc = docx.Document(io.BytesIO(data))
    out: list[PaperQuestion] = []
    pending: PaperQuestion | None = None
    for element in doc.element.body.iterchildren():
        if element.tag.endswith("}tbl"):
            table = Table(element, doc)
            options = [c.text for c in table.rows[0].cells[1:]]
            for row in table.rows[1:]:
                m = _HEADING.match(row.cells[0].text)
                out.append(PaperQuestion(int(m.group(1)), m.group(2), options, False))
        elif element.tag.endswith("}p"):
            text = Paragraph(element, doc).text
            m = _HEADING.match(text)
            if m and Paragraph(element, doc).runs and Paragraph(element, doc).runs[0].bold:
                pending = PaperQuestion(int(m.group(1)), m.group(2), [], False)
                out.append(pending)
            elif pending is not None and "\u2610" in text:
                pending.options = _options(text)
                pending.number_field = "____" in text
                pending = None
    return out


class _PaperPage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[PaperQuestion] = []
        self.head: list[str] = []
        self._tag: list[str] = []
        self._text: list[str] = []
        self._cells: list[str] = []
        self._in_head = False
        self._pending: PaperQuestion | None = None

    def handle_starttag(self, tag, attrs):
        if tag in ("td", "th", "p"):
            self._text = []
        if tag == "thead":
            self._in_head, self.head = True, []
        if tag == "tr":
            self._cells = []

    def handle_endtag(self, tag):
        text = "".join(self._text)
        if tag in ("td", "th"):
            self._cells.append(text)
        elif tag == "thead":
            self._in_head = False
        elif tag == "tr":
            if self._in_head:
                self.head = self._cells[1:]
            else:
                m = _HEADING.match(self._cells[0])
                self.out.append(PaperQuestion(int(m.group(1)), m.group(2), list(self.head), False))
        elif tag == "p":
            m = _HEADING.match(text)
            if m and self._pending is None and "\u2610" not in text:
                self._pending = PaperQuestion(int(m.group(1)), m.group(2), [], False)
                self.out.append(self._pending)
            elif self._pending is not None and "\u2610" in text:
                self._pending.options = _options(text)
                self._pending.number_field = "____" in text
                self._pending = None

    def handle_data(self, data):
        self._text.append(data)


def html_questions(data: bytes) -> list[PaperQuestion]:
    parser = _PaperPage()
    parser.feed(data.decode("utf-8"))
    return parser.out


# --- the entry template, filled as a secretary would ---------------------------------------------------


def template_lists(book: openpyxl.Workbook) -> dict[int, list[str]]:
    """Allowed drop-down values per answers-sheet column (1-based), resolved from the lists sheet."""
    ws = book.worksheets[0]
    out: dict[int, list[str]] = {}
    for check in ws.data_validations.dataValidation:
        if check.type != "list":
            continue
        sheet, cells = check.formula1.rsplit("!", 1)
        source = book[sheet.strip("'").replace("''", "'")]
        first, last = (int(part.split("$")[-1]) for part in cells.split(":"))
        column = re.sub(r"[^A-Z]", "", cells.split(":")[0])
        values = [source[f"{column}{r}"].value for r in range(first, last + 1)]
        for ref in str(check.sqref).split():
            start = openpyxl.utils.cell.coordinate_from_string(ref.split(":")[0])[0]
            out[openpyxl.utils.column_index_from_string(start)] = values
    return out


def item_columns(headers: list[str], fw: Framework, lang: str) -> dict[int, str]:
    """Which item each column holds (1-based), known to the test by the framework's texts."""
    texts = {" ".join(_text(item, lang).split()): item.id for item in fw.items}
    return {j: texts[h] for j, h in enumerate(headers, start=1) if h in texts}


def fill_template(template: bytes, answers: pd.DataFrame, fw: Framework, lang: str,
                  paper: list[PaperQuestion] | None = None) -> bytes:
    """Type the answers into the template: village and date, then each question's ticked label or number.

    With ``paper``, the answers are those ticked on that printed form (matched to the template's columns by
    position, which must carry the same texts); otherwise the template's own drop-down lists are used.
    """
    book = openpyxl.load_workbook(io.BytesIO(template))
    ws = book.worksheets[0]
    headers = [c.value for c in ws[1]]
    lists = template_lists(book)
    if paper is not None:
        assert [p.text for p in paper] == headers[2:], "the printed questions differ from the template's columns"
        assert [p.number for p in paper] == list(range(1, len(paper) + 1))
    item_of = item_columns(headers, fw, lang)
    assert len(item_of) == len(fw.items) == len(headers) - 2
    for i, row in enumerate(answers.itertuples(index=False)):
        r = i + 2
        assert row.village in lists[1]
        ws.cell(r, 1, row.village)
        ws.cell(r, 2, row.date.to_pydatetime().replace(hour=0, minute=0))
        for column in range(3, len(headers) + 1):
            value = getattr(row, item_of[column])
            options = paper[column - 3].options if paper is not None else lists.get(column)
            is_number = paper[column - 3].number_field if paper is not None else column not in lists
            if is_number:
                if not np.isnan(value):
                    ws.cell(r, column, value)
                continue
            label = _pick(options, value, i)
            if label:
                assert label in lists[column], f"{label!r} is not in the drop-down of column {column}"
                ws.cell(r, column, label)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
