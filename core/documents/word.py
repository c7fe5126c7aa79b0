"""A structured document as Word (DOCX, Office Open XML), with python-docx: Word's own
styles (Title, Heading 1-4, List Bullet, List Number, Table Grid), so that the text stays editable and its
outline shows in the navigation pane."""

from io import BytesIO

import docx
from docx.enum.table import WD_ROW_HEIGHT_RULE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .model import Blank, Document, Heading, ListBlock, Paragraph, Table

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}
_STYLE_ALIGN = {"body": "justify", "centered": "center", "small": "center", "kicker": "center"}
INDENT = Mm(7)
TEXT_WIDTH_MM = 170  # A4 less the margins


def to_docx(document: Document) -> bytes:
    doc = docx.Document()
    _set_up(doc, document)
    for block in document.blocks:
        _block(doc, block, depth=0)
    output = BytesIO()
    doc.save(output)
    return output.getvalue()


def _set_up(doc, document: Document) -> None:
    properties = doc.core_properties
    properties.title = document.title
    properties.author = document.author
    properties.last_modified_by = document.author
    properties.subject = document.subject
    properties.language = document.language
    properties.comments = ""
    properties.keywords = ""
    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)
    # Sober headings, as in the PDF: black, the title at 16 pt.
    for name, size in (
        ("Title", 16),
        ("Heading 1", 14),
        ("Heading 2", 12),
        ("Heading 3", 11),
        ("Heading 4", 10.5),
    ):
        doc.styles[name].font.size = Pt(size)
        doc.styles[name].font.color.rgb = RGBColor(0, 0, 0)
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), document.language)
    normal.element.get_or_add_rPr().append(language)
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(22), Mm(24)
    section.left_margin, section.right_margin = Mm(20), Mm(20)
    if document.header:
        _margin_text(section.header.paragraphs[0], document.header, page_numbers=False)
    if document.footer or document.page_numbers:
        _margin_text(section.footer.paragraphs[0], document.footer, page_numbers=document.page_numbers)


def _margin_text(paragraph, lines: list[str], *, page_numbers: bool) -> None:
    for index, line in enumerate(lines):
        run = paragraph.add_run(line)
        run.font.size = Pt(8)
        if index < len(lines) - 1 or page_numbers:
            run.add_break()
    if page_numbers:
        for part in ("page ", "PAGE", " / ", "NUMPAGES"):
            run = paragraph.add_run() if part.isupper() else paragraph.add_run(part)
            run.font.size = Pt(8)
            if part.isupper():
                _field(run, part)


def _field(run, code: str) -> None:
    """A field Word computes when it lays the page out (PAGE, NUMPAGES)."""
    for kind, text in (("begin", None), (None, code), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text == code:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {code} "
        else:
            element = OxmlElement("w:t")
            element.text = text
        run._r.append(element)


def _block(container, block, *, depth: int) -> None:
    if isinstance(block, Heading):
        if block.level == 0:
            paragraph = container.add_paragraph(block.text, style="Title")
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        else:
            paragraph = container.add_paragraph(block.text, style=f"Heading {block.level}")
            paragraph.paragraph_format.page_break_before = block.new_page or None
    elif isinstance(block, Paragraph):
        _paragraph(container, block)
    elif isinstance(block, ListBlock):
        _list(container, block, depth=depth)
    elif isinstance(block, Table):
        _table(container, block)
    elif isinstance(block, Blank):
        _blank(container, block)
    else:  # pragma: no cover - a new kind of block must get its writer
        raise TypeError(f"unknown block {block!r}")


def _paragraph(container, block: Paragraph, *, style: str | None = None):
    paragraph = container.add_paragraph(style=style)
    # A justified line that ends with a line break would be stretched to the margin.
    plain = style or any("\n" in run.text for run in block.runs)
    alignment = block.align or ("left" if plain else _STYLE_ALIGN.get(block.style, "justify"))
    paragraph.alignment = _ALIGN[alignment]
    for run in block.runs:
        parts = run.text.split("\n")
        for index, part in enumerate(parts):
            written = paragraph.add_run(part)
            if index < len(parts) - 1:
                written.add_break()
            written.bold = run.bold or None
            written.italic = run.italic or None
            if block.style in ("small", "kicker"):
                written.font.size = Pt(9)
            if block.style == "kicker":
                written.font.all_caps = True
    return paragraph


def _list(container, block: ListBlock, *, depth: int) -> None:
    level = min(depth, 2)
    suffix = f" {level + 1}" if level else ""
    numbering = None
    for item in block.items:
        first = True
        for part in item:
            if isinstance(part, Paragraph):
                if block.marker in ("bullet", "number") and first:
                    style = ("List Bullet" if block.marker == "bullet" else "List Number") + suffix
                    paragraph = _paragraph(container, part, style=style)
                    if block.marker == "number":  # each list counts from 1
                        numbering = numbering or _restarted_numbering(paragraph)
                        paragraph._p.get_or_add_pPr().get_or_add_numPr().get_or_add_numId().val = numbering
                elif block.marker in ("bullet", "number"):
                    paragraph = _paragraph(container, part, style="List Continue")
                    paragraph.paragraph_format.left_indent = INDENT * (depth + 1)
                else:
                    paragraph = _paragraph(container, part)
                    paragraph.paragraph_format.left_indent = INDENT * (depth + 1)
                    if first:
                        paragraph.paragraph_format.first_line_indent = -INDENT
                paragraph.paragraph_format.space_after = Pt(2)
                first = False
            elif isinstance(part, ListBlock):
                _list(container, part, depth=depth + 1)
            else:
                _block(container, part, depth=depth + 1)


def _restarted_numbering(paragraph) -> int:
    """A numbering of the paragraph's list style that starts again from 1."""
    numbering = paragraph.part.numbering_part.element
    style_numbering = paragraph.style.element.pPr.numPr.numId.val
    num = numbering.add_num(numbering.num_having_numId(style_numbering).abstractNumId.val)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def _table(container, block: Table) -> None:
    table = container.add_table(rows=len(block.rows), cols=block.columns)
    table.style = "Table Grid"
    table.autofit = False
    widths = [Mm(TEXT_WIDTH_MM * share) for share in block.column_shares()]
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row_index, (row, cells) in enumerate(zip(table.rows, block.rows, strict=True)):
        if row_index < block.header_rows:
            header = OxmlElement("w:tblHeader")
            row._tr.get_or_add_trPr().append(header)  # repeated at the top of each page
        for cell, content, width in zip(row.cells, cells, widths, strict=False):
            cell.width = width
            for part in content.blocks:
                if isinstance(part, Paragraph):
                    _paragraph(cell, part, style="Normal").alignment = _ALIGN[content.align or "left"]
                else:
                    _block(cell, part, depth=0)
            if len(cell.paragraphs) > 1:  # a new cell comes with an empty paragraph
                cell._tc.remove(cell.paragraphs[0]._p)
    container.add_paragraph()


def _blank(container, block: Blank) -> None:
    table = container.add_table(rows=1, cols=1)
    table.style = "Table Grid"
    table.autofit = False
    row = table.rows[0]
    row.height = Mm(block.height_mm)
    row.height_rule = WD_ROW_HEIGHT_RULE.EXACTLY
    table.columns[0].width = Mm(80)
    row.cells[0].width = Mm(80)
    container.add_paragraph()
