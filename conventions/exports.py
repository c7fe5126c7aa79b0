"""Lists of conventions as CSV, XLSX or ODS, with the columns of the page."""

from django.http import HttpResponse
from django.utils import timezone
from tablib import Dataset

from core.exports import dataset_response

HEADERS = [
    "Référence",
    "Modèle",
    "Fédération",
    "Pouvoir organisateur",
    "Écoles (FASE)",
    "État",
    "Prise de cours",
    "Fin",
    "Créée le",
]


def export_response(conventions, file_format: str) -> HttpResponse:
    dataset = Dataset(headers=HEADERS, title="Conventions")
    for c in conventions:
        dataset.append(
            [
                c.reference,
                str(c.template.title),
                c.federation.code.upper(),
                c.organising_authority.name,
                ", ".join(f"{s.name} ({s.fase})" for s in c.schools.all()),
                c.get_state_display(),
                # Real dates: CSV writes them dd/mm/yyyy, XLSX and ODS keep them sortable.
                c.start_date,
                c.end_date,
                timezone.localdate(c.created_at),
            ]
        )
    return dataset_response(dataset, file_format, f"conventions-{timezone.localdate():%Y-%m-%d}")
