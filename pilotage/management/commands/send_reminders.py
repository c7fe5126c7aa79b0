from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pilotage.services.reminders import reminder_days, send_reminders


class Command(BaseCommand):
    help = (
        "Envoie par e-mail les rappels des échéances des plans de pilotage (rencontre du DCO, "
        "auto-évaluations, évaluation intermédiaire, fin du contrat) PILOTAGE_REMINDER_DAYS jours "
        "avant chacune. À lancer chaque jour ; chaque échéance n'est rappelée qu'une fois."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Jour de référence (AAAA-MM-JJ), aujourd'hui par défaut.")
        parser.add_argument("--days", type=int, help=f"Délai en jours (défaut : {reminder_days()}).")
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help="Adresse du site pour les liens des e-mails (défaut : SITE_URL), par exemple https://pilotis.example.",
        )

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError:
            raise CommandError(f"Date invalide : « {options['date']} » (AAAA-MM-JJ attendu).") from None
        reminders = send_reminders(
            today=today, days=options["days"], base_url=options["base_url"].rstrip("/")
        )
        for reminder in reminders:
            self.stdout.write(
                f"{reminder.plan.school.name} — {reminder.label} le {reminder.due_on:%d/%m/%Y} : "
                f"{', '.join(reminder.recipients)}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(reminders)} rappel(s) envoyé(s)."))
