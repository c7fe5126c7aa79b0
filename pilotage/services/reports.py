"""The yearly follow-up report: produced from its job, with its progress on the way."""

import logging

from accounts.models import Federation
from pilotage.dashboards import report
from pilotage.dashboards.report_job import ReportJob

logger = logging.getLogger(__name__)


def produce_yearly_report(*, job: ReportJob) -> None:
    """Build and render the report the job asks for, keeping the job's state and percentage
    up to date; a failure is recorded on the job (and raised again, for the worker's log)."""

    def progress(percent: int, stage: str) -> None:
        job.update(status=ReportJob.RUNNING, percent=percent, stage=stage)

    progress(1, "Démarrage")
    try:
        federation = Federation.objects.get(pk=job.federation_id)
        data = report.build(federation, job.year, progress=progress)
        content = report.render(data, job.fmt, progress=progress)
    except Exception:
        logger.exception("Le rapport de suivi annuel %s a échoué", job.id)
        job.update(
            status=ReportJob.FAILED,
            stage="Échec",
            error="La production du rapport a échoué. Réessayez ; si l'erreur persiste, prévenez "
            "l'administrateur de Pilotis.",
        )
        raise
    job.set_content(content)
    job.update(status=ReportJob.DONE, percent=100, stage="Terminé", schools=len(data.lines))
