"""`manage.py generate_scale_data --schools 3000`: a realistic world of N schools for measuring
(built by `pilotage.scale_data.journeys.ScaleWorld`)."""

import random
from datetime import date
from time import perf_counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import School
from pilotage.scale_data.journeys import ScaleWorld
from pilotage.scale_data.parties import FASE_START


class Command(BaseCommand):
    help = "Construit un monde réaliste de N écoles (PO, conseillers, conventions, six années d'actions…) pour les mesures."

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, required=True, help="Nombre d'écoles à créer.")
        parser.add_argument(
            "--seed", type=int, default=1, help="Graine : la même graine donne le même monde."
        )
        parser.add_argument(
            "--today", default="", help="Date de référence (AAAA-MM-JJ) ; aujourd'hui par défaut."
        )

    def handle(self, *args, schools, seed, today, **options):
        if not settings.DEMO_ENABLED:
            raise CommandError(
                "Ce monde crée des comptes aux mots de passe publiés : il n'est construit que si "
                "PILOTIS_DEMO=True (réglages de développement et de test)."
            )
        if schools < 1:
            raise CommandError("Le nombre d'écoles doit être au moins 1.")
        try:
            reference = date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"Date non valable : « {today} » (attendu : AAAA-MM-JJ).") from None
        if School.objects.filter(fase__gte=FASE_START, fase__lt=FASE_START + 1_000_000).exists():
            raise CommandError(
                "Des données d'échelle existent déjà dans cette base (écoles FASE 300000 et suivantes) : "
                "partez d'une base vide."
            )
        start = perf_counter()
        with transaction.atomic():
            counts = ScaleWorld(schools, random.Random(seed), reference).build()  # noqa: S311 - not secrets
        # The query planner's statistics, as after any bulk load (PostgreSQL's autovacuum would
        # only catch up later; SQLite keeps none until asked).
        if connection.vendor in ("postgresql", "sqlite"):
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        details = ", ".join(f"{n} {label}" for label, n in counts.items())
        if options["verbosity"]:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Monde d'échelle construit en {perf_counter() - start:.1f} s : {details}."
                )
            )
