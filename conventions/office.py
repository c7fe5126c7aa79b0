"""A convention as an editable document (Word, OpenDocument): the blocks of `core.documents`
assembled from the same `document_context` as the preview and the PDF, in the order of
templates/conventions/includes/document.html, so that the three carry the same text."""

from itertools import groupby

from django.conf import settings

from core.documents import Blank, Document, Heading, ListBlock, Paragraph, Run, html_blocks
from core.text import lower_first

from .models import ConventionDocument
from .rendering import DocumentContext, document_context, text_version

# The page's <h2> is the document's title, so its <h3> (an article) is a level-1 heading.
HEADING_SHIFT = -2


def convention_document(convention, *, stored: ConventionDocument | None) -> Document:
    """The convention as a structured document. `stored` is its latest stored PDF, whose
    SHA-256 a frozen text carries in its footer."""
    doc = document_context(convention)
    version = text_version(convention)
    reference = convention.reference
    if convention.is_frozen:
        header = [f"{reference} – version {version} – {convention.get_state_display()}"]
        footer = [f"Copie modifiable : seul le PDF conservé fait foi (vérifier : {_verification_url()})."]
        if stored is not None:
            footer.insert(
                0,
                f"SHA-256 du PDF conservé (révision {stored.revision}, {lower_first(stored.get_kind_display())}) : "
                f"{stored.sha256}",
            )
    else:
        header = ["PROJET – ne pas signer"]
        footer = [f"{reference} – version {version} – PROJET, ne pas signer"]
    return Document(
        blocks=_blocks(doc),
        title=f"{convention.template.title} – {reference}",
        author=convention.federation.name,
        subject=f"Convention {reference} entre {convention.federation.name} et "
        f"{convention.organising_authority.name}",
        header=header,
        footer=footer,
    )


def _verification_url() -> str:
    return settings.SITE_URL.rstrip("/") + "/verifier/"


def _html(fragment) -> list:
    return html_blocks(fragment, heading_shift=HEADING_SHIFT)


def _blocks(doc: DocumentContext) -> list:
    convention, template = doc.convention, doc.convention.template
    reference = f"Référence {convention.reference}"
    if convention.amendment_of_id:
        reference += f" – avenant à la convention {convention.amendment_of.reference}"
    blocks = [
        Paragraph([Run(template.get_kind_display())], style="kicker"),
        Heading(template.title, level=0),
        Paragraph([Run(reference)], style="small"),
    ]
    if convention.amendment_ground:
        blocks.append(Paragraph([Run(f"Motif de l'avenant : {convention.amendment_ground}")], style="small"))
    blocks += _html(doc.parties) + _html(doc.preamble)
    for article in doc.articles:
        if doc.titles_first:  # the heading, then « Article 1er » (CECP)
            titles = [Heading(article.title, level=1)] if article.title else []
            blocks += [*titles, Heading(f"Article {article.number}", level=2), *_html(article.body)]
            continue
        title = f"Article {article.number}" + (f" – {article.title}" if article.title else "")
        blocks += [Heading(title, level=1), *_html(article.body)]
    blocks += _html(doc.closing)
    blocks += _laid_out_signatures(doc) if doc.signature_blocks else _signatures(doc)
    if doc.annex_before or doc.annex_nodes or doc.annex_after:
        blocks.append(Heading(template.annex_title or "Annexe", level=1, new_page=True))
        for section in doc.annex_before:
            blocks += [Heading(section.title, level=2), *_html(section.body)]
        blocks += _framework(doc.annex_nodes)
        for section in doc.annex_after:
            blocks += [Heading(section.title, level=2), *_html(section.body)]
    return blocks


def _signatures(doc: DocumentContext) -> list:
    convention = doc.convention
    names = {
        "Fédération": convention.federation.name,
        "Pouvoir organisateur": convention.organising_authority.name,
        "École": "la direction de l'école",
    }
    blocks = [Heading("Signatures des parties", level=1)]
    for party, signatories in groupby(doc.signatories, key=lambda s: s.get_party_display()):
        blocks.append(Heading(f"Pour {names.get(party, party.lower())}", level=2))
        for signatory in signatories:
            blocks += [
                Paragraph(
                    [Run(signatory.display_name, bold=True), Run("\n"), Run(signatory.function)], align="left"
                ),
                Blank(height_mm=22),
            ]
    if not doc.signatories:
        blocks.append(Paragraph([Run("Les signataires ne sont pas encore désignés.")]))
    return blocks


def _laid_out_signatures(doc: DocumentContext) -> list:
    """The template's own signature blocks, as document.html lays them out."""
    blocks = []
    for block in doc.signature_blocks:
        if block.caption:
            blocks.append(Heading(block.caption, level=2))
        for signatory, label in block.entries:
            if label:
                runs = [Run(label), Run("\n"), Run(signatory.display_name, bold=True)]
            else:
                runs = [Run(signatory.display_name, bold=True), Run("\n"), Run(signatory.function)]
            blocks += [Paragraph(runs, align="left"), Blank(height_mm=22)]
    return blocks


def _framework(nodes) -> list:
    """A framework tree as framework_nodes.html shows it: groups as headings, their lettered
    items as a list whose items carry their label."""
    blocks = []
    for item in nodes:
        node = item.node
        text = _html(item.text)
        if not item.children:
            blocks += [Paragraph([Run(node.heading, bold=True)], align="left"), *text]
            continue
        blocks += [Heading(node.heading, level=2 if node.depth == 0 else 3), *text]
        if item.children[0].children:
            blocks += _framework(item.children)
        else:
            blocks.append(ListBlock(items=[_item(child) for child in item.children], marker="none"))
        if node.extra.get("after"):
            blocks.append(Paragraph([Run(node.extra["after"])]))
    return blocks


def _item(child) -> list:
    node = child.node
    lead = [Run(part, bold=True) for part in (node.label, node.title) if part]
    lead = [run for part in lead for run in (part, Run(" "))]
    text = _html(child.text)
    if text and isinstance(text[0], Paragraph):
        first = text.pop(0)
        return [Paragraph([*lead, *first.runs], align=first.align), *text]
    return ([Paragraph(lead)] if lead else []) + text
