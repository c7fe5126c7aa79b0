"""Every table a user downloads goes out through here: one table of formats, one CSV dialect
(semicolons and a UTF-8 BOM, what Excel set up for Belgium opens as columns with accents), and
cells neutralised, so that text typed by a user never runs as a formula (OWASP CSV injection)."""

import re

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


# A cell starting with one of these is read as a formula by spreadsheets.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Control characters that XML (hence XLSX and ODS) cannot hold: tab, line feed and carriage
# return are kept, the others are dropped (openpyxl refuses them outright).
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def spreadsheet_cell(value):
    """The value as a spreadsheet may hold it: control characters that no spreadsheet format can
    hold are dropped, text that a spreadsheet would run as a formula gets a leading apostrophe;
    numbers, dates and other text are kept as they are."""
    if not isinstance(value, str):
        return value
    value = ILLEGAL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    headers = [spreadsheet_cell(header) for header in dataset.headers] if dataset.headers else None
    safe = tablib.Dataset(headers=headers, title=dataset.title)
    for row in dataset:
        safe.append([spreadsheet_cell(value) for value in row])
    return safe


def encode(dataset: tablib.Dataset, fmt: str) -> str | bytes:
    dataset = neutralised(dataset)
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
