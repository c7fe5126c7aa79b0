"""Lists of conventions as CSV or XLSX, with the columns of the page."""

from django.http import HttpResponse
from django.utils import timezone
from tablib import Dataset

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
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


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
    content = dataset.export(file_format)
    if file_format == "csv":
        content = "\ufeff" + content  # Excel reads UTF-8 with accents only with a BOM
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = (
        f'attachment; filename="conventions-{timezone.localdate():%Y-%m-%d}.{file_format}"'
    )
    return response
