"""Background jobs of the pilotage app (django-tasks): each fetches its object and calls one
service. The e-mails are in `emails`, queued by the services."""

import logging

from django_tasks import task

from accounts.models import Federation

from .dashboards.report_job import CONTENT_TYPES, JOB_TTL, ReportJob, new_report_job
from .services.reports import produce_yearly_report

__all__ = ["CONTENT_TYPES", "JOB_TTL", "ReportJob", "generate_yearly_report", "start_yearly_report"]

logger = logging.getLogger(__name__)


def start_yearly_report(*, federation: Federation, year: int, fmt: str, user) -> ReportJob:
    """Records the job, then queues its task."""
    job = new_report_job(federation=federation, year=year, fmt=fmt, user=user)
    generate_yearly_report.enqueue(job_id=job.id)
    return job


@task()
def generate_yearly_report(*, job_id: str) -> None:
    job = ReportJob.get(job_id)
    if job is None:
        logger.warning("Rapport %s introuvable (expiré ?)", job_id)
        return
    produce_yearly_report(job=job)
