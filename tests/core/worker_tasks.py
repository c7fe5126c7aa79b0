"""A task for the worker-kill tests: the real bulk creation of conventions, made slow where the
job's parameters ask, so that a test has the time to kill the worker in the middle of it.

`params["pauses"]` maps an attempt ("1", "2", …) to two pauses in seconds: before the creation's
transaction (while the checks run, only the heartbeat keeps the lease) and inside it, after the
conventions are written but before they are committed."""

import time

from django_tasks import task

from conventions.services import bulk
from core import jobs
from core.models import Job


@task()
def slow_bulk_creation(*, job_id: int) -> None:
    def work(job: Job) -> dict:
        before, inside = job.params.get("pauses", {}).get(str(job.attempts), (0, 0))
        template = bulk.job_template(job)
        bulk.check_job_rows(job, template)
        time.sleep(before)

        def write() -> dict:
            references = bulk.run_bulk_creation(job, template)
            time.sleep(inside)
            return {"references": references}

        return jobs.once(job, write)

    jobs.run(Job.objects.get(pk=job_id, kind=bulk.KIND), work)
