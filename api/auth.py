"""Who calls the API: a personal token in `Authorization: Bearer <token>`, looked up by its
SHA-256, refused if revoked or if its person is deactivated; then at most API_RATE_LIMIT calls
per token (django's cache, shared by every process and node)."""

from django.conf import settings
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer
from ninja.throttling import SimpleRateThrottle

from accounts import services
from core.readonly import bookkeeping

# A message, not a secret.
MISSING_TOKEN = (
    "Authentification requise : envoyez votre jeton personnel dans l'en-tête "  # noqa: S105
    "« Authorization: Bearer <jeton> » (créez-le dans Mon compte → Jetons d'API)."
)


class TokenRefused(AuthenticationError):
    """A token was sent, and is not accepted: its message says why, in French."""

    def __init__(self, message: str):
        super().__init__(message=message)


class TokenAuth(HttpBearer):
    def authenticate(self, request, token: str):
        found = services.find_api_token(token.strip())
        if found is None:
            raise TokenRefused("Jeton inconnu : vérifiez qu'il a été copié en entier.")
        if found.problem:
            raise TokenRefused(found.problem)
        with bookkeeping(request):
            services.record_api_token_use(found)
        return found


def user_of(request):
    """The person whose token called: every queryset of the API is scoped to them."""
    return request.auth.user


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT ("120/m") calls per token, read at each call so that a change of the
    setting needs no restart of the throttle."""

    cache_format = "api-throttle-%(ident)s"

    def __init__(self):
        self.rate = None

    def get_cache_key(self, request):
        # The hash, not the id: an id may come back after a database is emptied (tests, demo).
        return self.cache_format % {"ident": request.auth.token_hash[:32]}

    def allow_request(self, request) -> bool:
        self.rate = settings.API_RATE_LIMIT
        self.num_requests, self.duration = self.parse_rate(self.rate)
        # The counter lives in the cache: a database table in production.
        with bookkeeping(request):
            return super().allow_request(request)
