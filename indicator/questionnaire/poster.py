"""The village's A4 poster: a call to answer the survey on a phone, with the QR code of the village link.

One self-contained HTML page (styles inline, the QR code as inline SVG, no scripts, nothing loaded from
elsewhere) laid out for A4 paper: the village opens it in a browser and prints it (or saves it as PDF from
the print dialog). HTML rather than Word or PDF: it needs no new dependency, the vector QR code prints
sharp at any size, and every browser prints it the same way; the paper questionnaire (``html``) is
printed the same way. Every text is HTML-escaped.
"""

from __future__ import annotations

import math
from html import escape

from indicator.i18n import t
from indicator.qr import check_url, qr_svg
from indicator.questionnaire.model import Survey
from indicator.questionnaire.timing import answer_time

_STYLE = """
@page { size: A4 portrait; margin: 18mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #000; margin: 0 auto; max-width: 174mm;
       text-align: center; }
h1 { font-size: 30pt; line-height: 1.15; margin: 6mm 0 2mm; }
p.village { font-size: 24pt; font-weight: bold; margin: 0 0 4mm; }
p.title { font-size: 14pt; margin: 0 0 8mm; }
div.qr svg { width: 95mm; height: 95mm; }
p.scan { font-size: 16pt; margin: 6mm 0 2mm; }
p.url { font-family: "DejaVu Sans Mono", monospace; font-size: 11pt; word-break: break-all; margin: 0 0 8mm; }
ul { list-style: none; padding: 0; font-size: 13pt; line-height: 1.5; margin: 0; }
@media screen { body { padding: 12mm 0; } }
""".strip()


def answer_minutes(survey: Survey) -> int:
    """The answering time shown on the poster and the answering page: `answer_time` in whole minutes, rounded up."""
    return max(1, math.ceil(answer_time(survey).seconds / 60))


def poster_html(survey: Survey, url: str) -> bytes:
    """The A4 poster of ``survey`` (its language, title and fixed village, if any) pointing to ``url`` (an
    http(s) address: the village link, `indicator.questionnaire.answering.survey_link`)."""
    address = check_url(url)
    lang = survey.lang
    village = survey.village.fixed
    svg = qr_svg(address, border=2)
    lines = [t("questionnaire.poster_time", lang, minutes=answer_minutes(survey)),
             t("questionnaire.poster_anonymous", lang), t("questionnaire.poster_once", lang)]
    parts = [
        f'<!DOCTYPE html><html lang="{escape(lang)}"><head><meta charset="utf-8">',
        f"<title>{escape(t('questionnaire.poster_heading', lang))}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(t('questionnaire.poster_heading', lang))}</h1>",
        f'<p class="village">{escape(village)}</p>' if village else "",
        f'<p class="title">{escape(survey.title)}</p>',
        f'<div class="qr" role="img" aria-label="{escape(t("questionnaire.poster_qr_alt", lang))}">{svg}</div>',
        f'<p class="scan">{escape(t("questionnaire.poster_scan", lang))}</p>',
        f'<p class="url">{escape(address)}</p>',
        "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>",
        "</body></html>",
    ]
    return "".join(parts).encode("utf-8")
