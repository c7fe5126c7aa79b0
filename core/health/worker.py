"""Is a task worker (`manage.py db_worker`) taking tasks? The status page queues a tiny
heartbeat task, first in line, whenever none is waiting, and looks at how long the last one
waited: a heartbeat left in the queue for longer than HEALTH_WORKER_MAX_DELAY means no worker
is running (or every one is stuck). django-tasks-db's own table holds the heartbeats, so this
needs nothing of the jobs' bookkeeping (core/jobs.py) and no table of its own."""

import dataclasses
from datetime import timedelta
from typing import ClassVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

# The highest priority django-tasks allows: a heartbeat does not wait behind a long report.
FIRST_IN_LINE = 100


@task(priority=FIRST_IN_LINE)
def heartbeat() -> None:
    """Only the newest heartbeat is kept: this one, which is running."""
    DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH, status__in=FINISHED).delete()


HEARTBEAT_PATH = heartbeat.module_path
FINISHED = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]


@dataclasses.dataclass
class WorkerHeartbeat(HealthCheck):
    title: ClassVar[str] = "Processus de tâches de fond"
    note: str = dataclasses.field(default="", repr=False, init=False)

    async def run(self) -> None:
        # In the request's own thread: it reads what the request's database connection sees.
        await sync_to_async(self.check)()

    def check(self) -> None:
        if not isinstance(heartbeat.get_backend(), DatabaseBackend):
            self.note = "tâches exécutées sur-le-champ, sans processus séparé"
            return
        now = timezone.now()
        max_delay = timedelta(seconds=settings.HEALTH_WORKER_MAX_DELAY)
        beats = DBTaskResult.objects.filter(task_path=HEARTBEAT_PATH)
        waiting = beats.filter(status=TaskResultStatus.READY).order_by("enqueued_at").first()
        if waiting is not None and now - waiting.enqueued_at > max_delay:
            minutes = int((now - waiting.enqueued_at).total_seconds() // 60)
            raise ServiceUnavailable(
                f"aucun processus de tâches n'a pris de tâche depuis {minutes} min : "
                "lancez `manage.py db_worker`"
            )
        last = beats.filter(status=TaskResultStatus.SUCCESSFUL).order_by("-finished_at").first()
        if waiting is None:
            heartbeat.enqueue()
        if last is None:
            self.note = "premier battement en attente"
        else:
            self.note = f"dernier battement il y a {int((now - last.finished_at).total_seconds())} s"
