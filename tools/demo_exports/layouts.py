"""One builder per survey tool: a truth table laid out as that tool's export (header and columns).

Each builder takes the truth table, the framework, the language and a seeded generator and returns a
``Sheet``; ``tools.demo_exports.exports`` writes it as csv or xlsx. The layouts follow
docs/survey-files.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from indicator.framework import Framework, Item
from tools.demo_exports.cells import (
    COMMENT,
    Sheet,
    comments,
    dates,
    finnish_time,
    grid_question,
    item_text,
    likert_groups,
    people,
    stamps_text,
    tool_answers,
    village_header,
)


def _generic_csv(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> Sheet:
    answers = tool_answers(truth, fw, "generic_csv", lang, rng)
    first, last, _, _ = people(len(truth), rng)
    _, end = dates(truth, rng)
    sheet = Sheet([], [])
    sheet.add(village_header(fw, "plain", lang), truth["village"].tolist())
    sheet.add({"fi": "Päivämäärä", "sv": "Datum", "en": "Date"}[lang], stamps_text(end, "%d.%m.%Y"))
    for item in fw.items:
        sheet.add(f"{item.id}. {item_text(item, lang)}", answers[item.id])
    sheet.add({"fi": "Nimi", "sv": "Namn", "en": "Name"}[lang], [f"{f} {s}" for f, s in zip(first, last, strict=True)])
    phones = [f"040 {a:03d} {b:04d}" for a, b in zip(rng.integers(100, 999, len(truth)),
                                                     rng.integers(0, 9999, len(truth)), strict=True)]
    sheet.add({"fi": "Puhelin", "sv": "Telefon", "en": "Phone"}[lang], phones)
    return sheet


def _generic_xlsx(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> Sheet:
    answers = tool_answers(truth, fw, "generic_xlsx", lang, rng)
    _, _, mails, _ = people(len(truth), rng)
    _, end = dates(truth, rng)
    sheet = Sheet([], [])
    sheet.add(village_header(fw, "plain", lang), truth["village"].tolist())
    sheet.add({"fi": "Päivämäärä", "sv": "Datum", "en": "Date"}[lang], [None if pd.isna(d) else d for d in end])
    for item in fw.items:
        sheet.add(item.id, answers[item.id])
    sheet.add({"fi": "Sähköposti", "sv": "E-post", "en": "Email"}[lang], mails)
    return sheet


def _webropol_header(item: Item, lang: str, n: int) -> str:
    """Basic-report headers: the full text, a trailing colon, and a no-break space now and then."""
    header = f"{item_text(item, lang)}:"
    if n % 3 == 0 and " " in header:
        head, tail = header.rsplit(" ", 1)
        header = f"{head}\u00a0{tail}"
    return header


def _webropol(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator, tool: str) -> Sheet:
    answers = tool_answers(truth, fw, tool, lang, rng)
    _, _, mails, _ = people(len(truth), rng)
    _, end = dates(truth, rng)
    sheet = Sheet([], [])
    sheet.add("Vastausaika", finnish_time(end))
    sheet.add(village_header(fw, "home", lang), truth["village"].tolist())
    for n, item in enumerate(fw.items):
        sheet.add(_webropol_header(item, lang, n), answers[item.id])
    sheet.add(f"{COMMENT[lang]}:", comments(len(truth), rng))
    sheet.add("Sähköposti", mails)
    return sheet


def _forms(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> Sheet:
    answers = tool_answers(truth, fw, "forms", lang, rng)
    first, last, mails, _ = people(len(truth), rng)
    start, end = dates(truth, rng)
    sheet = Sheet([], [])
    sheet.add("ID", list(range(1, len(truth) + 1)))
    sheet.add("Start time", [None if pd.isna(d) else d for d in start])
    sheet.add("Completion time", [None if pd.isna(d) else d for d in end])
    sheet.add("Email", mails)
    sheet.add("Name", [f"{f} {s}" for f, s in zip(first, last, strict=True)])
    sheet.add(village_header(fw, "plain", lang), truth["village"].tolist())
    for item in fw.items:
        sheet.add(item_text(item, lang), answers[item.id])
    sheet.add(COMMENT[lang], [c or None for c in comments(len(truth), rng)])
    return sheet


def _google(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> Sheet:
    answers = tool_answers(truth, fw, "google", lang, rng)
    _, _, mails, _ = people(len(truth), rng)
    _, end = dates(truth, rng)
    sheet = Sheet([], [])
    sheet.add("Timestamp", [f"{d.month}/{d.day}/{d.year} {d.hour}:{d:%M:%S}" if pd.notna(d) else "" for d in end])
    sheet.add("Email Address", mails)
    sheet.add(village_header(fw, "question", lang), truth["village"].tolist())
    for dim, items in likert_groups(fw):
        for item in items:
            sheet.add(f"{grid_question(fw, dim, lang)} [{item_text(item, lang)}]", answers[item.id])
    for item in fw.items:
        if item.type != "likert5":
            sheet.add(item_text(item, lang), answers[item.id])
    sheet.add(COMMENT[lang], comments(len(truth), rng))
    return sheet


def _code(dimension: str) -> str:
    return "".join(ch for ch in dimension if ch.isascii() and ch.isalnum()) or "Q"


def _limesurvey(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> Sheet:
    answers = tool_answers(truth, fw, "limesurvey", lang, rng)
    _, _, _, ips = people(len(truth), rng)
    start, end = dates(truth, rng)
    n = len(truth)
    sheet = Sheet([], [])
    stamps = stamps_text(end, "%Y-%m-%d %H:%M:%S")
    for header, cells in (
        ("id", [str(i) for i in range(1, n + 1)]), ("submitdate", stamps), ("lastpage", ["4"] * n),
        ("startlanguage", [lang] * n), ("seed", [str(s) for s in rng.integers(10**8, 10**9, n)]),
        ("startdate", stamps_text(start, "%Y-%m-%d %H:%M:%S")), ("datestamp", stamps), ("ipaddr", ips), ("refurl", [""] * n),
    ):
        sheet.add(header, cells)
    sheet.add(village_header(fw, "code", lang), truth["village"].tolist())
    grouped = {i.id for _, items in likert_groups(fw) for i in items}
    for dim, items in likert_groups(fw):
        for item in items:
            sheet.add(f"{_code(dim)}[{item.id}]", answers[item.id])
    for item in fw.items:
        if item.id not in grouped:
            sheet.add(item.id, answers[item.id])
    sheet.add("palaute", comments(n, rng))
    return sheet


def _kobo(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> Sheet:
    answers = tool_answers(truth, fw, "kobo", lang, rng)
    start, end = dates(truth, rng)
    n = len(truth)
    local = [_iso_local(d) for d in start], [_iso_local(d) for d in end]
    sheet = Sheet([], [])
    sheet.add("start", local[0])
    sheet.add("end", local[1])
    sheet.add(village_header(fw, "code", lang), truth["village"].tolist())
    for item in fw.items:
        sheet.add(f"{item.dimension}/{item.id}", answers[item.id])
    sheet.add("palaute", comments(n, rng))
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


def _surveymonkey(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> Sheet:
    answers = tool_answers(truth, fw, "surveymonkey", lang, rng)
    first, last, mails, ips = people(len(truth), rng)
    start, end = dates(truth, rng)
    n = len(truth)
    pattern = "%m/%d/%Y %I:%M:%S %p"
    sheet = Sheet([], [], second=[])
    collector = str(rng.integers(10**8, 10**9))
    for header, cells in (
        ("Respondent ID", [str(x) for x in rng.integers(10**10, 10**11, n)]), ("Collector ID", [collector] * n),
        ("Start Date", stamps_text(start, pattern)), ("End Date", stamps_text(end, pattern)), ("IP Address", ips),
        ("Email Address", mails), ("First Name", first), ("Last Name", last), ("Custom Data 1", [""] * n),
    ):
        sheet.add(header, cells)
    sheet.add(village_header(fw, "plain", lang), truth["village"].tolist(), "Response")
    for dim, items in likert_groups(fw):
        for k, item in enumerate(items):
            sheet.add(grid_question(fw, dim, lang) if k == 0 else "", answers[item.id], item_text(item, lang))
    for item in fw.items:
        if item.type != "likert5":
            kind = "Response" if item.type == "yesno" else "Open-Ended Response"
            sheet.add(item_text(item, lang), answers[item.id], kind)
    sheet.add(COMMENT[lang], comments(n, rng), "Open-Ended Response")
    return sheet


def _typeform(truth: pd.DataFrame, fw: Framework, lang: str, rng: np.random.Generator) -> Sheet:
    answers = tool_answers(truth, fw, "typeform", lang, rng)
    _, _, mails, _ = people(len(truth), rng)
    start, end = dates(truth, rng)
    n = len(truth)
    sheet = Sheet([], [])
    sheet.add("#", [f"{a:016x}{b:016x}" for a, b in zip(rng.integers(0, 2**63, n), rng.integers(0, 2**63, n),
                                                        strict=True)])
    sheet.add(village_header(fw, "long", lang), truth["village"].tolist())
    for item in fw.items:
        sheet.add(item_text(item, lang), answers[item.id])
    sheet.add({"fi": "Sähköposti", "sv": "E-post", "en": "Email"}[lang], mails)
    pattern = "%Y-%m-%d %H:%M:%S"
    sheet.add("Response Type", ["completed"] * n)
    sheet.add("Start Date (UTC)", [_utc(d, pattern) for d in start])
    sheet.add("Stage Date (UTC)", [""] * n)
    sheet.add("Submit Date (UTC)", [_utc(d, pattern) for d in end])
    sheet.add("Network ID", [f"{x:010x}" for x in rng.integers(0, 2**40, n)])
    sheet.add("Tags", [""] * n)
    return sheet



BUILDERS: Mapping[str, Callable[[pd.DataFrame, Framework, str, np.random.Generator], Sheet]] = {
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
