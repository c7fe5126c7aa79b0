"""The signatory's pages, reached from their personal link (`/signer/<token>/`) or from inside
Pilotis (`/conventions/<reference>/signer/`, their « À signer »), and the evidence certificate.
Both ways lead to the same pages and the same checks: only the lookup of the request differs."""

from datetime import datetime

from allauth.account.decorators import reauthentication_required
from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from core.readonly import writes_on_get
from core.uploads import UploadTooLarge, read_upload

from ..forms.signatures import DeclineForm, SignForm, UploadForm
from ..models import SignatureRequest
from ..rendering import document_context
from ..services import collecting
from ..services.documents import evidence_certificate_pdf
from ..services.sending import hash_token
from ..signatures import rounds
from ..signatures.evidence import RequestMeta
from .conventions import visible_convention


def _refused(request, message: str, *, status: int = 410):
    return render(request, "conventions/signature_refused.html", {"message": message}, status=status)


def _open(request, token=None, reference=None):
    """The request behind the link (or the signatory's own pending request on the convention)
    and its signatory, or a response explaining the refusal."""
    try:
        if token is None:
            signature_request = collecting.request_for_signer(reference=reference, user=request.user)
        else:
            signature_request = collecting.request_for_token(token)
    except collecting.SigningRefused as refusal:
        status = 404 if str(refusal) in (collecting.LINK_UNKNOWN, collecting.NOTHING_TO_SIGN) else 410
        return None, _refused(request, str(refusal), status=status)
    try:
        collecting.check_signer(signature_request.signatory, request.user)
    except PermissionDenied as refusal:
        return None, _refused(request, str(refusal), status=403)
    return signature_request, None


def _url(name: str, token=None, reference=None) -> str:
    """The page `name` (page, document, upload, decline, done) the way this signatory came."""
    if token is None:
        return reverse(f"my_signature_{name}", args=[reference])
    return reverse(f"signature_{name}", args=[token])


def _links(request) -> dict:
    kwargs = request.resolver_match.kwargs
    return {name: _url(name, **kwargs) for name in ("page", "document", "upload", "decline")}


def _authenticated_at(request):
    records = [
        r for r in request.session.get(AUTHENTICATION_METHODS_SESSION_KEY) or [] if r.get("reauthenticated")
    ]
    at = records[-1].get("at") if records else None
    return datetime.fromtimestamp(at, tz=timezone.get_current_timezone()) if at else None


def _page(
    request, signature_request, *, sign_form=None, upload_form=None, decline_form=None, status=200, error=""
):
    convention = signature_request.convention
    latest = rounds.latest_document(convention)
    step = rounds.current_step(convention, signature_request.prepared)
    context = {
        "convention": convention,
        "signatory": signature_request.signatory,
        "links": _links(request),
        "doc": document_context(convention),
        "latest": latest,
        "my_turn": signature_request.signatory.step == step,
        "step": step,
        "statuses": rounds.status(convention),
        "sign_form": sign_form or SignForm(initial={"document_sha256": latest.sha256}),
        "upload_form": upload_form or UploadForm(),
        "decline_form": decline_form or DeclineForm(),
        "error": error,
    }
    return render(request, "conventions/signature_page.html", context, status=status)


# Opening the page is evidence: the "opened" event is recorded on GET, on purpose.
@writes_on_get
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def signature_page(request, token=None, reference=None):
    signature_request, refusal = _open(request, token, reference)
    if refusal:
        return refusal
    meta = RequestMeta.from_request(request)
    if request.method == "GET":
        collecting.mark_opened(signature_request, by=request.user, meta=meta)
        return _page(request, signature_request)
    form = SignForm(request.POST)
    if not form.is_valid():
        return _page(request, signature_request, sign_form=form, status=400)
    try:
        collecting.sign(
            request=signature_request,
            by=request.user,
            meta=meta,
            shown_sha256=form.cleaned_data["document_sha256"],
            authenticated_at=_authenticated_at(request),
        )
    except collecting.SigningRefused as refused:
        return _refused(request, str(refused), status=409)
    return redirect(_url("done", token, reference))


def signature_done(request, token=None, reference=None):
    """After signing: the link is spent; say so and point to the convention."""
    if token is None:
        found = collecting.last_used_request(reference=reference, user=request.user)
    else:
        found = (
            SignatureRequest.objects.filter(token_hash=hash_token(token))
            .select_related("convention", "signatory")
            .first()
        )
    if found is None or not found.used_at:
        return _refused(request, collecting.LINK_UNKNOWN, status=404)
    try:
        collecting.check_signer(found.signatory, request.user)
    except PermissionDenied as refusal:
        return _refused(request, str(refusal), status=403)
    return render(request, "conventions/signature_done.html", {"signature_request": found})


def signature_document(request, token=None, reference=None):
    """The current bytes, to sign with one's own certificate (eID)."""
    signature_request, refusal = _open(request, token, reference)
    if refusal:
        return refusal
    latest = rounds.latest_document(signature_request.convention)
    response = HttpResponse(bytes(latest.content), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="{signature_request.convention.reference}-r{latest.revision}-a-signer.pdf"'
    )
    return response


@require_POST
@reauthentication_required
def signature_upload(request, token=None, reference=None):
    signature_request, refusal = _open(request, token, reference)
    if refusal:
        return refusal
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, signature_request, upload_form=form, status=400)
    try:
        # Refused on its declared size, else while reading: never more than the limit and a chunk.
        content = read_upload(form.cleaned_data["document"], limit=settings.VERIFY_MAX_UPLOAD_BYTES)
    except UploadTooLarge as too_large:
        return _page(request, signature_request, status=400, error=too_large.message)
    try:
        collecting.upload(
            request=signature_request,
            by=request.user,
            meta=RequestMeta.from_request(request),
            content=content,
        )
    except collecting.SigningRefused as refused:
        return _page(request, signature_request, status=400, error=str(refused))
    return redirect(_url("done", token, reference))


@require_POST
@reauthentication_required
def signature_decline(request, token=None, reference=None):
    signature_request, refusal = _open(request, token, reference)
    if refusal:
        return refusal
    form = DeclineForm(request.POST)
    if not form.is_valid():
        return _page(request, signature_request, decline_form=form, status=400)
    try:
        collecting.decline(
            request=signature_request,
            by=request.user,
            meta=RequestMeta.from_request(request),
            reason=form.cleaned_data["reason"],
        )
    except collecting.SigningRefused as refused:
        return _refused(request, str(refused), status=409)
    except ValidationError as error:
        form.add_error("reason", error.messages[0])
        return _page(request, signature_request, decline_form=form, status=400)
    return redirect(_url("done", token, reference))


def evidence_certificate(request, reference):
    """The evidence certificate: signatories, events, hashes, and whether the chain holds."""
    convention = visible_convention(request, reference)
    response = HttpResponse(evidence_certificate_pdf(convention), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{convention.reference}-preuve.pdf"'
    return response
