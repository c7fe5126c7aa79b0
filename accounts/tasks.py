"""Background jobs of accounts (django-tasks): each fetches its object and calls one service."""

from django_tasks import task

from core.models import Job

from .imports import KIND, run_school_import_job


@task()
def import_schools_in_background(*, job_id: int) -> None:
    run_school_import_job(job=Job.objects.get(pk=job_id, kind=KIND))
