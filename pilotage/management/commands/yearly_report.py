"""`manage.py yearly_report --federation CPEONS --year 2024 -o rapport.xlsx`: the yearly
follow-up report of a federation for a school year (2024 = 2024-2025), as PDF or XLSX
according to the file's extension."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.models import Federation
from core.school_years import current_school_year, school_year_label
from pilotage.dashboards import report, report_files


class Command(BaseCommand):
    help = (
        "Écrit le rapport de suivi annuel d'une fédération pour une année scolaire (2024 = 2024-2025), "
        "en PDF ou en XLSX selon l'extension du fichier."
    )

    def add_arguments(self, parser):
        parser.add_argument("--federation", required=True, help="Sigle de la fédération, par exemple CPEONS.")
        parser.add_argument(
            "--year", required=True, help="Première année civile de l'année scolaire : 2024 pour 2024-2025."
        )
        parser.add_argument("-o", "--output", required=True, help="Fichier à écrire : .pdf ou .xlsx.")

    def handle(self, *args, federation, year, output, **options):
        path = Path(output)
        fmt = path.suffix.lower().lstrip(".")
        if fmt not in report_files.FORMATS:
            raise CommandError(
                f"Extension non prise en charge : « {path.suffix or path.name} ». "
                "Le fichier doit se terminer par .pdf ou .xlsx."
            )
        found = Federation.objects.filter(code__iexact=federation.strip()).first()
        if found is None:
            known = ", ".join(Federation.objects.values_list("code", flat=True)) or "aucune"
            raise CommandError(f"Fédération inconnue : « {federation} ». Fédérations connues : {known}.")
        if not (year.isascii() and year.isdecimal() and len(year) == 4 and 2000 <= int(year) <= 2100):
            raise CommandError(
                f"Année non valable : « {year} ». Donnez la première année civile de l'année scolaire, "
                "par exemple 2024 pour 2024-2025."
            )
        if int(year) > current_school_year():
            raise CommandError(
                f"L'année scolaire {school_year_label(int(year))} n'a pas encore commencé : "
                "il n'y a rien à rapporter."
            )
        if not path.parent.is_dir():
            raise CommandError(f"Le dossier « {path.parent} » n'existe pas.")
        data = report.build(found, int(year))
        content = report_files.render(data, fmt)
        path.write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rapport de suivi annuel {found.code} {school_year_label(int(year))} : "
                f"{len(data.lines)} école{'s' if len(data.lines) != 1 else ''} → {path}"
            )
        )
