"""Reading Word and OpenDocument files back with their libraries, for the tests: the body's
paragraphs in order (headings with their level), the tables, and the header and footer."""

from dataclasses import dataclass
from io import BytesIO

import docx
from odf import table as odf_table
from odf import teletype
from odf import text as odf_text
from odf.namespaces import TEXTNS
from odf.opendocument import load as load_odt
from odf.style import Footer, Header


@dataclass
class OfficeFile:
    lines: list[str]  # every paragraph of the body, table cells included, in order
    headings: list[tuple[int, str]]  # (level, text); level 0 is the title
    tables: list[list[list[str]]]
    header: str
    footer: str

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def read_docx(data: bytes) -> OfficeFile:
    document = docx.Document(BytesIO(data))
    lines, headings, tables = [], [], []
    for part in document.iter_inner_content():
        if isinstance(part, docx.table.Table):
            rows = [[cell.text for cell in row.cells] for row in part.rows]
            tables.append(rows)
            lines.extend(text for row in rows for text in row)
            continue
        lines.append(part.text)
        style = part.style.name
        if style == "Title":
            headings.append((0, part.text))
        elif style.startswith("Heading "):
            headings.append((int(style.split()[1]), part.text))
    section = document.sections[0]
    return OfficeFile(
        lines=lines,
        headings=headings,
        tables=tables,
        header="\n".join(p.text for p in section.header.paragraphs),
        footer="\n".join(p.text for p in section.footer.paragraphs),
    )


def read_odt(data: bytes) -> OfficeFile:
    document = load_odt(BytesIO(data))
    lines, headings = [], []

    def walk(node):
        for child in node.childNodes:
            if child.nodeType != child.ELEMENT_NODE:
                continue
            if child.qname in ((TEXTNS, "p"), (TEXTNS, "h")):
                text = teletype.extractText(child)
                lines.append(text)
                if child.qname == (TEXTNS, "h"):
                    headings.append((int(child.getAttribute("outlinelevel")), text))
                elif str(child.getAttribute("stylename")) == "Title":
                    headings.append((0, text))
            else:
                walk(child)

    walk(document.text)
    tables = [
        [
            [
                "\n".join(teletype.extractText(p) for p in cell.getElementsByType(odf_text.P))
                for cell in row.getElementsByType(odf_table.TableCell)
            ]
            for row in table.getElementsByType(odf_table.TableRow)
        ]
        for table in document.text.getElementsByType(odf_table.Table)
    ]

    def margin(kind):
        return "\n".join(
            teletype.extractText(p)
            for element in document.masterstyles.getElementsByType(kind)
            for p in element.getElementsByType(odf_text.P)
        )

    return OfficeFile(
        lines=lines, headings=headings, tables=tables, header=margin(Header), footer=margin(Footer)
    )


def read(data: bytes, fmt: str) -> OfficeFile:
    return read_docx(data) if fmt == "docx" else read_odt(data)
