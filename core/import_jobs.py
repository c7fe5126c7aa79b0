"""Imports too large for a request: the checked rows of the file wait in a Job (in the
database, so that any worker on any node runs them), and the job imports them all or nothing
with the same resource as a small file, keeping the first problems, numbered by line, for
its progress page."""

from collections.abc import Callable

from django.conf import settings
from tablib import Dataset

from core.text import plural

from . import jobs
from .imports import TableImportError, cell_text, errors_shown
from .models import Job


def is_large(dataset: Dataset) -> bool:
    """Above IMPORT_SYNC_MAX_ROWS rows, an import goes to the background."""
    return len(dataset) > settings.IMPORT_SYNC_MAX_ROWS


def new_import_job(*, kind: str, by, file_name: str, dataset: Dataset) -> Job:
    """The rows as the text every widget reads (`cell_text`), so that they keep in JSON."""
    return jobs.create_job(
        kind=kind,
        by=by,
        params={
            "file_name": file_name,
            "row_count": len(dataset),
            "headers": [cell_text(header) for header in dataset.headers or []],
            "rows": [[cell_text(value) for value in row] for row in dataset],
        },
    )


def job_dataset(job: Job) -> Dataset:
    dataset = Dataset(headers=job.params["headers"] or None)
    for row in job.params["rows"]:
        dataset.append(row)
    return dataset


def run_import_job(job: Job, import_dataset: Callable[[Dataset], object]) -> Job:
    """Runs `import_dataset` (which imports all or nothing, raising TableImportError) on the
    job's rows. A refused file ends the job as failed with the count of its problems; the
    first of them are kept in its result for the page."""

    def work(job: Job) -> dict:
        count = job.params["row_count"]
        jobs.report_progress(
            job,
            percent=10,
            stage=f"vérification et enregistrement de {count} {plural(count, 'ligne', 'lignes')}",
        )
        try:
            summary = import_dataset(job_dataset(job))
        except TableImportError as refusal:
            shown = errors_shown(refusal.errors)
            # Saved before the failure is recorded: `run` records only the status and message.
            Job.objects.filter(pk=job.pk).update(result=shown)
            job.result = shown
            total = shown["error_count"]
            raise jobs.JobRefused(
                [f"Rien n'a été importé : {total} {plural(total, 'problème', 'problèmes')} dans le fichier."]
            ) from None
        return {"summary": str(summary)}

    return jobs.run(job, work)
