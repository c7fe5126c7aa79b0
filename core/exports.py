"""Every table a user downloads goes out through here: one table of formats, one CSV dialect
(semicolons and a UTF-8 BOM, what Excel set up for Belgium opens as columns with accents)."""

import tablib
from django.http import Http404, HttpResponse
from django.utils.text import slugify

EXPORT_FORMATS = {
    "csv": ("CSV", "text/csv; charset=utf-8"),
    "xlsx": ("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ods": ("OpenDocument (ODS)", "application/vnd.oasis.opendocument.spreadsheet"),
}
CSV_DELIMITER = ";"


def content_type(fmt: str) -> str:
    return EXPORT_FORMATS[fmt][1]


def format_choices(formats=EXPORT_FORMATS) -> list[tuple[str, str]]:
    return [(fmt, EXPORT_FORMATS[fmt][0]) for fmt in formats]


def encode(dataset: tablib.Dataset, fmt: str) -> str | bytes:
    if fmt == "csv":
        return "\ufeff" + dataset.export("csv", delimiter=CSV_DELIMITER)
    return dataset.export(fmt)


def dataset_response(dataset: tablib.Dataset, fmt: str, name: str) -> HttpResponse:
    """The dataset as a download named after `name`; an unknown format is a 404."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Format d'export inconnu.")
    response = HttpResponse(encode(dataset, fmt), content_type=content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.{fmt}"'
    return response
