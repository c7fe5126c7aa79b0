"""The read-only API for the systems around Pilotis (the municipality's document management,
the federation's statistics, PILOTAGE): `/api/`, its OpenAPI description `/api/openapi.json`
and its browsable docs `/api/docs` (Swagger UI served from the application's own static files).

Every call carries a personal token (`Authorization: Bearer …`, see `auth`) and sees what its
person sees in the pages: each queryset goes through the model's `visible_to`. GET only."""

from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import re_path
from ninja import NinjaAPI, Swagger

from . import conventions, errors, pilotage, reports, schools
from .auth import TokenAuth, TokenRateThrottle

DESCRIPTION = """API en lecture seule de Pilotis.

Chaque appel porte un jeton personnel, créé dans *Mon compte → Jetons d'API* :
`Authorization: Bearer <jeton>`. Il voit exactement ce que sa personne voit dans l'application.
Les listes sont paginées (`limit`, `offset`) et acceptent `updated_since` (ISO 8601) pour ne
recevoir que ce qui a changé. Les erreurs sont en JSON : `{"detail": "…"}`."""


def _docs(view):
    """The schema and its docs are public (they hold no data); Swagger UI draws a few icons as
    data: images."""
    return login_not_required(csp_update({"img-src": ["data:"]})(view))


api = NinjaAPI(
    title="API Pilotis",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    throttle=TokenRateThrottle(),
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_url="/docs",
    docs_decorator=_docs,
)
errors.install(api)
api.add_router("", schools.router)
api.add_router("", conventions.router)
api.add_router("", pilotage.router)
api.add_router("", reports.router)


@login_not_required
def not_found(request, path: str):
    """Any other address under /api/ (an id that is not a number…): a 404 in JSON too."""
    return JsonResponse({"detail": errors.NOT_FOUND}, status=404)


def urls():
    """The API's URLconf: its views authenticate by token, not by the session's login."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback.login_required = False
    return [*patterns, re_path(r"^(?P<path>.*)$", not_found, name="api_not_found")], app_name, namespace
