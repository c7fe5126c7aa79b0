"""Lists of conventions as CSV, XLSX or ODS, with the columns of the page."""

from django.utils import timezone

from core.exports import table_response

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
# Conventions read per query (with one more query for their schools): memory holds one batch,
# whatever the number of conventions.
BATCH = 500


def _rows(conventions):
    for c in conventions.iterator(chunk_size=BATCH):
        yield [
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


def export_response(conventions, file_format: str):
    name = f"conventions-{timezone.localdate():%Y-%m-%d}"
    return table_response(HEADERS, _rows(conventions), file_format, name, title="Conventions")
