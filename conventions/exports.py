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


def _date(value):
    return value.strftime("%d/%m/%Y") if value else ""


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
                _date(c.start_date),
                _date(c.end_date),
                _date(timezone.localtime(c.created_at)),
            ]
        )
    return dataset_response(dataset, file_format, f"conventions-{timezone.localdate():%Y-%m-%d}")
