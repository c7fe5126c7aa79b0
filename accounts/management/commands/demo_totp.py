import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from accounts.demo import DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Affiche le code de double authentification actuel des comptes de démonstration."

    def handle(self, *args, **options):
        now = int(time.time())
        code = format_hotp_value(hotp_value(DEMO_TOTP_SECRET, now // 30))
        self.stdout.write(
            f"Code TOTP des comptes de démonstration : {code} (valable encore {30 - now % 30} s)"
        )
