import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conventions.signatures.evidence import compare_with_certificate
from conventions.signatures.verification import verify_pdf_bytes


class Command(BaseCommand):
    help = (
        "Vérifie les signatures d'un PDF et affiche le rapport en JSON ; "
        "code de sortie 0 seulement si le document est intact et toutes ses signatures valables."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Chemin du PDF à vérifier.")
        parser.add_argument(
            "--preuve",
            metavar="PREUVE_PDF",
            help="Certificat de preuve (preuve.pdf) de la convention : vérifie que son journal concorde "
            "avec ce que les signatures du document attestent.",
        )

    def handle(self, *args, file, preuve=None, **options):
        data = _read(file)
        report = verify_pdf_bytes(data)
        output = report.as_dict()
        problems = compare_with_certificate(data, _read(preuve)) if preuve else []
        if preuve:
            output["preuve"] = {"concorde": not problems, "problemes": problems}
        self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))
        if not report.ok or problems:
            sys.exit(1)


def _read(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"Impossible de lire {path} : {error.strerror}", returncode=2) from None
