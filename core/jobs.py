"""Running a Job: the task that carries it fetches it and hands its work to `run`, which records
the start, the progress, the result or the failure, each in its own short write so that the page
polling the job sees them as they happen."""

import logging
from collections.abc import Callable

from django.utils import timezone

from .models import Job

logger = logging.getLogger(__name__)

FAILURE_MESSAGE = "La tâche a échoué. Réessayez ; si l'erreur persiste, prévenez l'administrateur de Pilotis."


class JobRefused(Exception):
    """The work cannot be done for a reason the person can act on: `messages` says why, in French."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def create_job(*, kind: str, by, params: dict) -> Job:
    return Job.objects.create(kind=kind, created_by=by, params=params)


def report_progress(job: Job, *, percent: int, stage: str = "") -> None:
    job.percent, job.stage = max(0, min(percent, 100)), stage or job.stage
    Job.objects.filter(pk=job.pk).update(percent=job.percent, stage=job.stage, status=Job.Status.RUNNING)


def run(
    job: Job, work: Callable[[Job], dict | tuple[dict, str, bytes]], *, failure_message: str = FAILURE_MESSAGE
) -> Job:
    """Runs `work(job)`, which returns the result (a dict), or the result with a file's name and
    bytes; the work opens its own transactions, so that its progress is seen while it runs. A job
    that is no longer pending is left as it is. A JobRefused ends the job as failed with its messages; any other error too, with a
    general message, and is logged."""
    started = timezone.now()
    # Claimed in one UPDATE: a job queued twice (a double click, two workers) runs once.
    if not Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING, started_at=started, percent=1
    ):
        job.refresh_from_db()
        return job
    job.status, job.started_at, job.percent = Job.Status.RUNNING, started, 1
    try:
        outcome = work(job)
    except JobRefused as refusal:
        return _finish(job, status=Job.Status.FAILED, error=" ".join(refusal.messages))
    except Exception:
        logger.exception("La tâche de fond %s (%s) a échoué", job.pk, job.kind)
        return _finish(job, status=Job.Status.FAILED, error=failure_message)
    result, file_name, content = outcome if isinstance(outcome, tuple) else (outcome, "", None)
    return _finish(job, status=Job.Status.DONE, result=result, file_name=file_name, file_content=content)


def _finish(job: Job, **fields) -> Job:
    fields.setdefault("stage", "Terminé" if fields["status"] == Job.Status.DONE else "Échec")
    if fields["status"] == Job.Status.DONE:
        fields["percent"] = 100
    for name, value in fields.items():
        setattr(job, name, value)
    job.finished_at = timezone.now()
    job.save(update_fields=[*fields, "finished_at"])
    return job
