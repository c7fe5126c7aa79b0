"""A structured document as OpenDocument text (ODT), with odfpy: named styles that LibreOffice
and Word know (Title, Heading 1-4, Text body), real lists and tables, the header and footer on
the page style."""

from io import BytesIO

from odf import dc, meta
from odf import style as s
from odf import table as tb
from odf import text as t
from odf.opendocument import OpenDocumentText
from odf.teletype import addTextToElement

from .model import Blank, Document, Heading, ListBlock, Paragraph, Table

INDENT_CM = 0.7
_HEADING_SIZES = {1: "14pt", 2: "12pt", 3: "11pt", 4: "10.5pt"}
_BORDER = "0.5pt solid #444444"


def to_odt(document: Document) -> bytes:
    writer = _Writer(document)
    for block in document.blocks:
        writer.block(writer.doc.text, block, depth=0)
    output = BytesIO()
    writer.doc.write(output)
    return output.getvalue()


class _Writer:
    def __init__(self, document: Document):
        self.doc = OpenDocumentText()
        self.tables = 0
        self.automatic: dict[tuple, s.Style] = {}
        language, _, country = document.language.partition("-")
        self._meta(document)
        self._styles(language, country)
        self._page(document)

    # --- Styles ---------------------------------------------------------------------------

    def _meta(self, document: Document) -> None:
        for element in (
            dc.Title(text=document.title),
            dc.Subject(text=document.subject),
            dc.Language(text=document.language),
            meta.InitialCreator(text=document.author),
            dc.Creator(text=document.author),
        ):
            self.doc.meta.addElement(element)

    def _style(self, name, family, *, parent=None, paragraph=None, text=None, display=None):
        attributes = {"name": name, "family": family}
        if parent:
            attributes["parentstylename"] = parent
        if display:
            attributes["displayname"] = display
        style = s.Style(**attributes)
        if paragraph:
            style.addElement(s.ParagraphProperties(**paragraph))
        if text:
            style.addElement(s.TextProperties(**text))
        self.doc.styles.addElement(style)
        return style

    def _styles(self, language: str, country: str) -> None:
        default = s.DefaultStyle(family="paragraph")
        default.addElement(s.TextProperties(fontsize="10.5pt", language=language, country=country.upper()))
        self.doc.styles.addElement(default)
        self._style("Standard", "paragraph")
        body = {"textalign": "justify", "marginbottom": "0.2cm", "margintop": "0cm"}
        self._style("Text_20_body", "paragraph", parent="Standard", paragraph=body, display="Text body")
        self._style(
            "Title",
            "paragraph",
            parent="Standard",
            paragraph={"textalign": "center", "marginbottom": "0.2cm"},
            text={"fontsize": "16pt", "fontweight": "bold"},
        )
        self._style("Centered", "paragraph", parent="Text_20_body", paragraph={"textalign": "center"})
        small = {"fontsize": "9pt"}
        self._style("Small", "paragraph", parent="Centered", text=small)
        self._style("Kicker", "paragraph", parent="Centered", text={**small, "texttransform": "uppercase"})
        self._style(
            "Heading",
            "paragraph",
            parent="Standard",
            paragraph={"keepwithnext": "always", "margintop": "0.4cm", "marginbottom": "0.15cm"},
            text={"fontweight": "bold"},
        )
        for level, size in _HEADING_SIZES.items():
            style = self._style(
                f"Heading_20_{level}",
                "paragraph",
                parent="Heading",
                text={"fontsize": size},
                display=f"Heading {level}",
            )
            style.setAttribute("defaultoutlinelevel", str(level))
        self._style("Table_20_Contents", "paragraph", parent="Standard", display="Table Contents")
        for name in ("Header", "Footer"):
            self._style(name, "paragraph", parent="Standard", text={"fontsize": "8pt"})
        self._style("Strong_20_Emphasis", "text", text={"fontweight": "bold"}, display="Strong Emphasis")
        self._style("Emphasis", "text", text={"fontstyle": "italic"})
        self._style("Strong_20_Italic", "text", text={"fontweight": "bold", "fontstyle": "italic"})
        bullets = t.ListStyle(name="Bullets")
        for level in range(1, 6):
            bullet = t.ListLevelStyleBullet(level=level, bulletchar="•")
            bullet.addElement(
                s.ListLevelProperties(spacebefore=f"{INDENT_CM * (level - 1):.1f}cm", minlabelwidth="0.6cm")
            )
            bullets.addElement(bullet)
        self.doc.styles.addElement(bullets)
        numbers = t.ListStyle(name="Numbers")
        for level in range(1, 6):
            number = t.ListLevelStyleNumber(level=level, numformat="1", numsuffix=".")
            number.addElement(
                s.ListLevelProperties(spacebefore=f"{INDENT_CM * (level - 1):.1f}cm", minlabelwidth="0.6cm")
            )
            numbers.addElement(number)
        self.doc.styles.addElement(numbers)

    def _page(self, document: Document) -> None:
        layout = s.PageLayout(name="A4")
        layout.addElement(
            s.PageLayoutProperties(
                pagewidth="21cm",
                pageheight="29.7cm",
                printorientation="portrait",
                margintop="1.2cm",
                marginbottom="1.2cm",
                marginleft="2cm",
                marginright="2cm",
            )
        )
        header_style, footer_style = s.HeaderStyle(), s.FooterStyle()
        header_style.addElement(s.HeaderFooterProperties(minheight="0.6cm", marginbottom="0.5cm"))
        footer_style.addElement(s.HeaderFooterProperties(minheight="0.6cm", margintop="0.5cm"))
        layout.addElement(header_style)
        layout.addElement(footer_style)
        self.doc.automaticstyles.addElement(layout)
        master = s.MasterPage(name="Standard", pagelayoutname=layout)
        if document.header:
            header = s.Header()
            for line in document.header:
                header.addElement(t.P(stylename="Header", text=line))
            master.addElement(header)
        if document.footer or document.page_numbers:
            footer = s.Footer()
            for line in document.footer:
                footer.addElement(t.P(stylename="Footer", text=line))
            if document.page_numbers:
                numbers = t.P(stylename="Footer", text="page ")
                numbers.addElement(t.PageNumber(selectpage="current", text="1"))
                addTextToElement(numbers, " / ")
                numbers.addElement(t.PageCount(text="1"))
                footer.addElement(numbers)
            master.addElement(footer)
        self.doc.masterstyles.addElement(master)

    def automatic_style(self, key: tuple, make) -> s.Style:
        """An automatic (content) style made once per key."""
        if key not in self.automatic:
            style = make(f"P{len(self.automatic) + 1}")
            self.doc.automaticstyles.addElement(style)
            self.automatic[key] = style
        return self.automatic[key]

    def paragraph_style(self, base: str, *, align: str = "", indent: int = 0, hanging: bool = False):
        if not align and not indent:
            return base

        def make(name):
            style = s.Style(name=name, family="paragraph", parentstylename=base)
            properties = {"textalign": {"left": "start", "right": "end"}.get(align, align)} if align else {}
            if indent:
                properties["marginleft"] = f"{INDENT_CM * indent:.1f}cm"
                properties["marginbottom"] = "0.05cm"
            if hanging:
                properties["textindent"] = f"-{INDENT_CM:.1f}cm"
            style.addElement(s.ParagraphProperties(**properties))
            return style

        return self.automatic_style(("p", base, align, indent, hanging), make)

    # --- Blocks ---------------------------------------------------------------------------

    def block(self, parent, block, *, depth: int) -> None:
        if isinstance(block, Heading):
            if block.level == 0:
                parent.addElement(t.P(stylename="Title", text=block.text))
            else:
                style = f"Heading_20_{block.level}"
                if block.new_page:
                    style = self.automatic_style(
                        ("new page", style), lambda name, base=style: _new_page(name, base)
                    )
                parent.addElement(t.H(outlinelevel=block.level, stylename=style, text=block.text))
        elif isinstance(block, Paragraph):
            style = {"centered": "Centered", "small": "Small", "kicker": "Kicker"}.get(
                block.style, "Text_20_body"
            )
            # A justified line that ends with a line break would be stretched to the margin.
            broken = style == "Text_20_body" and any("\n" in run.text for run in block.runs)
            align = block.align or ("start" if broken else "")
            parent.addElement(self.paragraph(block, self.paragraph_style(style, align=align)))
        elif isinstance(block, ListBlock):
            self.write_list(parent, block, depth=depth)
        elif isinstance(block, Table):
            self.table(parent, block)
        elif isinstance(block, Blank):
            self.blank(parent, block)
        else:  # pragma: no cover - a new kind of block must get its writer
            raise TypeError(f"unknown block {block!r}")

    def paragraph(self, block: Paragraph, stylename):
        element = t.P(stylename=stylename)
        for run in block.runs:
            span_style = {(True, False): "Strong_20_Emphasis", (False, True): "Emphasis"}.get(
                (run.bold, run.italic), "Strong_20_Italic" if run.bold else None
            )
            target = t.Span(stylename=span_style) if span_style else element
            addTextToElement(target, run.text)
            if span_style:
                element.addElement(target)
        return element

    def write_list(self, parent, block: ListBlock, *, depth: int) -> None:
        if block.marker in ("bullet", "number"):
            element = t.List(stylename="Bullets" if block.marker == "bullet" else "Numbers")
            for item in block.items:
                list_item = t.ListItem()
                for part in item:
                    if isinstance(part, Paragraph):
                        style = self.paragraph_style("Text_20_body", align="start")
                        list_item.addElement(self.paragraph(part, style))
                    elif isinstance(part, ListBlock):
                        self.write_list(list_item, part, depth=depth + 1)
                    else:
                        self.block(list_item, part, depth=0)
                element.addElement(list_item)
            parent.addElement(element)
            return
        # Items that carry their own label (a), 1°): hanging paragraphs.
        for item in block.items:
            first = True
            for part in item:
                if isinstance(part, Paragraph):
                    style = self.paragraph_style("Text_20_body", indent=depth + 1, hanging=first)
                    parent.addElement(self.paragraph(part, style))
                    first = False
                elif isinstance(part, ListBlock):
                    self.write_list(parent, part, depth=depth + 1)
                else:
                    self.block(parent, part, depth=depth + 1)

    def _table_styles(self, width_cm: float, shares: list[float], height: str = ""):
        def table_style(name):
            style = s.Style(name=name, family="table")
            style.addElement(s.TableProperties(width=f"{width_cm}cm", align="left"))
            return style

        def column_style(name, share):
            style = s.Style(name=name, family="table-column")
            style.addElement(s.TableColumnProperties(columnwidth=f"{width_cm * share:.2f}cm"))
            return style

        def cell_style(name):
            style = s.Style(name=name, family="table-cell")
            style.addElement(s.TableCellProperties(border=_BORDER, padding="0.1cm"))
            return style

        def row_style(name):
            style = s.Style(name=name, family="table-row")
            style.addElement(s.TableRowProperties(rowheight=height))
            return style

        return (
            self.automatic_style(("table", width_cm), table_style),
            [
                self.automatic_style(
                    ("column", width_cm, round(share, 3)), lambda n, x=share: column_style(n, x)
                )
                for share in shares
            ],
            self.automatic_style(("cell",), cell_style),
            self.automatic_style(("row", height), row_style) if height else None,
        )

    def _new_table(self, stylename):
        self.tables += 1
        return tb.Table(name=f"Tableau{self.tables}", stylename=stylename)

    def table(self, parent, block: Table) -> None:
        table_style, column_styles, cell_style, _ = self._table_styles(17, block.column_shares())
        element = self._new_table(table_style)
        for column_style in column_styles:
            element.addElement(tb.TableColumn(stylename=column_style))
        header = tb.TableHeaderRows() if block.header_rows else None
        if header is not None:
            element.addElement(header)
        for index, row in enumerate(block.rows):
            row_element = tb.TableRow()
            for cell in row:
                cell_element = tb.TableCell(stylename=cell_style, valuetype="string")
                for part in cell.blocks:
                    if isinstance(part, Paragraph):
                        style = self.paragraph_style("Table_20_Contents", align=cell.align)
                        cell_element.addElement(self.paragraph(part, style))
                    else:
                        self.block(cell_element, part, depth=0)
                if not cell.blocks:
                    cell_element.addElement(t.P(stylename="Table_20_Contents"))
                row_element.addElement(cell_element)
            for _ in range(block.columns - len(row)):
                row_element.addElement(tb.TableCell(stylename=cell_style))
            (header if header is not None and index < block.header_rows else element).addElement(row_element)
        parent.addElement(element)

    def blank(self, parent, block: Blank) -> None:
        table_style, column_styles, cell_style, row_style = self._table_styles(8, [1], f"{block.height_mm}mm")
        element = self._new_table(table_style)
        element.addElement(tb.TableColumn(stylename=column_styles[0]))
        row = tb.TableRow(stylename=row_style)
        cell = tb.TableCell(stylename=cell_style)
        cell.addElement(t.P(stylename="Table_20_Contents"))
        row.addElement(cell)
        element.addElement(row)
        parent.addElement(element)


def _new_page(name: str, base: str) -> s.Style:
    style = s.Style(name=name, family="paragraph", parentstylename=base)
    style.addElement(s.ParagraphProperties(breakbefore="page"))
    return style
