"""`manage.py db_worker`: the database queue's worker (django-tasks-db), which also looks, when it
starts and then every JOB_REAP_SECONDS, for jobs whose worker died, to queue them again or fail
them (`core.jobs.reap_lost_jobs`). The queue itself has no such watch: without it, a job killed
with its worker stays « en cours » for ever.

It takes the library's command's place because `core` comes before it in INSTALLED_APPS."""

import logging
import threading

from django.conf import settings
from django.db import connections
from django_tasks_db.management.commands.db_worker import Command as QueueWorkerCommand

from core import jobs

logger = logging.getLogger("core.jobs")


def reap_until(stop: threading.Event) -> None:
    while True:
        try:
            for job in jobs.reap_lost_jobs():
                logger.warning("Tâche de fond %s reprise : %s", job.pk, job.get_status_display())
        except Exception:
            logger.exception("La recherche des tâches de fond abandonnées a échoué")
        finally:
            connections.close_all()
        if stop.wait(settings.JOB_REAP_SECONDS):
            return


class Command(QueueWorkerCommand):
    help = "Exécute les tâches de fond de la file en base, et reprend celles dont le processus s'est arrêté."

    def handle(self, *args, **options):
        stop = threading.Event()
        # A daemon thread: the worker's own signal handling decides when the process ends.
        threading.Thread(target=reap_until, args=(stop,), name="job-reaper", daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
