"""Survey exports in the layouts of the real tools, written from a known truth table.

Used by the demo writer (`tools.demo_exports.demo`) and by reading tests: what a village would upload
from Webropol, Microsoft Forms, Google Forms, LimeSurvey, KoboToolbox, SurveyMonkey or Typeform
(docs/survey-files.md §1–2), with header texts from the framework, answer labels in the chosen language,
the tool's way of writing "no answer", metadata and fake personal columns that a reader must drop
(``cells``), each tool's column layout (``layouts``). Deterministic per seed.

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
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.worksheet.table import Table, TableStyleInfo

from indicator.errors import IndicatorError
from indicator.framework import Framework
from tools.demo_exports.cells import AGREEMENT, DONT_KNOW, YES_NO, Sheet
from tools.demo_exports.layouts import BUILDERS

__all__ = ["AGREEMENT", "DONT_KNOW", "TOOLS", "YES_NO", "export_bytes", "readable_truth", "suffix", "write_export"]

TOOLS: tuple[str, ...] = (
    "generic_csv", "generic_xlsx", "webropol_text", "webropol_numbers", "forms", "google",
    "limesurvey", "kobo", "surveymonkey", "typeform",
)
_SUFFIX = {"generic_xlsx": ".xlsx", "webropol_numbers": ".xlsx", "forms": ".xlsx"}


def suffix(tool: str) -> str:
    """The file name ending a tool's export has: ``.xlsx`` or ``.csv``."""
    _check_tool(tool)
    return _SUFFIX.get(tool, ".csv")


def _check_tool(tool: str) -> None:
    if tool not in TOOLS:
        raise IndicatorError(f"unknown survey tool {tool!r}; expected one of {', '.join(TOOLS)}")


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


def _csv_bytes(sheet: Sheet, fmt: _CsvFormat) -> bytes:
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if fmt.quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, delimiter=fmt.delimiter, quoting=quoting, lineterminator=fmt.newline)
    writer.writerow(sheet.header)
    if sheet.second is not None:
        writer.writerow(sheet.second)
    writer.writerows(zip(*sheet.columns, strict=True))
    return buffer.getvalue().encode(fmt.encoding)


def _xlsx_bytes(sheet: Sheet, tool: str) -> bytes:
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




def export_bytes(truth: pd.DataFrame, framework: Framework, tool: str, *, lang: str = "fi", seed: int = 0) -> bytes:
    """The export file's bytes (see `write_export`)."""
    _check_tool(tool)
    if lang not in AGREEMENT:
        raise IndicatorError(f"unknown language {lang!r}; expected one of {', '.join(AGREEMENT)}")
    if "village" not in truth:
        raise IndicatorError("the truth table needs a 'village' column", column="village")
    rng = np.random.default_rng([seed, TOOLS.index(tool)])
    sheet = BUILDERS[tool](truth.reset_index(drop=True), framework, lang, rng)
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

