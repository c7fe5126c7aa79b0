from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Nobody signs up alone: people join Pilotis through an invitation."""
        return False


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
