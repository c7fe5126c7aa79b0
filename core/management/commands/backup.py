from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from core.backups import BackupError, backup


class Command(BaseCommand):
    help = "Sauvegarde toute la base (PDF signés et journaux de preuve compris) dans un fichier."

    def add_arguments(self, parser):
        parser.add_argument(
            "-o", "--output", help="Fichier à écrire (par défaut var/backups/pilotis-<date>.<ext>)."
        )

    def handle(self, *args, output=None, **options):
        extension = "dump" if connection.vendor == "postgresql" else "sqlite3"
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = Path(output or settings.BASE_DIR / "var" / "backups" / f"pilotis-{stamp}.{extension}")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sauvegarde écrite : {path}")
