"""HTML fragments (our own escaped output: Markdown rendered without raw HTML) as document
blocks: paragraphs with bold and italic runs, headings, nested lists and tables. Whitespace is
collapsed as a browser would; a <br> is a line break."""

import re

from lxml import html as lxml_html

from .model import Cell, Heading, ListBlock, Paragraph, Run, Table

_CONTAINERS = {"div", "section", "article", "header", "footer", "main", "aside", "blockquote", "figure"}
_BLOCKS = {"p", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "hr"} | _CONTAINERS
_SPACES = re.compile(r"[ \t\r\n\f]+")
_ALIGN_CLASS = re.compile(r"\balign-(left|right|center)\b")
_ALIGN_STYLE = re.compile(r"text-align:\s*(left|right|center)")


def html_blocks(fragment: str, *, heading_shift: int = 0) -> list:
    """The blocks of an HTML fragment. An <hN> becomes a heading of level N + `heading_shift`
    (kept between 1 and 4)."""
    if not fragment or not fragment.strip():
        return []
    root = lxml_html.fragment_fromstring(str(fragment), create_parent="div")
    return _Walker(heading_shift).blocks(root)


def _align(element) -> str:
    match = _ALIGN_CLASS.search(element.get("class", "")) or _ALIGN_STYLE.search(element.get("style", ""))
    return match.group(1) if match else ""


def _is_element(node) -> bool:
    return isinstance(node.tag, str)  # comments and processing instructions have a callable tag


class _Walker:
    def __init__(self, heading_shift: int):
        self.heading_shift = heading_shift

    def blocks(self, element, *, bold: bool = False) -> list:
        """The blocks inside a container; loose inline content between blocks becomes paragraphs."""
        blocks, pending = [], []

        def flush():
            paragraph = paragraph_of(pending)
            pending.clear()
            if paragraph:
                blocks.append(paragraph)

        if element.text:
            pending.append(Run(element.text, bold=bold))
        for child in element:
            if _is_element(child) and child.tag in _BLOCKS:
                flush()
                blocks.extend(self.block(child, bold=bold))
            elif _is_element(child):
                pending.extend(self.runs(child, bold=bold, italic=False))
            if child.tail:
                pending.append(Run(child.tail, bold=bold))
        flush()
        return blocks

    def block(self, element, *, bold: bool) -> list:
        tag = element.tag
        if tag in ("p", "pre"):
            paragraph = paragraph_of(self.inline(element, bold=bold), align=_align(element))
            return [paragraph] if paragraph else []
        if tag[0] == "h" and tag[1:].isdigit():
            text = paragraph_of(self.inline(element, bold=False))
            level = min(max(int(tag[1:]) + self.heading_shift, 1), 4)
            return [Heading(text=text.text, level=level)] if text else []
        if tag in ("ul", "ol"):
            items = [self.blocks(li, bold=bold) for li in element if _is_element(li) and li.tag == "li"]
            return [ListBlock(items=items, marker="number" if tag == "ol" else "bullet")]
        if tag == "table":
            return [self.table(element)]
        if tag == "hr":
            return []
        return self.blocks(element, bold=bold)

    def table(self, element) -> Table:
        rows, header_rows = [], 0
        for tr in element.iter("tr"):
            cells = [
                Cell(blocks=self.blocks(cell, bold=cell.tag == "th"), align=_align(cell))
                for cell in tr
                if _is_element(cell) and cell.tag in ("td", "th")
            ]
            if tr.getparent().tag == "thead":
                header_rows += 1
            rows.append(cells)
        return Table(rows=rows, header_rows=header_rows)

    def inline(self, element, *, bold: bool) -> list[Run]:
        runs = [Run(element.text, bold=bold)] if element.text else []
        for child in element:
            if _is_element(child):
                runs.extend(self.runs(child, bold=bold, italic=False))
            if child.tail:
                runs.append(Run(child.tail, bold=bold))
        return runs

    def runs(self, element, *, bold: bool, italic: bool) -> list[Run]:
        if element.tag == "br":
            return [Run("\n", bold=bold, italic=italic)]
        bold = bold or element.tag in ("strong", "b")
        italic = italic or element.tag in ("em", "i")
        runs = [Run(element.text, bold=bold, italic=italic)] if element.text else []
        for child in element:
            if _is_element(child):
                runs.extend(self.runs(child, bold=bold, italic=italic))
            if child.tail:
                runs.append(Run(child.tail, bold=bold, italic=italic))
        return runs


def paragraph_of(runs: list[Run], *, align: str = "", style: str = "body") -> Paragraph | None:
    """A paragraph of `runs` with whitespace collapsed as HTML shows it; None if it is blank."""
    cleaned: list[Run] = []
    for run in runs:
        text = run.text if run.text == "\n" else _SPACES.sub(" ", run.text)
        previous = cleaned[-1].text if cleaned else "\n"
        if previous.endswith((" ", "\n")):
            text = text.lstrip(" ")
        if text == "\n" and cleaned:
            cleaned[-1].text = cleaned[-1].text.rstrip(" ")
        if not text:
            continue
        if cleaned and (cleaned[-1].bold, cleaned[-1].italic) == (run.bold, run.italic):
            cleaned[-1].text += text
        else:
            cleaned.append(Run(text, bold=run.bold, italic=run.italic))
    while cleaned and not cleaned[-1].text.strip():
        cleaned.pop()
    if cleaned:
        cleaned[-1].text = cleaned[-1].text.rstrip()
    if not any(run.text.strip() for run in cleaned):
        return None
    return Paragraph(runs=cleaned, align=align, style=style)
