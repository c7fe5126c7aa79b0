"""Tabular imports, all or nothing: reading a CSV or XLSX file into rows, and importing them with
an import-export resource so that one bad row undoes the whole file and every problem is said in
one French sentence, with its line in the file as the user counts it (the header is line 1)."""

import csv
import io
import re
import unicodedata
from pathlib import Path

import openpyxl
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.text import capfirst
from import_export import resources, widgets
from import_export.formats import base_formats
from import_export.results import Result
from tablib import Dataset

from .uploads import UploadTooLarge, check_xlsx_archive, too_large_message, too_many_rows_message


class TableImportError(Exception):
    """The file cannot be imported; `errors` says why, one French sentence each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def simplify(text: str) -> str:
    """Lower case, no accents, words separated by single spaces: 'Localité' → 'localite',
    'Primaire  spécialisé' → 'primaire specialise'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.split(r"[\s_\-]+", letters)).strip()


def cell_text(value) -> str:
    """A cell as text. Spreadsheets give numbers as floats (1000.0): they mean 1000."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# Django's own words for a NUL byte in a text field (PostgreSQL cannot store one).
NUL_MESSAGE = "Le caractère nul n’est pas autorisé."


def file_line(row_number: int) -> int:
    """import-export counts data rows from 1; the user counts lines of the file, where the
    header is line 1."""
    return row_number + 1


class TextWidget(widgets.CharWidget):
    def __init__(self, missing_message=None):
        super().__init__()
        self.missing_message = missing_message

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if "\x00" in text:
            raise ValueError(NUL_MESSAGE)
        if not text and self.missing_message:
            raise ValueError(self.missing_message)
        return text


def dataset_from_rows(rows, *, name: str = "") -> Dataset:
    """The first row is the header. Every other row is kept, blank ones too (the resource
    skips them), so that data row N is line N + 1 of the file, as the user counts. Past
    IMPORT_MAX_ROWS data rows the reading stops with UploadTooLarge: the rest is never read."""
    rows = iter(rows)
    headers = [cell if cell is not None else "" for cell in next(rows, [])]
    dataset = Dataset(headers=headers or None)
    width = len(headers)
    limit = settings.IMPORT_MAX_ROWS
    for count, row in enumerate(rows, start=1):
        if count > limit:
            raise UploadTooLarge(too_many_rows_message(name, limit))
        # Rows may be shorter or longer than the header (trailing separators, stray cells
        # beyond the last column): the cells that have a header are what counts.
        row = list(row)[:width]
        dataset.append(row + [None] * (width - len(row)))
    return dataset


# The encodings a CSV file is read in, in the order they are tried, with the words the user is
# told. UTF-8 first and strictly: a file that decodes as UTF-8 almost surely is UTF-8, while
# every byte string but five bytes decodes as Windows-1252, so the fallback must come last.
# No statistical guess (charset-normalizer): the same file is always read the same way.
CSV_ENCODINGS = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252 (Excel)"}


class EncodingError(ValueError):
    """The bytes are neither UTF-8 nor Windows-1252."""


def encoding_note(dataset: Dataset) -> str:
    """What to tell the user about how the file was read: « Fichier lu en UTF-8. » for a CSV,
    nothing for a spreadsheet, whose encoding is not the user's choice."""
    encoding = getattr(dataset, "source_encoding", None)
    return f"Fichier lu en {CSV_ENCODINGS[encoding]}." if encoding else ""


class CSV(base_formats.CSV):
    """CSV in UTF-8 (with or without BOM) or Windows-1252, separated by commas or by semicolons
    (Belgian Excel). The dataset remembers the encoding it was read in (`source_encoding`)."""

    # Bytes, not text: the admin's import page would otherwise decode the file as UTF-8 itself
    # and refuse Excel's Windows-1252 before this reader sees it.
    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, name: str = "", **kwargs):
        if len(in_stream) > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise UploadTooLarge(too_large_message(name, settings.IMPORT_MAX_UPLOAD_BYTES))
        if not isinstance(in_stream, bytes):
            return _read_csv(io.StringIO(in_stream.removeprefix("\ufeff"), newline=""), name=name)
        # Decoded as it is read, not into one more copy of the whole file; strictly, so that a
        # file that is not UTF-8 is read again in the next encoding.
        for encoding in CSV_ENCODINGS:
            try:
                dataset = _read_csv(
                    io.TextIOWrapper(io.BytesIO(in_stream), encoding=encoding, newline=""), name=name
                )
            except UnicodeDecodeError:
                continue
            dataset.source_encoding = encoding
            return dataset
        raise EncodingError


def _read_csv(text, *, name: str) -> Dataset:
    header = text.readline()
    text.seek(0)
    delimiter = ";" if header.count(";") > header.count(",") else ","
    return dataset_from_rows(csv.reader(text, delimiter=delimiter), name=name)


class XLSX(base_formats.XLSX):
    """The first sheet of an Excel workbook, refused before it is opened if it would
    decompress beyond IMPORT_MAX_XLSX_UNCOMPRESSED_BYTES."""

    def create_dataset(self, in_stream, name: str = ""):
        if len(in_stream) > settings.IMPORT_MAX_UPLOAD_BYTES:
            raise UploadTooLarge(too_large_message(name, settings.IMPORT_MAX_UPLOAD_BYTES))
        check_xlsx_archive(name, in_stream)
        # data_only: the values that formulas computed, not the formulas. read_only: rows are
        # parsed one at a time, so the row limit stops the parsing itself.
        book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=True)
        try:
            return dataset_from_rows(book.active.iter_rows(values_only=True), name=name)
        finally:
            book.close()


FORMATS_BY_EXTENSION = {".csv": CSV, ".xlsx": XLSX}


def read_table(name: str, data: bytes) -> Dataset:
    """The rows of a .csv or .xlsx file's content (an upload, a file read from disk), or a
    TableImportError saying why it cannot be read."""
    suffix = Path(name).suffix.lower()
    format_class = FORMATS_BY_EXTENSION.get(suffix)
    if format_class is None:
        raise TableImportError(
            [f"Format de fichier non pris en charge : « {name} ». Donnez un fichier .csv ou .xlsx."]
        )
    try:
        dataset = format_class().create_dataset(data, name=name)
    except UploadTooLarge as refusal:
        raise TableImportError([refusal.message]) from None
    except EncodingError:
        raise TableImportError(
            [
                f"Le fichier {name} n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le depuis "
                "Excel au format « CSV UTF-8 » ou « CSV (séparateur : point-virgule) »."
            ]
        ) from None
    except Exception:
        # A damaged or mislabelled file can fail in many ways inside the spreadsheet
        # libraries; the user needs one message, not a traceback.
        raise TableImportError(
            [f"Le fichier {name} n'a pas pu être lu : est-ce bien un fichier {suffix} ?"]
        ) from None
    nul_lines = [
        file_line(number)
        for number, row in enumerate(dataset, start=1)
        if any(isinstance(value, str) and "\x00" in value for value in row)
    ]
    if nul_lines or any(isinstance(header, str) and "\x00" in header for header in dataset.headers or []):
        raise TableImportError(
            [f"Ligne {line} : {NUL_MESSAGE[0].lower()}{NUL_MESSAGE[1:]}" for line in nul_lines or [1]]
        )
    return dataset


def result_errors(result) -> list[str]:
    """Every problem of an import result as 'Ligne N : raison', in the order of the file."""
    lines = []
    for row in result.invalid_rows:
        lines.extend((row.number, message) for messages in row.error_dict.values() for message in messages)
    for row in result.error_rows:
        lines.extend((row.number, f"erreur inattendue : {error.error}") for error in row.errors)
    lines.sort(key=lambda line: line[0])
    return [str(error.error) for error in result.base_errors] + [
        f"Ligne {number} : {message}" for number, message in lines
    ]


def import_all_or_nothing(make_resource, dataset: Dataset, *, empty_message: str):
    """All or nothing: the file is imported in one transaction, every problem of every row
    collected on the way; a file with any problem (or none to import) is undone as a whole.
    One pass, not a dry run then the import: the dry run of import-export saves every row
    too (and undoes them), so it would double the work for the same answer. Returns the
    import's result."""
    with transaction.atomic():
        result = make_resource().import_data(dataset, dry_run=False, use_transactions=True)
        errors = result_errors(result)
        if not errors and not result.valid_rows():  # blank lines are skipped, not counted
            errors = [empty_message]
        if errors:
            # Raising inside the block undoes whatever the valid rows saved.
            raise TableImportError(errors)
    return result


def errors_shown(errors: list[str]) -> dict:
    """What a page shows of a refused file: the first IMPORT_MAX_ERRORS_SHOWN problems, and
    how many there are in all (a file with 50,000 bad lines is not a 50,000-item list)."""
    limit = settings.IMPORT_MAX_ERRORS_SHOWN
    return {"errors": errors[:limit], "error_count": len(errors), "more_errors": max(0, len(errors) - limit)}


class HeaderError(ValueError):
    """The columns of the file are wrong."""


class LineNumberedResult(Result):
    """Numbers bad rows by their line in the file, in the admin as in the commands."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(file_line(number), row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(file_line(number), row, errors)


class AllOrNothingResource(resources.ModelResource):
    """What every import of Pilotis shares: lines numbered as in the file, one invalid row
    undoes the whole import, blank lines skipped, wrong columns said once, and one plain French
    sentence per problem. A subclass sets `header_error` in `before_import` and raises
    HeaderError; `validation_exclude` names fields its rows fill otherwise."""

    header_error = None
    validation_exclude: tuple[str, ...] = ()
    # A resource whose widgets and preloaded lookups already check the model's unique fields
    # and constraints turns these off: each costs a query per row.
    check_unique_in_database = True
    check_constraints_in_database = True

    @classmethod
    def get_result_class(cls):
        return LineNumberedResult

    def import_data(self, dataset, **kwargs):
        # All or nothing wherever the import runs: one invalid row undoes the others.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def handle_import_error(self, result, error, raise_errors=False):
        if isinstance(error, HeaderError):
            # A mistake in the file, not in the code: the admin page needs no stack trace.
            error = error.with_traceback(None)
        super().handle_import_error(result, error, raise_errors)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Blank lines are skipped; and when the columns are wrong, the header error says it all.
        return self.header_error is not None or all(cell_text(value) == "" for value in row.values())

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The row's own messages as they are, the model's checks (lengths…) preceded by the
        name of the field."""
        import_validation_errors = import_validation_errors or {}
        messages = ValidationError(import_validation_errors).messages if import_validation_errors else []
        try:
            instance.full_clean(
                exclude=[*import_validation_errors, *self.validation_exclude],
                validate_unique=validate_unique and self.check_unique_in_database,
                validate_constraints=self.check_constraints_in_database,
            )
        except ValidationError as error:
            for field, field_messages in error.message_dict.items():
                if field == NON_FIELD_ERRORS:
                    messages.extend(field_messages)
                else:
                    label = capfirst(self._meta.model._meta.get_field(field).verbose_name)
                    messages.extend(f"{label} : {message}" for message in field_messages)
        if messages:
            raise ValidationError(messages)
