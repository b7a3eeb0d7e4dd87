"""The briefing as a Word document in the 公文 manner: A4, 仿宋 三号 text, 黑体 headings, page numbers '— 1 —'."""
from __future__ import annotations

import io
from pathlib import Path

from docx import Document as new_document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from briefing import numbers as n
from briefing.document import Document, Figure, Heading, Paragraph, Table
from briefing.fonts import BODY, DOCX_FONTS, HEADING

RED = RGBColor(0xC0, 0x00, 0x00)
BODY_SIZE, TABLE_SIZE, TITLE_SIZE = Pt(16), Pt(9), Pt(22)
TEXT_WIDTH = Cm(15.6)


def set_font(run_or_style, role: str, size=None, bold: bool | None = None, colour=None) -> None:
    """Latin and East Asian faces both (Word picks the East Asian one for Chinese characters)."""
    font = run_or_style.font
    font.name = DOCX_FONTS[role]
    element = run_or_style.element if hasattr(run_or_style, "element") else run_or_style._element
    r_pr = element.get_or_add_rPr()
    r_pr.get_or_add_rFonts().set(qn("w:eastAsia"), DOCX_FONTS[role])
    if size is not None:
        font.size = size
    if bold is not None:
        font.bold = bold
    if colour is not None:
        font.color.rgb = colour


def _page_number(paragraph) -> None:
    """'— PAGE —' as a field Word fills in."""
    paragraph.add_run("— ")
    run = paragraph.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), tag)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    paragraph.add_run(" —")
    for r in paragraph.runs:
        set_font(r, BODY, Pt(14))


def _layout(doc) -> None:
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = doc.styles["Normal"]
    set_font(normal, BODY, BODY_SIZE)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _page_number(footer)


def _masthead(doc, d: Document) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(d.issuer), HEADING, Pt(26), colour=RED)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    set_font(p.add_run(f"{n.date_text(d.issued)}"), BODY, BODY_SIZE)
    _rule(p)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(16)
    p.paragraph_format.line_spacing = Pt(36)
    set_font(p.add_run(d.title), HEADING, TITLE_SIZE)


def _rule(paragraph) -> None:
    """The red line under the masthead."""
    p_pr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "18"), ("space", "4"), ("color", "C00000")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    p_pr.append(border)


def _heading(doc, block: Heading) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    p.paragraph_format.keep_with_next = True
    set_font(p.add_run(block.text), HEADING if block.level == 1 else BODY, BODY_SIZE, bold=block.level > 1)


def _paragraph(doc, block: Paragraph) -> None:
    p = doc.add_paragraph()
    p.paragraph_format.first_line_indent = Pt(32)
    p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    set_font(p.add_run(block.text), BODY, BODY_SIZE)


def _caption(doc, text: str) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.keep_with_next = True
    set_font(p.add_run(text), HEADING, Pt(12))


def _table(doc, block: Table) -> None:
    _caption(doc, block.caption)
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _full_width(table)
    for i, values in enumerate([block.header, *block.rows]):
        for j, value in enumerate(values):
            cell = table.cell(i, j)
            p = cell.paragraphs[0]
            p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
            p.paragraph_format.first_line_indent = Pt(0)
            p.alignment = (WD_ALIGN_PARAGRAPH.CENTER if i == 0 else WD_ALIGN_PARAGRAPH.RIGHT if block.numeric(j)
                           else WD_ALIGN_PARAGRAPH.LEFT)
            set_font(p.add_run(value), HEADING if i == 0 else BODY, TABLE_SIZE)
    doc.add_paragraph()


def _full_width(table) -> None:
    """The table spans the text width (Word's percent width: 5000 = 100 %), columns sized by content."""
    width = table._tbl.tblPr.find(qn("w:tblW"))
    if width is None:
        width = OxmlElement("w:tblW")
        table._tbl.tblPr.append(width)
    width.set(qn("w:w"), "5000")
    width.set(qn("w:type"), "pct")


def _figure(doc, block: Figure) -> None:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(block.png), width=TEXT_WIDTH)
    _caption(doc, block.caption)


WRITERS = {Heading: _heading, Paragraph: _paragraph, Table: _table, Figure: _figure}


def write_docx(d: Document, path: Path) -> None:
    doc = new_document()
    _layout(doc)
    doc.core_properties.title = d.title
    doc.core_properties.author = d.issuer
    _masthead(doc, d)
    for block in d.blocks:
        WRITERS[type(block)](doc, block)
    doc.save(str(path))
