"""The printable paper questionnaire as a Word document (python-docx): tick boxes and lines for numbers.

Microsoft Forms' "Quick import" and Webropol users can also build their form from it. Answers on paper
are typed into the entry template (`indicator.questionnaire.template`), whose columns follow its numbering.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import Table, _Row

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

_QUESTION_WIDTH = Cm(6.5)
_ANSWER_WIDTH = Cm(1.9)  # six answer columns: 6.5 + 6 x 1.9 = 17.9 cm, the A4 text width at 1.55 cm margins


def _field(doc: Document, label: str, value: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(value)


def _row_flag(row: _Row, name: str) -> None:
    """Set a row property such as ``w:tblHeader`` (repeat on each page) or ``w:cantSplit``."""
    flag = OxmlElement(name)
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _grid(doc: Document, grid: Grid) -> Table:
    """Five-point items as a table: a row per item, a box per answer; kept on one page with its head."""
    table = doc.add_table(rows=1 + len(grid.rows), cols=1 + len(grid.options))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for j, option in enumerate(grid.options, start=1):
        cell = table.cell(0, j)
        cell.text = option.label
        cell.paragraphs[0].runs[0].font.size = Pt(8)
        cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, row in enumerate(grid.rows, start=1):
        table.cell(i, 0).text = row.heading
        for j in range(1, len(grid.options) + 1):
            paragraph = table.cell(i, j).paragraphs[0]
            paragraph.add_run(BOX).font.size = Pt(16)
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            table.cell(i, j).vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    for j, column in enumerate(table.columns):
        column.width = _QUESTION_WIDTH if j == 0 else _ANSWER_WIDTH
        for cell in column.cells:
            cell.width = column.width
    _row_flag(table.rows[0], "w:tblHeader")
    for n, row in enumerate(table.rows):
        _row_flag(row, "w:cantSplit")
        if n < len(table.rows) - 1:
            for cell in row.cells:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True
    doc.add_paragraph()
    return table


def _single(doc: Document, survey: Survey, block: Single) -> None:
    question = block.row.question
    heading = doc.add_paragraph()
    heading.add_run(block.row.heading).bold = True
    heading.paragraph_format.keep_with_next = True
    if question.kind == "number":
        hint = doc.add_paragraph(question.hint)
        hint.runs[0].italic = True
        hint.paragraph_format.keep_with_next = True
        doc.add_paragraph(number_line(survey, question))
    else:
        doc.add_paragraph(boxes(question.options))


def docx_bytes(survey: Survey) -> bytes:
    """The Word document (.docx) of the paper questionnaire."""
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Cm(1.55)
    section.top_margin = section.bottom_margin = Cm(1.6)
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = survey.title
    doc.core_properties.author = ""
    doc.add_heading(survey.title, level=0)
    doc.add_paragraph(survey.intro)
    doc.add_paragraph(howto(survey)).runs[0].italic = True
    _field(doc, *village_line(survey))
    _field(doc, *date_line(survey))
    for part in survey.sections:
        doc.add_heading(part.title, level=1)
        for block in blocks(survey, part):
            if isinstance(block, Grid):
                _grid(doc, block)
            else:
                _single(doc, survey, block)
    doc.add_paragraph(survey.thanks).runs[0].bold = True
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
