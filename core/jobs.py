"""Running a Job: the task that carries it fetches it and hands its work to `run`, which records
the start, the progress, the result or the failure, each in its own short write so that the page
polling the job sees them as they happen.

A worker can die in the middle of a job (killed, out of memory, its machine restarted). Each
attempt therefore holds a lease, renewed by a heartbeat while it works; a job whose lease has
run out is found by `reap_lost_jobs` (run by every worker, and by the job's page when it sees
it) and queued again, at most JOB_MAX_RETRIES times, then failed with a message the person can
act on. Each claim counts an attempt, and an attempt writes only while it is still the job's
latest: a worker that was merely slow cannot finish a job that another attempt has taken over."""

import logging
import threading
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from .models import Job

logger = logging.getLogger(__name__)

FAILURE_MESSAGE = "La tâche a échoué. Réessayez ; si l'erreur persiste, prévenez l'administrateur de Pilotis."
LOST_MESSAGE = (
    "Le processus qui exécutait cette tâche s'est arrêté avant de la terminer ({attempts} tentative{s}). "
    "Rien n'a été enregistré à moitié. Relancez-la ; si cela se reproduit, prévenez l'administrateur de Pilotis."
)
LOST_TRACEBACK = (
    "Le processus qui exécutait cette tâche s'est arrêté (bail expiré, tâche reprise par Pilotis)."
)


class JobRefused(Exception):
    """The work cannot be done for a reason the person can act on: `messages` says why, in French."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


class JobSuperseded(Exception):
    """This attempt is no longer the job's latest (its lease ran out and the job was taken over):
    it must stop without writing anything more."""


def create_job(*, kind: str, by, params: dict) -> Job:
    return Job.objects.create(kind=kind, created_by=by, params=params)


def enqueue(job: Job, task) -> Job:
    """Queues `task(job_id=…)` for the job, remembering which task carries it so that a lost
    attempt can be queued again. (The immediate backend runs it within this call.)"""
    job.task_path = task.module_path
    Job.objects.filter(pk=job.pk).update(task_path=job.task_path)
    job.task_id = str(task.enqueue(job_id=job.pk).id)
    # An update, not a save: the immediate backend has already run the job and recorded its end.
    Job.objects.filter(pk=job.pk).update(task_id=job.task_id)
    return job


def _current_attempt(job: Job):
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, attempts=job.attempts)


def report_progress(job: Job, *, percent: int, stage: str = "") -> None:
    """Saves the progress, which renews the lease; an attempt that was taken over stops here."""
    job.percent, job.stage = max(0, min(percent, 100)), stage or job.stage
    if not _current_attempt(job).update(percent=job.percent, stage=job.stage, heartbeat_at=timezone.now()):
        raise JobSuperseded


def run(
    job: Job, work: Callable[[Job], dict | tuple[dict, str, bytes]], *, failure_message: str = FAILURE_MESSAGE
) -> Job:
    """Runs `work(job)`, which returns the result (a dict), or the result with a file's name and
    bytes; the work opens its own transactions, so that its progress is seen while it runs. A job
    that is no longer pending is left as it is. A JobRefused ends the job as failed with its
    messages; any other error too, with a general message, and is logged."""
    started = timezone.now()
    # Claimed in one UPDATE: a job queued twice (a double click, two workers) runs once.
    if not Job.objects.filter(pk=job.pk, status=Job.Status.PENDING).update(
        status=Job.Status.RUNNING,
        started_at=started,
        percent=1,
        heartbeat_at=started,
        attempts=F("attempts") + 1,
    ):
        job.refresh_from_db()
        return job
    job.refresh_from_db(fields=["status", "started_at", "percent", "heartbeat_at", "attempts"])
    try:
        with _heartbeat(job):
            outcome = work(job)
    except JobSuperseded:
        logger.warning(
            "La tentative %s de la tâche de fond %s a été reprise par une autre", job.attempts, job.pk
        )
        job.refresh_from_db()
        return job
    except JobRefused as refusal:
        return _finish(job, status=Job.Status.FAILED, error=" ".join(refusal.messages))
    except Exception:
        logger.exception("La tâche de fond %s (%s) a échoué", job.pk, job.kind)
        return _finish(job, status=Job.Status.FAILED, error=failure_message)
    if job.status == Job.Status.DONE:  # the work finished it in its own transaction (`once`)
        return job
    result, file_name, content = outcome if isinstance(outcome, tuple) else (outcome, "", None)
    return _finish(job, status=Job.Status.DONE, result=result, file_name=file_name, file_content=content)


def once(job: Job, write: Callable[[], dict]) -> dict:
    """Runs `write` (the work's lasting changes) and records the job as done with its result in
    one transaction, on the job's row locked: a worker dying inside leaves nothing, and an
    attempt that was taken over writes nothing, so that a retried job never does its work twice."""
    with transaction.atomic():
        if _current_attempt(job).select_for_update().values_list("pk", flat=True).first() is None:
            raise JobSuperseded
        result = write()
        _finish(job, status=Job.Status.DONE, result=result)
    return result


def _finish(job: Job, **fields) -> Job:
    fields.setdefault("stage", "Terminé" if fields["status"] == Job.Status.DONE else "Échec")
    if fields["status"] == Job.Status.DONE:
        fields["percent"] = 100
    fields["finished_at"] = timezone.now()
    if not _current_attempt(job).update(**fields):
        job.refresh_from_db()
        return job
    for name, value in fields.items():
        setattr(job, name, value)
    return job


@contextmanager
def _heartbeat(job: Job):
    """Renews the attempt's lease from a thread of its own (with its own connection) while the
    work runs, so that a long step without progress (a PDF rendered, a transaction) is not
    taken for a dead worker."""
    interval = settings.JOB_HEARTBEAT_SECONDS
    if not interval:
        yield
        return
    stop = threading.Event()

    def beat():
        try:
            while not stop.wait(interval):
                try:
                    _current_attempt(job).update(heartbeat_at=timezone.now())
                except Exception:
                    logger.exception("Signe de vie de la tâche de fond %s non enregistré", job.pk)
        finally:
            connections.close_all()

    thread = threading.Thread(target=beat, name=f"job-{job.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


# --- Jobs whose worker died -------------------------------------------------------------------


def _lost(now):
    cutoff = now - timedelta(seconds=settings.JOB_LEASE_SECONDS)
    return Q(status=Job.Status.RUNNING) & (
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
    )


def is_lost(job: Job) -> bool:
    """Whether the job is running on a lease that has run out (seen without a query)."""
    if job.status != Job.Status.RUNNING:
        return False
    last_sign = job.heartbeat_at or job.started_at
    return last_sign is not None and last_sign < timezone.now() - timedelta(
        seconds=settings.JOB_LEASE_SECONDS
    )


def reap_lost_jobs() -> list[Job]:
    """Queues again, or fails, every job whose lease has run out; returns them."""
    pks = list(Job.objects.filter(_lost(timezone.now())).values_list("pk", flat=True))
    return [job for job in map(_reap, pks) if job is not None]


def reap_if_lost(job: Job) -> Job:
    """For the job's page: the job as it stands, taken over first if its lease has run out."""
    if is_lost(job):
        _reap(job.pk)
        job.refresh_from_db()
    return job


def _reap(pk: int) -> Job | None:
    now = timezone.now()
    with transaction.atomic():
        # Skipping a locked row: its attempt is alive, inside its final transaction (`once`).
        job = Job.objects.select_for_update(skip_locked=True).filter(_lost(now), pk=pk).first()
        if job is None:
            return None
        _fail_task_result(job.task_id, now)
        retry = bool(job.task_path) and job.attempts <= settings.JOB_MAX_RETRIES
        if retry:
            job.status, job.percent, job.heartbeat_at = Job.Status.PENDING, 0, None
            job.stage = f"Reprise après l'arrêt du processus (tentative {job.attempts + 1})"
            logger.warning("Tâche de fond %s (%s) sans signe de vie : remise en file", job.pk, job.kind)
        else:
            job.status, job.stage, job.finished_at = Job.Status.FAILED, "Échec", now
            job.error = LOST_MESSAGE.format(attempts=job.attempts, s="s" if job.attempts > 1 else "")
            logger.error("Tâche de fond %s (%s) sans signe de vie : abandonnée", job.pk, job.kind)
        job.save(update_fields=["status", "percent", "heartbeat_at", "stage", "finished_at", "error"])
        if retry:
            # In the same transaction: a reaper dying here leaves the job running and lost, to
            # be found again, never pending with nothing queued to run it.
            enqueue(job, import_string(job.task_path))
    if retry:
        job.refresh_from_db()
    return job


def _fail_task_result(task_id: str, now) -> None:
    """The database queue has no notion of a dead worker: its entry would stay « running »
    for ever. It is closed as failed; the retry, if any, is a new entry."""
    try:
        pk = uuid.UUID(task_id)
    except ValueError:
        return
    DBTaskResult.objects.filter(pk=pk, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        exception_class_path=f"{__name__}.JobSuperseded",
        traceback=LOST_TRACEBACK,
    )
