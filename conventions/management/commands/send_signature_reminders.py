"""Daily: remind the signatories whose turn it is and who have not signed after
SIGNATURE_REMINDER_DAYS days (or whose link expired), with a new link."""

from django.core.management.base import BaseCommand

from conventions.services.sending import send_reminders


class Command(BaseCommand):
    help = "Envoie un rappel (avec un nouveau lien) aux signataires qui n'ont pas encore signé."

    def handle(self, *args, **options):
        count = send_reminders()
        self.stdout.write(f"{count} rappel(s) envoyé(s).")
