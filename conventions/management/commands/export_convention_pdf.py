from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conventions.models import Convention
from conventions.services.documents import current_pdf


class Command(BaseCommand):
    help = "Écrit le PDF actuel d'une convention : le document conservé s'il est figé, sinon le projet."

    def add_arguments(self, parser):
        parser.add_argument("reference", help="par exemple CPEONS-2026-0001")
        parser.add_argument("-o", "--output", required=True, help="fichier PDF à écrire")

    def handle(self, *args, reference, output, **options):
        convention = (
            Convention.objects.select_related("template", "federation", "organising_authority")
            .filter(reference=reference)
            .first()
        )
        if convention is None:
            raise CommandError(f"Aucune convention ne porte la référence « {reference} ».")
        content, document = current_pdf(convention)
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {output} : {error.strerror}.") from None
        origin = f"révision {document.revision} conservée" if document else "projet (texte non figé)"
        self.stdout.write(
            self.style.SUCCESS(f"{output} : {convention.reference}, {origin}, {len(content)} octets.")
        )
