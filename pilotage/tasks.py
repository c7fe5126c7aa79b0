"""Background jobs of the pilotage app (django-tasks): each fetches its object and calls one
service. The e-mails are in `emails`, queued by the services."""

from django_tasks import task

from accounts.models import Federation
from core import jobs
from core.models import Job

from .imports import KIND as INDICATOR_IMPORT
from .imports import run_indicator_import_job
from .services.reports import KIND, new_report_job, produce_yearly_report


def start_yearly_report(*, federation: Federation, year: int, fmt: str, user) -> Job:
    """Records the job, then queues its task."""
    job = new_report_job(federation=federation, year=year, fmt=fmt, user=user)
    return jobs.enqueue(job, generate_yearly_report)


@task()
def generate_yearly_report(*, job_id: int) -> None:
    produce_yearly_report(job=Job.objects.get(pk=job_id, kind=KIND))


@task()
def import_indicator_values_in_background(*, job_id: int) -> None:
    run_indicator_import_job(job=Job.objects.get(pk=job_id, kind=INDICATOR_IMPORT))
