"""Background work of the pilotage app (django-tasks): the deadline reminders' e-mails, and the
yearly follow-up report with its progress.

A report job lives in the cache (shared by every node and worker: the database cache by
default), not on a node's disk: its state and percentage, polled by the page, and, once done,
the file's bytes under a key of their own. It is kept for `JOB_TTL` seconds; past that, the page
asks to start it again."""

import logging
import uuid
from dataclasses import asdict, dataclass, field

from django.core.cache import cache
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone
from django_tasks import task

from accounts.models import Federation

from .models import Plan

logger = logging.getLogger(__name__)


@task()
def send_deadline_reminder(
    *, plan_id: int, label: str, due_on: str, recipients: list[str], link: str
) -> None:
    """The reminder of one deadline of a plan (`manage.py send_reminders`)."""
    plan = Plan.objects.select_related("school__organising_authority", "accompaniment__federation").get(
        pk=plan_id
    )
    context = {"plan": plan, "school": plan.school, "label": label, "due_on": due_on, "link": link}
    send_mail(
        subject=render_to_string("email/pilotage_reminder_subject.txt", context).strip(),
        message=render_to_string("email/pilotage_reminder_body.txt", context),
        from_email=None,
        recipient_list=recipients,
    )


# --- The yearly follow-up report --------------------------------------------------------------

JOB_TTL = 6 * 60 * 60
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass
class ReportJob:
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    LABELS = {PENDING: "En attente", RUNNING: "En cours", DONE: "Terminé", FAILED: "Échec"}

    id: str
    user_id: int
    federation_id: int
    federation_code: str
    year: int
    fmt: str
    status: str = PENDING
    percent: int = 0
    stage: str = "En attente d'un processus libre"
    error: str = ""
    schools: int = 0
    created_at: str = field(default_factory=lambda: timezone.now().isoformat())

    @staticmethod
    def _key(job_id: str) -> str:
        return f"pilotage:rapport:{job_id}"

    @classmethod
    def get(cls, job_id: str) -> "ReportJob | None":
        data = cache.get(cls._key(job_id))
        return cls(**data) if data else None

    def save(self) -> None:
        cache.set(self._key(self.id), asdict(self), JOB_TTL)

    def update(self, **changes) -> None:
        for name, value in changes.items():
            setattr(self, name, value)
        self.save()

    def content(self) -> bytes | None:
        return cache.get(self._key(self.id) + ":contenu")

    def set_content(self, content: bytes) -> None:
        cache.set(self._key(self.id) + ":contenu", content, JOB_TTL)

    @property
    def status_label(self) -> str:
        return self.LABELS[self.status]

    @property
    def is_running(self) -> bool:
        return self.status in (self.PENDING, self.RUNNING)

    @property
    def school_year_label(self) -> str:
        return f"{self.year}-{self.year + 1}"

    @property
    def filename(self) -> str:
        return f"rapport-suivi-annuel-{self.federation_code.lower()}-{self.school_year_label}.{self.fmt}"


def start_yearly_report(*, federation: Federation, year: int, fmt: str, user) -> ReportJob:
    """Records the job, then queues its task."""
    if fmt not in CONTENT_TYPES:
        raise ValueError(fmt)
    job = ReportJob(
        id=str(uuid.uuid4()),
        user_id=user.pk,
        federation_id=federation.pk,
        federation_code=federation.code,
        year=year,
        fmt=fmt,
    )
    job.save()
    generate_yearly_report.enqueue(job_id=job.id)
    return job


@task()
def generate_yearly_report(*, job_id: str) -> None:
    from . import report  # WeasyPrint loads only where reports are made

    job = ReportJob.get(job_id)
    if job is None:
        logger.warning("Rapport %s introuvable (expiré ?)", job_id)
        return

    def progress(percent: int, stage: str) -> None:
        job.update(status=ReportJob.RUNNING, percent=percent, stage=stage)

    progress(1, "Démarrage")
    try:
        federation = Federation.objects.get(pk=job.federation_id)
        data = report.build(federation, job.year, progress=progress)
        content = report.render(data, job.fmt, progress=progress)
    except Exception:
        logger.exception("Le rapport de suivi annuel %s a échoué", job_id)
        job.update(
            status=ReportJob.FAILED,
            stage="Échec",
            error="La production du rapport a échoué. Réessayez ; si l'erreur persiste, prévenez "
            "l'administrateur de Pilotis.",
        )
        raise
    job.set_content(content)
    job.update(status=ReportJob.DONE, percent=100, stage="Terminé", schools=len(data.lines))
