"""Real `manage.py db_worker` processes killed (SIGKILL) in the middle of a bulk creation of
conventions, on PostgreSQL: the job is retried by the next worker and completes once, or after
its last attempt fails with a French message shown on its page with « Relancer »; nothing is
ever half-created.

The workers run with a 2-second lease renewed every 0.3 s, and look for lost jobs every 0.5 s."""

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from accounts.models import Role
from conventions.models import Convention
from core import jobs
from core.models import Job
from tests.core.test_jobs_lease import LOST, bulk_job
from tests.core.worker_tasks import slow_bulk_creation
from tests.ops.nodes import child_environment
from tests.utils import text_of

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="tue de vrais processus sur PostgreSQL"),
]

ROOT = Path(__file__).resolve().parents[2]
LEASE = {
    "JOB_LEASE_SECONDS": "2",
    "JOB_HEARTBEAT_SECONDS": "0.3",
    "JOB_REAP_SECONDS": "0.5",
    "JOB_MAX_RETRIES": "2",
}
DATABASE_QUEUE = "django_tasks_db.DatabaseBackend"
FOREVER = 600


@pytest.fixture
def workers(settings, tmp_path):
    """Starts db_worker processes on the test database; kills whatever is left at the end."""
    settings.TASKS = {"default": {"BACKEND": DATABASE_QUEUE}}
    settings.JOB_LEASE_SECONDS, settings.JOB_MAX_RETRIES = 2, 2
    environment = child_environment(
        DJANGO_SETTINGS_MODULE="config.settings.test", TASKS_BACKEND=DATABASE_QUEUE, **LEASE
    )
    started = []

    def start():
        log = open(tmp_path / f"worker-{len(started) + 1}.log", "wb")  # noqa: SIM115 (closed below)
        process = subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval",
                "0.2",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append((process, log))
        return process

    def logs():
        return "\n".join(
            f"--- processus {n} ({'en vie' if process.poll() is None else f'fini : {process.returncode}'})\n"
            + (tmp_path / f"worker-{n}.log").read_text()
            for n, (process, _) in enumerate(started, start=1)
        )

    start.logs = logs
    yield start
    for process, log in started:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)
        log.close()


def wait_for(condition, what, workers, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"{what} : toujours pas après {timeout} s\n{workers.logs()}")


def writing_conventions_uncommitted() -> bool:
    """A worker sits inside the creation's transaction: conventions written, not committed."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
               WHERE a.datname = current_database() AND a.state = 'idle in transaction'
               AND l.relation = 'conventions_convention'::regclass AND l.mode = 'RowExclusiveLock'"""
        )
        return cursor.fetchone()[0] > 0


def kill_during_creation(job, attempt, workers):
    """Starts a worker, waits until it is inside the creation of attempt `attempt`, kills it."""
    worker = workers()
    wait_for(
        lambda: (
            Job.objects.filter(pk=job.pk, attempts=attempt, status=Job.Status.RUNNING).exists()
            and writing_conventions_uncommitted()
        ),
        f"la tentative {attempt} écrit les conventions",
        workers,
    )
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    wait_for(
        lambda: not writing_conventions_uncommitted(), "la transaction du processus tué est annulée", workers
    )
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, attempt), (
        "le processus tué laisse la tâche « en cours »"
    )
    assert not Convention.objects.exists(), "rien n'est créé à moitié"


def queued(job):
    return DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=job.pk).order_by("enqueued_at")


def test_a_job_whose_worker_is_killed_is_retried_by_the_next_worker_and_completes_once(side_a, workers):
    # The second attempt pauses 3 s before its transaction, longer than the lease: only its
    # heartbeat keeps it from being taken for dead.
    job = bulk_job(side_a, pauses={"1": [0, FOREVER], "2": [3, 0]})
    jobs.enqueue(job, slow_bulk_creation)
    kill_during_creation(job, 1, workers)

    workers()
    wait_for(
        lambda: Job.objects.get(pk=job.pk).status == Job.Status.DONE, "la reprise termine la tâche", workers
    )
    job.refresh_from_db()
    assert job.attempts == 2
    assert Convention.objects.count() == 2 == len(job.result["references"])
    assert sorted(Convention.objects.values_list("reference", flat=True)) == sorted(job.result["references"])
    first, second = queued(job)
    assert first.status == TaskResultStatus.FAILED and LOST[:20] in first.traceback
    wait_for(
        lambda: queued(job).last().status == TaskResultStatus.SUCCESSFUL, "la file note la réussite", workers
    )
    assert second.pk != first.pk


def test_a_job_killed_at_every_attempt_fails_and_its_page_offers_to_relaunch_it(client, side_a, workers):
    job = bulk_job(side_a, pauses={str(n): [0, FOREVER] for n in (1, 2, 3)})
    jobs.enqueue(job, slow_bulk_creation)
    for attempt in (1, 2, 3):
        kill_during_creation(job, attempt, workers)

    # No worker is left; the page itself notices the lease has run out.
    time.sleep(2.5)
    client.force_login(side_a.users[Role.FPO_STAFF])
    page = text_of(client.get(f"/conventions/creations/{job.pk}/"))
    assert "Échec" in page and f"Aucune convention n'a été créée. {LOST}" in page
    assert "(3 tentatives)" in page and "Relancer" in page
    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.FAILED, 3)
    assert [task.status for task in queued(job)] == [TaskResultStatus.FAILED] * 3
    assert not Convention.objects.exists()

    response = client.post(f"/conventions/creations/{job.pk}/relancer/")
    again = Job.objects.exclude(pk=job.pk).get()
    assert response.url == f"/conventions/creations/{again.pk}/"
    assert again.status == Job.Status.PENDING
    assert queued(again).get().status == TaskResultStatus.READY
