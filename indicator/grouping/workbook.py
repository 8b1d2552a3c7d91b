"""The theme-group workbook: a summary for people, a rounded profile per village, full precision for machines.

Sheets (names and headers in the user's language, except the machine sheet):

- summary: one row per group: area, group, theme name, number of villages, the villages joined;
- profile: one row per village: area, group, theme name, village, its own dimension scores to one decimal;
- ``data``: the same rows with ids as headers (``village, area, group, theme, reference_group`` and the
  dimension ids) and full-precision scores.

Every row carries only its own village's numbers; text cells are formula-safe (``indicator.xlsxsafe``).
"""

from __future__ import annotations

import pandas as pd

from indicator.framework import Framework, text
from indicator.grouping.core import Grouping
from indicator.i18n import catalog, t
from indicator.xlsxsafe import xlsx_bytes

DATA_SHEET = "data"
DECIMALS = 1


def area_name(area: str, lang: str) -> str:
    """An area as people call it: the catalog's name of a Leader area, of ``all`` or ``unknown``, else the id."""
    for key in (f"common.area_{area}", f"groups.area_{area}"):
        if key in catalog():
            return t(key, lang)
    return area


def _theme_names(framework: Framework, lang: str) -> dict[str, str]:
    return {theme.id: text(theme.name, lang) for theme in framework.themes}


def workbook_sheets(grouping: Grouping, framework: Framework, lang: str = "fi") -> dict[str, pd.DataFrame]:
    """The workbook's sheets by name (summary, profile, ``data``), in the order they are written."""
    themes = _theme_names(framework, lang)
    dims = list(framework.dimension_ids)
    col = {key: t(f"groups.col.{key}", lang) for key in ("area", "group", "theme", "size", "villages", "village")}
    summary = grouping.summary.sort_values(["area", "group"], kind="stable")
    summary_sheet = pd.DataFrame(
        {
            col["area"]: summary["area"].map(lambda a: area_name(a, lang)),
            col["group"]: summary["group"].astype("int64"),
            col["theme"]: summary["theme"].map(lambda th: themes.get(th, th)),
            col["size"]: summary["size"].astype("int64"),
            col["villages"]: summary["villages"],
        }
    )
    rows = grouping.scores.merge(grouping.assignments[["village", "area", "theme", "reference_group"]],
                                 on=["village", "area"], how="left", validate="one_to_one")
    rows = rows.sort_values(["area", "group", "village"], kind="stable").reset_index(drop=True)
    dim_names = {d.id: text(d.name, lang) for d in framework.dimensions}
    profile = pd.DataFrame(
        {
            col["area"]: rows["area"].map(lambda a: area_name(a, lang)),
            col["group"]: rows["group"].astype("int64"),
            col["theme"]: rows["theme"].map(lambda th: themes.get(th, th)),
            col["village"]: rows["village"],
        }
    )
    for dim in dims:
        profile[dim_names[dim]] = rows[dim].astype(float).round(DECIMALS)
    data = rows[["village", "area", "group", "theme", "reference_group", *dims]]
    return {t("groups.sheet.summary", lang): summary_sheet, t("groups.sheet.profile", lang): profile,
            DATA_SHEET: data}


def workbook_bytes(grouping: Grouping, framework: Framework, lang: str = "fi") -> bytes:
    """The workbook as xlsx bytes (for a download button)."""
    return xlsx_bytes(workbook_sheets(grouping, framework, lang))
