"""Background jobs of conventions (django-tasks) that views enqueue: each fetches its object and
calls one service. E-mails are in `emails`, below the services that queue them."""

from django_tasks import task

from core.models import Job

from .services.bulk import KIND, run_bulk_job


@task()
def create_conventions_in_bulk(*, job_id: int) -> None:
    run_bulk_job(job=Job.objects.get(pk=job_id, kind=KIND))
