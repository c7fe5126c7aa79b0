"""Reading a file of schools and importing it all or nothing, for `manage.py import_schools`.
The admin's import page reads files with the same formats and imports them with the same
SchoolResource, so both give the same French messages."""

from dataclasses import dataclass
from pathlib import Path

from import_export.results import RowResult
from tablib import Dataset

from core.imports import FORMATS_BY_EXTENSION, TableImportError, import_all_or_nothing, read_table
from core.text import plural

from .resources import SchoolResource


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
    """The rows of a .csv or .xlsx file, or a TableImportError saying why it cannot be read."""
    format_class = FORMATS_BY_EXTENSION.get(path.suffix.lower())
    if format_class is None:
        raise TableImportError(
            [f"Format de fichier non pris en charge : « {path.name} ». Donnez un fichier .csv ou .xlsx."]
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TableImportError([f"Fichier introuvable : {path}."]) from None
    except OSError as error:
        raise TableImportError([f"Impossible de lire le fichier {path} : {error.strerror}."]) from None
    return read_table(path.name, data)


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
