"""The documents of a convention: the one place where PDF bytes are stored (never rewritten), the
frozen text, the files a convention is downloaded as (PDF, Word, OpenDocument), and the evidence
certificate."""

import json
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from core.documents import WRITERS
from core.pdf import html_to_pdf, sha256

from ..models import Convention, ConventionDocument, ConventionEvent, ConventionSignatory, Signature
from ..office import convention_document
from ..rendering import PRINT_STYLESHEET, render_convention_pdf, render_frozen_convention_pdf
from ..signatures.crypto import signing_is_configured
from ..signatures.evidence import CHAIN_ATTACHMENT, check_chain
from ..signatures.sealing import seal_document


def store_document(convention: Convention, *, kind: str, content: bytes) -> ConventionDocument:
    last = convention.documents.order_by("-revision").first()
    return ConventionDocument.objects.create(
        convention=convention,
        revision=(last.revision + 1) if last else 0,
        kind=kind,
        content=content,
        sha256=sha256(content),
    )


def freeze(convention: Convention) -> ConventionDocument:
    """The frozen text's PDF, with the place of each signatory's box."""
    content, fields = render_frozen_convention_pdf(convention)
    document = store_document(convention, kind=ConventionDocument.Kind.FROZEN, content=content)
    document.fields = fields
    document.save(update_fields=["fields"])
    return document


def latest_document(convention: Convention, *, with_content: bool = True) -> ConventionDocument | None:
    """The latest stored revision of the text (frozen, prepared or signed), if any."""
    documents = convention.documents.exclude(kind=ConventionDocument.Kind.EVIDENCE).order_by("-revision")
    return (documents if with_content else documents.defer("content")).first()


def current_pdf(convention: Convention) -> tuple[bytes, ConventionDocument | None]:
    """The PDF a convention is downloaded as: its latest stored revision (frozen, prepared or
    signed), else the draft rendered now. Returns (bytes, the stored document or None)."""
    document = latest_document(convention)
    if document is None:
        return render_convention_pdf(convention), None
    return bytes(document.content), document


# The formats a convention is downloaded or exported in, by file extension.
FILE_FORMATS = ("pdf", "docx", "odt")


@dataclass
class ConventionFile:
    content: bytes
    filename: str
    content_type: str
    draft: bool  # the text is not frozen: a draft, not to be signed
    stored: ConventionDocument | None  # the stored PDF it is (a PDF) or whose hash it carries


def convention_file(convention: Convention, fmt: str) -> ConventionFile:
    """The convention as a file in `fmt` (one of FILE_FORMATS): the PDF as `current_pdf` gives
    it, or a Word or OpenDocument text made from the same content as the preview."""
    if fmt == "pdf":
        content, stored = current_pdf(convention)
        suffix = "" if stored else "-projet"
        return ConventionFile(
            content, f"{convention.reference}{suffix}.pdf", "application/pdf", stored is None, stored
        )
    write, content_type = WRITERS[fmt]
    stored = latest_document(convention, with_content=False)
    draft = not convention.is_frozen
    content = write(convention_document(convention, stored=stored if not draft else None))
    suffix = "-projet" if draft else ""
    return ConventionFile(content, f"{convention.reference}{suffix}.{fmt}", content_type, draft, stored)


def evidence_certificate_pdf(convention: Convention) -> bytes:
    """The evidence certificate: signatories, events, hashes, and whether the chain holds, with
    the chain itself attached (`chaine-de-preuve.json`, for `verify_pdf --preuve`), sealed by
    the platform. Rendered when asked for, not stored."""
    events = list(
        ConventionEvent.objects.filter(convention=convention).select_related("signatory", "convention")
    )
    context = {
        "convention": convention,
        "signatories": ConventionSignatory.objects.filter(convention=convention).order_by("step", "position"),
        "signatures": Signature.objects.filter(convention=convention)
        .select_related("signatory", "document", "prepared")
        .order_by("signed_at"),
        "events": events,
        "documents": convention.documents.defer("content").order_by("revision"),
        "problems": check_chain(convention),
        "now": timezone.now(),
    }
    html = render_to_string("conventions/pdf/evidence.html", context)
    chain = json.dumps(
        {"convention": convention.reference, "events": [{**e.canonical(), "hash": e.hash} for e in events]},
        ensure_ascii=False,
        indent=1,
    ).encode()
    pdf = html_to_pdf(
        html,
        stylesheet=PRINT_STYLESHEET,
        pdf_a=False,
        attachments=[
            (CHAIN_ATTACHMENT, chain, "Journal de preuve de la convention, événement par événement")
        ],
    )
    if not signing_is_configured():
        return pdf
    return seal_document(
        pdf, reason=f"Certificat de preuve de la convention {convention.reference} émis par Pilotis"
    )
