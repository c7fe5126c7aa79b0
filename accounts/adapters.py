from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        """Nobody signs up alone: people join Pilotis through an invitation."""
        return False


class MFAAdapter(DefaultMFAAdapter):
    def get_totp_label(self, user):
        return user.email
