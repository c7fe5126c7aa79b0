from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backups import BackupError, restore


class Command(BaseCommand):
    help = "Restaure une sauvegarde de `manage.py backup` dans la base configurée (DATABASE_URL), qu'elle remplace."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Fichier écrit par `manage.py backup`.")

    def handle(self, *args, file, **options):
        try:
            restore(Path(file))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sauvegarde restaurée : {file}")
