from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from accounts.imports import import_schools, read_schools_file
from core.imports import TableImportError, encoding_note
from core.text import plural


class Command(BaseCommand):
    help = (
        "Importe les écoles d'un fichier CSV ou XLSX (colonnes FASE, name, address, postcode, "
        "city, PO, level, wave et, au besoin, FPO), tout ou rien : une école déjà connue "
        "(même FASE) est mise à jour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            type=Path,
            help="fichier .csv (UTF-8 ou Windows-1252, virgules ou points-virgules) ou .xlsx",
        )

    def handle(self, *args, file, **options):
        try:
            dataset = read_schools_file(file)
            if note := encoding_note(dataset):
                self.stdout.write(note)
            summary = import_schools(dataset=dataset)
        except TableImportError as error:
            for message in error.errors:
                self.stderr.write(message)
            count = len(error.errors)
            # CommandError ends `manage.py` with exit status 1.
            raise CommandError(
                f"{count} {plural(count, 'erreur', 'erreurs')} : aucune école n'a été importée. "
                "Corrigez le fichier puis relancez l'import."
            ) from None
        self.stdout.write(self.style.SUCCESS(str(summary)))
