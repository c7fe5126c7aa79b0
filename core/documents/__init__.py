"""Structured documents and their writers: a document made of headings, paragraphs, lists,
tables and blank boxes, written as Word (DOCX) or OpenDocument (ODT). Nothing here knows what a
convention is; an application assembles the blocks (`html_blocks` turns its own HTML fragments
into blocks) and picks a writer."""

from .html import html_blocks, paragraph_of
from .model import Blank, Cell, Document, Heading, ListBlock, Paragraph, Run, Table
from .odt import to_odt
from .word import to_docx

WRITERS = {
    "docx": (to_docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "odt": (to_odt, "application/vnd.oasis.opendocument.text"),
}

__all__ = [
    "WRITERS",
    "Blank",
    "Cell",
    "Document",
    "Heading",
    "ListBlock",
    "Paragraph",
    "Run",
    "Table",
    "html_blocks",
    "paragraph_of",
    "to_docx",
    "to_odt",
]
