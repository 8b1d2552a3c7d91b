"""Survey exports in the layouts of the real tools, written from a known truth table.

Used by the demo writer (`tools.demo_exports.demo`) and by reading tests: what a village would upload from Webropol,
Microsoft Forms, Google Forms, LimeSurvey, KoboToolbox, SurveyMonkey or Typeform (docs/survey-files.md §1–2), with header texts from the framework, answer labels in the chosen language, the tool's way of
writing "no answer", metadata and fake personal columns that a reader must drop. Deterministic per seed.

``truth`` is the responses table (docs/architecture.md): village, respondent, date and one float column
per item id (likert5 1..5, yesno 1/0, number; NaN = missing). `readable_truth` gives the table a
faithful reader returns for a tool (the Webropol numeric export cannot tell a true 0 from a blank).

In the Webropol numeric layout likert answers are 1..5 and blanks 0, but yes/no answers stay labels
(Kyllä/Ei): Webropol would code them by position (1, 2), which the reader cannot take as yes/no.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo

from indicator.errors import IndicatorError
from indicator.framework import Framework, Item, text

TOOLS: tuple[str, ...] = (
    "generic_csv", "generic_xlsx", "webropol_text", "webropol_numbers", "forms", "google",
    "limesurvey", "kobo", "surveymonkey", "typeform",
)
_SUFFIX = {"generic_xlsx": ".xlsx", "webropol_numbers": ".xlsx", "forms": ".xlsx"}

# Answer labels per language (docs/survey-files.md §4): five-point agreement, yes/no, "don't know".
AGREEMENT: Mapping[str, tuple[str, ...]] = {
    "fi": ("Täysin eri mieltä", "Jokseenkin eri mieltä", "Ei samaa eikä eri mieltä",
           "Jokseenkin samaa mieltä", "Täysin samaa mieltä"),
    "sv": ("Helt av annan åsikt", "Delvis av annan åsikt", "Varken av samma eller annan åsikt",
           "Delvis av samma åsikt", "Helt av samma åsikt"),
    "en": ("Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"),
}
YES_NO: Mapping[str, tuple[str, str]] = {"fi": ("Kyllä", "Ei"), "sv": ("Ja", "Nej"), "en": ("Yes", "No")}
DONT_KNOW: Mapping[str, str] = {"fi": "En osaa sanoa", "sv": "Vet inte", "en": "Don't know"}
_GRID_QUESTION = {
    "fi": "Kuinka samaa mieltä olet seuraavista väittämistä",
    "sv": "Hur väl instämmer du i följande påståenden",
    "en": "How much do you agree with the following statements",
}
_COMMENT = {"fi": "Terveisiä kyläyhdistykselle", "sv": "Hälsningar till byaföreningen",
            "en": "Message to the village association"}
_COMMENTS = ("Kiitos aktiivisille!", "Lisää tapahtumia nuorille.", "Tiet kuntoon.", "Hyvä kylä asua.")
_FIRST = ("Aino", "Eero", "Helmi", "Juha", "Kaisa", "Leena", "Mikko", "Pirjo", "Sami", "Tuula", "Ville",
          "Anna", "Matti", "Sari", "Timo", "Elsa")
_LAST = ("Virtanen", "Korhonen", "Mäkinen", "Nieminen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen",
         "Järvinen", "Lehtonen", "Saarinen", "Salminen", "Kuusisto", "Rantanen")


def suffix(tool: str) -> str:
    """The file name ending a tool's export has: ``.xlsx`` or ``.csv``."""
    _check_tool(tool)
    return _SUFFIX.get(tool, ".csv")


def _check_tool(tool: str) -> None:
    if tool not in TOOLS:
        raise IndicatorError(f"unknown survey tool {tool!r}; expected one of {', '.join(TOOLS)}")


# --- answers as a tool writes them ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
    """How one tool writes answers."""

    likert_labels: bool = True      # labels in the language, else numbers 1..5
    yes_no: tuple[Any, Any] | None = None  # (yes, no) cells; None = the language's labels
    dont_know: float = 0.0          # share of missing answers written as "don't know" (labelled tools)
    blank: Any = ""                 # how an unanswered cell is written
    comma: bool = False             # decimal comma in numbers written as text
    numbers_as_text: bool = True    # else numeric cells (xlsx)


_STYLES: Mapping[str, _Style] = {
    "generic_csv": _Style(likert_labels=False, yes_no=("1", "0"), comma=True),
    "generic_xlsx": _Style(likert_labels=False, dont_know=0.3, blank=None, numbers_as_text=False),
    "webropol_text": _Style(dont_know=0.7, comma=True),
    "webropol_numbers": _Style(likert_labels=False, blank=0, numbers_as_text=False),
    "forms": _Style(dont_know=0.5, blank=None, comma=True),
    "google": _Style(dont_know=0.5, comma=True),
    "limesurvey": _Style(likert_labels=False),
    "kobo": _Style(likert_labels=False, yes_no=("yes", "no")),
    "surveymonkey": _Style(dont_know=0.4),
    "typeform": _Style(likert_labels=False, yes_no=("1", "0")),
}


def _number_text(value: float, comma: bool) -> str:
    out = f"{value:.0f}" if float(value).is_integer() else f"{value:g}"
    return out.replace(".", ",") if comma else out


def _answer(value: float, item: Item, style: _Style, lang: str, dont_know: bool) -> Any:
    if pd.isna(value):
        return DONT_KNOW[lang] if dont_know and item.type != "number" else style.blank
    if item.type == "likert5":
        return AGREEMENT[lang][int(value) - 1] if style.likert_labels else _plain_number(int(value), style)
    if item.type == "yesno":
        yes, no = style.yes_no or YES_NO[lang]
        return yes if value >= 0.5 else no
    comma = style.comma and lang != "en"   # Finnish and Swedish write a decimal comma
    return _number_text(value, comma) if style.numbers_as_text else _plain_number(value, style)


def _plain_number(value: float, style: _Style) -> Any:
    if style.numbers_as_text:
        return _number_text(float(value), False)
    return int(value) if float(value).is_integer() else float(value)


def _answers(truth: pd.DataFrame, framework: Framework, tool: str, lang: str,
             rng: np.random.Generator) -> dict[str, list[Any]]:
    """Item id -> the column of cells the tool writes (in truth row order)."""
    style = _STYLES[tool]
    out: dict[str, list[Any]] = {}
    for item in framework.items:
        values = truth[item.id].to_numpy(dtype=float) if item.id in truth else np.full(len(truth), np.nan)
        dk = rng.random(len(values)) < style.dont_know
        out[item.id] = [_answer(v, item, style, lang, d) for v, d in zip(values, dk, strict=True)]
    return out


# --- personal columns and metadata ----------------------------------------------------------------------


def _people(n: int, rng: np.random.Generator) -> tuple[list[str], list[str], list[str], list[str]]:
    """Fake first names, last names, e-mails (example.fi) and IPs (documentation ranges)."""
    first = [str(x) for x in rng.choice(_FIRST, n)]
    last = [str(x) for x in rng.choice(_LAST, n)]
    mails = [f"{f}.{s}{k}@example.fi".lower().replace("ä", "a").replace("ö", "o")
             for f, s, k in zip(first, last, rng.integers(1, 99, n), strict=True)]
    nets = rng.choice(["192.0.2", "198.51.100", "203.0.113"], n)
    ips = [f"{net}.{host}" for net, host in zip(nets, rng.integers(1, 255, n), strict=True)]
    return first, last, mails, ips


def _dates(truth: pd.DataFrame, rng: np.random.Generator) -> tuple[pd.Series, pd.Series]:
    """(start, end) times: end = the truth date (to the second), start a few minutes earlier."""
    dates = truth["date"] if "date" in truth else pd.Series(pd.NaT, index=truth.index)
    end = pd.to_datetime(dates).dt.floor("s").reset_index(drop=True)
    minutes = pd.to_timedelta(rng.integers(240, 1500, len(truth)), unit="s")
    return end - minutes, end


def _fmt(stamps: pd.Series, pattern: str) -> list[str]:
    return ["" if pd.isna(s) else s.strftime(pattern) for s in stamps]


def _finnish_time(stamps: pd.Series) -> list[str]:
    """Webropol's ``d.m.yyyy H:MM:SS`` (no leading zeros on day, month and hour)."""
    return ["" if pd.isna(s) else f"{s.day}.{s.month}.{s.year} {s.hour}:{s:%M:%S}" for s in stamps]


# Village question headers by kind and language; the first one the framework lists as an alias is used.
_VILLAGE_HEADERS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "plain": {"fi": ("Kylä",), "sv": ("By",), "en": ("Village",)},
    "question": {"fi": ("Mikä kylä?",), "sv": ("Vilken by?",), "en": ("Which village?",)},
    "home": {"fi": ("Asuinkylä",), "sv": ("Hemby",), "en": ("Your village",)},
    "long": {"fi": ("Mikä on asuinkyläsi?",), "sv": ("I vilken by bor du?",), "en": ("Your village",)},
    "code": {"fi": ("kyla",), "sv": ("kyla",), "en": ("village",)},
}


def _village_header(framework: Framework, kind: str, lang: str) -> str:
    """The village column's header for a kind of question, if the framework knows it as an alias."""
    aliases = {a.casefold() for a in framework.village_aliases}
    for header in (*_VILLAGE_HEADERS[kind][lang], *_VILLAGE_HEADERS["plain"][lang]):
        if header.rstrip("?:").casefold() in aliases:
            return header
    return framework.village_aliases[0]


def _comments(n: int, rng: np.random.Generator) -> list[str]:
    picks = rng.choice(len(_COMMENTS) + 6, n)
    return [_COMMENTS[p] if p < len(_COMMENTS) else "" for p in picks]


@dataclass
class _Sheet:
    """A table as the tool lays it out: header row(s) and columns of cells."""

    header: list[str]
    columns: list[list[Any]]
    second: list[str] | None = None   # SurveyMonkey's answer-option row

    def add(self, header: str, cells: list[Any], second: str = "") -> None:
        self.header.append(header)
        self.columns.append(list(cells))
        if self.second is not None:
            self.second.append(second)


def _text(item: Item, lang: str) -> str:
    return text(item.text, lang)


def _likert_groups(framework: Framework) -> list[tuple[str, list[Item]]]:
    """(dimension id, its likert items) for dimensions that have any: the tools' matrix questions."""
    groups = [(d.id, [i for i in framework.items_of(d.id) if i.type == "likert5"]) for d in framework.dimensions]
    return [(d, items) for d, items in groups if items]


def _grid_question(framework: Framework, dimension: str, lang: str) -> str:
    return f"{text(framework.dimension(dimension).name, lang)}: {_GRID_QUESTION[lang]}?"


# --- one builder per tool ---------------------------------------------------------------------------------

def _generic_csv(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> _Sheet:
    answers = _answers(truth, fw, "generic_csv", lang, rng)
    first, last, _, _ = _people(len(truth), rng)
    _, end = _dates(truth, rng)
    sheet = _Sheet([], [])
    sheet.add(_village_header(fw, "plain", lang), truth["village"].tolist())
    sheet.add({"fi": "Päivämäärä", "sv": "Datum", "en": "Date"}[lang], _fmt(end, "%d.%m.%Y"))
    for item in fw.items:
        sheet.add(f"{item.id}. {_text(item, lang)}", answers[item.id])
    sheet.add({"fi": "Nimi", "sv": "Namn", "en": "Name"}[lang], [f"{f} {s}" for f, s in zip(first, last, strict=True)])
    phones = [f"040 {a:03d} {b:04d}" for a, b in zip(rng.integers(100, 999, len(truth)),
                                                     rng.integers(0, 9999, len(truth)), strict=True)]
    sheet.add({"fi": "Puhelin", "sv": "Telefon", "en": "Phone"}[lang], phones)
    return sheet


def _generic_xlsx(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> _Sheet:
    answers = _answers(truth, fw, "generic_xlsx", lang, rng)
    _, _, mails, _ = _people(len(truth), rng)
    _, end = _dates(truth, rng)
    sheet = _Sheet([], [])
    sheet.add(_village_header(fw, "plain", lang), truth["village"].tolist())
    sheet.add({"fi": "Päivämäärä", "sv": "Datum", "en": "Date"}[lang], [None if pd.isna(d) else d for d in end])
    for item in fw.items:
        sheet.add(item.id, answers[item.id])
    sheet.add({"fi": "Sähköposti", "sv": "E-post", "en": "Email"}[lang], mails)
    return sheet


def _webropol_header(item: Item, lang: str, n: int) -> str:
    """Basic-report headers: the full text, a trailing colon, and a no-break space now and then."""
    header = f"{_text(item, lang)}:"
    if n % 3 == 0 and " " in header:
        head, tail = header.rsplit(" ", 1)
        header = f"{head}\u00a0{tail}"
    return header


def _webropol(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator, tool: str) -> _Sheet:
    answers = _answers(truth, fw, tool, lang, rng)
    _, _, mails, _ = _people(len(truth), rng)
    _, end = _dates(truth, rng)
    sheet = _Sheet([], [])
    sheet.add("Vastausaika", _finnish_time(end))
    sheet.add(_village_header(fw, "home", lang), truth["village"].tolist())
    for n, item in enumerate(fw.items):
        sheet.add(_webropol_header(item, lang, n), answers[item.id])
    sheet.add(f"{_COMMENT[lang]}:", _comments(len(truth), rng))
    sheet.add("Sähköposti", mails)
    return sheet


def _forms(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> _Sheet:
    answers = _answers(truth, fw, "forms", lang, rng)
    first, last, mails, _ = _people(len(truth), rng)
    start, end = _dates(truth, rng)
    sheet = _Sheet([], [])
    sheet.add("ID", list(range(1, len(truth) + 1)))
    sheet.add("Start time", [None if pd.isna(d) else d for d in start])
    sheet.add("Completion time", [None if pd.isna(d) else d for d in end])
    sheet.add("Email", mails)
    sheet.add("Name", [f"{f} {s}" for f, s in zip(first, last, strict=True)])
    sheet.add(_village_header(fw, "plain", lang), truth["village"].tolist())
    for item in fw.items:
        sheet.add(_text(item, lang), answers[item.id])
    sheet.add(_COMMENT[lang], [c or None for c in _comments(len(truth), rng)])
    return sheet


def _google(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> _Sheet:
    answers = _answers(truth, fw, "google", lang, rng)
    _, _, mails, _ = _people(len(truth), rng)
    _, end = _dates(truth, rng)
    sheet = _Sheet([], [])
    sheet.add("Timestamp", [f"{d.month}/{d.day}/{d.year} {d.hour}:{d:%M:%S}" if pd.notna(d) else "" for d in end])
    sheet.add("Email Address", mails)
    sheet.add(_village_header(fw, "question", lang), truth["village"].tolist())
    for dim, items in _likert_groups(fw):
        for item in items:
            sheet.add(f"{_grid_question(fw, dim, lang)} [{_text(item, lang)}]", answers[item.id])
    for item in fw.items:
        if item.type != "likert5":
            sheet.add(_text(item, lang), answers[item.id])
    sheet.add(_COMMENT[lang], _comments(len(truth), rng))
    return sheet


def _code(dimension: str) -> str:
    return "".join(ch for ch in dimension if ch.isascii() and ch.isalnum()) or "Q"


def _limesurvey(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> _Sheet:
    answers = _answers(truth, fw, "limesurvey", lang, rng)
    _, _, _, ips = _people(len(truth), rng)
    start, end = _dates(truth, rng)
    n = len(truth)
    sheet = _Sheet([], [])
    stamps = _fmt(end, "%Y-%m-%d %H:%M:%S")
    for header, cells in (
        ("id", [str(i) for i in range(1, n + 1)]), ("submitdate", stamps), ("lastpage", ["4"] * n),
        ("startlanguage", [lang] * n), ("seed", [str(s) for s in rng.integers(10**8, 10**9, n)]),
        ("startdate", _fmt(start, "%Y-%m-%d %H:%M:%S")), ("datestamp", stamps), ("ipaddr", ips), ("refurl", [""] * n),
    ):
        sheet.add(header, cells)
    sheet.add(_village_header(fw, "code", lang), truth["village"].tolist())
    grouped = {i.id for _, items in _likert_groups(fw) for i in items}
    for dim, items in _likert_groups(fw):
        for item in items:
            sheet.add(f"{_code(dim)}[{item.id}]", answers[item.id])
    for item in fw.items:
        if item.id not in grouped:
            sheet.add(item.id, answers[item.id])
    sheet.add("palaute", _comments(n, rng))
    return sheet


def _kobo(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> _Sheet:
    answers = _answers(truth, fw, "kobo", lang, rng)
    start, end = _dates(truth, rng)
    n = len(truth)
    local = [_iso_local(d) for d in start], [_iso_local(d) for d in end]
    sheet = _Sheet([], [])
    sheet.add("start", local[0])
    sheet.add("end", local[1])
    sheet.add(_village_header(fw, "code", lang), truth["village"].tolist())
    for item in fw.items:
        sheet.add(f"{item.dimension}/{item.id}", answers[item.id])
    sheet.add("palaute", _comments(n, rng))
    uuids = [f"{a:08x}-{b:04x}-4{c:03x}-a{d:03x}-{e:012x}" for a, b, c, d, e in
             zip(*(rng.integers(0, m, n) for m in (2**32, 2**16, 2**12, 2**12, 2**48)), strict=True)]
    submitted = [_utc(d + pd.Timedelta(seconds=30)) if pd.notna(d) else "" for d in end]
    users = [str(u) for u in rng.choice(["", "", "kyky_kenttakysely", "kylayhdistys"], n)]
    for header, cells in (
        ("_id", [str(x) for x in range(183_000_001, 183_000_001 + n)]), ("_uuid", uuids),
        ("_submission_time", submitted), ("_validation_status", [""] * n), ("_notes", [""] * n),
        ("_status", ["submitted_via_web"] * n), ("_submitted_by", users), ("_tags", [""] * n),
        ("_index", [str(i) for i in range(1, n + 1)]),
    ):
        sheet.add(header, cells)
    return sheet


def _iso_local(stamp: pd.Timestamp) -> str:
    """Kobo's ISO 8601 with the Finnish offset, e.g. 2025-03-14T10:22:33.000+02:00."""
    if pd.isna(stamp):
        return ""
    local = stamp.tz_localize("Europe/Helsinki", ambiguous=False, nonexistent="shift_forward")
    return local.isoformat(timespec="milliseconds")


def _utc(stamp: pd.Timestamp, pattern: str = "%Y-%m-%dT%H:%M:%S") -> str:
    if pd.isna(stamp):
        return ""
    local = stamp.tz_localize("Europe/Helsinki", ambiguous=False, nonexistent="shift_forward")
    return local.tz_convert("UTC").strftime(pattern)


def _surveymonkey(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> _Sheet:
    answers = _answers(truth, fw, "surveymonkey", lang, rng)
    first, last, mails, ips = _people(len(truth), rng)
    start, end = _dates(truth, rng)
    n = len(truth)
    pattern = "%m/%d/%Y %I:%M:%S %p"
    sheet = _Sheet([], [], second=[])
    collector = str(rng.integers(10**8, 10**9))
    for header, cells in (
        ("Respondent ID", [str(x) for x in rng.integers(10**10, 10**11, n)]), ("Collector ID", [collector] * n),
        ("Start Date", _fmt(start, pattern)), ("End Date", _fmt(end, pattern)), ("IP Address", ips),
        ("Email Address", mails), ("First Name", first), ("Last Name", last), ("Custom Data 1", [""] * n),
    ):
        sheet.add(header, cells)
    sheet.add(_village_header(fw, "plain", lang), truth["village"].tolist(), "Response")
    for dim, items in _likert_groups(fw):
        for k, item in enumerate(items):
            sheet.add(_grid_question(fw, dim, lang) if k == 0 else "", answers[item.id], _text(item, lang))
    for item in fw.items:
        if item.type != "likert5":
            kind = "Response" if item.type == "yesno" else "Open-Ended Response"
            sheet.add(_text(item, lang), answers[item.id], kind)
    sheet.add(_COMMENT[lang], _comments(n, rng), "Open-Ended Response")
    return sheet


def _typeform(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> _Sheet:
    answers = _answers(truth, fw, "typeform", lang, rng)
    _, _, mails, _ = _people(len(truth), rng)
    start, end = _dates(truth, rng)
    n = len(truth)
    sheet = _Sheet([], [])
    sheet.add("#", [f"{a:016x}{b:016x}" for a, b in zip(rng.integers(0, 2**63, n), rng.integers(0, 2**63, n),
                                                        strict=True)])
    sheet.add(_village_header(fw, "long", lang), truth["village"].tolist())
    for item in fw.items:
        sheet.add(_text(item, lang), answers[item.id])
    sheet.add({"fi": "Sähköposti", "sv": "E-post", "en": "Email"}[lang], mails)
    pattern = "%Y-%m-%d %H:%M:%S"
    sheet.add("Response Type", ["completed"] * n)
    sheet.add("Start Date (UTC)", [_utc(d, pattern) for d in start])
    sheet.add("Stage Date (UTC)", [""] * n)
    sheet.add("Submit Date (UTC)", [_utc(d, pattern) for d in end])
    sheet.add("Network ID", [f"{x:010x}" for x in rng.integers(0, 2**40, n)])
    sheet.add("Tags", [""] * n)
    return sheet


# --- file formats -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CsvFormat:
    delimiter: str = ","
    quote_all: bool = False
    newline: str = "\n"
    encoding: str = "utf-8"


_CSV: Mapping[str, _CsvFormat] = {
    "generic_csv": _CsvFormat(";", newline="\r\n", encoding="utf-8-sig"),
    "webropol_text": _CsvFormat(";"),
    "google": _CsvFormat(","),
    "limesurvey": _CsvFormat(";", quote_all=True, newline="\r\n", encoding="utf-8-sig"),
    "kobo": _CsvFormat(";", quote_all=True, newline="\r\n"),
    "surveymonkey": _CsvFormat(","),
    "typeform": _CsvFormat(","),
}
_XLSX_SHEETS = {"generic_xlsx": "Vastaukset", "webropol_numbers": "Vastaukset", "forms": "Sheet1"}


def _csv_bytes(sheet: _Sheet, fmt: _CsvFormat) -> bytes:
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if fmt.quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, delimiter=fmt.delimiter, quoting=quoting, lineterminator=fmt.newline)
    writer.writerow(sheet.header)
    if sheet.second is not None:
        writer.writerow(sheet.second)
    writer.writerows(zip(*sheet.columns, strict=True))
    return buffer.getvalue().encode(fmt.encoding)


def _xlsx_bytes(sheet: _Sheet, tool: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = _XLSX_SHEETS[tool]
    ws.append(sheet.header)
    for row in zip(*sheet.columns, strict=True):
        ws.append(list(row))
    date_format = "m/d/yy h:mm:ss" if tool == "forms" else "d.m.yyyy"
    for col, header in enumerate(sheet.header, start=1):
        for cell in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            if hasattr(cell[0].value, "year"):
                cell[0].number_format = date_format
            if tool == "forms" and header == "Email" and cell[0].value:
                cell[0].hyperlink = f"mailto:{cell[0].value}"
    if tool == "forms" and ws.max_row > 1:
        table = Table(displayName="Table1", ref=ws.dimensions)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        ws.add_table(table)
    wb.properties.created = pd.Timestamp("2024-01-01").to_pydatetime()
    buffer = io.BytesIO()
    wb.save(buffer)
    return _stable_zip(buffer.getvalue())


_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")


def _stable_zip(data: bytes) -> bytes:
    """The same zip with fixed member timestamps, so that equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(2024, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            content = src.read(info.filename)
            if info.filename == "docProps/core.xml":   # openpyxl stamps the save time here
                content = _MODIFIED.sub(rb"\g<1>2024-01-01T00:00:00Z\g<2>", content)
            dst.writestr(member, content)
    return out.getvalue()


_BUILDERS: Mapping[str, Callable[[pd.DataFrame, Framework, str, np.random.Generator], _Sheet]] = {
    "generic_csv": _generic_csv,
    "generic_xlsx": _generic_xlsx,
    "webropol_text": lambda t, f, lang, r: _webropol(t, f, lang, r, "webropol_text"),
    "webropol_numbers": lambda t, f, lang, r: _webropol(t, f, lang, r, "webropol_numbers"),
    "forms": _forms,
    "google": _google,
    "limesurvey": _limesurvey,
    "kobo": _kobo,
    "surveymonkey": _surveymonkey,
    "typeform": _typeform,
}


def export_bytes(truth: pd.DataFrame, framework: Framework, tool: str, *, lang: str = "fi", seed: int = 0) -> bytes:
    """The export file's bytes (see `write_export`)."""
    _check_tool(tool)
    if lang not in AGREEMENT:
        raise IndicatorError(f"unknown language {lang!r}; expected one of {', '.join(AGREEMENT)}")
    if "village" not in truth:
        raise IndicatorError("the truth table needs a 'village' column", column="village")
    rng = np.random.default_rng([seed, TOOLS.index(tool)])
    sheet = _BUILDERS[tool](truth.reset_index(drop=True), framework, lang, rng)
    return _xlsx_bytes(sheet, tool) if tool in _XLSX_SHEETS else _csv_bytes(sheet, _CSV[tool])


def write_export(truth: pd.DataFrame, framework: Framework, tool: str, target: str | Path | BinaryIO, *,
                 lang: str = "fi", seed: int = 0) -> None:
    """Write ``truth`` as ``tool`` would export it (one of `TOOLS`) to a path or binary stream.

    Header texts are the items' texts in ``lang`` (codes for LimeSurvey and Kobo), answers are written the
    tool's way, and fake personal columns are added. The same inputs and seed give the same bytes.
    """
    data = export_bytes(truth, framework, tool, lang=lang, seed=seed)
    if hasattr(target, "write"):
        target.write(data)  # type: ignore[union-attr]
    else:
        Path(target).write_bytes(data)


def readable_truth(truth: pd.DataFrame, framework: Framework, tool: str) -> pd.DataFrame:
    """The values a faithful reader gets back from ``tool``'s export of ``truth``.

    Dates lose their fractions of a second; in Webropol's numeric export 0 means "no answer", so a
    true 0 in a number item reads back as missing (yes/no answers are written as labels there).
    """
    _check_tool(tool)
    out = truth.copy()
    if "date" in out:
        out["date"] = pd.to_datetime(out["date"]).dt.floor("s")
    if tool == "webropol_numbers":
        for item in framework.items:   # yes/no are written as labels there, so only counts lose their 0
            if item.id in out and item.type == "number":
                out[item.id] = out[item.id].mask(out[item.id] == 0)
    return out
