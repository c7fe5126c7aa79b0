"""Objects the access matrix's URLs point at, made once per world: the jobs of A's people."""

from accounts.models import Role
from core import jobs
from pilotage.imports import KIND as INDICATOR_IMPORT
from pilotage.services import reports


def report_job(world):
    """A finished yearly report asked for by A's staff."""
    if "report_job" not in world:
        side_a = world["A"]
        job = reports.new_report_job(
            federation=side_a.federation, year=2024, fmt="xlsx", user=side_a.users[Role.FPO_STAFF]
        )
        jobs.run(job, lambda job: ({"schools": 0}, "rapport.xlsx", b"PK"))
        world["report_job"] = job.pk
    return world["report_job"]


def import_job(world):
    """A background import of indicator values started by A's référent."""
    if "import_job" not in world:
        job = jobs.create_job(kind=INDICATOR_IMPORT, by=world["A"].users[Role.PO_REFERENT], params={})
        world["import_job"] = job.pk
    return world["import_job"]
