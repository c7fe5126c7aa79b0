"""Responses that no cache may keep: whatever a signed-in person sees, and every document."""

from django.utils.cache import add_never_cache_headers

# Content types of the documents Pilotis hands out: conventions, evidence, exports.
DOCUMENT_TYPES = (
    "application/pdf",
    "text/csv",
    "application/vnd.openxmlformats-officedocument",
    "application/vnd.oasis.opendocument",
    "application/vnd.ms-excel",
    "application/zip",
)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response of a signed-in person (a session or an API
    token) and on every document, whoever asks: a shared computer's browser cache or a proxy
    must not keep a convention or a dashboard after the session ends.

    Placed right after WhiteNoise, whose static files keep their long cache. A public page that
    sets its own policy (the calendar feed: `private, max-age=300`) keeps it; one that does not
    is not stored either, since it carries a CSRF token."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = response.get("Cache-Control", "")
        if "no-store" in policy:  # the view already said so
            return response
        if _signed_in(request) or _is_document(response) or not policy:
            add_never_cache_headers(response)
        return response


def _signed_in(request) -> bool:
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated) or "HTTP_AUTHORIZATION" in request.META


def _is_document(response) -> bool:
    content_type = response.get("Content-Type", "")
    return "attachment" in response.get("Content-Disposition", "") or content_type.startswith(DOCUMENT_TYPES)
