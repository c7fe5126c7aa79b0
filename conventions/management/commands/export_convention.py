from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from conventions.models import Convention
from conventions.services.documents import FILE_FORMATS, convention_file


class Command(BaseCommand):
    help = (
        "Écrit une convention en PDF (le document conservé s'il est figé, sinon le projet), en Word "
        "(.docx) ou en OpenDocument (.odt), selon l'extension du fichier."
    )
    # None: the format is the output file's extension.
    fixed_format = None

    def add_arguments(self, parser):
        parser.add_argument("reference", help="par exemple CPEONS-2026-0001")
        kinds = "fichier PDF à écrire" if self.fixed_format else "fichier à écrire : .pdf, .docx ou .odt"
        parser.add_argument("-o", "--output", required=True, help=kinds)

    def handle(self, *args, reference, output, **options):
        fmt = self.fixed_format or Path(output).suffix.lower().lstrip(".")
        if fmt not in FILE_FORMATS:
            raise CommandError(
                f"Format inconnu « {Path(output).suffix or output} » : le fichier doit finir par "
                ".pdf, .docx ou .odt."
            )
        convention = (
            Convention.objects.select_related(
                "template", "federation", "organising_authority", "amendment_of", "template__annex_framework"
            )
            .filter(reference=reference)
            .first()
        )
        if convention is None:
            raise CommandError(f"Aucune convention ne porte la référence « {reference} ».")
        exported = convention_file(convention, fmt)
        try:
            Path(output).write_bytes(exported.content)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {output} : {error.strerror}.") from None
        if exported.draft:
            origin = "projet (texte non figé)"
        elif fmt == "pdf":
            origin = f"révision {exported.stored.revision} conservée"
        else:
            origin = "texte figé" + (
                f", empreinte du PDF r{exported.stored.revision}" if exported.stored else ""
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"{output} : {convention.reference}, {origin}, {len(exported.content)} octets."
            )
        )
