from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.catalogue import CatalogueError, catalogue_files, load_catalogue, load_steps


class Command(BaseCommand):
    help = (
        "Charge les cinq étapes et les catalogues d'actions des fédérations (fixtures/pilotage). "
        "Idempotent : une action déjà présente garde les modifications faites dans l'admin, sauf avec --update."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", help="Fichiers de catalogue (par défaut : tous).")
        parser.add_argument("--update", action="store_true", help="Réécrit les actions déjà présentes.")

    def handle(self, *args, **options):
        load_steps()
        paths = [Path(name) for name in options["files"]] or catalogue_files()
        for path in paths:
            try:
                summary = load_catalogue(path, update=options["update"])
            except CatalogueError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(self.style.SUCCESS(str(summary)))
