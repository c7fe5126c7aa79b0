"""The yearly follow-up report: a background Job that builds and renders it, with its progress
on the way; the finished file stays in the job, to be downloaded later."""

from accounts.models import Federation
from core import jobs
from core.exports import content_type
from core.models import Job
from core.school_years import school_year_label
from pilotage.dashboards import report, report_files

KIND = "pilotage.yearly_report"
CONTENT_TYPES = {"pdf": "application/pdf", "xlsx": content_type("xlsx")}
FAILURE_MESSAGE = (
    "La production du rapport a échoué. Réessayez ; si l'erreur persiste, prévenez "
    "l'administrateur de Pilotis."
)


def new_report_job(*, federation: Federation, year: int, fmt: str, user) -> Job:
    """A report waiting for a worker."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    params = {"federation": federation.pk, "federation_code": federation.code, "year": year, "format": fmt}
    return jobs.create_job(kind=KIND, by=user, params=params)


def report_file_name(job: Job) -> str:
    code, year, fmt = job.params["federation_code"], job.params["year"], job.params["format"]
    return f"rapport-suivi-annuel-{code.lower()}-{school_year_label(year)}.{fmt}"


def produce_yearly_report(*, job: Job) -> Job:
    """Builds and renders the report the job asks for, keeping its state and percentage up to
    date; a failure is recorded on the job, in French."""

    def work(job: Job):
        def progress(percent: int, stage: str) -> None:
            jobs.report_progress(job, percent=percent, stage=stage)

        federation = Federation.objects.get(pk=job.params["federation"])
        data = report.build(federation, job.params["year"], progress=progress)
        content = report_files.render(data, job.params["format"], progress=progress)
        return {"schools": len(data.lines)}, report_file_name(job), content

    return jobs.run(job, work, failure_message=FAILURE_MESSAGE)
