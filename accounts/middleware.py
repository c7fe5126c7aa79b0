from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

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
