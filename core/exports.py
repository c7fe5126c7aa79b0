"""Every table a user downloads goes out through here: one table of formats, one CSV dialect
(semicolons and a UTF-8 BOM, what Excel set up for Belgium opens as columns with accents;
decimal commas and dd/mm/yyyy dates, as a Belgian reader writes them), XLSX with real numbers
and dates, and cells neutralised, so that text typed by a user never runs as a formula (OWASP
CSV injection)."""

import csv
import datetime
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from io import BytesIO
from itertools import islice

import tablib
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

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


def each_cell(dataset: tablib.Dataset, change, *, headers=None) -> tablib.Dataset:
    """A copy of the dataset with `change` applied to each value (and `headers` to each header)."""
    headers = (
        [headers(header) for header in dataset.headers] if headers and dataset.headers else dataset.headers
    )
    changed = tablib.Dataset(headers=headers, title=dataset.title)
    for row in dataset:
        changed.append([change(value) for value in row])
    return changed


def neutralised(dataset: tablib.Dataset) -> tablib.Dataset:
    return each_cell(dataset, spreadsheet_cell, headers=spreadsheet_cell)


DATE_FORMAT = "DD/MM/YYYY"
DATETIME_FORMAT = "DD/MM/YYYY HH:MM"


def local_naive(value: datetime.datetime) -> datetime.datetime:
    """Spreadsheets know no time zones: an aware moment is written as Brussels' wall clock."""
    return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value


def local_naive_cell(value):
    return local_naive(value) if isinstance(value, datetime.datetime) else value


def csv_text(value):
    """A cell as a Belgian reader writes it: 9,5 and 31/08/2025; 9.0 means 9."""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, float | Decimal):
        # format(…, "f") and not str(): never 1E+1 or 1e-05, which a reader does not expect.
        return format(Decimal(repr(value)) if isinstance(value, float) else value, "f").replace(".", ",")
    if isinstance(value, datetime.datetime):
        return local_naive(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return value


def xlsx_sheet_title(title: str | None) -> str:
    # Excel refuses these characters and more than 31 of them in a sheet's name.
    return re.sub(r"[\\/*?:\[\]]", "-", title or "")[:31] or "Export"


def xlsx_cell(sheet, value):
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        cell = Cell(sheet, value=value)
        cell.number_format = DATETIME_FORMAT if isinstance(value, datetime.datetime) else DATE_FORMAT
        return cell
    return value


def xlsx_bytes(dataset: tablib.Dataset) -> bytes:
    """The dataset as a workbook whose numbers are numbers and dates are dates, shown dd/mm/yyyy
    (tablib would show ISO dates)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = xlsx_sheet_title(dataset.title)
    if dataset.headers:
        sheet.append(list(dataset.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        sheet.freeze_panes = "A2"
    for row in dataset:
        # Cells made here, their format set before they are appended: looking them up after
        # (`sheet[sheet.max_row]`) reads every cell of the sheet, for each row.
        sheet.append([xlsx_cell(sheet, value) for value in row])
    for column in sheet.iter_cols():
        longest = max(len(str(csv_text(cell.value) if cell.value is not None else "")) for cell in column)
        sheet.column_dimensions[get_column_letter(column[0].column)].width = min(max(longest + 2, 10), 60)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def encode(dataset: tablib.Dataset, fmt: str) -> bytes:
    """The dataset as an XLSX or ODS file (CSV streams, see `csv_chunks`)."""
    # Neutralised first, on the values themselves: a negative number is a number, not a
    # formula, and stays one once written « -3,5 ».
    dataset = each_cell(neutralised(dataset), local_naive_cell)
    if fmt == "xlsx":
        return xlsx_bytes(dataset)
    return dataset.export(fmt)


def dataset_response(dataset: tablib.Dataset, fmt: str, name: str) -> HttpResponse | StreamingHttpResponse:
    """The dataset as a download named after `name`; an unknown format is a 404."""
    return table_response(list(dataset.headers or []), dataset, fmt, name, title=dataset.title or "")


# Rows per chunk of a streamed CSV: one write to the socket every few kilobytes, not per row.
CSV_ROWS_PER_CHUNK = 200


def in_batches(iterable: Iterable, size: int) -> Iterator[list]:
    """Lists of `size` items (the last one shorter), read from `iterable` as they are needed."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class _Echo:
    """A file whose write hands back what is written: csv.writer then formats one row at a time."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(headers: list[str], rows: Iterable[list]) -> Iterator[str]:
    """A CSV download, a few rows at a time: a BOM first, semicolons, cells neutralised (before
    anything else: a negative number stays a number, written « -3,5 »), Brussels' wall clock,
    Belgian numbers and dates."""
    writer = csv.writer(_Echo(), delimiter=CSV_DELIMITER)
    chunk = [
        "\ufeff" + (writer.writerow([spreadsheet_cell(header) for header in headers]) if headers else "")
    ]
    for row in rows:
        chunk.append(writer.writerow([csv_text(local_naive_cell(spreadsheet_cell(value))) for value in row]))
        if len(chunk) >= CSV_ROWS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    yield "".join(chunk)


def table_response(headers: list[str], rows: Iterable, fmt: str, name: str, *, title: str = ""):
    """The rows as a download named after `name`; an unknown format is a 404. CSV streams: its
    first bytes leave before the last row is read, and memory holds one chunk of rows whatever
    their number. XLSX and ODS are zip archives whose directory comes last and whose column
    widths depend on every row: they are built whole, then sent."""
    if fmt not in EXPORT_FORMATS:
        raise Http404("Format d'export inconnu.")
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(headers, rows), content_type=content_type(fmt))
    else:
        dataset = tablib.Dataset(headers=headers or None, title=title)
        for row in rows:
            dataset.append(list(row))
        response = HttpResponse(encode(dataset, fmt), content_type=content_type(fmt))
    response["Content-Disposition"] = f'attachment; filename="{slugify(name)}.{fmt}"'
    return response
