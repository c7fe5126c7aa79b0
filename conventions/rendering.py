"""The text of a convention: its template's Markdown with the closed set of placeholders
filled in. The same context feeds the HTML preview and the PDF, so that what people read in the
browser is what they sign, and the PDF of a convention is rendered here from the same context."""

import hashlib
import re
from dataclasses import dataclass, field
from html import unescape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html, format_html_join, strip_tags
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

from core.pdf import html_to_pdf, html_to_pdf_with_boxes

from .models import PLACEHOLDER_PATTERN, Convention, ConventionDocument, ConventionTemplate, Party

PRINT_STYLESHEET = "conventions/print.css"
# The boxes the document draws for signatures carry this attribute; the signature fields go over them.
SIGNATURE_FIELD_ATTRIBUTE = "data-signature-field"


# CommonMark with tables; raw HTML is shown as text, never interpreted, and images are off
# (nothing in a convention is fetched from elsewhere).
_markdown = MarkdownIt("js-default").disable("image")
MISSING = "….."
# Placeholders whose value is a list: they cannot sit inside a paragraph, so the paragraph is
# split around them.
BLOCK_PLACEHOLDERS = {"schools_list"}
_BLOCK_IN_PARAGRAPH = re.compile(
    r"<p>((?:(?!</p>).)*?)\{\{\s*(" + "|".join(BLOCK_PLACEHOLDERS) + r")\s*\}\}(.*?)</p>", re.DOTALL
)
_EMPTY_PARAGRAPH = re.compile(r"<p>\s*</p>\n?")
# Table alignment comes as a style attribute, which the Content-Security-Policy forbids.
_ALIGN_STYLE = re.compile(r' style="text-align:(left|right|center)"')


def _date(value) -> str:
    return date_format(value, "d/m/Y") if value else MISSING


def _join_people(people) -> str:
    names = [f"{p.display_name}, {p.function}" for p in people]
    if not names:
        return MISSING
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]


def signed_on(convention: Convention):
    """The date the text carries once frozen (« Fait à …, le … »): the day it was frozen,
    which the signatures then cover; None while it can still change."""
    if not convention.is_frozen:
        return None
    frozen = (
        convention.documents.filter(kind=ConventionDocument.Kind.FROZEN)
        .order_by("-revision")
        .values_list("created_at", flat=True)
        .first()
    )
    # While the text is being frozen, its document is not stored yet: today.
    return timezone.localdate(frozen) if frozen else timezone.localdate()


def placeholder_values(convention: Convention, *, dated: bool = True) -> dict[str, str | SafeString]:
    """The value of each placeholder for `convention`; plain text (escaped on insertion),
    except the lists, which are built here from escaped items. Not `dated`: « le ….. » for
    the date of signature, which freezing fills in (not a change of the text)."""
    po = convention.organising_authority
    federation = convention.federation
    schools = list(convention.schools.all())
    school = schools[0] if len(schools) == 1 else None
    centre = convention.guidance_centre
    signatories = list(convention.signatories.all())
    by_party = {party: [s for s in signatories if s.party == party] for party in Party.values}
    contacts = list(convention.contacts.all())
    people = {
        f"{prefix}_{kind}_{number}": (getattr(person, attribute) if person else MISSING)
        for prefix, party in (("po", Party.PO), ("fpo", Party.FPO))
        for number, person in enumerate([*by_party[party][:2], None, None][:2], start=1)
        for kind, attribute in (("signatory", "display_name"), ("function", "function"))
    }
    return {
        **people,
        "signature_place": po.city or MISSING,
        "signature_date": _date(signed_on(convention)) if dated else MISSING,
        "federation_name": federation.name,
        "federation_address": federation.address or MISSING,
        "po_name": po.name,
        "po_address": po.address or MISSING,
        "school_name": school.name if school else MISSING,
        "school_address": school.address or MISSING if school else MISSING,
        "fase": str(school.fase) if school else MISSING,
        "centre_name": centre.name if centre else MISSING,
        "centre_address": centre.address or MISSING if centre else MISSING,
        "centre_signatories": _join_people(by_party[Party.CENTRE]),
        "schools_list": format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{} (FASE {})</li>", ((s.name, s.fase) for s in schools))
        )
        if schools
        else MISSING,
        "start_date": _date(convention.start_date),
        "end_date": _date(convention.end_date),
        "council_decision_date": _date(convention.council_decision_date),
        "council_decision_reference": convention.council_decision_reference or MISSING,
        "po_signatories": _join_people(by_party[Party.PO]),
        "fpo_signatories": _join_people(by_party[Party.FPO]),
        "school_signatories": _join_people(by_party[Party.SCHOOL]),
        "po_contacts": ", ".join(
            " – ".join(part for part in (c.full_name, c.function, c.email, c.phone) if part) for c in contacts
        )
        or MISSING,
        "reference": convention.reference,
        "notice_days": str(convention.template.termination_notice_days or MISSING),
    }


def render_markdown(text: str, values: dict) -> SafeString:
    """Markdown to HTML, then each `{{ name }}` replaced by its escaped value. A name outside
    the closed set stays as written."""
    html = _ALIGN_STYLE.sub(r' class="align-\1"', _markdown.render(text))

    def value_of(match: re.Match) -> str:
        name = match.group(1)
        return conditional_escape(values[name]) if name in values else match.group(0)

    html = _BLOCK_IN_PARAGRAPH.sub(
        lambda m: f"<p>{m.group(1)}</p>{{{{ {m.group(2)} }}}}<p>{m.group(3)}</p>", html
    )
    html = _EMPTY_PARAGRAPH.sub("", PLACEHOLDER_PATTERN.sub(value_of, html))
    return mark_safe(html)  # noqa: S308 - Markdown without raw HTML, escaped values


@dataclass
class Section:
    title: str
    body: SafeString
    number: str = ""
    article_id: int | None = None
    # What the convention's page shows under an article (the review's threads); the PDF and
    # the signing page never set it.
    review: object = None


@dataclass
class DocumentContext:
    """Everything the document template shows, computed once (no query from the template)."""

    convention: Convention
    parties: SafeString
    preamble: SafeString
    articles: list[Section]
    closing: SafeString
    annex_before: list[Section]
    annex_after: list[Section]
    annex_nodes: list = field(default_factory=list)
    signatories: list = field(default_factory=list)
    schools: list = field(default_factory=list)
    # The template's own layout of the signatures (see `signature_blocks`); empty: by party.
    signature_blocks: list = field(default_factory=list)
    titles_first: bool = False


@dataclass
class SignatureBlock:
    caption: str
    # (signatory, the line written above the name or "")
    entries: list


def signature_blocks(template, signatories) -> list[SignatureBlock]:
    """The template's signature blocks, each holding the convention's signatories at the
    positions it names (a position no signatory holds is skipped)."""
    by_position = {s.position: s for s in signatories}
    blocks = []
    for block in template.signature_blocks or []:
        entries = [
            (by_position[entry["slot"]], entry.get("label", ""))
            for entry in block.get("signatories", [])
            if entry.get("slot") in by_position
        ]
        if entries:
            blocks.append(SignatureBlock(caption=block.get("caption", ""), entries=entries))
    return blocks


def document_context(convention: Convention, *, dated: bool = True) -> DocumentContext:
    template = convention.template
    values = placeholder_values(convention, dated=dated)
    sections = list(template.annex_sections.all())
    signatories = list(convention.signatories.all())
    return DocumentContext(
        convention=convention,
        parties=render_markdown(template.parties, values),
        preamble=render_markdown(template.preamble, values),
        articles=[
            Section(number=a.number, title=a.title, body=render_markdown(a.body, values), article_id=a.pk)
            for a in template.articles.all()
        ],
        closing=render_markdown(template.closing, values),
        annex_before=[
            Section(title=s.title, body=render_markdown(s.body, values))
            for s in sections
            if s.placement == "before"
        ],
        annex_after=[
            Section(title=s.title, body=render_markdown(s.body, values))
            for s in sections
            if s.placement == "after"
        ],
        annex_nodes=framework_tree(template.annex_framework) if template.annex_framework_id else [],
        signatories=signatories,
        schools=list(convention.schools.all()),
        signature_blocks=signature_blocks(template, signatories),
        titles_first=template.article_heading == ConventionTemplate.ArticleHeading.TITLE_FIRST,
    )


@dataclass
class TreeNode:
    node: object
    text: SafeString
    children: list


def framework_tree(version) -> list[TreeNode]:
    """The nodes of a framework version as a tree, from a single query."""
    roots, by_pk = [], {}
    for node in version.nodes.all():
        item = TreeNode(node=node, text=render_markdown(node.text, {}), children=[])
        by_pk[node.pk] = item
        (by_pk[node.parent_id].children if node.parent_id else roots).append(item)
    return roots


def plain_text(convention: Convention) -> str:
    """The convention's text as plain lines, for the diff between versions: the date that
    freezing writes in « Fait à …, le … » makes no new version."""
    context = document_context(convention, dated=False)
    lines = [_text(context.parties), _text(context.preamble)]
    for article in context.articles:
        lines.append(f"Article {article.number} – {article.title}")
        lines.append(_text(article.body))
    lines.append(_text(context.closing))
    lines.append("Signataires :")
    lines.extend(f"{s.get_party_display()} : {s.display_name}, {s.function}" for s in context.signatories)
    text = "\n".join(lines)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _text(html: str) -> str:
    return unescape(strip_tags(html))


# --- The PDF of a convention ---------------------------------------------------------------


def convention_html(convention, *, draft: bool) -> str:
    return render_to_string(
        "conventions/pdf/convention.html",
        {
            "doc": document_context(convention),
            "draft": draft,
            "version": text_version(convention),
            "verification_url": settings.SITE_URL.rstrip("/") + "/verifier/",
            "reference_hash": reference_hash(convention.reference),
        },
    )


def reference_hash(reference: str) -> str:
    """The short fingerprint of a reference printed in the signed PDF's footer."""
    return hashlib.sha256(reference.encode()).hexdigest()[:12]


def text_version(convention) -> int:
    """The number the footer gives: how many times the text went to review or was frozen."""
    return max(convention.snapshots.count(), 1)


def render_convention_pdf(convention) -> bytes:
    return html_to_pdf(
        convention_html(convention, draft=not convention.is_frozen), stylesheet=PRINT_STYLESHEET
    )


def render_convention_pdf_draft(convention) -> bytes:
    """The PDF a download produces while the text is not frozen (what the benchmark measures)."""
    return html_to_pdf(convention_html(convention, draft=True), stylesheet=PRINT_STYLESHEET)


def render_frozen_convention_pdf(convention) -> tuple[bytes, list[dict]]:
    """The frozen text's PDF and the place of each signatory's box (see `html_to_pdf_with_boxes`)."""
    return html_to_pdf_with_boxes(
        convention_html(convention, draft=False),
        stylesheet=PRINT_STYLESHEET,
        attribute=SIGNATURE_FIELD_ATTRIBUTE,
    )
