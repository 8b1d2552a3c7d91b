"""The printable paper questionnaire as one HTML page (print it from the browser), same content as the Word file.

Every text is HTML-escaped; the page loads nothing from elsewhere (styles inline, no scripts).
"""

from __future__ import annotations

from html import escape

from indicator.questionnaire.model import Survey
from indicator.questionnaire.paper import (
    BOX,
    Grid,
    Single,
    blocks,
    boxes,
    date_line,
    howto,
    number_line,
    village_line,
)

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; margin: 1.5cm; color: #000; }
h1 { font-size: 18pt; margin-bottom: 0.3em; }
h2 { font-size: 13pt; margin: 1.2em 0 0.4em; border-bottom: 1px solid #000; }
p.howto, p.hint { font-style: italic; }
table.grid { border-collapse: collapse; width: 100%; margin: 0.4em 0 0.8em; table-layout: fixed; }
table.grid th, table.grid td { border: 1px solid #000; padding: 3px 4px; }
table.grid th { font-size: 8pt; font-weight: normal; }
table.grid .q { width: 40%; }
table.grid td.box { text-align: center; font-size: 14pt; }
table.grid tr { page-break-inside: avoid; }
div.single { margin: 0.6em 0; page-break-inside: avoid; }
p.q { font-weight: bold; margin: 0 0 0.2em; }
p.field { margin: 0.3em 0; }
@media print { body { margin: 0; } a { color: #000; } }
""".strip()


def _grid(grid: Grid) -> str:
    head = "".join(f"<th>{escape(o.label)}</th>" for o in grid.options)
    rows = "".join(
        f'<tr><td class="q">{escape(row.heading)}</td>' + f'<td class="box">{BOX}</td>' * len(grid.options) + "</tr>"
        for row in grid.rows
    )
    return f'<table class="grid"><thead><tr><th class="q"></th>{head}</tr></thead><tbody>{rows}</tbody></table>'


def _single(survey: Survey, block: Single) -> str:
    question = block.row.question
    parts = [f'<p class="q">{escape(block.row.heading)}</p>']
    if question.kind == "number":
        parts.append(f'<p class="hint">{escape(question.hint)}</p>')
        parts.append(f"<p>{escape(number_line(survey, question))}</p>")
    else:
        parts.append(f"<p>{escape(boxes(question.options))}</p>")
    return f'<div class="single">{"".join(parts)}</div>'


def _field(label: str, value: str) -> str:
    return f'<p class="field"><b>{escape(label)}:</b> {escape(value)}</p>'


def html_text(survey: Survey) -> str:
    """The whole page as text."""
    body = [f"<h1>{escape(survey.title)}</h1>", f"<p>{escape(survey.intro)}</p>",
            f'<p class="howto">{escape(howto(survey))}</p>',
            _field(*village_line(survey)), _field(*date_line(survey))]
    for section in survey.sections:
        body.append(f"<h2>{escape(section.title)}</h2>")
        body += [_grid(b) if isinstance(b, Grid) else _single(survey, b) for b in blocks(survey, section)]
    body.append(f"<p><b>{escape(survey.thanks)}</b></p>")
    return (f'<!DOCTYPE html>\n<html lang="{escape(survey.lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(survey.title)}</title>\n<style>\n{_STYLE}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def html_bytes(survey: Survey) -> bytes:
    return html_text(survey).encode("utf-8")
