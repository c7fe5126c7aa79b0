"""« Dossier de l'école »: a school's identity and its timeline as an A4 PDF, for a visit or a
council. Rendered by the project's WeasyPrint renderer, whose fetcher reads nothing but the
application's static files: nothing a user typed can make it fetch anything."""

from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import School
from core.pdf import html_to_pdf

from ..models import Accompaniment
from .timeline import TimelineEntry

PRINT_STYLESHEET = "pilotage/dossier-print.css"


def dossier_pdf(
    *,
    school: School,
    accompaniment: Accompaniment | None,
    entries: list[TimelineEntry],
    filters: list[str],
) -> bytes:
    """`filters` says in words what the entries were chosen by (kinds, year), for the reader."""
    html = render_to_string(
        "pilotage/school_dossier_pdf.html",
        {
            "school": school,
            "accompaniment": accompaniment,
            "entries": entries,
            "filters": filters,
            "generated_at": timezone.localtime(),
        },
    )
    # Not PDF/A: a working document, printed or handed round, never signed nor archived.
    return html_to_pdf(html, stylesheet=PRINT_STYLESHEET, pdf_a=False)


def dossier_filename(school: School) -> str:
    return f"dossier-ecole-{school.fase}.pdf"
