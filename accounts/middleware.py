from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from . import session_timeouts
from .session_timeouts import ACTIVITY_KEY, ACTIVITY_RESOLUTION, AGE_EXPIRED, IDLE_EXPIRED, STARTED_KEY

# What a person who must still set up two-factor may reach: the set-up itself and logout.
ALLOWED_WITHOUT_TWO_FACTOR = ("mfa_", "account_logout", "account_reauthenticate")


class RequireTwoFactorMiddleware:
    """Administrators and federation staff cannot use Pilotis before they have set up TOTP."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        url_name = request.resolver_match.url_name or ""
        if url_name.startswith(ALLOWED_WITHOUT_TWO_FACTOR):
            return None
        if user.requires_two_factor() and not is_mfa_enabled(user):
            messages.info(
                request,
                "Votre rôle donne accès à des données sensibles : activez la double "
                "authentification pour continuer.",
            )
            return redirect(reverse("mfa_activate_totp"))
        return None


class SessionTimeoutMiddleware:
    """Ends a signed-in session after SESSION_IDLE_TIMEOUT seconds without a request, and
    SESSION_COOKIE_AGE seconds after sign-in whatever the activity; the person lands on the
    login page with a French message, and comes back to the page asked for after signing in.

    Server-side, for every request (pages, HTMX, downloads): a client-side timer such as
    django-session-security's only covers pages that run its script, and a request made by
    anything else would keep the session alive. Django's own expiry cannot express either
    rule: a database session's expiry moves forward whenever the session is saved."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            expired = self._expired(request)
            if expired is not None:
                return self._sign_out(request, expired)
        return self.get_response(request)

    def _expired(self, request) -> str | None:
        session, moment = request.session, session_timeouts.now()
        started = session.setdefault(STARTED_KEY, moment)
        last = session.get(ACTIVITY_KEY, moment)
        if moment - last > settings.SESSION_IDLE_TIMEOUT:
            return IDLE_EXPIRED.format(minutes=round(settings.SESSION_IDLE_TIMEOUT / 60))
        if moment - started > settings.SESSION_COOKIE_AGE:
            return AGE_EXPIRED.format(hours=round(settings.SESSION_COOKIE_AGE / 3600))
        if ACTIVITY_KEY not in session or moment - last >= ACTIVITY_RESOLUTION:
            session[ACTIVITY_KEY] = moment
        return None

    def _sign_out(self, request, message: str):
        logout(request)
        messages.info(request, message)
        # Back to the page asked for after signing in, unless it was a form sent (lost anyway).
        response = redirect_to_login(request.get_full_path() if request.method == "GET" else "")
        if request.headers.get("HX-Request"):  # an HTMX fragment: move the whole page
            moved = HttpResponse(status=204)
            moved["HX-Redirect"] = response["Location"]
            return moved
        return response
