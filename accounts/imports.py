"""Reading a file of schools and importing it all or nothing, for `manage.py import_schools`.
The admin's import page reads files with the same formats and imports them with the same
SchoolResource, so both give the same French messages."""

from dataclasses import dataclass
from pathlib import Path

from django.utils import timezone
from import_export.results import RowResult
from tablib import Dataset

from core.import_jobs import run_import_job
from core.imports import FORMATS_BY_EXTENSION, TableImportError, import_all_or_nothing, read_table
from core.models import Job
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


class SchoolFileResource(SchoolResource):
    """The import of a whole file, without the admin's preview: no before/after comparison of
    every row (never shown, a fifth of the time), and the schools written a thousand at a
    time rather than one INSERT and two savepoints each (half of the time). Every row is
    still checked one by one before anything is written, and the import is one transaction."""

    class Meta(SchoolResource.Meta):
        skip_diff = True
        use_bulk = True
        batch_size = 1000

    def get_bulk_update_fields(self):
        # The model's fields, not the resource's: the level column also sets `specialised`.
        return [*UPDATED_FIELDS, "updated_at"]

    def before_save_instance(self, instance, row, **kwargs):
        # bulk_update skips auto_now: the API's `updated_since` must still see the change.
        instance.updated_at = timezone.now()


UPDATED_FIELDS = [
    "name",
    "street",
    "postcode",
    "city",
    "organising_authority",
    "federation",
    "level",
    "specialised",
    "wave",
]


def import_schools(*, dataset: Dataset) -> ImportSummary:
    """All or nothing: every problem of the file is collected; only a file without any is
    imported, in one transaction."""
    result = import_all_or_nothing(
        SchoolFileResource, dataset, empty_message="Le fichier ne contient aucune école."
    )
    return ImportSummary(
        created=result.totals[RowResult.IMPORT_TYPE_NEW],
        updated=result.totals[RowResult.IMPORT_TYPE_UPDATE],
    )


KIND = "accounts.school_import"


def run_school_import_job(*, job: Job) -> Job:
    return run_import_job(job, lambda dataset: import_schools(dataset=dataset))
