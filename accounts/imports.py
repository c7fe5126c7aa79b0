"""Reading a file of schools and importing it all or nothing, for `manage.py import_schools`.
The admin's import page reads files with the same formats and imports them with the same
SchoolResource, so both give the same French messages."""

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from import_export.results import RowResult
from tablib import Dataset

from .resources import CSV, XLSX, SchoolResource, plural

FORMATS_BY_EXTENSION = {".csv": CSV, ".xlsx": XLSX}


class SchoolImportError(Exception):
    """The file cannot be imported; `errors` says why, one French sentence each."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int

    @property
    def total(self) -> int:
        return self.created + self.updated

    def __str__(self):
        return (
            f"{self.total} {plural(self.total, 'école importée', 'écoles importées')} : "
            f"{self.created} {plural(self.created, 'créée', 'créées')}, "
            f"{self.updated} {plural(self.updated, 'mise à jour', 'mises à jour')}."
        )


def read_schools_file(path: Path) -> Dataset:
    """The rows of a .csv or .xlsx file, or a SchoolImportError saying why it cannot be read."""
    format_class = FORMATS_BY_EXTENSION.get(path.suffix.lower())
    if format_class is None:
        raise SchoolImportError(
            [f"Format de fichier non pris en charge : « {path.name} ». Donnez un fichier .csv ou .xlsx."]
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SchoolImportError([f"Fichier introuvable : {path}."]) from None
    except OSError as error:
        raise SchoolImportError([f"Impossible de lire le fichier {path} : {error.strerror}."]) from None
    return read_table(path.name, data)


def read_table(name: str, data: bytes) -> Dataset:
    """The rows of a .csv or .xlsx file's content (an upload, a file read from disk), or a
    SchoolImportError saying why it cannot be read."""
    suffix = Path(name).suffix.lower()
    format_class = FORMATS_BY_EXTENSION.get(suffix)
    if format_class is None:
        raise SchoolImportError(
            [f"Format de fichier non pris en charge : « {name} ». Donnez un fichier .csv ou .xlsx."]
        )
    try:
        return format_class().create_dataset(data)
    except UnicodeDecodeError:
        raise SchoolImportError(
            [f"Le fichier {name} n'est pas en UTF-8 : enregistrez-le au format « CSV UTF-8 »."]
        ) from None
    except Exception:
        # A damaged or mislabelled file can fail in many ways inside the spreadsheet
        # libraries; the user needs one message, not a traceback.
        raise SchoolImportError(
            [f"Le fichier {name} n'a pas pu être lu : est-ce bien un fichier {suffix} ?"]
        ) from None


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
    """All or nothing: a dry run of `make_resource()` collects every problem of the file;
    only a file without any is imported, in one transaction. Returns the import's result."""
    result = make_resource().import_data(dataset, dry_run=True)
    errors = result_errors(result)
    if not errors and not result.valid_rows():  # blank lines are skipped, not counted
        errors = [empty_message]
    if errors:
        raise SchoolImportError(errors)

    with transaction.atomic():
        result = make_resource().import_data(dataset, dry_run=False, use_transactions=True)
        # The database may have changed since the dry run; raising here undoes everything.
        errors = result_errors(result)
        if errors:
            raise SchoolImportError(errors)
    return result


def import_schools(*, dataset: Dataset) -> ImportSummary:
    """All or nothing: a dry run collects every problem of the file; only a file without
    any is imported, in one transaction."""
    result = import_all_or_nothing(
        SchoolResource, dataset, empty_message="Le fichier ne contient aucune école."
    )
    return ImportSummary(
        created=result.totals[RowResult.IMPORT_TYPE_NEW],
        updated=result.totals[RowResult.IMPORT_TYPE_UPDATE],
    )
