"""Every refusal of the API as JSON in French: `{"detail": "...", "errors": [...]}`, with
the status a client can act on (400 bad parameter, 401 token, 403 role, 404 outside the scope,
429 too many calls)."""

import math

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from .auth import MISSING_TOKEN, TokenRefused

NOT_FOUND = "Introuvable : cet objet n'existe pas ou n'est pas dans votre périmètre."
FORBIDDEN = "Votre rôle ne donne pas accès à ces données."

# Pydantic's error types, said in French.
MESSAGES = {
    "missing": "paramètre obligatoire",
    "int_parsing": "un nombre entier est attendu",
    "int_type": "un nombre entier est attendu",
    "int_from_float": "un nombre entier est attendu",
    "greater_than_equal": "doit valoir au moins {ge}",
    "less_than_equal": "doit valoir au plus {le}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than": "doit être inférieur à {lt}",
    "datetime_parsing": "une date et heure ISO 8601 est attendue, par exemple 2025-09-01T00:00:00+02:00",
    "datetime_from_date_parsing": (
        "une date et heure ISO 8601 est attendue, par exemple 2025-09-01T00:00:00+02:00"
    ),
    "datetime_type": "une date et heure ISO 8601 est attendue, par exemple 2025-09-01T00:00:00+02:00",
    "string_too_long": "trop long ({max_length} caractères au plus)",
    "string_too_short": "trop court",
}


def _message(error: dict) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "value_error" and "error" in context:
        return str(context["error"])
    template = MESSAGES.get(kind, "valeur invalide")
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return template


def _parameter(error: dict) -> str:
    location = [str(part) for part in error.get("loc", ())]
    # ("query", "filters", "limit") → "limit"
    return location[-1] if location else ""


def install(api) -> None:
    def json(request, status, detail, **extra):
        return api.create_response(request, {"detail": detail, **extra}, status=status)

    @api.exception_handler(ValidationError)
    def bad_parameter(request, exc):
        errors = [{"parameter": _parameter(error), "message": _message(error)} for error in exc.errors]
        summary = "; ".join(f"{error['parameter']} : {error['message']}" for error in errors)
        return json(request, 400, f"Paramètres invalides — {summary}.", errors=errors)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        message = exc.message if isinstance(exc, TokenRefused) else MISSING_TOKEN
        response = json(request, 401, message)
        response["WWW-Authenticate"] = 'Bearer realm="Pilotis"'
        return response

    @api.exception_handler(Throttled)
    def throttled(request, exc):
        wait = math.ceil(exc.wait) if exc.wait else 60
        return json(
            request, 429, f"Trop de requêtes pour ce jeton : réessayez dans {wait} seconde{'s' * (wait > 1)}."
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return json(request, 404, NOT_FOUND)

    @api.exception_handler(PermissionDenied)
    def forbidden(request, exc):
        return json(request, 403, str(exc) or FORBIDDEN)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        return json(request, exc.status_code, str(exc))
