import hashlib

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal import ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

from core.client_ip import client_ip

# Failed passwords are limited per address (ACCOUNT_RATE_LIMITS["login_failed_password"]),
# never per account: a per-account lock lets anyone lock the owner out, administrators included.
# Instead, once an account has had LOGIN_FAILURES_BEFORE_SECOND_PROOF failures, the right
# password alone no longer opens it: the TOTP if the person has one (asked anyway), otherwise a
# code sent to their mailbox (allauth's login-by-code stage).
FAILURES_KEY = "pilotis:login-failures:{}"
SECOND_PROOF_TOLD = "pilotis_second_proof_told"
SECOND_PROOF_MESSAGE = (
    "Plusieurs mots de passe erronés ont été essayés pour ce compte : pour votre sécurité, "
    "entrez aussi le code que nous venons de vous envoyer par e-mail."
)


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Nobody signs up alone: people join Pilotis through an invitation."""
        return False

    def get_client_ip(self, request):
        """X-Forwarded-For only from TRUSTED_PROXIES (core/client_ip.py): allauth's rate limits
        and the verifier's count per this address."""
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Adresse du client inconnue.")
        return ip

    def pre_authenticate(self, request, **credentials):
        self._login_failed_rl_usage = ratelimit.consume(
            request, app="allauth.account", action="login_failed_password"
        )
        if not self._login_failed_rl_usage:
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request, **credentials):
        key = _failures_key(credentials)
        if key is not None:
            cache.add(key, 0, timeout=settings.LOGIN_FAILURES_WINDOW)
            try:
                cache.incr(key)
            except ValueError:  # expired in between
                cache.set(key, 1, timeout=settings.LOGIN_FAILURES_WINDOW)
            cache.touch(key, settings.LOGIN_FAILURES_WINDOW)

    def is_login_by_code_required(self, login):
        if super().is_login_by_code_required(login):
            return True
        if login.user is None or is_mfa_enabled(login.user) or not needs_second_proof(login.user):
            return False
        if not login.state.get(SECOND_PROOF_TOLD):  # say why once, not at each step of the code
            login.state[SECOND_PROOF_TOLD] = True
            messages.info(self.request, SECOND_PROOF_MESSAGE)
        return True

    def login(self, request, user):
        super().login(request, user)
        key = _failures_key({"email": user.email})
        if key is not None:  # the owner is in: the count of failures starts again
            cache.delete(key)


def needs_second_proof(user) -> bool:
    """Whether the password of `user` was got wrong often enough lately to need a second proof."""
    key = _failures_key({"email": user.email})
    return key is not None and (cache.get(key) or 0) >= settings.LOGIN_FAILURES_BEFORE_SECOND_PROOF


def _failures_key(credentials) -> str | None:
    login = (credentials.get("email") or credentials.get("username") or "").strip().lower()
    if not login:
        return None
    return FAILURES_KEY.format(hashlib.sha256(login.encode()).hexdigest())


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": (
            "Votre rôle exige la double authentification : vous ne pouvez pas la désactiver."
        ),
    }

    def get_totp_label(self, user):
        return user.email

    def can_delete_authenticator(self, authenticator):
        return not authenticator.user.requires_two_factor()
