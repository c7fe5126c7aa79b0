from io import StringIO

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET
from pilotage.demo import load_full_demo


class Command(BaseCommand):
    help = "Charge le monde de démonstration (idempotent) et affiche les comptes de démonstration."

    def handle(self, *args, **options):
        if not settings.DEMO_ENABLED:
            raise CommandError(
                "Le monde de démonstration crée des comptes aux mots de passe publiés : il n'est "
                "chargé que si PILOTIS_DEMO=True (c'est le cas des réglages de développement)."
            )
        accounts, conventions = load_full_demo()
        # The demo is written in bulk, past the audit trail's signals: record each object as it
        # stands now, so that the first change made in the demo shows its old values.
        call_command("populate_history", auto=True, stdout=StringIO())
        self.stdout.write(self.style.SUCCESS("Monde de démonstration chargé."))
        self.stdout.write(f"\n{len(conventions)} conventions de démonstration, dont :")
        for convention in conventions[:2]:
            self.stdout.write(
                f"  {convention.reference}  {convention.template.title[:60]}… ({convention.get_state_display()})"
            )
        self.stdout.write(f"\nComptes de démonstration (mot de passe : {DEMO_PASSWORD}) :")
        width = max(len(a.user.email) for a in accounts)
        for account in accounts:
            mark = " *" if account.two_factor else ""
            self.stdout.write(f"  {account.user.email:<{width}}  {account.roles}{mark}")
        self.stdout.write(
            "\n* double authentification obligatoire : ajoutez la clé TOTP de démonstration "
            f"{DEMO_TOTP_SECRET} dans une application d'authentification, ou lisez le code "
            "du moment avec `make totp`."
        )
