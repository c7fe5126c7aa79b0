"""The documents of a convention: the one place where PDF bytes are stored (never rewritten), the
frozen text, the PDF a convention is downloaded as, and the evidence certificate."""

from django.template.loader import render_to_string
from django.utils import timezone

from core.pdf import html_to_pdf, sha256

from ..models import Convention, ConventionDocument, ConventionEvent, ConventionSignatory, Signature
from ..rendering import PRINT_STYLESHEET, render_convention_pdf, render_frozen_convention_pdf
from ..signatures.evidence import check_chain


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


def current_pdf(convention: Convention) -> tuple[bytes, ConventionDocument | None]:
    """The PDF a convention is downloaded as: its latest stored revision (frozen, prepared or
    signed), else the draft rendered now. Returns (bytes, the stored document or None)."""
    document = (
        convention.documents.exclude(kind=ConventionDocument.Kind.EVIDENCE).order_by("-revision").first()
    )
    if document is None:
        return render_convention_pdf(convention), None
    return bytes(document.content), document


def evidence_certificate_pdf(convention: Convention) -> bytes:
    """The evidence certificate: signatories, events, hashes, and whether the chain holds.
    Rendered when asked for, not stored."""
    context = {
        "convention": convention,
        "signatories": ConventionSignatory.objects.filter(convention=convention).order_by("step", "position"),
        "signatures": Signature.objects.filter(convention=convention)
        .select_related("signatory", "document", "prepared")
        .order_by("signed_at"),
        "events": ConventionEvent.objects.filter(convention=convention).select_related("signatory"),
        "documents": convention.documents.defer("content").order_by("revision"),
        "problems": check_chain(convention),
        "now": timezone.now(),
    }
    html = render_to_string("conventions/pdf/evidence.html", context)
    return html_to_pdf(html, stylesheet=PRINT_STYLESHEET, pdf_a=False)
