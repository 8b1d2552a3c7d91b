"""The survey kit: any framework as a questionnaire for a survey tool, on paper, or as an entry template.

``render(framework, fmt, lang=..., village=..., round=...) -> bytes`` makes one of `FORMATS`:

- ``xlsform``: XLSForm workbook for KoboToolbox and ODK (all three languages, ``lang`` the default);
- ``limesurvey``: LimeSurvey's tab-separated survey structure (.txt; all three languages);
- ``gforms``: a Google Apps Script that creates the Google Form (one language);
- ``docx``: the printable paper questionnaire (Word);
- ``template``: the Excel entry template for typing paper answers;
- ``html``: the printable paper questionnaire as a web page.

The questions are built once (`indicator.questionnaire.model`); every writer asks the same items with the
same answer labels and codes, which the reader (`indicator.reading`) maps back without help.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from indicator.framework import Framework
from indicator.questionnaire.model import QuestionnaireError, Survey, build_all, build_survey

FORMATS: tuple[str, ...] = ("xlsform", "limesurvey", "gforms", "docx", "template", "html")
SUFFIXES: dict[str, str] = {"xlsform": ".xlsx", "limesurvey": ".txt", "gforms": ".gs", "docx": ".docx",
                            "template": ".xlsx", "html": ".html"}
MEDIA_TYPES: dict[str, str] = {
    "xlsform": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "limesurvey": "text/tab-separated-values; charset=utf-8",
    "gforms": "application/javascript; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "template": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}
MULTILINGUAL: frozenset[str] = frozenset({"xlsform", "limesurvey"})

__all__ = ["FORMATS", "MEDIA_TYPES", "SUFFIXES", "QuestionnaireError", "Survey", "build_survey", "check_format",
           "file_name", "render", "write"]


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise QuestionnaireError(f"format {fmt!r} is not available; choose one of {', '.join(FORMATS)}",
                                 code="questionnaire.format", params={"format": fmt, "formats": ", ".join(FORMATS)})
    return fmt


def _writer(fmt: str):  # type: ignore[no-untyped-def]
    """The writer of one format, imported only when used (python-docx is not needed for the others)."""
    if fmt == "xlsform":
        from indicator.questionnaire.xlsform import xlsform_bytes

        return xlsform_bytes
    if fmt == "limesurvey":
        from indicator.questionnaire.limesurvey import limesurvey_bytes

        return limesurvey_bytes
    if fmt == "gforms":
        from indicator.questionnaire.gforms import gforms_bytes

        return gforms_bytes
    if fmt == "docx":
        from indicator.questionnaire.word import docx_bytes

        return docx_bytes
    if fmt == "template":
        from indicator.questionnaire.template import template_bytes

        return template_bytes
    from indicator.questionnaire.webpage import html_bytes

    return html_bytes


def render(framework: Framework, fmt: str, *, lang: str = "fi", village: str | None = None,
           round: int | None = None, registry: pd.DataFrame | None = None) -> bytes:
    """The questionnaire of ``framework`` in format ``fmt`` as file content.

    ``village`` fixes the village (a registry name; otherwise respondents choose from the registry);
    ``round`` (a year) goes into the title. Raises QuestionnaireError for an unknown format, language or
    village.
    """
    check_format(fmt)
    options = {"village": village, "round": round, "registry": registry}
    if fmt in MULTILINGUAL:
        return _writer(fmt)(build_all(framework, lang, **options))
    return _writer(fmt)(build_survey(framework, lang, **options))


def file_name(framework: Framework, fmt: str, *, lang: str = "fi", village: str | None = None,
              round: int | None = None) -> str:
    """A download name such as ``kysely-alykyla-kymenlaakso-fi-2026.xlsx`` (``-pohja`` for the template)."""
    parts = ["kysely", framework.id, lang, *(str(p) for p in (village, round) if p)]
    if fmt == "template":
        parts.append("pohja")
    stem = "-".join(parts)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem)
    return f"{safe}{SUFFIXES[check_format(fmt)]}"


def write(framework: Framework, fmt: str, target: str | Path, **options: object) -> Path:
    """`render` into the file ``target``; returns its path."""
    path = Path(target)
    path.write_bytes(render(framework, fmt, **options))  # type: ignore[arg-type]
    return path
