"""The blocks of a structured document. Text is plain text (never markup): a writer escapes
nothing and interprets nothing. A line break inside a paragraph is a "\\n" in a run's text."""

from dataclasses import dataclass, field


@dataclass
class Run:
    text: str
    bold: bool = False
    italic: bool = False


@dataclass
class Paragraph:
    runs: list[Run]
    # "body", "centered", "small" (a centred small line, as under a title) or "kicker" (a
    # centred small upper-case line above a title).
    style: str = "body"
    align: str = ""  # "", "left", "center" or "right"

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass
class Heading:
    text: str
    level: int  # 0 is the document's title, 1 to 4 its headings
    new_page: bool = False  # starts a page


@dataclass
class ListBlock:
    """Items, each a list of blocks (paragraphs and nested lists). `marker`: "bullet", "number",
    or "none" when each item carries its own label (a), 1°…) in its text."""

    items: list[list]
    marker: str = "bullet"


@dataclass
class Cell:
    blocks: list
    align: str = ""


@dataclass
class Table:
    rows: list[list[Cell]]
    header_rows: int = 0

    @property
    def columns(self) -> int:
        return max((len(row) for row in self.rows), default=0)

    def column_shares(self) -> list[float]:
        """Each column's share of the width, after its longest text (a narrow column of figures
        beside a wide column of words), none under a tenth of the others' average."""
        longest = [0] * self.columns
        for row in self.rows:
            for index, cell in enumerate(row):
                text = " ".join(block.text for block in cell.blocks if isinstance(block, Paragraph))
                longest[index] = max(longest[index], len(text))
        weights = [min(max(length, 6), 60) for length in longest]
        return [weight / sum(weights) for weight in weights]


@dataclass
class Blank:
    """A framed empty space, to write or sign in."""

    height_mm: int = 22


@dataclass
class Document:
    blocks: list
    title: str = ""
    author: str = ""
    subject: str = ""
    language: str = "fr-BE"
    # Lines repeated on every page, above and below the text; the footer ends with the page
    # number ("page 2 / 7") when `page_numbers` is set.
    header: list[str] = field(default_factory=list)
    footer: list[str] = field(default_factory=list)
    page_numbers: bool = True
