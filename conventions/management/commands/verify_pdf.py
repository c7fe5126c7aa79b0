import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conventions.signatures.verification import verify_pdf_bytes


class Command(BaseCommand):
    help = (
        "Vérifie les signatures d'un PDF et affiche le rapport en JSON ; "
        "code de sortie 0 seulement si le document est intact et toutes ses signatures valables."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du PDF à vérifier.")

    def handle(self, *args, file, **options):
        try:
            data = Path(file).read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire {file} : {error.strerror}", returncode=2) from None
        report = verify_pdf_bytes(data)
        self.stdout.write(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        if not report.ok:
            sys.exit(1)
