"""The public verification page: anyone may check a signed PDF. Nothing is stored: the upload
is kept in memory (never in a temporary file) for the time of the verification."""

from io import BytesIO

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from ..forms.verification import VerifyDocumentForm, too_big_message
from ..signatures.evidence import compare_with_certificate
from ..signatures.verification import verify_pdf_bytes

RATE_LIMIT = 20  # verifications per client IP …
RATE_WINDOW = 10 * 60  # … per 10 minutes
# Room for the multipart envelope and the CSRF token around the file itself.
MULTIPART_MARGIN = 100 * 1024
TEMPLATE = "conventions/verify.html"


class MemoryUploadHandler(FileUploadHandler):
    """Keeps an uploaded file in memory and drops it as soon as it grows past `max_bytes`."""

    def __init__(self, request, max_bytes: int):
        super().__init__(request)
        self.max_bytes = max_bytes
        self.too_big = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.max_bytes:
            self.too_big = True
            raise SkipFile
        self.buffer.write(raw_data)

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer, self.field_name, self.file_name, self.content_type, file_size, self.charset
        )


@login_not_required
# The CSRF check is made by `_verify` once the upload handler is in place: the middleware's
# check would read the body with the default handlers (Django's documented pattern).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def verify_document(request):
    max_bytes = settings.VERIFY_MAX_UPLOAD_BYTES
    if request.method == "POST":
        if _over_rate_limit(request):
            context = {"form": VerifyDocumentForm(max_bytes=max_bytes), "rate_limited": True}
            return render(request, TEMPLATE, context, status=429)
        # Refuse an oversized body before reading any of it.
        if _declared_length(request) > max_bytes + MULTIPART_MARGIN:
            form = VerifyDocumentForm(max_bytes=max_bytes)
            return render(
                request, TEMPLATE, {"form": form, "upload_error": too_big_message(max_bytes)}, status=413
            )
        request.upload_handlers = [MemoryUploadHandler(request, max_bytes)]
    return _verify(request, max_bytes)


@csrf_protect
def _verify(request, max_bytes: int):
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": VerifyDocumentForm(max_bytes=max_bytes)})
    form = VerifyDocumentForm(request.POST, request.FILES, max_bytes=max_bytes)
    if any(getattr(handler, "too_big", False) for handler in request.upload_handlers):
        form = VerifyDocumentForm(max_bytes=max_bytes)
        return render(
            request, TEMPLATE, {"form": form, "upload_error": too_big_message(max_bytes)}, status=413
        )
    report = evidence_problems = None
    if form.is_valid():
        document = form.cleaned_data["document"].read()
        report = verify_pdf_bytes(document)
        if form.cleaned_data["evidence"] and not report.error:
            evidence_problems = compare_with_certificate(document, form.cleaned_data["evidence"].read())
    return render(request, TEMPLATE, {"form": form, "report": report, "evidence_problems": evidence_problems})


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _over_rate_limit(request) -> bool:
    """Counts verifications per client IP in the shared cache, in fixed windows."""
    try:
        ip = get_adapter(request).get_client_ip(request)  # X-Forwarded-For only from TRUSTED_PROXIES
    except PermissionDenied:
        ip = "inconnue"
    key = f"pilotis:verify:{ip}"
    cache.add(key, 0, timeout=RATE_WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=RATE_WINDOW)
        count = 1
    return count > RATE_LIMIT
