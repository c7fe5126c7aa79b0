"""The structured document and its writers, without any convention: our HTML fragments walked
into blocks, then written as Word and OpenDocument files that their libraries open again with
the same text, the headings as headings, the tables as tables, the lists as lists."""

import zipfile
from io import BytesIO

import docx
import pytest
from odf import table as odf_table
from odf import text as odf_text
from odf.opendocument import load as load_odt

from core.documents import (
    WRITERS,
    Blank,
    Document,
    Heading,
    ListBlock,
    Paragraph,
    Run,
    Table,
    html_blocks,
    to_docx,
    to_odt,
)
from tests.office_files import read

FRAGMENT = """<h3>Préambule</h3>
<p>Un <strong>mot gras</strong> et un <em>mot penché</em>,
sur deux lignes<br>
puis une autre.</p>
<ul>
<li>1° premier
<ul>
<li>a) dedans</li>
</ul>
</li>
<li><p>lâche</p><p>deuxième paragraphe</p></li>
</ul>
<ol><li>un</li><li>deux</li></ol>
<table><thead><tr><th>Membres</th><th class="align-right">ETP</th></tr></thead>
<tbody><tr><td>Conseillers</td><td class="align-right">41,2</td></tr>
<tr><td><strong>TOTAL</strong></td><td class="align-right"><strong>63,2</strong></td></tr></tbody></table>
<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; fin</p>"""


def test_html_fragments_become_blocks_with_the_whitespace_a_browser_shows():
    heading, paragraph, bullets, numbers, table, escaped = html_blocks(FRAGMENT, heading_shift=-2)
    assert heading == Heading("Préambule", level=1)
    assert paragraph.runs == [
        Run("Un "),
        Run("mot gras", bold=True),
        Run(" et un "),
        Run("mot penché", italic=True),
        Run(", sur deux lignes\npuis une autre."),
    ]
    assert bullets.marker == "bullet" and len(bullets.items) == 2
    first, nested = bullets.items[0]
    assert first.text == "1° premier" and nested.items[0][0].text == "a) dedans"
    assert [p.text for p in bullets.items[1]] == ["lâche", "deuxième paragraphe"]
    assert numbers.marker == "number" and [item[0].text for item in numbers.items] == ["un", "deux"]
    assert table.header_rows == 1 and table.columns == 2
    assert [[c.blocks[0].text for c in row] for row in table.rows][-1] == ["TOTAL", "63,2"]
    assert table.rows[1][1].align == "right" and table.rows[2][1].blocks[0].runs[0].bold
    assert escaped.text == "<script>alert(1)</script> & fin"
    assert html_blocks("") == [] and html_blocks("<p> </p>\n") == []


def sample() -> Document:
    return Document(
        blocks=[
            Paragraph([Run("Convention")], style="kicker"),
            Heading("Titre du document", level=0),
            *html_blocks(FRAGMENT, heading_shift=-2),
            Heading("Annexe", level=1, new_page=True),
            ListBlock(items=[[Paragraph([Run("a)", bold=True), Run(" une action")])]], marker="none"),
            Blank(height_mm=20),
        ],
        title="Titre du document",
        author="Fédération",
        header=["En-tête"],
        footer=["Pied de page"],
    )


@pytest.mark.parametrize("fmt", ["docx", "odt"])
def test_both_writers_keep_the_text_the_headings_and_the_tables(fmt):
    write, content_type = WRITERS[fmt]
    document = read(write(sample()), fmt)
    assert document.headings == [(0, "Titre du document"), (1, "Préambule"), (1, "Annexe")]
    assert "Un mot gras et un mot penché, sur deux lignes\npuis une autre." in document.lines
    for line in ("1° premier", "a) dedans", "lâche", "deuxième paragraphe", "un", "deux", "a) une action"):
        assert line in document.lines
    assert "<script>alert(1)</script> & fin" in document.lines
    etp, blank = document.tables
    assert etp == [["Membres", "ETP"], ["Conseillers", "41,2"], ["TOTAL", "63,2"]]
    assert blank == [[""]]
    assert document.header == "En-tête"
    assert document.footer.startswith("Pied de page\npage ")
    assert content_type.startswith("application/vnd.")


def test_the_word_file_uses_words_styles_lists_fields_and_language():
    data = to_docx(sample())
    document = docx.Document(BytesIO(data))
    styles = [p.style.name for p in document.paragraphs]
    assert styles.count("List Bullet") == 2 and "List Bullet 2" in styles and styles.count("List Number") == 2
    assert document.core_properties.title == "Titre du document"
    assert document.core_properties.author == "Fédération"
    annex = next(p for p in document.paragraphs if p.text == "Annexe")
    assert annex.paragraph_format.page_break_before
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.xpath("./w:tblHeader")  # repeated on each page
    xml = zipfile.ZipFile(BytesIO(data)).read("word/footer1.xml").decode()
    assert " PAGE " in xml and " NUMPAGES " in xml
    assert 'w:val="fr-BE"' in zipfile.ZipFile(BytesIO(data)).read("word/styles.xml").decode()


def test_the_opendocument_file_has_real_lists_a_header_row_and_page_numbers():
    data = to_odt(sample())
    document = load_odt(BytesIO(data))
    lists = document.text.getElementsByType(odf_text.List)
    assert len(lists) == 3  # the bullets, the list inside them, the numbers
    assert document.text.getElementsByType(odf_table.TableHeaderRows)
    assert document.masterstyles.getElementsByType(odf_text.PageNumber)
    assert document.masterstyles.getElementsByType(odf_text.PageCount)
    assert zipfile.ZipFile(BytesIO(data)).read("mimetype") == b"application/vnd.oasis.opendocument.text"
    meta = zipfile.ZipFile(BytesIO(data)).read("meta.xml").decode()
    assert "<dc:title>Titre du document</dc:title>" in meta and "fr-BE" in meta


def test_a_table_gives_its_narrow_column_of_figures_less_room():
    table = html_blocks(FRAGMENT)[4]
    assert isinstance(table, Table)
    words, figures = table.column_shares()
    assert words > figures and abs(words + figures - 1) < 1e-9
